"""Study hours (学时): how minutes of study become 学时. Pure rules: no ORM.

There is no national definition of one 学时 (domain.md §2), so the conversion is versioned data a
committee can choose; durations are stored in minutes and 学时 derived from them. Collective study,
self-study and reading in the library all convert with these rules (the annual requirement, the
proration and the self-study cap are the study app's, in `study.rules.hours`).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class HourRule:
    """How many minutes make one 学时, and to what step credit is rounded."""

    code: str
    minutes_per_hour: int
    step: Decimal  # credit is rounded down to a multiple of this many 学时
    source: str


# 1 hour = 1 学时, half day = 4, full day = 8; accumulated per calendar year (a company's
# 党员教育学时制度, domain.md §2) [L].
CLOCK_HOUR = HourRule("clock_hour", 60, Decimal("0.5"), "常见单位做法：1小时计1学时，半天4学时，一天8学时")
# A class period of 45 minutes, as many universities count teaching hours [L].
CLASS_PERIOD = HourRule("class_period", 45, Decimal("0.5"), "按45分钟一学时计")

HOUR_RULES = {rule.code: rule for rule in (CLOCK_HOUR, CLASS_PERIOD)}
DEFAULT_HOUR_RULE = CLOCK_HOUR


def hours_from_minutes(minutes: int, rule: HourRule = DEFAULT_HOUR_RULE) -> Decimal:
    """学时 credited for `minutes` of study under `rule`, rounded down to the rule's step."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    raw = Decimal(minutes) / Decimal(rule.minutes_per_hour)
    steps = (raw / rule.step).to_integral_value(rounding="ROUND_FLOOR")
    return (steps * rule.step).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Per-session conversion tables -------------------------------------------------------------


@dataclass(frozen=True)
class TableHourRule:
    """A per-session table: each session earns the 学时 of the first row whose minimum it reaches.

    Unlike `HourRule` it is not linear, so it applies to each session (each self-study entry)
    separately, never to a sum of minutes.
    """

    code: str
    rows: tuple[tuple[int, Decimal], ...]  # (minimum minutes, 学时), longest first; the last minimum is 1
    source: str

    def hours(self, minutes: int) -> Decimal:
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        return next((hours for minimum, hours in self.rows if minutes >= minimum), Decimal(0))


# 云南省干部在线学习学院: a course of ≥30 min = 1 学时, 15–30 min = 0.5, shorter (微课) = 0.25
# (domain.md §2) [L]. A course of exactly 15 minutes counts as 0.5.
ONLINE_COURSE = TableHourRule(
    "online_course",
    ((30, Decimal(1)), (15, Decimal("0.5")), (1, Decimal("0.25"))),
    "云南省干部在线学习学院：30分钟及以上计1学时，15—30分钟计0.5学时，15分钟以下计0.25学时",
)

SESSION_RULES = {ONLINE_COURSE.code: ONLINE_COURSE}
AnyHourRule = HourRule | TableHourRule


def hour_rule(code: str) -> AnyHourRule:
    """The conversion rule with this code; KeyError for an unknown one."""
    return HOUR_RULES.get(code) or SESSION_RULES[code]


def credit_hours(minutes: int, rule: AnyHourRule = DEFAULT_HOUR_RULE) -> Decimal:
    """学时 for `minutes` under either kind of rule (a total for `HourRule`, one session for a table)."""
    if isinstance(rule, TableHourRule):
        return rule.hours(minutes)
    return hours_from_minutes(minutes, rule)
