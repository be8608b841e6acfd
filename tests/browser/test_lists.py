"""Journeys: long lists and wide tables on a phone (390×844) stay on the screen."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dangjian.study.tests.factories_selfstudy import attend, local, make_activity, self_study
from tests.browser.conftest import log_in
from tests.browser.crawl import LAYOUT

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390

# The element's right edge, and whether it is inside a box that scrolls sideways and itself fits.
PLACE = """el => {
  const box = el.getBoundingClientRect();
  let scroller = null;
  for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
    if (getComputedStyle(up).overflowX === 'auto' || getComputedStyle(up).overflowX === 'scroll') { scroller = up; break; }
  }
  const outer = scroller ? scroller.getBoundingClientRect() : null;
  return {right: box.right, lines: el.getClientRects().length,
          scrolls: !!scroller && outer.left >= -1 && outer.right <= window.innerWidth + 1};
}"""


def layout_problems(page: Page) -> list[str]:
    return page.evaluate(LAYOUT, [False, PHONE_WIDTH])


def test_the_roster_on_a_phone_scrolls_in_its_own_box(phone_page: Page, college):
    log_in(phone_page, college.user("branch"))
    phone_page.goto("/members/")
    results = phone_page.locator("#member-results")
    expect(results.get_by_role("link", name="张三", exact=True)).to_be_visible()
    assert layout_problems(phone_page) == []
    # The last column is reachable: inside the table's own scrolling box, not cut off the page.
    last_header = results.locator("thead th:visible").last
    place = last_header.evaluate(PLACE)
    assert place["right"] <= PHONE_WIDTH or place["scrolls"], place
    # A name is one line, never broken between its characters.
    for name in ("张三", "李书记"):
        assert results.get_by_role("link", name=name, exact=True).evaluate(PLACE)["lines"] == 1
    # The filter bar's controls are compact: none wider than the screen.
    for control in phone_page.locator("form.filters select, form.filters input").all():
        assert control.bounding_box()["width"] <= PHONE_WIDTH


def test_my_hours_on_a_phone_show_every_activity_with_its_minutes(phone_page: Page, college):
    year = timezone.localdate().year
    activity = make_activity(college.branch, local(year, 1, 5, 9), 120)
    attend(activity, college.member, "present")
    log_in(phone_page, college.member.user)
    phone_page.goto(f"/study/my-hours/?year={year}")
    items = phone_page.locator("#credited-list li")
    expect(items).to_have_count(1)
    assert layout_problems(phone_page) == []
    minutes = items.first.locator(".hours-minutes")
    expect(minutes).to_be_visible()
    assert minutes.evaluate(PLACE)["right"] <= PHONE_WIDTH
    assert datetime.date(year, 1, 5).isoformat() in items.first.inner_text()

    # The self-study log: each entry with its minutes on the screen.
    self_study(college.member, timezone.localdate(), 45)
    phone_page.goto("/study/self-study/")
    entries = phone_page.locator("#selfstudy-list li")
    expect(entries).to_have_count(1)
    assert layout_problems(phone_page) == []
    assert entries.first.evaluate(PLACE)["right"] <= PHONE_WIDTH
    expect(entries.first).to_contain_text("45")


def test_filter_bars_on_a_desk_are_compact(page: Page, college):
    """Filter drop-downs sit side by side at a few words' width, not stretched across the page."""
    log_in(page, college.user("branch"))
    for path in ("/care/talks/coverage/", "/care/talks/", "/care/needs/stats/", "/members/", "/study/ledger/"):
        page.goto(path)
        controls = page.locator("main form.filters select, main form.filters input:not([type=hidden])").all()
        assert controls, path
        for control in controls:
            assert control.bounding_box()["width"] <= 18 * 16, path
    # The coverage page shows the branch's table straight away, without pressing 显示.
    page.goto("/care/talks/coverage/")
    expect(page.locator("#coverage-table")).to_be_visible()
