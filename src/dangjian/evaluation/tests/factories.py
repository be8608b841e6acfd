"""Building campaigns through the services, at any phase, for the tests."""

import datetime

from django.utils import timezone

from dangjian.evaluation import rules, services
from dangjian.evaluation.models import Campaign
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.services import BallotRating

YEAR = timezone.localdate().year


def scores(value: int = 4, **overrides) -> dict[str, int]:
    return {code: overrides.get(code, value) for code in rules.CRITERION_CODES}


def make_campaign(college, *, phase: str = Phase.STUDY, with_non_members: bool = False, year: int = YEAR) -> Campaign:
    """The faculty branch's campaign, moved on by its secretary to `phase` (nobody votes on the way)."""
    campaign = services.campaign_create(
        actor=college.secretary.user, org=college.branch, year=year, with_non_members=with_non_members
    )
    return advance_to(college, campaign, phase)


def advance_to(college, campaign: Campaign, phase: str) -> Campaign:
    actor = college.secretary.user
    campaign.refresh_from_db()
    while campaign.phase != phase:
        if campaign.phase == Phase.PROPOSAL:
            propose_all(college, campaign)
        if campaign.phase == Phase.DECISION and campaign.meeting_on is None:
            decide(college, campaign)
        campaign = services.campaign_advance(actor=actor, campaign=campaign)
    return campaign


def ballot_for(campaign: Campaign, voter_member_id: int, *, value: int = 4, grade: str = Grade.QUALIFIED) -> dict:
    """A complete ballot: every other participant, a grade for each full member."""
    return {
        p.member_id: BallotRating(scores=scores(value), grade=grade if p.is_full else "")
        for p in campaign.participants.exclude(member_id=voter_member_id)
    }


def vote(user, campaign: Campaign, **kwargs) -> str:
    return services.ballot_cast(actor=user, campaign=campaign, ratings=ballot_for(campaign, user.member.pk, **kwargs))


def propose_all(college, campaign: Campaign, grade: str = Grade.QUALIFIED, overrides: dict | None = None):
    grades = {p.member_id: grade for p in campaign.participants.filter(is_full=True)} | (overrides or {})
    return services.proposal_submit(actor=college.secretary.user, campaign=campaign, grades=grades)


def decide(college, campaign: Campaign, grades: dict | None = None, meeting_on: datetime.date | None = None):
    entitled = campaign.participants.filter(is_full=True).count()
    return services.decision_record(
        actor=college.secretary.user,
        campaign=campaign,
        meeting_on=meeting_on or timezone.localdate(),
        entitled=entitled,
        attended=entitled,
        grades=grades or {},
    )
