"""The dues rules at every boundary: brackets, rounding, months, the make-up window and the arrears thresholds."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.dues import rules

D = Decimal
CENT = D("0.01")

ON_JOB_CASES = [
    (D("0"), D("0.00"), D("0.005")),
    (D("2999.99"), D("15.00"), D("0.005")),
    (D("3000.00"), D("15.00"), D("0.005")),
    (D("3000.01"), D("30.00"), D("0.01")),
    (D("5000.00"), D("50.00"), D("0.01")),
    (D("5000.01"), D("75.00"), D("0.015")),
    (D("6500"), D("97.50"), D("0.015")),  # domain.md: the rate on the whole base
    (D("10000.00"), D("150.00"), D("0.015")),
    (D("10000.01"), D("200.00"), D("0.02")),
    (D("25000"), D("500.00"), D("0.02")),
]


@pytest.mark.parametrize(("base", "amount", "rate"), ON_JOB_CASES)
def test_on_job_brackets_take_the_rate_on_the_whole_base_inclusive_at_the_upper_bound(base, amount, rate):
    result = rules.dues_amount(rules.ON_JOB, base)
    assert result.amount == amount
    assert result.rate == rate
    assert result.ruleset.key == "2008"
    assert result.citation == "党费规定（2008）第二条"


@pytest.mark.parametrize(
    ("base", "amount"),
    [(D("5000.00"), D("25.00")), (D("5000.01"), D("50.00")), (D("3200"), D("16.00")), (D("8000"), D("80.00"))],
)
def test_retirees_pay_by_their_own_brackets(base, amount):
    assert rules.dues_amount(rules.RETIRED, base).amount == amount


def test_annual_salary_and_self_employed_use_the_on_job_brackets_and_cite_their_articles():
    assert rules.dues_amount(rules.ANNUAL_SALARY, D("12000")).amount == D("240.00")
    assert rules.dues_amount(rules.ANNUAL_SALARY, D("12000")).citation == "党费规定（2008）第三条"
    assert rules.dues_amount(rules.SELF_EMPLOYED, D("4000")).amount == D("40.00")
    assert rules.dues_amount(rules.SELF_EMPLOYED, D("4000")).citation == "党费规定（2008）第四条"


def test_students_and_the_unemployed_pay_twenty_fen_whatever_the_base():
    assert rules.dues_amount(rules.FLAT, None).amount == D("0.20")
    assert rules.dues_amount(rules.FLAT, D("9000")).amount == D("0.20")
    assert rules.dues_amount(rules.FLAT, None).rate is None


def test_a_class_priced_on_a_base_needs_one():
    with pytest.raises(rules.BaseMissing):
        rules.dues_amount(rules.ON_JOB, None)
    with pytest.raises(ValueError, match="negative"):
        rules.dues_amount(rules.ON_JOB, D("-1"))
    with pytest.raises(ValueError, match="unknown"):
        rules.dues_amount("farmer", D("1"))


def test_rounding_is_to_the_fen_half_up():
    assert rules.dues_amount(rules.ON_JOB, D("2345.67")).amount == D("11.73")  # 11.72835
    assert rules.dues_amount(rules.ON_JOB, D("2345.00")).amount == D("11.73")  # 11.725 → up
    assert rules.dues_amount(rules.ON_JOB, D("7777.77")).amount == D("116.67")  # 116.66655


def test_the_member_categories_map_to_their_tables():
    assert rules.default_class("faculty") == rules.ON_JOB
    assert rules.default_class("undergraduate") == rules.FLAT
    assert rules.default_class("graduate") == rules.FLAT
    assert rules.default_class("retired") == rules.RETIRED
    from dangjian.members.models import Category

    assert set(rules.CATEGORY_CLASS) == set(Category.values)


money = st.decimals(min_value=D("0"), max_value=D("1000000"), places=2, allow_nan=False, allow_infinity=False)
BOUNDARIES = [D("3000"), D("5000"), D("10000")]
near_boundary = st.builds(
    lambda edge, cents: edge + cents * CENT, st.sampled_from(BOUNDARIES), st.integers(min_value=-300, max_value=300)
)


@given(st.one_of(money, near_boundary))
def test_on_job_amount_is_the_bracket_rate_of_the_whole_base(base):
    result = rules.dues_amount(rules.ON_JOB, base)
    expected_rate = (
        D("0.005") if base <= 3000 else D("0.01") if base <= 5000 else D("0.015") if base <= 10000 else D("0.02")
    )
    assert result.rate == expected_rate
    assert abs(result.amount - base * expected_rate) <= D("0.005")
    assert result.amount == result.amount.quantize(CENT)


@given(st.one_of(money, near_boundary), st.one_of(money, near_boundary))
def test_a_higher_base_never_pays_less(low, high):
    low, high = min(low, high), max(low, high)
    for payer_class in (rules.ON_JOB, rules.RETIRED):
        assert rules.dues_amount(payer_class, low).amount <= rules.dues_amount(payer_class, high).amount


@given(st.sampled_from(BOUNDARIES))
def test_one_fen_above_a_boundary_moves_to_the_next_rate(edge):
    below = rules.dues_amount(rules.ON_JOB, edge)
    above = rules.dues_amount(rules.ON_JOB, edge + CENT)
    assert above.rate is not None
    assert below.rate is not None
    assert above.rate > below.rate


@given(money)
def test_retirees_never_pay_more_than_the_on_job_table(base):
    assert rules.dues_amount(rules.RETIRED, base).amount <= rules.dues_amount(rules.ON_JOB, base).amount


def test_a_relief_reduces_or_waives():
    assert rules.relieved(D("97.50"), None) == D("0.00")
    assert rules.relieved(D("97.50"), D("10")) == D("10.00")
    assert rules.relieved(D("5.00"), D("10")) == D("5.00")  # never above the amount by the rule


def test_months():
    jan = datetime.date(2026, 1, 1)
    assert rules.month_of(datetime.date(2026, 1, 31)) == jan
    assert rules.add_months(jan, -1) == datetime.date(2025, 12, 1)
    assert rules.add_months(jan, 13) == datetime.date(2027, 2, 1)
    assert rules.months_between(datetime.date(2025, 12, 1), datetime.date(2026, 6, 30)) == 6
    assert rules.month_end(datetime.date(2024, 2, 1)) == datetime.date(2024, 2, 29)
    assert rules.first_month(datetime.date(2026, 3, 17)) == datetime.date(2026, 3, 1)


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)), st.integers(-60, 60))
def test_adding_months_and_counting_them_agree(day, n):
    month = rules.month_of(day)
    assert rules.months_between(month, rules.add_months(month, n)) == n


def test_makeup_window_is_six_months_and_advance_is_refused():
    june = datetime.date(2026, 6, 1)
    assert rules.is_makeup_allowed(june, datetime.date(2026, 12, 31))
    assert not rules.is_makeup_allowed(june, datetime.date(2027, 1, 1))
    assert rules.is_advance(datetime.date(2026, 7, 1), datetime.date(2026, 6, 30))
    assert not rules.is_advance(june, datetime.date(2026, 6, 1))


def test_voluntary_payments_of_a_thousand_go_to_the_centre():
    assert rules.goes_to_centre(D("1000.00"))
    assert not rules.goes_to_centre(D("999.99"))


def _months(*pairs):
    return [datetime.date(y, m, 1) for y, m in pairs]


TODAY = datetime.date(2026, 7, 15)


def test_the_current_month_is_not_late_yet():
    assert rules.arrears(_months((2026, 7)), TODAY).level == rules.NONE


@pytest.mark.parametrize(
    ("unpaid", "level", "run"),
    [
        (_months((2026, 6)), rules.BEHIND, 1),
        (_months((2026, 5), (2026, 6)), rules.BEHIND, 2),
        (_months((2026, 4), (2026, 5), (2026, 6)), rules.REMINDER, 3),
        (_months((2026, 1), (2026, 2), (2026, 3), (2026, 4), (2026, 5)), rules.REMINDER, 5),
        (_months((2026, 1), (2026, 2), (2026, 3), (2026, 4), (2026, 5), (2026, 6)), rules.WARNING, 6),
        (_months((2026, 1), (2026, 3), (2026, 5)), rules.BEHIND, 1),  # three months, none in a row
        (_months((2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3)), rules.WARNING, 6),
    ],
)
def test_arrears_thresholds_follow_the_longest_run(unpaid, level, run):
    result = rules.arrears(unpaid, TODAY)
    assert result.level == level
    assert result.consecutive == run
    assert result.behind == len(unpaid)


def test_the_warning_date_is_the_end_of_the_sixth_month_unpaid():
    result = rules.arrears(_months((2026, 1), (2026, 2), (2026, 3), (2026, 4), (2026, 5), (2026, 6)), TODAY)
    assert result.since == datetime.date(2026, 1, 1)
    assert result.warning_from == datetime.date(2026, 6, 30)


def test_the_rules_in_force_for_a_month():
    assert rules.ruleset_for(datetime.date(2026, 1, 1)) is rules.RULES_2008
    assert rules.ruleset_for(datetime.date(2000, 1, 1)) is rules.RULES_2008
