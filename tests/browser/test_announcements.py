"""Journey: on a phone, a member finds the branch's meeting notice in 待办, reads it and confirms receipt;
it leaves the inbox, and the secretary's read counts no longer name them among those who have not confirmed."""

import pytest
from playwright.sync_api import Page, expect

from dangjian.notices.models import AnnouncementRead
from dangjian.notices.tests.factories import announce
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_member_confirms_a_meeting_notice_from_the_inbox_on_a_phone(phone_page: Page, page: Page, college):
    meeting = announce(college.branch, "关于召开支部党员大会的通知", requires_confirmation=True)

    phone = log_in(phone_page, college.user("member"))
    expect(phone.locator("#home-announcements")).to_contain_text("关于召开支部党员大会的通知")
    phone.locator("nav.bottom-nav a[href='/notices/todo/']").tap()
    item = phone.locator(".inbox-item[data-kind='notices.announcement_confirm']")
    expect(item).to_contain_text("关于召开支部党员大会的通知")
    item.locator(".inbox-title").tap()

    expect(phone.locator("h1")).to_have_text("关于召开支部党员大会的通知")
    phone.locator("#announcement-confirm").tap()
    expect(phone.locator("#announcement-confirmation")).to_contain_text("确认收到")
    expect(phone.locator("#announcement-confirm")).to_have_count(0)
    assert AnnouncementRead.objects.get(user=college.user("member")).confirmed_at is not None
    phone.locator("nav.bottom-nav a[href='/notices/todo/']").tap()
    expect(phone.locator(".inbox-item[data-kind='notices.announcement_confirm']")).to_have_count(0)

    secretary = log_in(page, college.user("branch"))
    secretary.goto(f"/notices/announcements/{meeting.pk}/reads/")
    expect(secretary.locator(".reads-not-confirmed")).to_contain_text("王组长")
    expect(secretary.locator(".reads-not-confirmed")).not_to_contain_text("张三")
