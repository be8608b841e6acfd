"""Evaluation results as appealable decisions, for the rights app."""

from dangjian.evaluation import services
from dangjian.evaluation.appeals import KIND
from dangjian.evaluation.models import Result
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.tests.factories import decide, make_campaign
from dangjian.rights.registry import appealable_kinds


def test_a_published_result_is_appealable_by_its_member_only(college):
    kind = appealable_kinds()[KIND]
    campaign = make_campaign(college, phase=Phase.DECISION)
    decide(college, campaign, grades={college.member.pk: Grade.BASIC})
    result = Result.objects.get(member=college.member)
    assert kind.resolve(result.pk) is None  # decided but not yet published
    assert kind.choices_for(college.member.pk) == []
    campaign = services.campaign_advance(actor=college.secretary.user, campaign=campaign)
    subject = kind.resolve(result.pk)
    assert subject.member_id == college.member.pk
    assert subject.org == college.branch  # the appeal goes to the organisation above it
    assert subject.decided_on == campaign.meeting_on
    assert str(campaign.year) in subject.description
    assert [pk for pk, _subject in kind.choices_for(college.member.pk)] == [result.pk]
    assert [pk for pk, _subject in kind.choices_for(college.secretary.pk)] != [result.pk]
    assert kind.resolve(999_999) is None
