import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.library.rules import hours as conversion
from dangjian.study.rules import hours as rules

# --- Conversion ------------------------------------------------------------------------------


def test_hours_from_minutes_keeps_its_behaviour():
    assert conversion.hours_from_minutes(0) == Decimal("0.0")
    assert conversion.hours_from_minutes(29) == Decimal("0.0")
    assert conversion.hours_from_minutes(30) == Decimal("0.5")
    assert conversion.hours_from_minutes(89) == Decimal("1.0")
    assert conversion.hours_from_minutes(90) == Decimal("1.5")
    assert conversion.hours_from_minutes(45, conversion.CLASS_PERIOD) == Decimal("1.0")


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [(0, "0"), (1, "0.25"), (14, "0.25"), (15, "0.5"), (29, "0.5"), (30, "1"), (31, "1"), (240, "1")],
)
def test_online_course_table_at_its_steps(minutes, hours):
    assert conversion.credit_hours(minutes, conversion.ONLINE_COURSE) == Decimal(hours)


def test_rules_are_found_by_code():
    assert conversion.hour_rule("clock_hour") is conversion.CLOCK_HOUR
    assert conversion.hour_rule("online_course") is conversion.ONLINE_COURSE
    with pytest.raises(KeyError):
        conversion.hour_rule("per_click")


@given(st.integers(min_value=0, max_value=100_000))
def test_online_course_credit_is_one_of_the_table_values_and_monotone(minutes):
    hours = conversion.credit_hours(minutes, conversion.ONLINE_COURSE)
    assert hours in {Decimal(0), Decimal("0.25"), Decimal("0.5"), Decimal(1)}
    assert conversion.credit_hours(minutes + 1, conversion.ONLINE_COURSE) >= hours


@given(st.integers(min_value=0, max_value=100_000))
def test_linear_credit_never_exceeds_the_time_spent(minutes):
    hours = conversion.credit_hours(minutes)
    assert hours * 60 <= minutes
    assert (minutes - hours * 60) < 30  # rounded down to half an hour, no further


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        conversion.credit_hours(-1, conversion.ONLINE_COURSE)


# --- Requirement -----------------------------------------------------------------------------


def test_requirement_is_32_for_members_and_56_for_officers():
    assert rules.annual_requirement(2025, officer=False) == 32
    assert rules.annual_requirement(2025, officer=True) == 56
    rule = rules.requirement_rule_for(2025)
    assert "第二十条" in rule.member_source
    assert rule.officer_verified is False  # the 56 is not confirmed for the current plan


def test_requirement_versions_take_effect_by_year():
    newer = rules.RequirementRule("later", 2027, Decimal(40), "x", Decimal(60), "y", True)
    versions = (rules.REQUIREMENT_2019, newer)
    assert rules.annual_requirement(2026, officer=False, rules=versions) == 32
    assert rules.annual_requirement(2027, officer=False, rules=versions) == 40
    assert rules.annual_requirement(2027, officer=True, rules=versions) == 60
    assert rules.requirement_rule_for(2010, versions) is rules.REQUIREMENT_2019  # before all: the earliest


# --- Proration -------------------------------------------------------------------------------

FULL = Decimal(32)


@pytest.mark.parametrize(
    ("joined_on", "expected"),
    [
        (None, "32"),
        (datetime.date(2024, 12, 31), "32"),  # joined the year before
        (datetime.date(2025, 1, 1), "32.0"),  # the whole year
        (datetime.date(2025, 7, 1), "16.0"),  # 184/365 × 32 = 16.13
        (datetime.date(2025, 12, 31), "0.0"),  # one day: 0.09, rounds to nothing
        (datetime.date(2026, 1, 1), "0"),  # not yet a member
    ],
)
def test_proration_at_the_year_edges(joined_on, expected):
    assert rules.prorated_requirement(FULL, 2025, joined_on) == Decimal(expected)


def test_proration_counts_the_leap_day():
    assert rules.days_in_year(2024) == 366
    assert rules.days_in_year(2025) == 365
    # 2024-02-29 leaves 307 of 366 days: 26.84 → 27.0; the same date in a common year does not exist.
    assert rules.prorated_requirement(FULL, 2024, datetime.date(2024, 2, 29)) == Decimal("27.0")
    # 1 March leaves 306/366 (26.75 → 27.0) in a leap year and 306/365 (26.83 → 27.0) in a common one.
    assert rules.prorated_requirement(FULL, 2024, datetime.date(2024, 3, 1)) == Decimal("27.0")
    # 31 December of a leap year: 32/366 = 0.087 → 0.
    assert rules.prorated_requirement(FULL, 2024, datetime.date(2024, 12, 31)) == Decimal("0.0")
    assert rules.prorated_requirement(Decimal(56), 2024, datetime.date(2024, 12, 28)) == Decimal("0.5")  # 0.61


@given(st.dates(min_value=datetime.date(2019, 1, 1), max_value=datetime.date(2035, 12, 31)))
def test_proration_is_a_half_step_between_zero_and_the_full_requirement(joined_on):
    year = joined_on.year
    share = rules.prorated_requirement(FULL, year, joined_on)
    assert Decimal(0) <= share <= FULL
    assert share % rules.PRORATION_STEP == 0
    exact = FULL * ((datetime.date(year, 12, 31) - joined_on).days + 1) / rules.days_in_year(year)
    assert abs(share - exact) <= rules.PRORATION_STEP / 2
    # Joining later never owes more.
    if joined_on.month < 12 or joined_on.day < 31:
        later = joined_on + datetime.timedelta(days=1)
        assert rules.prorated_requirement(FULL, year, later) <= share


# --- Exemption, cap and gap --------------------------------------------------------------------

YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


@pytest.mark.parametrize(
    ("situations", "exempt"),
    [
        ([], False),
        ([("frail", datetime.date(2020, 1, 1), None)], True),
        ([("abroad", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))], True),
        ([("abroad", datetime.date(2025, 1, 2), datetime.date(2025, 12, 31))], False),  # misses 1 January
        ([("abroad", datetime.date(2025, 1, 1), datetime.date(2025, 12, 30))], False),  # misses 31 December
        ([("flowing", datetime.date(2020, 1, 1), None)], False),  # a flowing member still studies
    ],
)
def test_only_a_situation_covering_the_whole_period_exempts(situations, exempt):
    assert rules.is_exempt(situations, *YEAR) is exempt


def test_period_of_a_member_who_joined_during_the_year_starts_on_joining():
    assert rules.requirement_period(2025, datetime.date(2025, 7, 1)) == (datetime.date(2025, 7, 1), YEAR[1])
    assert rules.requirement_period(2025, datetime.date(2019, 7, 1)) == YEAR
    # Abroad since June covers the whole period of a member who joined in July.
    start, end = rules.requirement_period(2025, datetime.date(2025, 7, 1))
    assert rules.is_exempt([("abroad", datetime.date(2025, 6, 1), None)], start, end)


@given(st.decimals(min_value=0, max_value=1000, places=2), st.decimals(min_value=0, max_value=100, places=1))
def test_capped_self_study_never_exceeds_the_cap_or_the_hours(hours, cap):
    counted = rules.capped_self_study(hours, cap)
    assert counted <= cap
    assert counted <= hours
    assert counted in (hours, cap)


def test_cap_boundaries():
    cap = rules.SELF_STUDY_CAP_16.cap_hours
    assert rules.capped_self_study(Decimal("15.5"), cap) == Decimal("15.5")
    assert rules.capped_self_study(Decimal(16), cap) == 16
    assert rules.capped_self_study(Decimal("16.5"), cap) == 16
    assert rules.capped_self_study(Decimal(100), None) == 100
    with pytest.raises(ValueError, match="negative"):
        rules.capped_self_study(Decimal(-1), cap)


def test_gap_is_never_negative_and_nothing_for_the_exempt():
    assert rules.gap(Decimal(10), Decimal(32), False) == 22
    assert rules.gap(Decimal(40), Decimal(32), False) == 0
    assert rules.gap(Decimal(0), Decimal(32), True) == 0


def test_policy_for_a_year_with_local_choices():
    policy = rules.policy_for(2025, self_study_rule="online_course", self_study_cap=Decimal(8))
    assert policy.requirement is rules.REQUIREMENT_2019
    assert policy.collective_rule is conversion.CLOCK_HOUR
    assert policy.self_study_rule is conversion.ONLINE_COURSE
    assert policy.self_study_cap == 8
