import datetime
import zoneinfo

import pytest
from django.core.management import call_command

from dangjian.ops import daily

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

calls: list[tuple[str, datetime.date]] = []


def job_ok(*, today):
    calls.append(("ok", today))
    return 2


def job_broken(*, today):
    raise RuntimeError("boom")


def test_every_job_runs_with_the_day_even_after_one_fails(monkeypatch):
    calls.clear()
    monkeypatch.setattr(
        daily,
        "DAILY_JOBS",
        [("broken", f"{__name__}.job_broken"), ("ok", f"{__name__}.job_ok")],
    )
    results = daily.run_daily_jobs(today=datetime.date(2026, 12, 1))
    assert results == {"broken": "failed: RuntimeError", "ok": 2}
    assert calls == [("ok", datetime.date(2026, 12, 1))]


def test_the_listed_jobs_exist_and_take_the_day():
    import inspect

    from django.utils.module_loading import import_string

    for _name, path in daily.DAILY_JOBS:
        assert "today" in inspect.signature(import_string(path)).parameters, path


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (
            datetime.datetime(2026, 12, 1, 0, 10, tzinfo=SHANGHAI),
            datetime.datetime(2026, 12, 1, 1, 30, tzinfo=SHANGHAI),
        ),
        (
            datetime.datetime(2026, 12, 1, 1, 30, tzinfo=SHANGHAI),
            datetime.datetime(2026, 12, 2, 1, 30, tzinfo=SHANGHAI),
        ),
        (
            datetime.datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI),
            datetime.datetime(2027, 1, 1, 1, 30, tzinfo=SHANGHAI),
        ),
    ],
)
def test_next_run_is_the_next_half_past_one_local_time(now, expected):
    assert daily.next_run_at(now) == expected


@pytest.mark.django_db
def test_scheduling_keeps_one_waiting_run(monkeypatch):
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    # The database queue the site uses, in place of the tests' immediate backend.
    monkeypatch.setattr(
        task_backends._connections,  # noqa: SLF001
        "default",
        DatabaseBackend(alias="default", params={}),
        raising=False,
    )
    assert daily.schedule_daily() is True
    assert daily.schedule_daily() is False
    waiting = DBTaskResult.objects.get()
    assert waiting.task_path == daily.daily.module_path
    assert waiting.run_after > datetime.datetime.now(tz=SHANGHAI)


def test_the_immediate_backend_keeps_no_schedule():
    assert daily.schedule_daily() is False


def test_the_command_runs_the_jobs_for_a_given_day(monkeypatch, capsys):
    calls.clear()
    monkeypatch.setattr(daily, "DAILY_JOBS", [("ok", f"{__name__}.job_ok")])
    monkeypatch.setattr("dangjian.ops.management.commands.daily.run_daily_jobs", daily.run_daily_jobs)
    call_command("daily", "--date", "2026-12-03")
    assert calls == [("ok", datetime.date(2026, 12, 3))]
    assert "ok: 2" in capsys.readouterr().out
