"""Journey: a member asks for leave on a phone, it is approved, the make-up is handed in and accepted, and it is credited."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.study.models import Attendance, LeaveRequest, MakeUp
from dangjian.study.services import activities as activity_services
from dangjian.study.tests.factories_activities import ActivityFactory, at
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

THEME = "主题党日：学习新修订的纪律处分条例"
REFLECTION = "通过补学纪律处分条例，我对六项纪律有了更系统的认识，今后在教学科研中严守纪律规矩。"


def test_leave_is_approved_and_the_accepted_make_up_is_credited(page: Page, phone_page: Page, college):
    activity = ActivityFactory(org=college.branch, theme=THEME, starts_at=at(24), publish=True)
    member = college.member
    year = activity.starts_at.year

    # 张三 asks for leave on the phone.
    log_in(phone_page, college.user("member"))
    phone_page.goto(f"/study/activities/{activity.pk}/leave/")
    expect(phone_page.locator("main")).to_contain_text(THEME)
    phone_page.locator("textarea[name=reason]").fill("当天赴外地参加学术会议")
    phone_page.locator("main form[method=post] button[type=submit]").click()
    expect(phone_page).to_have_url(re.compile(r"/study/my/$"))
    leave = LeaveRequest.objects.get(activity=activity, member=member)
    assert leave.status == "pending"

    # The branch secretary approves it.
    log_in(page, college.user("branch"))
    page.goto(f"/study/leave/{leave.pk}/decide/")
    expect(page.locator("main")).to_contain_text("张三")
    expect(page.locator("main")).to_contain_text("当天赴外地参加学术会议")
    page.locator("input[name=decision][value=approve]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/study/reviews/$"))
    leave.refresh_from_db()
    assert leave.status == "approved"
    assert Attendance.objects.get(activity=activity, member=member).status == "leave"

    # The activity takes place and is closed afterwards: leave turns into make-up study.
    activity_services.activity_close(
        actor=college.user("branch"), activity=activity, now=activity.ends_at + datetime.timedelta(days=1)
    )
    make_up = MakeUp.objects.get(attendance__activity=activity, attendance__member=member)
    assert make_up.status == "assigned"

    # Before the make-up is accepted, the activity earns 张三 nothing.
    phone_page.goto(f"/study/my-hours/?year={year}")
    expect(phone_page.locator("main")).not_to_contain_text(THEME)

    # 张三 hands in the reflection.
    phone_page.goto(f"/study/make-ups/{make_up.pk}/")
    phone_page.locator("textarea[name=reflection]").fill(REFLECTION)
    phone_page.locator("main form[method=post] button[type=submit]").click()
    expect(phone_page).to_have_url(re.compile(r"/study/my/$"))
    make_up.refresh_from_db()
    assert make_up.status == "submitted"

    # The secretary reads and accepts it.
    page.goto(f"/study/make-ups/{make_up.pk}/review/")
    expect(page.locator("main")).to_contain_text(REFLECTION)
    page.locator("input[name=decision][value=accept]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/study/reviews/$"))
    make_up.refresh_from_db()
    assert make_up.status == "accepted"
    attendance = Attendance.objects.get(activity=activity, member=member)
    assert attendance.status == "made_up"

    # 张三's hours now credit the activity.
    phone_page.goto(f"/study/my-hours/?year={year}")
    row = phone_page.locator("#credited-list li", has_text=THEME)
    expect(row).to_have_count(1)
    assert activity.credit_minutes > 0
    expect(row.locator(".hours-minutes")).to_contain_text(str(activity.credit_minutes))
