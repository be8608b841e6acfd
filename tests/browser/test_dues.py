"""Journey: a branch secretary generates the month's dues and records a member's payment of two months; the
member sees on a phone how their amount is computed; the ledger fits a phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dangjian.dues import rules
from dangjian.dues.models import LedgerLine
from dangjian.dues.tests.factories import confirmed_base
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_collector_records_dues_and_the_member_sees_how_they_are_computed(page: Page, phone_page: Page, college):
    current = rules.month_of(timezone.localdate())
    last = rules.add_months(current, -1)
    confirmed_base(college.member, "6500", last)

    log_in(page, college.user("branch"))
    page.locator("nav a[href='/dues/']").first.click()
    expect(page).to_have_url(re.compile(r"/dues/$"))
    expect(page.locator("h1")).to_contain_text(college.branch.name)
    # Last month, then this one.
    page.locator("#id_month").fill(f"{last:%Y-%m}")
    page.locator("#ledger-filters button[type=submit]").click()
    page.locator("#generate-form button[type=submit]").click()
    expect(page.locator("#ledger-table")).to_contain_text("97.50")
    page.goto("/dues/")
    page.locator("#generate-form button[type=submit]").click()
    assert LedgerLine.objects.filter(member=college.member).count() == 2
    expect(page.locator("#ledger-table")).to_contain_text("6500.00 × 1.5%")

    page.locator("#ledger-table tr", has_text="张三").get_by_role("link", name="登记", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/dues/members/{college.member.pk}/pay/$"))
    page.locator("#payment-form input[name=months]").nth(0).check()
    page.locator("#payment-form input[name=months]").nth(1).check()
    page.locator("select[name=method]").select_option("transfer")
    page.locator("#payment-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dues/\?month="))
    expect(page.locator("#ledger-table")).to_contain_text("银行或网上转账")
    assert LedgerLine.objects.filter(member=college.member, paid_on__isnull=False).count() == 2

    log_in(phone_page, college.user("member"))
    phone_page.goto("/dues/mine/")
    expect(phone_page.locator("#how-computed")).to_contain_text("6500.00")
    expect(phone_page.locator("#how-computed")).to_contain_text("1.5%")
    expect(phone_page.locator("#how-computed")).to_contain_text("97.50")
    expect(phone_page.locator("#how-computed")).to_contain_text("党费规定（2008）第二条")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    # The collector's ledger at a phone's width.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/dues/")
    expect(page.locator("#ledger-table")).to_contain_text("张三")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
