"""Self-study (自学) rules: what an entry may say, who a reading list is for, and when two
reflections are nearly the same. Pure: no ORM.

教育管理条例 Art.7 lists 个人自学 among the methods of member education; the limits below are
local practice [L] and kept as named constants.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MINUTES_PER_DAY = 24 * 60
TITLE_MAX_LENGTH = 200
REFLECTION_MAX_LENGTH = 10_000
# A reading list with a due date waits in the member's to-do inbox while required items are left,
# until this many days after it was due: by then its time has passed, and the member's page still
# shows what is left (a house rule, not a regulation: the inbox is for what can still be done on time).
READING_TODO_DAYS_AFTER_DUE = 30


def entry_problems(
    *,
    studied_on: datetime.date | None,
    minutes: int | None,
    title: str,
    other_minutes_that_day: int,
    today: datetime.date,
    reflection: str = "",
) -> list[tuple[str, str]]:
    """(field, message) for each way a self-study entry breaks the rules; empty when it is valid.

    `other_minutes_that_day` is what the member has already logged for that day (without this entry).
    """
    problems: list[tuple[str, str]] = []
    if studied_on is None:
        problems.append(("studied_on", str(_("Enter the date of study."))))
    elif studied_on > today:
        problems.append(("studied_on", str(_("The date of study cannot be in the future."))))
    elif not in_open_year(studied_on, today):
        problems.append(("studied_on", str(_("Only study in the current year can be logged or changed."))))
    if minutes is None or minutes <= 0:
        problems.append(("minutes", str(_("Enter the minutes studied: more than zero."))))
    elif minutes + max(other_minutes_that_day, 0) > MINUTES_PER_DAY:
        problems.append(
            (
                "minutes",
                str(
                    _("A day has 24 hours: with %(other)d minutes already logged that day, at most %(left)d more.")
                    % {"other": other_minutes_that_day, "left": max(MINUTES_PER_DAY - other_minutes_that_day, 0)}
                ),
            )
        )
    if not title.strip():
        problems.append(("title", str(_("Say what you studied, or choose an item of a reading list."))))
    elif len(title.strip()) > TITLE_MAX_LENGTH:
        problems.append(("title", str(_("The title is too long."))))
    if len(reflection) > REFLECTION_MAX_LENGTH:
        problems.append(("reflection", str(_("The reflection is too long."))))
    return problems


def in_open_year(day: datetime.date, today: datetime.date) -> bool:
    """Entries can be logged, changed or removed only within the calendar year they fall in.

    Once a year is over its ledger is final; the ledger counts hours per calendar year (domain.md §2).
    """
    return day.year == today.year


# --- Near-duplicate reflections ---------------------------------------------------------------


@dataclass(frozen=True)
class SimilarityRule:
    """Two reflections are near duplicates when their character n-gram sets overlap this much.

    Character n-grams suit Chinese, which has no spaces; 3-grams ignore the common two-character
    words every reflection shares (学习, 党员). Short texts are not compared: a few sentences of
    the same theme look alike without being copied. Local choice [L].
    """

    n: int = 3
    threshold: float = 0.7  # Jaccard similarity of the n-gram sets, 0–1
    min_length: int = 50  # characters after normalising


DEFAULT_SIMILARITY = SimilarityRule()

_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Letters and digits only, lower case: copying survives changed punctuation and spacing."""
    return _NOT_TEXT.sub("", text).lower()


def shingles(text: str, n: int = DEFAULT_SIMILARITY.n) -> frozenset[str]:
    """The set of character n-grams of the normalised text."""
    clean = normalise(text)
    if len(clean) < n:
        return frozenset({clean}) if clean else frozenset()
    return frozenset(clean[i : i + n] for i in range(len(clean) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a: str, b: str, rule: SimilarityRule = DEFAULT_SIMILARITY) -> float:
    return jaccard(shingles(a, rule.n), shingles(b, rule.n))


def comparable(text: str, rule: SimilarityRule = DEFAULT_SIMILARITY) -> bool:
    return len(normalise(text)) >= rule.min_length


def most_similar(
    text: str, candidates: list[tuple[int, str]], rule: SimilarityRule = DEFAULT_SIMILARITY
) -> tuple[int, float] | None:
    """(id, score) of the candidate most like `text` at or above the threshold, or None.

    Ties go to the earliest id, the likely original.
    """
    if not comparable(text, rule):
        return None
    mine = shingles(text, rule.n)
    best: tuple[int, float] | None = None
    for candidate_id, other in sorted(candidates):
        if not comparable(other, rule):
            continue
        score = jaccard(mine, shingles(other, rule.n))
        if score >= rule.threshold and (best is None or score > best[1]):
            best = (candidate_id, score)
    return best
