"""Attendance at collective study: the check-in window, lateness, the rotating check-in token,
leave, make-up deadlines and study-hour credit. Pure rules: no ORM.

The regulations set the duty to attend (支部条例 Art.16: the branch organises members to attend
the 三会 and 党课 on time) and leave the mechanics to each unit, so every number here is unit
practice [L] (domain.md §1–2) and a parameter with a default a committee may change.
"""

import datetime
from dataclasses import dataclass

from dangjian.core.calendar import WorkingCalendar

# --- Check-in window ------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInRule:
    """When check-in opens and closes, and when arriving counts as late. Unit practice [L]."""

    opens_before: datetime.timedelta = datetime.timedelta(minutes=30)  # members arrive early
    late_grace: datetime.timedelta = datetime.timedelta(minutes=10)  # "按时参加" tolerates a few minutes
    source: str = "单位惯例：活动开始前30分钟开放签到，活动结束时关闭；开始10分钟后签到记为迟到"


DEFAULT_CHECK_IN_RULE = CheckInRule()


@dataclass(frozen=True)
class CheckInWindow:
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    late_after: datetime.datetime


def check_in_window(
    starts_at: datetime.datetime, ends_at: datetime.datetime, rule: CheckInRule = DEFAULT_CHECK_IN_RULE
) -> CheckInWindow:
    """The default window of an activity: opens before the start, closes at the end, late after the grace."""
    if ends_at <= starts_at:
        raise ValueError("an activity ends after it starts")
    late_after = min(starts_at + rule.late_grace, ends_at)
    return CheckInWindow(opens_at=starts_at - rule.opens_before, closes_at=ends_at, late_after=late_after)


class CheckInTiming:
    """Where a moment falls relative to the window."""

    TOO_EARLY = "too_early"
    ON_TIME = "on_time"
    LATE = "late"
    CLOSED = "closed"


def check_in_timing(at: datetime.datetime, window: CheckInWindow) -> str:
    """Too early before `opens_at`; on time up to and including `late_after`; late up to and
    including `closes_at`; closed afterwards."""
    if at < window.opens_at:
        return CheckInTiming.TOO_EARLY
    if at > window.closes_at:
        return CheckInTiming.CLOSED
    if at > window.late_after:
        return CheckInTiming.LATE
    return CheckInTiming.ON_TIME


# --- Rotating check-in token ------------------------------------------------------------------

# The QR code on the screen changes every period. A token is accepted during its own period and
# the one before, so a member who scans just before the code changes is not refused: a token
# therefore lives between one and two periods (30–60 s).
TOKEN_PERIOD_SECONDS = 30
TOKEN_PERIODS_ACCEPTED = 2
# A member who scans a fresh code but must log in first keeps the right to check in for this
# long after the scan (the proof of the scan lives in their own session, see study/tokens.py).
SCAN_GRACE = datetime.timedelta(minutes=5)


def token_period(at: datetime.datetime, seconds: int = TOKEN_PERIOD_SECONDS) -> int:
    """The number of the token period `at` falls in (periods are counted from the Unix epoch)."""
    return int(at.timestamp()) // seconds


def token_period_is_fresh(period: int, now_period: int, accepted: int = TOKEN_PERIODS_ACCEPTED) -> bool:
    """A token of `period` is valid in its own period and the `accepted - 1` periods after it;
    a token from the future is not valid."""
    return 0 <= now_period - period < accepted


def scan_is_recent(
    scanned_at: datetime.datetime, now: datetime.datetime, grace: datetime.timedelta = SCAN_GRACE
) -> bool:
    """Whether a scan proved in the member's session still lets them check in after logging in."""
    return scanned_at <= now <= scanned_at + grace


# --- Leave (请假) -----------------------------------------------------------------------------


def leave_allowed(at: datetime.datetime, starts_at: datetime.datetime) -> bool:
    """Leave is asked before the activity starts (请假 is 事先请假; afterwards it is an absence)."""
    return at < starts_at


# --- Make-up (补学) ----------------------------------------------------------------------------

# Make-up study is due a number of working days after the activity [L]: units commonly ask for
# 补学 "within two weeks"; ten working days is two working weeks across any holiday.
MAKE_UP_WORKING_DAYS = 10


def make_up_due_on(
    activity_day: datetime.date, calendar: WorkingCalendar, working_days: int = MAKE_UP_WORKING_DAYS
) -> datetime.date:
    """The day make-up study for an activity held on `activity_day` is due (the day itself not counted)."""
    return calendar.add_working_days(activity_day, working_days)


# Make-up study still to be handed in: assigned, or returned for revision.
MAKE_UP_OPEN_STATUSES = frozenset({"assigned", "returned"})


def make_up_overdue(status: str, due_on: datetime.date, today: datetime.date) -> bool:
    """Make-up study not handed in by the end of its due day is overdue. It may still be handed in
    (the 学时 are credited once it is accepted); the member and the officers see that it is late."""
    return status in MAKE_UP_OPEN_STATUSES and today > due_on


# --- Credit ----------------------------------------------------------------------------------


def duration_minutes(starts_at: datetime.datetime, ends_at: datetime.datetime) -> int:
    """Whole minutes between start and end (never negative)."""
    return max(0, int((ends_at - starts_at).total_seconds() // 60))


def credit_minutes(starts_at: datetime.datetime, ends_at: datetime.datetime, override: int | None = None) -> int:
    """Minutes of study credited for attending: the activity's length, or an officer's figure
    capped to it (a 学时 is never more than the time spent, and never negative). 学时 follow from
    minutes by `library.rules.hours.hours_from_minutes`."""
    length = duration_minutes(starts_at, ends_at)
    if override is None:
        return length
    return max(0, min(int(override), length))


def credit_override_problem(override: int, starts_at: datetime.datetime, ends_at: datetime.datetime) -> str | None:
    """Why an officer's credit figure cannot stand ("negative", "too_long"), or None."""
    if override < 0:
        return "negative"
    if override > duration_minutes(starts_at, ends_at):
        return "too_long"
    return None


# Attending, arriving late and completing make-up study all count as having studied; leave and
# absence do not until the make-up is accepted (教育管理条例 Art.20 counts 学时 actually studied).
CREDITED_STATUSES = frozenset({"present", "late", "made_up"})
# Statuses from which a member may still check in: expected, or marked away but there after all.
CHECK_IN_OPEN_STATUSES = frozenset({"expected", "leave", "absent"})
# Statuses that lead to make-up study when the activity is closed.
MAKE_UP_STATUSES = frozenset({"leave", "absent"})


def earns_credit(status: str) -> bool:
    return status in CREDITED_STATUSES
