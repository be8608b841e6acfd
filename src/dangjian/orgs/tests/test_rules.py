"""Organisation set-up rules (支部条例 ch.2, 选举条例) at their boundaries."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.orgs import rules

TODAY = datetime.date(2026, 6, 1)


def check(**overrides) -> list[rules.Finding]:
    """A branch that meets every rule, with `overrides` applied."""
    arguments = {
        "full_members": 5,
        "probationary_members": 1,
        "committee_size": 1,
        "has_secretary": True,
        "election_due": None,
        "today": TODAY,
    }
    return rules.check_branch(**(arguments | overrides))


def codes(findings: list[rules.Finding]) -> set[str]:
    return {finding.code for finding in findings}


def test_a_sound_branch_gets_one_ok_finding():
    findings = check()
    assert [(f.code, f.level) for f in findings] == [("ok", "ok")]


@pytest.mark.parametrize(("full", "flagged"), [(0, True), (2, True), (3, False), (4, False)])
def test_minimum_full_members(full, flagged):
    # Probationary members do not count towards the three full members a branch needs.
    assert ("too_few_full_members" in codes(check(full_members=full, probationary_members=10))) is flagged


@pytest.mark.parametrize(
    ("full", "probationary", "flagged"),
    [(50, 0, False), (45, 5, False), (51, 0, True), (45, 6, True), (6, 45, True)],
)
def test_maximum_members_counts_probationary_members_too(full, probationary, flagged):
    findings = check(full_members=full, probationary_members=probationary, committee_size=5)
    assert ("too_many_members" in codes(findings)) is flagged


@pytest.mark.parametrize(
    ("full", "committee", "expected"),
    [
        (6, 0, set()),  # below 7 a secretary alone is enough
        (6, 1, set()),
        (7, 0, {"committee_required"}),
        (7, 1, {"committee_required"}),
        (7, 2, {"committee_required"}),
        (7, 3, set()),
        (7, 5, set()),
        (7, 7, set()),
        (7, 8, {"committee_too_large"}),
        (30, 2, {"committee_required"}),
    ],
)
def test_committee_from_seven_full_members(full, committee, expected):
    found = codes(check(full_members=full, probationary_members=0, committee_size=committee))
    assert found - {"ok"} == expected


def test_committee_required_is_a_problem_and_too_large_a_warning():
    (required,) = check(full_members=7, committee_size=0)
    assert required.level == "problem"
    assert "7" in required.message
    (large,) = check(full_members=7, committee_size=8)
    assert large.level == "warning"


def test_no_secretary_is_a_problem():
    findings = check(has_secretary=False)
    assert [(f.code, f.level) for f in findings] == [("no_secretary", "problem")]


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (rules.ELECTION_DUE_NOTICE_DAYS + 1, set()),
        (rules.ELECTION_DUE_NOTICE_DAYS, {"election_due"}),
        (1, {"election_due"}),
        (0, {"election_due"}),  # the term ends today
        (-1, {"election_overdue"}),
        (-400, {"election_overdue"}),
    ],
)
def test_election_due_and_overdue(days_left, expected):
    due = TODAY + datetime.timedelta(days=days_left)
    assert codes(check(election_due=due)) - {"ok"} == expected
    assert rules.election_is_near(due, TODAY) is (days_left <= rules.ELECTION_DUE_NOTICE_DAYS)


def test_election_is_near_without_a_date():
    assert rules.election_is_near(None, TODAY) is False


def test_levels_of_election_findings():
    (due,) = check(election_due=TODAY + datetime.timedelta(days=10))
    assert due.level == "warning"
    assert "10" in due.message
    (overdue,) = check(election_due=TODAY - datetime.timedelta(days=1))
    assert overdue.level == "problem"


def test_several_findings_at_once():
    findings = check(full_members=60, probationary_members=0, committee_size=0, has_secretary=False)
    assert codes(findings) == {"too_many_members", "committee_required", "no_secretary"}


# Terms -----------------------------------------------------------------------------------------


def test_term_years():
    assert rules.term_years("branch") == 3
    assert rules.term_years("general_branch") == 3
    assert rules.term_years("committee") == 5
    assert rules.term_years("group") is None
    assert rules.term_years("branch", 5) == 5
    assert rules.term_years("group", 2) == 2
    assert rules.term_years("branch", None) == 3


def test_next_election():
    assert rules.next_election_on(datetime.date(2024, 9, 1), 3) == datetime.date(2027, 9, 1)
    assert rules.next_election_on(None, 3) is None
    assert rules.next_election_on(datetime.date(2024, 9, 1), None) is None
    assert rules.next_election_on(datetime.date(2024, 2, 29), 3) == datetime.date(2027, 2, 28)
    assert rules.next_election_on(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)


dates = st.dates(min_value=datetime.date(1921, 7, 1), max_value=datetime.date(2200, 12, 31))


@given(day=dates, years=st.integers(min_value=0, max_value=50))
def test_add_years_keeps_month_and_day_except_on_29_february(day, years):
    result = rules.add_years(day, years)
    assert result.year == day.year + years
    assert result.month == day.month
    if (day.month, day.day) == (2, 29):
        is_leap = result.year % 4 == 0 and (result.year % 100 != 0 or result.year % 400 == 0)
        assert result.day == (29 if is_leap else 28)
    else:
        assert result.day == day.day


@given(day=dates, years=st.integers(min_value=1, max_value=50))
def test_a_term_lasts_between_365_and_366_days_a_year(day, years):
    length = (rules.add_years(day, years) - day).days
    assert 365 * years <= length <= 366 * years
    assert rules.add_years(day, years) > rules.add_years(day, years - 1)


# The tree --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parent", "child", "allowed"),
    [
        (None, "committee", True),
        (None, "branch", False),
        (None, "group", False),
        ("committee", "committee", True),
        ("committee", "general_branch", True),
        ("committee", "branch", True),
        ("committee", "group", False),
        ("general_branch", "branch", True),
        ("general_branch", "general_branch", False),
        ("general_branch", "group", False),
        ("branch", "group", True),
        ("branch", "branch", False),
        ("group", "group", False),
        ("group", "branch", False),
        ("unknown", "group", False),
        ("branch", "unknown", False),
    ],
)
def test_can_contain(parent, child, allowed):
    assert rules.can_contain(parent, child) is allowed


def test_every_position_role_is_a_real_role_and_position():
    from dangjian.accounts.models import Role
    from dangjian.orgs.models import OrgKind, Position

    for (kind, position), role in rules.POSITION_ROLES.items():
        assert kind in OrgKind.values
        assert position in Position.values
        assert role in Role.values
    assert set(rules.COMMITTEE_POSITIONS) <= set(Position.values)
