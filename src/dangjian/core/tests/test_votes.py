"""The one vote rule (支部条例 Art.11) at its boundaries."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.rules import votes
from dangjian.core.rules.votes import Matter


def test_quorum_needs_more_than_half_of_those_entitled():
    assert not votes.quorum(5, 10)
    assert votes.quorum(6, 10)
    assert votes.quorum(5, 9)
    assert not votes.quorum(4, 9)
    assert not votes.quorum(0, 0)
    assert not votes.quorum(11, 10)


def test_election_quorum_needs_more_than_four_fifths():
    assert not votes.election_quorum(8, 10)
    assert votes.election_quorum(9, 10)
    assert votes.election_quorum(5, 5)
    assert not votes.election_quorum(4, 5)


def test_the_denominator_is_those_entitled_not_those_present():
    # 10 entitled, 6 present, 5 yes: a majority of those present but not of 应到.
    result = votes.tally(entitled=10, present=6, yes=5, no=1)
    assert result.quorum
    assert not result.passed
    assert result.needed == 6
    assert result.explanation == (
        "应到会有表决权的党员10人，实到6人，超过半数。赞成5票，反对1票，弃权0票。"
        "未通过：赞成票须超过应到会有表决权党员10人的半数（至少6票），而非实到人数的半数。"
    )
    assert votes.tally(entitled=10, present=6, yes=6).passed


def test_no_vote_without_quorum_even_if_everyone_present_says_yes():
    result = votes.tally(entitled=10, present=5, yes=5)
    assert not result.quorum
    assert not result.passed
    assert result.explanation


def test_written_opinions_count_for_admission_and_confirmation():
    # 10 entitled, 6 present; 5 yes in the room and 1 written yes from an absent member.
    admitted = votes.tally(entitled=10, present=6, yes=5, no=1, written_yes=1, matter=Matter.ADMIT)
    assert admitted.passed
    assert admitted.yes_total == 6
    assert "书面意见1份已统计在票数内" in admitted.explanation
    assert admitted.explanation.endswith("通过。")
    confirmed = votes.tally(entitled=10, present=6, yes=5, no=1, written_yes=1, matter=Matter.CONFIRM)
    assert confirmed.passed
    # Written opinions do not make attendance: 5 present of 10 is no quorum.
    assert not votes.tally(entitled=10, present=5, yes=5, written_yes=5, matter=Matter.ADMIT).quorum


def test_written_opinions_refused_for_other_matters_and_from_those_present():
    with pytest.raises(ValueError, match="只有接收预备党员和预备党员转正时"):
        votes.tally(entitled=10, present=6, yes=5, written_yes=1, matter=Matter.OTHER)
    with pytest.raises(ValueError, match="因故不能到会"):
        votes.tally(entitled=10, present=9, yes=5, written_yes=2, matter=Matter.ADMIT)


@pytest.mark.parametrize(
    "numbers",
    [
        dict(entitled=0, present=0, yes=0),
        dict(entitled=5, present=6, yes=0),
        dict(entitled=5, present=4, yes=3, no=2),
        dict(entitled=5, present=4, yes=-1),
    ],
)
def test_numbers_that_do_not_add_up_are_refused(numbers):
    assert votes.vote_problems(**numbers)
    with pytest.raises(ValueError, match=votes.vote_problems(**numbers)[0]):
        votes.tally(**numbers)


def test_only_full_members_not_under_probation_discipline_vote():
    assert votes.has_vote(full_member=True)
    assert not votes.has_vote(full_member=False)  # 预备党员
    assert not votes.has_vote(full_member=True, on_probation_discipline=True)  # 留党察看


@st.composite
def vote_numbers(draw):
    entitled = draw(st.integers(1, 200))
    present = draw(st.integers(0, entitled))
    yes = draw(st.integers(0, present))
    no = draw(st.integers(0, present - yes))
    abstain = draw(st.integers(0, present - yes - no))
    written_yes = draw(st.integers(0, entitled - present))
    return entitled, present, yes, no, abstain, written_yes


@given(vote_numbers(), st.sampled_from([Matter.ADMIT, Matter.CONFIRM]))
def test_passes_iff_quorum_and_yes_more_than_half_of_those_entitled(numbers, matter):
    entitled, present, yes, no, abstain, written_yes = numbers
    result = votes.tally(entitled, present, yes, no, abstain, written_yes=written_yes, matter=matter)
    assert result.quorum == (present * 2 > entitled)
    assert result.passed == (present * 2 > entitled and (yes + written_yes) * 2 > entitled)
    assert result.passed == (result.quorum and result.yes_total >= result.needed)
    assert result.explanation
