"""The one vote rule of the platform (支部条例 Art.11; 党章 Art.7; 选举条例 Art.5, Art.28). Pure, no ORM.

A general meeting (支部党员大会) may vote only when more than half of the members with voting
rights attend, and a motion passes when the yes votes are more than half of the members with
voting rights who ought to attend (应到会有表决权的党员) — the 应到 denominator, not those present.
Only full members vote: probationary members (预备党员) and members under 留党察看 have no vote.
For admitting a probationary member (接收预备党员) and for confirming one as a full member (转正),
the written opinions that absent voting members handed in before the meeting count in the tally
(中组部 explanation), but not as attendance. An election needs more than four fifths of the members
with the vote present (选举条例).

Study, member development and evaluation all tally votes through this module.
"""

from dataclasses import dataclass

from django.utils.translation import gettext


class Matter:
    """What a general meeting votes on; written opinions count only for the two admission matters."""

    ADMIT = "admit"  # 接收预备党员
    CONFIRM = "confirm"  # 预备党员转正
    OTHER = "other"  # 延长预备期, 表彰, 处置, 决议 …

    WRITTEN_OPINIONS_COUNT = frozenset({ADMIT, CONFIRM})


SOURCE = (
    "《中国共产党支部工作条例（试行）》第十一条：进行表决时，必须有半数以上有表决权的党员到会方可进行，"
    "赞成人数超过应到会有表决权的党员的半数为通过；接收预备党员和预备党员转正时，"
    "因故不能到会的有表决权的党员在会前正式提交的书面意见统计在票数内"
)
ELECTION_SOURCE = "《中国共产党基层组织选举工作条例》：有选举权的到会人数超过应到会人数的五分之四，会议有效"


def has_vote(full_member: bool, on_probation_discipline: bool = False) -> bool:
    """Only a full member (正式党员) votes, and not while under 留党察看 (党章 Art.7, 选举条例 Art.5)."""
    return full_member and not on_probation_discipline


def quorum(present: int, entitled: int) -> bool:
    """The meeting may vote: more than half of the members with the vote who ought to attend are present."""
    return entitled > 0 and 0 <= present <= entitled and present * 2 > entitled


def election_quorum(present: int, entitled: int) -> bool:
    """An election is valid: more than four fifths of the members with the vote who ought to attend are present."""
    return entitled > 0 and 0 <= present <= entitled and present * 5 > entitled * 4


def majority_needed(entitled: int) -> int:
    """The fewest yes votes that pass a motion: more than half of 应到."""
    return entitled // 2 + 1


@dataclass(frozen=True)
class VoteResult:
    """A tallied vote with its numbers and the explanation a record shows."""

    matter: str
    entitled: int  # 应到会有表决权的党员
    present: int  # 实到 with the vote
    yes: int  # in the room
    no: int
    abstain: int
    written_yes: int  # written opinions counted in the tally (admission matters only)
    written_no: int
    written_abstain: int
    quorum: bool
    passed: bool

    @property
    def yes_total(self) -> int:
        return self.yes + self.written_yes

    @property
    def no_total(self) -> int:
        return self.no + self.written_no

    @property
    def abstain_total(self) -> int:
        return self.abstain + self.written_abstain

    @property
    def needed(self) -> int:
        return majority_needed(self.entitled)

    @property
    def explanation(self) -> str:
        numbers = {
            "entitled": self.entitled,
            "present": self.present,
            "yes": self.yes_total,
            "no": self.no_total,
            "abstain": self.abstain_total,
            "written": self.written_yes + self.written_no + self.written_abstain,
            "needed": self.needed,
        }
        if not self.quorum:
            return (
                gettext(
                    "%(present)d of the %(entitled)d members with the vote are present, not more than half: "
                    "the meeting may not vote."
                )
                % numbers
            )
        parts = [
            gettext("%(present)d of the %(entitled)d members with the vote are present, more than half.") % numbers,
            gettext("%(yes)d in favour, %(no)d against, %(abstain)d abstaining.") % numbers,
        ]
        if numbers["written"]:
            parts.append(gettext("%(written)d written opinions handed in before the meeting are counted.") % numbers)
        if self.passed:
            parts.append(
                gettext(
                    "Passed: more than half of the %(entitled)d members with the vote (at least %(needed)d) are in favour."
                )
                % numbers
            )
        else:
            parts.append(
                gettext(
                    "Not passed: %(needed)d votes in favour are needed, more than half of the %(entitled)d "
                    "members with the vote, not of those present."
                )
                % numbers
            )
        return "".join(parts)


def vote_problems(
    entitled: int,
    present: int,
    yes: int,
    no: int = 0,
    abstain: int = 0,
    written_yes: int = 0,
    written_no: int = 0,
    written_abstain: int = 0,
    matter: str = Matter.OTHER,
) -> list[str]:
    """What is wrong with the numbers of a vote, as messages; empty when they add up."""
    problems = []
    counts = (entitled, present, yes, no, abstain, written_yes, written_no, written_abstain)
    if min(counts) < 0:
        problems.append(gettext("The numbers of a vote cannot be negative."))
        return problems
    if entitled == 0:
        problems.append(gettext("There must be at least one member with the vote."))
    if present > entitled:
        problems.append(gettext("More members are present than have the vote."))
    if yes + no + abstain > present:
        problems.append(gettext("More votes are cast than members with the vote are present."))
    written = written_yes + written_no + written_abstain
    if written and matter not in Matter.WRITTEN_OPINIONS_COUNT:
        problems.append(gettext("Written opinions count only when admitting a probationary member or confirming one."))
    elif written > entitled - present:
        problems.append(gettext("Only absent members with the vote may hand in a written opinion."))
    return problems


def tally(
    entitled: int,
    present: int,
    yes: int,
    no: int = 0,
    abstain: int = 0,
    written_yes: int = 0,
    written_no: int = 0,
    written_abstain: int = 0,
    matter: str = Matter.OTHER,
) -> VoteResult:
    """The outcome of a general meeting's vote (支部条例 Art.11). Raises ValueError with the first problem
    when the numbers do not add up (see `vote_problems`)."""
    problems = vote_problems(entitled, present, yes, no, abstain, written_yes, written_no, written_abstain, matter)
    if problems:
        raise ValueError(problems[0])
    met = quorum(present, entitled)
    return VoteResult(
        matter=matter,
        entitled=entitled,
        present=present,
        yes=yes,
        no=no,
        abstain=abstain,
        written_yes=written_yes,
        written_no=written_no,
        written_abstain=written_abstain,
        quorum=met,
        passed=met and (yes + written_yes) * 2 > entitled,
    )
