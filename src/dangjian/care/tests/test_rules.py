import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.care import files, rules
from dangjian.core.calendar import WorkingCalendar

days = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31))
calendars = st.builds(
    WorkingCalendar,
    holidays=st.frozensets(days, max_size=40),
    workdays=st.frozensets(days, max_size=10),
)


@given(calendar=calendars, start=days, n=st.integers(min_value=1, max_value=60))
def test_a_deadline_is_a_working_day_exactly_n_working_days_later(calendar, start, n):
    due = rules.deadline(calendar, start, n)
    assert due > start
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(start, due) == n
    # Not a day later than it must be: the day before has one working day fewer.
    assert calendar.working_days_between(start, due - datetime.timedelta(days=1)) == n - 1


@given(calendar=calendars, start=days, accept=st.integers(1, 30), extra=st.integers(0, 30))
def test_the_answer_is_never_due_before_the_acceptance(calendar, start, accept, extra):
    accept_due, answer_due = rules.need_due_dates(calendar, start, rules.NeedDeadlines(accept, accept + extra))
    assert start < accept_due <= answer_due


def test_defaults_over_a_holiday():
    national_day = frozenset(datetime.date(2025, 10, d) for d in range(1, 9))
    calendar = WorkingCalendar(holidays=national_day, workdays=frozenset({datetime.date(2025, 9, 28)}))
    accept, answer = rules.need_due_dates(calendar, datetime.date(2025, 9, 29), rules.NeedDeadlines())
    assert accept == datetime.date(2025, 10, 10)  # 9-30, then 10-9 and 10-10 after the holiday
    assert rules.DEFAULT_ACCEPT_WORKING_DAYS == 3
    assert rules.DEFAULT_ANSWER_WORKING_DAYS == 15
    assert calendar.working_days_between(datetime.date(2025, 9, 29), answer) == 15


STATES = ["submitted", "accepted", "in_progress", "answered", "closed"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", sorted(rules.TRANSITIONS))
def test_the_state_machine(state, action):
    sources, target = rules.TRANSITIONS[action]
    if state in sources:
        assert rules.next_state(state, action) == (target or state)
    else:
        with pytest.raises(rules.TransitionRefused) as refused:
            rules.next_state(state, action)
        assert refused.value.message == str(rules.REFUSALS[action])


def test_a_closed_need_allows_nothing():
    assert not [a for a, (sources, _) in rules.TRANSITIONS.items() if "closed" in sources]


@pytest.mark.parametrize(
    ("accept", "answer", "fields"),
    [
        (None, None, set()),
        (3, 15, set()),
        (1, 1, set()),
        (0, None, {"accept_working_days"}),
        (None, 61, {"answer_working_days"}),
        (60, 60, set()),
        (10, 5, {"answer_working_days"}),
    ],
)
def test_validate_deadlines(accept, answer, fields):
    assert set(rules.validate_deadlines(accept, answer)) == fields


@pytest.mark.parametrize(("rating", "ok"), [(0, False), (1, True), (5, True), (6, False), (True, False), ("5", False)])
def test_rating(rating, ok):
    assert rules.rating_is_valid(rating) is ok


def test_median():
    assert rules.median([]) is None
    assert rules.median([4, 1, 3]) == 3
    assert rules.median([1, 2, 3, 10]) == 2.5


def test_missing_pairs_count_a_talk_either_way_round_and_skip_oneself():
    missing = rules.missing_pairs([1, 2], [1, 2, 3, 4], {(1, 3), (4, 2)})
    assert missing == {1: [2, 4], 2: [1, 3]}


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"GIF89a", "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        ("一段说明\n".encode(), "txt"),
        (b"\x7fELF\x02\x01", None),
        (b"MZ\x90\x00", None),
        (b"", None),
        (b"PK\x03\x04 not a zip", None),
    ],
)
def test_sniff(head, kind):
    import io

    assert files.sniff(io.BytesIO(head)) == kind


def test_sniff_office():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert files.sniff(buffer) == "docx"
    assert buffer.tell() == 0
