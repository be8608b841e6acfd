"""The nightly backup on the background worker, off unless DANGJIAN_BACKUP_NIGHTLY is on.

Like the daily jobs (`dangjian.ops.daily`), each run puts the next one in the queue, at
`rules.BACKUP_AT` local time; the daily run puts one there too if the chain was broken (a worker
killed in the middle of a backup). A failing backup is recorded (`BackupRun`, shown on the status
page), logged, and raised, so the worker records the task as failed and `dangjian check` warns.
"""

from django.conf import settings
from django.tasks import TaskResultStatus, default_task_backend, task
from django.utils import timezone

from dangjian.ops import rules
from dangjian.ops.backup.services import backup_nightly


@task()
def nightly_backup() -> dict[str, object]:
    """Make the nightly backup and apply the retention, then schedule tomorrow's."""
    try:
        done = backup_nightly()
    finally:
        schedule_backup()
    if done is None:
        return {"backup": "off"}
    return {"archive": str(done.path), "size": done.size, "files": done.files}


def schedule_backup(*, now=None) -> bool:
    """Put the next nightly backup in the queue, if they are on and none waits; whether one was added."""
    if not settings.DANGJIAN_BACKUP_NIGHTLY or not default_task_backend.supports_defer:
        return False
    if "django_tasks_db" in settings.INSTALLED_APPS:
        from django_tasks_db.models import DBTaskResult

        if DBTaskResult.objects.filter(task_path=nightly_backup.module_path, status=TaskResultStatus.READY).exists():
            return False
    run_at = rules.next_time_at(timezone.localtime(now or timezone.now()), rules.BACKUP_AT)
    nightly_backup.using(run_after=run_at).enqueue()
    return True
