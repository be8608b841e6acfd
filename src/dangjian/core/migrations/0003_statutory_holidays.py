"""Load China's statutory holidays and make-up working days (调休) into the working-day calendar.

The days come from core/data/holidays.json, copied from the 国务院办公厅 notice of each year.
Only 2026 is loaded: the notice for 2027 was not available when this migration was written, so
2027 must be checked against that notice and entered by the committee on the calendar page (or
added to the data file and loaded by a later migration). Days already in the table are left as
they are, so nothing a committee entered is overwritten.
"""

import datetime
import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "holidays.json"
YEARS = ("2026",)


def _days(year: str):
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))["years"][year]
    for kind, key in (("holiday", "holidays"), ("workday", "workdays")):
        for row in data[key]:
            yield datetime.date.fromisoformat(row["date"]), kind, row["name"]


def load(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind=kind, name=name)
        for year in YEARS
        for day, kind, name in _days(year)
        if day not in existing
    )


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for year in YEARS:
        for day, kind, name in _days(year):
            CalendarDay.objects.filter(date=day, kind=kind, name=name).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_calendar_day"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
