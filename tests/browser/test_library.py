"""Journey: an officer uploads a PDF and publishes it with the suggested keywords; a member on a
phone finds it by a two-character word, reads two pages, and sees the minutes on their study ledger."""

import dataclasses
import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import timezone
from playwright.sync_api import Page, Response, Route, expect

from dangjian.library.forms import split_words
from dangjian.library.models import Material, ReadingPosition, ReadingSession
from dangjian.library.selectors import reading as reading_selectors
from dangjian.library.services import materials as material_services
from dangjian.library.services import reading as reading_services
from dangjian.library.tests.documents import pdf_bytes, text_bytes
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

TITLE = "主题党日活动方案"
WORD = "党日"  # two characters, found inside 主题党日
PAGES = [
    "党支部主题党日活动方案\n"
    "为深入学习贯彻党的二十大精神，推动党纪学习教育走深走实，哲学系教工党支部决定于本月开展主题党日活动。\n"
    "本次主题党日以“学党章、守党纪、讲奉献”为主题，全体党员、预备党员和入党积极分子参加。\n"
    "主题党日由支部书记主持，党员重温入党誓词，集中学习党章和纪律处分条例。",
    "一、学习内容\n"
    "各党小组结合三会一课制度，围绕党章、纪律处分条例和习近平新时代中国特色社会主义思想开展集中学习。\n"
    "党员结合教学科研工作谈体会，查找在理想信念、纪律作风方面的差距。\n"
    "主题党日活动中，支部书记讲专题党课，党员交流学习心得。",
    "二、工作要求\n"
    "各党小组要高度重视主题党日活动，提前做好学习准备，确保党员按时参加。\n"
    "因故不能参加主题党日的党员，应向党支部请假，并按要求补学，提交学习心得。\n"
    "党支部将把主题党日开展情况纳入组织生活会和民主评议党员的重要内容。",
]
OTHER_TITLE = "学习党章的几点体会"
OTHER_TEXT = (
    "党章是党的根本大法，是全党必须共同遵守的根本行为规范。\n\n"
    "学习党章，要把党章作为加强党性修养的根本标准，作为指导党的工作、党内活动和党的建设的根本依据。\n\n"
    "全体党员要自觉学习党章、遵守党章、贯彻党章、维护党章，做到理想信念坚定、纪律规矩严明。"
)
# Where the member's hours page shows the minutes of online reading that count this year.
READING_MINUTES = "#hours-reading-minutes"
# The reader's timer, sped up: a beat every second, and only while the page was used within 3 s.
FAST_TIMER = {"beat_interval_s": 1, "active_window_s": 3}


class ServerClock:
    """The time the reading service sees: real time, fast-forwarded by the test.

    The server credits only time that really passed between beats (at most a minute per beat);
    a minute of reading is simulated by moving this clock on instead of waiting.
    """

    def __init__(self) -> None:
        self.ahead = datetime.timedelta(0)

    def now(self) -> datetime.datetime:
        return timezone.now() + self.ahead

    def advance(self, seconds: int) -> None:
        self.ahead += datetime.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> ServerClock:
    """Speed up the reader's timer and put the reading service on a clock the test can move.

    The timing is rule data, not a setting, so the selector handing out the rule is patched; the
    live server runs in a thread of this process, so the patches apply to it.
    """
    server_clock = ServerClock()
    rule_of_year = reading_selectors.reading_rule
    beat = reading_services.reading_beat
    monkeypatch.setattr(
        reading_selectors, "reading_rule", lambda year: dataclasses.replace(rule_of_year(year), **FAST_TIMER)
    )
    monkeypatch.setattr(reading_services, "reading_beat", lambda **kwargs: beat(**kwargs, now=server_clock.now()))
    return server_clock


@pytest.fixture
def pdf_file(tmp_path):
    path = tmp_path / f"{TITLE}.pdf"
    path.write_bytes(pdf_bytes(PAGES, title=TITLE))
    return path


def _is_beat(response: Response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/reading/beat")


def keep_beat_bodies(page: Page) -> None:
    """Let the test read the beats' answers. Answers to a logged-in user are `Cache-Control: no-store`,
    and Chromium keeps no body of such a response for Playwright to read (`Response.json()` waits for
    ever); the beat is fetched by Playwright and passed on without that one header."""

    def without_no_store(route: Route) -> None:
        answer = route.fetch()
        headers = {name: value for name, value in answer.headers.items() if name.lower() != "cache-control"}
        route.fulfill(response=answer, headers=headers)

    page.route("**/reading/beat", without_no_store)


def read_until(page: Page, seconds: int) -> dict:
    """Use the reader (a tap on the text) until the server reports `seconds` in the reading session."""
    for _attempt in range(15):
        with page.expect_response(_is_beat) as beat:
            page.locator("#reader-page").tap()
        assert beat.value.ok, beat.value.text()
        body = beat.value.json()
        assert body["counted"] is True
        if body["session_seconds"] >= seconds:
            return body
    pytest.fail(f"the reading session never reached {seconds} s (last beat: {body})")


def test_a_pdf_is_published_found_by_a_short_word_read_on_a_phone_and_credited(
    page: Page, phone_page: Page, college, clock: ServerClock, pdf_file, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    secretary = college.user("branch")
    # Something else is in the library already: the search has to leave it out.
    other = material_services.material_upload(
        actor=secretary,
        org=college.branch,
        file=SimpleUploadedFile("党章体会.txt", text_bytes(OTHER_TEXT)),
        title=OTHER_TITLE,
        area="rules",
    )
    material_services.material_publish(actor=secretary, material=other)

    # The branch secretary uploads the PDF for the branch.
    log_in(page, secretary)
    page.goto("/library/upload/")
    page.locator("input[name=file]").set_input_files(pdf_file)
    page.locator("select[name=org]").select_option(str(college.branch.pk))
    page.locator("select[name=area]").select_option("political")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/library/\d+/edit/$"))
    material = Material.objects.get(title=TITLE)
    assert (material.org, material.area, material.status, material.page_count) == (
        college.branch,
        "political",
        "draft",
        3,
    )

    # The title comes from the file and the keywords are proposed from its text.
    expect(page.locator("input[name=title]")).to_have_value(TITLE)
    proposed = split_words(page.locator("input[name=keywords]").input_value())
    assert 5 <= len(proposed) <= 10, proposed
    assert "主题党日" in proposed
    assert proposed == material.keywords

    # Published as proposed.
    page.locator("#material-save-publish").click()
    expect(page).to_have_url(re.compile(rf"/library/{material.pk}/$"))
    expect(page.locator("#material-pages")).to_contain_text("3")
    material.refresh_from_db()
    assert material.status == "published"
    assert material.keywords == proposed

    # 张三 opens the library on the phone: both materials are listed.
    log_in(phone_page, college.user("member"))
    keep_beat_bodies(phone_page)
    phone_page.goto("/library/")
    results = phone_page.locator("#library-results")
    expect(results.locator(".material-card")).to_have_count(2)

    # Typing the word is enough: the results are swapped in by htmx, without a page load.
    phone_page.evaluate("window.notReloaded = true")
    with phone_page.expect_response(lambda r: "/library/?" in r.url and "q=" in r.url) as search:
        phone_page.locator("#id_q").fill(WORD)
    assert search.value.request.headers.get("hx-request") == "true"
    expect(results.locator(".material-card")).to_have_count(1)
    expect(results.locator(".material-card")).to_contain_text(TITLE)
    expect(results).not_to_contain_text(OTHER_TITLE)
    expect(results.locator("mark").first).to_have_text(WORD)
    assert phone_page.evaluate("window.notReloaded") is True

    # 张三 opens it and starts reading on page 1.
    results.locator(f"a[href='/library/{material.pk}/']").click()
    expect(phone_page).to_have_url(re.compile(rf"/library/{material.pk}/$"))
    phone_page.locator("#material-read").click()
    expect(phone_page).to_have_url(re.compile(rf"/library/{material.pk}/read/$"))
    expect(phone_page.locator("#reader")).to_have_attribute("data-page", "1")
    expect(phone_page.locator("#reader-page")).to_contain_text("哲学系教工党支部决定于本月开展主题党日活动")
    read_until(phone_page, 1)
    session = ReadingSession.objects.get(member=college.member, material=material)
    assert session.active_seconds > 0

    # Page 2; 张三 reads it for a minute.
    phone_page.locator(".reader-next").click()
    expect(phone_page).to_have_url(re.compile(rf"/library/{material.pk}/read/\?page=2$"))
    expect(phone_page.locator("#reader")).to_have_attribute("data-page", "2")
    expect(phone_page.locator("#reader-page")).to_contain_text("三会一课")
    read_until(phone_page, session.active_seconds + 1)
    clock.advance(60)
    read_until(phone_page, 60)
    assert ReadingPosition.objects.get(member=college.member, material=material).page == 2
    seconds = ReadingSession.objects.filter(member=college.member).aggregate(total=Sum("active_seconds"))["total"]
    minutes = seconds // 60
    assert minutes >= 1, seconds

    # The minutes count on 张三's study ledger.
    phone_page.goto(f"/study/my-hours/?year={timezone.localdate().year}")
    expect(phone_page.locator(READING_MINUTES)).to_have_text(re.compile(rf"(^|\D){minutes}(\D|$)"))
