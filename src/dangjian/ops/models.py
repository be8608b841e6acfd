from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One background worker process, as it last reported itself.

    Written by the worker alone (`dangjian worker`), every few seconds and around each task; it is
    a machine's log, not a user's change, so it is not audited. Rows of long-gone workers are pruned
    when a worker starts.
    """

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    current_task = models.CharField(_("current task"), max_length=255, blank=True)
    task_started_at = models.DateTimeField(_("task started at"), null=True, blank=True)
    tasks_run = models.PositiveIntegerField(_("tasks run"), default=0)
    tasks_failed = models.PositiveIntegerField(_("tasks failed"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class BackupTrigger(models.TextChoices):
    MANUAL = "manual", _("By hand")
    NIGHTLY = "nightly", _("Nightly")


class BackupRun(models.Model):
    """One backup made by `dangjian backup` or the nightly job, good or failed.

    Written by the backup itself after the archive is complete (so an archive never holds its own
    row); like the heartbeat, a machine's log rather than a user's change, so not audited.
    """

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    trigger = models.CharField(_("trigger"), max_length=16, choices=BackupTrigger.choices)
    ok = models.BooleanField(_("succeeded"))
    archive = models.CharField(_("archive"), max_length=1024, blank=True)  # the archive's full path
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    files = models.PositiveIntegerField(_("uploaded files"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("backup")
        verbose_name_plural = _("backups")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["ok", "-started_at"], name="ops_backup_ok_started")]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} {'ok' if self.ok else 'failed'}"
