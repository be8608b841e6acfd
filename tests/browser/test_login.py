"""Journey: logging in, the forced password change, and the lock-out after repeated failures."""

import re

import pytest
from conftest import PASSWORD
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, submit_login

pytestmark = pytest.mark.browser

HOME = re.compile(r"^https?://[^/]+/$")
LOGIN = re.compile(r"/accounts/login/")
PASSWORD_CHANGE = re.compile(r"/accounts/password/$")


def test_wrong_password_stays_then_right_password_reaches_home(page: Page, college):
    user = college.user("branch")
    page.goto("/members/")  # a protected page sends the visitor to log in first
    expect(page).to_have_url(LOGIN)

    submit_login(page, user.username, "not-the-password")
    expect(page).to_have_url(LOGIN)
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()

    submit_login(page, user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/members/$"))  # back where they were going
    page.goto("/")
    expect(page).to_have_url(HOME)
    expect(page.locator("nav.sidebar")).to_contain_text("李书记")


def test_must_change_password_first(page: Page, college):
    user = college.user("member")
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    new_password = "Lantern-over-the-river-42"

    page.goto("/accounts/login/")
    submit_login(page, user.username, PASSWORD)
    expect(page).to_have_url(PASSWORD_CHANGE)
    page.goto(f"/members/{college.member.pk}/")  # nothing else opens before the change
    expect(page).to_have_url(PASSWORD_CHANGE)

    page.locator("input[name=old_password]").fill(PASSWORD)
    page.locator("input[name=new_password]").fill(new_password)
    page.locator("input[name=new_password_again]").fill(new_password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(HOME)
    page.goto(f"/members/{college.member.pk}/")
    expect(page.locator("main h1")).to_contain_text("张三")

    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password(new_password)


def test_repeated_failures_lock_out(page: Page, college, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = college.user("branch")
    page.goto("/accounts/login/")

    statuses = []
    for _attempt in range(3):
        with page.expect_response(lambda r: r.request.method == "POST" and "/accounts/login/" in r.url) as info:
            submit_login(page, user.username, "wrong-password")
        statuses.append(info.value.status)
    assert statuses == [200, 200, 429]
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("input[name=password]")).to_have_count(0)

    # Locked: even the right password does not let them in now.
    log_in_again = page.goto("/accounts/login/")
    assert log_in_again.status == 200
    with page.expect_response(lambda r: r.request.method == "POST" and "/accounts/login/" in r.url) as info:
        submit_login(page, user.username, PASSWORD)
    assert info.value.status == 429
    expect(page).not_to_have_url(HOME)

    # Another account from the same address is not locked.
    log_in(page, college.user("member"))
