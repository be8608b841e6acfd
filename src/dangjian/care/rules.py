"""Rules for member care: deadlines for needs, the state machine of a need, and talk coverage. Pure: no ORM.

Sources:
- 支部条例: 《中国共产党支部工作条例（试行）》, 2018, Art.19 (谈心谈话).
- The deadlines for needs are not in any regulation: 3 working days to accept and 15 to answer are
  this platform's defaults (local practice [L]), and an organisation may change them for its
  subtree (see `CareSettings`).
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dangjian.core.calendar import WorkingCalendar

# ---------------------------------------------------------------------------------------------
# Deadlines for needs (platform defaults, not a regulation: see the module docstring)

DEFAULT_ACCEPT_WORKING_DAYS = 3
DEFAULT_ANSWER_WORKING_DAYS = 15
# Bounds an organisation may choose within: a deadline of zero days, or over a term, makes no sense.
MIN_WORKING_DAYS = 1
MAX_WORKING_DAYS = 60


@dataclass(frozen=True)
class NeedDeadlines:
    accept_working_days: int = DEFAULT_ACCEPT_WORKING_DAYS
    answer_working_days: int = DEFAULT_ANSWER_WORKING_DAYS


def deadline(calendar: WorkingCalendar, start: datetime.date, working_days: int) -> datetime.date:
    """The day `working_days` working days after `start` (the start day itself does not count).

    A need filed on a Saturday is due three working days after the Saturday, i.e. on Wednesday.
    """
    return calendar.add_working_days(start, working_days)


def need_due_dates(
    calendar: WorkingCalendar, submitted_on: datetime.date, deadlines: NeedDeadlines
) -> tuple[datetime.date, datetime.date]:
    """(accept by, answer by) for a need submitted on `submitted_on`: both counted from submission,
    so that the member never waits longer than the answer deadline, however late it was accepted."""
    return (
        deadline(calendar, submitted_on, deadlines.accept_working_days),
        deadline(calendar, submitted_on, deadlines.answer_working_days),
    )


def reopened_answer_due(
    calendar: WorkingCalendar, reopened_on: datetime.date, deadlines: NeedDeadlines
) -> datetime.date:
    """A reopened need gets a fresh answer deadline, counted from the day it was reopened."""
    return deadline(calendar, reopened_on, deadlines.answer_working_days)


def validate_deadlines(accept: int | None, answer: int | None) -> dict[str, str]:
    """Field → message for settings out of bounds or in the wrong order (None inherits)."""
    errors: dict[str, str] = {}
    for name, value in (("accept_working_days", accept), ("answer_working_days", answer)):
        if value is not None and not MIN_WORKING_DAYS <= value <= MAX_WORKING_DAYS:
            errors[name] = str(
                _("Choose between %(low)s and %(high)s working days.")
                % {"low": MIN_WORKING_DAYS, "high": MAX_WORKING_DAYS}
            )
    if not errors and accept is not None and answer is not None and answer < accept:
        errors["answer_working_days"] = str(_("The time to answer cannot be shorter than the time to accept."))
    return errors


# ---------------------------------------------------------------------------------------------
# The state machine of a need

SUBMITTED, ACCEPTED, IN_PROGRESS, ANSWERED, CLOSED = "submitted", "accepted", "in_progress", "answered", "closed"

# action → (states it may start from, state it leads to); None keeps the state.
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({SUBMITTED}), ACCEPTED),
    "assign": (frozenset({SUBMITTED, ACCEPTED, IN_PROGRESS}), None),
    "note": (frozenset({ACCEPTED, IN_PROGRESS}), IN_PROGRESS),
    "answer": (frozenset({ACCEPTED, IN_PROGRESS}), ANSWERED),
    "confirm": (frozenset({ANSWERED}), CLOSED),
    "reopen": (frozenset({ANSWERED}), IN_PROGRESS),
    "hardship": (frozenset({ACCEPTED, IN_PROGRESS, ANSWERED}), None),
    "widen": (frozenset({SUBMITTED, ACCEPTED, IN_PROGRESS, ANSWERED}), None),
}

REFUSALS = {
    "accept": _("Only a newly submitted need can be accepted."),
    "assign": _("A need can be delegated only while it is open."),
    "note": _("Accept the need before adding progress notes; an answered or closed need takes no more notes."),
    "answer": _("Only an accepted need that is not yet answered can be answered."),
    "confirm": _("Only an answered need can be confirmed."),
    "reopen": _("Only an answered need can be reopened."),
    "hardship": _("Accept the need before marking it as a hardship."),
    "widen": _("A closed need can no longer be shown to the committee."),
}


class TransitionRefused(ValueError):
    """The action is not allowed from the need's state; `message` says why, in the user's language."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def next_state(state: str, action: str) -> str:
    """The state after `action`, or TransitionRefused with a message the member or officer understands."""
    sources, target = TRANSITIONS[action]
    if state not in sources:
        raise TransitionRefused(str(REFUSALS[action]))
    return target or state


MIN_RATING, MAX_RATING = 1, 5


def rating_is_valid(rating: object) -> bool:
    return isinstance(rating, int) and not isinstance(rating, bool) and MIN_RATING <= rating <= MAX_RATING


def median(values: list[int]) -> float | None:
    """The median of `values` (None for none): response times are skewed, so not the mean."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


# ---------------------------------------------------------------------------------------------
# Talks

# 支部条例 Art.19 (domain.md §1): 支委 and 党员 talk with each other, each pair normally at least
# once a year. The platform counts a calendar year.
TALKS_PER_PAIR_PER_YEAR = 1
# How many days an officer has for a required talk opened by an event. Local practice, not a
# regulation: 支部条例 Art.19 asks for a "prompt" talk when a member faces hardship.
REQUIRED_TALK_DAYS = 30
# How far back `talk_todos_sync` looks for new and transferred-in members.
NEW_ARRIVAL_DAYS = 30


def coverage_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def missing_pairs(officer_ids: list[int], member_ids: list[int], talked: set[tuple[int, int]]) -> dict[int, list[int]]:
    """For each officer, the members (other than themself) they have not talked with.

    `talked` holds (officer, member) pairs; a talk counts for the pair either way round, since the
    rule is about the two people having talked.
    """
    return {
        officer: [
            member
            for member in member_ids
            if member != officer and (officer, member) not in talked and (member, officer) not in talked
        ]
        for officer in officer_ids
    }
