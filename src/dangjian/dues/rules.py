"""The dues rules as numbers: brackets, flat amounts, the make-up window and the arrears thresholds.

Source: 中共中央组织部《关于中国共产党党费收缴、使用和管理的规定》(中组发〔2008〕3号), cited by
article below, and 党章 Art.9. The figures are versioned data (`RULESETS`): a later revision is a new
`RuleSet` with the month it takes effect, and a ledger line keeps the key of the version that priced it.
Pure functions, no ORM.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FEN = Decimal("0.01")

# Who pays by which table (the payer class), kept on a base declaration.
ON_JOB = "on_job"  # Art.2: monthly after-tax fixed pay, brackets on the whole base
ANNUAL_SALARY = "annual_salary"  # Art.3 年薪制: the pay actually received that month, on-job brackets
SELF_EMPLOYED = "self_employed"  # Art.4: the previous quarter's average monthly net income, on-job brackets
RETIRED = "retired"  # Art.5: pension or retirement pay, retirees' brackets
FLAT = "flat"  # Art.6: students, laid-off or unemployed, on 抚恤/救济, 低保: a fixed amount a month

PAYER_CLASSES: tuple[tuple[str, Promise], ...] = (
    (ON_JOB, _("On the job (monthly pay)")),
    (ANNUAL_SALARY, _("Annual salary (pay received that month)")),
    (SELF_EMPLOYED, _("Self-employed (previous quarter's average)")),
    (RETIRED, _("Retired (pension)")),
    (FLAT, _("Student, unemployed or on relief (fixed amount)")),
)
PAYER_CLASS_LABELS = dict(PAYER_CLASSES)
NEEDS_BASE = frozenset({ON_JOB, ANNUAL_SALARY, SELF_EMPLOYED, RETIRED})

# The member categories of the roster (dangjian.members.Category) and the class each pays by unless a
# confirmed declaration says otherwise: a student pays the fixed amount, a retiree by the pension.
# "other" (workers outside the establishment, members without a unit) declares a base like faculty.
CATEGORY_CLASS = {
    "faculty": ON_JOB,
    "undergraduate": FLAT,
    "graduate": FLAT,
    "retired": RETIRED,
    "other": ON_JOB,
}


def default_class(category: str) -> str:
    return CATEGORY_CLASS.get(category, ON_JOB)


@dataclass(frozen=True)
class Bracket:
    upper: Decimal | None  # inclusive upper bound of the monthly base; None: no bound
    rate: Decimal  # a fraction: 0.005 is 0.5%

    @property
    def percent(self) -> str:
        return f"{(self.rate * 100).normalize():f}%"


@dataclass(frozen=True)
class RuleSet:
    key: str
    title: str
    effective: datetime.date  # the first month it prices
    on_job: tuple[Bracket, ...]
    retired: tuple[Bracket, ...]
    flat: Decimal
    to_centre_from: Decimal  # a single voluntary payment of at least this goes entirely to the Centre
    makeup_months: int  # 补交: how many months late a month may normally still be paid
    reminder_months: int  # consecutive months unpaid: 批评教育, a reminder and the branch's to-do
    warning_months: int  # consecutive months unpaid without good reason: 按自行脱党处理 (the general meeting decides)
    citations: dict[str, str]

    def cite(self, key: str) -> str:
        return self.citations[key]


RULES_2008 = RuleSet(
    key="2008",
    title="中组发〔2008〕3号《关于中国共产党党费收缴、使用和管理的规定》",
    # Issued in February 2008; the month it first priced is not verified against the published text.
    effective=datetime.date(2008, 4, 1),
    # Art.2: brackets inclusive at their upper bound, the rate on the whole base (6500 → 97.50).
    on_job=(
        Bracket(Decimal("3000"), Decimal("0.005")),
        Bracket(Decimal("5000"), Decimal("0.01")),
        Bracket(Decimal("10000"), Decimal("0.015")),
        Bracket(None, Decimal("0.02")),
    ),
    # Art.5: retirees, on the whole pension.
    retired=(
        Bracket(Decimal("5000"), Decimal("0.005")),
        Bracket(None, Decimal("0.01")),
    ),
    flat=Decimal("0.20"),  # Art.6
    to_centre_from=Decimal("1000"),  # Art.11
    makeup_months=6,  # Art.12: 补交 normally no more than 6 months
    reminder_months=3,  # Art.13 批评教育, 限期改正; unit checklists flag 3 months
    warning_months=6,  # Art.13; 党章 Art.9
    citations={
        ON_JOB: "党费规定（2008）第二条",
        ANNUAL_SALARY: "党费规定（2008）第三条",
        SELF_EMPLOYED: "党费规定（2008）第四条",
        RETIRED: "党费规定（2008）第五条",
        FLAT: "党费规定（2008）第六条",
        "relief": "党费规定（2008）第七条",
        "probation": "党费规定（2008）第八条",
        "new_base": "党费规定（2008）第十条",
        "voluntary": "党费规定（2008）第十一条",
        "makeup": "党费规定（2008）第十二条",
        "arrears": "党费规定（2008）第十三条；党章第九条",
        "no_advance": "党费规定（2008）第十四条",
    },
)

RULESETS: tuple[RuleSet, ...] = (RULES_2008,)
RULESET_BY_KEY = {r.key: r for r in RULESETS}


def ruleset_for(month: datetime.date) -> RuleSet:
    """The version of the rules that prices `month` (the earliest for a month before them all)."""
    in_force = [r for r in RULESETS if r.effective <= month]
    return max(in_force, key=lambda r: r.effective) if in_force else RULESETS[0]


# --- Months ----------------------------------------------------------------------------------------


def month_of(day: datetime.date) -> datetime.date:
    """The month a day falls in, as its first day (how months are stored)."""
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s month (0 for the same month)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


# --- The amount ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """A month's dues and how they were computed, for the ledger line and the member's page."""

    amount: Decimal
    payer_class: str
    base: Decimal | None
    rate: Decimal | None  # None for the fixed amount
    bracket: Bracket | None
    ruleset: RuleSet

    @property
    def citation(self) -> str:
        return self.ruleset.cite(self.payer_class)


class BaseMissing(ValueError):
    """The class computes from a base and none was given."""


def to_fen(value: Decimal) -> Decimal:
    """Rounded to the fen, half up (the rules fix no rounding; collectors round to the fen as cash is counted)."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def bracket_for(base: Decimal, brackets: tuple[Bracket, ...]) -> Bracket:
    for bracket in brackets:
        if bracket.upper is None or base <= bracket.upper:
            return bracket
    raise AssertionError("the last bracket has no upper bound")


def dues_amount(payer_class: str, base: Decimal | None, ruleset: RuleSet = RULES_2008) -> Amount:
    """The month's dues of a member of `payer_class` whose monthly base is `base`, by `ruleset`."""
    if payer_class == FLAT:
        return Amount(ruleset.flat, FLAT, None, None, None, ruleset)
    if payer_class not in NEEDS_BASE:
        raise ValueError(f"unknown payer class {payer_class!r}")
    if base is None:
        raise BaseMissing(payer_class)
    if base < 0:
        raise ValueError("a base is not negative")
    brackets = ruleset.retired if payer_class == RETIRED else ruleset.on_job
    bracket = bracket_for(base, brackets)
    return Amount(to_fen(base * bracket.rate), payer_class, base, bracket.rate, bracket, ruleset)


def relieved(amount: Decimal, reduced_to: Decimal | None) -> Decimal:
    """The amount due under a hardship relief (Art.7): the reduced amount, or nothing when waived."""
    if reduced_to is None:
        return Decimal("0.00")
    return min(amount, to_fen(reduced_to))


def first_month(joined_on: datetime.date) -> datetime.date:
    """Art.8: a probationary member pays from the month the general meeting admitted them."""
    return month_of(joined_on)


# --- Payments --------------------------------------------------------------------------------------


def is_makeup_allowed(month: datetime.date, paid_on: datetime.date, ruleset: RuleSet = RULES_2008) -> bool:
    """Art.12: a month may still be paid up to `makeup_months` months after it."""
    return months_between(month, month_of(paid_on)) <= ruleset.makeup_months


def is_advance(month: datetime.date, paid_on: datetime.date) -> bool:
    """A month not yet begun on the day of payment (quarterly payment needs the branch's consent: a later step)."""
    return month > month_of(paid_on)


def goes_to_centre(voluntary: Decimal, ruleset: RuleSet = RULES_2008) -> bool:
    """Art.11: one voluntary payment of 1,000 元 or more goes entirely to the Centre."""
    return voluntary >= ruleset.to_centre_from


# --- Arrears ---------------------------------------------------------------------------------------

NONE = "none"
BEHIND = "behind"
REMINDER = "reminder"
WARNING = "warning"


@dataclass(frozen=True)
class Arrears:
    """A member's unpaid months before the current one."""

    months: tuple[datetime.date, ...]  # every unpaid month due, oldest first
    consecutive: int  # the longest unbroken run of unpaid months
    since: datetime.date | None  # the first month of that run
    level: str
    warning_months: int = RULES_2008.warning_months

    @property
    def behind(self) -> int:
        return len(self.months)

    @property
    def warning_from(self) -> datetime.date | None:
        """The last day of the 6th month unpaid: from then on Art.13 / 党章 Art.9 apply (without good reason)."""
        if self.since is None:
            return None
        return month_end(add_months(self.since, self.warning_months - 1))


def arrears(unpaid: list[datetime.date], today: datetime.date, ruleset: RuleSet = RULES_2008) -> Arrears:
    """Arrears from the months due and unpaid (waived months are not due). The current month is not late yet.

    The level follows the longest unbroken run of unpaid months (Art.13 speaks of consecutive months)."""
    current = month_of(today)
    months = tuple(sorted({m for m in unpaid if m < current}))
    run, since = 0, None
    start, length, previous = None, 0, None
    for month in months:
        if previous is not None and add_months(previous, 1) == month:
            length += 1
        else:
            start, length = month, 1
        if length > run:
            run, since = length, start
        previous = month
    if run >= ruleset.warning_months:
        level = WARNING
    elif run >= ruleset.reminder_months:
        level = REMINDER
    elif months:
        level = BEHIND
    else:
        level = NONE
    return Arrears(months, run, since, level, ruleset.warning_months)
