"""The worker's health on the status page and in `dangjian check`."""

import datetime

import pytest
from django.core.checks import run_checks
from django.core.checks.registry import registry
from django.db import connection
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangjian.ops import rules
from dangjian.ops.checks import worker_health_check
from dangjian.ops.models import WorkerHeartbeat
from dangjian.ops.tests import tasks


def beat(*, ago: datetime.timedelta, busy: bool = False, stopped: bool = False, worker_id: str = "w1"):
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        host="app1",
        pid=4242,
        started_at=now - ago - datetime.timedelta(hours=1),
        beat_at=now - ago,
        stopped_at=now - ago if stopped else None,
        current_task="dangjian.library.tasks.extract" if busy else "",
        task_started_at=now - ago if busy else None,
    )


def fail(task, *, ago: datetime.timedelta, reason: str = "ValueError: 材料文件已损坏"):
    result = task.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now() - ago,
        exception_class_path="builtins.ValueError",
        traceback=f'Traceback (most recent call last):\n  File "x.py", line 1\n{reason}\n',
    )
    return result


def ids() -> list[str]:
    return [message.id for message in worker_health_check()]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ago", "busy", "stopped", "warned"),
    [
        (datetime.timedelta(seconds=20), False, False, False),
        (rules.STALE_AFTER + datetime.timedelta(seconds=1), False, False, True),
        (datetime.timedelta(minutes=30), True, False, False),  # a long task is running
        (rules.STALE_AFTER_BUSY + datetime.timedelta(seconds=1), True, False, True),
        (datetime.timedelta(days=2), False, True, False),  # stopped cleanly with the server
    ],
)
def test_check_warns_when_the_worker_has_gone_silent(ago, busy, stopped, warned):
    beat(ago=ago, busy=busy, stopped=stopped)
    assert ("ops.W001" in ids()) is warned


@pytest.mark.django_db
def test_check_warns_of_tasks_waiting_with_no_worker(db_queue):
    assert ids() == []
    result = tasks.succeed.enqueue(1)
    assert ids() == []  # just queued
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))
    assert ids() == ["ops.W002"]
    beat(ago=datetime.timedelta(seconds=5))
    assert ids() == []  # a worker runs: it will take it


@pytest.mark.django_db
def test_check_warns_of_recently_failed_tasks_with_the_reason(db_queue):
    fail(tasks.explode, ago=datetime.timedelta(days=2))
    assert ids() == []
    fail(tasks.explode, ago=datetime.timedelta(hours=1))
    [warning] = worker_health_check()
    assert warning.id == "ops.W003"
    assert "材料文件已损坏" in warning.msg
    assert "dangjian.ops.tests.tasks.explode" in warning.msg


@pytest.mark.django_db
def test_check_is_registered_and_silent_without_its_tables(monkeypatch):
    assert worker_health_check in registry.get_checks()
    with connection.cursor() as cursor:  # as before `migrate` (rolled back with the test)
        cursor.execute(f"DROP TABLE {WorkerHeartbeat._meta.db_table}")
    assert worker_health_check() == []
    assert [m for m in run_checks() if m.id.startswith("ops.")] == []


def test_check_does_not_create_a_missing_sqlite_database(monkeypatch, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    missing = tmp_path / "none.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(missing))
    assert worker_health_check() == []
    assert not missing.exists()


@pytest.mark.django_db
def test_status_page_shows_heartbeat_queue_and_failures(client, college, db_queue):
    beat(ago=datetime.timedelta(seconds=3), busy=True)
    beat(ago=datetime.timedelta(days=1), worker_id="w0")
    tasks.succeed.enqueue(1)
    fail(tasks.explode, ago=datetime.timedelta(minutes=5))
    client.force_login(college.user("admin"))
    response = client.get(reverse("ops:status"))
    assert response.status_code == 200
    health = response.context["health"]
    assert health.alive
    assert (health.waiting, health.failed_count) == (1, 1)
    assert [row.state for row in health.workers] == [rules.WorkerState.BUSY, rules.WorkerState.SILENT]
    body = response.content.decode()
    assert "材料文件已损坏" in body
    assert "dangjian.library.tasks.extract" in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["committee", "branch", "auditor", "member"])
def test_status_page_is_for_administrators_only(client, college, role):
    client.force_login(college.user(role))
    assert client.get(reverse("ops:status")).status_code == 404


@pytest.mark.django_db
def test_check_warns_of_unsealed_audit_days_and_of_a_failed_verification(monkeypatch):
    from django.db import models

    from dangjian.core import audit
    from dangjian.core.auditchain.chain import audit_seal, audit_verify
    from dangjian.core.models import AuditEvent
    from dangjian.ops.checks import audit_chain_check

    assert audit_chain_check in registry.get_checks()
    event = audit.record(actor=None, action="settings.change", object_repr="全局")
    assert audit_chain_check() == []
    later = timezone.now() + datetime.timedelta(days=rules.AUDIT_UNSEALED_DAYS + 2)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the nightly jobs have not run for days
    [warning] = audit_chain_check()
    assert warning.id == "ops.W009"
    audit_seal()
    assert audit_chain_check() == []
    models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), object_repr="改过")
    audit_verify()
    [warning] = audit_chain_check()
    assert warning.id == "ops.W008"
    assert "1" in warning.msg
