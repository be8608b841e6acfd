"""Evaluation's to-do in the inbox: a mutual-evaluation ballot the member has not cast yet."""

from django.utils import timezone

from dangjian.accounts.permissions import scope_for
from dangjian.evaluation import todos
from dangjian.evaluation.rules import Phase
from dangjian.evaluation.tests.factories import make_campaign, vote
from dangjian.notices.inbox import inbox_for


def ballots(user):
    return [item for item in inbox_for(user, timezone.localdate()) if item.kind == "evaluation.ballot"]


def test_a_ballot_waits_until_it_is_cast(college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    [item] = ballots(college.user("member"))
    assert item.url == f"/evaluation/campaigns/{campaign.pk}/ballot/"
    assert "民主评议" in item.title
    assert ballots(college.user("other_branch")) == []  # another branch's campaign
    vote(college.user("member"), campaign)
    assert ballots(college.user("member")) == []


def test_no_ballot_waits_outside_the_mutual_phase(college):
    make_campaign(college, phase=Phase.STUDY)
    assert ballots(college.user("member")) == []


def test_the_ballot_source_reads_one_query(college, django_assert_max_num_queries):
    make_campaign(college, phase=Phase.MUTUAL)
    user = college.user("member")
    scope_for(user)
    with django_assert_max_num_queries(1):
        todos.ballot_todos(user, timezone.localdate())


def self_assessments(user):
    return [item for item in inbox_for(user, timezone.localdate()) if item.kind == "evaluation.self_assessment"]


def test_a_self_assessment_waits_until_it_is_handed_in(college):
    from dangjian.evaluation import services
    from dangjian.evaluation.tests.factories import scores

    campaign = make_campaign(college, phase=Phase.SELF_ASSESSMENT)
    [item] = self_assessments(college.user("member"))
    assert item.url == f"/evaluation/campaigns/{campaign.pk}/self-assessment/"
    assert self_assessments(college.user("other_branch")) == []
    services.self_assessment_submit(
        actor=college.user("member"),
        campaign=campaign,
        scores=scores(),
        analysis="认真学习党章，按时参加组织生活。" * 3,
    )
    assert self_assessments(college.user("member")) == []
    assert ballots(college.user("member")) == []  # no ballot before the mutual phase


def test_the_self_assessment_source_reads_one_query(college, django_assert_max_num_queries):
    make_campaign(college, phase=Phase.SELF_ASSESSMENT)
    user = college.user("member")
    scope_for(user)
    with django_assert_max_num_queries(1):
        todos.self_assessment_todos(user, timezone.localdate())
