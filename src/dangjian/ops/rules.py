"""When the background worker counts as healthy: plain thresholds, used by the status page and the check."""

import datetime
from enum import StrEnum

HEARTBEAT_EVERY = datetime.timedelta(seconds=10)  # an idle worker writes its heartbeat this often
# A worker is presumed gone when its heartbeat is older than this: several missed beats while idle,
# or a long task (a long PDF read into pages, the nightly jobs) that overran any reasonable length.
STALE_AFTER = datetime.timedelta(minutes=2)
STALE_AFTER_BUSY = datetime.timedelta(hours=1)
FAILED_WINDOW = datetime.timedelta(hours=24)  # failed tasks this recent are reported by `dangjian check`
WAITING_TOO_LONG = datetime.timedelta(minutes=10)  # a due task waiting this long means no worker takes it
KEEP_GONE_WORKERS = datetime.timedelta(days=7)  # heartbeats of workers gone longer than this are pruned


class WorkerState(StrEnum):
    IDLE = "idle"  # alive, waiting for work
    BUSY = "busy"  # alive, running a task
    STOPPED = "stopped"  # stopped cleanly
    SILENT = "silent"  # no heartbeat for too long: crashed, killed or hung


def worker_state(
    *, beat_at: datetime.datetime, stopped_at: datetime.datetime | None, busy: bool, now: datetime.datetime
) -> WorkerState:
    """The state of a worker from its last heartbeat."""
    if stopped_at is not None:
        return WorkerState.STOPPED
    if now - beat_at > (STALE_AFTER_BUSY if busy else STALE_AFTER):
        return WorkerState.SILENT
    return WorkerState.BUSY if busy else WorkerState.IDLE


def retry_delay(failures: int, *, interval: float, ceiling: float = 30.0) -> float:
    """Seconds a worker waits after `failures` database errors in a row before polling again."""
    return min(ceiling, max(interval, 0.5) * 2 ** min(max(0, failures - 1), 10))


# Backups ------------------------------------------------------------------------------------------

BACKUP_AT = datetime.time(2, 30)  # local time: after the daily jobs (01:30), before anyone starts work
# `dangjian check` warns when nightly backups are on and none succeeded for this long.
BACKUP_STALE_AFTER = datetime.timedelta(hours=50)


def next_time_at(now: datetime.datetime, at: datetime.time) -> datetime.datetime:
    """The next `at` strictly after `now`, on `now`'s clock (`now` is local and aware).

    Written as a wall-clock time and localised again, so a change of UTC offset in between keeps `at`.
    """
    candidate = datetime.datetime.combine(now.date(), at, tzinfo=now.tzinfo)
    if candidate <= now:
        candidate = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), at, tzinfo=now.tzinfo)
    return candidate


def backups_to_keep(stamps: list[datetime.datetime], *, daily: int, monthly: int) -> set[datetime.datetime]:
    """Which backups a retention of `daily` days and `monthly` months keeps (grandfather–father–son).

    Kept: the newest backup of each of the `daily` most recent days that have one, and the newest
    of each of the `monthly` most recent months that have one (a month's last state). The newest
    backup of all is always kept, whatever the numbers. Stamps are local times.
    """
    newest_by_day: dict[datetime.date, datetime.datetime] = {}
    newest_by_month: dict[tuple[int, int], datetime.datetime] = {}
    for stamp in stamps:
        day = stamp.date()
        if day not in newest_by_day or stamp > newest_by_day[day]:
            newest_by_day[day] = stamp
        month = (stamp.year, stamp.month)
        if month not in newest_by_month or stamp > newest_by_month[month]:
            newest_by_month[month] = stamp
    keep = {newest_by_day[day] for day in sorted(newest_by_day, reverse=True)[: max(daily, 0)]}
    keep |= {newest_by_month[month] for month in sorted(newest_by_month, reverse=True)[: max(monthly, 0)]}
    if stamps:
        keep.add(max(stamps))
    return keep


# The nightly jobs seal yesterday's audit events each night; more finished days than this waiting for
# their seal means the nightly jobs have not run (`dangjian check` warns, ops.W009).
AUDIT_UNSEALED_DAYS = 2
