"""Activities and their attendance: create, publish, check in, mark, leave, close, make-up.

Every write is audited except a member's own QR check-in: the attendance row itself records who,
when, from which address and device, and a second audit row per check-in would double the writes
of the busiest moment the platform has (a whole college checking in at once).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.calendar import WorkingCalendar, working_calendar
from dangjian.core.errors import Conflict, DomainError, Forbidden
from dangjian.core.files import image_extension
from dangjian.library.models import Material, MaterialStatus
from dangjian.library.rules.hours import hours_from_minutes
from dangjian.library.selectors.materials import visible_materials
from dangjian.members.audience import Audience, in_audience
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member, exempt_member_ids
from dangjian.orgs.models import OfficerTerm, Organisation
from dangjian.study import tokens
from dangjian.study.models import (
    Activity,
    ActivityPhoto,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    Form,
    LeaveRequest,
    MakeUp,
    MakeUpStatus,
    PlanItem,
    RequestStatus,
)
from dangjian.study.rules import attendance as rules
from dangjian.study.rules import committee_meetings as meeting_rules
from dangjian.study.rules import selfstudy as selfstudy_rules
from dangjian.study.selectors.activities import check_in_window_of, speaker_root
from dangjian.study.selectors.schedule import effective_settings

ACTIVITY_FIELDS = [
    "form",
    "theme",
    "audience",
    "starts_at",
    "ends_at",
    "place",
    "speaker",
    "speaker_name",
    "credit_minutes",
    "credit_overridden",
    "check_in_opens_at",
    "check_in_closes_at",
    "late_after",
]
EDITABLE_FIELDS = {"form", "theme", "audience", "starts_at", "ends_at", "place", "speaker", "speaker_name"}
RECORD_FIELDS = ["minutes", "decisions", "summary"]
# A past meeting imported afterwards keeps its numbers present and expected as counts, not attendance rows.
RECORDED_AFTERWARDS = gettext_lazy(
    "This meeting was recorded afterwards: its attendance was entered as numbers with the record."
)
MARKABLE_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)


# --- Check-in errors: each has a code the check-in page turns into its own message -------------


class CheckInError(DomainError):
    code = "refused"


class InvalidToken(CheckInError):
    code = "invalid_token"
    default_message = gettext_lazy("This check-in code is not valid. Scan the code on the screen again.")


class ExpiredToken(CheckInError):
    code = "expired_token"
    default_message = gettext_lazy("This check-in code has expired. Scan the code on the screen again.")


class CheckInNotOpen(CheckInError):
    code = "too_early"
    default_message = gettext_lazy("Check-in has not opened yet.")


class CheckInClosed(CheckInError):
    code = "closed"
    default_message = gettext_lazy("Check-in for this activity has closed.")


class NotForYou(CheckInError):
    code = "not_for_you"
    default_message = gettext_lazy("This activity is held for another organisation; you cannot check in to it.")


class NoMemberRecord(CheckInError):
    code = "no_member"
    default_message = gettext_lazy("Your account is not linked to a member record.")


class NotOpenActivity(CheckInError):
    code = "not_published"
    default_message = gettext_lazy("This activity is not open: it has not been published or it was cancelled.")


class AlreadyCheckedIn(Conflict):
    code = "already"
    default_message = gettext_lazy("You have already checked in to this activity.")


# --- helpers ----------------------------------------------------------------------------------


def _check_manage(actor: User, activity_or_org: Activity | Organisation) -> None:
    org = activity_or_org.org if isinstance(activity_or_org, Activity) else activity_or_org
    if not scope_for(actor).allows(Perm.MANAGE_STUDY, org.path):
        raise Forbidden()


def _actor_member(actor: User) -> Member:
    """The actor's member record; `NoMemberRecord` for an account without one."""
    member = actor_member(actor)
    if member is None:
        raise NoMemberRecord()
    return member


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def organiser_paths(activity: Activity) -> list[str]:
    """Tree paths whose members the activity is for: the organiser's and each joint organiser's."""
    return [activity.org.path, *(org.path for org in activity.joint_orgs.all())]


def member_is_in(member: Member, paths: Iterable[str]) -> bool:
    return member.org is not None and any(member.org.path.startswith(path) for path in paths)


def credit_hours(activity: Activity) -> Decimal:
    """学时 credited for attending `activity`, by the default 学时 rule."""
    return hours_from_minutes(activity.credit_minutes)


def _apply_times(activity: Activity, late_grace_minutes: int | None, credit_override: int | None) -> None:
    """Derive the check-in window and the credit from the times, honouring an officer's figures."""
    if activity.ends_at <= activity.starts_at:
        raise DomainError(_("The activity must end after it starts."), field="ends_at")
    rule = rules.DEFAULT_CHECK_IN_RULE
    if late_grace_minutes is not None:
        if late_grace_minutes < 0:
            raise DomainError(_("The grace period cannot be negative."), field="late_grace_minutes")
        rule = rules.CheckInRule(
            opens_before=rule.opens_before, late_grace=datetime.timedelta(minutes=late_grace_minutes)
        )
    elif activity.late_after is not None and activity.pk:
        # Keep the grace the officer chose when the times move.
        rule = rules.CheckInRule(
            opens_before=rule.opens_before,
            late_grace=max(datetime.timedelta(0), activity.late_after - activity.starts_at),
        )
    window = rules.check_in_window(activity.starts_at, activity.ends_at, rule)
    activity.check_in_opens_at = window.opens_at
    activity.check_in_closes_at = window.closes_at
    activity.late_after = window.late_after
    if credit_override is not None:
        problem = rules.credit_override_problem(credit_override, activity.starts_at, activity.ends_at)
        if problem == "negative":
            raise DomainError(_("Credited minutes cannot be negative."), field="credit_minutes")
        if problem == "too_long":
            raise DomainError(
                _("Credited minutes cannot exceed the activity's length (%(minutes)s minutes).")
                % {"minutes": rules.duration_minutes(activity.starts_at, activity.ends_at)},
                field="credit_minutes",
            )
        activity.credit_minutes = credit_override
        activity.credit_overridden = True
    elif not activity.credit_overridden:
        activity.credit_minutes = rules.credit_minutes(activity.starts_at, activity.ends_at)
    else:  # an earlier override still stands, but never beyond the new length
        activity.credit_minutes = rules.credit_minutes(activity.starts_at, activity.ends_at, activity.credit_minutes)


def _check_speaker(activity: Activity) -> None:
    """A speaker who is a member comes from the organiser's college."""
    if activity.speaker_id is None:
        return
    root = speaker_root(activity.org)
    if not Member.objects.filter(pk=activity.speaker_id, org__path__startswith=root.path).exists():
        raise DomainError(_("The speaker must be a member of %(org)s.") % {"org": root.name}, field="speaker")


def _check_materials(actor: User, materials: Iterable[Material], keep: Iterable[int] = ()) -> list[Material]:
    """Materials to study for an activity: published ones the organiser may see in the library (one
    already chosen may stay after it is withdrawn)."""
    chosen = list(dict.fromkeys(materials))
    if not chosen:
        return chosen
    kept = set(keep)
    allowed = set(
        visible_materials(actor)
        .filter(pk__in=[m.pk for m in chosen], status=MaterialStatus.PUBLISHED)
        .values_list("pk", flat=True)
    )
    if any(m.pk not in allowed and m.pk not in kept for m in chosen):
        raise DomainError(_("Choose published materials you may see in the library."), field="materials")
    return chosen


def _validate_choices(activity: Activity) -> None:
    if not activity.theme.strip():
        raise DomainError(_("Give the activity a theme."), field="theme")
    if activity.form not in Form.values:
        raise DomainError(_("Choose a form."), field="form")
    if not meeting_rules.form_fits_org_kind(activity.form, activity.org.kind):
        raise DomainError(_("Only a Party committee holds this form of meeting."), field="form")
    if activity.audience not in Audience.values:
        raise DomainError(_("Choose an audience."), field="audience")


def _check_joint_orgs(actor: User, org: Organisation, joint_orgs: Iterable[Organisation]) -> list[Organisation]:
    joint = [o for o in joint_orgs if o.pk != org.pk]
    scope = scope_for(actor)
    for other in joint:
        if not scope.allows(Perm.VIEW_ORG, other.path):
            raise Forbidden()
    return joint


# --- activities -------------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    actor: User,
    org: Organisation,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    plan_item: PlanItem | None = None,
    form: str = "",
    theme: str = "",
    audience: str = "",
    place: str = "",
    speaker: Member | None = None,
    speaker_name: str = "",
    joint_orgs: Iterable[Organisation] = (),
    credit_minutes: int | None = None,
    late_grace_minutes: int | None = None,
    materials: Iterable[Material] = (),
) -> Activity:
    """A draft activity, ad hoc or from a plan item of the organiser's plan (theme, form, audience
    and length are taken from the item unless given)."""
    _check_manage(actor, org)
    if plan_item is not None:
        if plan_item.plan.org_id != org.pk:
            raise DomainError(_("The plan item belongs to another organisation's plan."), field="plan_item")
        form = form or plan_item.form
        theme = theme or plan_item.theme
        audience = audience or plan_item.audience
        if ends_at is None and plan_item.planned_minutes:
            ends_at = starts_at + datetime.timedelta(minutes=plan_item.planned_minutes)
    if ends_at is None:
        raise DomainError(_("Give the time the activity ends."), field="ends_at")
    activity = Activity(
        org=org,
        plan_item=plan_item,
        form=form,
        theme=theme.strip(),
        audience=audience or Audience.ALL,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        speaker=speaker,
        speaker_name=speaker_name.strip(),
    )
    _validate_choices(activity)
    _check_speaker(activity)
    if late_grace_minutes is None:
        late_grace_minutes = effective_settings(org).late_grace_minutes
    _apply_times(activity, late_grace_minutes, credit_minutes)
    joint = _check_joint_orgs(actor, org, joint_orgs)
    chosen = _check_materials(actor, materials)
    activity.save()
    if joint:
        activity.joint_orgs.set(joint)
    if chosen:
        activity.materials.set(chosen)
    audit.record(
        actor=actor,
        action="activity.create",
        obj=activity,
        org_path=org.path,
        changes=audit.snapshot(activity, ACTIVITY_FIELDS)
        | {"plan_item": plan_item, "joint_orgs": joint, "materials": [m.pk for m in chosen]},
    )
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: User,
    activity: Activity,
    credit_minutes: int | None = None,
    credit_derived: bool = False,
    late_grace_minutes: int | None = None,
    joint_orgs: Iterable[Organisation] | None = None,
    materials: Iterable[Material] | None = None,
    **fields: Any,
) -> Activity:
    """Change an activity that is not cancelled. Once published, its audience is fixed (the expected
    attendees were drawn from it); `credit_derived=True` drops a credit set by hand."""
    _check_manage(actor, activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("A cancelled activity cannot be changed."))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if activity.status == ActivityStatus.PUBLISHED and "audience" in fields and fields["audience"] != activity.audience:
        raise DomainError(
            _("The audience cannot change after publishing: the expected attendees were fixed from it."),
            field="audience",
        )
    if "form" in fields and meeting_rules.is_leadership_meeting(fields["form"]) != meeting_rules.is_leadership_meeting(
        activity.form
    ):
        # A committee meeting keeps its agenda and decisions; an ordinary activity has none to keep.
        raise DomainError(
            _("A committee meeting stays a committee meeting, and another activity cannot become one."), field="form"
        )
    before = audit.snapshot(activity, ACTIVITY_FIELDS)
    for key, value in fields.items():
        setattr(activity, key, value.strip() if isinstance(value, str) else value)
    if credit_derived:
        activity.credit_overridden = False
    _validate_choices(activity)
    _check_speaker(activity)
    _apply_times(activity, late_grace_minutes, credit_minutes)
    if activity.recorded_afterwards:
        # A past meeting stays past, and without an attendance list it credits nobody.
        if activity.ends_at > timezone.now():
            raise DomainError(_("A meeting recorded afterwards must have ended."), field="ends_at")
        activity.credit_minutes, activity.credit_overridden = 0, True
    activity.save()
    changes = audit.diff(before, audit.snapshot(activity, ACTIVITY_FIELDS))
    if joint_orgs is not None:
        joint = _check_joint_orgs(actor, activity.org, joint_orgs)
        old = sorted(activity.joint_orgs.values_list("pk", flat=True))
        if old != sorted(o.pk for o in joint):
            activity.joint_orgs.set(joint)
            changes["joint_orgs"] = [old, sorted(o.pk for o in joint)]
    if materials is not None:
        chosen = _check_materials(actor, materials, keep=activity.materials.values_list("pk", flat=True))
        old = sorted(activity.materials.values_list("pk", flat=True))
        if old != sorted(m.pk for m in chosen):
            activity.materials.set(chosen)
            changes["materials"] = [old, sorted(m.pk for m in chosen)]
    if changes:
        audit.record(actor=actor, action="activity.update", obj=activity, org_path=activity.org.path, changes=changes)
    return activity


def expected_member_ids(activity: Activity, day: datetime.date) -> list[int]:
    """Members of the organisers' subtrees in the activity's audience, leaving out those exempt on `day`;
    for a leadership meeting (党委会, 党政联席会议), the organiser's own officers on `day`."""
    if meeting_rules.is_leadership_meeting(activity.form):
        return list(
            OfficerTerm.objects.current(day).filter(org=activity.org).values_list("member_id", flat=True).distinct()
        )
    query = Q()
    for path in organiser_paths(activity):
        query |= Q(org__path__startswith=path)
    rows = list(Member.objects.current().filter(query).values_list("pk", "category"))
    ids = [pk for pk, _category in rows]
    officers: set[int] = set()
    if activity.audience == Audience.OFFICERS:
        officers = set(OfficerTerm.objects.current(day).filter(member_id__in=ids).values_list("member_id", flat=True))
    exempt = exempt_member_ids(ids, day)
    return [
        pk for pk, category in rows if pk not in exempt and in_audience(activity.audience, category, pk in officers)
    ]


@transaction.atomic
def activity_publish(*, actor: User, activity: Activity, now: datetime.datetime | None = None) -> Activity:
    """Announce a draft and fix its expected attendees from the audience (exempt members left out)."""
    _check_manage(actor, activity)
    if activity.status != ActivityStatus.DRAFT:
        raise DomainError(_("Only a draft can be published."))
    day = timezone.localdate(activity.starts_at)
    member_ids = expected_member_ids(activity, day)
    Attendance.objects.bulk_create(
        [Attendance(activity=activity, member_id=pk, expected=True) for pk in member_ids], batch_size=500
    )
    activity.status = ActivityStatus.PUBLISHED
    activity.published_at = _now(now)
    activity.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        actor=actor,
        action="activity.publish",
        obj=activity,
        org_path=activity.org.path,
        changes={"status": [ActivityStatus.DRAFT, ActivityStatus.PUBLISHED], "expected": len(member_ids)},
    )
    return activity


@transaction.atomic
def activity_cancel(
    *, actor: User, activity: Activity, reason: str = "", now: datetime.datetime | None = None
) -> Activity:
    """Call off an activity that has not started (one that took place is closed instead)."""
    _check_manage(actor, activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("The activity has already been cancelled."))
    if activity.status == ActivityStatus.PUBLISHED and _now(now) >= activity.starts_at:
        raise DomainError(_("An activity that has started cannot be cancelled; close it instead."))
    before = activity.status
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="activity.cancel",
        obj=activity,
        org_path=activity.org.path,
        changes={"status": [before, ActivityStatus.CANCELLED], "reason": reason.strip()},
    )
    return activity


@transaction.atomic
def activity_record(
    *, actor: User, activity: Activity, now: datetime.datetime | None = None, **record: Any
) -> Activity:
    """Write the record of an activity that has started: minutes, decisions, summary."""
    _check_manage(actor, activity)
    unknown = set(record) - set(RECORD_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if activity.status != ActivityStatus.PUBLISHED or _now(now) < activity.starts_at:
        raise DomainError(_("The record is written for a published activity once it has started."))
    before = audit.snapshot(activity, RECORD_FIELDS)
    for key, value in record.items():
        setattr(activity, key, (value or "").strip())
    activity.save(update_fields=[*RECORD_FIELDS, "updated_at"])
    changes = audit.diff(before, audit.snapshot(activity, RECORD_FIELDS))
    if changes:
        # The record's text can be long; the audit keeps which parts changed, not the prose.
        audit.record(
            actor=actor,
            action="activity.record",
            obj=activity,
            org_path=activity.org.path,
            changes={key: True for key in changes},
        )
    return activity


def _create_make_ups(activity: Activity, rows: list[Attendance], calendar: WorkingCalendar) -> int:
    """Make-up assignments for attendance rows that have none yet."""
    working_days = effective_settings(activity.org).make_up_working_days
    due_on = rules.make_up_due_on(timezone.localdate(activity.starts_at), calendar, working_days)
    MakeUp.objects.bulk_create([MakeUp(attendance=row, due_on=due_on) for row in rows])
    return len(rows)


@transaction.atomic
def activity_close(*, actor: User, activity: Activity, now: datetime.datetime | None = None) -> Activity:
    """After check-in has closed: expected attendees who neither came nor have leave are absent,
    and every leave and absence gets make-up study. Running it again changes nothing new."""
    _check_manage(actor, activity)
    if activity.status != ActivityStatus.PUBLISHED:
        raise DomainError(_("Only a published activity can be closed."))
    if activity.recorded_afterwards:
        raise DomainError(RECORDED_AFTERWARDS)
    if _now(now) <= check_in_window_of(activity).closes_at:
        raise DomainError(_("The activity can be closed once check-in has closed."))
    absent = activity.attendances.filter(status=AttendanceStatus.EXPECTED).update(
        status=AttendanceStatus.ABSENT, updated_at=timezone.now()
    )
    created = 0
    if not meeting_rules.is_leadership_meeting(activity.form):  # a leaders' meeting is not study to make up
        rows = list(activity.attendances.filter(status__in=rules.MAKE_UP_STATUSES, make_up__isnull=True))
        created = _create_make_ups(activity, rows, working_calendar())
    audit.record(
        actor=actor,
        action="activity.close",
        obj=activity,
        org_path=activity.org.path,
        changes={"absent": absent, "make_ups": created},
    )
    return activity


# --- attendance -------------------------------------------------------------------------------


def _check_in_member_and_row(
    actor: User, activity: Activity, row: Attendance | None = None
) -> tuple[Member, Attendance | None]:
    """The actor's member record (with its organisation) and their attendance row for the activity, if
    any: one query when the row exists, as it does for every expected attendee (none when the caller
    already read the row with the activity, as `selectors.check_in_target` does)."""
    if getattr(actor, "pk", None) is None:
        raise NoMemberRecord()
    if row is not None and row.activity_id == activity.pk and row.member.user_id == actor.pk:
        actor.member = row.member
        return row.member, row
    row = Attendance.objects.select_related("member__org").filter(activity=activity, member__user_id=actor.pk).first()
    member = row.member if row is not None else Member.objects.select_related("org").filter(user_id=actor.pk).first()
    if member is None:
        raise NoMemberRecord()
    # Cache the record on the account (no write), so the actor's scope needs no second look-up.
    actor.member = member
    return member, row


def _may_check_in(member: Member, activity: Activity) -> bool:
    """Whether the member belongs to an organiser; the joint organisers are read only when needed."""
    return member_is_in(member, [activity.org.path]) or member_is_in(member, organiser_paths(activity))


def attendance_check_in(
    *,
    actor: User,
    activity: Activity,
    token: str,
    ip: str | None = None,
    device: str = "",
    now: datetime.datetime | None = None,
    scanned_at: datetime.datetime | None = None,
    row: Attendance | None = None,
) -> Attendance:
    """The logged-in member checks in with the code on the screen: present, or late after the
    grace period. `scanned_at` is a scan proved by the member's own session before they logged in
    (see study/tokens.py); within `rules.SCAN_GRACE` it counts as the moment of check-in.

    Everything is read before writing, and the write is one statement (its own transaction), so on
    SQLite the write lock is held for the write only; the conditional UPDATE and the unique constraint
    are what keep two racing scans from recording two check-ins."""
    now = _now(now)
    member, row = _check_in_member_and_row(actor, activity, row)
    if activity.status != ActivityStatus.PUBLISHED:
        raise NotOpenActivity()
    period = tokens.token_period_of(activity.pk, token)
    if period is None:
        raise InvalidToken()
    moment = scanned_at if scanned_at is not None and rules.scan_is_recent(scanned_at, now) else now
    if not rules.token_period_is_fresh(period, rules.token_period(moment)):
        raise ExpiredToken()
    window = check_in_window_of(activity)
    timing = rules.check_in_timing(moment, window)
    if timing == rules.CheckInTiming.TOO_EARLY:
        opens = date_format(timezone.localtime(window.opens_at), "DATETIME_FORMAT")
        raise CheckInNotOpen(_("Check-in opens at %(time)s.") % {"time": opens})
    if timing == rules.CheckInTiming.CLOSED:
        raise CheckInClosed()
    if not _may_check_in(member, activity) or (row is None and meeting_rules.is_leadership_meeting(activity.form)):
        raise NotForYou()  # a leaders' meeting takes its expected attendees only
    status = AttendanceStatus.LATE if timing == rules.CheckInTiming.LATE else AttendanceStatus.PRESENT
    values = {
        "status": status,
        "checked_in_at": moment,
        "method": "qr",
        "ip_address": ip or None,
        "device": (device or "")[:255],
        "updated_at": timezone.now(),
    }
    if row is not None:
        # Conditional, so two scans racing each other record one check-in, not two.
        updated = Attendance.objects.filter(pk=row.pk, status__in=rules.CHECK_IN_OPEN_STATUSES).update(**values)
        if not updated:
            raise AlreadyCheckedIn()
        for key, value in values.items():
            setattr(row, key, value)
        return row
    try:
        with transaction.atomic():
            # Outside the audience, or exempt that day, but of the organisation: welcome, not expected.
            return Attendance.objects.create(activity=activity, member=member, expected=False, **values)
    except IntegrityError:
        raise AlreadyCheckedIn() from None


@transaction.atomic
def attendance_mark(
    *,
    actor: User,
    activity: Activity,
    member: Member,
    status: str,
    reason: str,
    now: datetime.datetime | None = None,
) -> Attendance:
    """An officer records a member's attendance by hand, with a reason; audited."""
    _check_manage(actor, activity)
    if activity.status != ActivityStatus.PUBLISHED:
        raise DomainError(_("Attendance is recorded for a published activity."))
    if activity.recorded_afterwards:
        raise DomainError(RECORDED_AFTERWARDS)
    if status not in MARKABLE_STATUSES:
        raise DomainError(_("Choose present, late, on leave or absent."), field="status")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for marking attendance by hand."), field="reason")
    if not member_is_in(member, organiser_paths(activity)):
        raise DomainError(_("The member does not belong to the organising organisation."), field="member")
    now = _now(now)
    row = Attendance.objects.filter(activity=activity, member=member).select_for_update().first()
    before = row.status if row else None
    if row is None:
        row = Attendance(activity=activity, member=member, expected=False)
    row.status = status
    row.method = "manual"
    row.marked_by = actor if getattr(actor, "pk", None) else None
    row.reason = reason[:200]
    if status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        row.checked_in_at = row.checked_in_at or now
    else:
        # On leave or absent: no check-in time, whatever was recorded before.
        row.checked_in_at = None
    row.save()
    if (
        status in rules.MAKE_UP_STATUSES
        and not meeting_rules.is_leadership_meeting(activity.form)
        and now > check_in_window_of(activity).closes_at
        and not MakeUp.objects.filter(attendance=row).exists()
    ):
        _create_make_ups(activity, [row], working_calendar())
    elif status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        # Came after all: make-up study not yet handed in is no longer needed.
        MakeUp.objects.filter(attendance=row, status__in=[MakeUpStatus.ASSIGNED, MakeUpStatus.RETURNED]).delete()
    audit.record(
        actor=actor,
        action="attendance.mark",
        obj=row,
        org_path=activity.org.path,
        changes={"member": member.pk, "status": [before, status], "reason": reason},
    )
    return row


# --- leave ------------------------------------------------------------------------------------


@transaction.atomic
def leave_request_create(
    *, actor: User, activity: Activity, reason: str, now: datetime.datetime | None = None
) -> LeaveRequest:
    """The member asks to be excused, before the activity starts."""
    member = _actor_member(actor)
    if activity.status != ActivityStatus.PUBLISHED:
        raise DomainError(_("Leave is asked for a published activity."))
    if not rules.leave_allowed(_now(now), activity.starts_at):
        raise DomainError(_("Leave must be asked before the activity starts."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the leave."), field="reason")
    if not Attendance.objects.filter(activity=activity, member=member, expected=True).exists():
        raise DomainError(_("You are not expected at this activity, so no leave is needed."))
    if LeaveRequest.objects.filter(activity=activity, member=member).exists():
        raise Conflict(_("You have already asked for leave from this activity."))
    leave = LeaveRequest.objects.create(activity=activity, member=member, reason=reason[:500])
    audit.record(
        actor=actor, action="leave.create", obj=leave, org_path=activity.org.path, changes={"reason": leave.reason}
    )
    return leave


@transaction.atomic
def leave_request_decide(
    *, actor: User, leave: LeaveRequest, approve: bool, answer: str = "", now: datetime.datetime | None = None
) -> LeaveRequest:
    """An officer of the organiser approves or refuses a leave request. Approved leave is recorded
    on the attendance; make-up study follows when the activity is closed."""
    activity = leave.activity
    _check_manage(actor, activity)
    if leave.status != RequestStatus.PENDING:
        raise DomainError(_("This leave request has already been decided."))
    answer = (answer or "").strip()
    if not approve and not answer:
        raise DomainError(_("Say why the leave is refused."), field="answer")
    leave.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    leave.decided_by = actor if getattr(actor, "pk", None) else None
    leave.decided_at = _now(now)
    leave.answer = answer[:500]
    leave.save(update_fields=["status", "decided_by", "decided_at", "answer", "updated_at"])
    if approve:
        # An absence already recorded at closing becomes leave; its make-up exists already.
        Attendance.objects.filter(
            activity=activity,
            member=leave.member,
            status__in=[AttendanceStatus.EXPECTED, AttendanceStatus.ABSENT],
        ).update(status=AttendanceStatus.LEAVE, updated_at=timezone.now())
    audit.record(
        actor=actor,
        action="leave.decide",
        obj=leave,
        org_path=activity.org.path,
        changes={"status": [RequestStatus.PENDING, leave.status], "answer": leave.answer},
    )
    return leave


# --- make-up ----------------------------------------------------------------------------------


@transaction.atomic
def make_up_submit(*, actor: User, make_up: MakeUp, reflection: str, now: datetime.datetime | None = None) -> MakeUp:
    """The member hands in their make-up study: a short reflection on the activity's materials."""
    if scope_for(actor).member_id != make_up.attendance.member_id:
        raise Forbidden()  # officers review make-up study; only the member hands it in
    if make_up.status not in (MakeUpStatus.ASSIGNED, MakeUpStatus.RETURNED):
        raise DomainError(_("This make-up has already been handed in."))
    reflection = (reflection or "").strip()
    if not reflection:
        raise DomainError(_("Write a short reflection."), field="reflection")
    before = make_up.status
    make_up.reflection = reflection
    make_up.status = MakeUpStatus.SUBMITTED
    make_up.submitted_at = _now(now)
    # A reflection copied from another member's for the same activity is flagged to the reviewer.
    others = (
        MakeUp.objects.filter(attendance__activity_id=make_up.attendance.activity_id)
        .exclude(pk=make_up.pk)
        .exclude(reflection="")
        .values_list("pk", "reflection")
    )
    match = selfstudy_rules.most_similar(reflection, list(others))
    make_up.similar_to_id = match[0] if match else None
    make_up.save(update_fields=["reflection", "status", "submitted_at", "similar_to", "updated_at"])
    audit.record(
        actor=actor,
        action="make_up.submit",
        obj=make_up,
        org_path=make_up.attendance.activity.org.path,
        changes={"status": [before, MakeUpStatus.SUBMITTED]},
    )
    return make_up


@transaction.atomic
def make_up_review(
    *, actor: User, make_up: MakeUp, accept: bool, note: str = "", now: datetime.datetime | None = None
) -> MakeUp:
    """An officer accepts the make-up (the member's attendance becomes "made up", credited) or
    returns it with a note."""
    attendance = make_up.attendance
    _check_manage(actor, attendance.activity)
    if make_up.status != MakeUpStatus.SUBMITTED:
        raise DomainError(_("Only a make-up that has been handed in can be reviewed."))
    note = (note or "").strip()
    if not accept and not note:
        raise DomainError(_("Say what the member should change."), field="note")
    make_up.status = MakeUpStatus.ACCEPTED if accept else MakeUpStatus.RETURNED
    make_up.reviewed_by = actor if getattr(actor, "pk", None) else None
    make_up.reviewed_at = _now(now)
    make_up.review_note = note[:500]
    make_up.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    changes = {"status": [MakeUpStatus.SUBMITTED, make_up.status], "note": make_up.review_note}
    if accept:
        changes["attendance"] = [attendance.status, AttendanceStatus.MADE_UP]
        attendance.status = AttendanceStatus.MADE_UP
        attendance.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="make_up.review",
        obj=make_up,
        org_path=attendance.activity.org.path,
        changes=changes,
    )
    return make_up


# --- photos -----------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTOS_PER_ACTIVITY = 30


def _photo_format(upload: UploadedFile) -> str:
    """The image format, read from the content (not the name); DomainError when it is not a photo."""
    if (upload.size or 0) > PHOTO_MAX_BYTES:
        raise DomainError(
            _("A photo may be at most %(mb)s MB.") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)}, field="image"
        )
    extension = image_extension(upload)
    if extension is None:
        raise DomainError(_("The file is not a photo (JPEG, PNG, WebP or GIF)."), field="image")
    return extension


@transaction.atomic(durable=True)
def activity_photo_add(*, actor: User, activity: Activity, image: UploadedFile, caption: str = "") -> ActivityPhoto:
    """Attach a photo of the activity to its record."""
    _check_manage(actor, activity)
    extension = _photo_format(image)
    if activity.photos.count() >= PHOTOS_PER_ACTIVITY:
        raise DomainError(_("An activity keeps at most %(n)s photos.") % {"n": PHOTOS_PER_ACTIVITY}, field="image")
    photo = ActivityPhoto(activity=activity, caption=caption.strip()[:200])
    photo.image.save(f"activity-{activity.pk}.{extension}", image, save=False)
    photo.save()
    audit.record(
        actor=actor,
        action="activity.photo_add",
        obj=activity,
        org_path=activity.org.path,
        changes={"photo": photo.pk, "caption": photo.caption},
    )
    return photo


@transaction.atomic(durable=True)
def activity_photo_remove(*, actor: User, photo: ActivityPhoto) -> None:
    activity = photo.activity
    _check_manage(actor, activity)
    name, pk = photo.image.name or "", photo.pk
    photo.delete()
    transaction.on_commit(lambda: photo.image.storage.delete(name))
    audit.record(
        actor=actor, action="activity.photo_remove", obj=activity, org_path=activity.org.path, changes={"photo": pk}
    )
