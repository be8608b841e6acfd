"""The ballot's form: one tap per member, criteria "as overall" unless scored apart, "the rest 合格" without
a script, and a partly filled ballot that comes back with its choices and nothing cast."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.evaluation import rules
from dangjian.evaluation.forms import BallotForm, NonMemberForm
from dangjian.evaluation.models import Ballot, Participant, Rating
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.tests.factories import make_campaign
from dangjian.members.tests.factories import MemberFactory


@pytest.fixture
def campaign(college):
    """The faculty branch in the mutual phase, with a probationary member besides the full ones."""
    today = timezone.localdate()
    MemberFactory(org=college.group, name="钱预备", joined_on=today - datetime.timedelta(days=30), full_member_on=None)
    return make_campaign(college, phase=Phase.MUTUAL)


def subjects(campaign, college):
    return list(campaign.participants.exclude(member=college.member).select_related("member").order_by("pk"))


def one_tap_each(others, grade="qualified", overall="4") -> dict:
    return {BallotForm.overall_name(p): grade if p.is_full else overall for p in others}


def test_a_criterion_left_as_overall_takes_the_score_of_the_grade(campaign, college):
    others = subjects(campaign, college)
    full = next(p for p in others if p.is_full)
    probationary = next(p for p in others if not p.is_full)
    data = one_tap_each(others) | {f"m{full.member_id}_grade": "basic", f"m{full.member_id}_ability": "2"}
    data[f"m{probationary.member_id}_overall"] = "5"
    form = BallotForm(data, subjects=others)
    assert form.is_valid(), form.errors
    ratings = form.ratings()
    assert ratings[full.member_id].grade == Grade.BASIC
    assert ratings[full.member_id].scores == dict.fromkeys(rules.CRITERION_CODES, 3) | {"ability": 2}
    assert ratings[probationary.member_id].grade == ""
    assert ratings[probationary.member_id].scores == dict.fromkeys(rules.CRITERION_CODES, 5)
    for grade, score in rules.GRADE_DEFAULT_SCORE.items():
        form = BallotForm(one_tap_each(others, grade=grade), subjects=others)
        assert form.is_valid()
        assert form.ratings()[full.member_id].scores == dict.fromkeys(rules.CRITERION_CODES, score)


def test_a_probationary_member_scored_on_every_criterion_needs_no_overall_rating(campaign, college):
    others = subjects(campaign, college)
    probationary = next(p for p in others if not p.is_full)
    data = one_tap_each(others)
    del data[f"m{probationary.member_id}_overall"]
    form = BallotForm(data | {f"m{probationary.member_id}_political": "3"}, subjects=others)
    assert not form.is_valid()
    assert form.errors[f"m{probationary.member_id}_overall"]
    assert "钱预备" in str(form.non_field_errors())
    data |= {f"m{probationary.member_id}_{code}": "3" for code in rules.CRITERION_CODES}
    form = BallotForm(data, subjects=others)
    assert form.is_valid(), form.errors
    assert form.ratings()[probationary.member_id].scores == dict.fromkeys(rules.CRITERION_CODES, 3)


def test_a_grade_for_a_probationary_member_cannot_be_posted(campaign, college):
    others = subjects(campaign, college)
    probationary = next(p for p in others if not p.is_full)
    form = BallotForm(one_tap_each(others) | {f"m{probationary.member_id}_grade": "excellent"}, subjects=others)
    assert form.is_valid()
    assert form.ratings()[probationary.member_id].grade == ""


def test_an_unknown_choice_is_refused_on_its_card(campaign, college):
    others = subjects(campaign, college)
    full = next(p for p in others if p.is_full)
    form = BallotForm(
        one_tap_each(others) | {f"m{full.member_id}_grade": "best", f"m{full.member_id}_ability": "9"}, subjects=others
    )
    assert not form.is_valid()
    assert form.errors[f"m{full.member_id}_grade"]
    assert form.errors[f"m{full.member_id}_ability"]


def test_a_partly_filled_ballot_comes_back_with_its_choices_and_nothing_cast(client, campaign, college):
    others = subjects(campaign, college)
    full = [p for p in others if p.is_full]
    client.force_login(college.user("member"))
    url = reverse("evaluation:ballot", args=[campaign.pk])
    data = {f"m{full[0].member_id}_grade": "excellent", f"m{full[0].member_id}_dedication": "3"}
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    pk = full[0].member_id
    assert f'value="excellent" id="id_m{pk}_grade_0" autocomplete="off" checked' in page
    assert f'value="3" id="id_m{pk}_dedication_3" autocomplete="off" checked' in page
    assert "尚未评议" in page
    assert "请选择建议等次" in page
    assert response.context["form"].rated_count() == 1
    assert not Ballot.objects.exists()
    assert not Rating.objects.exists()
    assert not Participant.objects.get(campaign=campaign, member=college.member).has_voted


def test_without_a_script_the_rest_are_rated_qualified_and_nothing_is_cast(client, campaign, college):
    others = subjects(campaign, college)
    full = [p for p in others if p.is_full]
    probationary = next(p for p in others if not p.is_full)
    client.force_login(college.user("member"))
    url = reverse("evaluation:ballot", args=[campaign.pk])
    chosen = {f"m{full[0].member_id}_grade": "excellent", f"m{full[0].member_id}_dedication": "3"}
    response = client.post(url, chosen | {"fill": "rest"})
    assert response.status_code == 200
    assert not Ballot.objects.exists()
    form = response.context["form"]
    assert not form.is_bound
    assert form.rated_count() == len(others)
    assert form.initial[f"m{full[0].member_id}_grade"] == "excellent"
    assert form.initial[f"m{full[0].member_id}_dedication"] == "3"
    assert all(form.initial[f"m{p.member_id}_grade"] == Grade.QUALIFIED for p in full[1:])
    assert form.initial[f"m{probationary.member_id}_overall"] == str(rules.GRADE_DEFAULT_SCORE[Grade.QUALIFIED])
    # The filled-in page, sent as it is, casts the ballot.
    sent = {name: value for name, value in form.initial.items() if value}
    response = client.post(url, sent)
    assert response.status_code == 200
    assert response.context["receipt"]
    rows = {r.subject_id: r for r in Rating.objects.filter(campaign=campaign)}
    assert rows[full[0].member_id].scores == dict.fromkeys(rules.CRITERION_CODES, 5) | {"dedication": 3}
    assert rows[probationary.member_id].scores == dict.fromkeys(rules.CRITERION_CODES, 4)
    assert rows[probationary.member_id].grade == ""


def test_the_ballot_page_draws_buttons_not_drop_downs(client, campaign, college):
    client.force_login(college.user("member"))
    page = client.get(reverse("evaluation:ballot", args=[campaign.pk])).content.decode()
    form = page.split('id="ballot-form"')[1]
    assert "<select" not in form
    assert 'class="btn-check"' in form
    assert 'name="fill" value="rest"' in form
    assert "evaluation/ballot.js" in page


def test_a_non_member_rates_those_they_know_with_one_tap_each(campaign, college):
    others = list(campaign.participants.select_related("member").order_by("pk"))
    known, scored, partly = others[0], others[1], others[2]
    data = {
        "code": "X",
        f"m{known.member_id}_overall": "5",
        f"m{known.member_id}_ability": "3",
        **{f"m{scored.member_id}_{code}": "2" for code in rules.CRITERION_CODES},
    }
    form = NonMemberForm(data, subjects=others)
    assert form.is_valid(), form.errors
    ratings = form.ratings()
    assert set(ratings) == {known.member_id, scored.member_id}  # the rest left at "don't know"
    assert ratings[known.member_id].scores == dict.fromkeys(rules.CRITERION_CODES, 5) | {"ability": 3}
    assert ratings[known.member_id].grade == ""
    assert ratings[scored.member_id].scores == dict.fromkeys(rules.CRITERION_CODES, 2)
    # A few criteria scored without an overall rating: said on that member's card, not guessed.
    form = NonMemberForm(data | {f"m{partly.member_id}_political": "4"}, subjects=others)
    assert not form.is_valid()
    assert form.errors[f"m{partly.member_id}_overall"]


def test_the_non_members_page_draws_cards_with_buttons(client, campaign, college):
    from dangjian.evaluation import services

    campaign.with_non_members = True
    campaign.save()
    code = services.non_member_codes_generate(actor=college.secretary.user, campaign=campaign, count=1)[0]
    services.campaign_advance(actor=college.secretary.user, campaign=campaign)
    url = reverse("evaluation:assess")
    page = client.post(url, {"step": "code", "code": code}).content.decode()
    assert "<select" not in page
    assert 'class="btn-check"' in page
    member = college.member.pk
    response = client.post(url, {"step": "rate", "code": code, f"m{member}_overall": "4"})
    assert response.context["done"]
    row = Rating.objects.get(source="non_member")
    assert row.subject_id == member
    assert row.scores == dict.fromkeys(rules.CRITERION_CODES, 4)
