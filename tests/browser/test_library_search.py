"""Journey: a student on a phone searches the library for a word no material has, is offered a
related word that finds something, and finds a material by a word only its summary holds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from dangjian.accounts.system import system_actor
from dangjian.library.services import materials as material_services
from dangjian.library.tests.documents import text_bytes
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

HISTORY_TITLE = "新民主主义革命时期学习笔记"
HISTORY_TEXT = "一九二一年，中国共产党第一次全国代表大会召开。一九三五年，遵义会议召开，长征途中实现伟大转折。"
SLIDES_TITLE = "七一学习材料"
SLIDES_TEXT = "坚持真理、坚守理想，践行初心、担当使命，不怕牺牲、英勇斗争，对党忠诚、不负人民。"


def publish(org, title: str, text: str, *, summary: str, keywords: list[str]):
    actor = system_actor()
    upload = SimpleUploadedFile(f"{title}.txt", text_bytes(text))
    material = material_services.material_upload(actor=actor, org=org, file=upload, title=title, area="tradition")
    material = material_services.material_update(actor=actor, material=material, summary=summary, keywords=keywords)
    return material_services.material_publish(actor=actor, material=material)


def test_a_student_is_led_from_nothing_to_a_related_word_and_finds_by_the_summary(
    phone_page: Page, college, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    publish(
        college.committee,
        HISTORY_TITLE,
        HISTORY_TEXT,
        summary="梳理新民主主义革命时期的关键节点，供学生党员学习党史使用。",
        keywords=["党史", "中共一大", "遵义会议", "长征", "新民主主义革命"],
    )
    slides = publish(
        college.committee,
        SLIDES_TITLE,
        SLIDES_TEXT,
        summary="专题党课课件，解读伟大建党精神。",
        keywords=["伟大建党精神", "七一", "学习材料", "真理", "理想"],
    )
    log_in(phone_page, college.user("other_branch"))  # a graduate student
    phone_page.goto("/library/")
    results = phone_page.locator("#library-results")

    # 四史: no material says it. The empty state says so and offers 党史, which finds one.
    phone_page.locator("#id_q").fill("四史")
    expect(results.locator(".empty-title")).to_contain_text("四史")
    expect(results.locator(".empty-action a")).to_have_attribute("href", "/library/topics/")
    related = results.locator(".library-suggestions a", has_text="党史")
    expect(related.first).to_be_visible()
    related.first.click()
    expect(phone_page.locator("#id_q")).to_have_value("党史")
    expect(results.locator(".material-card")).to_have_count(1)
    expect(results.locator(".material-card")).to_contain_text(HISTORY_TITLE)

    # 党课 is only in the summary of the slides: it is found all the same.
    phone_page.locator("#id_q").fill("党课")
    expect(results.locator(".material-card")).to_have_count(1)
    expect(results.locator(".material-card")).to_contain_text(slides.title)
    expect(results.locator(".empty")).to_have_count(0)
