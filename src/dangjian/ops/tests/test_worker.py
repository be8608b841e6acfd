"""Fault tests of the background worker: failing tasks and database errors do not stop it."""

import contextlib
import io
import socket
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangjian.ops import worker as worker_module
from dangjian.ops.models import WorkerHeartbeat
from dangjian.ops.tests import tasks
from dangjian.ops.worker import ResilientWorker

# The worker commits, and drops its connections after a database error, as in production: no
# test transaction could survive that on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)


def make_worker(**options) -> ResilientWorker:
    """A worker that runs what is due, then stops."""
    defaults = {
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "excluded_queue_names": [],
    }
    return ResilientWorker(**defaults | options)


@pytest.fixture
def no_sleep(monkeypatch):
    """The delays the worker asked for, instead of sleeping them."""
    slept = []
    monkeypatch.setattr(worker_module.time, "sleep", slept.append)
    return slept


def test_a_task_that_raises_is_marked_failed_with_its_reason_and_the_worker_goes_on(db_queue, no_sleep):
    failing = tasks.explode.enqueue()
    after = tasks.succeed.enqueue(21)

    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO())

    failing_row = DBTaskResult.objects.get(pk=failing.id)
    assert failing_row.status == TaskResultStatus.FAILED
    assert failing_row.exception_class_path == "builtins.ValueError"
    assert "材料文件已损坏" in failing_row.traceback
    after_row = DBTaskResult.objects.get(pk=after.id)
    assert after_row.status == TaskResultStatus.SUCCESSFUL
    assert after_row.return_value == 42
    beat = WorkerHeartbeat.objects.get()
    assert (beat.tasks_run, beat.tasks_failed) == (2, 1)
    assert beat.stopped_at is not None


@pytest.mark.parametrize(
    "message", ["database is locked", "server closed the connection unexpectedly", "disk I/O error"]
)
def test_a_database_error_while_polling_does_not_stop_the_worker(db_queue, no_sleep, monkeypatch, message):
    queued = tasks.succeed.enqueue(1)
    real = worker_module.exclusive_transaction
    failures = iter([OperationalError(message), OperationalError(message)])

    @contextlib.contextmanager
    def failing_twice(using=None):
        error = next(failures, None)
        if error is not None:
            raise error  # as BEGIN EXCLUSIVE or a dropped connection would, before any row is read
        with real(using):
            yield

    monkeypatch.setattr(worker_module, "exclusive_transaction", failing_twice)
    worker = make_worker()
    worker.run()

    assert DBTaskResult.objects.get(pk=queued.id).status == TaskResultStatus.SUCCESSFUL
    beat = WorkerHeartbeat.objects.get(worker_id="test-worker")
    if "locked" in message:  # the library's own answer to a lock: look again after the interval
        assert beat.last_error == ""
    else:
        assert message in beat.last_error
        assert no_sleep[:2] == [0.5, 1.0]  # waited longer after each error in a row


def test_a_result_that_cannot_be_written_does_not_stop_the_worker(db_queue, no_sleep, monkeypatch):
    first = tasks.succeed.enqueue(1)
    second = tasks.succeed.enqueue(2)
    original = DBTaskResult.set_successful

    def set_successful(self, value):
        if str(self.pk) == str(first.id):
            raise OperationalError("the database went away")
        return original(self, value)

    def set_failed(self, exc):
        raise OperationalError("the database went away")

    monkeypatch.setattr(DBTaskResult, "set_successful", set_successful)
    monkeypatch.setattr(DBTaskResult, "set_failed", set_failed)
    make_worker().run()

    assert DBTaskResult.objects.get(pk=second.id).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=first.id).status == TaskResultStatus.RUNNING  # its result was lost
    assert "went away" in WorkerHeartbeat.objects.get().last_error


def test_the_heartbeat_is_written_while_idle(db_queue, no_sleep, monkeypatch):
    worker = make_worker(batch=False)
    beats = []
    monkeypatch.setattr(worker.heartbeat, "_write", lambda **fields: beats.append(fields))
    monkeypatch.setattr(worker_module.rules, "HEARTBEAT_EVERY", worker_module.rules.HEARTBEAT_EVERY * 0)
    rounds = iter(range(3))
    monkeypatch.setattr(worker_module.time, "sleep", lambda s: next(rounds, None) is None and worker.shutdown(2, None))
    with pytest.raises(SystemExit):
        worker.run()
    assert len(beats) >= 3


def test_a_task_left_running_by_a_killed_worker_is_marked_failed_when_a_worker_starts(db_queue, no_sleep):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603 - a process id that no longer exists
    gone.wait()
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="killed", host=socket.gethostname(), pid=gone.pid, started_at=now, beat_at=now
    )
    WorkerHeartbeat.objects.create(worker_id="alive", host=socket.gethostname(), pid=1, started_at=now, beat_at=now)
    lost = tasks.succeed.enqueue(1)
    kept = tasks.succeed.enqueue(2)
    DBTaskResult.objects.get(pk=lost.id).claim("killed")
    DBTaskResult.objects.get(pk=kept.id).claim("alive")  # pid 1 exists: its worker may still finish it

    make_worker().run()

    lost_row = DBTaskResult.objects.get(pk=lost.id)
    assert lost_row.status == TaskResultStatus.FAILED
    assert lost_row.exception_class_path == "dangjian.ops.worker.WorkerLost"
    assert "ended while running" in lost_row.traceback
    assert DBTaskResult.objects.get(pk=kept.id).status == TaskResultStatus.RUNNING
    assert WorkerHeartbeat.objects.get(worker_id="killed").stopped_at is not None


def test_the_delay_after_errors_grows_and_stays_bounded():
    from dangjian.ops.rules import retry_delay

    delays = [retry_delay(n, interval=1) for n in (1, 2, 3, 10_000)]
    assert delays == [1, 2, 4, 30]
