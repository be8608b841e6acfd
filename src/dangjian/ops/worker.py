"""The background worker: django-tasks-db's worker loop, made to survive errors and to report a heartbeat.

django-tasks-db's `db_worker` stops at the first database error it does not expect while looking for
work (e.g. SQLite's "database is locked" raised when its exclusive transaction begins, a dropped
PostgreSQL connection), and when it cannot record a task's result. Nothing restarts it, so uploads
stay "pending" and the nightly jobs stop, silently. `ResilientWorker` runs the same loop (the
library's queries, claiming and `run_task`), but:

- a database error while polling is logged, written to the heartbeat, the connections are dropped
  and the worker tries again after a delay that doubles up to 30 s;
- a task that raises is marked failed with its exception and traceback by the library; if even that
  cannot be written, the error is logged and the worker goes on;
- it writes a heartbeat row (`WorkerHeartbeat`) every few seconds and around each task, which the
  status page and `dangjian check` read;
- when it starts, it marks failed the tasks that a dead worker of the same host left "running".

`dangjian serve` additionally restarts the worker process if it exits anyway.
"""

import contextlib
import logging
import os
import random
import socket
import time
import traceback

from django.db import DatabaseError, InterfaceError, close_old_connections, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from dangjian.ops import rules
from dangjian.ops.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

DB_ERRORS = (DatabaseError, InterfaceError)


class WorkerLost(Exception):
    """Recorded on a task whose worker process ended while running it (killed, or the machine restarted)."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def reap_lost_tasks(*, worker_id: str, host: str) -> int:
    """Mark failed the tasks left running by dead workers of this host; how many.

    A worker killed in the middle of a task (by the supervisor's kill, the out-of-memory killer, a
    reboot) leaves its task "running" forever, and an upload waiting on it pending. A worker of
    this host whose process no longer exists will never finish it.
    """
    dead = {
        beat.worker_id
        for beat in WorkerHeartbeat.objects.filter(host=host, stopped_at__isnull=True).exclude(worker_id=worker_id)
        if beat.pid and not _pid_alive(beat.pid)
    }
    if not dead:
        return 0
    lost = [result for result in DBTaskResult.objects.running() if result.worker_ids and result.worker_ids[-1] in dead]
    for result in lost:
        result.set_failed(WorkerLost(f"the worker process ({result.worker_ids[-1]}) ended while running this task"))
    WorkerHeartbeat.objects.filter(worker_id__in=dead).update(stopped_at=timezone.now(), current_task="")
    return len(lost)


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(exc)).strip()[:2000]


class Heartbeat:
    """The worker's row in `WorkerHeartbeat`. Every write is best effort: a failed beat never stops work."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.last_beat = 0.0
        self.tasks_run = 0
        self.tasks_failed = 0

    def _write(self, **fields) -> None:
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(beat_at=timezone.now(), **fields)
            self.last_beat = time.monotonic()
        except DB_ERRORS:
            logger.warning("could not write the heartbeat of worker %s", self.worker_id, exc_info=True)

    def start(self) -> None:
        now = timezone.now()
        host = socket.gethostname()[:255]
        try:
            WorkerHeartbeat.objects.filter(beat_at__lt=now - rules.KEEP_GONE_WORKERS).delete()
            if lost := reap_lost_tasks(worker_id=self.worker_id, host=host):
                logger.warning("marked %d task(s) of a dead worker as failed", lost)
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={"host": host, "pid": os.getpid(), "started_at": now, "beat_at": now},
            )
            self.last_beat = time.monotonic()
        except DB_ERRORS:
            logger.warning("could not register worker %s", self.worker_id, exc_info=True)

    def beat_if_due(self) -> None:
        if time.monotonic() - self.last_beat >= rules.HEARTBEAT_EVERY.total_seconds():
            self._write()

    def task_started(self, task_path: str) -> None:
        self._write(current_task=task_path[:255], task_started_at=timezone.now())

    def task_finished(self, *, failed: bool) -> None:
        self.tasks_run += 1
        self.tasks_failed += failed
        self._write(current_task="", task_started_at=None, tasks_run=self.tasks_run, tasks_failed=self.tasks_failed)

    def error(self, exc: BaseException) -> None:
        self._write(last_error=_describe(exc), last_error_at=timezone.now())

    def stop(self) -> None:
        self._write(stopped_at=timezone.now(), current_task="", task_started_at=None)


class ResilientWorker(Worker):
    """django-tasks-db's `Worker`, with its loop guarded against database errors and a heartbeat."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.heartbeat = Heartbeat(self.worker_id)
        self.failures = 0  # database errors in a row

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spreads workers started together, as db_worker does
        self.heartbeat.start()
        try:
            self._loop()
        finally:
            self.heartbeat.stop()

    def _loop(self) -> None:
        while self.running:
            try:
                self.heartbeat.beat_if_due()
                found, task_result = self.claim_next()
            except DB_ERRORS as exc:
                self.after_database_error(exc)
                continue
            self.failures = 0
            if task_result is not None:
                self.run_task(task_result)
            if self.batch and found and task_result is None:
                logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Run maximum tasks (%d) on worker=%s - exiting.", self._run_tasks, self.worker_id)
                return
            if self.running and task_result is None:
                time.sleep(self.interval)

    def claim_next(self) -> tuple[bool, DBTaskResult | None]:
        """The next due task, claimed for this worker (as the library's loop does); (looked, task)."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
        except DatabaseError as exc:
            if is_locked_database_exception(exc):
                return False, None  # another process writes: look again after the interval
            raise
        return True, task_result

    def after_database_error(self, exc: BaseException) -> None:
        self.failures += 1
        delay = rules.retry_delay(self.failures, interval=self.interval)
        logger.error("database error while looking for tasks (retrying in %.1f s)", delay, exc_info=exc)
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(*DB_ERRORS):  # a broken connection is replaced on next use anyway
                connection.close()
        self.heartbeat.error(exc)
        if self.running:
            time.sleep(delay)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.heartbeat.task_started(db_task_result.task_path)
        failed = True
        try:
            super().run_task(db_task_result)  # records success, or failure with the exception and traceback
            failed = db_task_result.status != TaskResultStatus.SUCCESSFUL
        except Exception as exc:  # the result itself could not be written (the database went away)
            logger.exception("could not record the result of task id=%s", db_task_result.id)
            self.heartbeat.error(exc)
        finally:
            self.heartbeat.task_finished(failed=failed)
