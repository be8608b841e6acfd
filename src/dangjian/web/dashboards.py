"""Reads for the dashboards (看板): the figures a committee, a branch and a member see, each scoped to
the actor, in a fixed number of queries whatever the number of branches.

The figures come from the apps that own them (compliance's matrix and early warning, study's
attendance and hours ledger, care's needs and talk coverage, the organisations' 换届 dates) and are
only put together here. No figure names or ranks a member: hours are counts of members per band.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care.selectors.needs import NeedTimeliness, need_timeliness
from dangjian.care.selectors.talks import BranchCoverage, talk_coverage_by_branch
from dangjian.compliance import selectors as life
from dangjian.compliance.models import EntryStatus, Level
from dangjian.compliance.rules import requirements as req
from dangjian.core.errors import NotFound
from dangjian.members.models import Member
from dangjian.orgs import rules as org_rules
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.study.models import ActivityStatus, Attendance
from dangjian.study.selectors.activities import ATTENDED, MyActivity, my_study
from dangjian.study.selectors.selfstudy import LedgerRow, ledger_for_member, ledger_for_scope
from dangjian.web import rules
from dangjian.web.selectors import MonthAttendance, Period, attendance_by_month

COMMITTEE, BRANCH, MEMBER = "committee", "branch", "member"
PERM = life.LIFE_PERM  # the officers who run organisational life see the dashboard of their organisations
WIDE_KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)


def dashboard_kind(actor: User) -> str | None:
    """Which dashboard the actor sees: a committee's (over a committee or general branch, or everywhere),
    a branch's (officers of branches), a member's own year, or none (an account without a member record)."""
    scope = scope_for(actor)
    if scope.is_admin:
        return COMMITTEE
    roots = [p for p in scope.paths(PERM) if p]
    if roots:
        wide = Organisation.objects.filter(path__in=roots, kind__in=WIDE_KINDS).exists()
        return COMMITTEE if wide else BRANCH
    return MEMBER if scope.member_id is not None else None


# --- The officers' dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementCount:
    """How the branches stand on one requirement in the period: counts per status."""

    requirement: req.Requirement
    counts: dict[str, int]

    @property
    def applicable(self) -> int:
        return sum(n for status, n in self.counts.items() if status != req.Status.NOT_APPLICABLE)

    @property
    def met_rate(self) -> int | None:
        """Percent of the branches that met it or were excused, among those where it is decided: met, excused
        or overdue. A branch still within its period (due) is not counted as failing: early in a year, a
        yearly requirement would otherwise show 0 %. None while nothing is decided."""
        done = self.counts.get(req.Status.MET, 0) + self.counts.get(req.Status.EXCUSED, 0)
        decided = done + self.counts.get(req.Status.OVERDUE, 0)
        return round(done * 100 / decided) if decided else None

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)


@dataclass(frozen=True)
class BandCount:
    band: rules.HoursBand
    count: int


@dataclass(frozen=True)
class Deadline:
    """A requirement still due, and when its period closes: for how many of the branches."""

    requirement: req.Requirement
    closes_on: datetime.date
    orgs: tuple[Organisation, ...]


@dataclass(frozen=True)
class Election:
    org: Organisation
    due: datetime.date

    def overdue(self, today: datetime.date) -> bool:
        return self.due < today


@dataclass
class OfficerDashboard:
    kind: str  # COMMITTEE or BRANCH
    today: datetime.date
    period: req.ReportingPeriod
    year: int
    columns: tuple[req.Requirement, ...]
    rows: list[life.LifeRow]
    attendance: list[MonthAttendance] = field(default_factory=list)
    hours: list[BandCount] = field(default_factory=list)
    hours_known: bool = False  # whether the actor may read the hours ledger
    needs: NeedTimeliness | None = None  # None when the actor does not look after members
    coverage: list[BranchCoverage] = field(default_factory=list)
    warnings: int = 0
    alarms: int = 0
    elections: list[Election] = field(default_factory=list)

    @property
    def branches(self) -> list[Organisation]:
        return [row.org for row in self.rows]

    @property
    def requirement_counts(self) -> list[RequirementCount]:
        return [
            RequirementCount(requirement, dict(Counter(row.cells[i].status for row in self.rows)))
            for i, requirement in enumerate(self.columns)
        ]

    @property
    def overdue(self) -> int:
        """Cells overdue across the matrix."""
        return sum(row.overdue for row in self.rows)

    @property
    def branches_short(self) -> list[life.LifeRow]:
        """The branches with at least one requirement overdue, in tree order."""
        return [row for row in self.rows if row.overdue]

    @property
    def deadlines(self) -> list[Deadline]:
        """Requirements still due in the period, soonest closing first, with the branches they are due for."""
        due: dict[tuple[str, datetime.date], list[Organisation]] = defaultdict(list)
        by_key = {r.key: r for r in self.columns}
        for row in self.rows:
            for cell in row.cells:
                for check in cell.checks:
                    if check.status == req.Status.DUE:
                        key = (cell.requirement.key, check.result.closes_on)
                        if row.org not in due[key]:
                            due[key].append(row.org)
        return sorted(
            (Deadline(by_key[key], closes_on, tuple(orgs)) for (key, closes_on), orgs in due.items()),
            key=lambda d: (d.closes_on, [r.key for r in self.columns].index(d.requirement.key)),
        )

    @property
    def attendance_rate(self) -> int | None:
        expected = sum(m.expected for m in self.attendance)
        return round(sum(m.attended for m in self.attendance) * 100 / expected) if expected else None

    @property
    def hours_members(self) -> int:
        return sum(b.count for b in self.hours)

    @property
    def hours_met(self) -> int:
        return sum(b.count for b in self.hours if b.band.key == rules.MET)

    @property
    def coverage_rate(self) -> int | None:
        pairs = sum(c.pairs for c in self.coverage)
        return round(sum(c.covered for c in self.coverage) * 100 / pairs) if pairs else None

    @property
    def open_warnings(self) -> int:
        return self.warnings + self.alarms


def year_period(year: int, today: datetime.date) -> Period:
    """The year up to today (the whole year for a past one)."""
    return Period(datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today))


def hours_bands(rows: list[LedgerRow]) -> list[BandCount]:
    """How many members fall in each band of progress toward their requirement: counts, never names."""
    counts = Counter(rules.hours_band(row.total, row.required, exempt=row.exempt) for row in rows)
    return [BandCount(band, counts.get(band.key, 0)) for band in rules.all_bands()]


def _elections(orgs: list[Organisation], today: datetime.date) -> list[Election]:
    """The organisations whose 换届 is near or overdue (orgs' rules), soonest first."""
    found = []
    for org in orgs:
        due = org_rules.next_election_on(org.term_started_on, org_rules.term_years(org.kind, org.term_years))
        if due is not None and org_rules.election_is_near(due, today):
            found.append(Election(org, due))
    return sorted(found, key=lambda e: (e.due, e.org.path))


def officer_dashboard(
    *,
    actor: User,
    period: req.ReportingPeriod | None = None,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> OfficerDashboard:
    """The committee's or the branch's dashboard over the actor's organisations; 404 for anyone who does
    not run organisational life anywhere. The year of the other figures is the period's."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    kind = dashboard_kind(actor)
    if kind not in (COMMITTEE, BRANCH):
        raise NotFound()
    period = period or life.life_period(None, today)
    year = period.starts_on.year
    scope = scope_for(actor)
    branches = list(life.life_branches(actor))
    rows = life.life_matrix(branches, period, today=today)
    dashboard = OfficerDashboard(
        kind=kind,
        today=today,
        period=period,
        year=year,
        columns=life.life_columns(),
        rows=rows,
        attendance=attendance_by_month(actor=actor, period=year_period(year, today), now=now),
    )
    try:
        dashboard.hours = hours_bands(ledger_for_scope(actor=actor, year=year).rows)
        dashboard.hours_known = True
    except NotFound:
        dashboard.hours = hours_bands([])
    if scope.has_anywhere(Perm.MANAGE_CARE):
        dashboard.needs = need_timeliness(actor, year=year, today=today)
        care_branches = [b for b in branches if scope.allows(Perm.MANAGE_CARE, b.path)]
        dashboard.coverage = talk_coverage_by_branch(care_branches, year, today)
        levels = (
            life.warning_list(actor=actor, status=EntryStatus.OPEN)
            .order_by()
            .aggregate(
                warnings=Count("pk", filter=Q(level=Level.WARNING)), alarms=Count("pk", filter=Q(level=Level.ALARM))
            )
        )
        dashboard.warnings, dashboard.alarms = levels["warnings"], levels["alarms"]
    roots = [p for p in scope.paths(PERM) if p]
    wide = list(Organisation.objects.active().filter(path__in=roots, kind__in=WIDE_KINDS)) if roots else []
    if scope.is_admin:
        wide = list(Organisation.objects.active().filter(kind__in=WIDE_KINDS))
    dashboard.elections = _elections([*wide, *branches], today)
    return dashboard


# --- A member's own year ----------------------------------------------------------------------------

COMING = 5  # the next activities shown


@dataclass
class MemberDashboard:
    member: Member
    year: int
    hours: LedgerRow
    months: list[MonthAttendance]
    coming: list[MyActivity]

    @property
    def expected(self) -> int:
        return sum(m.expected for m in self.months)

    @property
    def attended(self) -> int:
        return sum(m.attended for m in self.months)

    @property
    def attendance_rate(self) -> int | None:
        return round(self.attended * 100 / self.expected) if self.expected else None


def my_attendance_by_month(member: Member, period: Period, now: datetime.datetime) -> list[MonthAttendance]:
    """The member's own attendance at the published activities they were expected at, month by month over
    `period` (activities not yet begun left out), in one query."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    found = {
        row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]: row
        for row in Attendance.objects.filter(
            member=member,
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


def member_dashboard(
    *, actor: User, year: int | None = None, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> MemberDashboard:
    """The actor's own year: 学时 against the requirement, activities attended, what is coming. 404 for an
    account without a member record."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    year = year or today.year
    member_id = scope_for(actor).member_id
    if member_id is None:
        raise NotFound()
    member = Member.objects.select_related("org").get(pk=member_id)
    study = my_study(actor=actor, now=now)
    coming = [item for item in [*study.today, *study.upcoming] if item.activity.ends_at > now][:COMING]
    return MemberDashboard(
        member=member,
        year=year,
        hours=ledger_for_member(member, year),
        months=my_attendance_by_month(member, year_period(year, today), now),
        coming=coming if year == today.year else [],
    )
