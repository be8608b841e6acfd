"""Study hours (学时). Pure rules: no ORM.

There is no national definition of one 学时 (domain.md §2), so the conversion is versioned data a
committee can choose; durations are stored in minutes and 学时 derived from them.
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
