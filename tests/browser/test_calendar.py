"""Journey: a member subscribes to their activities in the phone's calendar, and revokes the link."""

import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.study.tests.factories_activities import ActivityFactory, at
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

THEME = "主题党日：重温入党誓词"


def test_a_member_subscribes_to_the_calendar_feed_on_a_phone(phone_page: Page, college):
    ActivityFactory(org=college.branch, theme=THEME, starts_at=at(72), publish=True)
    log_in(phone_page, college.user("member"))
    phone_page.goto("/study/my/")
    phone_page.get_by_role("link", name="订阅到手机日历").click()
    phone_page.get_by_role("button", name="生成我的日历链接").click()
    link = phone_page.locator("#calendar-url")
    expect(link).to_have_value(re.compile(r"/study/my-calendar/feed/.+\.ics$"))
    expect(phone_page.get_by_role("link", name="在日历中打开")).to_have_attribute("href", re.compile(r"^webcal://"))

    feed = phone_page.request.get(link.input_value())
    assert feed.status == 200
    assert THEME in feed.text()

    phone_page.goto("/study/my-calendar/")
    phone_page.get_by_role("button", name="吊销").click()
    phone_page.locator("#confirm-dialog").get_by_role("button", name="确定").click()
    expect(phone_page.locator(".toast")).to_contain_text("日历链接已吊销")
    assert phone_page.request.get(feed.url).status == 404
