"""A record page prints on A4 with its title and without the navigation, buttons or forms."""

import pytest
from playwright.sync_api import Page, expect

from dangjian.study.tests.factories_activities import ActivityFactory, at
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

THEME = "主题党日：学习党章第一章"


def test_an_activity_prints_with_its_title_and_no_navigation(page: Page, college):
    activity = ActivityFactory(org=college.branch, theme=THEME, starts_at=at(-48), publish=True)
    log_in(page, college.user("branch"))
    page.goto(f"/study/activities/{activity.pk}/")
    page.emulate_media(media="print")
    expect(page.locator(".page-heading h1")).to_be_visible()
    expect(page.locator(".page-heading h1")).to_contain_text(THEME)
    expect(page.locator(".sidebar")).to_be_hidden()
    expect(page.locator(".page-actions")).to_be_hidden()
    expect(page.locator("main .btn").first).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
