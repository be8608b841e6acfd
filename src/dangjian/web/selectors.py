"""Reads for the home pages. Which home an actor sees follows the widest organisation they reach."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care.models import OPEN_STATES
from dangjian.care.selectors.needs import my_needs, officer_need_counts
from dangjian.care.selectors.talks import todo_list
from dangjian.compliance.selectors import warning_list
from dangjian.core.errors import NotFound
from dangjian.members.models import Member
from dangjian.members.selectors import MemberProfile, member_profile
from dangjian.orgs import selectors as org_selectors
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind
from dangjian.orgs.selectors import OrgSummary
from dangjian.study.models import (
    Activity,
    ActivityStatus,
    Attendance,
    Form,
    Semester,
)
from dangjian.study.rules.attendance import check_in_window
from dangjian.study.selectors.activities import (
    ATTENDED,
    ActivityFilters,
    MyActivity,
    MyStudy,
    ReviewQueue,
    activity_list,
    my_study,
    review_queue,
)
from dangjian.study.selectors.plans import semester_current
from dangjian.study.selectors.selfstudy import LedgerRow, ledger_for_member, ledger_for_scope

COMMITTEE, BRANCH, MEMBER = "committee", "branch", "member"


# --- The figures the officers' homes show: tables and charts read the same objects ---------------


@dataclass(frozen=True)
class Period:
    """What "this semester" covers on a home: the current semester up to today, else the last six months."""

    start: datetime.date
    end: datetime.date  # inclusive, never after today
    semester: Semester | None = None

    @property
    def months(self) -> list[datetime.date]:
        """The first day of each month the period touches, in order."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def study_period(*, actor: User, today: datetime.date) -> Period:
    semester = semester_current(actor=actor, today=today)
    if semester is not None and semester.starts_on <= today:
        return Period(semester.starts_on, min(semester.ends_on, today), semester)
    month = today.replace(day=1)
    for _ in range(5):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return Period(month, today)


@dataclass(frozen=True)
class MonthAttendance:
    month: datetime.date
    expected: int  # expected attendances at activities held that month
    attended: int  # of them, present or late

    @property
    def rate(self) -> int | None:
        """Percent attended (None for a month without activities)."""
        return round(self.attended * 100 / self.expected) if self.expected else None


@dataclass(frozen=True)
class FormCount:
    form: str
    label: str
    count: int


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def attendance_by_month(*, actor: User, period: Period, now: datetime.datetime | None = None) -> list[MonthAttendance]:
    """Attendance at the published activities the actor may see, month by month over `period`
    (activities not yet begun are left out): one grouped query."""
    now = now or timezone.now()
    start, end = _bounds(period)
    found = {
        row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]: row
        for row in Attendance.objects.filter(
            scope_for(actor).org_filter(Perm.VIEW_ORG, "activity__org__path"),
            expected=True,
            activity__status=ActivityStatus.PUBLISHED,
            activity__starts_at__gte=start,
            activity__starts_at__lt=min(end, now),
        )
        .annotate(month=TruncMonth("activity__starts_at"))
        .values("month")
        .annotate(expected_n=Count("pk"), attended_n=Count("pk", filter=Q(status__in=ATTENDED)))
        .order_by()
    }
    result = []
    for month in period.months:
        row = found.get(month)
        result.append(MonthAttendance(month, row["expected_n"] if row else 0, row["attended_n"] if row else 0))
    return result


def activities_by_form(*, actor: User, period: Period) -> list[FormCount]:
    """How many published activities of each form the actor's organisations held over `period`, most first."""
    start, end = _bounds(period)
    rows = (
        Activity.objects.filter(
            scope_for(actor).org_filter(Perm.VIEW_ORG),
            status=ActivityStatus.PUBLISHED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .values("form")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = dict(Form.choices)
    counts = [FormCount(row["form"], str(labels.get(row["form"], row["form"])), row["n"]) for row in rows]
    return sorted(counts, key=lambda c: (-c.count, c.form))


def hours_by_branch(*, actor: User, branches: list[Organisation], year: int) -> dict[int, int]:
    """{branch id: the average progress (percent) of its members toward this year's 学时}, exempt
    members left out; empty when the actor may not read the hours ledger."""
    try:
        ledger = ledger_for_scope(actor=actor, year=year)
    except NotFound:
        return {}
    deepest_first = sorted(branches, key=lambda org: -len(org.path))
    percents: dict[int, list[int]] = {}
    for row in ledger.rows:
        if row.exempt or row.member.org is None:
            continue
        branch = next((b for b in deepest_first if row.member.org.path.startswith(b.path)), None)
        if branch is not None:
            percents.setdefault(branch.pk, []).append(row.percent)
    return {pk: round(sum(values) / len(values)) for pk, values in percents.items()}


# --- The three homes ------------------------------------------------------------------------------


@dataclass
class CommitteeHome:
    roots: list[OrgSummary]  # the committees (or general branches) the actor oversees
    branches: list[OrgSummary]
    today: datetime.date
    period: Period | None = None
    attendance: list[MonthAttendance] = field(default_factory=list)
    forms: list[FormCount] = field(default_factory=list)
    hours: dict[int, int] = field(default_factory=dict)  # branch id → average progress, percent
    my_check_in: list[MyActivity] = field(default_factory=list)  # the officer's own, as a member
    kind: str = COMMITTEE

    @property
    def full_members(self) -> int:
        return sum(b.full_members for b in self.branches)

    @property
    def probationary_members(self) -> int:
        return sum(b.probationary_members for b in self.branches)

    @property
    def total_members(self) -> int:
        return self.full_members + self.probationary_members

    @property
    def elections_due(self) -> list[OrgSummary]:
        """Organisations whose 换届 is near or overdue, the soonest first."""
        due = [s for s in [*self.roots, *self.branches] if s.election_near]
        return sorted(due, key=lambda s: s.election_due or datetime.date.max)  # near: always dated

    @property
    def branches_with_problems(self) -> int:
        return sum(1 for b in self.branches if any(f.level == "problem" for f in b.findings))

    @property
    def branch_rows(self) -> list[tuple[OrgSummary, int | None]]:
        """Each branch with its members' average 学时 progress (None when unknown)."""
        return [(b, self.hours.get(b.org.pk)) for b in self.branches]

    @property
    def attendance_rate(self) -> int | None:
        """Attendance over the whole period, percent."""
        expected = sum(m.expected for m in self.attendance)
        return round(sum(m.attended for m in self.attendance) * 100 / expected) if expected else None


NEXT_MEETINGS = 5


@dataclass
class BranchHome:
    summaries: list[OrgSummary]  # one per branch (or group) the actor looks after
    next_meetings: list[Activity] = field(default_factory=list)
    queue: ReviewQueue = field(default_factory=lambda: ReviewQueue([], []))
    period: Period | None = None
    attendance: list[MonthAttendance] = field(default_factory=list)
    screens: set[int] = field(default_factory=set)  # next meetings in their check-in window that the actor runs
    my_check_in: list[MyActivity] = field(default_factory=list)  # the officer's own, as a member
    kind: str = BRANCH

    @property
    def waiting(self) -> int:
        return len(self.queue.leave_requests) + len(self.queue.make_ups)

    @property
    def attendance_rate(self) -> int | None:
        expected = sum(m.expected for m in self.attendance)
        return round(sum(m.attended for m in self.attendance) * 100 / expected) if expected else None


NEXT_ACTIVITIES = 3


@dataclass
class MemberHome:
    profile: MemberProfile | None
    branch: Organisation | None
    officers: list[OfficerTerm] = field(default_factory=list)
    study: MyStudy | None = None
    hours: LedgerRow | None = None
    open_needs: int = 0
    now: datetime.datetime | None = None
    kind: str = MEMBER

    @property
    def check_in_now(self) -> list[MyActivity]:
        """The activities whose check-in is open this minute."""
        return [item for item in self.study.today if item.check_in_open] if self.study else []

    @property
    def next_activities(self) -> list[MyActivity]:
        """The next few activities still ahead (those open for check-in are shown apart)."""
        if self.study is None:
            return []
        now = self.now or timezone.now()
        ahead = [i for i in self.study.today if not i.check_in_open and i.activity.ends_at > now]
        return [*ahead, *self.study.upcoming][:NEXT_ACTIVITIES]


@dataclass(frozen=True)
class CareSummary:
    """What waits for an officer who looks after members: counts only, each linking to its list."""

    open_needs: int
    overdue_needs: int
    open_todos: int
    open_warnings: int


def care_summary(*, actor: User, today: datetime.date | None = None) -> CareSummary | None:
    """Counts of open and overdue needs, required talks and early-warning entries in the actor's scope."""
    if not scope_for(actor).has_anywhere(Perm.MANAGE_CARE):
        return None
    open_needs, overdue_needs = officer_need_counts(actor, today)
    return CareSummary(
        open_needs=open_needs,
        overdue_needs=overdue_needs,
        open_todos=todo_list(actor).count(),
        open_warnings=warning_list(actor=actor).count(),
    )


def _root_orgs(actor: User) -> list[Organisation]:
    """The organisations at the top of the actor's view scope (none for an administrator)."""
    paths = [p for p in scope_for(actor).paths(Perm.VIEW_ORG) if p]
    return list(Organisation.objects.filter(path__in=paths).order_by("path"))


def _my_check_in(actor: User, now: datetime.datetime) -> list[MyActivity]:
    """An officer is a member too: the activities open for their own check-in this minute."""
    if scope_for(actor).member_id is None:
        return []
    return [item for item in my_study(actor=actor, now=now).today if item.check_in_open]


def _check_in_open(activity: Activity, now: datetime.datetime) -> bool:
    if activity.status != ActivityStatus.PUBLISHED:
        return False
    window = check_in_window(activity.starts_at, activity.ends_at)
    opens = activity.check_in_opens_at or window.opens_at
    closes = activity.check_in_closes_at or window.closes_at
    return opens <= now <= closes


def home_for(
    *, actor: User, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> CommitteeHome | BranchHome | MemberHome:
    """The home page data for the widest part of the tree the actor reaches."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    scope = scope_for(actor)
    if scope.has_anywhere(Perm.VIEW_ORG):
        roots = (
            list(Organisation.objects.filter(parent__isnull=True).active().order_by("path"))
            if scope.is_admin
            else _root_orgs(actor)
        )
        period = study_period(actor=actor, today=today)
        if scope.is_admin or any(r.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH) for r in roots):
            wide = [r for r in roots if r.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)]
            branches = org_selectors.branch_overview(actor=actor, today=today)
            return CommitteeHome(
                roots=[org_selectors.org_summary(actor=actor, org=r, today=today) for r in wide],
                branches=branches,
                today=today,
                period=period,
                attendance=attendance_by_month(actor=actor, period=period, now=now),
                forms=activities_by_form(actor=actor, period=period),
                hours=hours_by_branch(actor=actor, branches=[b.org for b in branches], year=today.year),
                my_check_in=_my_check_in(actor, now),
            )
        next_meetings = list(
            activity_list(actor=actor, filters=ActivityFilters(when="upcoming"), now=now)[:NEXT_MEETINGS]
        )
        return BranchHome(
            summaries=[org_selectors.org_summary(actor=actor, org=r, today=today) for r in roots],
            next_meetings=next_meetings,
            queue=review_queue(actor=actor),
            period=period,
            attendance=attendance_by_month(actor=actor, period=period, now=now),
            my_check_in=_my_check_in(actor, now),
            screens={
                a.pk for a in next_meetings if _check_in_open(a, now) and scope.allows(Perm.MANAGE_STUDY, a.org.path)
            },
        )
    return member_home(actor=actor, today=today, now=now)


def member_home(*, actor: User, today: datetime.date | None = None, now: datetime.datetime | None = None) -> MemberHome:
    """What a member does next: check-in open now, the next activities, this year's 学时 against the
    requirement, and their open matters; with their organisation and the officers they can turn to."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    member_id = scope_for(actor).member_id
    if member_id is None:
        return MemberHome(profile=None, branch=None)
    member = Member.objects.select_related("org", "org__parent").get(pk=member_id)
    profile = member_profile(member=member, today=today)
    org = member.org
    branch = org.branch if org is not None else None
    officers: list[OfficerTerm] = []
    if org is not None:
        officers = list(
            OfficerTerm.objects.current(profile.today)
            .filter(org__in={o.pk for o in (org, branch) if o is not None})
            .select_related("member", "org")
            .by_rank()
        )
        officers.sort(key=lambda term: term.org.path)  # stable: the branch first, rank kept within each
    needs = my_needs(actor)
    return MemberHome(
        profile=profile,
        branch=branch,
        officers=officers,
        study=my_study(actor=actor, now=now),
        hours=ledger_for_member(member, today.year),
        open_needs=needs.filter(state__in=OPEN_STATES).count(),
        now=now,
    )
