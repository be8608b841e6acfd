"""Reads of the background worker's health: heartbeats, the queue and failed tasks."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangjian.accounts.models import User
from dangjian.accounts.permissions import scope_for
from dangjian.core.errors import NotFound
from dangjian.ops import rules
from dangjian.ops.models import BackupRun, WorkerHeartbeat


@dataclass(frozen=True)
class WorkerRow:
    worker_id: str
    host: str
    pid: int | None
    started_at: datetime.datetime
    beat_at: datetime.datetime
    state: rules.WorkerState
    current_task: str
    task_started_at: datetime.datetime | None
    tasks_run: int
    tasks_failed: int
    last_error: str
    last_error_at: datetime.datetime | None


@dataclass(frozen=True)
class FailedTask:
    id: str
    task_path: str
    finished_at: datetime.datetime | None
    exception: str  # the exception's class
    reason: str  # the traceback's last line: the exception and its message
    traceback: str


@dataclass(frozen=True)
class WorkerHealth:
    workers: list[WorkerRow]  # most recent heartbeat first
    waiting: int  # tasks due now, not yet taken
    scheduled: int  # tasks to run later (the next nightly run)
    running: int
    oldest_waiting_since: datetime.datetime | None
    failed: list[FailedTask]  # within rules.FAILED_WINDOW, newest first
    failed_count: int

    @property
    def alive(self) -> bool:
        return any(row.state in (rules.WorkerState.IDLE, rules.WorkerState.BUSY) for row in self.workers)

    @property
    def silent(self) -> list[WorkerRow]:
        return [row for row in self.workers if row.state == rules.WorkerState.SILENT]


def _reason(traceback: str) -> str:
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def worker_health(*, now: datetime.datetime | None = None, workers: int = 10, failed: int = 20) -> WorkerHealth:
    """The workers' heartbeats, the queue's length and the recently failed tasks, for admins and the check."""
    now = now or timezone.now()
    rows = [
        WorkerRow(
            worker_id=beat.worker_id,
            host=beat.host,
            pid=beat.pid,
            started_at=beat.started_at,
            beat_at=beat.beat_at,
            state=rules.worker_state(
                beat_at=beat.beat_at, stopped_at=beat.stopped_at, busy=bool(beat.current_task), now=now
            ),
            current_task=beat.current_task,
            task_started_at=beat.task_started_at,
            tasks_run=beat.tasks_run,
            tasks_failed=beat.tasks_failed,
            last_error=beat.last_error,
            last_error_at=beat.last_error_at,
        )
        for beat in WorkerHeartbeat.objects.order_by("-beat_at")[:workers]
    ]
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    due = ready.ready()
    recent_failures = DBTaskResult.objects.failed().filter(finished_at__gte=now - rules.FAILED_WINDOW)
    return WorkerHealth(
        workers=rows,
        waiting=due.count(),
        scheduled=ready.count() - due.count(),
        running=DBTaskResult.objects.running().count(),
        oldest_waiting_since=due.aggregate(since=Min("enqueued_at"))["since"],
        failed=[
            FailedTask(
                id=str(result.id),
                task_path=result.task_path,
                finished_at=result.finished_at,
                exception=result.exception_class_path,
                reason=_reason(result.traceback),
                traceback=result.traceback,
            )
            for result in recent_failures.order_by("-finished_at")[:failed]
        ],
        failed_count=recent_failures.count(),
    )


def access_worker_health(actor: User) -> WorkerHealth:
    """The worker's health for a system administrator; 404 for anyone else."""
    if not scope_for(actor).is_admin:
        raise NotFound()
    return worker_health()


def access_backup_status(actor: User) -> "BackupStatus":
    """The backups' status for a system administrator; 404 for anyone else."""
    if not scope_for(actor).is_admin:
        raise NotFound()
    return backup_status()


@dataclass(frozen=True)
class BackupStatus:
    nightly: bool  # DANGJIAN_BACKUP_NIGHTLY
    last_good: BackupRun | None
    last_failed: BackupRun | None  # only when newer than the last good one

    @property
    def stale(self) -> bool:
        """Nightly backups are on, and none succeeded recently while one has been tried."""
        if not self.nightly:
            return False
        if self.last_failed is not None:
            return True
        return self.last_good is not None and timezone.now() - self.last_good.finished_at > rules.BACKUP_STALE_AFTER


def backup_status() -> BackupStatus:
    """The last good backup and a failure since, for the status page and the check."""
    last_good = BackupRun.objects.filter(ok=True).order_by("-started_at").first()
    failed = BackupRun.objects.filter(ok=False).order_by("-started_at")
    if last_good is not None:
        failed = failed.filter(started_at__gt=last_good.started_at)
    return BackupStatus(nightly=settings.DANGJIAN_BACKUP_NIGHTLY, last_good=last_good, last_failed=failed.first())
