"""The rules of member development (发展党员) as versioned data, and the clocks they set. Pure: no ORM.

Sources:
- 细则2014: 《中国共产党发展党员工作细则》, 中共中央办公厅 2014, in force from its issue on 2014-06-10
  (cpc.people.com.cn/n/2014/0610/c64387-25130984.html). The 25 steps in 5 stages follow the
  standard flow chart, which matches its chapters 2–5. Article numbers are cited where the project's
  domain reference gives them; elsewhere the chapter is cited and the citation says the article is
  unverified.
- 细则2026: the revision issued by 中办 in May 2026 (People's Daily 2026-05-19). Its published text has
  not been verified: the clauses (§13 公示, §19 支部大会 within 1 month of 预审, §25 approval within 3 months,
  §29 宣誓 within 1 month, §31 预备期 1 year, §33 转正 approval within 3 months) come from secondary
  sources and every one of them is marked unverified, as is its effective date (taken as the date it
  was published, 2026-05-18).
- Local practice [L] (not in the 2014 text): 公示 of 5 working days before the 支部大会; quarterly
  思想汇报 (a normal practice read with Art.11).

A person's file follows the version in force on the date of each step: a clock counted from a step
uses the version in force on that step's day (`ruleset_on`). Clocks warn; they never refuse a step.
"""

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.core.calendar import WorkingCalendar

# --- Stages and steps ----------------------------------------------------------------------------

APPLY, ACTIVIST, CANDIDATE, ADMISSION, PROBATION = "apply", "activist", "candidate", "admission", "probation"
FULL = "full"  # past the 25 steps' 转正: no longer in the pipeline

STAGES: tuple[tuple[str, Promise], ...] = (
    (APPLY, _("Application")),
    (ACTIVIST, _("Activist: chosen and trained")),
    (CANDIDATE, _("Candidate: chosen and examined")),
    (ADMISSION, _("Admission as a probationary member")),
    (PROBATION, _("Probation and full membership")),
)
STAGE_LABELS: dict[str, Promise] = dict(STAGES) | {FULL: _("Full member")}

# The steps' keys, in the order of the flow chart.
APPLICATION = "application"
TALK = "talk"
ACTIVIST_DECIDED = "activist"
ACTIVIST_FILED = "activist_filed"
MENTORS = "mentors"
REVIEW = "review"
THOUGHT_REPORT = "thought_report"
CANDIDATE_DECIDED = "candidate"
CANDIDATE_FILED = "candidate_filed"
INTRODUCERS = "introducers"
POLITICAL_REVIEW = "political_review"
TRAINING = "training"
BRANCH_REVIEW = "branch_review"
PRE_REVIEW = "pre_review"
VOLUNTEER_FORM = "volunteer_form"
PUBLICITY = "publicity"
ADMISSION_MEETING = "admission_meeting"
COMMITTEE_TALK = "committee_talk"
APPROVAL = "approval"
APPROVAL_FILED = "approval_filed"
PLACEMENT = "placement"
OATH = "oath"
PROBATION_REVIEW = "probation_review"
EXTENSION = "extension"
FULL_APPLICATION = "full_application"
FULL_MEETING = "full_meeting"
FULL_APPROVAL = "full_approval"
ARCHIVED = "archived"


@dataclass(frozen=True)
class Step:
    key: str
    number: int | None  # 1–25 in the flow chart; None for a record that is not one of the 25 (思想汇报, 公示, 延长)
    stage: str
    title: Promise
    citation: str
    decision: bool = False  # an organisational decision: entered by a person, never inferred
    repeats: bool = False  # recorded as often as it happens (reviews, 思想汇报)
    requires: tuple[str, ...] = ()  # steps normally recorded before this one

    @property
    def label(self) -> Promise:
        """ "7. 确定发展对象", lazily translated (the steps' choices are built at import)."""
        return format_lazy("{}. {}", self.number, self.title) if self.number else self.title


R2014 = "《中国共产党发展党员工作细则》（2014）"
R2026 = "《中国共产党发展党员工作细则》（2026年修订）"
UNVERIFIED = "（条号未核实）"

STEPS: tuple[Step, ...] = (
    Step(APPLICATION, 1, APPLY, _("Written application submitted"), R2014 + "第六条"),
    Step(TALK, 2, APPLY, _("Talk by the Party organisation"), R2014 + "第七条", requires=(APPLICATION,)),
    Step(
        ACTIVIST_DECIDED, 3, ACTIVIST, _("Recommended and named activist"), R2014 + "第八条", True, requires=(TALK,)
    ),
    Step(ACTIVIST_FILED, 4, ACTIVIST, _("Filed with the higher committee"), R2014 + "第八条", requires=(ACTIVIST_DECIDED,)),
    Step(MENTORS, 5, ACTIVIST, _("Mentors assigned"), R2014 + "第九条", requires=(ACTIVIST_DECIDED,)),
    Step(
        REVIEW, 6, ACTIVIST, _("Training and examination (half-yearly review)"), R2014 + "第十一条", repeats=True,
        requires=(ACTIVIST_DECIDED,),
    ),
    Step(
        THOUGHT_REPORT, None, ACTIVIST, _("Thought report"), R2014 + "第十一条；按季度报告为通行做法", repeats=True,
        requires=(APPLICATION,),
    ),
    Step(
        CANDIDATE_DECIDED, 7, CANDIDATE, _("Named candidate for membership"), R2014 + "第十三条", True,
        requires=(ACTIVIST_FILED,),
    ),
    Step(
        CANDIDATE_FILED, 8, CANDIDATE, _("Filed with the higher committee"), R2014 + "第十三条",
        requires=(CANDIDATE_DECIDED,),
    ),
    Step(INTRODUCERS, 9, CANDIDATE, _("Introducers chosen"), R2014 + "第十四条", requires=(CANDIDATE_DECIDED,)),
    Step(
        POLITICAL_REVIEW, 10, CANDIDATE, _("Political review concluded"), R2014 + "第十六条",
        requires=(CANDIDATE_DECIDED,),
    ),
    Step(TRAINING, 11, CANDIDATE, _("Concentrated training completed"), R2014 + "第十七条", requires=(CANDIDATE_DECIDED,)),
    Step(
        BRANCH_REVIEW, 12, ADMISSION, _("Reviewed by the branch committee"), R2014 + "第十九条",
        requires=(POLITICAL_REVIEW, TRAINING),
    ),
    Step(
        PRE_REVIEW, 13, ADMISSION, _("Pre-reviewed by the higher committee"), R2014 + "第十九条", True,
        requires=(BRANCH_REVIEW, POLITICAL_REVIEW, TRAINING),
    ),
    Step(VOLUNTEER_FORM, 14, ADMISSION, _("Application form for membership filled in"), R2014 + "第十九条", requires=(PRE_REVIEW,)),
    Step(
        PUBLICITY, None, ADMISSION, _("Public notice started"), "地方和单位规定；" + R2026 + "第十三条" + UNVERIFIED,
        requires=(PRE_REVIEW,),
    ),
    Step(
        ADMISSION_MEETING, 15, ADMISSION, _("Discussed and voted by the branch general meeting"), R2014 + "第二十二条",
        True, requires=(VOLUNTEER_FORM, PUBLICITY),
    ),
    Step(
        COMMITTEE_TALK, 16, ADMISSION, _("Talk by the higher committee"), "《中国共产党章程》第五条；" + R2014 + "第四章" + UNVERIFIED,
        requires=(ADMISSION_MEETING,),
    ),
    Step(
        APPROVAL, 17, ADMISSION, _("Approved by the higher committee"), R2014 + "第四章" + UNVERIFIED, True,
        requires=(ADMISSION_MEETING, COMMITTEE_TALK),
    ),
    Step(
        APPROVAL_FILED, 18, ADMISSION, _("Filed with the organisation department above"), R2014 + "第四章" + UNVERIFIED,
        requires=(APPROVAL,),
    ),
    Step(PLACEMENT, 19, PROBATION, _("Placed in a branch and a party group"), R2014 + "第五章" + UNVERIFIED, requires=(APPROVAL,)),
    Step(OATH, 20, PROBATION, _("Oath taken"), R2014 + "第五章" + UNVERIFIED, requires=(APPROVAL,)),
    Step(
        PROBATION_REVIEW, 21, PROBATION, _("Further education and examination"), R2014 + "第五章" + UNVERIFIED,
        repeats=True, requires=(APPROVAL,),
    ),
    Step(EXTENSION, None, PROBATION, _("Probation extended"), R2014 + "第三十二条", True, requires=(APPROVAL,)),
    Step(FULL_APPLICATION, 22, PROBATION, _("Application for full membership"), R2014 + "第三十二条", requires=(APPROVAL,)),
    Step(
        FULL_MEETING, 23, PROBATION, _("Full membership discussed by the branch general meeting"), R2014 + "第三十二条",
        True, requires=(FULL_APPLICATION,),
    ),
    Step(
        FULL_APPROVAL, 24, PROBATION, _("Full membership approved by the higher committee"), R2014 + "第三十二条", True,
        requires=(FULL_MEETING,),
    ),
    Step(ARCHIVED, 25, PROBATION, _("Records archived"), R2014 + "第三十六条", requires=(FULL_APPROVAL,)),
)  # fmt: skip

STEP_BY_KEY: dict[str, Step] = {step.key: step for step in STEPS}
STEP_CHOICES: list[tuple[str, Promise]] = [(step.key, step.label) for step in STEPS]
REPEATING: frozenset[str] = frozenset(step.key for step in STEPS if step.repeats)
DECISIONS: frozenset[str] = frozenset(step.key for step in STEPS if step.decision)
STEP_ORDER: dict[str, int] = {step.key: index for index, step in enumerate(STEPS)}


def step(key: str) -> Step:
    return STEP_BY_KEY[key]


def stage_of(recorded: Iterable[str]) -> str:
    """The stage a person is in: that of the furthest step recorded; past the 转正 approval, a full member.

    Derived only from steps a person entered (积极分子, 发展对象 and approval are decisions)."""
    keys = set(recorded)
    if FULL_APPROVAL in keys:
        return FULL
    numbered = [STEP_BY_KEY[key] for key in keys if key in STEP_BY_KEY and STEP_BY_KEY[key].number]
    if not numbered:
        return APPLY
    return max(numbered, key=lambda s: s.number or 0).stage


# --- Numbers ------------------------------------------------------------------------------------

MIN_AGE = 18  # 细则2014 第五条; 党章 第一条
MIN_MENTORS, MAX_MENTORS = 1, 2  # 细则2014 第九条: 1–2 名正式党员
TRAINING_MIN_DAYS = 3  # 细则2014 第十七条: 集中培训 不少于3天
TRAINING_MIN_HOURS = Decimal(24)  # 细则2014 第十七条: 或不少于24学时
EXTENSION_MIN_MONTHS, EXTENSION_MAX_MONTHS = 6, 12  # 细则2014 第三十二条: 延长 不能少于半年，最长不超过一年
COMING_DAYS = 30  # a clock whose day comes within this many days is shown as coming


def training_sufficient(days: int | None, hours: Decimal | None) -> bool:
    """细则2014 第十七条: at least 3 days or at least 24 学时."""
    return (days or 0) >= TRAINING_MIN_DAYS or (hours or Decimal(0)) >= TRAINING_MIN_HOURS


def extension_allowed(months: int) -> bool:
    return EXTENSION_MIN_MONTHS <= months <= EXTENSION_MAX_MONTHS


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def publicity_last_day(calendar_: WorkingCalendar, starts_on: datetime.date, working_days: int) -> datetime.date:
    """The last day of a 公示 of `working_days` working days starting on `starts_on` (counted if a working day)."""
    return calendar_.add_working_days(starts_on - datetime.timedelta(days=1), working_days)


def probation_ends(meeting_on: datetime.date, extension_months: int = 0) -> datetime.date:
    """细则2014 第三十二条: 预备期 one year from the day the 支部大会 passed the member, plus an extension."""
    return add_months(meeting_on, 12 + extension_months)


# --- Clocks as versioned data --------------------------------------------------------------------

WITHIN, NOT_BEFORE, EVERY, BEFORE, PUBLICITY_DAYS, PROBATION_END = (
    "within", "not_before", "every", "before", "publicity", "probation_end",
)  # fmt: skip


@dataclass(frozen=True)
class Clock:
    """One clock: `target` must happen within / not before / every `months` (or `working_days`) after `anchor`."""

    key: str
    kind: str
    title: Promise
    citation: str
    advice: Promise  # what to do when it is late or broken
    target: str
    anchors: tuple[str, ...] = ()  # the first of these recorded starts the clock
    months: int = 0
    max_months: int = 0  # WITHIN: the outer limit beyond which the step is no longer allowed
    working_days: int = 0
    until: str = ""  # EVERY: the clock stops once this step is recorded
    verified: bool = True


@dataclass(frozen=True)
class RuleSet:
    key: str
    name: Promise
    effective_on: datetime.date
    source: str
    clocks: tuple[Clock, ...]
    verified: bool = True
    note: Promise | str = ""

    def clock(self, key: str) -> Clock | None:
        return next((c for c in self.clocks if c.key == key), None)


TALK_CLOCK = Clock(
    "talk_within_month",
    WITHIN,
    _("Talk within 1 month of the application"),
    R2014 + "第七条",
    _("Send someone to talk with the applicant and record the talk."),
    TALK,
    (APPLICATION,),
    months=1,
)
ACTIVIST_YEAR_CLOCK = Clock(
    "activist_one_year",
    NOT_BEFORE,
    _("At least 1 year as an activist before becoming a candidate"),
    R2014 + "第十三条；自备案之日起算为通行做法",
    _("Name the candidate only after a full year of training, counted from the day the activist was filed."),
    CANDIDATE_DECIDED,
    (ACTIVIST_FILED, ACTIVIST_DECIDED),
    months=12,
)
REVIEW_CLOCK = Clock(
    "review_half_year",
    EVERY,
    _("Half-yearly review of the activist"),
    R2014 + "第十一条",
    _("Hold the branch's half-yearly review of the activist and record it."),
    REVIEW,
    (ACTIVIST_DECIDED,),
    months=6,
    until=CANDIDATE_DECIDED,
)
REPORT_CLOCK = Clock(
    "thought_report_quarter",
    EVERY,
    _("A thought report every quarter"),
    R2014 + "第十一条；按季度报告为通行做法",
    _("Remind the person to hand in a thought report and record it."),
    THOUGHT_REPORT,
    (ACTIVIST_DECIDED,),
    months=3,
    until=FULL_APPROVAL,
)
POLITICAL_CLOCK = Clock(
    "political_review_before_pre_review",
    BEFORE,
    _("Political review concluded before the pre-review"),
    R2014 + "第十六条",
    _("Conclude the political review and record it; nobody is admitted without it."),
    POLITICAL_REVIEW,
    (PRE_REVIEW,),
)
TRAINING_CLOCK = Clock(
    "training_before_pre_review",
    BEFORE,
    _("Concentrated training (3 days or 24 study hours) before the pre-review"),
    R2014 + "第十七条",
    _("Have the candidate complete the concentrated training and record its days or hours."),
    TRAINING,
    (PRE_REVIEW,),
)
PUBLICITY_CLOCK_2014 = Clock(
    "publicity_five_working_days",
    PUBLICITY_DAYS,
    _("Public notice of at least 5 working days before the general meeting"),
    "地方和单位规定（2014年细则未见此条）",
    _("Hold the general meeting only after the public notice has run its 5 working days."),
    ADMISSION_MEETING,
    (PUBLICITY,),
    working_days=5,
)
APPROVAL_CLOCK_2014 = Clock(
    "approval_within_three_months",
    WITHIN,
    _("Approval within 3 months of the general meeting (6 at most)"),
    R2014 + "第四章" + UNVERIFIED,
    _("Ask the higher committee to approve; beyond 6 months the general meeting's resolution lapses."),
    APPROVAL,
    (ADMISSION_MEETING,),
    months=3,
    max_months=6,
)
PROBATION_CLOCK_2014 = Clock(
    "probation_one_year",
    PROBATION_END,
    _("Full membership discussed when the probation ends"),
    R2014 + "第三十二条",
    _("Discuss full membership, an extension (once, 6 to 12 months) or cancellation at a general meeting."),
    FULL_MEETING,
    (ADMISSION_MEETING,),
    months=12,
)
FULL_APPROVAL_CLOCK_2014 = Clock(
    "full_approval_within_three_months",
    WITHIN,
    _("Full membership approved within 3 months of the general meeting"),
    R2014 + "第三十二条",
    _("Ask the higher committee to approve the full membership."),
    FULL_APPROVAL,
    (FULL_MEETING,),
    months=3,
)

RULES_2014 = RuleSet(
    key="2014",
    name=_("Member development rules (2014)"),
    effective_on=datetime.date(2014, 6, 10),
    source=R2014 + "，中共中央办公厅2014年6月10日印发",
    clocks=(
        TALK_CLOCK, ACTIVIST_YEAR_CLOCK, REVIEW_CLOCK, REPORT_CLOCK, POLITICAL_CLOCK, TRAINING_CLOCK,
        PUBLICITY_CLOCK_2014, APPROVAL_CLOCK_2014, PROBATION_CLOCK_2014, FULL_APPROVAL_CLOCK_2014,
    ),
)  # fmt: skip


def _unverified(clock: Clock, citation: str) -> Clock:
    """The same clock in the 2026 revision, cited there and marked unverified."""
    return replace(clock, citation=citation + UNVERIFIED, verified=False)


RULES_2026 = RuleSet(
    key="2026",
    name=_("Member development rules (2026 revision)"),
    # The revision's text and its effective date are not verified: the date is that of its publication.
    effective_on=datetime.date(2026, 5, 18),
    source=R2026 + "，中共中央办公厅2026年5月印发（原文未核实）",
    verified=False,
    note=_(
        "The text of the 2026 revision has not been checked: its clauses and effective date come from "
        "secondary sources. Check them against the published text."
    ),
    clocks=(
        _unverified(TALK_CLOCK, R2026),
        _unverified(ACTIVIST_YEAR_CLOCK, R2026),
        _unverified(REVIEW_CLOCK, R2026),
        _unverified(REPORT_CLOCK, R2026),
        _unverified(POLITICAL_CLOCK, R2026),
        _unverified(TRAINING_CLOCK, R2026),
        _unverified(PUBLICITY_CLOCK_2014, R2026 + "第十三条"),
        Clock(
            "meeting_within_month_of_pre_review", WITHIN,
            _("General meeting within 1 month of the pre-review"), R2026 + "第十九条" + UNVERIFIED,
            _("Hold the branch general meeting on the admission within a month of the pre-review."),
            ADMISSION_MEETING, (PRE_REVIEW,), months=1, verified=False,
        ),
        _unverified(APPROVAL_CLOCK_2014, R2026 + "第二十五条"),
        Clock(
            "oath_within_month", WITHIN, _("Oath within 1 month of the approval"), R2026 + "第二十九条" + UNVERIFIED,
            _("Organise the oath before the Party flag and record it."), OATH, (APPROVAL,), months=1, verified=False,
        ),
        _unverified(PROBATION_CLOCK_2014, R2026 + "第三十一条"),
        _unverified(FULL_APPROVAL_CLOCK_2014, R2026 + "第三十三条"),
    ),
)  # fmt: skip

RULESETS: tuple[RuleSet, ...] = (RULES_2014, RULES_2026)  # oldest first
RULESET_BY_KEY: dict[str, RuleSet] = {r.key: r for r in RULESETS}


def ruleset_on(day: datetime.date) -> RuleSet:
    """The version in force on `day` (the oldest for days before it took effect)."""
    current = RULESETS[0]
    for ruleset in RULESETS:
        if ruleset.effective_on <= day:
            current = ruleset
    return current


# --- Checking a person's clocks ------------------------------------------------------------------

LATE = "late"  # the day has passed and the step is not recorded
COMING = "coming"  # the day comes within COMING_DAYS
BROKEN = "broken"  # the step was recorded against the rule (too early, too late, without what must come first)
OPEN = "open"  # running, its day not yet near
OK = "ok"  # kept

STATE_LABELS: dict[str, Promise] = {
    LATE: pgettext_lazy("development clock", "Late"),
    COMING: _("Coming"),
    BROKEN: _("Not as the rule says"),
    OPEN: _("Running"),
    OK: _("Kept"),
}


@dataclass(frozen=True)
class ClockState:
    clock: Clock
    ruleset: RuleSet
    state: str
    due: datetime.date | None  # the day it falls due (or from which the step is allowed)
    why: str  # the rule and the dates, in words
    advice: str = ""  # what to do, when something is to be done

    @property
    def warns(self) -> bool:
        return self.state in (LATE, COMING, BROKEN)

    @property
    def tone(self) -> str:
        return {LATE: "problem", BROKEN: "problem", COMING: "warning", OPEN: "info", OK: "ok"}[self.state]

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def title(self) -> str:
        return str(self.clock.title)

    @property
    def target(self) -> Step:
        return STEP_BY_KEY[self.clock.target]


@dataclass(frozen=True)
class Record:
    """A recorded step as the rules see it."""

    step: str
    on: datetime.date
    months: int | None = None
    training_days: int | None = None
    training_hours: Decimal | None = None


@dataclass(frozen=True)
class History:
    """A person's recorded steps: the dates of each step, oldest first."""

    records: tuple[Record, ...] = ()
    _by_step: Mapping[str, tuple[Record, ...]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, records: Iterable[Record]) -> "History":
        ordered = tuple(sorted(records, key=lambda r: (r.on, STEP_ORDER.get(r.step, 0))))
        by_step: dict[str, list[Record]] = {}
        for record in ordered:
            by_step.setdefault(record.step, []).append(record)
        return cls(ordered, {k: tuple(v) for k, v in by_step.items()})

    def all(self, key: str) -> tuple[Record, ...]:
        return self._by_step.get(key, ())

    def first(self, key: str) -> Record | None:
        found = self.all(key)
        return found[0] if found else None

    def last(self, key: str) -> Record | None:
        found = self.all(key)
        return found[-1] if found else None

    def has(self, key: str) -> bool:
        return key in self._by_step

    def keys(self) -> set[str]:
        return set(self._by_step)

    def with_record(self, record: Record) -> "History":
        return History.of((*self.records, record))


def _anchor(history: History, clock: Clock) -> Record | None:
    for key in clock.anchors:
        if (found := history.first(key)) is not None:
            return found
    return None


def _near(due: datetime.date, today: datetime.date) -> bool:
    return (due - today).days <= COMING_DAYS


def _words(clock: Clock, ruleset: RuleSet, text: str) -> str:
    return gettext("%(text)s (%(citation)s)") % {"text": text, "citation": clock.citation}


def check_clock(
    clock: Clock, ruleset: RuleSet, history: History, today: datetime.date, calendar_: WorkingCalendar
) -> ClockState | None:
    """Where one clock stands for one person; None when it has not started or does not apply."""
    anchor = _anchor(history, clock)
    if anchor is None:
        return None
    anchor_step = STEP_BY_KEY[anchor.step].title
    target_step = STEP_BY_KEY[clock.target].title
    done = history.first(clock.target)
    advice = str(clock.advice)
    facts = {"anchor": anchor_step, "anchor_on": anchor.on, "target": target_step, "months": clock.months}

    if clock.kind == WITHIN:
        due = add_months(anchor.on, clock.months)
        facts["due"] = due
        limit = add_months(anchor.on, clock.max_months) if clock.max_months else None
        if done is not None:
            if done.on > due:
                why = gettext(
                    "%(target)s was recorded on %(done)s, later than %(months)s months after %(anchor)s "
                    "(%(anchor_on)s), i.e. after %(due)s."
                ) % (facts | {"done": done.on})
                if limit and done.on > limit:
                    why += " " + gettext("It is also beyond the outer limit of %(max)s months.") % {
                        "max": clock.max_months
                    }
                return ClockState(clock, ruleset, BROKEN, due, _words(clock, ruleset, why), advice)
            return ClockState(clock, ruleset, OK, due, _words(clock, ruleset, gettext("Kept.")))
        if today > due:
            why = (
                gettext(
                    "%(target)s is due within %(months)s months of %(anchor)s (%(anchor_on)s), i.e. by %(due)s; "
                    "it has not been recorded."
                )
                % facts
            )
            if limit:
                why += " " + (
                    gettext("The outer limit of %(max)s months has passed (%(limit)s).")
                    if today > limit
                    else gettext("The outer limit of %(max)s months ends on %(limit)s.")
                ) % {"max": clock.max_months, "limit": limit}
            return ClockState(clock, ruleset, LATE, due, _words(clock, ruleset, why), advice)
        why = gettext("%(target)s is due by %(due)s, %(months)s months after %(anchor)s (%(anchor_on)s).") % facts
        return ClockState(
            clock, ruleset, COMING if _near(due, today) else OPEN, due, _words(clock, ruleset, why), advice
        )

    if clock.kind == NOT_BEFORE:
        earliest = add_months(anchor.on, clock.months)
        facts["due"] = earliest
        if done is not None:
            if done.on < earliest:
                why = gettext(
                    "%(target)s was recorded on %(done)s, before %(due)s: less than %(months)s months after "
                    "%(anchor)s (%(anchor_on)s)."
                ) % (facts | {"done": done.on})
                return ClockState(clock, ruleset, BROKEN, earliest, _words(clock, ruleset, why), advice)
            return ClockState(clock, ruleset, OK, earliest, _words(clock, ruleset, gettext("Kept.")))
        why = (
            gettext("%(target)s may be decided from %(due)s, %(months)s months after %(anchor)s (%(anchor_on)s).")
            % facts
        )
        state = OPEN if today >= earliest or not _near(earliest, today) else COMING
        return ClockState(
            clock, ruleset, state, earliest, _words(clock, ruleset, why), advice if state == COMING else ""
        )

    if clock.kind == EVERY:
        if clock.until and history.has(clock.until):
            return None
        last = max([anchor.on, *(r.on for r in history.all(clock.target) if r.on >= anchor.on)])
        due = add_months(last, clock.months)
        facts |= {"due": due, "last": last}
        why = gettext("%(target)s every %(months)s months: the last on %(last)s, the next due by %(due)s.") % facts
        if today > due:
            return ClockState(clock, ruleset, LATE, due, _words(clock, ruleset, why), advice)
        return ClockState(
            clock, ruleset, COMING if _near(due, today) else OPEN, due, _words(clock, ruleset, why), advice
        )

    if clock.kind == BEFORE:
        # `anchor` is the step that needs the target first (预审 needs 政审 and 培训).
        if done is None or done.on > anchor.on:
            why = gettext("%(anchor)s was recorded on %(anchor_on)s without %(target)s before it.") % facts
            return ClockState(clock, ruleset, BROKEN, anchor.on, _words(clock, ruleset, why), advice)
        if clock.target == TRAINING and not training_sufficient(done.training_days, done.training_hours):
            why = gettext(
                "The concentrated training recorded (%(days)s days, %(hours)s study hours) is shorter than "
                "%(min_days)s days or %(min_hours)s study hours."
            ) % {
                "days": done.training_days or 0,
                "hours": done.training_hours or 0,
                "min_days": TRAINING_MIN_DAYS,
                "min_hours": TRAINING_MIN_HOURS,
            }
            return ClockState(clock, ruleset, BROKEN, anchor.on, _words(clock, ruleset, why), advice)
        return ClockState(clock, ruleset, OK, anchor.on, _words(clock, ruleset, gettext("Kept.")))

    if clock.kind == PUBLICITY_DAYS:
        last_day = publicity_last_day(calendar_, anchor.on, clock.working_days)
        facts |= {"days": clock.working_days, "last": last_day}
        if done is not None:
            if done.on <= last_day:
                why = gettext(
                    "The general meeting (%(done)s) was held before the public notice of %(days)s working days "
                    "starting %(anchor_on)s had ended (%(last)s)."
                ) % (facts | {"done": done.on})
                return ClockState(clock, ruleset, BROKEN, last_day, _words(clock, ruleset, why), advice)
            return ClockState(clock, ruleset, OK, last_day, _words(clock, ruleset, gettext("Kept.")))
        why = (
            gettext(
                "The public notice started on %(anchor_on)s runs %(days)s working days, to %(last)s; the general "
                "meeting may be held after it."
            )
            % facts
        )
        return ClockState(clock, ruleset, OPEN, last_day + datetime.timedelta(days=1), _words(clock, ruleset, why))

    if clock.kind == PROBATION_END:
        extension = history.first(EXTENSION)
        months = extension.months if extension is not None and extension.months else 0
        ends = probation_ends(anchor.on, months)
        facts |= {"due": ends}
        meeting = next((r for r in history.all(FULL_MEETING) if r.on >= anchor.on), None)
        if extension is not None:
            # The meeting that decided the extension does not count: the next discussion must follow it.
            meeting = next((r for r in history.all(FULL_MEETING) if r.on > extension.on), None)
        if meeting is not None:
            return ClockState(clock, ruleset, OK, ends, _words(clock, ruleset, gettext("Kept.")))
        why = (
            gettext("The probation, extended by %(months)s months, ends on %(due)s.") % (facts | {"months": months})
            if months
            else gettext("The probation of one year from the general meeting (%(anchor_on)s) ends on %(due)s.") % facts
        )
        if today > ends:
            why += " " + gettext("Full membership has not been discussed.")
            return ClockState(clock, ruleset, LATE, ends, _words(clock, ruleset, why), advice)
        return ClockState(
            clock, ruleset, COMING if _near(ends, today) else OPEN, ends, _words(clock, ruleset, why), advice
        )

    raise ValueError(clock.kind)


def check_person(history: History, today: datetime.date, calendar_: WorkingCalendar) -> list[ClockState]:
    """Every clock that has started for one person, each under the version in force on its starting step's day."""
    states: list[ClockState] = []
    for key in _clock_keys():
        # The version is chosen by the day of the clock's first recorded anchor.
        for ruleset in RULESETS:
            clock = ruleset.clock(key)
            if clock is None:
                continue
            anchor = _anchor(history, clock)
            if anchor is None or ruleset_on(anchor.on) is not ruleset:
                continue
            state = check_clock(clock, ruleset, history, today, calendar_)
            if state is not None:
                states.append(state)
    return states


def _clock_keys() -> list[str]:
    seen: dict[str, None] = {}
    for ruleset in RULESETS:
        for clock in ruleset.clocks:
            seen.setdefault(clock.key, None)
    return list(seen)


# --- Checking a step as it is recorded -------------------------------------------------------------


def step_problems(
    key: str, on: datetime.date, history: History, today: datetime.date, *, months: int | None = None
) -> dict[str, str]:
    """Field → message for a step that cannot be recorded as given (impossible, not merely late or early)."""
    if key not in STEP_BY_KEY:
        return {"step": gettext("Unknown step.")}
    problems: dict[str, str] = {}
    if on > today:
        problems["on"] = gettext("The date is in the future: record a step once it has happened.")
    application = history.first(APPLICATION)
    if key != APPLICATION and application is not None and on < application.on:
        problems["on"] = gettext("The date is before the application (%(date)s).") % {"date": application.on}
    if key not in REPEATING and history.has(key):
        problems["step"] = gettext("This step has already been recorded on %(date)s.") % {
            "date": history.first(key).on  # type: ignore[union-attr]
        }
    if key == EXTENSION:
        if months is None or not extension_allowed(months):
            problems["months"] = gettext("The probation is extended by %(low)s to %(high)s months.") % {
                "low": EXTENSION_MIN_MONTHS,
                "high": EXTENSION_MAX_MONTHS,
            }
    elif months is not None:
        problems["months"] = gettext("Months are given only for an extension of the probation.")
    return problems


def step_warnings(
    key: str, record: Record, history: History, today: datetime.date, calendar_: WorkingCalendar
) -> list[str]:
    """What is irregular about recording this step now (saved all the same): steps missing before it,
    and the clocks it breaks."""
    warnings = []
    missing = [STEP_BY_KEY[k].label for k in STEP_BY_KEY[key].requires if not history.has(k)]
    if missing:
        warnings.append(
            gettext("Recorded before these steps: %(steps)s.") % {"steps": gettext("; ").join(str(m) for m in missing)}
        )
    after = history.with_record(record)
    # Only what this record changed: the clocks aimed at this step, or started by it.
    warnings.extend(
        state.why + " " + state.advice
        for state in check_person(after, today, calendar_)
        if state.state == BROKEN and (state.clock.target == key or key in state.clock.anchors)
    )
    return warnings
