"""Journey: a member votes in the democratic evaluation on a phone, keeps the receipt, and checks it."""

import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.evaluation import rules
from dangjian.evaluation.models import Ballot, Participant, Rating
from dangjian.evaluation.rules import Phase
from dangjian.evaluation.tests.factories import make_campaign
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_member_votes_and_checks_the_receipt(phone_page: Page, college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    page = log_in(phone_page, college.user("member"))

    # From the campaign page, 张三 opens the ballot.
    page.goto(f"/evaluation/campaigns/{campaign.pk}/")
    page.locator(f"a[href='/evaluation/campaigns/{campaign.pk}/ballot/']").first.click()
    expect(page).to_have_url(re.compile(rf"/evaluation/campaigns/{campaign.pk}/ballot/$"))
    form = page.locator("#ballot-form")
    expect(form).to_contain_text("李书记")
    expect(form).not_to_contain_text("张三")  # nobody rates themself

    # Every other member on every criterion, and a suggested grade for each (all are full members).
    others = list(campaign.participants.exclude(member=college.member))
    for participant in others:
        for code in rules.CRITERION_CODES:
            page.locator(f"select[name=m{participant.member_id}_{code}]").select_option("4")
        page.locator(f"select[name=m{participant.member_id}_grade]").select_option("qualified")
    form.locator("button[type=submit]").click()

    # The receipt is shown once.
    receipt = page.locator("#receipt-code")
    expect(receipt).to_be_visible()
    code = receipt.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)
    assert Ballot.objects.filter(campaign=campaign).count() == 1
    assert Rating.objects.filter(campaign=campaign).count() == len(others)
    assert Participant.objects.get(campaign=campaign, member=college.member).has_voted

    # The page fits the phone: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    # 张三 checks the receipt: counted, and nothing about the content.
    page.locator(f"a[href='/evaluation/campaigns/{campaign.pk}/receipt/']").first.click()
    page.locator("input[name=receipt]").fill(code.lower())
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("#receipt-result")).to_have_class(re.compile("notice-ok"))

    # Voting again is refused with the reason.
    page.goto(f"/evaluation/campaigns/{campaign.pk}/ballot/")
    expect(page.locator("#ballot-refusal")).to_be_visible()
    assert Ballot.objects.filter(campaign=campaign).count() == 1
