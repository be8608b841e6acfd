"""API for members' rights, opinions and appeals, scoped like the pages.

An anonymous opinion keeps its anonymity here too: the service stores no author and audits it without
the caller or the request's origin; its follow-up code is in the create answer only, and is read back
by POST so that it never appears in a URL.
"""

import datetime
import uuid
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from dangjian.edge.schemas import BodyIn, PageIn, PageOut, responses
from dangjian.members.schemas import MemberRefOut
from dangjian.members.selectors import actor_member
from dangjian.orgs.schemas import OrgRefOut
from dangjian.rights import rules, selectors, services
from dangjian.rights.models import AppealStatus, OpinionKind, OpinionStatus, OpinionTarget

router = Router(tags=["rights"])

OpinionKindValue = Literal[tuple(OpinionKind.values)]
OpinionTargetValue = Literal[tuple(OpinionTarget.values)]
Box = Literal["mine", "received"]
AppealStatusFilter = Literal[("", "open", "overdue", *AppealStatus.values)]
NO_MEMBER = "400 when the account is not linked to a member record of an organisation."


# --- Schemas ----------------------------------------------------------------------------------


class RightWayOut(Schema):
    label: str
    url: str = Field(description="The page, relative to the site, where the right is used.")


class RightOut(Schema):
    number: int = Field(description="The item of Article 4 of the Party Constitution, 1–8.")
    code: str
    title: str
    text: str = Field(description="The article's wording.")
    held: bool = Field(description="False only for a probationary member's vote, election and candidacy.")
    note: str
    ways: list[RightWayOut] = Field(description="Empty for an account without a member record.")


class RightListOut(Schema):
    member: bool = Field(description="Whether the account is linked to a member record.")
    probationary: bool
    note: str = Field(description="For a probationary member, which rights they do not hold yet, with the source.")
    source: str
    items: list[RightOut]


class OpinionOut(Schema):
    """An opinion. An anonymous one has no author at all: `author` is null and nothing else tells."""

    id: uuid.UUID
    kind: str
    org: OrgRefOut = Field(description="The organisation it was sent to.")
    anonymous: bool
    author: MemberRefOut | None
    title: str
    body: str
    submitted_on: datetime.date = Field(description="The day only: no time is kept.")
    status: str
    answer: str
    answered_at: datetime.datetime | None
    answered_by: str = Field(description="The name of the officer who answered, once answered.")

    @staticmethod
    def resolve_answered_by(obj) -> str:
        user = obj.answered_by
        return (user.display_name or user.username) if user else ""


class OpinionCreatedOut(OpinionOut):
    follow_up_code: str | None = Field(
        description="For an anonymous opinion: the code to read its answer. Returned only here, never stored."
    )


class OpinionCreateIn(BodyIn):
    kind: OpinionKindValue
    target: OpinionTargetValue = Field(
        OpinionTarget.BRANCH,
        description="Where a suggestion goes: the caller's branch or the Party committee. Criticism and reports "
        "always go to the organisation above the branch.",
    )
    title: str = Field(max_length=rules.TITLE_MAX)
    body: str = Field(max_length=rules.TEXT_MAX)
    anonymous: bool = False


class OpinionListIn(PageIn):
    box: Box = Field("mine", description="`mine`: the caller's named opinions; `received`: those they answer.")
    status: Literal[("", *OpinionStatus.values)] = ""
    kind: Literal[("", *OpinionKind.values)] = ""


class OpinionListOut(PageOut):
    items: list[OpinionOut]


class AnswerIn(BodyIn):
    answer: str = Field(max_length=rules.TEXT_MAX)


class FollowUpIn(BodyIn):
    code: str = Field(max_length=40, description="The follow-up code shown when the opinion was sent.")


class AppealOut(Schema):
    id: int
    appellant: MemberRefOut
    kind: str
    object_id: int
    decision: str
    decided_on: datetime.date
    decision_url: str
    decided_by: OrgRefOut
    org: OrgRefOut = Field(description="The organisation that must answer.")
    reasons: str
    status: str
    submitted_on: datetime.date
    due_on: datetime.date = Field(description="The last day for the written answer.")
    overdue: bool
    accepted_at: datetime.datetime | None
    answer: str
    answered_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(timezone.localdate())


class AppealCreateIn(BodyIn):
    kind: str = Field(max_length=64, description="A kind of decision, from `appealable_decision_list`.")
    object_id: int = Field(ge=1, description="The decision's id, from `appealable_decision_list`.")
    reasons: str = Field(max_length=rules.TEXT_MAX, description="The grounds of the appeal.")


class AppealListIn(PageIn):
    box: Box = Field("mine", description="`mine`: the caller's appeals; `received`: those they must answer.")
    status: AppealStatusFilter = Field("", description="A status, or `open` / `overdue`.")


class AppealListOut(PageOut):
    items: list[AppealOut]


class AppealableDecisionOut(Schema):
    kind: str
    kind_label: str
    object_id: int
    description: str
    org: OrgRefOut = Field(description="The organisation that decided.")
    decided_on: datetime.date
    url: str
    open_appeal: int | None = Field(description="The open appeal against it, if any: a second is refused.")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.kind_label)

    @staticmethod
    def resolve_description(obj) -> str:
        return str(obj.subject.description)

    @staticmethod
    def resolve_org(obj):
        return obj.subject.org

    @staticmethod
    def resolve_decided_on(obj) -> datetime.date:
        return obj.subject.decided_on

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.subject.url

    @staticmethod
    def resolve_open_appeal(obj) -> int | None:
        return obj.open_appeal.pk if obj.open_appeal else None


class AppealableDecisionListOut(Schema):
    deadline_working_days: int = Field(description="Working days the receiving organisation has to answer.")
    deadline_source: str
    items: list[AppealableDecisionOut]


# --- Rights -----------------------------------------------------------------------------------


@router.get(
    "/",
    operation_id="right_list",
    response=responses({200: RightListOut}),
    summary="The caller's rights as a Party member",
    description="The eight rights of Article 4 of the Party Constitution with the pages where each is used; "
    "a probationary member holds all but voting, election and standing for election (Article 7).",
)
def right_list(request):
    overview = selectors.rights_overview(request.auth)
    return {
        "member": overview.member is not None,
        "probationary": overview.probationary,
        "note": str(rules.PROBATIONARY_NOTE) if overview.probationary else "",
        "source": str(rules.CONSTITUTION),
        "items": [
            {
                "number": row.right.number,
                "code": row.right.code,
                "title": str(row.right.title),
                "text": str(row.right.text),
                "held": row.held,
                "note": str(row.right.note),
                "ways": [{"label": str(link.label), "url": link.url} for link in row.links],
            }
            for row in overview.rows
        ],
    }


# --- Opinions ---------------------------------------------------------------------------------


@router.post(
    "/opinions",
    operation_id="opinion_create",
    response=responses({201: OpinionCreatedOut}),
    summary="Send a suggestion, or a criticism or report",
    description="A suggestion goes to the caller's branch or Party committee; criticism and reports to the "
    "organisation above the branch. With `anonymous`, no author and no time of day are stored, and the answer "
    f"carries a follow-up code, shown only this once. 400 when the title or text is empty or too long; {NO_MEMBER}",
)
def opinion_create(request, payload: OpinionCreateIn):
    submitted = services.opinion_create(
        actor=request.auth,
        kind=payload.kind,
        target=payload.target,
        title=payload.title,
        body=payload.body,
        anonymous=payload.anonymous,
    )
    opinion = submitted.opinion
    opinion.follow_up_code = submitted.follow_up_code
    return Status(201, opinion)


@router.get(
    "/opinions",
    operation_id="opinion_list",
    response=responses({200: OpinionListOut}),
    summary="Opinions: the caller's own, or those they receive",
    description="`mine` lists the caller's named opinions (anonymous ones have no author: read them with "
    "`opinion_follow_up`); `received` lists those sent to organisations where the caller looks after members, "
    "open ones first.",
)
def opinion_list(request, filters: Query[OpinionListIn]):
    if filters.box == "received":
        qs = selectors.received_opinions(
            actor=request.auth, filters=selectors.OpinionFilters(status=filters.status, kind=filters.kind)
        )
    else:
        member = actor_member(request.auth)
        if member is None:
            return {"count": 0, "limit": filters.limit, "offset": filters.offset, "items": []}
        qs = selectors.my_opinions(member=member)
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.kind:
            qs = qs.filter(kind=filters.kind)
    return filters.page(qs)


@router.get(
    "/opinions/{opinion_id}",
    operation_id="opinion_get",
    response=responses({200: OpinionOut}),
    summary="One opinion",
    description="For its named author and for the officers who receive it; 404 for everyone else.",
)
def opinion_get(request, opinion_id: uuid.UUID):
    return selectors.access_opinion(request.auth, opinion_id)


@router.post(
    "/opinions/{opinion_id}/answer",
    operation_id="opinion_answer",
    response=responses({200: OpinionOut}, 409),
    summary="Answer an opinion in writing",
    description="By an officer who looks after members at the receiving organisation (403 for the author); "
    "400 when the answer is empty; 409 when it has already been answered. A named author is told.",
)
def opinion_answer(request, opinion_id: uuid.UUID, payload: AnswerIn):
    opinion = selectors.access_opinion(request.auth, opinion_id)
    services.opinion_answer(actor=request.auth, opinion=opinion, answer=payload.answer)
    return selectors.access_opinion(request.auth, opinion_id)


@router.post(
    "/opinion-follow-up",
    operation_id="opinion_follow_up",
    response=responses({200: OpinionOut}),
    summary="Read an anonymous opinion and its answer with its follow-up code",
    description="404 when no opinion has this code.",
)
def opinion_follow_up(request, payload: FollowUpIn):
    return selectors.opinion_by_code(payload.code)


# --- Appeals ----------------------------------------------------------------------------------


@router.get(
    "/appealable-decisions",
    operation_id="appealable_decision_list",
    response=responses({200: AppealableDecisionListOut}),
    summary="Decisions about the caller that may be appealed now",
    description="Empty for an account without a member record.",
)
def appealable_decision_list(request):
    member = actor_member(request.auth)
    rule = selectors.appeal_deadline_rule()
    return {
        "deadline_working_days": rule.working_days,
        "deadline_source": str(rule.source),
        "items": selectors.appealable_decisions(member=member) if member else [],
    }


@router.post(
    "/appeals",
    operation_id="appeal_create",
    response=responses({201: AppealOut}, 409),
    summary="Appeal a decision about oneself",
    description="It goes to the organisation above the one that decided, which must answer in writing by "
    "`due_on`. 400 when the kind of decision or the decision does not exist, it is about someone else, it cannot "
    f"be appealed now, or the grounds are empty; 409 when an appeal against it is already open; {NO_MEMBER}",
)
def appeal_create(request, payload: AppealCreateIn):
    appeal = services.appeal_create(
        actor=request.auth, kind=payload.kind, object_id=payload.object_id, reasons=payload.reasons
    )
    return Status(201, selectors.access_appeal(request.auth, appeal.pk))


@router.get(
    "/appeals",
    operation_id="appeal_list",
    response=responses({200: AppealListOut}),
    summary="Appeals: the caller's own, or those they must answer",
    description="`received` lists open appeals first, the nearest due date first.",
)
def appeal_list(request, filters: Query[AppealListIn]):
    if filters.box == "received":
        qs = selectors.received_appeals(actor=request.auth, filters=selectors.AppealFilters(status=filters.status))
    else:
        member = actor_member(request.auth)
        if member is None:
            return {"count": 0, "limit": filters.limit, "offset": filters.offset, "items": []}
        qs = selectors.my_appeals(member=member)
        if filters.status == "open":
            qs = qs.open()
        elif filters.status == "overdue":
            qs = qs.overdue(timezone.localdate())
        elif filters.status:
            qs = qs.filter(status=filters.status)
    return filters.page(qs)


@router.get(
    "/appeals/{appeal_id}",
    operation_id="appeal_get",
    response=responses({200: AppealOut}),
    summary="One appeal",
    description="For the appellant and the officers of the receiving organisation; 404 for everyone else.",
)
def appeal_get(request, appeal_id: int):
    return selectors.access_appeal(request.auth, appeal_id)


@router.post(
    "/appeals/{appeal_id}/accept",
    operation_id="appeal_accept",
    response=responses({200: AppealOut}, 409),
    summary="Accept an appeal for handling",
    description="By an officer of the receiving organisation (403 for the appellant); 409 when it is already "
    "accepted, answered or withdrawn. The deadline does not change. The appellant is told.",
)
def appeal_accept(request, appeal_id: int):
    services.appeal_accept(actor=request.auth, appeal=selectors.access_appeal(request.auth, appeal_id))
    return selectors.access_appeal(request.auth, appeal_id)


@router.post(
    "/appeals/{appeal_id}/answer",
    operation_id="appeal_answer",
    response=responses({200: AppealOut}, 409),
    summary="Answer an appeal in writing",
    description="By an officer of the receiving organisation (403 for the appellant); 400 when the answer is "
    "empty; 409 when the appeal is answered or withdrawn. The appellant is told.",
)
def appeal_answer(request, appeal_id: int, payload: AnswerIn):
    appeal = selectors.access_appeal(request.auth, appeal_id)
    services.appeal_answer(actor=request.auth, appeal=appeal, answer=payload.answer)
    return selectors.access_appeal(request.auth, appeal_id)


@router.post(
    "/appeals/{appeal_id}/withdraw",
    operation_id="appeal_withdraw",
    response=responses({200: AppealOut}, 409),
    summary="Withdraw one's own appeal",
    description="Only the appellant (403 for the officers who see it); 409 when it is answered or withdrawn.",
)
def appeal_withdraw(request, appeal_id: int):
    appeal = selectors.access_appeal(request.auth, appeal_id)
    services.appeal_withdraw(actor=request.auth, appeal=appeal)
    return selectors.access_appeal(request.auth, appeal_id)
