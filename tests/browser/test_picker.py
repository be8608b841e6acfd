"""Journey: a branch secretary types into the speaker picker on the new-activity form, chooses a member
of another branch (a namesake-free label: name · branch), picks a material the same way, and saves."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dangjian.library.models import Material
from dangjian.members.models import Member
from dangjian.members.tests.factories import MemberFactory
from dangjian.study.models import Activity
from tests.browser.conftest import DESKTOP, log_in
from tests.browser.crawl import AXE, AXE_RUN

pytestmark = pytest.mark.browser

THEME = "专题党课：学习贯彻新修订的党章"


def _start(page: Page, college) -> None:
    Member.objects.bulk_create(
        MemberFactory.build(org=college.other_branch, name=f"党员{i:03d}", number=f"S9{i:05d}", name_initials="dy")
        for i in range(120)
    )
    Material.objects.create(
        org=college.committee, title="中国共产党章程", kind="txt", area="theory", status="published"
    )
    log_in(page, college.user("branch"))
    page.goto(f"/study/activities/new/?org={college.branch.pk}")


def _fill_and_save(page: Page, college) -> None:
    starts = timezone.localtime(timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    page.locator("input[name=theme]").fill(THEME)
    page.locator("select[name=form]").select_option("lecture")
    page.locator("input[name=starts_at]").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[name=ends_at]").fill((starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))

    # The speaker: typed as pinyin initials, the dropdown answers from the server.
    speaker = page.locator("#id_speaker-ts-control")
    speaker.click()
    speaker.press_sequentially("zxs", delay=50)
    option = page.locator(".ts-dropdown .option", has_text="赵学生")
    expect(option).to_contain_text("本科生第一党支部")
    expect(page.locator(".ts-dropdown .option")).to_have_count(1)
    option.click()
    expect(page.locator("select[name=speaker]")).to_have_value(str(college.other_member.pk))

    # A material, found by part of its title.
    materials = page.locator("#id_materials-ts-control")
    materials.click()
    materials.press_sequentially("党章", delay=50)
    page.locator(".ts-dropdown .option", has_text="中国共产党章程").click()
    page.keyboard.press("Escape")

    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/study/activities/\d+/$"))
    activity = Activity.objects.get(theme=THEME)
    assert activity.speaker == college.other_member
    assert [m.title for m in activity.materials.all()] == ["中国共产党章程"]


def test_the_speaker_is_found_by_typing_and_the_activity_saved(page: Page, college):
    page.set_viewport_size({"width": 1366, "height": 768})
    _start(page, college)
    # Before typing, the organiser's own members come first.
    page.locator("#id_speaker-ts-control").click()
    expect(page.locator(".ts-dropdown .option").first).to_contain_text("哲学系教工党支部")
    page.keyboard.press("Escape")
    _fill_and_save(page, college)


def test_the_speaker_picker_works_on_a_phone(phone_page: Page, college):
    _start(phone_page, college)
    _fill_and_save(phone_page, college)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_picker_passes_axe_and_filters_the_member_list(new_context, college):
    """The boxes Tom Select draws keep their labels (axe: no serious or critical violation), and choosing an
    organisation in the member list's filter reloads the list for it."""
    page = new_context(**DESKTOP, bypass_csp=True).new_page()  # axe is injected as an inline script
    log_in(page, college.user("admin"))
    page.goto(f"/study/activities/new/?org={college.branch.pk}")
    expect(page.locator("#id_speaker-ts-control")).to_be_visible()
    page.add_script_tag(path=AXE)
    assert page.evaluate(AXE_RUN) == []

    # Another organiser, chosen by typing: the speaker picker now puts that branch's members first.
    page.locator(".ts-control:has(#id_org-ts-control)").click()  # the box: its input is tiny beside a choice
    page.keyboard.type("本科", delay=50)
    page.locator(".ts-dropdown .option", has_text="本科生第一党支部").click()
    expect(page.locator("select[name=org]")).to_have_value(str(college.other_branch.pk))
    page.locator("#id_speaker-ts-control").click()
    expect(page.locator("#id_speaker-ts-dropdown .option").first).to_contain_text("本科生第一党支部")
    page.keyboard.press("Escape")

    page.goto("/members/")
    expect(page.locator("#member-results")).to_contain_text("张三")
    picker = page.locator("#id_org-ts-control")
    picker.click()
    picker.press_sequentially("本科", delay=50)
    page.locator(".ts-dropdown .option", has_text="本科生第一党支部").click()
    expect(page.locator("#member-results")).not_to_contain_text("张三")
    expect(page.locator("#member-results")).to_contain_text("赵学生")
    expect(page).to_have_url(re.compile(rf"org={college.other_branch.pk}"))
