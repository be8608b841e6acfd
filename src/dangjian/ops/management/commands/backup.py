"""`dangjian backup [--to DIR]`: a consistent backup of the database and the uploaded files, while the site runs.

One archive per run, named `dangjian-backup-YYYYMMDD-HHMMSS.tar.gz` (local time), with a manifest
of checksums, the schema version, the database and the project's version; see docs/backup.md.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangjian.ops.backup.services import backup_create, backups_prune


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive, while the site runs."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, help="Folder for the archive (default: DANGJIAN_BACKUP_DIR).")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Afterwards, delete the folder's backups beyond DANGJIAN_BACKUP_KEEP_DAILY / _MONTHLY.",
        )

    def handle(self, *args, to: Path | None, prune: bool, **options):
        try:
            done = backup_create(to=to)
        except Exception as exc:
            raise CommandError(_("The backup failed: %(error)s") % {"error": exc}) from exc
        self.stdout.write(
            _("Backup written: %(path)s (%(size).1f MB, %(files)d uploaded files).")
            % {"path": done.path, "size": done.size / 2**20, "files": done.files}
        )
        if prune:
            deleted = backups_prune(
                done.path.parent,
                keep_daily=settings.DANGJIAN_BACKUP_KEEP_DAILY,
                keep_monthly=settings.DANGJIAN_BACKUP_KEEP_MONTHLY,
            )
            self.stdout.write(_("Old backups deleted: %(count)d.") % {"count": len(deleted)})
