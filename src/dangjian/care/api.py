"""API of member care: needs, talks, required-talk to-dos, talk coverage and the deadline settings.

The same selectors, services and access checks as the pages. A need the caller may not see answers
404, as a missing one does; a need seen only in outline (a "branch secretary only" need escalated to
the caller's organisation) comes without its text, and its steps answer 404.
"""

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care import services
from dangjian.care.models import NeedCategory, NeedVisibility, TalkKind
from dangjian.care.selectors import needs as need_selectors
from dangjian.care.selectors import talks as talk_selectors
from dangjian.care.selectors.settings import effective_care_settings, own_care_settings
from dangjian.core.calendar import working_calendar
from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut, Year, responses
from dangjian.members.schemas import MemberRefOut
from dangjian.orgs.models import OrgKind
from dangjian.orgs.permissions import access_org
from dangjian.orgs.schemas import OrgRefOut

router = Router(tags=["care"])

NOT_VISIBLE = "404 when the object does not exist or the caller may not see it (the two look the same)."
INVALID = "400 with a message (and `field`) when the request breaks a rule; nothing is changed."

Category = Literal[tuple(NeedCategory.values)]
Visibility = Literal[tuple(NeedVisibility.values)]
Kind = Literal[tuple(TalkKind.values)]


# --- Schemas ---------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class NeedEventOut(Schema):
    kind: str
    at: datetime.datetime
    actor_name: str
    state: str = Field(description="The need's state after this step.")
    text: str = Field(description="A note, an answer or a reason; empty for other steps.")
    data: dict


class NeedOut(Schema):
    id: int
    access: str = Field(description='"full", or "outline": category, dates and branch only (the text is null).')
    state: str
    category: str
    visibility: str
    org: OrgRefOut = Field(description="The branch handling the need.")
    submitted_on: datetime.date
    accept_due: datetime.date
    answer_due: datetime.date
    accepted_on: datetime.date | None
    answered_on: datetime.date | None
    closed_on: datetime.date | None
    overdue: bool
    escalated_to: OrgRefOut | None
    escalated_on: datetime.date | None
    member: MemberRefOut | None = None
    handler: MemberRefOut | None = None
    title: str | None = None
    description: str | None = None
    answer: str | None = None
    rating: int | None = None
    hardship: bool | None = None
    attachments: list[AttachmentOut] | None = None
    events: list[NeedEventOut] | None = Field(None, description="The history, in `need_get` only.")


class NeedListIn(PageIn):
    mine: bool = Field(False, description="The caller's own needs, instead of those they handle as an officer.")
    state: Literal["open", "overdue", "answered", "closed", "all"] = Field(
        "all", description="For officers: open needs are submitted, accepted or in progress."
    )
    org: int | None = Field(None, description="Needs of this organisation and those below it (officers).")


class NeedListOut(PageOut):
    items: list[NeedOut]


class NeedCreateIn(BodyIn):
    category: Category
    title: str = Field(max_length=80)
    description: str
    visibility: Visibility = "secretary"


class NeedAssignIn(BodyIn):
    officer: int = Field(description="A member who holds an office at the need's branch.")


class NeedNoteIn(BodyIn):
    text: str


class NeedAnswerIn(BodyIn):
    answer: str


class NeedConfirmIn(BodyIn):
    rating: int = Field(description="1 to 5; 5 is best.")
    comment: str = ""


class NeedReopenIn(BodyIn):
    reason: str


class NeedStatsIn(Schema):
    year: Year | None = Field(None, description="Needs submitted in this year; this year by default.")


class BranchResponseOut(Schema):
    org: OrgRefOut
    submitted: int
    open: int
    overdue: int
    escalated: int
    median_days_to_accept: float | None = Field(description="Median working days from submission.")
    median_days_to_answer: float | None


class TalkOut(Schema):
    id: int
    org: OrgRefOut
    member: MemberRefOut
    officer: MemberRefOut
    held_on: datetime.date
    kind: str
    follow_up: str | None = Field(description="Null for the member talked with.")
    summary: str | None = Field(
        description="Only for the officer who held it, who recorded it, and the branch secretary."
    )
    todo: int | None = None


class TalkListIn(PageIn):
    mine: bool = Field(False, description="Talks held with the caller: date, officer and kind only.")
    org: int | None = None
    member: int | None = None
    year: Year | None = None
    kind: Kind | Literal[""] = ""


class TalkListOut(PageOut):
    items: list[TalkOut]


class TalkCreateIn(BodyIn):
    member: int
    officer: int | None = Field(None, description="Who held the talk; the caller by default.")
    held_on: Date
    kind: Kind = "routine"
    summary: str
    follow_up: str = ""
    todo: int | None = Field(None, description="The required-talk to-do this talk settles.")


class TalkTodoOut(Schema):
    id: int
    member: MemberRefOut
    org: OrgRefOut
    reason: str
    detail: str
    assignee: MemberRefOut | None
    due_on: datetime.date
    created_at: datetime.datetime
    talk: int | None = Field(description="The talk that settled it.")
    cancelled_reason: str
    open: bool


class TalkTodoListIn(PageIn):
    state: Literal["open", "done", "cancelled", "all"] = "open"


class TalkTodoListOut(PageOut):
    items: list[TalkTodoOut]


class TalkTodoCancelIn(BodyIn):
    reason: str = Field(max_length=200)


class CoverageIn(Schema):
    year: Year | None = None


class OfficerCoverageOut(Schema):
    officer: MemberRefOut
    total: int
    covered: int
    missing: list[MemberRefOut]


class CoverageOut(Schema):
    branch: OrgRefOut
    year: int
    members: int
    missing_pairs: int
    officers: list[OfficerCoverageOut]


class CareSettingsIn(BodyIn):
    accept_working_days: int | None = Field(None, description="Null inherits from the organisation above.")
    answer_working_days: int | None = None


class CareSettingsValuesOut(Schema):
    accept_working_days: int | None
    answer_working_days: int | None


class CareSettingsOut(Schema):
    own: CareSettingsValuesOut
    effective: CareSettingsValuesOut


# --- Shaping ---------------------------------------------------------------------------------


def _person(member) -> dict | None:
    return {"id": member.pk, "name": member.name} if member is not None else None


def _need_out(need, today: datetime.date, *, detail: bool = False) -> dict:
    out = {
        "id": need.pk,
        "access": str(need.access),
        "state": need.state,
        "category": need.category,
        "visibility": need.visibility,
        "org": need.org,
        "submitted_on": need.submitted_on,
        "accept_due": need.accept_due,
        "answer_due": need.answer_due,
        "accepted_on": need.accepted_on,
        "answered_on": need.answered_on,
        "closed_on": need.closed_on,
        "overdue": need.is_overdue(today),
        "escalated_to": need.escalated_to,
        "escalated_on": need.escalated_on,
    }
    if need.access == need_selectors.Access.FULL:
        out |= {
            "member": _person(need.member),
            "handler": _person(need.handler),
            "title": need.title,
            "description": need.description,
            "answer": need.answer,
            "rating": need.rating,
            "hardship": need.hardship,
            "attachments": list(need.attachments.all()),
        }
        if detail:
            out["events"] = need_selectors.need_events(need)
    return out


def _full_need(request, need_id: int):
    return need_selectors.access_need(request.auth, need_id, full=True)


def _fresh(request, need_id: int) -> dict:
    return _need_out(need_selectors.access_need(request.auth, need_id), timezone.localdate(), detail=True)


def _talk_out(talk, *, summary: bool, mine: bool = False) -> dict:
    return {
        "id": talk.pk,
        "org": talk.org,
        "member": _person(talk.member),
        "officer": _person(talk.officer),
        "held_on": talk.held_on,
        "kind": talk.kind,
        "follow_up": None if mine else talk.follow_up,
        "summary": talk.summary if summary else None,
        "todo": getattr(getattr(talk, "todo", None), "pk", None) if not mine else None,
    }


def _todo_out(todo) -> dict:
    return {
        "id": todo.pk,
        "member": _person(todo.member),
        "org": todo.org,
        "reason": todo.reason,
        "detail": todo.detail,
        "assignee": _person(todo.assignee),
        "due_on": todo.due_on,
        "created_at": todo.created_at,
        "talk": todo.talk_id,
        "cancelled_reason": todo.cancelled_reason,
        "open": todo.is_open,
    }


def _require(request, perm: Perm) -> None:
    if not scope_for(request.auth).has_anywhere(perm):
        raise NotFound()


# --- Needs -----------------------------------------------------------------------------------


@router.get(
    "/needs",
    operation_id="need_list",
    response=responses({200: NeedListOut}),
    summary="List needs",
    description=(
        "With `mine`, the caller's own needs, newest first. Otherwise the needs the caller handles or oversees as "
        "an officer, overdue first; a need its member keeps for the branch secretary appears to the organisations "
        "above only once escalated, and only in outline. Empty for a caller who looks after no one."
    ),
)
def need_list(request, filters: Query[NeedListIn]):
    today = timezone.localdate()
    if filters.mine:
        needs = list(need_selectors.my_needs(request.auth).prefetch_related("attachments"))
        for need in needs:
            need.access = need_selectors.Access.FULL
        if filters.state == "open":
            needs = [n for n in needs if n.is_open]
        elif filters.state == "overdue":
            needs = [n for n in needs if n.is_overdue(today)]
        elif filters.state in ("answered", "closed"):
            needs = [n for n in needs if n.state == filters.state]
    else:
        org = access_org(request.auth, filters.org, Perm.MANAGE_CARE) if filters.org else None
        needs = need_selectors.officer_needs(
            request.auth, need_selectors.NeedFilters(state=filters.state, org=org), today
        )
    page = needs[filters.offset : filters.offset + filters.limit]
    return {
        "count": len(needs),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_need_out(need, today) for need in page],
    }


@router.get(
    "/needs/stats",
    operation_id="need_stats",
    response=responses({200: list[BranchResponseOut]}),
    summary="Response times by branch",
    description=(
        "For officers who look after members: per branch in their scope, in tree order, how many needs were "
        "submitted in the year, how many are open, overdue and were escalated, and the median working days to "
        "accept and to answer. No names. 404 for a caller who looks after no one."
    ),
)
def need_stats(request, filters: Query[NeedStatsIn]):
    _require(request, Perm.MANAGE_CARE)
    today = timezone.localdate()
    return need_selectors.need_stats(
        request.auth, year=filters.year or today.year, calendar=working_calendar(), today=today
    )


@router.get(
    "/needs/{need_id}",
    operation_id="need_get",
    response=responses({200: NeedOut}),
    summary="A need, with its history",
    description=NOT_VISIBLE,
)
def need_get(request, need_id: int):
    return _fresh(request, need_id)


@router.post(
    "/needs",
    operation_id="need_create",
    response=responses({201: NeedOut}),
    summary="Raise a need",
    description=(
        "The caller (a member) raises a need with their branch; a group member's need goes to the group's branch. "
        "The deadlines to accept and to answer are set in working days. Attach files afterwards with "
        f"`need_attachment_add`. 403 for an account without a member record. {INVALID}"
    ),
)
def need_create(request, payload: NeedCreateIn):
    need = services.need_submit(actor=request.auth, **payload.model_dump())
    return Status(201, _fresh(request, need.pk))


@router.post(
    "/needs/{need_id}/attachments",
    operation_id="need_attachment_add",
    response=responses({201: list[AttachmentOut]}),
    summary="Attach files to one's need",
    description=(
        "multipart/form-data with one or more `file` parts. Only the member who raised the need (403 for others), until "
        "it is closed. The type is judged from the content: photos, PDF, Word, Excel or text; at most 5 files of "
        f"10 MB each. {NOT_VISIBLE} {INVALID}"
    ),
)
def need_attachment_add(request, need_id: int, file: File[list[UploadedFile]]):
    need = _full_need(request, need_id)
    return Status(201, services.need_attachment_add(actor=request.auth, need=need, uploads=file))


def _step_description(what: str) -> str:
    return f"{what} {NOT_VISIBLE} 403 when the caller may see the need but not take this step. {INVALID}"


@router.post(
    "/needs/{need_id}/accept",
    operation_id="need_accept",
    response=responses({200: NeedOut}),
    summary="Accept a need",
    description=_step_description("An officer of the branch (or of the committee, for a need open to it)."),
)
def need_accept(request, need_id: int):
    services.need_accept(actor=request.auth, need=_full_need(request, need_id))
    return _fresh(request, need_id)


@router.post(
    "/needs/{need_id}/assign",
    operation_id="need_assign",
    response=responses({200: NeedOut}),
    summary="Delegate a need to another officer of its branch",
    description=_step_description("The officer is told."),
)
def need_assign(request, need_id: int, payload: NeedAssignIn):
    need = _full_need(request, need_id)
    # The same choice as the page's: the branch's officers this need may go to, nobody else by id.
    officer = need_selectors.need_delegates(need).select_related("user").filter(pk=payload.officer).first()
    if officer is None:
        raise DomainError(NotFound.default_message, field="officer")
    services.need_assign(actor=request.auth, need=need, officer=officer)
    return _fresh(request, need_id)


@router.post(
    "/needs/{need_id}/notes",
    operation_id="need_note",
    response=responses({200: NeedOut}),
    summary="Add a progress note",
    description=_step_description("The member reads it; the need is then in progress."),
)
def need_note(request, need_id: int, payload: NeedNoteIn):
    services.need_note(actor=request.auth, need=_full_need(request, need_id), text=payload.text)
    return _fresh(request, need_id)


@router.post(
    "/needs/{need_id}/answer",
    operation_id="need_answer",
    response=responses({200: NeedOut}),
    summary="Answer a need",
    description=_step_description("The member then confirms and rates it, or reopens it."),
)
def need_answer(request, need_id: int, payload: NeedAnswerIn):
    services.need_answer(actor=request.auth, need=_full_need(request, need_id), answer=payload.answer)
    return _fresh(request, need_id)


@router.post(
    "/needs/{need_id}/confirm",
    operation_id="need_confirm",
    response=responses({200: NeedOut}),
    summary="Confirm and rate the answer",
    description=_step_description("Only the member who raised the need; the need is closed."),
)
def need_confirm(request, need_id: int, payload: NeedConfirmIn):
    need = _full_need(request, need_id)
    services.need_confirm(actor=request.auth, need=need, rating=payload.rating, comment=payload.comment)
    return _fresh(request, need_id)


@router.post(
    "/needs/{need_id}/reopen",
    operation_id="need_reopen",
    response=responses({200: NeedOut}),
    summary="Reopen an answered need",
    description=_step_description("Only the member who raised it, with a reason; a fresh answer deadline is set."),
)
def need_reopen(request, need_id: int, payload: NeedReopenIn):
    services.need_reopen(actor=request.auth, need=_full_need(request, need_id), reason=payload.reason)
    return _fresh(request, need_id)


@router.post(
    "/needs/{need_id}/hardship",
    operation_id="need_hardship",
    response=responses({200: NeedOut}),
    summary="Mark a need as a hardship",
    description=_step_description("The handling officer; a required talk with the member is opened."),
)
def need_hardship(request, need_id: int):
    services.need_mark_hardship(actor=request.auth, need=_full_need(request, need_id))
    return _fresh(request, need_id)


@router.post(
    "/needs/{need_id}/widen",
    operation_id="need_widen",
    response=responses({200: NeedOut}),
    summary="Let the committee read one's need",
    description=_step_description("Only the member who raised it; it cannot be narrowed again."),
)
def need_widen(request, need_id: int):
    services.need_widen(actor=request.auth, need=_full_need(request, need_id))
    return _fresh(request, need_id)


# --- Talks -----------------------------------------------------------------------------------


@router.get(
    "/talks",
    operation_id="talk_list",
    response=responses({200: TalkListOut}),
    summary="List talks",
    description=(
        "With `mine`, the talks held with the caller (date, officer and kind). Otherwise the talks the caller may "
        "see as an officer, newest first; the summary only where they may read it. 404 (without `mine`) for a "
        "caller who looks after no one."
    ),
)
def talk_list(request, filters: Query[TalkListIn]):
    if filters.mine:
        talks = talk_selectors.my_talks(request.auth)
        page = filters.page(talks)
        page["items"] = [_talk_out(talk, summary=False, mine=True) for talk in page["items"]]
        return page
    _require(request, Perm.MANAGE_CARE)
    org = access_org(request.auth, filters.org, Perm.MANAGE_CARE) if filters.org else None
    member = None
    if filters.member:
        member = talk_selectors.talk_member_choices(request.auth).filter(pk=filters.member).first()
        if member is None:
            raise NotFound()
    talks = talk_selectors.talk_list(
        request.auth, talk_selectors.TalkFilters(org=org, member=member, year=filters.year, kind=filters.kind)
    ).select_related("todo")
    page = filters.page(talks)
    page["items"] = [
        _talk_out(talk, summary=talk_selectors.can_read_summary(request.auth, talk)) for talk in page["items"]
    ]
    return page


@router.get(
    "/talks/{talk_id}",
    operation_id="talk_get",
    response=responses({200: TalkOut}),
    summary="A talk",
    description=f"The summary is null unless the caller may read it. {NOT_VISIBLE}",
)
def talk_get(request, talk_id: int):
    talk = talk_selectors.access_talk(request.auth, talk_id)
    return _talk_out(talk, summary=talk.summary_visible)


@router.post(
    "/talks",
    operation_id="talk_create",
    response=responses({201: TalkOut}),
    summary="Record a talk",
    description=(
        "With a member in the caller's care scope (404 otherwise). The officer who held it looks after the member's "
        "branch or holds an office there; the date is not in the future. With `todo`, the to-do is settled. "
        f"{INVALID}"
    ),
)
def talk_create(request, payload: TalkCreateIn):
    _require(request, Perm.MANAGE_CARE)
    member = talk_selectors.talk_member_choices(request.auth).filter(pk=payload.member).first()
    if member is None:
        raise NotFound()
    officer_id = payload.officer or scope_for(request.auth).member_id
    officers = talk_selectors.talk_officer_choices(request.auth).select_related("user")
    officer = officers.filter(pk=officer_id).first() if officer_id else None
    if officer is None:
        raise DomainError(NotFound.default_message, field="officer")
    todo = talk_selectors.access_todo(request.auth, payload.todo) if payload.todo else None
    talk = services.talk_record(
        actor=request.auth,
        member=member,
        officer=officer,
        held_on=payload.held_on,
        kind=payload.kind,
        summary=payload.summary,
        follow_up=payload.follow_up,
        todo=todo,
    )
    talk = talk_selectors.access_talk(request.auth, talk.pk)
    return Status(201, _talk_out(talk, summary=talk.summary_visible))


@router.get(
    "/talk-todos",
    operation_id="talk_todo_list",
    response=responses({200: TalkTodoListOut}),
    summary="Required-talk to-dos",
    description="The caller's own first, then the rest in their scope, soonest due first. 404 for a caller who "
    "looks after no one.",
)
def talk_todo_list(request, filters: Query[TalkTodoListIn]):
    _require(request, Perm.MANAGE_CARE)
    page = filters.page(talk_selectors.todo_list(request.auth, filters.state))
    page["items"] = [_todo_out(todo) for todo in page["items"]]
    return page


@router.post(
    "/talk-todos/{todo_id}/cancel",
    operation_id="talk_todo_cancel",
    response=responses({200: TalkTodoOut}),
    summary="Cancel a required-talk to-do",
    description=f"With a reason. {NOT_VISIBLE} {INVALID}",
)
def talk_todo_cancel(request, todo_id: int, payload: TalkTodoCancelIn):
    todo = talk_selectors.access_todo(request.auth, todo_id)
    return _todo_out(services.talk_todo_cancel(actor=request.auth, todo=todo, reason=payload.reason))


@router.get(
    "/orgs/{org_id}/talk-coverage",
    operation_id="talk_coverage",
    response=responses({200: CoverageOut}),
    summary="A branch's talk coverage",
    description=(
        "支部条例 Art.19: every branch committee member talks with every member at least once a year. Per committee "
        f"member: members talked with in the year, and those still to talk with. {NOT_VISIBLE}"
    ),
)
def talk_coverage(request, org_id: int, filters: Query[CoverageIn]):
    branch = access_org(request.auth, org_id, Perm.MANAGE_CARE)
    if branch.kind != OrgKind.BRANCH:
        raise NotFound()
    coverage = talk_selectors.talk_coverage(branch, filters.year or timezone.localdate().year)
    return {
        "branch": coverage.branch,
        "year": coverage.year,
        "members": coverage.members,
        "missing_pairs": coverage.missing_pairs,
        "officers": [
            {
                "officer": _person(row.officer),
                "total": row.total,
                "covered": row.covered,
                "missing": [_person(m) for m in row.missing],
            }
            for row in coverage.officers
        ],
    }


# --- Settings --------------------------------------------------------------------------------


def _settings_out(org) -> dict:
    own = own_care_settings(org)
    effective = effective_care_settings(org)
    return {
        "own": {"accept_working_days": own.accept_working_days, "answer_working_days": own.answer_working_days},
        "effective": {
            "accept_working_days": effective.accept_working_days,
            "answer_working_days": effective.answer_working_days,
        },
    }


@router.get(
    "/orgs/{org_id}/settings",
    operation_id="care_settings_get",
    response=responses({200: CareSettingsOut}),
    summary="An organisation's deadlines for needs",
    description=f"For officers who look after members there. {NOT_VISIBLE}",
)
def care_settings_get(request, org_id: int):
    return _settings_out(access_org(request.auth, org_id, Perm.MANAGE_CARE))


@router.put(
    "/orgs/{org_id}/settings",
    operation_id="care_settings_update",
    response=responses({200: CareSettingsOut}),
    summary="Set an organisation's deadlines for needs",
    description=(
        "Working days to accept and to answer, counted from submission; null inherits from the organisation above "
        f"(or the defaults 3 and 15). Needs already submitted keep their deadlines. {NOT_VISIBLE} {INVALID}"
    ),
)
def care_settings_update(request, org_id: int, payload: CareSettingsIn):
    org = access_org(request.auth, org_id, Perm.MANAGE_CARE)
    services.care_settings_update(actor=request.auth, org=org, **payload.model_dump())
    return _settings_out(org)
