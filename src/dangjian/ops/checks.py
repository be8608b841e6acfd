"""`dangjian check` warns when the background worker is silent, tasks wait with no worker, or tasks failed.

The check reads the database, so it says nothing when there is none yet (no SQLite file, tables not
migrated, server unreachable): a fresh install or `migrate` itself must not be warned about that.
"""

from pathlib import Path

from django.core.checks import Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.ops import rules


def _database_missing() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    # Connecting to SQLite would create an empty database file.
    return (
        connection.vendor == "sqlite"
        and not connection.is_in_memory_db()
        and not Path(connection.settings_dict["NAME"]).exists()
    )


@register("dangjian")
def worker_health_check(app_configs=None, **kwargs) -> list[Warning]:
    if _database_missing():
        return []
    from dangjian.ops.selectors import worker_health

    now = timezone.now()
    try:
        health = worker_health(now=now, failed=3)
    except DatabaseError:
        return []
    warnings = []
    if not health.alive and health.silent:
        row = health.silent[0]
        warnings.append(
            Warning(
                _("The background worker has sent no heartbeat since %(time)s.")
                % {"time": timezone.localtime(row.beat_at).strftime("%Y-%m-%d %H:%M:%S")},
                hint=_(
                    "Uploads stay pending and the nightly jobs do not run until a worker runs. "
                    "Check that `dangjian serve` (or `dangjian worker`) is running and read its log."
                ),
                id="ops.W001",
            )
        )
    if (
        not health.alive
        and health.oldest_waiting_since is not None
        and now - health.oldest_waiting_since > rules.WAITING_TOO_LONG
    ):
        warnings.append(
            Warning(
                _("%(count)d background task(s) have been waiting since %(time)s and no worker is running.")
                % {
                    "count": health.waiting,
                    "time": timezone.localtime(health.oldest_waiting_since).strftime("%Y-%m-%d %H:%M:%S"),
                },
                hint=_("Start `dangjian serve` without --no-worker, or run `dangjian worker`."),
                id="ops.W002",
            )
        )
    if health.failed_count:
        latest = health.failed[0]
        warnings.append(
            Warning(
                _("%(count)d background task(s) failed in the last 24 hours; the latest, %(task)s: %(reason)s")
                % {"count": health.failed_count, "task": latest.task_path, "reason": latest.reason},
                hint=_("The status page lists them with their reasons."),
                id="ops.W003",
            )
        )
    return warnings
