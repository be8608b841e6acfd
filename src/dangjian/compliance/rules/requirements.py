"""The rules of organisational life as cited, versioned requirements, and their check. Pure: no ORM.

Each requirement is data: which activity forms count (study.Form values), how many per period
(month, quarter, semester, year), which organisations it applies to, the regulation and article it
rests on, and the date it took effect. A `RequirementSet` is one version of them (支部条例 2018); a
committee may choose the university variant for 党课 (at least 2 a semester instead of 1 a
quarter) and override numbers as data (`requirement_set`).

`check` says, for one requirement, organisation and period: met, due (the period is still open and
not yet met), overdue (the period closed, not met), not applicable, or excused — with the
activities that counted, the day the period closes and what is still missing. Nothing is inferred:
only activities recorded as held, on or before today, count.

Semesters are the calendar halves February–July and August–January; a committee's own semester
dates (study.Semester) can be checked by building a `ReportingPeriod` from them.

Measured elsewhere, listed in `MEASURED_ELSEWHERE`: 谈心谈话 coverage (care), 换届 due dates (orgs),
members' study hours (study).
"""

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext, gettext_noop, ngettext

# --- Periods -------------------------------------------------------------------------------------


class PeriodKind:
    MONTH = "month"
    QUARTER = "quarter"
    SEMESTER = "semester"
    YEAR = "year"

    ALL = (MONTH, QUARTER, SEMESTER, YEAR)
    MONTHS = {MONTH: 1, QUARTER: 3, SEMESTER: 6, YEAR: 12}
    COUNTED = {
        MONTH: gettext_noop("by month"),
        QUARTER: gettext_noop("by quarter"),
        SEMESTER: gettext_noop("by semester"),
        YEAR: gettext_noop("by year"),
    }


# The autumn semester starts in August, the spring semester in February (calendar halves).
AUTUMN_STARTS = 8
SPRING_STARTS = 2


def _first_of(year: int, month: int) -> datetime.date:
    index = year * 12 + month - 1
    return datetime.date(index // 12, index % 12 + 1, 1)


def _last_of(year: int, month: int) -> datetime.date:
    first = _first_of(year, month)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True, order=True)
class ReportingPeriod:
    """A month, quarter, semester or year: `starts_on` to `ends_on`, both inclusive."""

    starts_on: datetime.date
    ends_on: datetime.date
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in PeriodKind.ALL:
            raise ValueError(gettext("Unknown kind of period: %(kind)s.") % {"kind": self.kind})
        if self.ends_on < self.starts_on:
            raise ValueError(gettext("A period must end on or after the day it starts."))

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def closes_on(self) -> datetime.date:
        """The last day on which an activity still counts for this period."""
        return self.ends_on

    def is_closed(self, today: datetime.date) -> bool:
        return today > self.ends_on

    # The neighbours are calendar periods, also for a semester built from a committee's own dates.
    def next(self) -> "ReportingPeriod":
        return period_of(self.kind, self.ends_on + datetime.timedelta(days=1))

    def previous(self) -> "ReportingPeriod":
        return period_of(self.kind, self.starts_on - datetime.timedelta(days=1))

    @property
    def label(self) -> str:
        start = self.starts_on
        if self.kind == PeriodKind.MONTH:
            return gettext("%(month)d/%(year)d") % {"year": start.year, "month": start.month}
        if self.kind == PeriodKind.QUARTER:
            return gettext("Q%(quarter)d %(year)d") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
        if self.kind == PeriodKind.SEMESTER:
            if start.month == SPRING_STARTS and start.day == 1:
                return gettext("Spring semester %(year)d") % {"year": start.year}
            if start.month == AUTUMN_STARTS and start.day == 1:
                return gettext("Autumn semester %(year)d") % {"year": start.year}
            return gettext("Semester %(start)s to %(end)s") % {
                "start": self.starts_on.isoformat(),
                "end": self.ends_on.isoformat(),
            }
        return gettext("Year %(year)d") % {"year": start.year}


def period_of(kind: str, day: datetime.date) -> ReportingPeriod:
    """The period of this kind that contains `day`."""
    if kind == PeriodKind.MONTH:
        first_month = day.month
    elif kind == PeriodKind.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
    elif kind == PeriodKind.SEMESTER:
        if SPRING_STARTS <= day.month < AUTUMN_STARTS:
            first_month = SPRING_STARTS
        elif day.month >= AUTUMN_STARTS:
            first_month = AUTUMN_STARTS
        else:  # January belongs to the autumn semester of the year before
            first_month = AUTUMN_STARTS - 12
    elif kind == PeriodKind.YEAR:
        first_month = 1
    else:
        raise ValueError(gettext("Unknown kind of period: %(kind)s.") % {"kind": kind})
    starts_on = _first_of(day.year, first_month)
    ends_on = _last_of(starts_on.year, starts_on.month + PeriodKind.MONTHS[kind] - 1)
    return ReportingPeriod(starts_on=starts_on, ends_on=ends_on, kind=kind)


def periods_between(kind: str, first: datetime.date, last: datetime.date) -> tuple[ReportingPeriod, ...]:
    """Every period of this kind that shares a day with `first`..`last` (inclusive), in order."""
    if last < first:
        return ()
    found = [period_of(kind, first)]
    while found[-1].ends_on < last:
        found.append(found[-1].next())
    return tuple(found)


def semester_period(starts_on: datetime.date, ends_on: datetime.date) -> ReportingPeriod:
    """A committee's own semester (study.Semester's dates) as a period to check against."""
    return ReportingPeriod(starts_on=starts_on, ends_on=ends_on, kind=PeriodKind.SEMESTER)


# --- Vocabulary ----------------------------------------------------------------------------------


class OrgKind:
    """orgs.OrgKind values, as the requirements read them."""

    COMMITTEE = "committee"
    GENERAL_BRANCH = "general_branch"
    BRANCH = "branch"
    GROUP = "group"


class Form:
    """study.Form values that organisational-life requirements count, and the democratic evaluation."""

    GENERAL_MEETING = "general_meeting"
    COMMITTEE_MEETING = "committee_meeting"
    GROUP_MEETING = "group_meeting"
    LECTURE = "lecture"
    THEME_DAY = "theme_day"
    LIFE_MEETING = "life_meeting"
    # A completed campaign of 民主评议党员 (the evaluation app), passed in as a held activity of this form.
    EVALUATION = "evaluation"


class Status:
    MET = "met"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"
    EXCUSED = "excused"

    ALL = (MET, DUE, OVERDUE, NOT_APPLICABLE, EXCUSED)


# With at least 7 full members a branch elects a committee (支部委员会); with fewer it has a secretary only.
COMMITTEE_MIN_FULL_MEMBERS = 7


# --- Requirements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """One rule of organisational life. `title` is the English msgid; `name` is what a user reads."""

    key: str
    title: str
    forms: frozenset[str]
    period: str
    times: int
    applies_to: frozenset[str]
    citation: str
    effective_on: datetime.date
    min_full_members: int = 0
    secretary_only: bool = False  # only an activity led by the organisation's secretary counts
    usual_quarter: int | None = None  # when it is normally held (组织生活会: the fourth quarter)

    def __post_init__(self) -> None:
        if self.period not in PeriodKind.ALL:
            raise ValueError(gettext("Unknown kind of period: %(kind)s.") % {"kind": self.period})
        if self.times < 1:
            raise ValueError(gettext("A requirement asks for at least one activity per period."))
        if not self.forms:
            raise ValueError(gettext("A requirement needs at least one form of activity that counts."))
        if self.min_full_members < 0:
            raise ValueError(gettext("The number of full members cannot be negative."))

    @property
    def name(self) -> str:
        return gettext(self.title)

    @property
    def cadence(self) -> str:
        """How often, as a user reads it: 每月1次, 每学期至少2次 …"""
        numbers = {"times": self.times}
        texts = {
            PeriodKind.MONTH: ngettext("%(times)d a month", "%(times)d a month", self.times),
            PeriodKind.QUARTER: ngettext("%(times)d a quarter", "%(times)d a quarter", self.times),
            PeriodKind.SEMESTER: ngettext("%(times)d a semester", "%(times)d a semester", self.times),
            PeriodKind.YEAR: ngettext("%(times)d a year", "%(times)d a year", self.times),
        }
        return texts[self.period] % numbers


@dataclass(frozen=True)
class OrganisationFacts:
    """What the check needs to know about an organisation."""

    kind: str
    full_members: int
    founded_on: datetime.date | None = None


@dataclass(frozen=True)
class HeldActivity:
    """An activity recorded as held (attendance taken, or a past meeting's record imported)."""

    id: int
    form: str
    held_on: datetime.date
    by_secretary: bool = False  # the organisation's secretary gave it (for the secretary's own 党课)
    title: str = ""


@dataclass(frozen=True)
class Excuse:
    """A period excused by a committee or branch officer, with the written reason."""

    reason: str
    granted_on: datetime.date | None = None
    granted_by: str = ""


def applicability(requirement: Requirement, org: OrganisationFacts, period: ReportingPeriod) -> str | None:
    """Why the requirement does not apply to this organisation in this period, or None when it does."""
    if org.kind not in requirement.applies_to:
        return gettext("It does not apply to this kind of organisation.")
    if org.full_members < requirement.min_full_members:
        return gettext("With %(members)d full members (fewer than %(minimum)d) the branch has no branch committee.") % {
            "members": org.full_members,
            "minimum": requirement.min_full_members,
        }
    if org.founded_on is not None and org.founded_on > period.ends_on:
        return gettext("The organisation was founded after this period.")
    if requirement.effective_on > period.ends_on:
        return gettext("The rule took effect on %(date)s, after this period.") % {
            "date": requirement.effective_on.isoformat()
        }
    return None


def counts_for(requirement: Requirement, activity: HeldActivity, period: ReportingPeriod, today: datetime.date) -> bool:
    """Whether a held activity counts for this requirement and period: the right form, held in the period,
    not after today, and led by the secretary where the requirement asks for that."""
    return (
        activity.form in requirement.forms
        and period.contains(activity.held_on)
        and activity.held_on <= today
        and (activity.by_secretary or not requirement.secretary_only)
    )


@dataclass(frozen=True)
class CheckResult:
    requirement: Requirement
    period: ReportingPeriod
    status: str
    counted: tuple[HeldActivity, ...] = ()
    excuse: Excuse | None = None
    not_applicable_because: str = ""

    @property
    def needed(self) -> int:
        return self.requirement.times

    @property
    def missing(self) -> int:
        if self.status == Status.NOT_APPLICABLE:
            return 0
        return max(0, self.requirement.times - len(self.counted))

    @property
    def closes_on(self) -> datetime.date:
        return self.period.closes_on

    @property
    def missing_text(self) -> str:
        """What is still missing, e.g. 还差 1 次支委会; empty when nothing is."""
        if not self.missing:
            return ""
        return ngettext("%(count)d more %(name)s needed", "%(count)d more %(name)s needed", self.missing) % {
            "count": self.missing,
            "name": self.requirement.name,
        }

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the result is what it is, in the words a user reads."""
        if self.status == Status.NOT_APPLICABLE:
            return (self.not_applicable_because,)
        numbers = {
            "count": len(self.counted),
            "needed": self.needed,
            "period": self.period.label,
            "date": self.closes_on.isoformat(),
        }
        lines = [gettext("%(count)d of %(needed)d held in %(period)s.") % numbers]
        if self.status == Status.MET:
            return tuple(lines)
        lines.append(self.missing_text)
        if self.status == Status.EXCUSED and self.excuse is not None:
            lines.append(gettext("Excused: %(reason)s") % {"reason": self.excuse.reason})
        elif self.status == Status.DUE:
            lines.append(gettext("The period closes on %(date)s.") % numbers)
            if self.requirement.usual_quarter:
                lines.append(
                    gettext("It is normally held in quarter %(quarter)d.") % {"quarter": self.requirement.usual_quarter}
                )
        else:
            lines.append(gettext("The period closed on %(date)s.") % numbers)
        return tuple(lines)


def _in_order(activity: HeldActivity) -> tuple[datetime.date, int]:
    return activity.held_on, activity.id


def check(
    requirement: Requirement,
    org: OrganisationFacts,
    period: ReportingPeriod,
    activities: Iterable[HeldActivity],
    today: datetime.date,
    excuse: Excuse | None = None,
) -> CheckResult:
    """Met, due, overdue, not applicable or excused, with the activities that counted.

    Met wins over an excuse (the branch did it anyway); an excuse covers a period not met, open or closed."""
    if period.kind != requirement.period:
        raise ValueError(
            gettext("This requirement is counted %(kind)s, not %(given)s.")
            % {
                "kind": gettext(PeriodKind.COUNTED[requirement.period]),
                "given": gettext(PeriodKind.COUNTED[period.kind]),
            }
        )
    reason = applicability(requirement, org, period)
    if reason is not None:
        return CheckResult(requirement, period, Status.NOT_APPLICABLE, not_applicable_because=reason)
    seen: dict[int, HeldActivity] = {}
    for activity in activities:
        if counts_for(requirement, activity, period, today):
            seen.setdefault(activity.id, activity)
    counted = tuple(seen.values()) if len(seen) < 2 else tuple(sorted(seen.values(), key=_in_order))
    if len(counted) >= requirement.times:
        status = Status.MET
    elif excuse is not None:
        status = Status.EXCUSED
    elif period.is_closed(today):
        status = Status.OVERDUE
    else:
        status = Status.DUE
    return CheckResult(
        requirement, period, status, counted=counted, excuse=excuse if status == Status.EXCUSED else None
    )


def check_all(
    requirements: "RequirementSet",
    org: OrganisationFacts,
    day: datetime.date,
    activities: Iterable[HeldActivity],
    today: datetime.date,
    excuse_for: Callable[[Requirement, ReportingPeriod], Excuse | None] | None = None,
) -> tuple[CheckResult, ...]:
    """Every requirement of the set, each checked in the period of its own kind that contains `day`
    (the month, quarter, semester or year), the not applicable ones included, in the set's order."""
    held = tuple(activities)
    results = []
    for requirement in requirements.requirements:
        period = period_of(requirement.period, day)
        excuse = excuse_for(requirement, period) if excuse_for is not None else None
        results.append(check(requirement, org, period, held, today, excuse))
    return tuple(results)


# --- Versions ------------------------------------------------------------------------------------

BRANCH_REGULATIONS = "《中国共产党支部工作条例（试行）》"
EDUCATION_REGULATIONS = "《中国共产党党员教育管理工作条例》"
BRANCH_REGULATIONS_ON = datetime.date(2018, 10, 28)
EDUCATION_REGULATIONS_ON = datetime.date(2019, 5, 6)

BRANCHES = frozenset({OrgKind.BRANCH})


@dataclass(frozen=True)
class RequirementSet:
    """One version of the requirements, e.g. 支部条例 2018, possibly with a committee's variant and overrides."""

    key: str
    title: str
    effective_on: datetime.date
    requirements: tuple[Requirement, ...]
    variant: str = ""
    overrides: dict = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        return gettext(self.title)

    def get(self, key: str) -> Requirement:
        for requirement in self.requirements:
            if requirement.key == key:
                return requirement
        raise KeyError(key)

    def keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.requirements)

    def applicable(self, org: OrganisationFacts, period_day: datetime.date) -> tuple[Requirement, ...]:
        """The requirements that fit this organisation in the periods containing `period_day`."""
        return tuple(r for r in self.requirements if applicability(r, org, period_of(r.period, period_day)) is None)


REGULATIONS_2018 = RequirementSet(
    key="2018",
    title=gettext_noop("Branch work regulations (2018)"),
    effective_on=BRANCH_REGULATIONS_ON,
    requirements=(
        Requirement(
            key="general_meeting",
            title=gettext_noop("branch general meeting"),
            forms=frozenset({Form.GENERAL_MEETING}),
            period=PeriodKind.QUARTER,
            times=1,
            applies_to=BRANCHES,
            citation=BRANCH_REGULATIONS + "第十一条：党员大会一般每季度召开1次",
            effective_on=BRANCH_REGULATIONS_ON,
        ),
        Requirement(
            key="committee_meeting",
            title=gettext_noop("branch committee meeting"),
            forms=frozenset({Form.COMMITTEE_MEETING}),
            period=PeriodKind.MONTH,
            times=1,
            applies_to=BRANCHES,
            min_full_members=COMMITTEE_MIN_FULL_MEMBERS,
            citation=BRANCH_REGULATIONS
            + "第十二条：支部委员会会议一般每月召开1次；第八条：正式党员7人以上的党支部设立支部委员会",
            effective_on=BRANCH_REGULATIONS_ON,
        ),
        Requirement(
            key="group_meeting",
            title=gettext_noop("Party group meeting"),
            forms=frozenset({Form.GROUP_MEETING}),
            period=PeriodKind.MONTH,
            times=1,
            applies_to=frozenset({OrgKind.GROUP}),
            citation=BRANCH_REGULATIONS + "第十三条：党小组会一般每月召开1次",
            effective_on=BRANCH_REGULATIONS_ON,
        ),
        Requirement(
            key="lecture",
            title=gettext_noop("Party lecture"),
            forms=frozenset({Form.LECTURE}),
            period=PeriodKind.QUARTER,
            times=1,
            applies_to=BRANCHES,
            citation=BRANCH_REGULATIONS + "第十六条：组织党员按期上党课；每季度至少1次为通行做法",
            effective_on=BRANCH_REGULATIONS_ON,
        ),
        Requirement(
            key="secretary_lecture",
            title=gettext_noop("Party lecture by the branch secretary"),
            forms=frozenset({Form.LECTURE}),
            period=PeriodKind.YEAR,
            times=1,
            applies_to=BRANCHES,
            secretary_only=True,
            citation=BRANCH_REGULATIONS
            + "第十六条：党员领导干部应当定期为基层党员讲党课；支部书记每年至少讲1次党课为通行做法",
            effective_on=BRANCH_REGULATIONS_ON,
        ),
        Requirement(
            key="committee_secretary_lecture",
            title=gettext_noop("Party lecture by the committee secretary"),
            forms=frozenset({Form.LECTURE}),
            period=PeriodKind.YEAR,
            times=1,
            applies_to=frozenset({OrgKind.COMMITTEE}),
            secretary_only=True,
            citation=BRANCH_REGULATIONS + "第十六条：党委（党组）书记每年至少讲1次党课",
            effective_on=BRANCH_REGULATIONS_ON,
        ),
        Requirement(
            key="theme_day",
            title=gettext_noop("theme Party day"),
            forms=frozenset({Form.THEME_DAY}),
            period=PeriodKind.MONTH,
            times=1,
            applies_to=BRANCHES,
            citation=BRANCH_REGULATIONS
            + "第十七条；"
            + EDUCATION_REGULATIONS
            + "第十六条：党支部应当每月开展1次主题党日",
            effective_on=BRANCH_REGULATIONS_ON,
        ),
        Requirement(
            key="life_meeting",
            title=gettext_noop("organisational life meeting"),
            forms=frozenset({Form.LIFE_MEETING}),
            period=PeriodKind.YEAR,
            times=1,
            applies_to=BRANCHES,
            usual_quarter=4,
            citation=BRANCH_REGULATIONS
            + "第十八条：组织生活会一般每年召开1次，一般安排在第四季度；"
            + EDUCATION_REGULATIONS
            + "第十七条",
            effective_on=BRANCH_REGULATIONS_ON,
        ),
        Requirement(
            key="evaluation",
            title=gettext_noop("democratic evaluation of members"),
            forms=frozenset({Form.EVALUATION}),
            period=PeriodKind.YEAR,
            times=1,
            applies_to=BRANCHES,
            citation=BRANCH_REGULATIONS
            + "第二十条；"
            + EDUCATION_REGULATIONS
            + "第十八条：民主评议党员一般每年开展1次",
            effective_on=BRANCH_REGULATIONS_ON,
        ),
    ),
)

VERSIONS = {REGULATIONS_2018.key: REGULATIONS_2018}
CURRENT_VERSION = REGULATIONS_2018.key


class Variant:
    STANDARD = ""
    # Universities often ask for at least 2 党课 a semester instead of 1 a quarter [L].
    UNIVERSITY = "university"

    ALL = (STANDARD, UNIVERSITY)


UNIVERSITY_LECTURE_CITATION = BRANCH_REGULATIONS + "第十六条：组织党员按期上党课；高校每学期至少2次为本单位做法"

# What a committee may override per requirement, and how a value is read.
_OVERRIDABLE = {"times", "period", "forms", "min_full_members"}


@dataclass(frozen=True)
class MeasuredElsewhere:
    """A requirement of organisational life that another app already measures; listed for completeness."""

    key: str
    title: str
    where: str  # the app that measures it
    citation: str


MEASURED_ELSEWHERE = (
    MeasuredElsewhere(
        key="talks",
        title=gettext_noop("heart-to-heart talks, each pair once a year"),
        where="care",
        citation=BRANCH_REGULATIONS + "第十九条：谈心谈话一般每年不少于1次",
    ),
    MeasuredElsewhere(
        key="renewal",
        title=gettext_noop("election of the branch committee when its term ends"),
        where="orgs",
        citation=BRANCH_REGULATIONS + "第二十四条：党支部委员会每届任期3年",
    ),
    MeasuredElsewhere(
        key="study_hours",
        title=gettext_noop("members' yearly study hours"),
        where="study",
        citation=EDUCATION_REGULATIONS + "第二十条：党员每年集中学习培训一般不少于32学时",
    ),
)


def _override(requirement: Requirement, values: dict) -> Requirement:
    changes: dict = {}
    for name, value in values.items():
        if name not in _OVERRIDABLE:
            raise ValueError(gettext("A requirement's %(field)s cannot be changed.") % {"field": name})
        if name in ("times", "min_full_members"):
            if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
                raise ValueError(gettext("%(field)s must be a whole number.") % {"field": name})
            changes[name] = int(value)
        elif name == "forms":
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ValueError(gettext("The forms of activity must be a list."))
            changes[name] = frozenset(value)
        else:
            changes[name] = value
    return replace(requirement, **changes)


def requirement_set(
    version: str = CURRENT_VERSION, variant: str = Variant.STANDARD, overrides: dict | None = None
) -> RequirementSet:
    """A version of the requirements with a committee's variant and overrides applied.

    `overrides` maps a requirement's key to the fields that differ, e.g.
    `{"committee_meeting": {"times": 2}, "general_meeting": {"period": "semester"}}`.
    Raises ValueError (with a message a user reads) for an unknown version, variant, key or field."""
    if version not in VERSIONS:
        raise ValueError(gettext("Unknown version of the requirements: %(version)s.") % {"version": version})
    if variant not in Variant.ALL:
        raise ValueError(gettext("Unknown variant of the requirements: %(variant)s.") % {"variant": variant})
    base = VERSIONS[version]
    requirements = list(base.requirements)
    if variant == Variant.UNIVERSITY:
        requirements = [
            replace(r, period=PeriodKind.SEMESTER, times=2, citation=UNIVERSITY_LECTURE_CITATION)
            if r.key == "lecture"
            else r
            for r in requirements
        ]
    overrides = overrides or {}
    keys = {r.key for r in requirements}
    unknown = sorted(set(overrides) - keys)
    if unknown:
        raise ValueError(gettext("Unknown requirement: %(key)s.") % {"key": unknown[0]})
    requirements = [_override(r, overrides[r.key]) if r.key in overrides else r for r in requirements]
    return replace(base, requirements=tuple(requirements), variant=variant, overrides=dict(overrides))
