"""`dangjian check` warns when the background worker is silent, tasks wait with no worker, or tasks failed;
`dangjian check --deploy` also when settings fit one machine but not a deployment (docs/deploy.md).

The check reads the database, so it says nothing when there is none yet (no SQLite file, tables not
migrated, server unreachable): a fresh install or `migrate` itself must not be warned about that.
"""

import os
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


@register("dangjian")
def backup_check(app_configs=None, **kwargs) -> list[Warning]:
    """Warns when nightly backups are on and the last one failed, or none succeeded for two days."""
    from django.conf import settings

    if not settings.DANGJIAN_BACKUP_NIGHTLY or _database_missing():
        return []
    from dangjian.ops.selectors import backup_status

    try:
        status = backup_status()
    except DatabaseError:
        return []
    if status.last_failed is not None:
        return [
            Warning(
                _("The backup of %(time)s failed: %(error)s")
                % {
                    "time": timezone.localtime(status.last_failed.started_at).strftime("%Y-%m-%d %H:%M"),
                    "error": status.last_failed.error[:500],
                },
                hint=_("Run `dangjian backup` to see the error, and read docs/backup.md."),
                id="ops.W004",
            )
        ]
    if status.stale and status.last_good is not None:
        return [
            Warning(
                _("No backup has succeeded since %(time)s.")
                % {"time": timezone.localtime(status.last_good.finished_at).strftime("%Y-%m-%d %H:%M")},
                hint=_("Check that the background worker runs; the status page shows it."),
                id="ops.W005",
            )
        ]
    return []


def _shared_database() -> bool:
    return connections[DEFAULT_DB_ALIAS].vendor != "sqlite"


@register("dangjian", deploy=True)
def deploy_settings_check(app_configs=None, **kwargs) -> list[Warning]:
    """`check --deploy`: settings that work on one machine but not behind a proxy or across several (docs/deploy.md)."""
    from django.conf import settings

    warnings = []
    if _shared_database() and not os.environ.get("DANGJIAN_SECRET_KEY"):
        warnings.append(
            Warning(
                _("The secret key was generated into the data folder, while the database is shared."),
                hint=_(
                    "App processes on another machine would each generate a key of their own, and sign-ins "
                    "made on one would not hold on another. Set DANGJIAN_SECRET_KEY, the same for every process."
                ),
                id="ops.W006",
            )
        )
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.DANGJIAN_TRUSTED_PROXIES:
        warnings.append(
            Warning(
                _("A reverse proxy is named for HTTPS, but no trusted proxy for the client's address."),
                hint=_(
                    "Every request then seems to come from the proxy: login lock-out would lock an account for "
                    "everyone, and the audit log would record the proxy's address. Set DANGJIAN_TRUSTED_PROXIES."
                ),
                id="ops.W007",
            )
        )
    return warnings


@register("dangjian")
def audit_chain_check(app_configs=None, **kwargs) -> list[Warning]:
    """Warns when the audit log's last verification found changes, or finished days wait for their seal."""
    if _database_missing():
        return []
    from dangjian.core.auditchain.chain import unsealed_days
    from dangjian.core.models import AuditVerification

    try:
        last = AuditVerification.objects.filter(since=None).order_by("-started_at", "-pk").first()
        waiting = unsealed_days()
    except DatabaseError:
        return []
    warnings = []
    if last is not None and not last.ok:
        warnings.append(
            Warning(
                _("The audit log's verification of %(time)s found %(count)d problems: it was changed in the database.")
                % {
                    "time": timezone.localtime(last.finished_at).strftime("%Y-%m-%d %H:%M"),
                    "count": last.finding_count,
                },
                hint=_("Run `dangjian audit verify` for the list, and read docs/audit.md."),
                id="ops.W008",
            )
        )
    if waiting > rules.AUDIT_UNSEALED_DAYS:
        warnings.append(
            Warning(
                _("%(count)d finished days of the audit log are not sealed.") % {"count": waiting},
                hint=_(
                    "The nightly jobs seal them: check that the background worker runs, or run `dangjian audit seal`."
                ),
                id="ops.W009",
            )
        )
    return warnings
