"""Make a backup, restore one, and keep the nightly ones within their retention.

`backup_create` writes one archive (see `archive`) with a consistent copy of the database (see
`database`) taken while the site runs, then the uploaded files and the data folder's key. The
database is copied first: a file uploaded meanwhile is in the archive without a row pointing at it
(harmless), never the other way round. The archive is written under a temporary name and renamed
when complete, so a backup folder never holds a half-written archive under a backup's name.

`backup_restore` refuses, before writing anything, an archive that is damaged, altered, holds a
path outside its folders, comes from a newer schema or another database, and a target that is not
empty; then it writes, migrates an older schema forward, and rebuilds derived data that needs it.
"""

import contextlib
import datetime
import logging
import os
import re
import shutil
import tempfile
import traceback
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.derived import registered
from dangjian.ops import rules
from dangjian.ops.backup import archive, database
from dangjian.ops.backup.archive import ArchiveError, Manifest
from dangjian.ops.models import BackupRun, BackupTrigger

logger = logging.getLogger(__name__)

NAME_PREFIX = "dangjian-backup-"
NAME_PATTERN = re.compile(r"^dangjian-backup-(\d{8}-\d{6})(?:-\d+)?\.tar\.gz$")
STAMP_FORMAT = "%Y%m%d-%H%M%S"
SECRET_KEY_MEMBER = "data/secret_key"  # noqa: S105 - a member's name, not a secret
# Room left on the disk beyond the restored data itself (the database's temporary copy, the migrations).
SPACE_MARGIN = 64 * 1024 * 1024


class RestoreRefused(Exception):
    """The archive or the target is not fit for a restore; nothing was written. Message in Chinese."""


@dataclass(frozen=True)
class BackupDone:
    path: Path
    size: int
    files: int  # uploaded files in the archive
    manifest: Manifest


@dataclass
class RestoreDone:
    manifest: Manifest
    files: int = 0
    migrated: bool = False
    rebuilt: list[str] = field(default_factory=list)
    secret_key_restored: bool = False


def project_version() -> str:
    try:
        return metadata.version("dangjian")
    except metadata.PackageNotFoundError:
        return "unknown"


def archive_name(when: datetime.datetime) -> str:
    """The file name of a backup made at `when`, in local time (sorts by time)."""
    return f"{NAME_PREFIX}{timezone.localtime(when).strftime(STAMP_FORMAT)}{archive.SUFFIX}"


def archive_stamp(name: str) -> datetime.datetime | None:
    """The local time a backup's file name records, or None for another file."""
    match = NAME_PATTERN.match(name)
    if not match:
        return None
    return datetime.datetime.strptime(match.group(1), STAMP_FORMAT)  # noqa: DTZ007 - a local wall-clock time


def default_folder() -> Path:
    return Path(settings.DANGJIAN_BACKUP_DIR)


def _media_root() -> Path | None:
    """The folder of uploaded files, or None when they are kept by another storage (object storage)."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def _media_files(root: Path) -> list[tuple[str, Path]]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            found.append(("media/" + path.relative_to(root).as_posix(), path))
    return found


def backup_create(*, to: Path | None = None, trigger: str = BackupTrigger.MANUAL) -> BackupDone:
    """Write a new backup archive into `to` (default: DANGJIAN_BACKUP_DIR) and record it; a failure
    is recorded and logged too, then raised."""
    started = timezone.now()
    try:
        done = _write_backup(Path(to) if to else default_folder(), started)
    except Exception as exc:
        logger.exception("the backup failed")
        _record(started, trigger, ok=False, error="".join(traceback.format_exception_only(exc)).strip())
        raise
    _record(started, trigger, ok=True, path=done.path, size=done.size, files=done.files)
    return done


def _record(started: datetime.datetime, trigger: str, *, ok: bool, path: Path | None = None, **fields: object) -> None:
    try:
        BackupRun.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            trigger=trigger,
            ok=ok,
            archive=str(path or "")[:1024],
            **fields,
        )
    except Exception as exc:  # a database that refuses the record must not hide the backup's own outcome
        logger.warning("could not record the backup's outcome: %s", exc)


def _write_backup(folder: Path, started: datetime.datetime) -> BackupDone:
    folder.mkdir(parents=True, exist_ok=True)
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = database.vendor_of(connection)
    final = folder / archive_name(started)
    suffix = 1
    while final.exists():
        suffix += 1
        final = folder / archive_name(started).replace(archive.SUFFIX, f"-{suffix}{archive.SUFFIX}")
    with tempfile.TemporaryDirectory(dir=folder, prefix=".dangjian-backup-") as work:
        db_copy = Path(work) / Path(database.MEMBER[vendor]).name
        database.dump(connection, db_copy)
        manifest = Manifest(
            created_at=timezone.localtime(started).isoformat(),
            vendor=vendor,
            project_version=project_version(),
            migrations=database.applied_migrations(connection),
            database=database.MEMBER[vendor],
        )
        partial = Path(work) / final.name
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds personal data and the key
        files = 0
        with os.fdopen(fd, "wb") as out:
            writer = archive.ArchiveWriter(out)
            writer.add_file(manifest.database, db_copy)
            db_copy.unlink()
            key = Path(settings.DATA_DIR) / "secret_key"
            if key.is_file():
                writer.add_file(SECRET_KEY_MEMBER, key)
            media = _media_root()
            manifest.media_included = media is not None
            for name, path in _media_files(media) if media and media.is_dir() else []:
                try:
                    writer.add_file(name, path)
                except FileNotFoundError:
                    continue  # deleted since the folder was listed
                files += 1
            writer.close(manifest)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, final)
    return BackupDone(path=final, size=final.stat().st_size, files=files, manifest=manifest)


def backups_prune(folder: Path, *, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Delete the backups of `folder` that the retention does not keep; the deleted files.

    Only files named as this command names its archives are considered.
    """
    archives: dict[datetime.datetime, list[Path]] = {}
    for path in folder.iterdir() if folder.is_dir() else []:
        stamp = archive_stamp(path.name)
        if stamp is not None and path.is_file():
            archives.setdefault(stamp, []).append(path)
    keep = rules.backups_to_keep(list(archives), daily=keep_daily, monthly=keep_monthly)
    deleted = []
    for stamp, paths in sorted(archives.items()):
        # Two archives of one second: the later-numbered counts as that second's backup.
        ordered = sorted(paths, key=lambda p: (len(p.name), p.name))
        doomed = ordered if stamp not in keep else ordered[:-1]
        for path in doomed:
            path.unlink(missing_ok=True)
            deleted.append(path)
    return deleted


def backup_nightly() -> BackupDone | None:
    """The nightly backup, then the retention; nothing unless DANGJIAN_BACKUP_NIGHTLY is on."""
    if not settings.DANGJIAN_BACKUP_NIGHTLY:
        return None
    done = backup_create(trigger=BackupTrigger.NIGHTLY)
    deleted = backups_prune(
        done.path.parent,
        keep_daily=settings.DANGJIAN_BACKUP_KEEP_DAILY,
        keep_monthly=settings.DANGJIAN_BACKUP_KEEP_MONTHLY,
    )
    if deleted:
        logger.info("removed %d old backup(s)", len(deleted))
    return done


# Restore ------------------------------------------------------------------------------------------


def _media_is_empty(root: Path | None) -> bool:
    if root is None or not root.exists():
        return True
    return not any(path.is_file() or path.is_symlink() for path in root.rglob("*"))


def restore_check(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """The archive's manifest if it may be restored into this site; otherwise `RestoreRefused`.

    Reads the archive once (paths, kinds, sizes, checksums) and looks at the target; writes nothing.
    """
    if not Path(path).is_file():
        raise RestoreRefused(_("The backup file %(path)s does not exist.") % {"path": path})
    try:
        manifest = archive.check(path)
    except ArchiveError as exc:
        raise RestoreRefused(str(exc)) from exc
    connection = connections[using]
    try:
        vendor = database.vendor_of(connection)
    except database.DatabaseBackupError as exc:
        raise RestoreRefused(str(exc)) from exc
    if manifest.vendor != vendor:
        raise RestoreRefused(
            _(
                "This backup holds a %(archive)s database, but this site is configured for %(site)s. "
                "Restore it into a site of the same database."
            )
            % {"archive": manifest.vendor, "site": vendor}
        )
    unknown = sorted(manifest.applied - database.known_migrations())
    if unknown:
        raise RestoreRefused(
            _(
                "This backup comes from a newer version of dangjian (%(version)s): this version does not know "
                "its migrations %(migrations)s. Install that version or a later one, then restore."
            )
            % {"version": manifest.project_version, "migrations": ", ".join(f"{a}.{n}" for a, n in unknown[:5])}
        )
    try:
        empty = database.is_empty(connection)
    except DatabaseError as exc:
        raise RestoreRefused(
            _("The database cannot be reached: %(error)s") % {"error": str(exc).strip().splitlines()[0]}
        ) from exc
    if not empty:
        raise RestoreRefused(
            _(
                "The database is not empty. A backup is restored only into an empty database "
                "(for SQLite, a data folder without a database); nothing was changed."
            )
        )
    media = _media_root()
    if manifest.media_included and not _media_is_empty(media):
        raise RestoreRefused(
            _("The folder of uploaded files (%(path)s) is not empty; nothing was changed.") % {"path": media}
        )
    needed = manifest.total_size + SPACE_MARGIN
    free = shutil.disk_usage(settings.DATA_DIR).free
    if free < needed:
        raise RestoreRefused(
            _("The data folder's disk has %(free)d MB free; the restore needs %(needed)d MB.")
            % {"free": free // 2**20, "needed": needed // 2**20 + 1}
        )
    return manifest


def backup_restore(path: Path, *, rebuild: bool = False, using: str = DEFAULT_DB_ALIAS) -> RestoreDone:
    """Restore the archive at `path` into this site's empty database and data folder.

    Refuses (`RestoreRefused`) before writing anything when `restore_check` does. The content is read
    again while written and compared with its checksums once more; if it differs now, what was
    written is removed. `rebuild`: build every derived data anew, not only what is out of step.
    """
    manifest = restore_check(path, using=using)
    connection = connections[using]
    media = _media_root()
    done = RestoreDone(manifest=manifest)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".dangjian-restore-") as work:
        db_copy = Path(work) / "database"
        key_copy = Path(work) / "secret_key"
        try:
            for entry, stream in archive.iter_verified(path, manifest):
                if entry.name == manifest.database:
                    target = db_copy
                elif entry.name == SECRET_KEY_MEMBER:
                    target = key_copy
                elif entry.name.startswith("media/") and media is not None:
                    target = _inside(media, entry.name.removeprefix("media/"))
                    target.parent.mkdir(parents=True, exist_ok=True)
                else:
                    continue
                with open(target, "xb") as out:
                    if target.is_relative_to(media or work):
                        written.append(target)
                    shutil.copyfileobj(stream, out, archive.CHUNK)
        except (ArchiveError, OSError) as exc:
            _remove(written, media)
            raise RestoreRefused(str(exc)) from exc
        done.files = len(written)
        try:
            database.load(connection, db_copy)
        except Exception:
            _remove(written, media)
            raise
        if key_copy.exists() and not os.environ.get("DANGJIAN_SECRET_KEY"):
            key = Path(settings.DATA_DIR) / "secret_key"
            os.replace(key_copy, key)
            key.chmod(0o600)
            done.secret_key_restored = True
    connection.close()
    if database.known_migrations() - manifest.applied:
        call_command("migrate", interactive=False, verbosity=0, database=using)
        done.migrated = True
    for derived in registered():
        if rebuild or derived.is_stale():
            derived.rebuild()
            done.rebuilt.append(derived.name)
    return done


def _inside(root: Path, relative: str) -> Path:
    """`root / relative`, refused unless it stays inside `root` (the names were checked already)."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ArchiveError(_("The backup holds a path outside its own folders: %(name)s") % {"name": relative})
    return target


def _remove(paths: list[Path], root: Path | None) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
    if root is not None:
        for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only empty ones: nothing else was there before
