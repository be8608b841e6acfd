"""Study hours (学时) a member owes: the annual requirement, proration, exemption and the
self-study cap. Pure rules: no ORM.

How minutes become 学时 (the conversion rules) is in `library.rules.hours`, shared with reading.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dangjian.library.rules.hours import DEFAULT_HOUR_RULE, AnyHourRule, hour_rule

# --- The annual requirement --------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementRule:
    """学时 a year required of members and of officers, from the year it takes effect."""

    code: str
    effective_year: int
    member_hours: Decimal
    member_source: str
    officer_hours: Decimal
    officer_source: str
    officer_verified: bool  # whether the officers' figure is confirmed for the plan now in force


# 教育管理条例 Art.20 (施行 2019-05-06): "党员每年集中学习培训时间一般不少于32学时" [V].
# The 56 学时 for 基层党组织书记和班子成员 comes from the 全国党员教育培训工作规划 (2014–2018) [S];
# whether the 2019–2023 and 2024–2028 规划 keep it is not verified, hence `officer_verified`.
REQUIREMENT_2019 = RequirementRule(
    code="regulation_2019",
    effective_year=2019,
    member_hours=Decimal(32),
    member_source="《中国共产党党员教育管理工作条例》第二十条",
    officer_hours=Decimal(56),
    officer_source="《全国党员教育培训工作规划（2014—2018年）》（现行规划是否沿用未核实）",
    officer_verified=False,
)
REQUIREMENT_RULES: tuple[RequirementRule, ...] = (REQUIREMENT_2019,)


def requirement_rule_for(year: int, rules: tuple[RequirementRule, ...] = REQUIREMENT_RULES) -> RequirementRule:
    """The version in force in `year`: the latest one effective by then (the earliest for years before all)."""
    ordered = sorted(rules, key=lambda rule: rule.effective_year)
    in_force = [rule for rule in ordered if rule.effective_year <= year]
    return in_force[-1] if in_force else ordered[0]


def annual_requirement(year: int, *, officer: bool, rules: tuple[RequirementRule, ...] = REQUIREMENT_RULES) -> Decimal:
    """学时 required for the whole of `year`: 56 for secretaries and committee members, else 32."""
    rule = requirement_rule_for(year, rules)
    return rule.officer_hours if officer else rule.member_hours


# --- Proration for members who joined during the year ------------------------------------------

# Proration is by days, not months: a member who joined on 1 July of a 365-day year owes
# 184/365 of the year's hours. Days treat every joining date alike (months would make 1 and
# 31 July the same), and leap years are handled by counting the year's real length. The result
# is rounded half up to PRORATION_STEP 学时, so a member who joined on 31 December owes nothing.
PRORATION_STEP = Decimal("0.5")


def days_in_year(year: int) -> int:
    return (datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days


def prorated_requirement(full: Decimal, year: int, joined_on: datetime.date | None) -> Decimal:
    """The share of `full` owed by a member who joined on `joined_on` (the whole of it before 1 January)."""
    if joined_on is None or joined_on.year < year:
        return full
    if joined_on.year > year:
        return Decimal(0)
    remaining = (datetime.date(year, 12, 31) - joined_on).days + 1  # the joining day counts
    raw = full * remaining / days_in_year(year)
    steps = (raw / PRORATION_STEP).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (steps * PRORATION_STEP).quantize(Decimal("0.1"))


# --- Exemption -----------------------------------------------------------------------------------

# 教育管理条例 Art.23: frail, seriously ill or disabled members have no hard study requirement;
# a member abroad for the whole period cannot attend either. Only a situation covering the
# whole period exempts; a shorter one leaves the requirement as it is (the officer judges).
EXEMPT_SITUATIONS = frozenset({"frail", "abroad"})


def is_exempt(
    situations: list[tuple[str, datetime.date, datetime.date | None]],
    period_start: datetime.date,
    period_end: datetime.date,
) -> bool:
    """Whether one exempting situation (kind, since, until) covers the whole period."""
    return any(
        kind in EXEMPT_SITUATIONS and since <= period_start and (until is None or until >= period_end)
        for kind, since, until in situations
    )


def requirement_period(year: int, joined_on: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """The days of `year` the requirement covers: from 1 January, or from joining, to 31 December."""
    start = datetime.date(year, 1, 1)
    if joined_on is not None and joined_on.year == year:
        start = joined_on
    return start, datetime.date(year, 12, 31)


# --- Self-study cap ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelfStudyCapRule:
    """At most `cap_hours` 学时 of self-study count toward the year's requirement."""

    code: str
    effective_year: int
    cap_hours: Decimal
    source: str


# Local practice [L]: self-study counts, but only up to half of the members' 32 学时, so that
# collective study stays the backbone (教育管理条例 Art.7 lists 个人自学 as one method among several).
SELF_STUDY_CAP_16 = SelfStudyCapRule("cap_16", 2019, Decimal(16), "本单位做法：个人自学每年最多计16学时")
SELF_STUDY_CAP_RULES: tuple[SelfStudyCapRule, ...] = (SELF_STUDY_CAP_16,)


def capped_self_study(hours: Decimal, cap: Decimal | None) -> Decimal:
    """Self-study 学时 that count: all of them up to the cap (no cap when `cap` is None)."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    return hours if cap is None else min(hours, cap)


@dataclass(frozen=True)
class HoursPolicy:
    """Everything the ledger needs for one year: requirement, conversions and the self-study cap."""

    year: int
    requirement: RequirementRule
    collective_rule: AnyHourRule
    self_study_rule: AnyHourRule
    self_study_cap: Decimal | None


def policy_for(
    year: int,
    *,
    collective_rule: str = DEFAULT_HOUR_RULE.code,
    self_study_rule: str = DEFAULT_HOUR_RULE.code,
    self_study_cap: Decimal | None = SELF_STUDY_CAP_16.cap_hours,
) -> HoursPolicy:
    """The policy in force in `year`, with the local choices (conversion codes, cap) given."""
    return HoursPolicy(
        year=year,
        requirement=requirement_rule_for(year),
        collective_rule=hour_rule(collective_rule),
        self_study_rule=hour_rule(self_study_rule),
        self_study_cap=self_study_cap,
    )


def gap(total: Decimal, required: Decimal, exempt: bool) -> Decimal:
    """学时 still missing (never negative; nothing for an exempt member)."""
    if exempt:
        return Decimal(0)
    return max(required - total, Decimal(0))
