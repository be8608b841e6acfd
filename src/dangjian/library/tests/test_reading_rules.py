import dataclasses
import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.library import rules
from dangjian.library.rules import hours as hour_rules

RULE = rules.READING_2024
T0 = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)


def later(seconds: float) -> datetime.datetime:
    return T0 + datetime.timedelta(seconds=seconds)


# --- beat_credit at its boundaries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "credit"),
    [
        (0, (0, False)),
        (0.9, (0, False)),  # a beat within the second adds nothing
        (3, (3, False)),  # too soon: only the time that passed
        (20, (20, False)),
        (20.7, (20, False)),
        (60, (60, False)),
        (61, (60, False)),  # the beat cap
        (299, (60, False)),  # a laptop waking up: one minute at most
        (300, (60, False)),  # exactly the gap still continues the session
        (300.001, (0, True)),  # after the gap a new session starts and the pause earns nothing
        (86_400, (0, True)),
        (-5, (0, False)),  # the clock stepped back
    ],
)
def test_beat_credit_at_its_boundaries(elapsed, credit):
    assert rules.beat_credit(T0, later(elapsed), RULE) == credit


def test_the_first_beat_opens_a_session_and_credits_nothing():
    assert rules.beat_credit(None, T0, RULE) == (0, True)


def test_beat_credit_follows_the_rule():
    strict = dataclasses.replace(RULE, beat_cap_s=30, session_gap_s=120)
    assert rules.beat_credit(T0, later(45), strict) == (30, False)
    assert rules.beat_credit(T0, later(121), strict) == (0, True)


# --- Daily minutes ----------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 0), (59, 0), (60, 1), (119, 1), (3600, 60)])
def test_day_minutes_count_whole_minutes(seconds, minutes):
    assert rules.day_minutes(seconds) == minutes


@pytest.mark.parametrize(("minutes", "credit"), [(0, 0), (1, 1), (59, 59), (60, 60), (61, 60), (600, 60)])
def test_credited_day_minutes_at_the_cap(minutes, credit):
    assert rules.credited_day_minutes(minutes, RULE) == credit


@pytest.mark.parametrize(("minutes", "credit"), [(0, 0), (9, 0), (10, 10), (45, 45), (46, 45)])
def test_credited_day_minutes_at_the_minimum(minutes, credit):
    rule = dataclasses.replace(RULE, minimum_minutes_per_day=10, daily_cap_minutes=45)
    assert rules.credited_day_minutes(minutes, rule) == credit


def test_credited_minutes_caps_each_day_separately():
    assert rules.credited_minutes([30, 90, 0, 60], RULE) == 30 + 60 + 0 + 60
    assert rules.credited_minutes([], RULE) == 0


def test_negative_time_is_refused():
    with pytest.raises(ValueError, match="negative"):
        rules.day_minutes(-1)
    with pytest.raises(ValueError, match="negative"):
        rules.credited_day_minutes(-1, RULE)


def test_credited_hours_use_the_study_hour_rules():
    assert rules.credited_hours([60, 90], RULE) == Decimal("2.0")  # 90 is capped to 60
    assert rules.credited_hours([29], RULE) == Decimal("0.0")
    per_period = dataclasses.replace(RULE, hour_rule=hour_rules.CLASS_PERIOD.code)
    assert rules.credited_hours([45], per_period) == Decimal("1.0")
    # A per-session table treats each day as one session.
    per_session = dataclasses.replace(RULE, hour_rule=hour_rules.ONLINE_COURSE.code)
    assert rules.credited_hours([30, 10, 0], per_session) == Decimal("1.25")


# --- The rule itself ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"beat_cap_s": 0},
        {"beat_cap_s": 10},  # below the beat interval: active time would be lost
        {"session_gap_s": 30},  # below the beat cap
        {"minimum_minutes_per_day": 61},
        {"minimum_minutes_per_day": -1},
    ],
)
def test_an_inconsistent_rule_is_refused(change):
    with pytest.raises(ValueError, match="reading rule|beat|daily"):
        dataclasses.replace(RULE, **change)


def test_the_version_in_force_is_found_by_year():
    later_rule = dataclasses.replace(RULE, code="reading_2030", effective_year=2030, daily_cap_minutes=30)
    versions = (RULE, later_rule)
    assert rules.reading_rule_for(2020, versions) is RULE  # before all: the earliest
    assert rules.reading_rule_for(2029, versions) is RULE
    assert rules.reading_rule_for(2030, versions) is later_rule
    assert rules.reading_rule_for(2025) is rules.READING_2024


def test_the_default_rule_matches_the_reader():
    assert (RULE.active_window_s, RULE.beat_interval_s, RULE.beat_cap_s, RULE.session_gap_s) == (60, 20, 60, 300)
    assert (RULE.daily_cap_minutes, RULE.minimum_minutes_per_day) == (60, 0)
    assert RULE.source


# --- Display ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "step", "result"),
    [(18, 1, 20), (18, -1, 16), (14, -1, 14), (28, 1, 28), (24, 1, 28), (19, 0, 18), (100, 0, 28), (3, 1, 16)],
)
def test_font_size_steps_stay_on_offered_sizes(size, step, result):
    assert rules.font_size_step(size, step) == result


def test_the_default_font_size_is_offered():
    assert rules.DEFAULT_FONT_SIZE in rules.FONT_SIZES


def test_paragraphs_split_on_blank_lines():
    text = "第一段\n续行\n\n第二段\n \n第三段\r\n\r\n\u3000\n第四段\n\n\n"
    assert rules.paragraphs(text) == ["第一段\n续行", "第二段", "第三段", "第四段"]
    assert rules.paragraphs("") == []
    assert rules.paragraphs("\n\n  \n") == []


@pytest.mark.parametrize(("number", "count", "expected"), [(0, 5, 1), (-3, 5, 1), (3, 5, 3), (9, 5, 5), (4, 0, 1)])
def test_clamp_page(number, count, expected):
    assert rules.clamp_page(number, count) == expected


# --- Properties ---------------------------------------------------------------------------------

day_lists = st.lists(st.integers(min_value=0, max_value=24 * 60), max_size=40)
reading_rules = st.builds(
    lambda cap, minimum: dataclasses.replace(RULE, daily_cap_minutes=cap, minimum_minutes_per_day=min(minimum, cap)),
    st.integers(min_value=0, max_value=600),
    st.integers(min_value=0, max_value=120),
)


@given(day_lists, reading_rules)
def test_credit_never_exceeds_the_caps_or_the_time_read(days, rule):
    credit = rules.credited_minutes(days, rule)
    assert 0 <= credit <= sum(days)
    assert credit <= rule.daily_cap_minutes * len(days)
    assert all(rules.credited_day_minutes(minutes, rule) <= rule.daily_cap_minutes for minutes in days)


@given(day_lists, reading_rules, st.data())
def test_credit_is_monotone_in_the_minutes_read(days, rule, data):
    if not days:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(days) - 1))
    more = data.draw(st.integers(min_value=0, max_value=600))
    longer = [*days[:index], days[index] + more, *days[index + 1 :]]
    assert rules.credited_minutes(longer, rule) >= rules.credited_minutes(days, rule)
    assert rules.credited_hours(longer, rule) >= rules.credited_hours(days, rule)
    assert rules.credited_minutes([*days, more], rule) >= rules.credited_minutes(days, rule)


@given(day_lists)
def test_hours_never_exceed_the_credited_clock_hours(days):
    hours = rules.credited_hours(days, RULE)
    assert hours * 60 <= rules.credited_minutes(days, RULE)


@given(st.floats(min_value=-1_000, max_value=100_000, allow_nan=False))
def test_one_beat_never_credits_more_than_the_cap_or_the_time_passed(elapsed):
    seconds, new_session = rules.beat_credit(T0, later(elapsed), RULE)
    assert 0 <= seconds <= RULE.beat_cap_s
    assert seconds <= max(elapsed, 0)
    assert new_session == (elapsed > RULE.session_gap_s)
    if new_session:
        assert seconds == 0


@given(st.lists(st.floats(min_value=0, max_value=1_000, allow_nan=False), max_size=60))
def test_a_run_of_beats_never_credits_more_than_the_time_it_spans(gaps):
    """However a client times its beats, the credit is bounded by the clock and by the cap per beat."""
    at, total = T0, 0
    for gap in gaps:
        now = at + datetime.timedelta(seconds=gap)
        seconds, _new = rules.beat_credit(at, now, RULE)
        total += seconds
        at = now
    assert total <= (at - T0).total_seconds()
    assert total <= RULE.beat_cap_s * len(gaps)
