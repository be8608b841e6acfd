import datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.evaluation import rules
from dangjian.evaluation.rules import Phase


def test_phases_in_order_with_the_optional_step():
    assert rules.next_phase(Phase.STUDY, with_non_members=False) == Phase.SELF_ASSESSMENT
    assert rules.next_phase(Phase.MUTUAL, with_non_members=False) == Phase.PROPOSAL
    assert rules.next_phase(Phase.MUTUAL, with_non_members=True) == Phase.NON_MEMBER
    assert rules.next_phase(Phase.NON_MEMBER, with_non_members=True) == Phase.PROPOSAL
    assert rules.next_phase(Phase.CLOSED, with_non_members=True) is None
    assert not rules.mutual_closed(Phase.MUTUAL)
    assert rules.mutual_closed(Phase.NON_MEMBER)


def test_the_criteria_are_the_essays():
    assert rules.CRITERION_CODES == ("political", "dedication", "ability", "results", "innovation", "people")


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (5, True), (6, False), (True, False), ("3", False)])
def test_scores_on_the_small_scale(value, ok):
    assert rules.valid_score(value) is ok


@pytest.mark.parametrize(
    ("excellent", "graded", "over"),
    [(1, 3, False), (2, 6, False), (3, 6, True), (0, 0, False), (4, 12, False), (5, 12, True)],
)
def test_excellent_at_most_a_third(excellent, graded, over):
    assert rules.excellent_over_limit(excellent, graded) is over


def test_the_share_is_configurable():
    assert rules.excellent_over_limit(3, 6, Fraction(1, 2)) is False
    assert rules.parse_limit("1/3") == Fraction(1, 3)
    assert rules.parse_limit("30%") == Fraction(3, 10)
    assert rules.parse_limit("0.25") == Fraction(1, 4)
    for bad in ("", "0", "2", "abc", "1/0", "-1/3"):
        assert rules.parse_limit(bad) is None


@pytest.mark.parametrize(
    ("cast", "eligible", "phase", "allowed"),
    [
        (6, 6, Phase.MUTUAL, False),  # not before the mutual evaluation has closed
        (2, 3, Phase.PROPOSAL, False),  # fewer than three
        (3, 6, Phase.PROPOSAL, False),  # exactly half
        (4, 6, Phase.PROPOSAL, True),
        (3, 4, Phase.CLOSED, True),
        (3, 5, Phase.NON_MEMBER, True),
    ],
)
def test_tally_needs_enough_ballots_after_closing(cast, eligible, phase, allowed):
    verdict = rules.tally_verdict(cast=cast, eligible=eligible, phase=phase)
    assert verdict.allowed is allowed
    assert bool(verdict.reason) is not allowed


@pytest.mark.parametrize(
    ("attended", "entitled", "ok"), [(3, 5, True), (2, 4, False), (3, 4, True), (0, 0, False), (6, 5, False)]
)
def test_meeting_quorum(attended, entitled, ok):
    assert rules.meeting_quorum(attended, entitled) is ok


def test_improvement_deadline_boundaries():
    decided = datetime.date(2026, 12, 20)
    assert rules.improvement_deadline_ok(datetime.date(2027, 12, 20), decided)
    assert not rules.improvement_deadline_ok(datetime.date(2027, 12, 21), decided)
    assert not rules.improvement_deadline_ok(decided, decided)
    assert rules.improvement_deadline_limit(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 12, 31)), st.integers(1, 800))
def test_improvement_deadline_never_beyond_a_year(decided, days):
    deadline = decided + datetime.timedelta(days=days)
    ok = rules.improvement_deadline_ok(deadline, decided)
    assert ok == (deadline <= rules.improvement_deadline_limit(decided))
    if ok:
        assert (deadline - decided).days <= 366


def test_codes_are_read_forgivingly():
    assert rules.normalise_code("abcd-efgh 2345") == "ABCDEFGH2345"
    assert rules.format_code("ABCDEFGH") == "ABCD-EFGH"
    assert not set("01ILO") & set(rules.CODE_ALPHABET)


@pytest.mark.parametrize(("year", "ok"), [(2025, True), (2026, True), (2027, True), (2024, False), (2028, False)])
def test_campaign_year(year, ok):
    assert rules.campaign_year_ok(year, datetime.date(2026, 11, 1)) is ok
