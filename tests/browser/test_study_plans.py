"""Journey: the committee publishes its study plan and a branch finds the committee's item required in its own plan."""

import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.study.models import PlanItem, StudyPlan
from dangjian.study.tests.factories_plans import make_item, make_plan, make_semester
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

THEME = "学习贯彻党的二十届四中全会精神"


def test_committee_publishes_a_plan_and_the_branch_sees_its_required_item(page: Page, college):
    semester = make_semester(college.committee)
    plan = make_plan(college.committee, semester)
    make_item(plan, theme=THEME, organiser="every_branch")
    make_item(plan, theme="党委理论学习中心组学习", organiser="self")

    # The committee secretary opens the plan and publishes it, past the confirmation page.
    log_in(page, college.user("committee"))
    page.goto(f"/study/plans/{plan.pk}/")
    page.locator(f"a[href='/study/plans/{plan.pk}/publish/']").click()
    expect(page).to_have_url(re.compile(rf"/study/plans/{plan.pk}/publish/$"))
    # The confirmation lists what every branch will receive, and only that.
    expect(page.locator("main")).to_contain_text(THEME)
    expect(page.locator("main")).not_to_contain_text("党委理论学习中心组学习")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/study/plans/{plan.pk}/$"))
    plan.refresh_from_db()
    assert plan.status == "published"

    # Each branch now has a plan holding the required item; the faculty branch's secretary opens theirs.
    branch_plan = StudyPlan.objects.get(org=college.branch, semester=semester)
    assert StudyPlan.objects.filter(org=college.other_branch, semester=semester).exists()
    page.context.clear_cookies()
    log_in(page, college.user("branch"))
    page.goto(f"/study/plans/?semester={semester.pk}")
    page.locator(f"a[href='/study/plans/{branch_plan.pk}/']").click()
    items = page.locator("#plan-items")
    row = items.locator("tbody tr", has_text=THEME)
    expect(row).to_have_count(1)
    expect(row.locator(".bg-yellow-lt")).to_have_count(1)  # marked as required
    expect(items).not_to_contain_text("党委理论学习中心组学习")
    (copy,) = PlanItem.objects.filter(plan=branch_plan)
    assert copy.theme == THEME
    assert copy.source.plan == plan
    # A required item cannot be removed, so it offers no remove button.
    expect(page.locator(f"form[action='/study/plan-items/{copy.pk}/remove/']")).to_have_count(0)
