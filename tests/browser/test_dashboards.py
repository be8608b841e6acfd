"""Journeys on the dashboards: the committee's charts drawn at 1366×768 and on a phone with no sideways
scroll, a drill-down into a branch, a member's year without ECharts, and the big screen filling 1920×1080."""

import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.study.tests.factories_activities import ActivityFactory, at
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

CHARTS = ("requirements", "attendance", "hours-bands", "needs", "coverage")


def _no_sideways_scroll(page: Page, width: int) -> None:
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways: {scroll} px in a {width} px window"


def test_the_committee_dashboard_draws_its_charts_and_drills_down(page: Page, college):
    ActivityFactory(org=college.branch, starts_at=at(-1 / 6), publish=True)  # this month's attendance
    log_in(page, college.user("committee"))
    page.get_by_role("link", name="看板").first.click()
    expect(page.locator("h1")).to_have_text("党委看板")
    for key in CHARTS:
        expect(page.locator(f"#chart-{key} [data-chart]")).to_have_attribute("data-drawn", "yes")
    _no_sideways_scroll(page, 1366)
    page.locator("table.life-matrix").get_by_role("link", name=college.branch.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/compliance/life/{college.branch.pk}/\?period=quarter"))


def test_the_charts_render_on_a_phone(phone_page: Page, college):
    ActivityFactory(org=college.branch, starts_at=at(-1 / 6), publish=True)
    log_in(phone_page, college.user("branch"))
    phone_page.goto("/dashboard/")
    expect(phone_page.locator("h1")).to_have_text("支部看板")
    for key in CHARTS:
        canvas = phone_page.locator(f"#chart-{key} [data-chart]")
        expect(canvas).to_have_attribute("data-drawn", "yes")
        box = canvas.bounding_box()
        assert box is not None
        assert box["width"] <= 390
    _no_sideways_scroll(phone_page, 390)


def test_a_members_year_on_a_phone_loads_no_chart_library(phone_page: Page, college):
    log_in(phone_page, college.user("member"))
    phone_page.goto("/dashboard/")
    expect(phone_page.locator("#my-hours progress")).to_be_visible()
    expect(phone_page.locator("#my-months")).to_be_visible()
    assert phone_page.evaluate("typeof window.echarts") == "undefined"
    _no_sideways_scroll(phone_page, 390)


def test_the_big_screen_fills_1920_by_1080(new_context, browser_problems, college):
    ActivityFactory(org=college.branch, starts_at=at(-1 / 6), publish=True)
    screen = browser_problems.watch(new_context(viewport={"width": 1920, "height": 1080}).new_page())
    log_in(screen, college.user("committee"))
    screen.goto("/dashboard/screen/")
    expect(screen.locator("html")).to_have_attribute("data-bs-theme", "dark")
    for key in CHARTS:
        expect(screen.locator(f"#chart-{key} [data-chart]")).to_have_attribute("data-drawn", "yes")
    height = screen.evaluate("document.scrollingElement.scrollHeight")
    assert height <= 1080, f"the big screen scrolls: {height} px"
    _no_sideways_scroll(screen, 1920)
    # The figures come again by htmx polling; a swap draws the new charts.
    screen.evaluate(
        "htmx.ajax('GET', '/dashboard/screen/', {target: '#main', select: '#screen-body', swap: 'innerHTML'})"
    )
    expect(screen.locator("#screen-body")).to_have_count(1)
    for key in CHARTS:
        expect(screen.locator(f"#chart-{key} [data-chart]")).to_have_attribute("data-drawn", "yes")
