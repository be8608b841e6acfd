"""Backups on the test database, the restore's refusals, the nightly job and the status page's line."""

import datetime
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone

from dangjian.ops.backup import archive, nightly, services
from dangjian.ops.backup.services import RestoreRefused, backup_create, backup_restore
from dangjian.ops.checks import backup_check
from dangjian.ops.models import BackupRun, BackupTrigger

CONTENT = "学习材料：主题党日活动记录".encode()


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = settings.MEDIA_ROOT / "library" / "2026"
    folder.mkdir(parents=True)
    (folder / "党课讲稿.txt").write_bytes(CONTENT)
    return settings.MEDIA_ROOT


@pytest.fixture
def made(media, tmp_path) -> services.BackupDone:
    return backup_create(to=tmp_path / "backups")


def members_of(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {info.name: tar.extractfile(info).read() for info in tar if info.isfile()}


def rewrite(path: Path, members: dict[str, bytes], manifest: dict | None = None) -> Path:
    """The archive at `path` written again with these members (and this manifest), as a forger would."""
    out = path.with_name("altered-" + path.name)
    with tarfile.open(out, "w:gz") as tar:
        for name, data in {
            **members,
            "manifest.json": json.dumps(manifest).encode() if manifest else members["manifest.json"],
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def listed(manifest: dict, name: str, data: bytes) -> dict:
    entry = {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return {**manifest, "files": [*manifest["files"], entry]}


@pytest.mark.django_db
def test_a_backup_holds_the_database_the_files_and_a_manifest(made):
    assert made.path.name.startswith("dangjian-backup-")
    assert made.path.stat().st_mode & 0o077 == 0  # personal data: the owner's alone
    members = members_of(made.path)
    manifest = json.loads(members["manifest.json"])
    assert manifest["vendor"] == connection.vendor
    assert "0003_backup_run" in manifest["migrations"]["ops"]
    assert manifest["project_version"]
    files = {entry["name"]: entry for entry in manifest["files"]}
    assert files["media/library/2026/党课讲稿.txt"]["sha256"] == hashlib.sha256(CONTENT).hexdigest()
    assert members["media/library/2026/党课讲稿.txt"] == CONTENT
    for name, entry in files.items():
        assert hashlib.sha256(members[name]).hexdigest() == entry["sha256"]
    assert manifest["database"] in members
    run = BackupRun.objects.get()
    assert (run.ok, run.size, run.files, run.archive) == (True, made.size, 1, str(made.path))
    assert archive.check(made.path).vendor == connection.vendor


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(made, media):
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(made.path))
    assert (media / "library" / "2026" / "党课讲稿.txt").read_bytes() == CONTENT


@pytest.mark.django_db
def test_restore_refuses_an_archive_of_a_newer_schema(made):
    members = members_of(made.path)
    manifest = json.loads(members["manifest.json"])
    manifest["migrations"]["ops"].append("9999_from_the_future")
    with pytest.raises(RestoreRefused, match="9999_from_the_future"):
        backup_restore(rewrite(made.path, members, manifest))


@pytest.mark.django_db
def test_restore_refuses_an_altered_file_before_writing_anything(made, monkeypatch):
    written = []
    monkeypatch.setattr(services.database, "load", lambda *args: written.append(args))
    monkeypatch.setattr(services.database, "is_empty", lambda connection: True)
    members = members_of(made.path)
    members["media/library/2026/党课讲稿.txt"] = "学习材料：已被改动的记录".encode()
    with pytest.raises(RestoreRefused, match="校验和"):
        backup_restore(rewrite(made.path, members))
    assert written == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "media/../../escaped.txt",
        "/tmp/escaped.txt",  # noqa: S108 - a name inside a forged archive, never written
        "media/a/../../escaped.txt",
        "elsewhere.txt",
    ],
)
def test_restore_refuses_a_path_outside_the_archive(made, name, tmp_path):
    members = members_of(made.path)
    manifest = json.loads(members["manifest.json"])
    data = b"not here"
    with pytest.raises(RestoreRefused, match="路径"):
        backup_restore(rewrite(made.path, {**members, name: data}, listed(manifest, name, data)))
    assert not (tmp_path / "escaped.txt").exists()


@pytest.mark.django_db
def test_restore_refuses_a_link_and_a_size_unlike_the_manifest(made):
    members = members_of(made.path)
    manifest = json.loads(members["manifest.json"])
    linked = made.path.with_name("linked.tar.gz")
    with tarfile.open(linked, "w:gz") as tar:
        info = tarfile.TarInfo("media/passwd")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tar.addfile(info)
        for name, data in members.items():
            entry = tarfile.TarInfo(name)
            entry.size = len(data)
            tar.addfile(entry, io.BytesIO(data))
    with pytest.raises(RestoreRefused, match="链接"):
        backup_restore(linked)
    for entry in manifest["files"]:
        entry["size"] += 1
    with pytest.raises(RestoreRefused):
        backup_restore(rewrite(made.path, members, manifest))


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"just text")
    with pytest.raises(CommandError, match="无法打开"):
        call_command("restore", str(not_a_backup))
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


@pytest.mark.django_db
def test_the_nightly_backup_is_off_by_default(settings, tmp_path):
    settings.DANGJIAN_BACKUP_DIR = tmp_path
    assert settings.DANGJIAN_BACKUP_NIGHTLY is False
    assert nightly.nightly_backup.call() == {"backup": "off"}
    assert not BackupRun.objects.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_a_nightly_backup_keeps_its_retention(settings, media, tmp_path):
    settings.DANGJIAN_BACKUP_NIGHTLY = True
    settings.DANGJIAN_BACKUP_DIR = folder = tmp_path / "nightly"
    settings.DANGJIAN_BACKUP_KEEP_DAILY = 2
    settings.DANGJIAN_BACKUP_KEEP_MONTHLY = 1
    folder.mkdir()
    for stamp in ("20250105-023000", "20250106-023000", "20250107-023000"):
        (folder / f"dangjian-backup-{stamp}.tar.gz").write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup")
    result = nightly.nightly_backup.call()
    assert result["files"] == 1
    kept = sorted(path.name for path in folder.iterdir())
    assert kept == ["dangjian-backup-20250107-023000.tar.gz", Path(result["archive"]).name, "notes.txt"]
    assert BackupRun.objects.get().trigger == BackupTrigger.NIGHTLY


@pytest.mark.django_db
def test_a_failing_nightly_backup_is_recorded_shown_and_warned_of(settings, client, college, tmp_path, monkeypatch):
    settings.DANGJIAN_BACKUP_NIGHTLY = True
    settings.DANGJIAN_BACKUP_DIR = tmp_path

    def broken(connection, dest):
        raise OSError("磁盘已满")

    monkeypatch.setattr(services.database, "dump", broken)
    with pytest.raises(OSError, match="磁盘已满"):
        nightly.nightly_backup.call()
    run = BackupRun.objects.get()
    assert not run.ok
    assert "磁盘已满" in run.error
    assert [warning.id for warning in backup_check()] == ["ops.W004"]
    assert list(tmp_path.iterdir()) == []  # no half-written archive left behind
    client.force_login(college.user("admin"))
    body = client.get(reverse("ops:status")).content.decode()
    assert "磁盘已满" in body


@pytest.mark.django_db
def test_the_status_page_shows_the_last_good_backup_or_its_absence(client, college):
    client.force_login(college.user("admin"))
    assert "尚未备份" in client.get(reverse("ops:status")).content.decode()
    now = timezone.now()
    BackupRun.objects.create(
        started_at=now, finished_at=now, trigger=BackupTrigger.MANUAL, ok=True, size=3 * 2**20, files=12
    )
    body = client.get(reverse("ops:status")).content.decode()
    assert "最近一次成功的备份" in body
    assert timezone.localtime(now).strftime("%Y-%m-%d %H:%M") in body
    assert "3.0" in body


@pytest.mark.django_db
def test_an_old_last_backup_is_warned_of_when_nightly_backups_are_on(settings):
    settings.DANGJIAN_BACKUP_NIGHTLY = True
    assert backup_check() == []  # none tried yet
    long_ago = timezone.now() - datetime.timedelta(days=3)
    BackupRun.objects.create(started_at=long_ago, finished_at=long_ago, trigger=BackupTrigger.NIGHTLY, ok=True)
    assert [warning.id for warning in backup_check()] == ["ops.W005"]
    settings.DANGJIAN_BACKUP_NIGHTLY = False
    assert backup_check() == []


@pytest.mark.django_db
def test_scheduling_keeps_one_waiting_nightly_backup(settings, monkeypatch):
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(
        task_backends._connections,  # noqa: SLF001
        "default",
        DatabaseBackend(alias="default", params={}),
        raising=False,
    )
    assert nightly.schedule_backup() is False  # off by default
    settings.DANGJIAN_BACKUP_NIGHTLY = True
    assert nightly.schedule_backup() is True
    assert nightly.schedule_backup() is False
    waiting = DBTaskResult.objects.get()
    assert waiting.task_path == nightly.nightly_backup.module_path
    assert timezone.localtime(waiting.run_after).time() == datetime.time(2, 30)


def test_a_sqlite_copy_taken_under_writes_is_one_moment_of_the_database(tmp_path):
    """A writer commits pairs of rows while the copy is taken: the copy is whole and never holds half a pair."""
    import sqlite3
    import threading
    from types import SimpleNamespace

    from dangjian.ops.backup import database

    path = tmp_path / "busy.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE pair (id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, payload TEXT NOT NULL)")
    setup.executemany("INSERT INTO pair (batch, payload) VALUES (?, ?)", [(n // 2, "党" * 2000) for n in range(20_000)])
    setup.commit()
    setup.close()
    stop = threading.Event()
    committed = []

    def write() -> None:
        writer = sqlite3.connect(path, timeout=30, isolation_level=None)
        batch = 10_000
        while not stop.is_set():
            writer.execute("BEGIN IMMEDIATE")
            writer.executemany("INSERT INTO pair (batch, payload) VALUES (?, ?)", [(batch, "写"), (batch, "入")])
            writer.execute("COMMIT")
            committed.append(batch)
            batch += 1
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while len(committed) < 20:
            stop.wait(0.01)
        before = len(committed)
        copy = tmp_path / "copy.sqlite3"
        database.dump(SimpleNamespace(vendor="sqlite", settings_dict={"NAME": str(path)}), copy)
    finally:
        stop.set()
        thread.join()
    assert len(committed) > before  # the writer went on while the copy was taken
    check = sqlite3.connect(copy)
    rows, halves = check.execute(
        "SELECT count(*), (SELECT count(*) FROM (SELECT batch FROM pair GROUP BY batch HAVING count(*) <> 2)) FROM pair"
    ).fetchone()
    journal = check.execute("PRAGMA journal_mode").fetchone()[0]
    check.close()
    assert halves == 0
    assert rows >= 20_000 + 2 * before  # every pair committed before the copy began is in it
    assert journal == "delete"
