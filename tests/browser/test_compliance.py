"""Journey: an officer opens the early-warning list, opens an entry, records a talk from it, and the entry is closed."""

import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.care.models import Talk
from dangjian.compliance.models import WarningEntry
from dangjian.compliance.services import warnings_refresh
from dangjian.compliance.tests.factories import backdate, held
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SUMMARY = "了解到张三近期承担的本科教学任务较重，与主题党日时间冲突；约定今后提前请假并参加补学。"


def test_an_officer_resolves_an_early_warning_entry_with_a_talk(page: Page, college):
    zhang = college.member
    backdate(zhang)
    for ago in (100, 70, 40):
        held(college.branch, ago, {zhang: "absent"}, theme=f"主题党日（{ago}天前）")
    warnings_refresh()
    entry = WarningEntry.objects.get(member=zhang, status="open")

    # The branch secretary opens the early warning and lands on the branch's list.
    log_in(page, college.user("branch"))
    page.goto("/compliance/warnings/")
    expect(page).to_have_url(re.compile(rf"/compliance/branches/{college.branch.pk}/warnings/$"))
    card = page.locator(f"#warning-{entry.pk}")
    expect(card).to_contain_text("张三")
    expect(card).to_contain_text(entry.reasons[0]["items"][0]["day"])

    # The entry shows its reasons with their dates.
    card.locator(f"a[href='/compliance/warnings/{entry.pk}/']").first.click()
    expect(page).to_have_url(re.compile(rf"/compliance/warnings/{entry.pk}/$"))
    expect(page.locator("main")).to_contain_text("主题党日（40天前）")

    # The secretary records the talk held today; it closes the entry.
    form = page.locator("#close-talk form")
    expect(form.locator("select[name=talk-officer]")).to_have_value(str(college.secretary.pk))
    form.locator("select[name=talk-talk_kind]").select_option("reminder")
    form.locator("textarea[name=talk-note]").fill(SUMMARY)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/compliance/branches/{college.branch.pk}/warnings/$"))
    expect(page.locator(f"#warning-{entry.pk}")).to_have_count(0)

    entry.refresh_from_db()
    assert entry.status == "closed"
    assert entry.resolution == "talk"
    talk = Talk.objects.get(member=zhang)
    assert entry.talk == talk
    assert talk.summary == SUMMARY
    assert talk.officer == college.secretary

    # The closed entry is in the branch's history.
    page.goto(f"/compliance/branches/{college.branch.pk}/warnings/closed/")
    expect(page.locator("main tbody")).to_contain_text("张三")
