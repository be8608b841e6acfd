"""API for campaigns, self-assessment, the secret ballot and its receipt, and the non-members' assessment."""

import datetime
from fractions import Fraction
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.schemas import BodyIn, Year, responses
from dangjian.evaluation import rules, selectors, services
from dangjian.evaluation.api.common import (
    CriterionOut,
    GradeOut,
    RatingIn,
    ScaleOut,
    criteria_out,
    grades_out,
    ratings_dict,
    scale_out,
)
from dangjian.orgs.permissions import access_org
from dangjian.orgs.schemas import OrgRefOut

router = Router(tags=["evaluation"])

PhaseValue = Literal[tuple(rules.Phase.values)]


# --- Schemas ------------------------------------------------------------------------------------


class MyPartOut(Schema):
    takes_part: bool
    has_vote: bool = Field(description="A full member: votes in the mutual evaluation and is graded.")
    has_voted: bool
    self_assessment_submitted: bool


class CampaignOut(Schema):
    id: int
    org: OrgRefOut
    year: int
    title: str
    phase: str
    phase_label: str
    next_phase: str | None
    with_non_members: bool
    excellent_limit: str = Field(
        description='The share of excellent grades above which a warning is shown, e.g. "1/3".'
    )
    mutual_closes_at: datetime.datetime | None
    started_on: datetime.date
    meeting_on: datetime.date | None
    closed_on: datetime.date | None
    can_manage: bool
    participants: int
    members_with_vote: int
    ballots_cast: int = Field(description="How many ballots were cast; never who cast which.")
    me: MyPartOut


class CampaignCreateIn(BodyIn):
    org: int = Field(description="The branch.")
    year: Year
    with_non_members: bool = False
    excellent_limit: str = Field("1/3", description='A share such as "1/3" or "30%".')
    mutual_closes_at: datetime.datetime | None = None


class CampaignAdvanceIn(BodyIn):
    to: PhaseValue | None = Field(None, description="The phase wanted: refused unless it is the next one.")
    expected: PhaseValue | None = Field(
        None, description="The phase the caller saw: refused (409) when the campaign has moved on since."
    )


class SelfAssessmentOut(Schema):
    scores: dict[str, int]
    comments: dict[str, str]
    analysis: str


class RecognitionRefOut(Schema):
    kind: str
    kind_label: str
    title: str
    awarded_on: datetime.date


class SelfAssessmentFormOut(Schema):
    open: bool = Field(description="Whether it may be handed in or changed now.")
    criteria: list[CriterionOut]
    scale: ScaleOut
    assessment: SelfAssessmentOut | None
    recognitions: list[RecognitionRefOut] = Field(description="The caller's recognition, as evidence.")


class SelfAssessmentSubmitIn(BodyIn):
    scores: dict[str, int] = Field(description="A score from 1 to 5 for every criterion code.")
    comments: dict[str, str] = Field(default_factory=dict, description="A comment per criterion code (optional).")
    analysis: str = Field(description="党性分析, free text.")


class SubjectOut(Schema):
    member: int
    name: str
    graded: bool = Field(description="A full member: a grade is suggested. A probationary member: no grade.")


class BallotFormOut(Schema):
    can_vote: bool
    reason: str = Field(description="Why the caller cannot vote now, when they cannot.")
    has_voted: bool
    closes_at: datetime.datetime | None
    criteria: list[CriterionOut]
    scale: ScaleOut
    grades: list[GradeOut]
    subjects: list[SubjectOut] = Field(description="Every other participant: rate each of them.")


class BallotCastIn(BodyIn):
    ratings: list[RatingIn] = Field(description="One rating for every other participant.")


class ReceiptOut(Schema):
    receipt: str = Field(
        description="The receipt code, returned this once and stored only as a hash: check it with receipt_check."
    )


class ReceiptCheckIn(BodyIn):
    receipt: str = Field(max_length=40)


class ReceiptCheckOut(Schema):
    counted: bool = Field(description="Whether a ballot with this receipt is in the count. Never its content.")


class CodesCreateIn(BodyIn):
    count: int = Field(ge=1, le=rules.NON_MEMBER_CODES_MAX)


class CodesOut(Schema):
    codes: list[str] = Field(description="One-time codes, returned this once and stored only as hashes.")


class NonMemberFormIn(BodyIn):
    code: str = Field(max_length=40)


class NonMemberFormOut(Schema):
    org: str
    year: int
    criteria: list[CriterionOut]
    scale: ScaleOut
    subjects: list[SubjectOut]


class NonMemberAssessIn(BodyIn):
    code: str = Field(max_length=40)
    ratings: list[RatingIn] = Field(description="Ratings of the members the assessor knows, without grades.")


class CountedOut(Schema):
    counted: bool


# --- Helpers ------------------------------------------------------------------------------------


def _campaign_out(actor, campaign) -> dict:
    overview = selectors.campaign_overview(actor=actor, campaign=campaign)
    participant = overview.participant
    return {
        "id": campaign.pk,
        "org": campaign.org,
        "year": campaign.year,
        "title": str(campaign.title),
        "phase": campaign.phase,
        "phase_label": campaign.get_phase_display(),
        "next_phase": overview.next_phase,
        "with_non_members": campaign.with_non_members,
        "excellent_limit": f"{campaign.excellent_limit_numerator}/{campaign.excellent_limit_denominator}",
        "mutual_closes_at": campaign.mutual_closes_at,
        "started_on": campaign.started_on,
        "meeting_on": campaign.meeting_on,
        "closed_on": campaign.closed_on,
        "can_manage": overview.can_manage,
        "participants": overview.participants,
        "members_with_vote": overview.full_members,
        "ballots_cast": overview.ballots,
        "me": {
            "takes_part": participant is not None,
            "has_vote": bool(participant and participant.is_full),
            "has_voted": bool(participant and participant.has_voted),
            "self_assessment_submitted": overview.my_self_assessment is not None,
        },
    }


def _limit(text: str) -> Fraction:
    limit = rules.parse_limit(text)
    if limit is None:
        raise DomainError(_("Write a share between 0 and 1, e.g. 1/3 or 30%."), field="excellent_limit")
    return limit


def _subjects(participants) -> list[dict]:
    return [{"member": p.member_id, "name": p.member.name, "graded": p.is_full} for p in participants]


# --- Campaigns ----------------------------------------------------------------------------------


@router.get(
    "/campaigns",
    operation_id="campaign_list",
    response=responses({200: list[CampaignOut]}),
    summary="Evaluation campaigns",
    description="Campaigns of the branches the caller runs the evaluation of, and those the caller takes part in.",
)
def campaign_list(request):
    return [_campaign_out(request.auth, c) for c in selectors.campaign_list(actor=request.auth)]


@router.post(
    "/campaigns",
    operation_id="campaign_create",
    response=responses({201: CampaignOut}, 409),
    summary="Begin a democratic evaluation",
    description=(
        "Begins a branch's campaign of a year in the study phase; the branch's members (groups included) take "
        "part. 404 when the caller does not run the branch's evaluation; 409 when the branch already has one "
        "for the year; 400 for a year other than last, this or next, or an organisation that is not a branch."
    ),
)
def campaign_create(request, payload: CampaignCreateIn):
    org = access_org(request.auth, payload.org, selectors.PERM)
    campaign = services.campaign_create(
        actor=request.auth,
        org=org,
        year=payload.year,
        with_non_members=payload.with_non_members,
        excellent_limit=_limit(payload.excellent_limit),
        mutual_closes_at=payload.mutual_closes_at,
    )
    return Status(201, _campaign_out(request.auth, campaign))


@router.get(
    "/campaigns/{campaign_id}",
    operation_id="campaign_get",
    response=responses({200: CampaignOut}),
    summary="One campaign",
)
def campaign_get(request, campaign_id: int):
    return _campaign_out(request.auth, selectors.access_campaign(request.auth, campaign_id))


@router.post(
    "/campaigns/{campaign_id}/advance",
    operation_id="campaign_advance",
    response=responses({200: CampaignOut}, 409),
    summary="Move a campaign to its next phase",
    description=(
        "Phases go in order and never back; a closed campaign cannot be reopened (400). 400 also when the "
        "phase's work is not done (every full member proposed; the meeting's decision recorded). Closing "
        "publishes each member's result to them alone."
    ),
)
def campaign_advance(request, campaign_id: int, payload: CampaignAdvanceIn):
    campaign = selectors.access_campaign(request.auth, campaign_id, manage=True)
    campaign = services.campaign_advance(
        actor=request.auth, campaign=campaign, to=payload.to, expected=payload.expected
    )
    return _campaign_out(request.auth, campaign)


# --- Self-assessment ---------------------------------------------------------------------------


def _participant(request, campaign_id: int):
    campaign = selectors.access_campaign(request.auth, campaign_id)
    participant = selectors.participant_of(request.auth, campaign)
    if participant is None:
        raise NotFound()
    return campaign, participant


@router.get(
    "/campaigns/{campaign_id}/self-assessment",
    operation_id="self_assessment_get",
    response=responses({200: SelfAssessmentFormOut}),
    summary="My self-assessment",
    description="The caller's own self-assessment (null until handed in), with the criteria and their recognition. "
    "404 when the caller does not take part.",
)
def self_assessment_get(request, campaign_id: int):
    campaign, participant = _participant(request, campaign_id)
    recognitions = selectors.recognitions_of(participant.member)
    return {
        "open": campaign.phase in rules.SELF_ASSESSMENT_PHASES,
        "criteria": criteria_out(),
        "scale": scale_out(),
        "assessment": selectors.self_assessment_of(campaign, participant.member),
        "recognitions": [
            {"kind": r.kind, "kind_label": r.get_kind_display(), "title": r.title, "awarded_on": r.awarded_on}
            for r in recognitions
        ],
    }


@router.put(
    "/campaigns/{campaign_id}/self-assessment",
    operation_id="self_assessment_submit",
    response=responses({200: SelfAssessmentOut}),
    summary="Hand in my self-assessment",
    description="400 outside the self-assessment and mutual phases, or when a score or the analysis is missing.",
)
def self_assessment_submit(request, campaign_id: int, payload: SelfAssessmentSubmitIn):
    campaign, _participant_row = _participant(request, campaign_id)
    return services.self_assessment_submit(
        actor=request.auth,
        campaign=campaign,
        scores=payload.scores,
        comments=payload.comments,
        analysis=payload.analysis,
    )


# --- The secret ballot -------------------------------------------------------------------------


@router.get(
    "/campaigns/{campaign_id}/ballot",
    operation_id="ballot_get",
    response=responses({200: BallotFormOut}),
    summary="My ballot form",
    description="Whether the caller may vote now (and why not), and whom they rate. Never a cast ballot.",
)
def ballot_get(request, campaign_id: int):
    campaign = selectors.access_campaign(request.auth, campaign_id)
    state = selectors.ballot_form(actor=request.auth, campaign=campaign)
    return {
        "can_vote": state.can_vote,
        "reason": state.reason,
        "has_voted": state.has_voted,
        "closes_at": state.closes_at,
        "criteria": criteria_out(),
        "scale": scale_out(),
        "grades": grades_out(),
        "subjects": _subjects(state.subjects),
    }


@router.post(
    "/campaigns/{campaign_id}/ballot",
    operation_id="ballot_cast",
    response=responses({201: ReceiptOut}),
    summary="Cast my secret ballot",
    description=(
        "Rates every other participant on every criterion, with a suggested grade for each full member. The "
        "answer holds only the receipt code, this once. 400 when voting twice, outside the mutual phase or "
        "after its closing time, as a probationary member, rating oneself, leaving someone out, or suggesting "
        "a grade for a probationary member; a refusal changes nothing."
    ),
)
def ballot_cast(request, campaign_id: int, payload: BallotCastIn):
    campaign = selectors.access_campaign(request.auth, campaign_id)
    receipt = services.ballot_cast(actor=request.auth, campaign=campaign, ratings=ratings_dict(payload.ratings))
    return Status(201, {"receipt": receipt})


@router.post(
    "/campaigns/{campaign_id}/receipt-check",
    operation_id="receipt_check",
    response=responses({200: ReceiptCheckOut}),
    summary="Check a receipt",
    description="Whether a ballot with this receipt is counted; never what it says (a POST, so that the code "
    "stays out of addresses and logs).",
)
def receipt_check(request, campaign_id: int, payload: ReceiptCheckIn):
    campaign = selectors.access_campaign(request.auth, campaign_id)
    return {"counted": selectors.receipt_counted(campaign=campaign, receipt=payload.receipt)}


# --- Non-members -------------------------------------------------------------------------------


@router.post(
    "/campaigns/{campaign_id}/non-member-codes",
    operation_id="non_member_codes_create",
    response=responses({201: CodesOut}),
    summary="Make one-time codes for non-members",
    description="400 when the campaign holds no non-member assessment, or it is over.",
)
def non_member_codes_create(request, campaign_id: int, payload: CodesCreateIn):
    campaign = selectors.access_campaign(request.auth, campaign_id, manage=True)
    return Status(
        201, {"codes": services.non_member_codes_generate(actor=request.auth, campaign=campaign, count=payload.count)}
    )


@router.post(
    "/assess/form",
    operation_id="non_member_form_get",
    auth=None,
    response=responses({200: NonMemberFormOut}, login=False),
    summary="The non-members' assessment form (no login: a one-time code)",
    description="400 when the code is unknown or used, or the non-members' assessment is not open.",
)
def non_member_form_get(request, payload: NonMemberFormIn):
    campaign = services.non_member_campaign_for(payload.code)
    return {
        "org": campaign.org.name,
        "year": campaign.year,
        "criteria": criteria_out(),
        "scale": scale_out(),
        "subjects": _subjects(selectors.participants(campaign)),
    }


@router.post(
    "/assess",
    operation_id="non_member_assessment_create",
    auth=None,
    response=responses({201: CountedOut}, 409, login=False),
    summary="Send a non-member's assessment (no login: a one-time code)",
    description="Scores, no grades, for the members the assessor knows. The code then stops working.",
)
def non_member_assessment_create(request, payload: NonMemberAssessIn):
    services.non_member_assess(code=payload.code, ratings=ratings_dict(payload.ratings))
    return Status(201, {"counted": True})
