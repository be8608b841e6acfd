"""Journeys: on a laptop, a branch secretary opens a held 组织生活会 from the activities, writes its minutes
and adds a 整改 measure owned by a member; the member, on a phone, finds it in 待办 and reports it done, and
it leaves the inbox. And a secretary records two votes at a 支部党员大会 and sees 通过 and 未通过 computed."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dangjian.accounts.system import system_actor
from dangjian.members.models import Member
from dangjian.study.models import RectificationItem, RectificationStatus
from dangjian.study.services import activities as activity_services
from dangjian.study.tests.factories_records import held_meeting
from tests.browser.conftest import _open, log_in, pick

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def _present(meeting, *members) -> None:
    for member in members:
        activity_services.attendance_mark(
            actor=system_actor(), activity=meeting, member=member, status="present", reason="现场登记"
        )


def test_the_secretary_writes_a_life_meeting_and_the_member_reports_the_measure_done(
    new_context, browser_problems, phone_page: Page, college
):
    meeting = held_meeting(college.branch, form="life_meeting", theme="2026年度组织生活会")
    _present(meeting, college.secretary, college.member)
    due = timezone.localdate() + datetime.timedelta(days=30)

    page = _open(new_context(**LAPTOP), browser_problems)
    log_in(page, college.user("branch"))
    page.goto("/study/activities/?when=past")
    page.locator("main").get_by_role("link", name="2026年度组织生活会").first.click()
    expect(page).to_have_url(re.compile(rf"/study/activities/{meeting.pk}/$"))
    page.locator("#meeting-record-link").click()
    expect(page).to_have_url(re.compile(rf"/study/activities/{meeting.pk}/minutes/$"))

    # The minutes: the host picked from those present, the agenda, one speech.
    page.get_by_role("link", name="填写会议记录").click()
    pick(page, "host", "李书记", "李书记")
    expect(page.locator("select[name=host]")).to_have_value(str(college.secretary.pk))
    page.locator("textarea[name=agenda]").fill("一、通报查摆问题\n二、开展批评与自我批评")
    page.locator("input[name='speeches-0-speaker_name']").fill("王老师")
    page.locator("textarea[name='speeches-0-gist']").fill("联系教学实际查找差距")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/study/activities/{meeting.pk}/minutes/$"))
    expect(page.locator("#record-organisation")).to_contain_text("李书记")
    expect(page.locator("#record-agenda")).to_contain_text("开展批评与自我批评")
    expect(page.locator("#record-speeches")).to_contain_text("王老师：联系教学实际查找差距")

    # A 整改 measure owned by the member, due in a month.
    page.get_by_role("link", name="添加整改措施").click()
    page.locator("input[name=problem]").fill("理论学习不够深入")
    page.locator("textarea[name=measure]").fill("每周精读一篇原著并写笔记")
    pick(page, "owner", "张三", "张三")
    page.locator("input[name=due_on]").fill(due.isoformat())
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/study/activities/{meeting.pk}/minutes/$"))
    row = page.locator("#record-rectifications tr", has_text="理论学习不够深入")
    expect(row).to_contain_text("张三")
    expect(row).to_contain_text(due.isoformat())

    # The member, on a phone: in 待办, opened, reported done, gone.
    phone = log_in(phone_page, college.user("member"))
    phone.locator("nav.bottom-nav a[href='/notices/todo/']").tap()
    item = phone.locator(".inbox-item[data-kind='study.rectification']")
    expect(item).to_contain_text("整改：理论学习不够深入")
    expect(item).to_contain_text("2026年度组织生活会")
    item.locator(".inbox-title").tap()
    expect(phone.locator("h1")).to_have_text("整改措施")
    phone.locator("textarea[name=note]").fill("已精读《共产党宣言》并写笔记四篇")
    phone.get_by_role("button", name="报告完成").tap()
    expect(phone).to_have_url(re.compile(rf"/study/activities/{meeting.pk}/minutes/$"))
    expect(phone.locator("#record-rectifications")).to_contain_text("已精读《共产党宣言》并写笔记四篇")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator("nav.bottom-nav a[href='/notices/todo/']").tap()
    expect(phone.locator("#inbox")).to_be_visible()
    expect(phone.locator(".inbox-item[data-kind='study.rectification']")).to_have_count(0)
    assert RectificationItem.objects.get().status == RectificationStatus.DONE


def test_the_secretary_records_votes_and_sees_the_result_computed(new_context, browser_problems, college):
    meeting = held_meeting(college.branch, theme="第三季度支部党员大会")
    _present(meeting, college.secretary, college.member, Member.objects.get(name="王组长"))

    page = _open(new_context(**LAPTOP), browser_problems)
    log_in(page, college.user("branch"))
    page.goto(f"/study/activities/{meeting.pk}/minutes/")

    def vote(item: str, yes: int, no: int) -> None:
        page.get_by_role("link", name="记录表决").click()
        expect(page.locator("input[name=present]")).to_have_value("3")  # from the check-in
        page.locator("input[name=item]").fill(item)
        page.locator("input[name=yes]").fill(str(yes))
        page.locator("input[name=no]").fill(str(no))
        page.locator("main form[method=post] button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"/study/activities/{meeting.pk}/minutes/$"))

    vote("通过支部年度工作计划", yes=3, no=0)
    vote("调整党小组划分", yes=1, no=2)
    blocks = page.locator("#record-votes .vote-block")
    expect(blocks).to_have_count(2)
    expect(blocks.nth(0)).to_contain_text("通过支部年度工作计划")
    expect(blocks.nth(0).locator(".badge")).to_have_text("通过")
    expect(blocks.nth(1)).to_contain_text("调整党小组划分")
    expect(blocks.nth(1).locator(".badge")).to_have_text("未通过")
