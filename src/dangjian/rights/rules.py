"""Members' rights as data, and the rules for opinions and appeals. Pure: no ORM.

The eight rights are 《中国共产党章程》 (2022) Art.4, in the article's order; probationary members have
them all except voting, election and standing for election (党章 Art.7; 《中国共产党党员权利保障条例》).
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangjian.core.calendar import WorkingCalendar

CONSTITUTION = _("Party Constitution (2022), Article 4")
PROBATIONARY_SOURCE = _("Party Constitution (2022), Article 7")


# --- The eight rights (党章 Art.4) ------------------------------------------------------------


@dataclass(frozen=True)
class Way:
    """A way to use a right on this platform: a page, named by its URL name (reversed by the selector)."""

    url_name: str
    label: str | Promise
    query: str = ""  # e.g. "kind=criticism", to open the page on the right choice


@dataclass(frozen=True)
class Right:
    number: int  # the item of Art.4: (一) … (八)
    code: str
    title: str | Promise
    text: str | Promise  # the article's wording (the Chinese catalogue holds the original text)
    ways: tuple[Way, ...]
    probationary: bool = True  # whether a probationary member holds it (党章 Art.7)
    note: str | Promise = ""  # how it is exercised outside the platform, if mostly there


SUGGEST = Way("rights:opinion-create", _("Make a suggestion"), "kind=suggestion")
CRITICISE = Way("rights:opinion-create", _("Criticise or report"), "kind=criticism")
APPEAL = Way("rights:appeal-create", _("Appeal a decision about me"))
MY_STUDY = Way("study:my-study", _("My meetings and study"))
LIBRARY = Way("library:index", _("Study materials"))
EVALUATION = Way("evaluation:campaign-list", _("Democratic evaluation"))

RIGHTS: tuple[Right, ...] = (
    Right(
        1,
        "attend",
        _("Attend meetings, read documents, receive education"),
        _(
            "To attend relevant Party meetings, read relevant Party documents, and receive Party education "
            "and training."
        ),
        (MY_STUDY, LIBRARY),
    ),
    Right(
        2,
        "discuss",
        _("Take part in discussing Party policy"),
        _(
            "To participate in discussions on questions concerning Party policies at Party meetings and in "
            "Party newspapers and journals."
        ),
        (MY_STUDY, SUGGEST),
    ),
    Right(
        3,
        "suggest",
        _("Make suggestions and proposals"),
        _("To make suggestions and proposals regarding the work of the Party."),
        (SUGGEST,),
    ),
    Right(
        4,
        "criticise",
        _("Criticise, expose and report"),
        _(
            "To make well-grounded criticism of any Party organisation or member at Party meetings; to present "
            "information or charges against any Party organisation or member concerning violations of discipline "
            "or law to the Party in a responsible way, and to demand disciplinary measures against such a member, "
            "or the dismissal or replacement of any incompetent cadre."
        ),
        (CRITICISE,),
    ),
    Right(
        5,
        "vote",
        _("Vote, elect and stand for election"),
        _("To vote, elect, and stand for election."),
        (EVALUATION,),
        probationary=False,
        note=_("Votes and elections take place at the general meeting of the branch."),
    ),
    Right(
        6,
        "defend",
        _("Be present and defend oneself"),
        _(
            "To attend, and to speak in one's own defence at, discussions held by Party organisations to decide "
            "on disciplinary measures against oneself or to appraise one's work and behaviour, while other Party "
            "members may bear witness or argue on one's behalf."
        ),
        (APPEAL,),
        note=_("This is exercised in the meeting that decides; afterwards a decision can be appealed here."),
    ),
    Right(
        7,
        "reserve",
        _("Reserve a dissenting opinion"),
        _(
            "In case of disagreement with a Party decision or policy, to make reservations and present one's "
            "views to Party organisations at higher levels, even up to the Central Committee, provided that one "
            "resolutely carries out the decision or policy while it is in force."
        ),
        (SUGGEST,),
    ),
    Right(
        8,
        "appeal",
        _("Request, appeal and complain"),
        _(
            "To put forward any request, appeal, or complaint to higher Party organisations, even up to the "
            "Central Committee, and ask the organisations concerned for a responsible reply."
        ),
        (APPEAL, CRITICISE),
    ),
)


PROBATIONARY_NOTE = _(
    "As a probationary member you have all these rights except the right to vote, to elect and to stand for "
    "election (Party Constitution, Article 7)."
)


def rights_held(*, probationary: bool) -> list[tuple[Right, bool]]:
    """Every right with whether the member holds it: a probationary member lacks only the vote (党章 Art.7)."""
    return [(right, right.probationary or not probationary) for right in RIGHTS]


# --- Opinions: suggestions, criticism and reports ----------------------------------------------

TITLE_MAX = 200
TEXT_MAX = 5000


def text_problems(*, title: str | None = None, body: str, body_field: str = "body") -> list[tuple[str, str]]:
    """(field, message) for each problem with a title and a text that an officer must be able to read."""
    problems = []
    if title is not None:
        title = (title or "").strip()
        if not title:
            problems.append(("title", str(_("Give it a short title."))))
        elif len(title) > TITLE_MAX:
            problems.append(("title", str(_("The title is too long: at most 200 characters."))))
    body = (body or "").strip()
    if not body:
        problems.append((body_field, str(_("Write the text: it cannot be empty."))))
    elif len(body) > TEXT_MAX:
        problems.append((body_field, str(_("The text is too long: at most 5000 characters."))))
    return problems


# A follow-up code for an anonymous opinion: 16 characters of Crockford's base32 (80 random bits),
# shown once and stored only as its SHA-256. Guessing one is hopeless, so looking one up needs no limit.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_follow_up_code() -> str:
    """A fresh code, in groups of four for reading aloud and copying: "7K2M-…"."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str | None:
    """The code as stored before hashing (upper case, no separators, O/I/L read as 0/1), or None if malformed."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -\t").translate(_CONFUSABLE)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def code_hash(code: str) -> str:
    """SHA-256 of the normalised code (raises ValueError for a malformed one)."""
    normal = normalise_code(code)
    if normal is None:
        raise ValueError("malformed follow-up code")
    return hashlib.sha256(normal.encode()).hexdigest()


# --- Appeals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerDeadline:
    working_days: int
    source: str | Promise
    local: bool  # [L]: local practice, not a number from a regulation


# 党员权利保障条例 (2020) Art.37 obliges the organisation to handle an appeal, give a responsible
# answer and never withhold it, but (as read in a secondary source, [S]) names no number of days for
# an appeal like an evaluation grade. 《中国共产党纪律检查机关监督执纪工作规则》 Art.59 gives 3 months
# for reviewing an appeal against a *disciplinary* decision, which is not handled here. 20 working
# days (about a calendar month) is local practice [L]: set DANGJIAN_APPEAL_ANSWER_WORKING_DAYS.
DEFAULT_APPEAL_DEADLINE = AnswerDeadline(
    working_days=20,
    source=_(
        "Local practice: the Regulations on Protecting Party Members' Rights (2020) require a responsible "
        "written answer without delay but set no number of days for such appeals."
    ),
    local=True,
)
MAX_APPEAL_WORKING_DAYS = 250  # about a working year: anything longer is a configuration mistake


def appeal_deadline(working_days: int | None = None) -> AnswerDeadline:
    """The rule in force: the default, or the configured number of working days (1–250)."""
    if working_days is None or working_days == DEFAULT_APPEAL_DEADLINE.working_days:
        return DEFAULT_APPEAL_DEADLINE
    if not isinstance(working_days, int) or not 1 <= working_days <= MAX_APPEAL_WORKING_DAYS:
        raise ValueError("the appeal deadline must be 1 to 250 working days")
    return AnswerDeadline(working_days=working_days, source=_("Set by this organisation (local practice)."), local=True)


def appeal_due_on(submitted_on: datetime.date, calendar: WorkingCalendar, working_days: int) -> datetime.date:
    """The last day for the written answer: `working_days` working days after the day of submission."""
    return calendar.add_working_days(submitted_on, working_days)


def is_overdue(due_on: datetime.date, today: datetime.date) -> bool:
    """An open appeal is overdue from the day after its due date."""
    return today > due_on


def appeal_level(depth_of_deciding_org: int, earlier_answers: int) -> int:
    """The depth (0 = the root) of the organisation that receives an appeal.

    The organisation above the one that decided (党章 Art.4 (8): to higher organisations); an appeal
    made again after an answer goes one level further up each time, stopping at the root, and a
    decision of the root itself is appealed to the root.
    """
    if depth_of_deciding_org < 0 or earlier_answers < 0:
        raise ValueError("depth and count must not be negative")
    return max(depth_of_deciding_org - 1 - earlier_answers, 0)
