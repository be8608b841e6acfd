import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.calendar import WorkingCalendar
from dangjian.rights import rules

DAYS = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2030, 12, 31))


@st.composite
def days_and_calendars(draw):
    """A day and a calendar whose holidays and make-up working days fall in the weeks after it."""
    day = draw(DAYS)
    offsets = st.sets(st.integers(0, 120), max_size=25)
    holidays = {day + datetime.timedelta(days=n) for n in draw(offsets)}
    workdays = {day + datetime.timedelta(days=n) for n in draw(offsets)} - holidays
    weekend_workdays = frozenset(d for d in workdays if d.weekday() >= 5)
    return day, WorkingCalendar(holidays=frozenset(holidays), workdays=weekend_workdays)


# --- The eight rights -------------------------------------------------------------------------


def test_the_eight_rights_of_article_4_in_order():
    assert [r.number for r in rules.RIGHTS] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert len({r.code for r in rules.RIGHTS}) == 8
    assert all(r.ways for r in rules.RIGHTS), "every right has a way to use it here"


def test_a_probationary_member_lacks_only_the_vote():
    held = {right.code: ok for right, ok in rules.rights_held(probationary=True)}
    assert [code for code, ok in held.items() if not ok] == ["vote"]
    assert all(ok for _right, ok in rules.rights_held(probationary=False))


def test_the_ways_name_the_pages_the_issue_asks_for():
    ways = {right.code: {w.url_name for w in right.ways} for right in rules.RIGHTS}
    assert ways["attend"] == {"study:my-study", "library:index"}
    assert ways["suggest"] == {"rights:opinion-create"}
    assert ways["criticise"] == {"rights:opinion-create"}
    assert ways["vote"] == {"evaluation:campaign-list"}
    assert "rights:appeal-create" in ways["appeal"]


# --- Texts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body", "fields"),
    [
        ("建议", "内容", []),
        ("", "内容", ["title"]),
        ("   ", "内容", ["title"]),
        ("建" * 200, "内容", []),
        ("建" * 201, "内容", ["title"]),
        ("建议", "", ["body"]),
        ("建议", " \n ", ["body"]),
        ("建议", "字" * 5000, []),
        ("建议", "字" * 5001, ["body"]),
        ("", "", ["title", "body"]),
    ],
)
def test_text_problems_at_their_boundaries(title, body, fields):
    assert [field for field, _message in rules.text_problems(title=title, body=body)] == fields


def test_an_answer_is_checked_on_its_own_field():
    assert [f for f, _m in rules.text_problems(body="", body_field="answer")] == ["answer"]


# --- Follow-up codes --------------------------------------------------------------------------


def test_a_follow_up_code_is_four_groups_of_four_and_hashes_the_same_however_typed():
    code = rules.new_follow_up_code()
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert set("".join(groups)) <= set(rules.CODE_ALPHABET)
    typed = code.lower().replace("-", " ")
    assert rules.code_hash(typed) == rules.code_hash(code)
    assert len(rules.code_hash(code)) == 64


def test_codes_are_not_repeated():
    assert len({rules.new_follow_up_code() for _i in range(500)}) == 500


def test_confusable_letters_are_read_as_digits():
    assert rules.normalise_code("OIL0-1111-2222-3333") == "0110111122223333"


@pytest.mark.parametrize("text", ["", "ABC", "ABCD-EFGH-JKMN-PQR", "ABCD-EFGH-JKMN-PQRSX", "ABCD-EFGH-JKMN-PQRU"])
def test_malformed_codes_are_refused(text):
    assert rules.normalise_code(text) is None
    with pytest.raises(ValueError, match="malformed"):
        rules.code_hash(text)


# --- Appeal deadline --------------------------------------------------------------------------


def test_the_default_deadline_is_local_practice_and_says_so():
    rule = rules.appeal_deadline()
    assert rule.working_days == 20
    assert rule.local
    assert "本单位做法" in str(rule.source)


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (15, True), (250, True), (251, False), (-3, False)])
def test_a_configured_deadline_must_be_sensible(days, ok):
    if ok:
        assert rules.appeal_deadline(days).working_days == days
    else:
        with pytest.raises(ValueError, match="working days"):
            rules.appeal_deadline(days)


@given(start=days_and_calendars(), working_days=st.integers(1, 60))
def test_the_due_date_is_exactly_n_working_days_later(start, working_days):
    submitted, calendar = start
    due = rules.appeal_due_on(submitted, calendar, working_days)
    assert due > submitted
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(submitted, due) == working_days
    # The day before the due date leaves one working day still to come.
    assert calendar.working_days_between(submitted, due - datetime.timedelta(days=1)) == working_days - 1


@given(start=days_and_calendars(), a=st.integers(1, 40), b=st.integers(1, 40))
def test_a_longer_deadline_never_ends_earlier(start, a, b):
    submitted, calendar = start
    short, long = sorted((a, b))
    assert rules.appeal_due_on(submitted, calendar, short) <= rules.appeal_due_on(submitted, calendar, long)


@given(submitted=DAYS, working_days=st.integers(1, 30))
def test_a_holiday_in_the_window_moves_the_due_date_by_one_working_day(submitted, working_days):
    plain = WorkingCalendar()
    due = rules.appeal_due_on(submitted, plain, working_days)
    first_working = plain.next_working_day(submitted + datetime.timedelta(days=1))
    with_holiday = WorkingCalendar(holidays=frozenset({first_working}))
    later = rules.appeal_due_on(submitted, with_holiday, working_days)
    assert later > due
    assert plain.working_days_between(due, later) == 1


@given(due=DAYS, offset=st.integers(-400, 400))
def test_overdue_from_the_day_after_the_due_date(due, offset):
    today = due + datetime.timedelta(days=offset)
    assert rules.is_overdue(due, today) is (offset > 0)


def test_a_submission_just_before_the_national_day_week():
    # 2026-09-30 (Wednesday) before the National Day week; 10-01..10-07 off, 10-10 (Saturday) a working day.
    holidays = frozenset(datetime.date(2026, 10, d) for d in range(1, 8))
    calendar = WorkingCalendar(holidays=holidays, workdays=frozenset({datetime.date(2026, 10, 10)}))
    assert rules.appeal_due_on(datetime.date(2026, 9, 30), calendar, 1) == datetime.date(2026, 10, 8)
    assert rules.appeal_due_on(datetime.date(2026, 9, 30), calendar, 3) == datetime.date(2026, 10, 10)


# --- Where an appeal goes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("depth", "earlier", "level"),
    [(0, 0, 0), (0, 3, 0), (1, 0, 0), (2, 0, 1), (2, 1, 0), (2, 5, 0), (3, 0, 2), (3, 1, 1)],
)
def test_an_appeal_goes_one_level_up_and_further_after_each_answer(depth, earlier, level):
    assert rules.appeal_level(depth, earlier) == level


def test_appeal_level_refuses_negative_numbers():
    with pytest.raises(ValueError, match="negative"):
        rules.appeal_level(-1, 0)
