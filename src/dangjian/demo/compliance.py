"""The demo college's early warning: a few members who show up for different reasons, from real data.

Built after the study demo (activities with attendance exist). Nothing here writes an entry by hand:
the demo changes what the members did — through the study, members and care services, with the
committee secretary as the officer — and then runs the refresh, which finds them:

- in the faculty branch of the demo branch secretary: one member absent from the last three
  activities (a warning, and a required talk in the care app); one away on leave from every
  meeting for over five months (an alarm as the six-month line of 党章 Art.9 nears); one taking part
  far less than in the year before; one with no study logged for over three months;
- in the retirees' branch: a member who has become frail and bedridden, missed when the branch
  visited its retirees this autumn, not talked with for over a year (bring study home, 送学上门).

`compliance_demo_ensure` is idempotent: it changes the data once (when the demo committee has no
early-warning entry yet) and otherwise only runs the refresh, which changes nothing new on a day.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.system import system_actor
from dangjian.care.models import Talk
from dangjian.care.services import talk_record
from dangjian.compliance import rules
from dangjian.compliance.models import RequirementExcuse, WarningEntry
from dangjian.compliance.rules import requirements as req
from dangjian.compliance.selectors import warning_rules
from dangjian.compliance.services import requirement_excuse, warnings_refresh_for
from dangjian.demo import clock
from dangjian.demo.plan import DEMO_COMMITTEE_CODE
from dangjian.demo.study import SUMMER_EXCUSE_SECRETARY, summer_months
from dangjian.members.models import Category, Member, SituationKind, SpecialSituation
from dangjian.members.services import situation_add
from dangjian.orgs.models import OfficerTerm, Organisation, Position
from dangjian.study.models import ActivityStatus, Attendance, AttendanceStatus, SelfStudy
from dangjian.study.services.activities import attendance_mark

LEAVE_REASON = "在外地挂职锻炼，无法参加支部活动"
ABSENT_REASON = "未请假，未到会"
VISIT_SUMMARY = "走访慰问老党员，了解身体和生活情况，送去学习材料。"
OLD_VISIT_SUMMARY = "走访慰问老党员，了解身体情况，介绍学院党建工作和本年度学习安排。"
SECRETARY_SUMMARY = "与支部书记谈心，听取离退休党支部工作情况和老同志的意见建议。"
FRAIL_NOTE = "脑梗后行动不便，长期卧床"
SUMMER_REASON = "暑假期间学生党员离校，本月不集中开展主题党日，改为线上自学，开学后补充交流。经支部委员会研究。"


@dataclass
class ComplianceDemoResult:
    built: bool = False
    opened: int = 0
    entries: int = 0
    alarms: int = 0
    signals: dict[str, int] = field(default_factory=dict)
    excused: int = 0  # summer months excused for the student branch


def compliance_demo_ensure(*, today: datetime.date | None = None) -> ComplianceDemoResult:
    """Give a few demo members reasons to show up on the early-warning list, then run the refresh."""
    today = today or timezone.localdate()
    committee = Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).first()
    if committee is None:
        return ComplianceDemoResult()
    built = False
    if not WarningEntry.objects.filter(org__path__startswith=committee.path).exists():
        built = _build(committee, today)
    excused = _excuse_summer(committee, today)
    mark = clock.notice_mark()
    refreshed = warnings_refresh_for(actor=system_actor(), org=committee, today=today)
    clock.date_notices(mark, clock.moment(today, 2, 30))  # what the nightly refresh sent
    entries = list(WarningEntry.objects.open().filter(org__path__startswith=committee.path))
    signals: dict[str, int] = {}
    for entry in entries:
        for reason in entry.reasons:
            signals[reason["signal"]] = signals.get(reason["signal"], 0) + 1
    return ComplianceDemoResult(
        built=built,
        opened=refreshed.opened,
        entries=len(entries),
        alarms=sum(1 for e in entries if e.level == rules.Level.ALARM),
        signals=signals,
        excused=excused,
    )


def _excuse_summer(committee: Organisation, today: datetime.date) -> int:
    """The student branch held no 主题党日 in the summer vacation: its secretary excuses each month in
    writing, as the compliance view asks. Idempotent; how many months are excused."""
    secretary = User.objects.filter(username=SUMMER_EXCUSE_SECRETARY).first()
    term = (
        OfficerTerm.objects.current(today)
        .filter(member__user=secretary, position=Position.SECRETARY, org__path__startswith=committee.path)
        .select_related("org")
        .first()
        if secretary
        else None
    )
    if term is None:
        return 0
    excused = 0
    for month in summer_months(today):
        period = req.period_of(req.PeriodKind.MONTH, month)
        if not RequirementExcuse.objects.filter(
            org=term.org, requirement="theme_day", period_kind=period.kind, period_starts_on=period.starts_on
        ).exists():
            requirement_excuse(
                actor=secretary, org=term.org, requirement="theme_day", period=period, reason=SUMMER_REASON
            )
        excused += 1
    return excused


def compliance_demo_summary(result: ComplianceDemoResult) -> str:
    """One line for the demo command."""
    if not result.entries:
        return ""
    return _(
        "Early warning: %(entries)d members on the branches' lists (%(alarms)d alarms), each with dated reasons."
    ) % {
        "entries": result.entries,
        "alarms": result.alarms,
    }


# ---------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, committee: Organisation, today: datetime.date) -> None:
        self.committee = committee
        self.today = today
        self.actor = User.objects.filter(username="demo-committee").first()
        self.rules = warning_rules()
        self.used: set[int] = set()

    # -- choosing members ----------------------------------------------------------------------

    def candidates(self, branch: Organisation, category: str) -> list[Member]:
        """Plain members of the branch (no office, no special situation, no demo account), by number."""
        officers = OfficerTerm.objects.current(self.today).values("member_id")
        situated = SpecialSituation.objects.values("member_id")
        return list(
            Member.objects.current()
            .filter(org__path__startswith=branch.path, category=category)
            .exclude(pk__in=officers)
            .exclude(pk__in=situated)
            .exclude(number__startswith="demo-")
            .exclude(pk__in=self.used)
            .select_related("org")
            .order_by("number")
        )

    def settled(self, member: Member, days: int) -> list[Attendance]:
        """The member's settled attendance at published activities of the last `days` days, oldest first."""
        since = timezone.make_aware(
            datetime.datetime.combine(self.today - datetime.timedelta(days=days), datetime.time.min)
        )
        until = timezone.make_aware(datetime.datetime.combine(self.today, datetime.time.min))
        return list(
            Attendance.objects.filter(
                member=member,
                expected=True,
                activity__status=ActivityStatus.PUBLISHED,
                activity__starts_at__gte=since,
                activity__starts_at__lt=until,
            )
            .exclude(status=AttendanceStatus.EXPECTED)
            .select_related("activity", "activity__org")
            .order_by("activity__starts_at", "pk")
        )

    def mark(self, row: Attendance, status: str, reason: str) -> None:
        if row.status != status:
            attendance_mark(
                actor=self.actor, activity=row.activity, member=row.member, status=status, reason=reason, now=None
            )

    def pick(self, branch: Organisation, category: str, test) -> Member | None:
        for member in self.candidates(branch, category):
            if test(member):
                self.used.add(member.pk)
                return member
        return None

    # -- the reasons ---------------------------------------------------------------------------

    def absences(self, branch: Organisation) -> None:
        """Absent, without leave, from the last three activities."""
        member = self.pick(branch, Category.FACULTY, lambda m: len(self.settled(m, 120)) >= 4)
        if member is None:
            return
        for row in self.settled(member, 120)[-self.rules.absence_threshold :]:
            self.mark(row, AttendanceStatus.ABSENT, ABSENT_REASON)

    def away_on_leave(self, branch: Organisation) -> None:
        """On leave from every organisational-life activity for five and a half months: the alarm."""
        member = self.pick(branch, Category.FACULTY, lambda m: len(self.settled(m, 400)) >= 8)
        if member is None:
            return
        for row in self.settled(member, 168):
            if row.activity.form in self.rules.life_forms:
                self.mark(row, AttendanceStatus.LEAVE, LEAVE_REASON)

    def taking_part_less(self, branch: Organisation) -> None:
        """Over the last six months: away two times in three (leave, then absence), never three absences in a
        row, and present at the latest organisational-life activity."""
        member = self.pick(branch, Category.FACULTY, lambda m: len(self.settled(m, 175)) >= 6)
        if member is None:
            return
        rows = self.settled(member, 175)
        latest_life = max(
            (r for r in rows if r.activity.form in self.rules.life_forms), key=lambda r: r.activity.starts_at
        )
        for index, row in enumerate(rows):
            if row.pk == latest_life.pk or index % 3 == 2:
                self.mark(row, AttendanceStatus.PRESENT, "现场确认")
            else:
                status = AttendanceStatus.LEAVE if index % 3 == 0 else AttendanceStatus.ABSENT
                self.mark(row, status, "工作冲突" if status == AttendanceStatus.LEAVE else ABSENT_REASON)

    def no_study(self, branch: Organisation) -> None:
        """No self-study or reading for over three months, and on leave from the study activities."""
        since = self.today - datetime.timedelta(days=110)

        def quiet(member: Member) -> bool:
            return not SelfStudy.objects.filter(member=member, studied_on__gte=since).exists() and not (
                member.reading_sessions.filter(day__gte=since).exists()
            )

        member = self.pick(branch, Category.FACULTY, quiet)
        if member is None:
            return
        for row in self.settled(member, 110):
            form = row.activity.form
            if form in self.rules.study_forms:
                self.mark(row, AttendanceStatus.LEAVE, "承担教学任务，时间冲突")
            elif form in self.rules.life_forms:
                self.mark(row, AttendanceStatus.PRESENT, "现场确认")

    def frail_retiree(self, branch: Organisation) -> None:
        """A retiree now frail: visited last year, missed at this autumn's visits; the others were visited."""
        secretary = (
            OfficerTerm.objects.current(self.today)
            .filter(org=branch, position=Position.SECRETARY)
            .select_related("member", "member__user")
            .first()
        )
        if secretary is None:
            return
        member = self.pick(branch, Category.RETIRED, lambda m: True)
        if member is None:
            return
        situation_add(
            actor=self.actor,
            member=member,
            kind=SituationKind.FRAIL,
            since=self.today - datetime.timedelta(days=240),
            note=FRAIL_NOTE,
        )
        talked = set(Talk.objects.filter(member__org__path__startswith=branch.path).values_list("member_id", flat=True))
        officer = secretary.member
        talk_record(
            actor=self.actor,
            member=member,
            officer=officer,
            held_on=self.today - datetime.timedelta(days=395),
            kind="routine",
            summary=OLD_VISIT_SUMMARY,
        )
        visit_day = self.today - datetime.timedelta(days=30)
        others = (
            Member.objects.current().filter(org__path__startswith=branch.path).exclude(pk__in=[member.pk, officer.pk])
        )
        for other in others.exclude(pk__in=talked).order_by("number"):
            talk_record(
                actor=self.actor,
                member=other,
                officer=officer,
                held_on=visit_day,
                kind="routine",
                summary=VISIT_SUMMARY,
            )
        # The branch secretary talks with the committee's secretary.
        committee_secretary = getattr(self.actor, "member", None)
        if officer.pk not in talked and committee_secretary is not None and committee_secretary.pk != officer.pk:
            talk_record(
                actor=self.actor,
                member=officer,
                officer=committee_secretary,
                held_on=visit_day,
                kind="routine",
                summary=SECRETARY_SUMMARY,
            )


def _build(committee: Organisation, today: datetime.date) -> bool:
    builder = _Builder(committee, today)
    if builder.actor is None:
        return False
    branches = {b.name: b for b in Organisation.objects.active().branches().filter(path__startswith=committee.path)}
    demo_branch_member = Member.objects.filter(number="demo-branch").select_related("org", "org__parent").first()
    faculty = None
    if demo_branch_member is not None and demo_branch_member.org is not None:
        org = demo_branch_member.org
        faculty = org.parent if org.kind == "group" else org
    faculty = faculty or next((b for name, b in sorted(branches.items()) if "教工" in name), None)
    if faculty is not None:
        builder.absences(faculty)
        builder.away_on_leave(faculty)
        builder.taking_part_less(faculty)
        builder.no_study(faculty)
    retirees = next((b for name, b in sorted(branches.items()) if "离退休" in name), None)
    if retirees is not None:
        builder.frail_retiree(retirees)
    return True
