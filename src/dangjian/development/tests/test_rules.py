"""The development rules at their boundaries, under both versions (细则2014 and the 2026 revision)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.calendar import WorkingCalendar
from dangjian.development import rules
from dangjian.development.rules import History, Record

D = datetime.date
NO_HOLIDAYS = WorkingCalendar()


def states(records, today, calendar=NO_HOLIDAYS) -> dict[str, rules.ClockState]:
    return {s.clock.key: s for s in rules.check_person(History.of(records), today, calendar)}


def test_twenty_five_numbered_steps_in_five_stages():
    numbered = [s for s in rules.STEPS if s.number]
    assert [s.number for s in numbered] == list(range(1, 26))
    assert {s.stage for s in rules.STEPS} == {key for key, _ in rules.STAGES}
    assert {"review", "thought_report", "probation_review"} == rules.REPEATING
    assert {"activist", "candidate", "pre_review", "approval"} <= rules.DECISIONS
    for step in rules.STEPS:
        assert step.citation, step.key
        assert all(r in rules.STEP_BY_KEY for r in step.requires)


def test_the_version_in_force_on_a_day():
    assert rules.ruleset_on(D(2015, 1, 1)).key == "2014"
    assert rules.ruleset_on(D(2014, 6, 10)).key == "2014"
    assert rules.ruleset_on(D(2010, 1, 1)).key == "2014"  # before any version: the oldest
    assert rules.ruleset_on(D(2026, 5, 17)).key == "2014"
    assert rules.ruleset_on(D(2026, 5, 18)).key == "2026"
    assert not rules.RULES_2026.verified
    assert rules.RULES_2014.verified
    assert all(not c.verified and "未核实" in c.citation for c in rules.RULES_2026.clocks)
    assert rules.RULES_2014.clock("oath_within_month") is None
    assert rules.RULES_2014.clock("meeting_within_month_of_pre_review") is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 3, 15), 12, D(2026, 3, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_talk_within_one_month_at_its_boundary():
    applied = Record("application", D(2025, 3, 10))
    assert states([applied], D(2025, 4, 10))["talk_within_month"].state == rules.COMING
    late = states([applied], D(2025, 4, 11))["talk_within_month"]
    assert late.state == rules.LATE
    assert late.due == D(2025, 4, 10)
    assert "第七条" in late.why
    assert late.advice
    assert states([applied, Record("talk", D(2025, 4, 10))], D(2025, 6, 1))["talk_within_month"].state == rules.OK
    broken = states([applied, Record("talk", D(2025, 4, 11))], D(2025, 6, 1))["talk_within_month"]
    assert broken.state == rules.BROKEN


def test_talk_far_from_due_is_open():
    # COMING_DAYS is 30: 31 days ahead the clock runs; 30 days ahead it is coming.
    assert states([Record("application", D(2025, 3, 10))], D(2025, 3, 10))["talk_within_month"].state == rules.OPEN
    assert states([Record("application", D(2025, 3, 10))], D(2025, 3, 11))["talk_within_month"].state == rules.COMING
    activist = [Record("application", D(2024, 1, 1)), Record("activist", D(2024, 3, 1))]
    assert states(activist, D(2024, 3, 2))["activist_one_year"].state == rules.OPEN


def test_one_year_as_activist_counted_from_the_filing():
    base = [
        Record("application", D(2023, 9, 1)),
        Record("activist", D(2023, 10, 8)),
        Record("activist_filed", D(2023, 10, 20)),
    ]
    early = states([*base, Record("candidate", D(2024, 10, 19))], D(2024, 10, 19))["activist_one_year"]
    assert early.state == rules.BROKEN
    assert early.due == D(2024, 10, 20)
    on_time = states([*base, Record("candidate", D(2024, 10, 20))], D(2024, 10, 20))["activist_one_year"]
    assert on_time.state == rules.OK
    # Without a filing, from the decision.
    unfiled = [Record("application", D(2023, 9, 1)), Record("activist", D(2023, 10, 8))]
    assert states(unfiled, D(2024, 9, 20))["activist_one_year"].due == D(2024, 10, 8)


def test_half_yearly_reviews_and_quarterly_reports_repeat_until_the_candidate():
    base = [Record("application", D(2024, 1, 1)), Record("activist", D(2024, 3, 1))]
    assert states(base, D(2024, 9, 1))["review_half_year"].state == rules.COMING
    assert states(base, D(2024, 9, 2))["review_half_year"].state == rules.LATE
    reviewed = [*base, Record("review", D(2024, 8, 20))]
    assert states(reviewed, D(2024, 9, 2))["review_half_year"].due == D(2025, 2, 20)
    assert states(base, D(2024, 6, 2))["thought_report_quarter"].state == rules.LATE
    reported = [*base, Record("thought_report", D(2024, 5, 30))]
    assert states(reported, D(2024, 6, 2))["thought_report_quarter"].due == D(2024, 8, 30)
    named = [*base, Record("activist_filed", D(2024, 3, 5)), Record("candidate", D(2025, 3, 6))]
    assert "review_half_year" not in states(named, D(2026, 1, 1))


def test_political_review_and_training_before_the_pre_review():
    base = [Record("application", D(2023, 1, 1)), Record("candidate", D(2024, 3, 1))]
    pre = Record("pre_review", D(2024, 6, 1))
    found = states([*base, pre], D(2024, 6, 1))
    assert found["political_review_before_pre_review"].state == rules.BROKEN
    assert found["training_before_pre_review"].state == rules.BROKEN
    short = Record("training", D(2024, 5, 1), training_days=2, training_hours=Decimal(16))
    done = states([*base, Record("political_review", D(2024, 5, 1)), short, pre], D(2024, 6, 1))
    assert done["political_review_before_pre_review"].state == rules.OK
    assert done["training_before_pre_review"].state == rules.BROKEN
    assert rules.training_sufficient(3, None)
    assert rules.training_sufficient(None, Decimal(24))
    assert not rules.training_sufficient(2, Decimal("23.5"))


def test_publicity_of_five_working_days_over_a_weekend():
    # 公示 from Thursday 2025-03-06: Thu, Fri, Mon, Tue, Wed → ends Wednesday 03-12.
    start = Record("publicity", D(2025, 3, 6))
    assert rules.publicity_last_day(NO_HOLIDAYS, D(2025, 3, 6), 5) == D(2025, 3, 12)
    on_last = states(
        [Record("pre_review", D(2025, 3, 1)), start, Record("admission_meeting", D(2025, 3, 12))], D(2025, 3, 12)
    )
    assert on_last["publicity_five_working_days"].state == rules.BROKEN
    after = states(
        [Record("pre_review", D(2025, 3, 1)), start, Record("admission_meeting", D(2025, 3, 13))], D(2025, 3, 13)
    )
    assert after["publicity_five_working_days"].state == rules.OK


def test_publicity_skips_a_holiday_and_counts_a_make_up_working_day():
    calendar = WorkingCalendar(holidays=frozenset({D(2025, 3, 10)}), workdays=frozenset({D(2025, 3, 8)}))
    # Thu 6, Fri 7, Sat 8 (调休), Mon 10 off, Tue 11, Wed 12 → the fifth working day is Wed 12.
    assert rules.publicity_last_day(calendar, D(2025, 3, 6), 5) == D(2025, 3, 12)
    assert rules.publicity_last_day(calendar, D(2025, 3, 7), 5) == D(2025, 3, 13)


working_days = st.sets(st.dates(D(2025, 1, 1), D(2025, 12, 31)), max_size=40)


@given(start=st.dates(D(2025, 1, 1), D(2025, 11, 30)), holidays=working_days, workdays=working_days)
def test_publicity_covers_exactly_five_working_days(start, holidays, workdays):
    calendar = WorkingCalendar(holidays=frozenset(holidays), workdays=frozenset(workdays - holidays))
    last = rules.publicity_last_day(calendar, start, 5)
    covered = [start + datetime.timedelta(days=n) for n in range((last - start).days + 1)]
    assert sum(calendar.is_working_day(day) for day in covered) == 5
    assert calendar.is_working_day(last)
    # A meeting the day after the last day is fine; on the last day it is too early.
    records = [Record("pre_review", start), Record("publicity", start)]
    meeting_after = rules.check_clock(
        rules.PUBLICITY_CLOCK_2014,
        rules.RULES_2014,
        History.of([*records, Record("admission_meeting", last + datetime.timedelta(days=1))]),
        last,
        calendar,
    )
    meeting_on = rules.check_clock(
        rules.PUBLICITY_CLOCK_2014,
        rules.RULES_2014,
        History.of([*records, Record("admission_meeting", last)]),
        last,
        calendar,
    )
    assert meeting_after is not None
    assert meeting_after.state == rules.OK
    assert meeting_on is not None
    assert meeting_on.state == rules.BROKEN


@given(applied=st.dates(D(2014, 6, 10), D(2030, 12, 31)), days=st.integers(0, 90))
def test_talk_clock_is_late_exactly_after_one_month(applied, days):
    today = applied + datetime.timedelta(days=days)
    state = states([Record("application", applied)], today)["talk_within_month"]
    assert (state.state == rules.LATE) == (today > rules.add_months(applied, 1))
    assert state.ruleset is rules.ruleset_on(applied)


def test_meeting_within_a_month_of_the_pre_review_only_under_2026():
    old = [Record("application", D(2024, 1, 1)), Record("pre_review", D(2025, 3, 1))]
    assert "meeting_within_month_of_pre_review" not in states(old, D(2025, 5, 1))
    new = [Record("application", D(2024, 1, 1)), Record("pre_review", D(2026, 6, 1))]
    late = states(new, D(2026, 7, 2))["meeting_within_month_of_pre_review"]
    assert late.state == rules.LATE
    assert late.ruleset.key == "2026"
    assert "未核实" in late.why
    assert states(new, D(2026, 7, 1))["meeting_within_month_of_pre_review"].state == rules.COMING


def test_oath_within_a_month_of_approval_only_under_2026():
    assert "oath_within_month" not in states([Record("approval", D(2025, 1, 10))], D(2025, 6, 1))
    assert states([Record("approval", D(2026, 6, 10))], D(2026, 7, 11))["oath_within_month"].state == rules.LATE
    kept = states([Record("approval", D(2026, 6, 10)), Record("oath", D(2026, 7, 10))], D(2026, 8, 1))
    assert kept["oath_within_month"].state == rules.OK


def test_approval_within_three_months_six_at_most():
    meeting = Record("admission_meeting", D(2025, 1, 15))
    assert states([meeting], D(2025, 4, 15))["approval_within_three_months"].state == rules.COMING
    late = states([meeting], D(2025, 4, 16))["approval_within_three_months"]
    assert late.state == rules.LATE
    assert "2025-07-15" in late.why
    beyond = states([meeting], D(2025, 7, 16))["approval_within_three_months"]
    assert "2025-07-15" in beyond.why


def test_probation_of_one_year_and_an_extension():
    meeting = Record("admission_meeting", D(2025, 1, 15))
    assert states([meeting], D(2026, 1, 15))["probation_one_year"].state == rules.COMING
    assert states([meeting], D(2026, 1, 16))["probation_one_year"].state == rules.LATE
    extended = [meeting, Record("full_meeting", D(2026, 1, 10)), Record("extension", D(2026, 1, 10), months=6)]
    state = states(extended, D(2026, 7, 16))["probation_one_year"]
    assert state.due == D(2026, 7, 15)
    assert state.state == rules.LATE
    assert rules.probation_ends(D(2025, 1, 15)) == D(2026, 1, 15)
    assert rules.extension_allowed(6)
    assert rules.extension_allowed(12)
    assert not rules.extension_allowed(5)
    assert not rules.extension_allowed(13)


def test_step_problems_refuse_only_the_impossible():
    history = History.of([Record("application", D(2025, 3, 1)), Record("talk", D(2025, 3, 5))])
    assert "on" in rules.step_problems("activist", D(2025, 3, 11), history, D(2025, 3, 10))
    assert "on" in rules.step_problems("activist", D(2025, 2, 28), history, D(2025, 3, 10))
    assert "step" in rules.step_problems("talk", D(2025, 3, 6), history, D(2025, 3, 10))
    assert rules.step_problems("thought_report", D(2025, 3, 6), history, D(2025, 3, 10)) == {}
    assert rules.step_problems("candidate", D(2025, 3, 6), history, D(2025, 3, 10)) == {}  # early, not impossible
    assert "months" in rules.step_problems("extension", D(2025, 3, 6), history, D(2025, 3, 10), months=13)
    assert "months" in rules.step_problems("talk", D(2025, 3, 6), History(), D(2025, 3, 10), months=6)
    assert "step" in rules.step_problems("nonsense", D(2025, 3, 6), history, D(2025, 3, 10))


def test_step_warnings_name_missing_steps_and_broken_clocks():
    history = History.of(
        [Record("application", D(2025, 3, 1)), Record("talk", D(2025, 3, 5)), Record("activist", D(2025, 4, 1))]
    )
    record = Record("candidate", D(2025, 5, 1))
    warnings = rules.step_warnings("candidate", record, history, D(2025, 5, 1), NO_HOLIDAYS)
    assert any("上级党委备案" in w or "Filed" in w for w in warnings)
    assert any("2026-04-01" in w for w in warnings)


def test_the_stage_follows_the_furthest_step():
    assert rules.stage_of([]) == rules.APPLY
    assert rules.stage_of(["application", "talk"]) == rules.APPLY
    assert rules.stage_of(["application", "activist", "thought_report"]) == rules.ACTIVIST
    assert rules.stage_of(["application", "candidate"]) == rules.CANDIDATE
    assert rules.stage_of(["pre_review"]) == rules.ADMISSION
    assert rules.stage_of(["placement"]) == rules.PROBATION
    assert rules.stage_of(["full_approval"]) == rules.FULL
