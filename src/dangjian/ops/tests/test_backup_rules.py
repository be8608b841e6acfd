import datetime
import zoneinfo

import pytest

from dangjian.ops import rules

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: str, time: str = "02:30") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}")


def test_retention_keeps_the_newest_of_the_last_days_and_months():
    stamps = [
        at("2026-10-15"),
        at("2026-10-31"),  # October's last
        at("2026-11-29"),
        at("2026-11-30"),  # November's last
        at("2026-12-01"),
        at("2026-12-02", "02:30"),
        at("2026-12-02", "14:00"),  # a second backup that day, by hand: the day's newest
        at("2026-12-03"),
    ]
    keep = rules.backups_to_keep(stamps, daily=2, monthly=2)
    assert keep == {at("2026-12-03"), at("2026-12-02", "14:00"), at("2026-11-30")}
    keep = rules.backups_to_keep(stamps, daily=3, monthly=3)
    assert keep == {at("2026-12-03"), at("2026-12-02", "14:00"), at("2026-12-01"), at("2026-11-30"), at("2026-10-31")}


@pytest.mark.parametrize(("daily", "monthly"), [(0, 0), (-1, 0)])
def test_retention_never_deletes_the_newest_backup(daily, monthly):
    stamps = [at("2026-12-01"), at("2026-12-02")]
    assert rules.backups_to_keep(stamps, daily=daily, monthly=monthly) == {at("2026-12-02")}
    assert rules.backups_to_keep([], daily=daily, monthly=monthly) == set()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (
            datetime.datetime(2026, 12, 1, 2, 29, tzinfo=SHANGHAI),
            datetime.datetime(2026, 12, 1, 2, 30, tzinfo=SHANGHAI),
        ),
        (
            datetime.datetime(2026, 12, 1, 2, 30, tzinfo=SHANGHAI),
            datetime.datetime(2026, 12, 2, 2, 30, tzinfo=SHANGHAI),
        ),
        (
            datetime.datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI),
            datetime.datetime(2027, 1, 1, 2, 30, tzinfo=SHANGHAI),
        ),
    ],
)
def test_the_next_nightly_backup_is_at_half_past_two_local_time(now, expected):
    assert rules.next_time_at(now, rules.BACKUP_AT) == expected
