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
