"""Journeys: a branch secretary sees only their branch, searches it, and reveals personal data."""

import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.core.models import AuditEvent
from dangjian.members.rules import mask_id_number
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SHOW_BUTTON = re.compile(r"^\s*(Show|显示|查看)", re.IGNORECASE)
OWN_BRANCH = ["李书记", "王组长", "张三", "吕书记"]


def mark_document(page: Page) -> None:
    """Tag the current document; the tag survives HTMX swaps and is gone after a full load."""
    page.evaluate("window.journeyMark = 'same-document'")


def same_document(page: Page) -> bool:
    return page.evaluate("window.journeyMark") == "same-document"


def test_branch_secretary_sees_only_their_branch(page: Page, college):
    log_in(page, college.user("branch"))
    expect(page.locator("nav.sidebar")).to_be_visible()
    expect(page.locator("nav.bottom-nav")).to_be_hidden()

    page.locator("nav.sidebar a[href='/members/']").click()
    expect(page).to_have_url(re.compile(r"/members/$"))
    results = page.locator("#member-results")
    for name in OWN_BRANCH:
        expect(results.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(results).not_to_contain_text("赵学生")
    expect(results).not_to_contain_text("钱书记")

    # Typing in the search box swaps the results in place and puts the search in the address.
    mark_document(page)
    with page.expect_response(lambda r: "/members/?" in r.url and "q=zs" in r.url) as info:
        page.locator("input[name=q]").press_sequentially("zs", delay=50)  # pinyin initials of 张三
    assert info.value.request.headers.get("hx-request") == "true"
    expect(page).to_have_url(re.compile(r"/members/\?(.*&)?q=zs(&|$)"))
    expect(results.get_by_role("link", name="张三", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="李书记", exact=True)).to_have_count(0)
    assert same_document(page), "the search reloaded the whole page"

    # Another branch's member is not there, whatever the URL.
    response = page.goto(f"/members/{college.other_member.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("赵学生")
    expect(page.locator("body")).not_to_contain_text(college.other_member.id_number)


def test_phone_layout_has_bottom_navigation(phone_page: Page, college):
    page = log_in(phone_page, college.user("branch"))
    bottom_nav = page.locator("nav.bottom-nav")
    expect(bottom_nav).to_be_visible()
    expect(page.locator("nav.sidebar")).to_be_hidden()

    bottom_nav.locator("a[href='/members/']").tap()
    expect(page).to_have_url(re.compile(r"/members/$"))
    expect(page.locator("#member-results").get_by_role("link", name="张三", exact=True)).to_be_visible()
    expect(bottom_nav.locator("a[href='/members/']")).to_have_attribute("aria-current", "page")
    # The page fits the phone's width: nothing pushes it sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_reveal_personal_data_is_audited(page: Page, college):
    user = college.user("branch")
    member = college.member
    id_number = member.id_number
    log_in(page, user)

    page.goto(f"/members/{member.pk}/")
    personal = page.locator("#personal-data")
    expect(personal).to_contain_text(mask_id_number(id_number))
    expect(personal).not_to_contain_text(id_number)
    assert not AuditEvent.objects.filter(action="member.reveal").exists()

    mark_document(page)
    personal.get_by_role("button", name=SHOW_BUTTON).click()
    expect(personal).to_contain_text(id_number)
    expect(personal.get_by_role("button", name=SHOW_BUTTON)).to_have_count(0)
    assert same_document(page), "revealing reloaded the whole page instead of swapping the region"

    event = AuditEvent.objects.get(action="member.reveal")
    assert event.actor_id == user.pk
    assert event.object_id == str(member.pk)

    # Reloading masks the data again.
    page.reload()
    expect(page.locator("#personal-data")).not_to_contain_text(id_number)
