"""Journeys on the homes: a member on a phone finds the check-in open now at the top; a committee
secretary's charts are drawn (and the table of numbers folds away) without a CSP violation."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from dangjian.study.tests.factories_activities import ActivityFactory, at
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_member_home_on_a_phone_leads_with_the_open_check_in(phone_page: Page, college):
    activity = ActivityFactory(org=college.branch, theme="主题党日：重温入党誓词", starts_at=at(-1 / 6), publish=True)
    ActivityFactory(org=college.branch, theme="党课：学习党章", starts_at=at(48), publish=True)
    log_in(phone_page, college.user("member"))

    card = phone_page.locator("#check-in-now")
    expect(card).to_be_visible()
    expect(card).to_contain_text("主题党日：重温入党誓词")
    # Above the fold on a 390×844 screen, the first thing under the heading.
    box = card.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] < 844
    link = card.locator(f"a[href='/study/activities/{activity.pk}/']")
    expect(link).to_be_visible()
    assert link.bounding_box()["height"] >= 44  # a thumb's target
    expect(phone_page.locator("#next-activities")).to_contain_text("党课：学习党章")
    expect(phone_page.locator("#my-hours progress")).to_be_visible()
    expect(phone_page.locator("#home-inbox")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the home scrolls sideways: {width} px"
    assert phone_page.evaluate("typeof window.echarts") == "undefined"  # no chart library on a member's page


def test_committee_home_draws_its_charts(page: Page, college):
    held = ActivityFactory(org=college.branch, starts_at=at(-48), publish=True)
    assert held.starts_at < at(0) - datetime.timedelta(hours=40)
    log_in(page, college.user("committee"))
    chart = page.locator("#chart-attendance [data-chart]")
    expect(chart).to_have_attribute("data-drawn", "yes")
    expect(chart.locator("canvas")).to_have_count(1)
    # Drawn: the table of the same numbers folds away but stays one click off.
    expect(page.locator("#chart-attendance details.chart-table")).not_to_have_attribute("open", "")
    expect(page.locator("#chart-forms [data-chart]")).to_have_attribute("data-drawn", "yes")
