import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.study.models import Form
from dangjian.study.rules import plans as rules

D = datetime.date
START, END = D(2026, 9, 1), D(2027, 1, 31)


# --- 三会一课 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "part"),
    [
        ("general_meeting", "meeting"),
        ("committee_meeting", "meeting"),
        ("group_meeting", "meeting"),
        ("lecture", "lesson"),
        ("theme_day", None),
        ("life_meeting", None),
        ("report", None),
        ("visit", None),
        ("film", None),
        ("group_study", None),
    ],
)
def test_which_forms_count_as_three_meetings_one_lesson(form, part):
    assert rules.sanhui_yike(form) == part
    assert rules.counts_as_sanhui_yike(form) is (part is not None)


def test_rule_forms_are_real_forms_and_cite_their_article():
    for form in rules.THREE_MEETINGS | rules.ONE_LESSON | {rules.THEME_DAY, rules.LIFE_MEETING}:
        assert form in Form.values
        assert rules.article_for(form).startswith("支部条例第")
    assert rules.article_for("film") == ""


# --- Semesters --------------------------------------------------------------------------------


def test_a_sane_semester_has_no_problems():
    assert rules.semester_problems(starts_on=START, ends_on=END, teaching_starts_on=D(2026, 9, 7)) == []


@pytest.mark.parametrize("ends_on", [START, START - datetime.timedelta(days=1)])
def test_a_semester_must_end_after_it_starts(ends_on):
    assert [f for f, _ in rules.semester_problems(starts_on=START, ends_on=ends_on)] == ["ends_on"]


def test_a_semester_lasts_at_most_a_year():
    year = START + datetime.timedelta(days=rules.MAX_SEMESTER_DAYS - 1)
    assert rules.semester_problems(starts_on=START, ends_on=year) == []
    too_long = year + datetime.timedelta(days=1)
    assert [f for f, _ in rules.semester_problems(starts_on=START, ends_on=too_long)] == ["ends_on"]


@pytest.mark.parametrize(
    ("teaching", "exams", "fields"),
    [
        (START, END, []),
        (START - datetime.timedelta(days=1), None, ["teaching_starts_on"]),
        (END + datetime.timedelta(days=1), None, ["teaching_starts_on"]),
        (None, END + datetime.timedelta(days=1), ["exams_start_on"]),
        (D(2026, 9, 7), D(2026, 9, 7), ["exams_start_on"]),
        (D(2026, 9, 7), D(2026, 9, 8), []),
    ],
)
def test_teaching_and_exams_fall_inside_the_semester(teaching, exams, fields):
    problems = rules.semester_problems(starts_on=START, ends_on=END, teaching_starts_on=teaching, exams_start_on=exams)
    assert [f for f, _ in problems] == fields


@pytest.mark.parametrize(
    ("b_start", "b_end", "overlap"),
    [
        (D(2027, 2, 1), D(2027, 7, 31), False),  # the next semester, starting the day after
        (D(2027, 1, 31), D(2027, 7, 31), True),  # sharing the last day
        (D(2026, 3, 1), D(2026, 8, 31), False),  # the one before
        (D(2026, 3, 1), D(2026, 9, 1), True),  # sharing the first day
        (D(2026, 10, 1), D(2026, 10, 2), True),  # inside
    ],
)
def test_semesters_overlap_when_they_share_a_day(b_start, b_end, overlap):
    assert rules.ranges_overlap(START, END, b_start, b_end) is overlap
    assert rules.ranges_overlap(b_start, b_end, START, END) is overlap


# --- Plan items -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "inside"),
    [
        (D(2026, 8, 1), False),
        (D(2026, 9, 1), True),
        (D(2027, 1, 1), True),
        (D(2027, 2, 1), False),
    ],
)
def test_the_month_must_fall_inside_the_semester(month, inside):
    problems = rules.plan_item_problems(month=month, planned_on=None, semester_starts_on=START, semester_ends_on=END)
    assert (problems == []) is inside


def test_a_month_partly_inside_counts():
    # A semester starting on 15 September still holds a September item.
    assert rules.month_in_semester(D(2026, 9, 1), D(2026, 9, 15), END)
    assert not rules.month_in_semester(D(2026, 8, 1), D(2026, 9, 15), END)


@pytest.mark.parametrize(
    ("planned_on", "fields"),
    [
        (D(2026, 9, 1), []),
        (D(2026, 9, 30), []),
        (D(2026, 10, 1), ["planned_on"]),  # in the semester, not in the item's month
        (D(2026, 8, 31), ["planned_on"]),  # before the semester
    ],
)
def test_the_planned_date_falls_in_the_semester_and_the_month(planned_on, fields):
    problems = rules.plan_item_problems(
        month=D(2026, 9, 1), planned_on=planned_on, semester_starts_on=START, semester_ends_on=END
    )
    assert [f for f, _ in problems] == fields


def test_semester_months():
    assert rules.semester_months(START, END) == [D(2026, m, 1) for m in range(9, 13)] + [D(2027, 1, 1)]
    assert rules.semester_months(D(2027, 2, 15), D(2027, 3, 1)) == [D(2027, 2, 1), D(2027, 3, 1)]


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)))
def test_month_start_and_end_hold_the_day(day):
    assert rules.month_start(day) <= day <= rules.month_end(day)
    assert rules.month_start(day).day == 1
    assert (rules.month_end(day) + datetime.timedelta(days=1)).day == 1


@given(
    st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(min_value=1, max_value=365),
    st.dates(min_value=D(2019, 1, 1), max_value=D(2031, 12, 31)),
)
def test_a_month_is_in_the_semester_iff_one_of_its_days_is(start, length, month):
    end = start + datetime.timedelta(days=length)
    first, last = rules.month_start(month), rules.month_end(month)
    days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    assert rules.month_in_semester(month, start, end) is any(start <= d <= end for d in days)


# --- Calendar and publishing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind", "ok"),
    [
        (D(2026, 9, 20), "workday", True),  # a Sunday
        (D(2026, 10, 10), "workday", True),  # a Saturday
        (D(2026, 10, 9), "workday", False),  # a Friday is a working day anyway
        (D(2026, 10, 1), "holiday", True),
        (D(2026, 10, 3), "holiday", True),
        (D(2026, 10, 3), "party", False),
    ],
)
def test_calendar_days(day, kind, ok):
    assert (rules.calendar_day_problem(day, kind) is None) is ok


@pytest.mark.parametrize(
    ("kind", "organiser", "pushes"),
    [
        ("committee", "every_branch", True),
        ("committee", "self", False),
        ("branch", "every_branch", False),
        ("general_branch", "every_branch", False),
    ],
)
def test_only_a_committee_pushes_items_down(kind, organiser, pushes):
    assert rules.pushes_down(kind, organiser) is pushes
