"""Journey: a secretary opens the check-in screen, a member scans the code on a phone, logs in and is checked in."""

import re

import pytest
from conftest import PASSWORD
from playwright.sync_api import Page, expect

from dangjian.study.models import Attendance
from dangjian.study.tests.factories_activities import ActivityFactory, at
from tests.browser.conftest import log_in, submit_login

pytestmark = pytest.mark.browser

LOGIN = re.compile(r"/accounts/login/")


def test_member_checks_in_by_the_qr_link_on_a_phone(page: Page, phone_page: Page, college):
    activity = ActivityFactory(org=college.branch, theme="主题党日：重温入党誓词", starts_at=at(1 / 6), publish=True)

    # The secretary puts the check-in screen on the projector.
    log_in(page, college.user("branch"))
    page.goto(f"/study/activities/{activity.pk}/")
    page.locator(f"a[href='/study/activities/{activity.pk}/check-in-screen/']").first.click()
    qr = page.locator("#check-in-qr")
    expect(qr.locator("svg")).to_be_visible()
    expect(page.locator("h1")).to_have_text("主题党日：重温入党誓词")
    # The code refreshes itself with htmx, without a full reload.
    with page.expect_response(lambda r: r.url.endswith(f"/study/activities/{activity.pk}/check-in-screen/qr/")) as info:
        pass
    assert info.value.request.headers.get("hx-request") == "true"
    check_in_url = page.locator("#check-in-qr").get_attribute("data-check-in-url")
    assert re.search(rf"/study/check-in/{activity.pk}/\d+\.[\w-]+/$", check_in_url)

    # A member scans it with a phone, is asked to log in, and lands on the result.
    phone_page.goto(check_in_url)
    expect(phone_page).to_have_url(LOGIN)
    submit_login(phone_page, college.user("member").username, PASSWORD)
    result = phone_page.locator("#check-in-result")
    expect(result).to_have_attribute("data-outcome", "present")
    expect(phone_page.locator("body")).to_contain_text("主题党日：重温入党誓词")
    # A focused page: the result and the way on to "my study", no navigation to load.
    expect(phone_page.locator("nav.bottom-nav")).to_have_count(0)
    expect(phone_page.locator('a[href="/study/my/"]')).to_be_visible()
    row = Attendance.objects.get(activity=activity, member=college.member)
    assert (row.status, row.method) == ("present", "qr")
    assert row.device  # the phone's user agent is recorded

    # Scanning again changes nothing and says so.
    phone_page.goto(check_in_url)
    expect(result).to_have_attribute("data-outcome", "already")
    assert Attendance.objects.filter(activity=activity, member=college.member).count() == 1

    # The screen's count follows without a reload.
    expect(qr.locator(".qr-count")).to_contain_text(re.compile(r"1\D+4"), timeout=8_000)
