"""API for committee-level meetings (党委会, 党政联席会议): meetings, agenda items, attendees, decisions.

A meeting is an activity: its time, place, publishing and check-in go through the activities' operations.
"""

import datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from dangjian.accounts.permissions import Perm
from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut, responses
from dangjian.members.models import Member
from dangjian.members.schemas import MemberRefOut
from dangjian.orgs.models import Organisation
from dangjian.orgs.permissions import access_org
from dangjian.orgs.schemas import OrgRefOut
from dangjian.study.models import Activity, AgendaItem, ExternalAttendee, Outcome, Side
from dangjian.study.rules import committee_meetings as rules
from dangjian.study.selectors import committee_meetings as selectors
from dangjian.study.selectors.activities import speaker_options
from dangjian.study.services import committee_meetings as services

router = Router(tags=["committee meetings"])

NOT_VISIBLE = "404 when it does not exist or lies outside the caller's scope (the two look the same)."
MANAGERS = "Officers who run the committee's study; 404 for anyone else."
RULE = "400 when a rule refuses it; `detail` says why."

MeetingForm = Literal[tuple(sorted(rules.LEADERSHIP_FORMS))]
SideValue = Literal[tuple(Side.values)]
OutcomeValue = Literal[tuple(Outcome.values)]
StateValue = Literal["open", "overdue", "done", "all"]


class MeetingSummaryOut(Schema):
    id: int
    org: OrgRefOut = Field(description="The committee.")
    form: str = Field(description="`party_committee_meeting` (党委会) or `joint_meeting` (党政联席会议).")
    theme: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    status: str
    n_items: int = Field(description="Agenda items.")
    n_attended: int = Field(description="Members present or late (leaders recorded by name not counted).")
    has_open_decisions: bool


class MeetingListIn(PageIn):
    form: MeetingForm | None = None
    year: int | None = Field(None, ge=2000, le=2100)


class MeetingListOut(PageOut):
    items: list[MeetingSummaryOut]


class AttendeeOut(Schema):
    name: str
    post: str = Field(description="The office in the committee, or the post given for a leader recorded by name.")
    present: bool
    note: str
    sits_in: bool = Field(description="列席: may speak, does not vote.")
    member_id: int | None = Field(description="Null for a leader who is not a member on the platform.")
    status: str = Field(description="The attendance status of a member; empty for a leader recorded by name.")


class ExternalAttendeeOut(Schema):
    id: int
    name: str
    post: str
    side: str
    sits_in: bool
    present: bool
    absence_reason: str


class DecisionOut(Schema):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    text: str
    owner_side: str
    owner: MemberRefOut | None
    owner_name: str = Field(description="The owner's name when they are not a member on the platform.")
    owner_post: str
    due_on: datetime.date | None
    orgs: list[OrgRefOut] = Field(description="The organisations it concerns.")
    status: str = Field(description="`open` or `done`.")
    state: str = Field(description="`open`, `overdue` (open past its due date) or `done`.")
    done_on: datetime.date | None
    done_note: str

    @staticmethod
    def resolve_meeting_id(obj) -> int:
        return obj.activity_id

    @staticmethod
    def resolve_orgs(obj) -> list:
        return list(obj.orgs.all())

    @staticmethod
    def resolve_state(obj) -> str:
        return rules.decision_state(obj.status, obj.due_on, timezone.localdate())


class AgendaItemOut(Schema):
    id: int
    meeting_id: int
    position: int
    title: str
    side: str
    proposer_name: str
    proposer_post: str
    materials: str
    outcome: str = Field(description="Empty until the meeting decides.")
    resolution: str

    @staticmethod
    def resolve_meeting_id(obj) -> int:
        return obj.activity_id


class MeetingOut(Schema):
    id: int
    org: OrgRefOut
    form: str
    theme: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    status: str
    chair_name: str
    recorder_name: str
    number_in_year: int = Field(description="The n-th meeting of its form in its year.")
    expected: int = Field(description="应到: members expected and leaders recorded by name.")
    attended: int = Field(description="实到.")
    attendees: list[AttendeeOut]
    absent: list[AttendeeOut]
    external: list[ExternalAttendeeOut]
    agenda_items: list[AgendaItemOut]
    decisions: list[DecisionOut]


def _meeting_out(activity: Activity) -> dict:
    record = selectors.meeting_record(activity=activity)
    return {
        "id": activity.pk,
        "org": activity.org,
        "form": activity.form,
        "theme": activity.theme,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "place": activity.place,
        "status": activity.status,
        "chair_name": record.chair_name,
        "recorder_name": record.recorder_name,
        "number_in_year": record.number_in_year,
        "expected": record.expected,
        "attended": record.attended,
        "attendees": record.attendees,
        "absent": record.absent,
        "external": record.external,
        "agenda_items": record.items,
        "decisions": record.decisions,
    }


class MeetingCreateIn(BodyIn):
    org: int = Field(description="The committee.")
    form: MeetingForm
    theme: str = Field(max_length=200)
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str = Field("", max_length=200)
    chair_name: str = Field("", max_length=64)
    recorder_name: str = Field("", max_length=64)


class MeetingPatchIn(BodyIn):
    chair_name: str | None = Field(None, max_length=64)
    recorder_name: str | None = Field(None, max_length=64)


class LeaderIn(BodyIn):
    member: int = Field(description="A member of the committee's college, expected at the meeting from now on.")


class ExternalAttendeeIn(BodyIn):
    name: str = Field(max_length=64)
    post: str = Field(max_length=64)
    side: SideValue
    sits_in: bool = False
    present: bool = True
    absence_reason: str = Field("", max_length=200)


class AgendaItemIn(BodyIn):
    title: str = Field(max_length=200)
    side: SideValue
    proposer_name: str = Field(max_length=64)
    proposer_post: str = Field("", max_length=64)
    materials: str = Field("", max_length=20_000)
    position: int | None = Field(None, ge=1, le=99, description="Last when left out.")


class AgendaItemPatchIn(BodyIn):
    title: str | None = Field(None, max_length=200)
    side: SideValue | None = None
    proposer_name: str | None = Field(None, max_length=64)
    proposer_post: str | None = Field(None, max_length=64)
    materials: str | None = Field(None, max_length=20_000)
    position: int | None = Field(None, ge=1, le=99)
    outcome: OutcomeValue | Literal[""] | None = Field(None, description="Once the meeting has started.")
    resolution: str | None = Field(None, max_length=20_000)


class MeetingDecisionIn(BodyIn):
    text: str = Field(max_length=20_000)
    owner_side: SideValue
    owner: int | None = Field(None, description="A member of the college; else `owner_name` and `owner_post`.")
    owner_name: str = Field("", max_length=64)
    owner_post: str = Field("", max_length=64)
    due_on: Date | None = None
    orgs: list[int] = Field(default_factory=list, description="Organisations of the committee it concerns.")
    agenda_item: int | None = Field(None, description="An approved item of the same meeting.")


class DecisionPatchIn(BodyIn):
    text: str | None = Field(None, max_length=20_000)
    owner_side: SideValue | None = None
    owner: int | None = None
    owner_name: str | None = Field(None, max_length=64)
    owner_post: str | None = Field(None, max_length=64)
    due_on: Date | None = None
    orgs: list[int] | None = None
    agenda_item: int | None = None


CLEARABLE_DECISION = {"owner", "due_on", "agenda_item"}


class DecisionListIn(PageIn):
    state: StateValue = "open"
    org: int | None = Field(None, description="Only decisions concerning this organisation or one below it.")
    q: str = Field("", max_length=100, description="Part of the decision's text.")


class DecisionListOut(PageOut):
    items: list[DecisionOut]


class CompleteIn(BodyIn):
    done_on: Date
    note: str = Field(max_length=20_000, description="What was done.")


class ReopenIn(BodyIn):
    reason: str = Field(max_length=200)


# --- helpers ----------------------------------------------------------------------------------


def _member(activity: Activity, member_id: int, field: str) -> Member:
    member = speaker_options(activity.org).filter(pk=member_id).first()
    if member is None:
        raise DomainError(_("Choose a member of %(org)s.") % {"org": activity.org.name}, field=field)
    return member


def _orgs(activity: Activity, ids: list[int]) -> list[Organisation]:
    found = list(selectors.concerned_org_options(activity).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError(
            _("Choose organisations of %(org)s that still exist.") % {"org": activity.org.name}, field="orgs"
        )
    return found


def _item_of(activity: Activity, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.filter(pk=item_id, activity=activity).first()
    if item is None:
        raise NotFound(field="agenda_item")
    return item


def _managed_item(request, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    item.activity = selectors.access_meeting(request.auth, item.activity_id, manage=True)
    return item


# --- meetings -----------------------------------------------------------------------------------


@router.get(
    "/committee-meetings",
    operation_id="committee_meeting_list",
    response=responses({200: MeetingListOut}),
    summary="List committee meetings",
    description="党委会 and 党政联席会议 the caller may see: over committees they may view, or that they attend.",
)
def committee_meeting_list(request, filters: Query[MeetingListIn]):
    meetings = selectors.meeting_list(
        actor=request.auth, filters=selectors.MeetingFilters(form=filters.form or "", year=filters.year)
    )
    return filters.page(meetings)


@router.post(
    "/committee-meetings",
    operation_id="committee_meeting_create",
    response=responses({201: MeetingOut}),
    summary="Create a committee meeting (a draft)",
    description=(
        "A draft meeting of a committee; publishing it (`activity_publish`) expects the committee's officers. "
        f"404 (with `field`) when the committee is not one whose study the caller runs. {RULE}"
    ),
)
def committee_meeting_create(request, payload: MeetingCreateIn):
    try:
        org = access_org(request.auth, payload.org, Perm.VIEW_ORG)
        if org not in selectors.committees_run(request.auth):
            raise NotFound()
    except NotFound as exc:
        raise NotFound(field="org") from exc
    activity = services.committee_meeting_create(actor=request.auth, org=org, **payload.model_dump(exclude={"org"}))
    return Status(201, _meeting_out(selectors.access_meeting(request.auth, activity.pk)))


@router.get(
    "/committee-meetings/{meeting_id}",
    operation_id="committee_meeting_get",
    response=responses({200: MeetingOut}),
    summary="A committee meeting's record",
    description=f"Agenda, attendance (members and leaders recorded by name), decisions. {NOT_VISIBLE}",
)
def committee_meeting_get(request, meeting_id: int):
    return _meeting_out(selectors.access_meeting(request.auth, meeting_id))


@router.patch(
    "/committee-meetings/{meeting_id}",
    operation_id="committee_meeting_update",
    response=responses({200: MeetingOut}),
    summary="Change the chair and recorder",
    description=f"Only the fields sent change. Time and place: `activity_update`. {MANAGERS}",
)
def committee_meeting_update(request, meeting_id: int, payload: MeetingPatchIn):
    activity = selectors.access_meeting(request.auth, meeting_id, manage=True)
    fields = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    services.committee_meeting_update(actor=request.auth, activity=activity, **fields)
    return _meeting_out(selectors.access_meeting(request.auth, meeting_id))


@router.post(
    "/committee-meetings/{meeting_id}/leaders",
    operation_id="committee_meeting_leader_add",
    response=responses({201: AttendeeOut}),
    summary="Expect a leader who is a member here",
    description=f"An administrative leader who is a member of the college but not on the committee. {MANAGERS} {RULE}",
)
def committee_meeting_leader_add(request, meeting_id: int, payload: LeaderIn):
    activity = selectors.access_meeting(request.auth, meeting_id, manage=True)
    member = _member(activity, payload.member, "member")
    row = services.meeting_attendee_add(actor=request.auth, activity=activity, member=member)
    return Status(
        201,
        {
            "name": member.name,
            "post": "",
            "present": False,
            "note": "",
            "sits_in": False,
            "member_id": member.pk,
            "status": row.status,
        },
    )


@router.post(
    "/committee-meetings/{meeting_id}/external-attendees",
    operation_id="external_attendee_create",
    response=responses({201: ExternalAttendeeOut}),
    summary="Record a leader who is not a member here",
    description=f"By name and post (院长, 副院长 …). {MANAGERS} {RULE}",
)
def external_attendee_create(request, meeting_id: int, payload: ExternalAttendeeIn):
    activity = selectors.access_meeting(request.auth, meeting_id, manage=True)
    return Status(201, services.external_attendee_add(actor=request.auth, activity=activity, **payload.model_dump()))


@router.delete(
    "/external-attendees/{attendee_id}",
    operation_id="external_attendee_delete",
    response=responses({204: None}),
    summary="Remove a leader recorded by name",
    description=MANAGERS,
)
def external_attendee_delete(request, attendee_id: int):
    attendee = ExternalAttendee.objects.filter(pk=attendee_id).first()
    if attendee is None:
        raise NotFound()
    attendee.activity = selectors.access_meeting(request.auth, attendee.activity_id, manage=True)
    services.external_attendee_remove(actor=request.auth, attendee=attendee)
    return Status(204, None)


# --- agenda -------------------------------------------------------------------------------------


@router.post(
    "/committee-meetings/{meeting_id}/agenda-items",
    operation_id="agenda_item_create",
    response=responses({201: AgendaItemOut}),
    summary="Add an agenda item",
    description=f"Proposed by the Party committee or the administration. {MANAGERS} {RULE}",
)
def agenda_item_create(request, meeting_id: int, payload: AgendaItemIn):
    activity = selectors.access_meeting(request.auth, meeting_id, manage=True)
    return Status(201, services.agenda_item_add(actor=request.auth, activity=activity, **payload.model_dump()))


@router.patch(
    "/agenda-items/{item_id}",
    operation_id="agenda_item_update",
    response=responses({200: AgendaItemOut}),
    summary="Change an agenda item or record its outcome",
    description=f"Only the fields sent change; the outcome once the meeting has started. {MANAGERS} {RULE}",
)
def agenda_item_update(request, item_id: int, payload: AgendaItemPatchIn):
    item = _managed_item(request, item_id)
    fields = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return services.agenda_item_update(actor=request.auth, item=item, **fields)


@router.delete(
    "/agenda-items/{item_id}",
    operation_id="agenda_item_delete",
    response=responses({204: None}),
    summary="Remove an agenda item",
    description=f"Not one that decisions follow from (400). {MANAGERS}",
)
def agenda_item_delete(request, item_id: int):
    item = _managed_item(request, item_id)
    services.agenda_item_remove(actor=request.auth, item=item)
    return Status(204, None)


# --- decisions ----------------------------------------------------------------------------------


@router.post(
    "/committee-meetings/{meeting_id}/decisions",
    operation_id="decision_create",
    response=responses({201: DecisionOut}),
    summary="Record a decision to carry out",
    description=(
        "With its owner (a member of the college, or a name and post), due date and the organisations it concerns, "
        f"whose officers and members then see it. {MANAGERS} {RULE}"
    ),
)
def decision_create(request, meeting_id: int, payload: MeetingDecisionIn):
    activity = selectors.access_meeting(request.auth, meeting_id, manage=True)
    data = payload.model_dump()
    data["owner"] = _member(activity, payload.owner, "owner") if payload.owner is not None else None
    data["orgs"] = _orgs(activity, payload.orgs)
    data["agenda_item"] = _item_of(activity, payload.agenda_item) if payload.agenda_item is not None else None
    decision = services.decision_create(actor=request.auth, activity=activity, **data)
    return Status(201, selectors.access_decision(request.auth, decision.pk))


@router.get(
    "/decisions",
    operation_id="decision_list",
    response=responses({200: DecisionListOut}),
    summary="The college's decisions (学院决定事项)",
    description=(
        "Decisions the caller may see: all of a committee they may view, and those concerning their organisation "
        "(or one above it) or owned by them; `state` filters open (overdue included), overdue, done or all."
    ),
)
def decision_list(request, filters: Query[DecisionListIn]):
    decisions = selectors.decision_list(
        actor=request.auth, filters=selectors.DecisionFilters(state=filters.state, org_id=filters.org, q=filters.q)
    )
    return filters.page(decisions)


@router.get(
    "/decisions/{decision_id}",
    operation_id="decision_get",
    response=responses({200: DecisionOut}),
    summary="A decision",
    description=NOT_VISIBLE,
)
def decision_get(request, decision_id: int):
    return selectors.access_decision(request.auth, decision_id)


@router.patch(
    "/decisions/{decision_id}",
    operation_id="decision_update",
    response=responses({200: DecisionOut}),
    summary="Change a decision",
    description=(
        "Only the fields sent change; null clears `owner`, `due_on` and `agenda_item` and leaves the others. "
        f"{MANAGERS} {RULE}"
    ),
)
def decision_update(request, decision_id: int, payload: DecisionPatchIn):
    decision = selectors.access_decision(request.auth, decision_id, manage=True)
    activity = decision.activity
    sent = payload.model_dump(exclude_unset=True)
    fields = {k: v for k, v in sent.items() if v is not None or k in CLEARABLE_DECISION}
    if "owner" in fields:
        fields["owner"] = _member(activity, fields["owner"], "owner") if fields["owner"] is not None else None
    if "orgs" in fields:
        fields["orgs"] = _orgs(activity, fields["orgs"])
    if "agenda_item" in fields:
        item_id = fields["agenda_item"]
        fields["agenda_item"] = _item_of(activity, item_id) if item_id is not None else None
    services.decision_update(actor=request.auth, decision=decision, **fields)
    return selectors.access_decision(request.auth, decision_id)


@router.post(
    "/decisions/{decision_id}/complete",
    operation_id="decision_complete",
    response=responses({200: DecisionOut}),
    summary="Record a decision as done",
    description=(
        f"By the committee's officers or the decision's owner; 403 for others who may see it. {NOT_VISIBLE} {RULE}"
    ),
)
def decision_complete(request, decision_id: int, payload: CompleteIn):
    decision = selectors.access_decision(request.auth, decision_id)
    services.decision_complete(actor=request.auth, decision=decision, **payload.model_dump())
    return selectors.access_decision(request.auth, decision_id)


@router.post(
    "/decisions/{decision_id}/reopen",
    operation_id="decision_reopen",
    response=responses({200: DecisionOut}),
    summary="Open a decision recorded as done again",
    description=f"With a reason. {MANAGERS} {RULE}",
)
def decision_reopen(request, decision_id: int, payload: ReopenIn):
    decision = selectors.access_decision(request.auth, decision_id, manage=True)
    services.decision_reopen(actor=request.auth, decision=decision, reason=payload.reason)
    return selectors.access_decision(request.auth, decision_id)
