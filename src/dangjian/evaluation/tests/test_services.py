"""The campaign's state machine and every refusal of bad input: refused with a message, nothing changed."""

import datetime

import pytest
from django.utils import timezone

from dangjian.core.errors import Conflict, DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.evaluation import services
from dangjian.evaluation.models import Ballot, Campaign, ImprovementPlan, Participant, Rating, Result, SelfAssessment
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.services import BallotRating
from dangjian.evaluation.tests.factories import (
    YEAR,
    advance_to,
    ballot_for,
    decide,
    make_campaign,
    propose_all,
    scores,
    vote,
)
from dangjian.members.tests.factories import MemberFactory
from dangjian.notices.models import Notice


@pytest.fixture
def probationary(college):
    """A probationary member of the faculty branch's group."""
    today = timezone.localdate()
    return MemberFactory(
        org=college.group, name="孙预备", joined_on=today - datetime.timedelta(days=100), full_member_on=None
    )


def state(campaign: Campaign) -> dict:
    """Everything a refused action must leave as it was."""
    campaign.refresh_from_db()
    return {
        "phase": campaign.phase,
        "ballots": sorted(Ballot.objects.filter(campaign=campaign).values_list("receipt_hash", flat=True)),
        "ratings": Rating.objects.filter(campaign=campaign).count(),
        "voted": sorted(
            Participant.objects.filter(campaign=campaign, has_voted=True).values_list("member_id", flat=True)
        ),
        "results": sorted(
            Result.objects.filter(campaign=campaign).values_list("member_id", "proposed_grade", "decided_grade")
        ),
        "plans": ImprovementPlan.objects.count(),
        "events": AuditEvent.objects.count(),
        "updated_at": campaign.updated_at,
    }


def refused(campaign, action, message_part: str = "", error=DomainError):
    before = state(campaign)
    with pytest.raises(error) as info:
        action()
    assert state(campaign) == before
    if message_part:
        assert message_part in info.value.message
    return info.value


# --- Campaigns ---------------------------------------------------------------------------------


def test_a_campaign_takes_the_branch_members_at_the_start(college, probationary):
    campaign = make_campaign(college)
    roll = {p.member.name: p.is_full for p in campaign.participants.select_related("member")}
    assert roll == {"李书记": True, "王组长": True, "张三": True, "吕书记": True, "孙预备": False}
    assert campaign.phase == Phase.STUDY
    event = AuditEvent.objects.get(action="evaluation_campaign.create")
    assert event.changes["participants"] == 5


def test_one_campaign_per_branch_and_year(college):
    make_campaign(college)
    with pytest.raises(Conflict, match="每年开展一次"):
        services.campaign_create(actor=college.secretary.user, org=college.branch, year=YEAR)
    assert Campaign.objects.count() == 1


def test_only_officers_of_the_branch_start_a_campaign(college):
    for role in ("member", "group_leader", "other_branch", "auditor"):
        with pytest.raises(Forbidden):
            services.campaign_create(actor=college.user(role), org=college.branch, year=YEAR)
    with pytest.raises(DomainError, match="由党支部组织"):
        services.campaign_create(actor=college.user("committee"), org=college.committee, year=YEAR)
    with pytest.raises(DomainError):
        services.campaign_create(actor=college.user("committee"), org=college.branch, year=YEAR - 3)
    assert not Campaign.objects.exists()


def test_phases_go_in_order_and_skip_the_optional_non_member_step(college):
    campaign = make_campaign(college)
    seen = [campaign.phase]
    campaign = advance_to(college, campaign, Phase.CLOSED)
    events = AuditEvent.objects.filter(action="evaluation_campaign.advance").order_by("pk")
    seen += [event.changes["phase"][1] for event in events]
    assert seen == ["study", "self_assessment", "mutual", "proposal", "decision", "closed"]
    assert campaign.closed_on == timezone.localdate()


def test_with_non_members_the_step_is_taken(college):
    campaign = make_campaign(college, with_non_members=True, phase=Phase.MUTUAL)
    campaign = services.campaign_advance(actor=college.secretary.user, campaign=campaign)
    assert campaign.phase == Phase.NON_MEMBER


def test_a_closed_campaign_cannot_be_reopened(college):
    campaign = make_campaign(college, phase=Phase.CLOSED)
    actor = college.secretary.user
    refused(campaign, lambda: services.campaign_advance(actor=actor, campaign=campaign), "不能重新打开")
    for phase in Phase.values:
        refused(
            campaign, lambda p=phase: services.campaign_advance(actor=actor, campaign=campaign, to=p), "不能重新打开"
        )
    refused(campaign, lambda: services.campaign_update(actor=actor, campaign=campaign, with_non_members=True))


def test_a_campaign_never_goes_back_nor_skips(college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    actor = college.secretary.user
    refused(campaign, lambda: services.campaign_advance(actor=actor, campaign=campaign, to=Phase.STUDY), "不能退回")
    refused(campaign, lambda: services.campaign_advance(actor=actor, campaign=campaign, to=Phase.CLOSED), "依次进行")
    refused(campaign, lambda: services.campaign_advance(actor=actor, campaign=campaign, to="nonsense"))
    # A double click: the second request saw the old phase.
    services.campaign_advance(actor=actor, campaign=campaign, expected=Phase.MUTUAL)
    refused(
        campaign,
        lambda: services.campaign_advance(actor=actor, campaign=campaign, expected=Phase.MUTUAL),
        error=Conflict,
    )


def test_the_proposal_must_be_complete_and_the_decision_recorded(college):
    campaign = make_campaign(college, phase=Phase.PROPOSAL)
    actor = college.secretary.user
    refused(campaign, lambda: services.campaign_advance(actor=actor, campaign=campaign), "每一名正式党员")
    propose_all(college, campaign)
    campaign = services.campaign_advance(actor=actor, campaign=campaign)
    refused(campaign, lambda: services.campaign_advance(actor=actor, campaign=campaign), "党员大会的决定")


def test_others_cannot_move_a_campaign(college):
    campaign = make_campaign(college)
    for role in ("member", "group_leader", "other_branch"):
        refused(
            campaign,
            lambda r=role: services.campaign_advance(actor=college.user(r), campaign=campaign),
            error=Forbidden,
        )


# --- Self-assessment -------------------------------------------------------------------------


def test_self_assessment_is_handed_in_and_changed(college):
    campaign = make_campaign(college, phase=Phase.SELF_ASSESSMENT)
    user = college.member.user
    services.self_assessment_submit(
        actor=user, campaign=campaign, scores=scores(4), comments={"innovation": "开设新课"}, analysis="对照党章找差距"
    )
    services.self_assessment_submit(actor=user, campaign=campaign, scores=scores(5), analysis="修改后的党性分析")
    assessment = SelfAssessment.objects.get()
    assert assessment.scores == scores(5)
    assert assessment.analysis == "修改后的党性分析"
    event = AuditEvent.objects.filter(action="evaluation_self_assessment.update").get()
    assert "党性" not in str(event.changes)


def test_self_assessment_refusals(college):
    campaign = make_campaign(college)
    user = college.member.user
    refused(
        campaign, lambda: services.self_assessment_submit(actor=user, campaign=campaign, scores=scores(), analysis="x")
    )
    campaign = advance_to(college, campaign, Phase.SELF_ASSESSMENT)
    refused(
        campaign, lambda: services.self_assessment_submit(actor=user, campaign=campaign, scores=scores(), analysis=" ")
    )
    refused(
        campaign, lambda: services.self_assessment_submit(actor=user, campaign=campaign, scores=scores(6), analysis="x")
    )
    refused(
        campaign,
        lambda: services.self_assessment_submit(
            actor=college.other_member.user, campaign=campaign, scores=scores(), analysis="x"
        ),
        error=Forbidden,
    )
    assert not SelfAssessment.objects.exists()


# --- The ballot ---------------------------------------------------------------------------------


def test_a_full_member_votes_once_and_gets_a_receipt(college, probationary):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    receipt = vote(college.member.user, campaign)
    assert len(receipt) == 19
    assert receipt.count("-") == 3
    assert Ballot.objects.filter(campaign=campaign).count() == 1
    assert Rating.objects.filter(campaign=campaign).count() == 4  # everyone but 张三
    assert Participant.objects.get(campaign=campaign, member=college.member).has_voted
    refused(campaign, lambda: vote(college.member.user, campaign), "不能重复投票")


def test_voting_refusals_change_nothing(college, probationary):
    campaign = make_campaign(college, phase=Phase.SELF_ASSESSMENT)
    user = college.member.user
    refused(campaign, lambda: vote(user, campaign), "才能投票")
    campaign = advance_to(college, campaign, Phase.MUTUAL)

    own = ballot_for(campaign, user.member.pk) | {user.member.pk: BallotRating(scores=scores(), grade=Grade.EXCELLENT)}
    refused(campaign, lambda: services.ballot_cast(actor=user, campaign=campaign, ratings=own), "不能给自己评分")

    graded_probationary = ballot_for(campaign, user.member.pk)
    graded_probationary[probationary.pk] = BallotRating(scores=scores(), grade=Grade.QUALIFIED)
    refused(
        campaign,
        lambda: services.ballot_cast(actor=user, campaign=campaign, ratings=graded_probationary),
        "预备党员",
    )

    missing = ballot_for(campaign, user.member.pk)
    del missing[college.secretary.pk]
    refused(campaign, lambda: services.ballot_cast(actor=user, campaign=campaign, ratings=missing), "李书记")

    no_grade = ballot_for(campaign, user.member.pk, grade="")
    refused(campaign, lambda: services.ballot_cast(actor=user, campaign=campaign, ratings=no_grade), "请建议等次")

    bad_score = ballot_for(campaign, user.member.pk, value=9)
    refused(campaign, lambda: services.ballot_cast(actor=user, campaign=campaign, ratings=bad_score))

    outsider = ballot_for(campaign, user.member.pk) | {
        college.other_member.pk: BallotRating(scores=scores(), grade="qualified")
    }
    refused(campaign, lambda: services.ballot_cast(actor=user, campaign=campaign, ratings=outsider), "非参评人")

    refused(campaign, lambda: vote(probationary.user, campaign), "没有表决权")
    refused(campaign, lambda: vote(college.other_member.user, campaign), "不是本次评议的参评人")


def test_no_vote_after_the_closing_time(college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    closes = timezone.now() - datetime.timedelta(minutes=1)
    campaign = services.campaign_update(actor=college.secretary.user, campaign=campaign, mutual_closes_at=closes)
    refused(campaign, lambda: vote(college.member.user, campaign), "截止")
    later = timezone.now() + datetime.timedelta(hours=1)
    campaign = services.campaign_update(actor=college.secretary.user, campaign=campaign, mutual_closes_at=later)
    vote(college.member.user, campaign)


def test_no_vote_after_the_mutual_phase(college):
    campaign = make_campaign(college, phase=Phase.PROPOSAL)
    refused(campaign, lambda: vote(college.member.user, campaign), "已结束")


# --- Proposal, decision, publication, follow-up -----------------------------------------------------


def test_proposal_warns_above_a_third_excellent_but_saves(college, probationary):
    campaign = make_campaign(college, phase=Phase.PROPOSAL)
    outcome = propose_all(college, campaign, overrides={college.member.pk: Grade.EXCELLENT})
    assert outcome.warning == ""  # 1 of 4
    outcome = propose_all(
        college, campaign, overrides={college.member.pk: Grade.EXCELLENT, college.secretary.pk: Grade.EXCELLENT}
    )
    assert "2" in outcome.warning
    assert "4" in outcome.warning
    assert Result.objects.filter(proposed_grade=Grade.EXCELLENT).count() == 2


def test_the_warning_share_is_configurable(college):
    from fractions import Fraction

    campaign = make_campaign(college)
    services.campaign_update(actor=college.secretary.user, campaign=campaign, excellent_limit=Fraction(1, 2))
    campaign = advance_to(college, campaign, Phase.PROPOSAL)
    outcome = propose_all(
        college, campaign, overrides={college.member.pk: Grade.EXCELLENT, college.secretary.pk: Grade.EXCELLENT}
    )
    assert outcome.warning == ""


def test_a_grade_for_a_probationary_member_is_refused(college, probationary):
    campaign = make_campaign(college, phase=Phase.PROPOSAL)
    actor = college.secretary.user
    refused(
        campaign,
        lambda: services.proposal_submit(actor=actor, campaign=campaign, grades={probationary.pk: Grade.QUALIFIED}),
        "预备党员",
    )
    propose_all(college, campaign)
    campaign = services.campaign_advance(actor=actor, campaign=campaign)
    refused(campaign, lambda: decide(college, campaign, grades={probationary.pk: Grade.QUALIFIED}), "预备党员")


def test_the_decision_needs_a_quorum_and_a_past_date(college):
    campaign = make_campaign(college, phase=Phase.DECISION)
    actor = college.secretary.user
    today = timezone.localdate()
    record = services.decision_record
    refused(
        campaign,
        lambda: record(actor=actor, campaign=campaign, meeting_on=today, entitled=4, attended=2),
        "超过半数",
    )
    refused(campaign, lambda: record(actor=actor, campaign=campaign, meeting_on=today, entitled=4, attended=5))
    tomorrow = today + datetime.timedelta(days=1)
    refused(
        campaign,
        lambda: record(actor=actor, campaign=campaign, meeting_on=tomorrow, entitled=4, attended=4),
        "不能晚于今天",
    )
    record(
        actor=actor,
        campaign=campaign,
        meeting_on=today,
        entitled=4,
        attended=3,
        grades={college.member.pk: Grade.BASIC},
    )
    assert Result.objects.get(member=college.member).decided_grade == Grade.BASIC
    assert Result.objects.get(member=college.secretary).decided_grade == Grade.QUALIFIED


def test_closing_tells_each_member_their_result_and_opens_follow_up_talks(college, probationary):
    from dangjian.care.models import TalkTodo

    campaign = make_campaign(college, phase=Phase.DECISION)
    decide(college, campaign, grades={college.member.pk: Grade.BASIC})
    campaign = services.campaign_advance(actor=college.secretary.user, campaign=campaign)
    assert campaign.phase == Phase.CLOSED
    recipients = set(Notice.objects.filter(url__contains="/evaluation/").values_list("recipient_id", flat=True))
    assert {college.member.user_id, probationary.user_id, college.secretary.user_id} <= recipients
    # The notice names the evaluation (whose, which year) and what happened to the reader's result.
    told = Notice.objects.get(recipient=college.member.user, url__contains="/evaluation/results/")
    assert campaign.org.name in told.title
    assert str(campaign.year) in told.title
    assert "结果" in told.title
    result = Result.objects.get(member=college.member)
    todo = TalkTodo.objects.get(source_key=f"evaluation:{result.pk}")
    assert (todo.member, todo.reason) == (college.member, "evaluation_result")
    assert TalkTodo.objects.filter(source_key__startswith="evaluation:").count() == 1


def test_improvement_plan_deadline_at_most_a_year(college):
    campaign = make_campaign(college, phase=Phase.DECISION)
    meeting_on = timezone.localdate()
    decide(college, campaign, grades={college.member.pk: Grade.UNQUALIFIED}, meeting_on=meeting_on)
    campaign = advance_to(college, campaign, Phase.CLOSED)
    result = Result.objects.get(member=college.member)
    actor = college.secretary.user
    too_late = meeting_on.replace(year=meeting_on.year + 1) + datetime.timedelta(days=1)
    refused(
        campaign,
        lambda: services.improvement_plan_create(actor=actor, result=result, content="改进", deadline=too_late),
        "不超过一年",
    )
    refused(
        campaign,
        lambda: services.improvement_plan_create(actor=actor, result=result, content="改进", deadline=meeting_on),
    )
    qualified = Result.objects.get(member=college.secretary)
    refused(
        campaign,
        lambda: services.improvement_plan_create(
            actor=actor, result=qualified, content="x", deadline=meeting_on + datetime.timedelta(days=30)
        ),
    )
    plan = services.improvement_plan_create(
        actor=actor,
        result=result,
        content="每月学习党章，按时参加组织生活",
        deadline=meeting_on.replace(year=meeting_on.year + 1),
    )
    refused(
        campaign,
        lambda: services.improvement_plan_create(actor=actor, result=result, content="再来", deadline=plan.deadline),
        error=Conflict,
    )
    refused(campaign, lambda: services.improvement_plan_close(actor=actor, plan=plan, outcome=" "))
    plan = services.improvement_plan_close(actor=actor, plan=plan, outcome="已按期改正")
    assert plan.status == "closed"
    assert plan.closed_on == timezone.localdate()
    refused(campaign, lambda: services.improvement_plan_close(actor=actor, plan=plan, outcome="again"), "已关闭")
