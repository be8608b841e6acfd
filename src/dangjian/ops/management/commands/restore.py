"""`dangjian restore ARCHIVE`: restore a backup into an empty database and data folder.

Everything is checked before anything is written: the archive's paths, sizes and checksums, its
schema (a backup of a newer version is refused), its database (SQLite or PostgreSQL, as this site),
and that the target is empty. Afterwards an older schema is migrated forward and derived data (the
library's search index) is rebuilt where it is out of step; see docs/backup.md.
"""

from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangjian.ops.backup.services import RestoreRefused, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and data folder."
    # The system checks read the database; before a restore there is none to read.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The backup archive (.tar.gz) to restore.")
        parser.add_argument(
            "--rebuild", action="store_true", help="Rebuild every derived index, even one that looks in step."
        )

    def handle(self, *args, archive: Path, rebuild: bool, **options):
        try:
            done = backup_restore(archive, rebuild=rebuild)
        except RestoreRefused as exc:
            raise CommandError(_("Not restored: %(reason)s") % {"reason": exc}) from exc
        manifest = done.manifest
        self.stdout.write(
            _("Restored the backup of %(time)s (dangjian %(version)s, %(vendor)s) with %(files)d uploaded files.")
            % {
                "time": manifest.created_at,
                "version": manifest.project_version,
                "vendor": manifest.vendor,
                "files": done.files,
            }
        )
        if done.migrated:
            self.stdout.write(_("The database was migrated to this version's schema."))
        for name in done.rebuilt:
            self.stdout.write(_("Rebuilt: %(name)s.") % {"name": name})
        if done.secret_key_restored:
            self.stdout.write(_("The data folder's key was restored, so printed check-in codes stay valid."))
