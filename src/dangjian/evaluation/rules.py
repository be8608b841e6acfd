"""Rules of the democratic evaluation of members (民主评议党员) and of recognition: pure, no ORM.

Sources (see the domain reference §1 and §5):
- 支部条例 Art.20 and 教育管理条例 Art.18: 民主评议党员 normally once a year; 个人自评 → 党员互评 →
  民主测评; the 支委会 proposes and the 党员大会 decides (the 1988 中组部 意见's five steps).
- 党章 Art.7 and 选举条例 Art.5: only full members (正式党员) have 表决权; probationary members
  take part in the evaluation but are not graded (unit practice, [L]).
- 优秀 normally at most 1/3 of the members graded (12371.cn special page on 民主评议, [S]).
- 教育管理条例 Art.30–31: a member graded 不合格 is educated first, then given 限期改正 of at most one year.
- 支部条例 Art.11: a general meeting votes only when more than half of the members with voting rights attend.
"""

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.rules import votes

# --- Phases -----------------------------------------------------------------------------------


class Phase(models.TextChoices):
    """The steps of one campaign, in order (the 1988 意见's 学习教育 → 自我评价 → 民主评议 → 组织考察 → 处理)."""

    STUDY = "study", _("Study")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    MUTUAL = "mutual", _("Mutual evaluation")
    NON_MEMBER = "non_member", _("Assessment by non-members")
    PROPOSAL = "proposal", _("Proposal by the branch committee")
    DECISION = "decision", _("Decision by the general meeting")
    CLOSED = "closed", _("Closed")


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)


def phase_index(phase: str) -> int:
    return PHASE_ORDER.index(phase)


def next_phase(phase: str, *, with_non_members: bool) -> str | None:
    """The phase after `phase`; the non-member assessment is skipped unless the campaign holds one."""
    index = phase_index(phase)
    for candidate in PHASE_ORDER[index + 1 :]:
        if candidate == Phase.NON_MEMBER and not with_non_members:
            continue
        return candidate
    return None


def phase_reached(phase: str, target: str) -> bool:
    """Whether a campaign in `phase` has reached (or passed) `target`."""
    return phase_index(phase) >= phase_index(target)


def mutual_closed(phase: str) -> bool:
    """Whether the mutual evaluation is over: ballots are final from then on."""
    return phase_index(phase) > phase_index(Phase.MUTUAL)


# Self-assessment may be handed in (and changed) while the members assess themselves and while they
# assess each other: members who come late to one step still take part.
SELF_ASSESSMENT_PHASES = frozenset({Phase.SELF_ASSESSMENT, Phase.MUTUAL})

# --- Criteria and scale --------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    code: str
    label: object  # a lazy translation
    help: object


# The essay's measure of "advancedness": dedication, ability and results (敬业精神、工作能力、工作绩效),
# with innovation rewarded, on top of political performance and the bond with the people (党章 Art.3 (2), (7)).
CRITERIA: tuple[Criterion, ...] = (
    Criterion("political", _("Political performance"), _("Political stance, discipline, study of theory (政治表现)")),
    Criterion("dedication", _("Dedication"), _("Commitment to the work and to duty (敬业精神)")),
    Criterion("ability", _("Work ability"), _("Skill and competence in one's post (工作能力)")),
    Criterion("results", _("Work results"), _("What the work achieved: teaching, research, service (工作绩效)")),
    Criterion("innovation", _("Innovation"), _("New ideas, methods and achievements (创新)")),
    Criterion("people", _("Bond with the people"), _("Close ties with colleagues, students and the public (联系群众)")),
)
CRITERION_CODES: tuple[str, ...] = tuple(c.code for c in CRITERIA)

# A small scale, so that a rating on a phone is one tap per criterion.
SCALE_MIN, SCALE_MAX = 1, 5
SCALE_LABELS = {
    5: _("Very good"),
    4: _("Good"),
    3: _("Fair"),
    2: _("Weak"),
    1: _("Poor"),
}
COMMENT_MAX_CHARS = 500
ANALYSIS_MAX_CHARS = 5000  # 党性分析, free text


def valid_score(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and SCALE_MIN <= value <= SCALE_MAX


# --- Grades ----------------------------------------------------------------------------------------


class Grade(models.TextChoices):
    """等次 (12371.cn 民主评议; 教育管理条例 Art.30–31 for the follow-up of the last two)."""

    EXCELLENT = "excellent", _("Excellent (优秀)")
    QUALIFIED = "qualified", _("Qualified (合格)")
    BASIC = "basic", _("Basically qualified (基本合格)")
    UNQUALIFIED = "unqualified", _("Unqualified (不合格)")


# On the ballot a criterion left at "as overall" takes the score of the grade the voter suggested, so
# that a member is rated with one tap; the voter opens the criteria only to say more. The grade's
# word and the scale's word agree: 优秀 很好, 合格 好, 基本合格 一般, 不合格 差.
GRADE_DEFAULT_SCORE = {
    Grade.EXCELLENT: 5,
    Grade.QUALIFIED: 4,
    Grade.BASIC: 3,
    Grade.UNQUALIFIED: 1,
}

# 基本合格 → point out the gaps and help; 不合格 → education first, 限期改正: both get a required talk and a plan.
FOLLOW_UP_GRADES = frozenset({Grade.BASIC, Grade.UNQUALIFIED})

# 优秀 normally at most 1/3 of the members graded [S]; a warning, not a block, and configurable per campaign.
DEFAULT_EXCELLENT_LIMIT = Fraction(1, 3)


def excellent_over_limit(excellent: int, graded: int, limit: Fraction = DEFAULT_EXCELLENT_LIMIT) -> bool:
    """Whether `excellent` of `graded` members exceeds the share `limit` (exact arithmetic: 1 of 3 is not over)."""
    if graded <= 0:
        return False
    return Fraction(excellent, graded) > limit


def parse_limit(text: str) -> Fraction | None:
    """A share written as "1/3", "0.3" or "30%"; None when it is not a share between 0 and 1."""
    text = (text or "").strip().replace("％", "%")
    try:
        value = Fraction(text[:-1].strip()) / 100 if text.endswith("%") else Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return value if 0 < value <= 1 else None


# --- Secrecy of the mutual evaluation --------------------------------------------------------------

# A tally is shown only when enough ballots were cast that one ballot cannot be read off it: at least
# this many, and more than half of the members with the vote (so a tally also speaks for the branch;
# compare the majority rule of 支部条例 Art.11). Unit practice may set a higher minimum. [L]
TALLY_MIN_BALLOTS = 3
TALLY_MIN_SHARE = Fraction(1, 2)  # strictly more than this share of the eligible voters
# The non-member assessment is shown only from this many assessments on. [L]
NON_MEMBER_MIN_ASSESSMENTS = 3


@dataclass(frozen=True)
class TallyVerdict:
    allowed: bool
    reason: str = ""


def tally_verdict(*, cast: int, eligible: int, phase: str) -> TallyVerdict:
    """Whether the mutual-evaluation tally may be shown, and why not."""
    if not mutual_closed(phase):
        return TallyVerdict(False, str(_("The tally appears only after the mutual evaluation has closed.")))
    if cast < TALLY_MIN_BALLOTS:
        return TallyVerdict(
            False,
            str(
                _(
                    "Only %(cast)d ballots were cast; a tally needs at least %(min)d so that no ballot can be read off it."
                )
                % {"cast": cast, "min": TALLY_MIN_BALLOTS}
            ),
        )
    if Fraction(cast, max(eligible, 1)) <= TALLY_MIN_SHARE:
        return TallyVerdict(
            False,
            str(
                _("Only %(cast)d of %(eligible)d members with the vote cast a ballot; a tally needs more than half.")
                % {"cast": cast, "eligible": eligible}
            ),
        )
    return TallyVerdict(True)


# Receipt and one-time codes: random, shown once, stored only as a hash. 16 symbols of a 32-letter alphabet
# without look-alikes (0/O, 1/I/L) carry 80 bits: far beyond guessing.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 16
NON_MEMBER_CODE_LENGTH = 12
NON_MEMBER_CODES_MAX = 200  # one request's worth; more may be generated again


def normalise_code(text: str) -> str:
    """A code as typed (any case, spaces or dashes) in the stored form."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """A code in groups of four, easier to copy by hand."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# --- General meeting and follow-up ---------------------------------------------------------------


def meeting_quorum(attended: int, entitled: int) -> bool:
    """支部条例 Art.11: the meeting may vote only when more than half of the members with the vote attend
    (the platform's one vote rule, `core.rules.votes`)."""
    return votes.quorum(attended, entitled)


# 教育管理条例 Art.30–31: 限期改正 for at most one year.
IMPROVEMENT_MAX_YEARS = 1


def improvement_deadline_limit(decided_on: datetime.date) -> datetime.date:
    """The latest deadline of an improvement plan: one year after the decision (28 Feb for 29 Feb)."""
    try:
        return decided_on.replace(year=decided_on.year + IMPROVEMENT_MAX_YEARS)
    except ValueError:
        return decided_on.replace(year=decided_on.year + IMPROVEMENT_MAX_YEARS, day=28)


def improvement_deadline_ok(deadline: datetime.date, decided_on: datetime.date) -> bool:
    return decided_on < deadline <= improvement_deadline_limit(decided_on)


# A member may appeal a grade (党章 Art.4 (8)) within this many days of the decision. [L]
APPEAL_WINDOW_DAYS = 365

# --- Campaigns -----------------------------------------------------------------------------------

# Once a year per branch (支部条例 Art.20; 教育管理条例 Art.18): the database keeps one campaign per branch and year.
FIRST_YEAR = 2000


def campaign_year_ok(year: int, today: datetime.date) -> bool:
    """A campaign is for last year (evaluated early in the new one), this year or next year."""
    return year >= FIRST_YEAR and today.year - 1 <= year <= today.year + 1


# --- Recognition ---------------------------------------------------------------------------------


class RecognitionKind(models.TextChoices):
    """The essay rewards dedication, ability, results and innovation; these feed the evaluation form."""

    BACKBONE = "backbone", _("Work backbone (工作骨干)")
    EXPERT = "expert", _("Professional expert (业务能手)")
    MODEL = "model", _("Pioneer and model (先锋模范)")
    INNOVATION = "innovation", _("Innovation achievement (创新成果)")


EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_CHARS = 2000
