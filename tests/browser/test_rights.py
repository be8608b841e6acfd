"""Journey: on a phone a member reads their rights, sends an anonymous criticism and keeps the code; the
committee answers it; the member reads the answer with the code. Then an appeal is answered in writing."""

import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.rights.models import Appeal, Opinion
from dangjian.rights.tests.fakes import FakeDecisions
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

TITLE = "支部会议只念文件"
ANSWER = "党委已约谈支部书记，下次支部会议安排专题讨论。"


def test_an_anonymous_criticism_is_answered_and_read_with_the_code(page: Page, phone_page: Page, college):
    log_in(phone_page, college.user("member"))
    phone_page.goto("/rights/")
    expect(phone_page.locator(".right")).to_have_count(8)
    phone_page.locator("a[href='/rights/opinions/new/?kind=criticism']").first.click()
    expect(phone_page.locator("input[name=kind][value=criticism]")).to_be_checked()
    phone_page.locator("input[name=title]").fill(TITLE)
    phone_page.locator("textarea[name=body]").fill("近三个月的支部会议没有讨论，只念文件。")
    phone_page.locator("input[name=anonymous]").check()
    phone_page.locator("main form[method=post] button[type=submit]").click()
    code = phone_page.locator(".follow-up-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    opinion = Opinion.objects.get()
    assert opinion.author is None

    # The committee secretary answers it on a desktop.
    log_in(page, college.user("committee"))
    page.goto("/rights/opinions/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("main")).not_to_contain_text("张三")
    page.locator("textarea[name=answer]").fill(ANSWER)
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(ANSWER)

    # The member reads the answer with the code, on the phone.
    phone_page.goto("/rights/opinions/follow-up/")
    phone_page.locator("input[name=code]").fill(code.lower())
    phone_page.locator("main form[method=post] button[type=submit]").click()
    expect(phone_page.locator("main")).to_contain_text(ANSWER)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page fits a phone without sideways scrolling"


def test_an_appeal_is_answered_in_writing(page: Page, phone_page: Page, college):
    fake = FakeDecisions().register()
    try:
        pk = fake.add(college.member, college.branch)
        log_in(phone_page, college.user("member"))
        phone_page.goto("/rights/appeals/new/")
        phone_page.locator("select[name=decision]").select_option(f"{fake.kind}:{pk}")
        phone_page.locator("textarea[name=reasons]").fill("评议时未考虑我下乡支教一年的工作。")
        phone_page.locator("main form[method=post] button[type=submit]").click()
        appeal = Appeal.objects.get()
        expect(phone_page).to_have_url(re.compile(rf"/rights/appeals/{appeal.pk}/$"))
        expect(phone_page.locator("main")).to_contain_text(appeal.due_on.isoformat())

        log_in(page, college.user("committee"))
        page.goto("/rights/appeals/")
        page.get_by_role("link", name=appeal.decision).click()
        page.locator("textarea[name=answer]").fill("经复核，等次调整为合格。")
        page.locator("form[action$='/answer/'] button[type=submit]").click()
        expect(page.locator("main")).to_contain_text("经复核，等次调整为合格。")

        phone_page.goto("/notices/")
        expect(phone_page.locator("main")).to_contain_text(college.committee.name)
    finally:
        fake.unregister()
