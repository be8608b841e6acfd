"""Forward test of the data migration that loads the statutory holidays (core 0003)."""

import datetime
import json

import pytest

from dangjian.core.calendar import WorkingCalendar

D = datetime.date
BEFORE = [("core", "0002_calendar_day")]
AFTER = [("core", "0003_statutory_holidays")]
DATA = json.loads(
    (__import__("pathlib").Path(__file__).resolve().parents[2] / "core" / "data" / "holidays.json").read_text("utf-8")
)


# No serialized_rollback: restoring the database as it was after migrating collides with content types
# that an earlier committing test's flush created again under new ids. Tests that commit run after all
# the others, and each flushes, so none of them can count on the migrated holidays anyway.
@pytest.mark.django_db(transaction=True)
def test_the_migration_loads_2026_and_keeps_days_entered_before(migrate):
    old_apps = migrate(BEFORE)
    CalendarDay = old_apps.get_model("core", "CalendarDay")
    assert not CalendarDay.objects.filter(date__year=2026).exists()
    # A committee entered National Day differently before the migration ran: it is kept.
    CalendarDay.objects.create(date=D(2026, 10, 1), kind="holiday", name="国庆")
    new_apps = migrate(AFTER)
    CalendarDay = new_apps.get_model("core", "CalendarDay")
    rows = {day.date: (day.kind, day.name) for day in CalendarDay.objects.filter(date__year=2026)}
    assert len(rows) == 33 + 6
    assert rows[D(2026, 10, 1)] == ("holiday", "国庆")
    assert rows[D(2026, 2, 17)] == ("holiday", "春节")
    assert rows[D(2026, 2, 14)] == ("workday", "春节调休上班")
    calendar = WorkingCalendar(
        holidays=frozenset(d for d, (kind, _) in rows.items() if kind == "holiday"),
        workdays=frozenset(d for d, (kind, _) in rows.items() if kind == "workday"),
    )
    assert not calendar.is_working_day(D(2026, 10, 5))  # a Monday of the National Day week
    assert calendar.is_working_day(D(2026, 10, 10))  # the Saturday worked in exchange
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_the_data_file_is_consistent():
    for year, data in DATA["years"].items():
        holidays = [D.fromisoformat(row["date"]) for row in data["holidays"]]
        workdays = [D.fromisoformat(row["date"]) for row in data["workdays"]]
        assert all(str(day.year) == year for day in holidays + workdays)
        assert all(day.weekday() >= 5 for day in workdays)  # 调休 days are weekend days
        assert not set(holidays) & set(workdays)
        assert len(set(holidays)) == len(holidays)
    # 2026: 元旦 3, 春节 9, 清明 3, 劳动节 5, 端午 3, 中秋 3, 国庆 7 days (国办 notice of 2025-11-04).
    assert len(DATA["years"]["2026"]["holidays"]) == 33


@pytest.mark.django_db
def test_the_test_database_ships_the_holidays_too():
    from dangjian.core.calendar import working_calendar

    calendar = working_calendar()
    assert not calendar.is_working_day(D(2026, 10, 1))
    assert calendar.is_working_day(D(2026, 9, 20))  # a Sunday worked in exchange
