"""When regular activities fall: the branch's fixed day each month (主题党日 固定日), moved off
holidays, and the organisation-level study settings with their defaults. Pure rules: no ORM.

支部工作条例（试行） Art.17 and 党员教育管理工作条例 Art.16: a branch holds its theme Party day on
a fixed day every month. Which day is the branch's own choice [L]: "每月第一个星期五" or "每月
10日" are both common, so both shapes are supported.
"""

import calendar
import datetime
from dataclasses import dataclass

from dangjian.core.calendar import WorkingCalendar
from dangjian.study.rules.attendance import DEFAULT_CHECK_IN_RULE, MAKE_UP_WORKING_DAYS
from dangjian.study.rules.plans import month_end, month_start

LAST = -1  # "the last <weekday> of the month"
WEEK_CHOICES = (1, 2, 3, 4, LAST)
LATEST_DAY_OF_MONTH = 28  # every month has it


@dataclass(frozen=True)
class FixedDay:
    """A fixed day of each month: the `week`-th `weekday` (0 = Monday; `week` −1 = the last one),
    or else day `day_of_month`."""

    week: int | None = None
    weekday: int | None = None
    day_of_month: int | None = None

    def __post_init__(self) -> None:
        by_weekday = self.week is not None or self.weekday is not None
        if by_weekday and self.day_of_month is not None:
            raise ValueError("a fixed day is either a weekday of a week or a day of the month")
        if by_weekday and (self.week not in WEEK_CHOICES or self.weekday not in range(7)):
            raise ValueError("week must be 1–4 or -1 and weekday 0–6")
        if self.day_of_month is not None and not 1 <= self.day_of_month <= LATEST_DAY_OF_MONTH:
            raise ValueError(f"day of month must be 1–{LATEST_DAY_OF_MONTH}")

    @property
    def is_set(self) -> bool:
        return self.weekday is not None or self.day_of_month is not None


def nominal_day(month: datetime.date, fixed: FixedDay) -> datetime.date:
    """The fixed day in the month holding `month`, before any holiday is taken into account."""
    first = month_start(month)
    if fixed.day_of_month is not None:
        return first.replace(day=fixed.day_of_month)
    if fixed.weekday is None or fixed.week is None:
        raise ValueError("the fixed day is not set")
    days = calendar.monthrange(first.year, first.month)[1]
    matching = [first.replace(day=d) for d in range(1, days + 1) if first.replace(day=d).weekday() == fixed.weekday]
    return matching[LAST] if fixed.week == LAST else matching[fixed.week - 1]


def regular_day(month: datetime.date, fixed: FixedDay, working: WorkingCalendar) -> datetime.date | None:
    """The day a regular activity is held in this month: the fixed day if it is a working day,
    else the next working day of the same month, else the last working day before it; None when
    the month has no working day at all."""
    nominal = nominal_day(month, fixed)
    last = month_end(nominal)
    day = nominal
    while day <= last:
        if working.is_working_day(day):
            return day
        day += datetime.timedelta(days=1)
    day = nominal - datetime.timedelta(days=1)
    while day >= month_start(nominal):
        if working.is_working_day(day):
            return day
        day -= datetime.timedelta(days=1)
    return None


def regular_days(
    starts_on: datetime.date, ends_on: datetime.date, fixed: FixedDay, working: WorkingCalendar
) -> list[datetime.date]:
    """One day per month between the two dates (inclusive), each on the fixed day moved off holidays."""
    days = []
    month = month_start(starts_on)
    while month <= ends_on:
        day = regular_day(month, fixed, working)
        if day is not None and starts_on <= day <= ends_on:
            days.append(day)
        month = month_end(month) + datetime.timedelta(days=1)
    return days


# --- Organisation study settings ----------------------------------------------------------------


@dataclass(frozen=True)
class StudyDefaults:
    """What applies when neither an organisation nor any above it chose otherwise. Unit practice [L]."""

    start_time: datetime.time = datetime.time(14, 30)  # an afternoon free of classes
    length_minutes: int = 90
    late_grace_minutes: int = int(DEFAULT_CHECK_IN_RULE.late_grace.total_seconds() // 60)
    make_up_working_days: int = MAKE_UP_WORKING_DAYS


DEFAULTS = StudyDefaults()
