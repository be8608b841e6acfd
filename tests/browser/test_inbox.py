"""Journey: on a phone, the branch secretary opens 待办, follows the leave request to its decision,
decides it, comes back, and it is gone; the bottom bar's count, asked for after a page has loaded,
says 1 before and nothing after."""

import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.study.models import LeaveRequest, RequestStatus
from dangjian.study.services import activities as services
from dangjian.study.tests.factories_activities import ActivityFactory, at
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_the_secretary_decides_a_leave_from_the_inbox_on_a_phone(phone_page: Page, college):
    activity = ActivityFactory(org=college.branch, theme="主题党日：学习党章", starts_at=at(48), publish=True)
    leave = services.leave_request_create(actor=college.user("member"), activity=activity, reason="出差")

    page = log_in(phone_page, college.user("branch"))
    bar = page.locator("nav.bottom-nav")
    expect(bar.locator("a[href='/notices/todo/']")).to_contain_text("1")
    page.goto("/notices/")  # a page that does not read the inbox: the count comes after it has loaded
    expect(bar.locator("#nav-todo-count-phone")).to_have_text("1")
    bar.locator("a[href='/notices/todo/']").tap()
    item = page.locator(".inbox-item[data-kind='study.leave_decide']")
    expect(item).to_contain_text("张三的请假申请")
    expect(item).to_contain_text("主题党日：学习党章")
    item.locator(".inbox-title").tap()

    expect(page.locator("h1")).to_have_text("请假申请")
    page.get_by_role("radio", name="批准", exact=True).check()
    page.get_by_role("button", name="保存").tap()
    expect(page).to_have_url(re.compile(r"/study/reviews/$"))
    expect(page.locator("#nav-todo-count")).to_have_count(1)  # the sidebar's answer arrived (hidden on a phone)
    expect(bar.locator("#nav-todo-count-phone")).to_have_text("")  # done: nothing lingers
    leave.refresh_from_db()
    assert leave.status == RequestStatus.APPROVED

    page.locator("nav.bottom-nav a[href='/notices/todo/']").tap()
    expect(page.locator(".inbox-item[data-kind='study.leave_decide']")).to_have_count(0)
    expect(page.locator("#inbox")).to_contain_text("没有待办")
    assert LeaveRequest.objects.filter(status=RequestStatus.PENDING).count() == 0
