"""The jobs that run once a day, in order, and their scheduling on the background worker.

Each job is an idempotent service of its app that acts as the system actor itself (running it
twice on a day changes nothing the second time), so a restart, a missed day or a manual
`dangjian daily` are all harmless. The order matters
only where one job reads what another writes: talks and needs first, the early warning last, so it
sees the day's to-dos and talks.

`dangjian serve` schedules the first run on the background worker; each run schedules the next at
DAILY_AT the following day. Django's tasks framework has no periodic tasks, and a cron entry would be
one more thing to install, so the chain is kept in the task queue itself.
"""

import datetime
import logging
from dataclasses import asdict, is_dataclass

from django.conf import settings
from django.tasks import TaskResultStatus, default_task_backend, task
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DAILY_AT = datetime.time(1, 30)  # local time: after midnight, before anyone starts work

# (name, the service it calls with `today=`, and `actor=` the system actor where the service takes one)
DAILY_JOBS: list[tuple[str, str]] = [
    ("care.talk_todos_sync", "dangjian.care.services.talk_todos_sync"),
    ("care.need_escalate_overdue", "dangjian.care.services.need_escalate_overdue"),
    ("rights.appeals_remind_overdue", "dangjian.rights.services.appeals_remind_overdue"),
    ("compliance.life_reminders_send", "dangjian.compliance.services.life_reminders_send"),
    ("compliance.warnings_refresh", "dangjian.compliance.services.warnings_refresh"),
    ("accounts.tokens_purge", "dangjian.accounts.services.tokens_purge"),
    # Seal yesterday's audit events into the chain, then verify the whole log (core/auditchain).
    ("core.audit_seal_verify", "dangjian.core.auditchain.chain.audit_nightly"),
    # Last, so the digest lists what the jobs before it sent.
    ("notices.digest_send", "dangjian.notices.services.digest_send"),
]


def _plain(result):
    if is_dataclass(result) and not isinstance(result, type):
        return {key: value for key, value in asdict(result).items() if isinstance(value, int | str | float)}
    return result


def run_daily_jobs(*, today: datetime.date | None = None) -> dict[str, object]:
    """Run every daily job for `today` (default: the local date); what each reported, by job name.

    A job that fails is logged and reported, and the others still run: one app's bug must not stop,
    say, overdue needs from escalating.
    """
    today = today or timezone.localdate()
    results: dict[str, object] = {}
    for name, path in DAILY_JOBS:
        try:
            results[name] = _plain(import_string(path)(today=today))
        except Exception as exc:
            logger.exception("daily job %s failed", name)
            results[name] = f"failed: {exc.__class__.__name__}"
    return results


def next_run_at(now: datetime.datetime) -> datetime.datetime:
    """The next DAILY_AT strictly after `now`, in the site's time zone."""
    local = timezone.localtime(now)
    candidate = timezone.make_aware(datetime.datetime.combine(local.date(), DAILY_AT))
    return candidate if candidate > local else candidate + datetime.timedelta(days=1)


@task()
def daily() -> dict[str, object]:
    """Run the daily jobs, then schedule tomorrow's run."""
    from dangjian.ops.backup.nightly import schedule_backup

    results = run_daily_jobs()
    schedule_daily()
    schedule_backup()  # mends the nightly backups' chain if a killed worker broke it
    return results


def schedule_daily(*, now: datetime.datetime | None = None) -> bool:
    """Put the next daily run in the queue unless one is already waiting; whether one was added.

    Only a backend that can defer tasks keeps a schedule (the database queue can; the immediate
    backend used by tests cannot).
    """
    if not default_task_backend.supports_defer:
        return False
    if "django_tasks_db" in settings.INSTALLED_APPS:
        from django_tasks_db.models import DBTaskResult

        if DBTaskResult.objects.filter(task_path=daily.module_path, status=TaskResultStatus.READY).exists():
            return False
    daily.using(run_after=next_run_at(now or timezone.now())).enqueue()
    return True
