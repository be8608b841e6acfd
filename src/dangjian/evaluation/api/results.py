"""API for the tally, the proposal and the decision, results and improvement plans, and recognition."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from dangjian.core.errors import NotFound
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut, responses
from dangjian.evaluation import rules, selectors, services
from dangjian.evaluation.api.common import CriterionOut, criteria_out
from dangjian.members.permissions import access_member
from dangjian.orgs.schemas import OrgRefOut

router = Router(tags=["evaluation"])

GradeValue = Literal[tuple(rules.Grade.values)]
KindValue = Literal[tuple(rules.RecognitionKind.values)]


# --- Schemas ------------------------------------------------------------------------------------


class TallyRowOut(Schema):
    member: int
    name: str
    graded: bool
    ratings: int = Field(description="How many ratings of this member were counted.")
    averages: dict[str, Decimal | None] = Field(description="Average score per criterion code.")
    overall: Decimal | None
    grades: dict[str, int] = Field(description="How many ballots suggested each grade (members' ballots only).")


class TallyPartOut(Schema):
    shown: bool
    reason: str = Field(description="Why the tally is not shown, when it is not.")
    rows: list[TallyRowOut] = Field(description="Ordered by name: no ranking.")


class TallyOut(Schema):
    ballots_cast: int
    members_with_vote: int
    criteria: list[CriterionOut]
    members: TallyPartOut
    non_members: TallyPartOut | None = Field(description="Apart from the members' ballots; null without one.")
    non_member_assessments: int


class ResultOut(Schema):
    id: int
    campaign: int
    year: int
    org: OrgRefOut
    member: int
    name: str
    proposed_grade: str
    proposal_note: str
    decided_grade: str
    decided_on: datetime.date | None
    published: bool
    improvement_plan: int | None


class GradeIn(BodyIn):
    member: int
    grade: GradeValue
    note: str = Field("", max_length=500)


class ProposalIn(BodyIn):
    grades: list[GradeIn] = Field(description="Some or all full members; a probationary member is refused.")


class ProposalOut(Schema):
    results: list[ResultOut]
    warning: str = Field(description="Set when the excellent grades exceed the campaign's share: a warning only.")


class DecisionIn(BodyIn):
    meeting_on: Date
    entitled: int = Field(ge=0, description="Members with the vote (应到).")
    attended: int = Field(ge=0, description="Members with the vote present (实到): more than half needed.")
    grades: list[GradeIn] = Field(default_factory=list, description="Grades the meeting changed; the rest as proposed.")
    note: str = ""


class ImprovementPlanOut(Schema):
    id: int
    result: int
    content: str
    deadline: datetime.date
    status: str
    closed_on: datetime.date | None
    outcome: str

    @staticmethod
    def resolve_result(obj) -> int:
        return obj.result_id


class ImprovementPlanCreateIn(BodyIn):
    content: str
    deadline: Date = Field(description="After the decision and at most one year after it.")


class ImprovementPlanCloseIn(BodyIn):
    outcome: str
    closed_on: Date | None = None


class RecognitionOut(Schema):
    id: int
    member: int
    name: str
    org: OrgRefOut = Field(description="The recording organisation.")
    kind: str
    kind_label: str
    title: str
    evidence: str
    awarded_on: datetime.date
    has_file: bool

    @staticmethod
    def resolve_member(obj) -> int:
        return obj.member_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.evidence_file)


class RecognitionListOut(PageOut):
    items: list[RecognitionOut]


class RecognitionListIn(PageIn):
    member: int | None = Field(None, description="Only this member's recognition.")


class RecognitionCreateIn(BodyIn):
    member: int
    kind: KindValue
    title: str = Field(max_length=200)
    evidence: str
    awarded_on: Date


# --- Helpers ------------------------------------------------------------------------------------


def _result_out(result) -> dict:
    campaign = result.campaign
    published = campaign.phase == rules.Phase.CLOSED
    plan = getattr(result, "improvement_plan", None)  # a missing one-to-one raises an AttributeError
    return {
        "id": result.pk,
        "campaign": campaign.pk,
        "year": campaign.year,
        "org": campaign.org,
        "member": result.member_id,
        "name": result.member.name,
        "proposed_grade": result.proposed_grade,
        "proposal_note": result.proposal_note,
        "decided_grade": result.decided_grade,
        "decided_on": campaign.meeting_on,
        "published": published,
        "improvement_plan": plan.pk if plan else None,
    }


def _part(verdict, rows) -> dict:
    return {
        "shown": verdict.allowed,
        "reason": verdict.reason,
        "rows": [
            {
                "member": row.member.pk,
                "name": row.member.name,
                "graded": row.is_full,
                "ratings": row.count,
                "averages": row.averages,
                "overall": row.overall,
                "grades": row.grades,
            }
            for row in rows
        ],
    }


def _grades(items: list) -> tuple[dict, dict]:
    return {g.member: g.grade for g in items}, {g.member: g.note for g in items}


# --- Tally, proposal, decision ---------------------------------------------------------------------


@router.get(
    "/campaigns/{campaign_id}/tally",
    operation_id="tally_get",
    response=responses({200: TallyOut}),
    summary="The tally of the mutual evaluation",
    description=(
        "For the officers running the campaign. Shown only after the mutual evaluation has closed and when "
        "enough ballots were cast; `reason` says why not. The non-members' assessment is counted apart."
    ),
)
def tally_get(request, campaign_id: int):
    campaign = selectors.access_campaign(request.auth, campaign_id, manage=True)
    tally = selectors.tally(campaign=campaign)
    return {
        "ballots_cast": tally.cast,
        "members_with_vote": tally.eligible,
        "criteria": criteria_out(),
        "members": _part(tally.verdict, tally.rows),
        "non_members": _part(tally.non_member_verdict, tally.non_member_rows) if tally.non_member_verdict else None,
        "non_member_assessments": tally.non_member_assessments,
    }


@router.put(
    "/campaigns/{campaign_id}/proposal",
    operation_id="proposal_submit",
    response=responses({200: ProposalOut}),
    summary="The branch committee's proposed grades",
    description=(
        "400 outside the proposal phase, or for a probationary member (they are not graded). More excellent "
        "grades than the campaign's share give a `warning`, not a refusal."
    ),
)
def proposal_submit(request, campaign_id: int, payload: ProposalIn):
    campaign = selectors.access_campaign(request.auth, campaign_id, manage=True)
    grades, notes = _grades(payload.grades)
    outcome = services.proposal_submit(actor=request.auth, campaign=campaign, grades=grades, notes=notes)
    return {"results": [_result_out(r) for r in outcome.results], "warning": outcome.warning}


@router.post(
    "/campaigns/{campaign_id}/decision",
    operation_id="decision_record",
    response=responses({200: list[ResultOut]}),
    summary="Record the general meeting's decision",
    description="400 outside the decision phase, without a quorum (more than half of the members with the vote), "
    "for a meeting in the future, or a grade for a probationary member.",
)
def decision_record(request, campaign_id: int, payload: DecisionIn):
    campaign = selectors.access_campaign(request.auth, campaign_id, manage=True)
    grades, _notes = _grades(payload.grades)
    campaign = services.decision_record(
        actor=request.auth,
        campaign=campaign,
        meeting_on=payload.meeting_on,
        entitled=payload.entitled,
        attended=payload.attended,
        grades=grades,
        note=payload.note,
    )
    return [_result_out(r) for r in selectors.results_of(campaign)]


@router.get(
    "/campaigns/{campaign_id}/results",
    operation_id="result_list",
    response=responses({200: list[ResultOut]}),
    summary="A campaign's results",
    description="For the officers running the campaign; by name, no ranking.",
)
def result_list(request, campaign_id: int):
    campaign = selectors.access_campaign(request.auth, campaign_id, manage=True)
    return [_result_out(r) for r in selectors.results_of(campaign)]


@router.get(
    "/my-results",
    operation_id="my_result_list",
    response=responses({200: list[ResultOut]}),
    summary="My published results",
    description="The caller's own grades of closed campaigns: nobody else's.",
)
def my_result_list(request):
    return [_result_out(r) for r in selectors.my_results(actor=request.auth)]


# --- Improvement plans ------------------------------------------------------------------------------


@router.post(
    "/results/{result_id}/plan",
    operation_id="improvement_plan_create",
    response=responses({201: ImprovementPlanOut}, 409),
    summary="Record an improvement plan",
    description="For a published 基本合格 or 不合格 grade; the deadline at most one year after the decision (400).",
)
def improvement_plan_create(request, result_id: int, payload: ImprovementPlanCreateIn):
    result = selectors.access_result(request.auth, result_id, manage=True)
    plan = services.improvement_plan_create(
        actor=request.auth, result=result, content=payload.content, deadline=payload.deadline
    )
    return Status(201, plan)


@router.post(
    "/plans/{plan_id}/close",
    operation_id="improvement_plan_close",
    response=responses({200: ImprovementPlanOut}),
    summary="Close an improvement plan with its outcome",
)
def improvement_plan_close(request, plan_id: int, payload: ImprovementPlanCloseIn):
    plan = selectors.access_improvement_plan(request.auth, plan_id)
    return services.improvement_plan_close(
        actor=request.auth, plan=plan, outcome=payload.outcome, closed_on=payload.closed_on
    )


# --- Recognition ---------------------------------------------------------------------------------------


@router.get(
    "/recognitions",
    operation_id="recognition_list",
    response=responses({200: RecognitionListOut}),
    summary="Recognition",
    description="With `member`: that member's recognition, for whoever may see the member (themself included). "
    "Without: the recognition in the caller's evaluation scope, newest first.",
)
def recognition_list(request, filters: Query[RecognitionListIn]):
    if filters.member is not None:
        member = access_member(request.auth, filters.member)
        items = selectors.recognitions_for_profile(actor=request.auth, member=member)
        return {
            "count": len(items),
            "limit": filters.limit,
            "offset": filters.offset,
            "items": items[filters.offset : filters.offset + filters.limit],
        }
    return filters.page(selectors.recognition_list(actor=request.auth))


@router.post(
    "/recognitions",
    operation_id="recognition_create",
    response=responses({201: RecognitionOut}),
    summary="Record recognition",
    description="By the member's organisation; the evidence file is added on the page. 404 when the caller does "
    "not run the evaluation over the member.",
)
def recognition_create(request, payload: RecognitionCreateIn):
    # The page's choice: the current members the caller runs the evaluation over, nobody else by id.
    member = selectors.members_for_recognition(request.auth).filter(pk=payload.member).first()
    if member is None:
        raise NotFound()
    recognition = services.recognition_create(
        actor=request.auth,
        member=member,
        kind=payload.kind,
        title=payload.title,
        evidence=payload.evidence,
        awarded_on=payload.awarded_on,
    )
    return Status(201, recognition)
