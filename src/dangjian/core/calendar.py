"""The working-day calendar: weekends off, except make-up working days (调休); public holidays off.

`WorkingCalendar` is pure (tested with hypothesis); `working_calendar()` loads it from the
`CalendarDay` table, where the statutory days live as editable data.
"""

import datetime
from dataclasses import dataclass, field

from dangjian.core.models import CalendarDay, DayKind


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)
    workdays: frozenset[datetime.date] = field(default_factory=frozenset)  # working weekend days

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The day `days` working days after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        while days:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """`day` itself when it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day


def working_calendar() -> WorkingCalendar:
    rows = list(CalendarDay.objects.values_list("date", "kind"))
    return WorkingCalendar(
        holidays=frozenset(d for d, kind in rows if kind == DayKind.HOLIDAY),
        workdays=frozenset(d for d, kind in rows if kind == DayKind.WORKDAY),
    )
