"""Reads of activities, attendance, leave and make-up, limited to the actor's scope.

An officer sees the activities of the organisations they may view; a member sees the activities
organised (or jointly organised) by their own organisation and the ones above it, and their own
attendance, leave and make-up. `access_*` raise `NotFound` for missing and forbidden alike.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When
from django.utils import timezone
from django.utils.functional import Promise

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.members.audience import in_audience
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member, near_first
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind
from dangjian.orgs.rules import ancestor_paths
from dangjian.orgs.selectors import member_search, org_list
from dangjian.study.models import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    Form,
    LeaveRequest,
    MakeUp,
    MakeUpStatus,
    RequestStatus,
)
from dangjian.study.rules import attendance as rules
from dangjian.study.rules.committee_meetings import LEADERSHIP_FORMS, form_fits_org_kind, is_leadership_meeting

ATTENDED = [AttendanceStatus.PRESENT, AttendanceStatus.LATE]


def orgs_run(actor: User) -> list[Organisation]:
    """Organisations where the actor runs study (may organise activities): active ones they manage study of."""
    scope = scope_for(actor)
    return [org for org in org_list(actor=actor) if scope.allows(Perm.MANAGE_STUDY, org.path)]


def form_choices(orgs: Iterable[Organisation]) -> list[tuple[str, str | Promise]]:
    """The forms of activity these organisers may hold between them (`form_fits_org_kind`: the leadership
    meetings only where one of them is a committee). What the activity page offers and the API accepts; with
    several organisers, the chosen one is checked against the same rule."""
    kinds = {org.kind for org in orgs}
    return [(value, label) for value, label in Form.choices if any(form_fits_org_kind(value, kind) for kind in kinds)]


def form_choices_on_edit(activity: Activity) -> list[tuple[str, str | Promise]]:
    """The forms an existing activity may change to: its organiser's (`form_choices`), a committee meeting
    staying a committee meeting and any other activity staying one of the others (what `activity_update`
    accepts)."""
    leadership = is_leadership_meeting(activity.form)
    return [
        (value, label) for value, label in form_choices([activity.org]) if is_leadership_meeting(value) == leadership
    ]


def own_org_ids(member: Member | None) -> list[int]:
    """The member's organisation and every one above it: whose activities are for them."""
    if member is None or member.org is None:
        return []
    return [*member.org.ancestor_ids(), member.org.pk]


def _joint_of(org_ids: list[int]) -> Q:
    through = Activity.joint_orgs.through
    return Q(pk__in=through.objects.filter(organisation_id__in=org_ids).values("activity_id"))


def _not_a_leaders_meeting_unless_at(member: Member) -> Q:
    """A leaders' meeting (党委会, 党政联席会议) is not held for the committee's members: a member sees one
    only when they are among its attendees."""
    attending = Attendance.objects.filter(member=member).values("activity_id")
    return ~Q(form__in=LEADERSHIP_FORMS) | Q(pk__in=attending)


def _visible(actor: User) -> Q:
    scope = scope_for(actor)
    query = scope.org_filter(Perm.VIEW_ORG) if scope.has_anywhere(Perm.VIEW_ORG) else Q(pk__in=[])
    member = actor_member(actor) if scope.member_id else None
    org_ids = own_org_ids(member)
    if member is not None and org_ids:  # a member sees the activities held for them once they are announced
        query |= (
            (Q(org_id__in=org_ids) | _joint_of(org_ids))
            & ~Q(status=ActivityStatus.DRAFT)
            & _not_a_leaders_meeting_unless_at(member)
        )
    return query


def can_view_activity(actor: User, activity: Activity) -> bool:
    scope = scope_for(actor)
    if scope.allows(Perm.VIEW_ORG, activity.org.path):
        return True
    member = actor_member(actor)
    if member is None or member.org is None or activity.status == ActivityStatus.DRAFT:
        return False
    if activity.form in LEADERSHIP_FORMS:
        return activity.attendances.filter(member=member).exists()
    member_path = member.org.path
    paths = [activity.org.path, *(o.path for o in activity.joint_orgs.all())]
    return any(member_path.startswith(path) for path in paths)


def can_manage_activity(actor: User, activity: Activity) -> bool:
    return scope_for(actor).allows(Perm.MANAGE_STUDY, activity.org.path)


def can_see_attendance(actor: User, activity: Activity) -> bool:
    """Whether the actor may see who came: officers over the organiser (a member sees only themself)."""
    return scope_for(actor).allows(Perm.VIEW_MEMBERS, activity.org.path)


def access_activity(actor: User, activity_id: int | str, *, manage: bool = False) -> Activity:
    """The activity if the actor may see it (or, with `manage`, run it); 404 otherwise."""
    try:
        activity = (
            Activity.objects.select_related("org", "speaker", "plan_item")
            .prefetch_related("joint_orgs")
            .get(pk=activity_id)
        )
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    allowed = can_manage_activity(actor, activity) if manage else can_view_activity(actor, activity)
    if not allowed:
        raise NotFound()
    return activity


def access_activity_for_check_in(activity_id: int | str) -> Activity:
    """The activity a check-in link names; who may check in is the service's decision (it says why not).
    The joint organisers are not prefetched: the service reads them only for a member outside the organiser."""
    try:
        return Activity.objects.select_related("org").get(pk=activity_id)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# What a check-in reads and shows: loading only these columns of the five joined tables halves
# the ORM's work on the busiest request (bench/check_in_storm.py).
CHECK_IN_FIELDS = (
    "status",
    "expected",
    "checked_in_at",
    "activity__status",
    "activity__theme",
    "activity__starts_at",
    "activity__ends_at",
    "activity__place",
    "activity__check_in_opens_at",
    "activity__check_in_closes_at",
    "activity__late_after",
    "activity__org__path",
    "activity__org__name",
    "member__user_id",
    "member__name",
    "member__org__path",
    "member__org__name",
)


def check_in_target(actor: User, activity_id: int | str) -> tuple[Activity, Attendance | None]:
    """The activity a check-in link names and the actor's attendance row for it, in one query when
    the row exists (every expected attendee has one): the busiest request the platform serves."""
    try:
        row = (
            Attendance.objects.select_related("activity__org", "member__org")
            .only(*CHECK_IN_FIELDS)
            .filter(activity_id=int(activity_id), member__user_id=actor.pk)
            .first()
        )
    except (ValueError, TypeError):
        raise NotFound() from None
    if row is not None:
        return row.activity, row
    return access_activity_for_check_in(activity_id), None


@dataclass(frozen=True)
class ActivityFilters:
    when: str = "upcoming"  # "upcoming", "past" or "all"
    status: str = ""
    org_id: int | None = None
    q: str = ""


def speaker_root(org: Organisation) -> Organisation:
    """The college a speaker may come from: the nearest committee at or above `org` (else `org`)."""
    committees = Organisation.objects.filter(path__in=ancestor_paths(org.path), kind=OrgKind.COMMITTEE)
    return committees.order_by("-path").first() or org


def speaker_options(org: Organisation, q: str = "") -> QuerySet[Member]:
    """Members who may give a lecture or report at `org`'s activity, matching `q` (name, pinyin initials
    or number): those of `org` itself first, then the rest of its college (a committee secretary
    lecturing at a branch). The speaker picker's options and what the form accepts."""
    root = speaker_root(org)
    qs = Member.objects.current().filter(org__path__startswith=root.path).for_list()
    if term := q.strip():
        qs = qs.filter(member_search(term))
    return near_first(qs, org)


def activity_list(
    *, actor: User, filters: ActivityFilters = ActivityFilters(), now: datetime.datetime | None = None
) -> QuerySet[Activity]:
    """Activities the actor may see, with attendance counts, soonest first (latest first for the past)."""
    now = now or timezone.now()
    qs = Activity.objects.filter(_visible(actor)).select_related("org")
    if filters.when == "upcoming":
        qs = qs.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif filters.when == "past":
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        qs = qs.order_by("-starts_at", "-pk")
    if filters.status in ActivityStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.org_id:
        org = Organisation.objects.filter(pk=filters.org_id).only("path").first()
        qs = qs.filter(org__path__startswith=org.path) if org else qs.none()
    if term := filters.q.strip():
        qs = qs.filter(Q(theme__contains=term) | Q(place__contains=term))
    # A past meeting recorded afterwards has no attendance rows: its counts were entered with the record.
    afterwards = Q(recorded_afterwards=True)
    return qs.annotate(
        n_expected=Case(
            When(afterwards, then=F("expected_count")),
            default=Count("attendances", filter=Q(attendances__expected=True)),
        ),
        n_attended=Case(
            When(afterwards, then=F("present_count")),
            default=Count("attendances", filter=Q(attendances__status__in=ATTENDED)),
        ),
    )


def check_in_counts(activity: Activity) -> dict[str, int]:
    """How many have checked in so far, for the check-in screen."""
    row = activity.attendances.aggregate(
        expected=Count("pk", filter=Q(expected=True)),
        checked_in=Count("pk", filter=Q(status__in=ATTENDED)),
    )
    return {"expected": row["expected"], "checked_in": row["checked_in"]}


def check_in_window_of(activity: Activity) -> rules.CheckInWindow:
    """The activity's check-in window as stored, or the default one for its times."""
    default = rules.check_in_window(activity.starts_at, activity.ends_at)
    return rules.CheckInWindow(
        opens_at=activity.check_in_opens_at or default.opens_at,
        closes_at=activity.check_in_closes_at or default.closes_at,
        late_after=activity.late_after or default.late_after,
    )


def check_in_is_open(activity: Activity, now: datetime.datetime | None = None) -> bool:
    """Whether members can check in now: the activity is published and `now` is inside its window.
    The check-in screen is offered, and served, only then."""
    if activity.status != ActivityStatus.PUBLISHED:
        return False
    window = check_in_window_of(activity)
    return window.opens_at <= (now or timezone.now()) <= window.closes_at


@dataclass(frozen=True)
class AttendanceSummary:
    """The attendance of one activity in numbers: what the tiles, the record's attendance line and the
    API show, all read from the attendance rows at the moment they are shown (never stored as text)."""

    expected: int  # 应到: the expected attendees fixed at publishing
    present: int
    late: int
    leave: int
    absent: int
    made_up: int
    not_yet: int  # expected, nothing recorded yet

    @property
    def attended(self) -> int:  # 实到: present or late, walk-ins included
        return self.present + self.late


def attendance_summary(activity: Activity) -> tuple[dict[str, int], AttendanceSummary]:
    """Rows per status (every status present as a key) and the summary, from one query."""
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    expected = 0
    for status, is_expected, n in (
        activity.attendances.values_list("status", "expected").annotate(n=Count("pk")).order_by()
    ):
        counts[status] = counts.get(status, 0) + n
        expected += n if is_expected else 0
    summary = AttendanceSummary(
        expected=expected,
        present=counts[AttendanceStatus.PRESENT],
        late=counts[AttendanceStatus.LATE],
        leave=counts[AttendanceStatus.LEAVE],
        absent=counts[AttendanceStatus.ABSENT],
        made_up=counts[AttendanceStatus.MADE_UP],
        not_yet=counts[AttendanceStatus.EXPECTED],
    )
    return counts, summary


@dataclass
class ActivityDetail:
    activity: Activity
    attendances: list[Attendance]  # everyone, for officers; only the actor's own row otherwise
    counts: dict[str, int]
    summary: AttendanceSummary
    leave_requests: list[LeaveRequest]
    my_attendance: Attendance | None
    my_leave: LeaveRequest | None


def attendance_rows(activity: Activity) -> QuerySet[Attendance]:
    return activity.attendances.select_related("member", "member__org", "make_up", "marked_by").order_by(
        "member__org__path", "member__name_initials", "member__pk"
    )


def activity_detail(*, actor: User, activity: Activity) -> ActivityDetail:
    """An activity (reached through `access_activity`) with the attendance the actor may see."""
    scope = scope_for(actor)
    everyone = can_see_attendance(actor, activity)
    rows = list(attendance_rows(activity)) if everyone else []
    mine = None
    if scope.member_id:
        mine = next((r for r in rows if r.member_id == scope.member_id), None) if everyone else None
        if mine is None:
            mine = activity.attendances.select_related("make_up").filter(member_id=scope.member_id).first()
    counts, summary = attendance_summary(activity)
    leaves = (
        list(activity.leave_requests.select_related("member", "decided_by").order_by("created_at")) if everyone else []
    )
    my_leave = activity.leave_requests.filter(member_id=scope.member_id).first() if scope.member_id else None
    return ActivityDetail(activity, rows, counts, summary, leaves, mine, my_leave)


def overdue_make_up_ids(rows: list[Attendance], today: datetime.date) -> set[int]:
    """The make-ups among `rows` (read with their make-up) not handed in by their due day."""
    found = set()
    for row in rows:
        make_up = getattr(row, "make_up", None)  # a row without one raises a subclass of AttributeError
        if make_up is not None and rules.make_up_overdue(make_up.status, make_up.due_on, today):
            found.add(make_up.pk)
    return found


# --- a member's own study ("我的学习") --------------------------------------------------------


@dataclass
class MyActivity:
    activity: Activity
    attendance: Attendance | None
    leave: LeaveRequest | None
    check_in_open: bool
    can_ask_leave: bool


@dataclass
class MyMakeUp:
    make_up: MakeUp
    open: bool  # still to be handed in (assigned or returned)
    overdue: bool  # open and past its due day


def my_make_up(make_up: MakeUp, today: datetime.date) -> MyMakeUp:
    return MyMakeUp(
        make_up=make_up,
        open=make_up.status in rules.MAKE_UP_OPEN_STATUSES,
        overdue=rules.make_up_overdue(make_up.status, make_up.due_on, today),
    )


@dataclass
class MyStudy:
    member: Member | None
    today: list[MyActivity] = field(default_factory=list)
    upcoming: list[MyActivity] = field(default_factory=list)
    make_ups: list[MyMakeUp] = field(default_factory=list)
    leave_requests: list[LeaveRequest] = field(default_factory=list)


UPCOMING_DAYS = 60
CALENDAR_PAST_DAYS = 60  # a calendar feed keeps the last two months, so past meetings stay in the phone's calendar
CALENDAR_AHEAD_DAYS = 180


def calendar_activities(*, actor: User, now: datetime.datetime | None = None) -> list[Activity]:
    """The member's activities for their calendar feed: those of their organisations (joint ones too)
    that they are expected at or in the audience of, two months back and half a year ahead; cancelled
    ones stay in, so that a calendar drops them."""
    now = now or timezone.now()
    member = actor_member(actor)
    if member is None:
        return []
    org_ids = own_org_ids(member)
    today = timezone.localdate(now)
    is_officer = OfficerTerm.objects.current(today).filter(member=member).exists()
    activities = (
        Activity.objects.filter(Q(org_id__in=org_ids) | _joint_of(org_ids))
        .filter(status__in=[ActivityStatus.PUBLISHED, ActivityStatus.CANCELLED])
        .filter(
            ends_at__gte=now - datetime.timedelta(days=CALENDAR_PAST_DAYS),
            starts_at__lt=now + datetime.timedelta(days=CALENDAR_AHEAD_DAYS),
        )
        .select_related("org")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.filter(member=member), to_attr="mine"))
        .order_by("starts_at", "pk")
    )
    return [
        a
        for a in activities
        if a.mine or (a.form not in LEADERSHIP_FORMS and in_audience(a.audience, member.category, is_officer))
    ]


def my_study(*, actor: User, now: datetime.datetime | None = None) -> MyStudy:
    """Today's and upcoming activities for the member, with their check-in state, leave and make-up."""
    now = now or timezone.now()
    member = actor_member(actor)
    if member is None:
        return MyStudy(member=None)
    org_ids = own_org_ids(member)
    today = timezone.localdate(now)
    day_start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    activities = list(
        Activity.objects.filter(Q(org_id__in=org_ids) | _joint_of(org_ids), status=ActivityStatus.PUBLISHED)
        .filter(ends_at__gte=day_start, starts_at__lt=now + datetime.timedelta(days=UPCOMING_DAYS))
        .select_related("org")
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.filter(member=member), to_attr="mine"),
            Prefetch("leave_requests", queryset=LeaveRequest.objects.filter(member=member), to_attr="my_leaves"),
        )
        .order_by("starts_at", "pk")
    )
    is_officer = OfficerTerm.objects.current(today).filter(member=member).exists()
    result = MyStudy(member=member)
    for activity in activities:
        attendance = cast(Attendance | None, activity.mine[0] if activity.mine else None)
        if attendance is None and (
            activity.form in LEADERSHIP_FORMS or not in_audience(activity.audience, member.category, is_officer)
        ):
            continue
        leave = cast(LeaveRequest | None, activity.my_leaves[0] if activity.my_leaves else None)
        item = MyActivity(
            activity=activity,
            attendance=attendance,
            leave=leave,
            check_in_open=check_in_is_open(activity, now),
            can_ask_leave=(
                leave is None
                and attendance is not None
                and attendance.expected
                and attendance.status == AttendanceStatus.EXPECTED
                and rules.leave_allowed(now, activity.starts_at)
            ),
        )
        (result.today if timezone.localdate(activity.starts_at) <= today else result.upcoming).append(item)
    result.make_ups = [
        my_make_up(make_up, today)
        for make_up in MakeUp.objects.filter(attendance__member=member)
        .exclude(status=MakeUpStatus.ACCEPTED, reviewed_at__lt=now - datetime.timedelta(days=30))
        .select_related("attendance__activity", "attendance__activity__org")
        .order_by("due_on", "pk")
    ]
    result.leave_requests = list(
        LeaveRequest.objects.filter(member=member, activity__ends_at__gte=now - datetime.timedelta(days=30))
        .select_related("activity")
        .order_by("-created_at")
    )
    return result


# --- leave and make-up ------------------------------------------------------------------------


def access_leave_request(actor: User, leave_id: int | str, *, manage: bool = False) -> LeaveRequest:
    """A leave request: the member's own, or (with `manage`) one an officer of the organiser decides."""
    try:
        leave = LeaveRequest.objects.select_related("activity", "activity__org", "member", "decided_by").get(
            pk=leave_id
        )
    except (LeaveRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if can_manage_activity(actor, leave.activity):
        return leave
    if not manage and leave.member_id == scope_for(actor).member_id:
        return leave
    raise NotFound()


def access_make_up(actor: User, make_up_id: int | str, *, manage: bool = False) -> MakeUp:
    """A make-up: the member's own, or (with `manage`) one an officer of the organiser reviews."""
    try:
        make_up = MakeUp.objects.select_related(
            "attendance", "attendance__member", "attendance__activity", "attendance__activity__org", "reviewed_by"
        ).get(pk=make_up_id)
    except (MakeUp.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if can_manage_activity(actor, make_up.attendance.activity):
        return make_up
    if not manage and make_up.attendance.member_id == scope_for(actor).member_id:
        return make_up
    raise NotFound()


@dataclass
class ReviewQueue:
    leave_requests: list[LeaveRequest]
    make_ups: list[MakeUp]


def review_queue(*, actor: User) -> ReviewQueue:
    """Leave requests waiting for a decision and make-ups waiting for review, where the actor runs study."""
    scope = scope_for(actor)
    leaves = LeaveRequest.objects.filter(
        scope.org_filter(Perm.MANAGE_STUDY, "activity__org__path"), status=RequestStatus.PENDING
    )
    make_ups = MakeUp.objects.filter(
        scope.org_filter(Perm.MANAGE_STUDY, "attendance__activity__org__path"), status=MakeUpStatus.SUBMITTED
    )
    return ReviewQueue(
        leave_requests=list(leaves.select_related("activity", "member").order_by("activity__starts_at", "pk")),
        make_ups=list(
            make_ups.select_related("attendance__activity", "attendance__member").order_by("submitted_at", "pk")
        ),
    )


def make_ups_to_hand_in(*, actor: User) -> list[MakeUp]:
    """The actor's own make-ups still to be handed in (assigned or returned), the soonest due first."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return []
    return list(
        MakeUp.objects.filter(attendance__member_id=member_id, status__in=rules.MAKE_UP_OPEN_STATUSES)
        .select_related("attendance__activity")
        .order_by("due_on", "pk")
    )
