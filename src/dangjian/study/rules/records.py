"""Rules of meeting records: which meetings take a vote record, the 应到 and 实到 a vote starts from,
and when a 整改 item is overdue. Pure, no ORM. The vote itself is tallied by the platform's one vote
rule, `dangjian.core.rules.votes` (支部条例 Art.11)."""

import datetime

from dangjian.core.rules import votes

# 支部条例 Art.11: the general meeting (支部党员大会) votes on admissions, confirmations, elections,
# recognition and sanctions; the other meetings record decisions but hold no member vote.
VOTING_FORMS = frozenset({"general_meeting"})
# 支部条例 Art.18, 教育管理条例 Art.17: the organisational life meeting's three stages.
LIFE_MEETING_FORM = "life_meeting"


def takes_votes(form: str) -> bool:
    """Whether a meeting of this form records votes (a 支部党员大会)."""
    return form in VOTING_FORMS


def has_life_stages(form: str) -> bool:
    """Whether a meeting of this form has the three stages of an organisational life meeting."""
    return form == LIFE_MEETING_FORM


def voting_counts(full_members: int, full_members_attended: int) -> tuple[int, int]:
    """The 应到 and 实到 a vote starts from: the full members on the roster (预备党员 have no vote, 党章 Art.7)
    and those of them who checked in. Excluding someone from 应到 (illness, abroad ≥ half a year …) needs
    the 上级's consent (中组部 explanation), so it is an edit with a reason, never a default."""
    return full_members, min(full_members_attended, full_members)


def adjustment_needs_reason(entitled: int, present: int, entitled_default: int, present_default: int) -> bool:
    """A 应到 or 实到 other than the roster's and the attendance's must say why."""
    return (entitled, present) != (entitled_default, present_default)


def tally(
    *,
    matter: str,
    entitled: int,
    present: int,
    yes: int,
    no: int,
    abstain: int,
    written_yes: int = 0,
    written_no: int = 0,
    written_abstain: int = 0,
) -> votes.VoteResult:
    """The outcome of one recorded vote, by the one vote rule (Art.11, the 应到 denominator)."""
    return votes.tally(entitled, present, yes, no, abstain, written_yes, written_no, written_abstain, matter)


def rectification_overdue(status: str, due_on: datetime.date, today: datetime.date) -> bool:
    """An open 整改 item is overdue once its due day has passed (the due day itself is still in time)."""
    return status == "open" and today > due_on
