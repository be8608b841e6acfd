"""Early warning for members drifting to the margin (边缘人预警): named, explainable signals. Pure: no ORM.

Each signal reads what the platform already records about one member — attendance at collective
activities, self-study, counted reading, heart-to-heart talks, special situations — and says why it
fires, with dates, which regulation it rests on, and what an officer could do. Nothing here scores
or ranks members: a signal fires or it does not, and an entry lists its reasons.

Every threshold is a field of `WarningRules`, with the regulation or the unit practice it comes
from; a deployment may change them (see `rules_from_settings`).

Decisions the regulations leave open, taken here and documented in docs/compliance.md:

- Approved leave (请假) is excused: it neither counts as an absence nor breaks a run of absences;
  it is not taking part either, so it does not stop the organisational-life clock. A make-up
  accepted afterwards (补学) is treated like leave for absences (the member did the work) and
  counts as study, not as organisational life.
- Attendance still marked "expected" (an activity not yet closed) counts neither way.
- Exemptions (教育管理条例 Art.23, 32, 34): frail or ill members have no attendance or study
  signals and keep the talk signal, with bringing study home (送学上门) suggested; members abroad
  have no attendance or study signals, organisational life resumes on return, and contact is due
  every half year; flowing members may take part in organisational life elsewhere, so they have
  no attendance signals, but keep the study and talk signals. A clock suspended by an exemption
  restarts when the exemption ends.
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from fractions import Fraction

# --- Vocabulary ----------------------------------------------------------------------------------


class Level:
    WARNING = "warning"
    ALARM = "alarm"

    ORDER = {WARNING: 1, ALARM: 2}


class Action:
    """What an officer could do about an entry (the suggestion; what was done is recorded on closing)."""

    TALK = "talk"
    VISIT = "visit"
    STUDY_AT_HOME = "study_at_home"  # 送学上门 (教育管理条例 Art.23)

    PRIORITY = (STUDY_AT_HOME, VISIT, TALK)


class Signal:
    ABSENCES = "absences"
    ORGANISATIONAL_LIFE = "organisational_life"
    STUDY = "study"
    TALK = "talk"
    PARTICIPATION = "participation"

    ALL = (ABSENCES, ORGANISATIONAL_LIFE, STUDY, TALK, PARTICIPATION)


class Situation:
    FRAIL = "frail"
    ABROAD = "abroad"
    FLOWING = "flowing"


# Attendance statuses (study.AttendanceStatus values) as the signals read them.
ATTENDED = frozenset({"present", "late"})
EXCUSED = frozenset({"leave", "made_up"})
ABSENT = "absent"
NOT_TAKING_PART = frozenset({"absent", "leave", "made_up"})
SETTLED = ATTENDED | NOT_TAKING_PART  # "expected" is not settled yet

# Where each signal's rule comes from, cited on every reason.
SOURCES = {
    Signal.ABSENCES: "《中国共产党支部工作条例（试行）》第十六条：组织党员按期参加党员大会、党小组会和上党课；"
    "连续缺席次数为本单位做法",
    Signal.ORGANISATIONAL_LIFE: "《中国共产党章程》第九条：没有正当理由，连续六个月不参加党的组织生活……"
    "就被认为是自行脱党；三个月提醒为本单位做法",
    Signal.STUDY: "《中国共产党党员教育管理工作条例》第七条、第二十条：党员经常性学习，每年集中学习培训一般不少于32学时",
    Signal.TALK: "《中国共产党支部工作条例（试行）》第十九条：支委与党员之间谈心谈话一般每年不少于1次",
    Signal.PARTICIPATION: "《中国共产党党员教育管理工作条例》第二十八条：党员出现思想、工作、生活上的问题苗头时及时提醒；"
    "比较口径为本单位做法",
}
EXEMPTION_SOURCES = {
    Situation.FRAIL: "《中国共产党党员教育管理工作条例》第二十三条：年老体弱、身患重病等党员不作硬性要求，送学上门",
    Situation.ABROAD: "《中国共产党党员教育管理工作条例》第三十四条：出国学习研究党员至少每半年联系一次，回国后恢复组织生活",
    Situation.FLOWING: "《中国共产党党员教育管理工作条例》第三十二条：流动党员可以在流入地参加组织生活",
}


@dataclass(frozen=True)
class WarningRules:
    """The thresholds of the early warning, each with where it comes from. Local practice is marked [L]."""

    # Absences in a row from collective activities the member was expected at [L].
    absence_threshold: int = 3
    # No organisational life: a warning after this many days [L] (local practice flags 3 months),
    # an alarm from this many months, and the line of 党章 Art.9 at six months.
    life_warning_days: int = 90
    life_alarm_months: int = 5
    life_limit_months: int = 6
    # The clock counts only when the member missed at least this many organisational-life activities
    # they were expected at: a branch that held none is the branch's gap, not the member's.
    life_min_missed: int = 1
    # No study logged (self-study, counted reading, attendance at study activities) for this many days [L].
    study_warning_days: int = 90
    # A talk at least once a year (支部条例 Art.19); contact with members abroad every half year (Art.34).
    talk_months: int = 12
    abroad_contact_months: int = 6
    # Participation: the rate over the last `recent_months` below `drop_ratio` of the rate over the
    # `previous_months` before, each window with at least `drop_min_expected` settled activities [L].
    recent_months: int = 6
    previous_months: int = 12
    drop_ratio: Fraction = Fraction(1, 2)
    drop_min_expected: int = 4
    # Activity forms (study.Form values) that are organisational life (三会一课, 主题党日, 组织生活会;
    # 支部条例 Art.11–18) and that are collective study (教育管理条例 Art.7).
    life_forms: frozenset[str] = frozenset(
        {"theme_day", "lecture", "general_meeting", "committee_meeting", "group_meeting", "life_meeting"}
    )
    study_forms: frozenset[str] = frozenset({"theme_day", "lecture", "report", "visit", "film", "group_study"})
    # How far back the facts are read; anything older counts as "nothing since then".
    lookback_days: int = 730

    def __post_init__(self) -> None:
        numbers = (
            self.absence_threshold,
            self.life_warning_days,
            self.life_alarm_months,
            self.life_limit_months,
            self.study_warning_days,
            self.talk_months,
            self.abroad_contact_months,
            self.recent_months,
            self.previous_months,
            self.drop_min_expected,
            self.lookback_days,
        )
        if min(numbers) <= 0 or self.life_min_missed < 0:
            raise ValueError("early-warning thresholds must be positive")
        if not 0 < self.drop_ratio < 1:
            raise ValueError("the participation ratio lies between 0 and 1")
        if self.life_alarm_months > self.life_limit_months:
            raise ValueError("the alarm comes before the six-month line")


DEFAULT_RULES = WarningRules()

_INT_FIELDS = {
    "absence_threshold",
    "life_warning_days",
    "life_alarm_months",
    "life_limit_months",
    "life_min_missed",
    "study_warning_days",
    "talk_months",
    "abroad_contact_months",
    "recent_months",
    "previous_months",
    "drop_min_expected",
    "lookback_days",
}


def rules_from_settings(overrides: dict | None) -> WarningRules:
    """The default rules with a deployment's overrides (the `DANGJIAN_EARLY_WARNING` setting) applied."""
    if not overrides:
        return DEFAULT_RULES
    values: dict = {}
    for key, value in overrides.items():
        if key in _INT_FIELDS:
            values[key] = int(value)
        elif key == "drop_ratio":
            values[key] = Fraction(str(value))
        elif key in ("life_forms", "study_forms"):
            values[key] = frozenset(value)
        else:
            raise ValueError(f"unknown early-warning setting {key!r}")
    return replace(DEFAULT_RULES, **values)


# --- Dates ---------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later (or earlier), on the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occasion:
    """One collective activity the member had an attendance record for, and what became of it."""

    activity_id: int
    day: datetime.date
    theme: str
    form: str
    status: str
    expected: bool = True
    made_up_on: datetime.date | None = None  # when an accepted make-up was handed in


@dataclass(frozen=True)
class Period:
    kind: str
    since: datetime.date
    until: datetime.date | None = None

    def covers(self, day: datetime.date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class MemberFacts:
    """What the platform knows about one member, read once by the refresh."""

    member_id: int
    member_since: datetime.date  # in the college without a break
    observed_since: datetime.date  # facts older than this were not read
    occasions: tuple[Occasion, ...] = ()
    situations: tuple[Period, ...] = ()
    last_self_study: datetime.date | None = None
    last_reading: datetime.date | None = None
    last_talk: datetime.date | None = None
    # When the member's branch began recording talks; a member never talked with is counted from then.
    talks_recorded_since: datetime.date | None = None

    def kinds_on(self, day: datetime.date) -> set[str]:
        return {period.kind for period in self.situations if period.covers(day)}

    def resumed_on(self, kinds: Iterable[str], today: datetime.date) -> datetime.date | None:
        """The day after the last of these exemptions ended (before today), if any did."""
        wanted = set(kinds)
        ends = [p.until for p in self.situations if p.kind in wanted and p.until is not None and p.until < today]
        return max(ends) + datetime.timedelta(days=1) if ends else None


# --- Findings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A dated fact behind a reason: an activity missed, the last study, the last talk."""

    day: datetime.date
    label: str
    status: str = ""


@dataclass(frozen=True)
class Finding:
    """One signal that fires, with its reasons. `key_date` is the latest date that makes it fire."""

    signal: str
    level: str
    action: str
    since: datetime.date  # the clock's start, or the first of the items
    key_date: datetime.date
    items: tuple[Item, ...] = ()
    data: dict = field(default_factory=dict)
    exemption: str = ""

    @property
    def source(self) -> str:
        return SOURCES[self.signal]

    def as_dict(self) -> dict:
        """The finding as stored on an entry (JSON)."""
        return {
            "signal": self.signal,
            "level": self.level,
            "action": self.action,
            "since": self.since.isoformat(),
            "key_date": self.key_date.isoformat(),
            "items": [{"day": i.day.isoformat(), "label": i.label, "status": i.status} for i in self.items],
            "data": {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in self.data.items()},
            "exemption": self.exemption,
        }


ALL_EXEMPTIONS = (Situation.FRAIL, Situation.ABROAD, Situation.FLOWING)
# Exemptions that lift the study expectation (the study-hour ledger exempts the same two).
STUDY_EXEMPTIONS = (Situation.FRAIL, Situation.ABROAD)
MAX_ITEMS = 6


def _start(facts: MemberFacts, *candidates: datetime.date | None) -> datetime.date:
    return max(d for d in (facts.member_since, facts.observed_since, *candidates) if d is not None)


def _after(not_before: datetime.date | None) -> datetime.date | None:
    return not_before + datetime.timedelta(days=1) if not_before else None


def consecutive_absences(
    facts: MemberFacts,
    today: datetime.date,
    rules: WarningRules = DEFAULT_RULES,
    not_before: datetime.date | None = None,
) -> Finding | None:
    """Absent from the last `absence_threshold` (or more) collective activities in a row the member was
    expected at. Leave and accepted make-up are skipped (excused); attending ends the run. With
    `not_before` (an entry closed then), only absences after it count."""
    if facts.kinds_on(today) & set(ALL_EXEMPTIONS):
        return None
    start = _start(facts, facts.resumed_on(ALL_EXEMPTIONS, today), _after(not_before))
    run: list[Occasion] = []
    for occasion in sorted(facts.occasions, key=lambda o: (o.day, o.activity_id), reverse=True):
        if occasion.day > today or occasion.day < start or occasion.status not in SETTLED:
            continue
        if occasion.status in ATTENDED:
            break
        if occasion.status == ABSENT and occasion.expected:
            run.append(occasion)
    if len(run) < rules.absence_threshold:
        return None
    run.reverse()
    return Finding(
        signal=Signal.ABSENCES,
        level=Level.WARNING,
        action=Action.TALK,
        since=run[0].day,
        key_date=run[-1].day,
        items=tuple(Item(o.day, o.theme, o.status) for o in run[-MAX_ITEMS:]),
        data={"count": len(run)},
    )


def organisational_life(
    facts: MemberFacts,
    today: datetime.date,
    rules: WarningRules = DEFAULT_RULES,
    not_before: datetime.date | None = None,
) -> Finding | None:
    """No organisational life for `life_warning_days` → warning; from `life_alarm_months` → alarm, as the
    six-month line of 党章 Art.9 approaches or is passed. Counts only when the member missed at least
    `life_min_missed` organisational-life activities they were expected at since the clock started."""
    if facts.kinds_on(today) & set(ALL_EXEMPTIONS):
        return None
    attended = [
        o.day for o in facts.occasions if o.form in rules.life_forms and o.status in ATTENDED and o.day <= today
    ]
    last = max(attended) if attended else None
    start = _start(facts, last, facts.resumed_on(ALL_EXEMPTIONS, today))
    missed = sorted(
        (
            o
            for o in facts.occasions
            if o.form in rules.life_forms and o.expected and o.status in NOT_TAKING_PART and start <= o.day <= today
        ),
        key=lambda o: (o.day, o.activity_id),
    )
    if len(missed) < rules.life_min_missed:
        return None
    warn_on = start + datetime.timedelta(days=rules.life_warning_days)
    alarm_on = add_months(start, rules.life_alarm_months)
    limit_on = add_months(start, rules.life_limit_months)
    if today < min(warn_on, alarm_on):
        return None
    crossed = [d for d in (warn_on, alarm_on, limit_on) if d <= today]
    key_date = max(crossed)
    if not_before is not None:
        # Closed on `not_before`: fire again when a line is crossed after it, or when another full
        # warning period has passed since, with an activity missed in between.
        renewed = max(start, not_before) + datetime.timedelta(days=rules.life_warning_days)
        missed_since = [o for o in missed if o.day > not_before]
        if key_date <= not_before and not (renewed <= today and missed_since):
            return None
        key_date = max(key_date, renewed) if renewed <= today else key_date
    level = Level.ALARM if today >= alarm_on else Level.WARNING
    return Finding(
        signal=Signal.ORGANISATIONAL_LIFE,
        level=level,
        action=Action.VISIT if level == Level.ALARM else Action.TALK,
        since=start,
        key_date=key_date,
        items=tuple(Item(o.day, o.theme, o.status) for o in missed[-MAX_ITEMS:]),
        data={
            "last": last,
            "missed": len(missed),
            "before_records": start == facts.observed_since,
            "limit_on": limit_on,
            "limit_passed": today >= limit_on,
        },
    )


def _last_study(facts: MemberFacts, today: datetime.date, rules: WarningRules) -> tuple[datetime.date, str] | None:
    """The latest study of the member on or before today, and what it was."""
    found: list[tuple[datetime.date, str]] = []
    if facts.last_self_study and facts.last_self_study <= today:
        found.append((facts.last_self_study, "self_study"))
    if facts.last_reading and facts.last_reading <= today:
        found.append((facts.last_reading, "reading"))
    for o in facts.occasions:
        if o.status in ATTENDED and o.form in rules.study_forms and o.day <= today:
            found.append((o.day, "activity"))
        elif o.status == "made_up":
            day = o.made_up_on or o.day
            if day <= today:
                found.append((day, "make_up"))
    return max(found) if found else None


def study(
    facts: MemberFacts,
    today: datetime.date,
    rules: WarningRules = DEFAULT_RULES,
    not_before: datetime.date | None = None,
) -> Finding | None:
    """No study logged — self-study, counted reading, attending a study activity, an accepted make-up —
    for `study_warning_days`. Not for frail members or members abroad (no hard study requirement)."""
    if facts.kinds_on(today) & set(STUDY_EXEMPTIONS):
        return None
    last = _last_study(facts, today, rules)
    start = _start(facts, last[0] if last else None, facts.resumed_on(STUDY_EXEMPTIONS, today))
    due = max(start, not_before or start) + datetime.timedelta(days=rules.study_warning_days)
    if today < due:
        return None
    items = (Item(last[0], "", last[1]),) if last else ()
    return Finding(
        signal=Signal.STUDY,
        level=Level.WARNING,
        action=Action.TALK,
        since=start,
        key_date=due,
        items=items,
        data={"before_records": start == facts.observed_since},
        exemption=Situation.FLOWING if Situation.FLOWING in facts.kinds_on(today) else "",
    )


def talk(
    facts: MemberFacts,
    today: datetime.date,
    rules: WarningRules = DEFAULT_RULES,
    not_before: datetime.date | None = None,
) -> Finding | None:
    """No talk in over a year (支部条例 Art.19); for a member abroad, no contact in over half a year
    (教育管理条例 Art.34). A member never talked with counts from when they joined or from when their
    branch began recording talks, whichever is later; before any talk is recorded it does not fire.
    Kept for exempt members; a frail member is best visited with study brought home."""
    if facts.last_talk is not None:
        start = facts.last_talk
    elif facts.talks_recorded_since is not None:
        start = max(facts.member_since, facts.talks_recorded_since)
    else:
        return None
    kinds = facts.kinds_on(today)
    months = rules.abroad_contact_months if Situation.ABROAD in kinds else rules.talk_months
    due = add_months(max(start, not_before or start), months)
    if today <= due:
        return None
    exemption = next((k for k in (Situation.FRAIL, Situation.ABROAD, Situation.FLOWING) if k in kinds), "")
    return Finding(
        signal=Signal.TALK,
        level=Level.WARNING,
        action=Action.STUDY_AT_HOME if Situation.FRAIL in kinds else Action.TALK,
        since=start,
        key_date=due + datetime.timedelta(days=1),
        items=(Item(facts.last_talk, "", "talk"),) if facts.last_talk else (),
        data={"months": months, "due": due, "never": facts.last_talk is None},
        exemption=exemption,
    )


def participation(
    facts: MemberFacts,
    today: datetime.date,
    rules: WarningRules = DEFAULT_RULES,
    not_before: datetime.date | None = None,
) -> Finding | None:
    """Attendance over the last `recent_months` below `drop_ratio` of the member's own rate over the
    `previous_months` before, each window with at least `drop_min_expected` settled activities."""
    if facts.kinds_on(today) & set(ALL_EXEMPTIONS):
        return None
    recent_from = add_months(today, -rules.recent_months)
    previous_from = add_months(recent_from, -rules.previous_months)
    recent = [o for o in facts.occasions if o.expected and o.status in SETTLED and recent_from < o.day <= today]
    previous = [
        o for o in facts.occasions if o.expected and o.status in SETTLED and previous_from < o.day <= recent_from
    ]
    if len(recent) < rules.drop_min_expected or len(previous) < rules.drop_min_expected:
        return None
    recent_attended = sum(1 for o in recent if o.status in ATTENDED)
    previous_attended = sum(1 for o in previous if o.status in ATTENDED)
    if Fraction(recent_attended, len(recent)) >= rules.drop_ratio * Fraction(previous_attended, len(previous)):
        return None
    missed = sorted((o for o in recent if o.status not in ATTENDED), key=lambda o: (o.day, o.activity_id))
    if not_before is not None and not any(o.day > not_before for o in missed):
        return None
    return Finding(
        signal=Signal.PARTICIPATION,
        level=Level.WARNING,
        action=Action.TALK,
        since=missed[0].day,
        key_date=missed[-1].day,
        items=tuple(Item(o.day, o.theme, o.status) for o in missed[-MAX_ITEMS:]),
        data={
            "recent_attended": recent_attended,
            "recent_expected": len(recent),
            "previous_attended": previous_attended,
            "previous_expected": len(previous),
            "recent_months": rules.recent_months,
            "previous_months": rules.previous_months,
        },
    )


SIGNAL_RULES = {
    Signal.ABSENCES: consecutive_absences,
    Signal.ORGANISATIONAL_LIFE: organisational_life,
    Signal.STUDY: study,
    Signal.TALK: talk,
    Signal.PARTICIPATION: participation,
}


def evaluate(
    facts: MemberFacts,
    today: datetime.date,
    rules: WarningRules = DEFAULT_RULES,
    not_before: datetime.date | None = None,
) -> list[Finding]:
    """Every signal that fires for the member today, in the order of `Signal.ALL`.

    `not_before` is the day the member's last entry was closed: only what is new since then fires
    (three new absences, a line crossed or a full period passed after the closing)."""
    found = (rule(facts, today, rules, not_before) for rule in SIGNAL_RULES.values())
    return [finding for finding in found if finding is not None]


def entry_level(findings: Iterable[Finding | dict]) -> str:
    """An alarm when any reason is one, else a warning."""
    levels = [f.level if isinstance(f, Finding) else f["level"] for f in findings]
    return Level.ALARM if Level.ALARM in levels else Level.WARNING


def suggested_action(findings: Iterable[Finding | dict]) -> str:
    """The one action suggested for an entry: study brought home for a frail member, a visit for an
    alarm, otherwise a talk."""
    actions = {f.action if isinstance(f, Finding) else f["action"] for f in findings}
    return next((a for a in Action.PRIORITY if a in actions), Action.TALK)
