"""Journey: a member votes in the democratic evaluation on a phone, keeps the receipt, and checks it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dangjian.evaluation import rules
from dangjian.evaluation.models import Ballot, Participant, Rating
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.tests.factories import make_campaign
from dangjian.members.models import Member
from dangjian.members.tests.factories import MemberFactory
from tests.browser.conftest import PHONE, log_in
from tests.browser.crawl import AXE, AXE_RUN

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

    # One tap per member: a suggested grade for each (all are full members), the criteria left as overall.
    others = list(campaign.participants.exclude(member=college.member))
    for participant in others:
        page.locator(f"#rate-{participant.member_id} input[value=qualified] + label").click()
    expect(page.locator("#ballot-rated")).to_have_text(str(len(others)))
    page.locator("#ballot-cast").click()

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
    expect(page.locator("#receipt-result")).to_have_class(re.compile("alert-success"))

    # Voting again is refused with the reason.
    page.goto(f"/evaluation/campaigns/{campaign.pk}/ballot/")
    expect(page.locator("#ballot-refusal")).to_be_visible()
    assert Ballot.objects.filter(campaign=campaign).count() == 1


BALLOT_HEIGHT_LIMIT = 4000  # px at 390×844 for 28 members; drop-downs per criterion took about 10,000


def test_a_ballot_of_28_members_fits_a_phone(phone_page: Page, college):
    """A branch of 29: the voter rates the rest 合格 with one tap, changes two, and casts the ballot."""
    today = timezone.localdate()
    probationary = MemberFactory(org=college.group, joined_on=today - datetime.timedelta(days=30), full_member_on=None)
    branch = Member.objects.current().filter(org__path__startswith=college.branch.path)
    for _ in range(29 - branch.count()):
        MemberFactory(org=college.group)
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    others = list(campaign.participants.exclude(member=college.member).select_related("member"))
    assert len(others) == 28
    assert not next(p for p in others if p.member_id == probationary.pk).is_full

    page = log_in(phone_page, college.user("member"))
    page.goto(f"/evaluation/campaigns/{campaign.pk}/ballot/")
    expect(page.locator("#ballot-rated")).to_have_text("0")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < BALLOT_HEIGHT_LIMIT, f"the ballot is {height} px tall on a phone"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Two members first: 李书记 excellent; a second basically qualified, with one criterion scored apart.
    full = [p for p in others if p.is_full and p.member_id != college.secretary.pk]
    changed = full[0]
    chosen = page.locator(f"#rate-{college.secretary.pk} input[value=excellent] + label")
    chosen.click()
    expect(chosen).to_have_css("background-color", "rgb(183, 28, 28)")  # the primary red, though still hovered
    card = page.locator(f"#rate-{changed.member_id}")
    card.locator("input[value=basic] + label").click()
    card.locator("summary").click()
    card.locator(f"input[name=m{changed.member_id}_ability][value='2'] + label").click()
    expect(page.locator("#ballot-rated")).to_have_text("2")

    # The bar with the count and the buttons stays in sight while scrolling.
    page.mouse.wheel(0, 1500)
    bar = page.locator(".ballot-bar")
    box = bar.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 844

    # Casting with members left out is stopped on the page, pointing at the first one.
    page.locator("#ballot-cast").click()
    expect(page.locator("#ballot-missing")).to_be_visible()
    assert not Ballot.objects.filter(campaign=campaign).exists()

    # The rest 合格 with one tap, and the ballot is cast.
    page.locator("#ballot-rest").click()
    expect(page.locator("#ballot-rated")).to_have_text("28")
    expect(page.locator("#ballot-missing")).to_have_count(0)
    page.locator("#ballot-cast").click()
    expect(page.locator("#receipt-code")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # What was stored is what the service always stored: a score per criterion, a grade per full member.
    assert Ballot.objects.filter(campaign=campaign).count() == 1
    rows = {r.subject_id: r for r in Rating.objects.filter(campaign=campaign)}
    assert len(rows) == 28
    four = dict.fromkeys(rules.CRITERION_CODES, 4)
    assert rows[college.secretary.pk].grade == Grade.EXCELLENT
    assert rows[college.secretary.pk].scores == dict.fromkeys(rules.CRITERION_CODES, 5)
    assert rows[changed.member_id].grade == Grade.BASIC
    assert rows[changed.member_id].scores == dict.fromkeys(rules.CRITERION_CODES, 3) | {"ability": 2}
    assert rows[probationary.pk].grade == ""
    assert rows[probationary.pk].scores == four
    rest = full[1:]
    assert rest
    assert all(rows[p.member_id].grade == Grade.QUALIFIED for p in rest)
    assert all(rows[p.member_id].scores == four for p in rest)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_ballot_passes_the_accessibility_checks(new_context, college, scheme):
    """axe-core on the ballot with a card's criteria open and the note on members left out, in both themes."""
    MemberFactory(org=college.group, joined_on=timezone.localdate() - datetime.timedelta(days=30), full_member_on=None)
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    page = new_context(**PHONE, bypass_csp=True, color_scheme=scheme).new_page()  # axe is injected inline
    log_in(page, college.user("member"))
    page.goto(f"/evaluation/campaigns/{campaign.pk}/ballot/")
    page.locator(".ballot-criteria summary").first.click()
    page.locator("#ballot-cast").click()
    expect(page.locator("#ballot-missing")).to_be_visible()
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN) == []


def test_the_ballot_works_without_a_script(new_context, college):
    """Plain radio buttons; "rate the rest qualified" comes back from the server filled in; then the ballot is cast."""
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    page = new_context(**PHONE, java_script_enabled=False).new_page()
    log_in(page, college.user("member"))
    page.goto(f"/evaluation/campaigns/{campaign.pk}/ballot/")
    page.locator(f"#rate-{college.secretary.pk} input[value=excellent] + label").click()
    page.locator("#ballot-rest").click()
    others = campaign.participants.exclude(member=college.member).count()
    expect(page.locator("#ballot-rated")).to_have_text(str(others))
    expect(page.locator(f"#rate-{college.secretary.pk} input[value=excellent]")).to_be_checked()
    assert not Ballot.objects.filter(campaign=campaign).exists()
    page.locator("#ballot-cast").click()
    expect(page.locator("#receipt-code")).to_be_visible()
    assert Rating.objects.get(campaign=campaign, subject=college.secretary).grade == Grade.EXCELLENT
    assert Rating.objects.filter(campaign=campaign, grade=Grade.QUALIFIED).count() == others - 1
