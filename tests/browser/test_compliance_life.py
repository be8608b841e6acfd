"""Journey: a committee officer opens 组织生活, sees a branch overdue, drills into it and follows an activity."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.compliance.rules import requirements as req
from dangjian.compliance.tests.factories import held
from tests.browser.conftest import _open, log_in

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def test_a_committee_officer_finds_an_overdue_branch_and_the_activity_that_counted(
    new_context, browser_problems, college
):
    last_quarter = req.period_of("quarter", timezone.localdate()).previous()
    day = last_quarter.starts_on + datetime.timedelta(days=20)
    activity = held(
        college.branch, (timezone.localdate() - day).days, form="general_meeting", theme="上季度支部党员大会"
    )
    page = _open(new_context(**LAPTOP), browser_problems)

    log_in(page, college.user("committee"))
    page.locator("a[href='/compliance/life/']").first.click()
    expect(page).to_have_url(re.compile(r"/compliance/life/$"))
    expect(page.locator("main")).to_contain_text(college.other_branch.name)

    # Last quarter: the theme days were never held, so the branch is overdue.
    page.locator("main a[rel=prev]").click()
    expect(page).to_have_url(re.compile(rf"period=quarter&date={last_quarter.starts_on.isoformat()}"))
    row = page.locator("tr", has=page.locator(f"a[href^='/compliance/life/{college.branch.pk}/']")).first
    expect(row.locator(".badge").first).to_be_visible()
    expect(row).to_contain_text("已逾期")

    # Drill into the branch: the general meeting counted, with a link to the activity.
    row.locator("th a").click()
    expect(page).to_have_url(re.compile(rf"/compliance/life/{college.branch.pk}/\?period=quarter"))
    general = page.locator("#req-general_meeting")
    expect(general).to_contain_text("已完成")
    expect(page.locator("#req-theme_day")).to_contain_text("已逾期")
    general.locator(f"a[href='/study/activities/{activity.pk}/']").click()
    expect(page).to_have_url(re.compile(rf"/study/activities/{activity.pk}/$"))
    expect(page.locator("main")).to_contain_text("上季度支部党员大会")
