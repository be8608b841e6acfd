"""Reads of meeting records — the minutes with their speeches, the vote records tallied by the one vote
rule, the organisational life meeting's stages and its 整改 items — limited to the actor's scope.

An activity's record is read by whoever may see the activity (`access_activity`) and written by the
organiser's officers. Names of who came and who did not are shown to those who may see the attendance.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.core.rules.votes import VoteResult
from dangjian.members.models import Member
from dangjian.members.models import Status as MemberStatus
from dangjian.orgs.models import Organisation
from dangjian.study.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    LifeMeeting,
    MeetingMinutes,
    MeetingSpeech,
    RectificationItem,
    RectificationStatus,
    VoteRecord,
)
from dangjian.study.rules import records as rules
from dangjian.study.selectors.activities import (
    ATTENDED,
    AttendanceSummary,
    access_activity,
    attendance_summary,
    can_manage_activity,
    can_see_attendance,
)


def meeting_day(activity: Activity) -> datetime.date:
    return timezone.localdate(activity.starts_at)


def voting_defaults(activity: Activity) -> tuple[int, int]:
    """The 应到 and 实到 with voting rights a vote of this meeting starts from: the organiser's current full
    members on the meeting day (预备党员 have no vote), and those of them present or late at the check-in."""
    day = meeting_day(activity)
    full = (
        Member.objects.current().with_status(MemberStatus.FULL, on=day).filter(org__path__startswith=activity.org.path)
    )
    attended = Attendance.objects.filter(activity=activity, status__in=ATTENDED, member__in=full.values("pk")).count()
    return rules.voting_counts(full.count(), attended)


@dataclass(frozen=True)
class TalliedVote:
    record: VoteRecord
    result: VoteResult | None  # None only for numbers the rule refuses (kept out by the service)
    adjusted: bool


def tallied(record: VoteRecord) -> TalliedVote:
    try:
        result = rules.tally(
            matter=record.matter,
            entitled=record.entitled,
            present=record.present,
            yes=record.yes,
            no=record.no,
            abstain=record.abstain,
            written_yes=record.written_yes,
            written_no=record.written_no,
            written_abstain=record.written_abstain,
        )
    except ValueError:
        result = None
    adjusted = rules.adjustment_needs_reason(
        record.entitled, record.present, record.entitled_default, record.present_default
    )
    return TalliedVote(record, result, adjusted)


def vote_records(activity: Activity) -> list[TalliedVote]:
    return [tallied(record) for record in activity.vote_records.order_by("position", "pk")]


@dataclass(frozen=True)
class Absence:
    name: str
    status: str  # the attendance status's label
    reason: str


@dataclass
class MeetingRecord:
    """Everything the printable 会议记录 shows, read when shown (the counts never stored as text)."""

    activity: Activity
    minutes: MeetingMinutes | None
    speeches: list[MeetingSpeech]
    summary: AttendanceSummary
    attendees: list[str]  # names, for those who may see the attendance; else empty
    absences: list[Absence]
    votes: list[TalliedVote]
    life: LifeMeeting | None
    rectifications: list[RectificationItem]
    can_manage: bool
    can_see_names: bool
    takes_votes: bool
    has_life_stages: bool
    my_member_id: int | None = None  # the reader's member record: the owner of an item reports it done
    overdue_ids: frozenset[int] = frozenset()  # open 整改 items past their due day


def minutes_of(activity: Activity) -> MeetingMinutes | None:
    return MeetingMinutes.objects.select_related("host", "recorder").filter(activity=activity).first()


def life_meeting_of(activity: Activity) -> LifeMeeting | None:
    return LifeMeeting.objects.filter(activity=activity).first()


def speeches_of(activity: Activity) -> list[MeetingSpeech]:
    return list(activity.speeches.select_related("speaker").order_by("position", "pk"))


def rectifications_of(activity: Activity) -> QuerySet[RectificationItem]:
    return activity.rectifications.select_related("owner").order_by("due_on", "pk")


def meeting_record(*, actor: User, activity: Activity) -> MeetingRecord:
    """The record of an activity reached through `access_activity`."""
    _, summary = attendance_summary(activity)
    names = can_see_attendance(actor, activity)
    attendees: list[str] = []
    absences: list[Absence] = []
    if names:
        rows = activity.attendances.select_related("member").order_by("member__name_initials", "member__pk")
        leave_reasons = dict(activity.leave_requests.values_list("member_id", "reason"))
        for row in rows:
            if row.status in ATTENDED:
                attendees.append(row.member.name)
            elif row.expected and row.status != AttendanceStatus.EXPECTED:
                reason = row.reason or leave_reasons.get(row.member_id, "")
                absences.append(Absence(row.member.name, row.get_status_display(), reason))
    life_stages = rules.has_life_stages(activity.form)
    items = list(rectifications_of(activity)) if life_stages else []
    today = timezone.localdate()
    return MeetingRecord(
        activity=activity,
        minutes=minutes_of(activity),
        speeches=speeches_of(activity),
        summary=summary,
        attendees=attendees,
        absences=absences,
        votes=vote_records(activity),
        life=life_meeting_of(activity) if life_stages else None,
        rectifications=items,
        can_manage=can_manage_activity(actor, activity),
        can_see_names=names,
        takes_votes=rules.takes_votes(activity.form),
        has_life_stages=life_stages,
        my_member_id=scope_for(actor).member_id,
        overdue_ids=frozenset(i.pk for i in items if rules.rectification_overdue(i.status, i.due_on, today)),
    )


def access_vote_record(actor: User, record_id: int | str, *, manage: bool = False) -> VoteRecord:
    """A vote record of an activity the actor may see (or, with `manage`, run); 404 otherwise."""
    try:
        record = VoteRecord.objects.select_related("activity", "activity__org").get(pk=record_id)
    except (VoteRecord.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    access_activity(actor, record.activity_id, manage=manage)
    return record


def access_rectification(actor: User, item_id: int | str, *, manage: bool = False) -> RectificationItem:
    """A 整改 item: for its owner, and for the organiser's officers (with `manage`, only them and the owner,
    who reports it done); 404 otherwise."""
    try:
        item = RectificationItem.objects.select_related("activity", "activity__org", "owner").get(pk=item_id)
    except (RectificationItem.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if can_manage_activity(actor, item.activity) or item.owner_id == scope_for(actor).member_id:
        return item
    if not manage and scope_for(actor).allows(Perm.VIEW_ORG, item.activity.org.path):
        return item
    raise NotFound()


def can_mark_done(actor: User, item: RectificationItem) -> bool:
    return item.status == RectificationStatus.OPEN and (
        can_manage_activity(actor, item.activity) or item.owner_id == scope_for(actor).member_id
    )


def rectification_list(
    *, actor: User, org: Organisation | None = None, open_only: bool = True
) -> QuerySet[RectificationItem]:
    """整改 items of the organisations the actor may see (the branch secretary's list), soonest due first."""
    scope = scope_for(actor)
    if not scope.has_anywhere(Perm.VIEW_ORG):
        return RectificationItem.objects.none()
    qs = RectificationItem.objects.filter(scope.org_filter(Perm.VIEW_ORG, "activity__org__path"))
    if org is not None:
        qs = qs.filter(activity__org__path__startswith=org.path)
    if open_only:
        qs = qs.filter(status=RectificationStatus.OPEN)
    return qs.select_related("activity", "activity__org", "owner").order_by("status", "due_on", "pk")


def my_open_rectifications(*, actor: User) -> list[RectificationItem]:
    """The actor's own open 整改 items, soonest due first (the to-do inbox reads these)."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return []
    return list(
        RectificationItem.objects.filter(owner_id=member_id, status=RectificationStatus.OPEN)
        .select_related("activity")
        .order_by("due_on", "pk")
    )


def attended_members(activity: Activity) -> QuerySet[Member]:
    """Who may be named as host, recorder or speaker: members who were at the meeting, then the organiser's."""
    return (
        Member.objects.filter(Q(attendances__activity=activity) | Q(org__path__startswith=activity.org.path))
        .distinct()
        .order_by("name_initials", "pk")
    )


def owner_choices(activity: Activity) -> QuerySet[Member]:
    """Who may own a 整改 item: the organiser's current members."""
    return Member.objects.current().filter(org__path__startswith=activity.org.path).order_by("name_initials", "pk")
