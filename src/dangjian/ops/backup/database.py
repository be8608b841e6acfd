"""The database's part of a backup: a consistent copy while the site runs, and its restore.

SQLite: the online backup API copies every page in one step, inside one read transaction, so the
copy is the database as of one moment while writers go on (WAL lets them); the copy is switched
to a rollback journal, so it is one self-contained file, and checked with `PRAGMA quick_check`.

PostgreSQL: `pg_dump` in its custom format, which reads everything in one repeatable-read
snapshot, and `pg_restore` into an empty database in one transaction. The connection settings
go to the client tools through the libpq environment (PGHOST, PGPASSWORD, …), never the command line.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

VENDORS = ("sqlite", "postgresql")
MEMBER = {"sqlite": "database/dangjian.sqlite3", "postgresql": "database/dangjian.pgdump"}


class DatabaseBackupError(Exception):
    """The database could not be copied or restored; the message says why, in Chinese."""


def vendor_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in VENDORS:
        raise DatabaseBackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": connection.vendor}
        )
    return connection.vendor


def applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    """The schema's version: the applied migrations, by app."""
    found: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        found.setdefault(app, []).append(name)
    return found


def known_migrations() -> set[tuple[str, str]]:
    """Every migration this code knows, including those a squashed migration replaced."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or [])
    return known


def dump(connection: BaseDatabaseWrapper, dest: Path) -> None:
    """Write a consistent copy of the database to `dest`."""
    if vendor_of(connection) == "sqlite":
        _sqlite_dump(connection, dest)
    else:
        _run(["pg_dump", "--format=custom", "--compress=6", f"--file={dest}"], connection)


def _in_memory(connection: BaseDatabaseWrapper) -> bool:
    return bool(getattr(connection, "is_in_memory_db", lambda: False)())


def _sqlite_dump(connection: BaseDatabaseWrapper, dest: Path) -> None:
    if _in_memory(connection):
        # Tests: the database exists only in this connection, perhaps inside its open transaction,
        # where the backup API would wait for the transaction forever; its image is what it holds.
        connection.ensure_connection()
        dest.write_bytes(connection.connection.serialize())
    else:
        # A connection of its own, so the copy holds what is committed whatever this process does.
        source = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
        target = sqlite3.connect(dest)
        try:
            # pages=-1: every page in one step, inside one read transaction: one moment of the database.
            source.backup(target, pages=-1)
        finally:
            target.close()
            source.close()
    copy = sqlite3.connect(dest)
    try:
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        _sqlite_check(copy)
    finally:
        copy.close()


def _sqlite_check(db: sqlite3.Connection) -> None:
    result = db.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise DatabaseBackupError(_("The copy of the database failed its check: %(result)s") % {"result": result})


def is_empty(connection: BaseDatabaseWrapper) -> bool:
    """Whether the database holds no table at all (a SQLite file that does not exist yet counts as empty).

    For SQLite the file is looked at directly: connecting through Django would create it.
    """
    if vendor_of(connection) == "sqlite":
        if _in_memory(connection):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM sqlite_master")
                return cursor.fetchone()[0] == 0
        path = Path(connection.settings_dict["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return True
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        finally:
            db.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        return cursor.fetchone()[0] == 0


def load(connection: BaseDatabaseWrapper, source: Path) -> None:
    """Put the copy at `source` (extracted from an archive, verified) into the empty database."""
    if vendor_of(connection) == "sqlite":
        _sqlite_load(connection, source)
    else:
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            connection,
        )


def _sqlite_load(connection: BaseDatabaseWrapper, source: Path) -> None:
    check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _sqlite_check(check)
    finally:
        check.close()
    connection.close()
    if _in_memory(connection):
        raise DatabaseBackupError(_("A backup cannot be restored into a database held in memory."))
    target = Path(connection.settings_dict["NAME"])
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}-journal")):
        leftover.unlink(missing_ok=True)  # of an empty database: they would be applied to the restored one
    os.replace(source, target)


def _libpq_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[variable] = str(settings[key])
    env["PGDATABASE"] = str(settings["NAME"])
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("service", "PGSERVICE")):
        if value := settings.get("OPTIONS", {}).get(option):
            env[variable] = str(value)
    return env


def _run(argv: list[str], connection: BaseDatabaseWrapper) -> None:
    program = shutil.which(argv[0])
    if program is None:
        raise DatabaseBackupError(
            _("%(program)s was not found: install the PostgreSQL client tools of the server's version.")
            % {"program": argv[0]}
        )
    done = subprocess.run(  # noqa: S603 - the PostgreSQL client tools, with our own arguments
        [program, *argv[1:]], env=_libpq_env(connection), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise DatabaseBackupError(
            _("%(program)s failed (status %(status)d): %(error)s")
            % {"program": argv[0], "status": done.returncode, "error": done.stderr.strip()[-2000:]}
        )
