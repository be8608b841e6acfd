"""API for meeting records: the record of an activity (minutes, speeches, attendance from the check-in,
votes tallied by the one vote rule, the organisational life meeting's stages and 整改), writing the
minutes, recording and removing votes, the stages, and 整改 items to done."""

import datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from dangjian.core.errors import DomainError
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut, responses
from dangjian.members.models import Member
from dangjian.members.schemas import MemberRefOut
from dangjian.orgs.schemas import OrgRefOut
from dangjian.study.models import VoteMatter
from dangjian.study.rules import records as rules
from dangjian.study.selectors import records as selectors
from dangjian.study.selectors.activities import access_activity
from dangjian.study.services import records as services

router = Router(tags=["meeting records"])

NOT_VISIBLE = "404 when the object does not exist or lies outside the caller's scope (the two look the same)."
NOT_ALLOWED = "403 when the caller may see it but not run the organiser's study (officers of the organiser may)."
RULE = "400 when a rule refuses it; `detail` says why and `errors` lists the problems per field."

MatterValue = Literal[tuple(VoteMatter.values)]


class SpeechOut(Schema):
    position: int
    speaker: MemberRefOut | None
    speaker_name: str
    gist: str


class MinutesOut(Schema):
    host: MemberRefOut | None
    host_name: str
    recorder: MemberRefOut | None
    recorder_name: str
    agenda: list[str] = Field(description="The agenda items in order.")
    guests: str = Field(description="Who attended without a vote (列席).")


class AttendanceCountsOut(Schema):
    expected: int = Field(description="应到: the expected attendees fixed at publishing.")
    attended: int = Field(description="实到: present or late.")
    late: int
    leave: int
    absent: int
    made_up: int
    not_yet: int


class VoteOut(Schema):
    id: int
    item: str
    matter: str
    entitled: int = Field(description="应到会有表决权的党员.")
    present: int = Field(description="实到 with the vote.")
    entitled_default: int = Field(description="The full members on the roster when recorded.")
    present_default: int = Field(description="Those of them who had checked in.")
    adjust_reason: str
    yes: int
    no: int
    abstain: int
    written_yes: int
    written_no: int
    written_abstain: int
    quorum: bool = Field(description="More than half of 应到 present (支部工作条例 Art.11).")
    passed: bool = Field(description="Yes votes (with written ones where they count) more than half of 应到.")
    explanation: str


class RectificationOut(Schema):
    id: int
    activity_id: int
    problem: str
    measure: str
    owner: MemberRefOut
    due_on: datetime.date
    status: str
    overdue: bool
    done_on: datetime.date | None
    note: str


class LifeMeetingOut(Schema):
    study_done: bool
    study_note: str
    talks_done: bool
    talks_note: str
    problems: list[str]
    criticism: str


class MeetingRecordOut(Schema):
    activity_id: int
    org: OrgRefOut
    theme: str
    form: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    minutes: MinutesOut | None
    speeches: list[SpeechOut]
    decisions: str
    attendance: AttendanceCountsOut
    attendees: list[str] = Field(description="Names of who came, for officers who may see the attendance; else empty.")
    votes: list[VoteOut] = Field(description="A general meeting's votes; empty for other meetings.")
    life_meeting: LifeMeetingOut | None = Field(description="An organisational life meeting's stages.")
    rectifications: list[RectificationOut]


def _vote_out(vote: selectors.TalliedVote) -> dict:
    record = vote.record
    result = vote.result
    return {
        **{f: getattr(record, f) for f in ("id", *services.VOTE_FIELDS, "entitled_default", "present_default")},
        "quorum": bool(result and result.quorum),
        "passed": bool(result and result.passed),
        "explanation": result.explanation if result else "",
    }


def _item_out(item, today: datetime.date) -> dict:
    return {
        "id": item.pk,
        "activity_id": item.activity_id,
        "problem": item.problem,
        "measure": item.measure,
        "owner": item.owner,
        "due_on": item.due_on,
        "status": item.status,
        "overdue": rules.rectification_overdue(item.status, item.due_on, today),
        "done_on": item.done_on,
        "note": item.note,
    }


def _record_out(actor, activity) -> dict:
    record = selectors.meeting_record(actor=actor, activity=activity)
    minutes = record.minutes
    summary = record.summary
    today = timezone.localdate()
    return {
        "activity_id": activity.pk,
        "org": activity.org,
        "theme": activity.theme,
        "form": activity.form,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "place": activity.place,
        "minutes": None
        if minutes is None
        else {
            "host": minutes.host,
            "host_name": minutes.host_name,
            "recorder": minutes.recorder,
            "recorder_name": minutes.recorder_name,
            "agenda": minutes.agenda_items,
            "guests": minutes.guests,
        },
        "speeches": record.speeches,
        "decisions": activity.decisions,
        "attendance": {
            "expected": summary.expected,
            "attended": summary.attended,
            "late": summary.late,
            "leave": summary.leave,
            "absent": summary.absent,
            "made_up": summary.made_up,
            "not_yet": summary.not_yet,
        },
        "attendees": record.attendees,
        "votes": [_vote_out(v) for v in record.votes],
        "life_meeting": None
        if record.life is None
        else {
            "study_done": record.life.study_done,
            "study_note": record.life.study_note,
            "talks_done": record.life.talks_done,
            "talks_note": record.life.talks_note,
            "problems": record.life.problem_list,
            "criticism": record.life.criticism,
        },
        "rectifications": [_item_out(i, today) for i in record.rectifications],
    }


def _member(member_id: int | None, field: str) -> Member | None:
    if member_id is None:
        return None
    member = Member.objects.select_related("org").filter(pk=member_id).first()
    if member is None:  # the service gives a member outside the meeting the same answer
        raise DomainError(_("Choose a member of the organiser or someone who was at the meeting."), field=field)
    return member


@router.get(
    "/activities/{activity_id}/record",
    operation_id="meeting_record_get",
    response=responses({200: MeetingRecordOut}),
    summary="The meeting record of an activity",
    description=f"Minutes, speeches, attendance from the check-in, votes with their outcome, and 整改. {NOT_VISIBLE}",
)
def meeting_record_get(request, activity_id: int):
    return _record_out(request.auth, access_activity(request.auth, activity_id))


class SpeechIn(BodyIn):
    speaker: int | None = Field(None, description="A member of the organiser or someone who was at the meeting.")
    speaker_name: str = Field("", max_length=64, description="Or the name of someone who is not a member here.")
    gist: str = Field(max_length=5000)


class MinutesIn(BodyIn):
    agenda: list[str] = Field(default_factory=list, max_length=50, description="The agenda items in order.")
    host: int | None = None
    host_name: str = Field("", max_length=64)
    recorder: int | None = None
    recorder_name: str = Field("", max_length=64)
    guests: str = Field("", max_length=500)
    decisions: str | None = Field(None, max_length=20_000, description="Left as it is when omitted.")
    speeches: list[SpeechIn] = Field(default_factory=list, max_length=60, description="Replaces the speeches.")


@router.put(
    "/activities/{activity_id}/minutes",
    operation_id="meeting_minutes_save",
    response=responses({200: MeetingRecordOut}),
    summary="Write the minutes of a held meeting",
    description=f"Attendance is not written here: it comes from the check-in. {NOT_VISIBLE} {NOT_ALLOWED} {RULE}",
)
def meeting_minutes_save(request, activity_id: int, payload: MinutesIn):
    activity = access_activity(request.auth, activity_id)
    speeches = [
        services.Speech(gist=s.gist, speaker=_member(s.speaker, "speeches"), speaker_name=s.speaker_name)
        for s in payload.speeches
    ]
    services.minutes_save(
        actor=request.auth,
        activity=activity,
        agenda="\n".join(payload.agenda),
        host=_member(payload.host, "host"),
        host_name=payload.host_name,
        recorder=_member(payload.recorder, "recorder"),
        recorder_name=payload.recorder_name,
        guests=payload.guests,
        decisions=payload.decisions,
        speeches=speeches,
    )
    return _record_out(request.auth, activity)


def _count():
    return Field(0, ge=0, le=100_000)


class VoteIn(BodyIn):
    item: str = Field(max_length=300)
    matter: MatterValue = "other"
    entitled: int | None = Field(None, ge=0, le=100_000, description="应到; default: full members on the roster.")
    present: int | None = Field(None, ge=0, le=100_000, description="实到; default: those of them checked in.")
    adjust_reason: str = Field("", max_length=300, description="Required when 应到 or 实到 differ from the defaults.")
    yes: int = _count()
    no: int = _count()
    abstain: int = _count()
    written_yes: int = _count()
    written_no: int = _count()
    written_abstain: int = _count()


@router.post(
    "/activities/{activity_id}/votes",
    operation_id="vote_record_create",
    response=responses({201: VoteOut}),
    summary="Record a general meeting's vote on one item",
    description=(
        "Tallied by the platform's one vote rule (支部工作条例 Art.11: more than half of 应到 in favour). 400 for a "
        f"meeting that is not a general meeting and for numbers that do not add up. {NOT_VISIBLE} {NOT_ALLOWED} {RULE}"
    ),
)
def vote_record_create(request, activity_id: int, payload: VoteIn):
    activity = access_activity(request.auth, activity_id)
    record = services.vote_record_add(actor=request.auth, activity=activity, **payload.model_dump())
    return Status(201, _vote_out(selectors.tallied(record)))


@router.delete(
    "/votes/{vote_id}",
    operation_id="vote_record_delete",
    response=responses({204: None}),
    summary="Remove a vote record entered by mistake",
    description=f"The audit log keeps its numbers. {NOT_VISIBLE} {NOT_ALLOWED}",
)
def vote_record_delete(request, vote_id: int):
    record = selectors.access_vote_record(request.auth, vote_id)
    services.vote_record_remove(actor=request.auth, record=record)
    return Status(204, None)


class LifeMeetingIn(BodyIn):
    study_done: bool = False
    study_note: str = Field("", max_length=20_000)
    talks_done: bool = False
    talks_note: str = Field("", max_length=20_000)
    problems: list[str] = Field(default_factory=list, max_length=100, description="查摆问题, one per item.")
    criticism: str = Field("", max_length=50_000)


@router.put(
    "/activities/{activity_id}/life-meeting",
    operation_id="life_meeting_save",
    response=responses({200: LifeMeetingOut}),
    summary="Record the stages of an organisational life meeting",
    description=f"Before (study, talks) and during (problems, criticism). {NOT_VISIBLE} {NOT_ALLOWED} {RULE}",
)
def life_meeting_save(request, activity_id: int, payload: LifeMeetingIn):
    activity = access_activity(request.auth, activity_id)
    data = payload.model_dump()
    data["problems"] = "\n".join(data["problems"])
    life = services.life_meeting_save(actor=request.auth, activity=activity, **data)
    return {**{f: getattr(life, f) for f in services.LIFE_FIELDS}, "problems": life.problem_list}


class RectificationIn(BodyIn):
    problem: str = Field(max_length=300)
    measure: str = Field(max_length=5000)
    owner: int = Field(description="A current member of the organiser.")
    due_on: Date


@router.post(
    "/activities/{activity_id}/rectifications",
    operation_id="rectification_create",
    response=responses({201: RectificationOut}),
    summary="Add a 整改 measure after an organisational life meeting",
    description=f"The owner sees it in their to-do inbox until it is done. {NOT_VISIBLE} {NOT_ALLOWED} {RULE}",
)
def rectification_create(request, activity_id: int, payload: RectificationIn):
    activity = access_activity(request.auth, activity_id)
    owner = Member.objects.select_related("org").filter(pk=payload.owner).first()
    if owner is None:
        raise DomainError(_("The owner must be a current member of the organiser."), field="owner")
    item = services.rectification_add(
        actor=request.auth,
        activity=activity,
        problem=payload.problem,
        measure=payload.measure,
        owner=owner,
        due_on=payload.due_on,
    )
    return Status(201, _item_out(item, timezone.localdate()))


class RectificationDoneIn(BodyIn):
    done_on: Date
    note: str = Field(max_length=5000, description="What was done.")


@router.post(
    "/rectifications/{item_id}/done",
    operation_id="rectification_done",
    response=responses({200: RectificationOut}),
    summary="Report a 整改 measure done",
    description=f"By its owner or an officer of the organiser. {NOT_VISIBLE} {RULE}",
)
def rectification_done(request, item_id: int, payload: RectificationDoneIn):
    item = selectors.access_rectification(request.auth, item_id, manage=True)
    item = services.rectification_done(actor=request.auth, item=item, done_on=payload.done_on, note=payload.note)
    return _item_out(item, timezone.localdate())


class RectificationListIn(PageIn):
    all: bool = Field(False, description="Include the ones done.")


class RectificationListOut(PageOut):
    items: list[RectificationOut]


@router.get(
    "/rectifications",
    operation_id="rectification_list",
    response=responses({200: RectificationListOut}),
    summary="整改 measures of the organisations the caller sees",
    description="Open ones, soonest due first (with `all`, done ones too). Empty for a caller without an officer's view.",
)
def rectification_list(request, filters: Query[RectificationListIn]):
    page = filters.page(selectors.rectification_list(actor=request.auth, open_only=not filters.all))
    today = timezone.localdate()
    page["items"] = [_item_out(i, today) for i in page["items"]]
    return page
