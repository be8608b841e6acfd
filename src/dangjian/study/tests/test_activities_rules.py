"""Attendance rules at their boundaries: window edges, late grace, token periods, credit, make-up due dates."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.calendar import WorkingCalendar
from dangjian.members.audience import in_audience
from dangjian.study import tokens
from dangjian.study.rules import attendance as rules

UTC = datetime.UTC
START = datetime.datetime(2026, 5, 8, 14, 0, tzinfo=UTC)
END = START + datetime.timedelta(hours=2)
MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)

# Hypothesis takes naive bounds and attaches the time zone itself.
NAIVE_MIN, NAIVE_MAX = datetime.datetime(2020, 1, 1), datetime.datetime(2035, 12, 31)  # noqa: DTZ001
moments = st.datetimes(min_value=NAIVE_MIN, max_value=NAIVE_MAX, timezones=st.just(UTC))


# --- window ---------------------------------------------------------------------------------


def test_default_window():
    window = rules.check_in_window(START, END)
    assert window.opens_at == START - 30 * MINUTE
    assert window.closes_at == END
    assert window.late_after == START + 10 * MINUTE


@pytest.mark.parametrize(
    ("moment", "timing"),
    [
        (START - 30 * MINUTE - SECOND, rules.CheckInTiming.TOO_EARLY),
        (START - 30 * MINUTE, rules.CheckInTiming.ON_TIME),
        (START, rules.CheckInTiming.ON_TIME),
        (START + 10 * MINUTE, rules.CheckInTiming.ON_TIME),
        (START + 10 * MINUTE + SECOND, rules.CheckInTiming.LATE),
        (END, rules.CheckInTiming.LATE),
        (END + SECOND, rules.CheckInTiming.CLOSED),
    ],
)
def test_window_edges(moment, timing):
    assert rules.check_in_timing(moment, rules.check_in_window(START, END)) == timing


def test_grace_is_configurable_and_never_beyond_the_end():
    rule = rules.CheckInRule(late_grace=datetime.timedelta(minutes=0))
    window = rules.check_in_window(START, END, rule)
    assert rules.check_in_timing(START, window) == rules.CheckInTiming.ON_TIME
    assert rules.check_in_timing(START + SECOND, window) == rules.CheckInTiming.LATE
    short = rules.check_in_window(START, START + 5 * MINUTE)
    assert short.late_after == START + 5 * MINUTE


def test_window_needs_an_end_after_the_start():
    with pytest.raises(ValueError, match="ends after"):
        rules.check_in_window(START, START)


@given(moments, st.integers(min_value=1, max_value=600), st.integers(min_value=0, max_value=120), moments)
def test_timing_is_monotonic(start, length, grace, moment):
    """Earlier than opening is too early, later than closing is closed, and late never precedes on time."""
    end = start + datetime.timedelta(minutes=length)
    window = rules.check_in_window(start, end, rules.CheckInRule(late_grace=datetime.timedelta(minutes=grace)))
    timing = rules.check_in_timing(moment, window)
    assert (timing == rules.CheckInTiming.TOO_EARLY) == (moment < window.opens_at)
    assert (timing == rules.CheckInTiming.CLOSED) == (moment > end)
    if timing == rules.CheckInTiming.LATE:
        assert moment > start + datetime.timedelta(minutes=grace)


# --- token periods --------------------------------------------------------------------------


@given(moments)
def test_a_token_lives_between_one_and_two_periods(moment):
    period = rules.token_period(moment)
    assert rules.token_period_is_fresh(period, rules.token_period(moment))
    # Still valid 30 s later (the next period), refused 60 s later, refused from the future.
    assert rules.token_period_is_fresh(period, rules.token_period(moment + 30 * SECOND))
    assert not rules.token_period_is_fresh(period, rules.token_period(moment + 60 * SECOND))
    assert not rules.token_period_is_fresh(period + 1, period)


def test_token_period_boundaries():
    base = datetime.datetime.fromtimestamp(30 * 1_000_000, tz=UTC)
    assert rules.token_period(base) == 1_000_000
    assert rules.token_period(base - SECOND) == 999_999
    assert rules.token_period(base + 29 * SECOND) == 1_000_000


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=10**11))
def test_tokens_verify_for_their_activity_only(activity_id, period):
    token = tokens.make_token(activity_id, period)
    assert tokens.token_period_of(activity_id, token) == period
    assert tokens.token_period_of(activity_id + 1, token) is None
    signature = token.partition(".")[2]
    assert tokens.token_period_of(activity_id, f"{period + 1}.{signature}") is None


@pytest.mark.parametrize("token", ["", "abc", "123", "12.", ".abc", "-1.abc", "1.2.3", "１２.abc"])
def test_damaged_tokens_are_refused(token):
    assert tokens.token_period_of(1, token) is None


def test_scan_grace():
    assert rules.scan_is_recent(START, START + rules.SCAN_GRACE)
    assert not rules.scan_is_recent(START, START + rules.SCAN_GRACE + SECOND)
    assert not rules.scan_is_recent(START, START - SECOND)


# --- leave ----------------------------------------------------------------------------------


def test_leave_only_before_the_start():
    assert rules.leave_allowed(START - SECOND, START)
    assert not rules.leave_allowed(START, START)


# --- credit ---------------------------------------------------------------------------------


def test_credit_is_the_length_by_default():
    assert rules.credit_minutes(START, END) == 120
    assert rules.credit_minutes(START, START + datetime.timedelta(minutes=90, seconds=59)) == 90


@given(st.integers(min_value=1, max_value=24 * 60), st.integers(min_value=-10_000, max_value=10_000))
def test_credit_is_capped(length, override):
    end = START + datetime.timedelta(minutes=length)
    credit = rules.credit_minutes(START, end, override)
    assert 0 <= credit <= length
    problem = rules.credit_override_problem(override, START, end)
    assert (problem is None) == (credit == override)


@pytest.mark.parametrize(("override", "problem"), [(-1, "negative"), (0, None), (120, None), (121, "too_long")])
def test_credit_override_boundaries(override, problem):
    assert rules.credit_override_problem(override, START, END) == problem


@pytest.mark.parametrize(
    ("status", "credited"),
    [("present", True), ("late", True), ("made_up", True), ("leave", False), ("absent", False), ("expected", False)],
)
def test_what_earns_credit(status, credited):
    assert rules.earns_credit(status) is credited


# --- make-up due dates ----------------------------------------------------------------------

# 2026 National Day: 1–7 October off, Sunday 27 September and Saturday 10 October worked (调休).
NATIONAL_DAY = WorkingCalendar(
    holidays=frozenset(datetime.date(2026, 10, d) for d in range(1, 8)),
    workdays=frozenset({datetime.date(2026, 9, 27), datetime.date(2026, 10, 10)}),
)


def test_make_up_due_over_a_holiday():
    # Activity on Wednesday 30 September; the holiday is skipped: 8, 9, 10 (Saturday, 调休) October,
    # 12–16 and 19–20: the 10th working day is Tuesday 20 October (without the holiday: 14 October).
    due = rules.make_up_due_on(datetime.date(2026, 9, 30), NATIONAL_DAY)
    assert due == datetime.date(2026, 10, 20)
    assert rules.make_up_due_on(datetime.date(2026, 9, 30), WorkingCalendar()) == datetime.date(2026, 10, 14)
    assert NATIONAL_DAY.working_days_between(datetime.date(2026, 9, 30), due) == 10


def test_make_up_due_plain_weeks():
    assert rules.make_up_due_on(datetime.date(2026, 5, 8), WorkingCalendar()) == datetime.date(2026, 5, 22)
    assert rules.make_up_due_on(datetime.date(2026, 5, 8), WorkingCalendar(), working_days=1) == datetime.date(
        2026, 5, 11
    )


@given(
    st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2030, 12, 31)),
    st.integers(min_value=1, max_value=30),
    st.sets(st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2031, 3, 31)), max_size=40),
)
def test_make_up_due_is_a_working_day_exactly_n_working_days_on(day, days, holidays):
    calendar = WorkingCalendar(holidays=frozenset(holidays))
    due = rules.make_up_due_on(day, calendar, days)
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(day, due) == days


# --- audience -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "category", "officer", "expected"),
    [
        ("all", "other", False, True),
        ("faculty", "faculty", False, True),
        ("faculty", "retired", False, False),
        ("students", "undergraduate", False, True),
        ("students", "graduate", False, True),
        ("students", "faculty", False, False),
        ("retired", "retired", False, True),
        ("officers", "faculty", False, False),
        ("officers", "undergraduate", True, True),
    ],
)
def test_audience(audience, category, officer, expected):
    assert in_audience(audience, category, officer) is expected
