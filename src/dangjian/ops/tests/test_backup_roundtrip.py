"""A backup of the demo college restores elsewhere with nothing lost, as an operator would do it.

Each step is the real command in a process of its own, under the site's own settings: build the
small demo, back it up, restore it into an empty data folder (and, when the suite runs on
PostgreSQL, into a fresh database the test creates and drops), then compare every table's row
count and content hash, every uploaded file's checksum, the library's search, and log in.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from dangjian.demo.plan import DEMO_PASSWORD

BASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = BASE_URL.startswith("postgres")
# Each round trip runs in the pass of the suite on its own database: these tests start their own processes
# and databases, so the SQLite one would only repeat itself in the PostgreSQL pass.
SQLITE_PASS_ONLY = pytest.mark.skipif(ON_POSTGRES, reason="run once, in the suite's pass on SQLite")
VENDORS = [
    pytest.param("sqlite", marks=SQLITE_PASS_ONLY),
    pytest.param("postgresql", marks=pytest.mark.skipif(not ON_POSTGRES, reason="DATABASE_URL is not PostgreSQL")),
]


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory, worker_id) -> Path:
    """The small demo's data folder on SQLite, built once for every process of the run (the page crawl uses
    the same one), or the one named by DANGJIAN_CRAWL_DEMO. Tests copy it and leave it as it is."""
    from tests.browser.crawl import demo_data_folder

    base = tmp_path_factory.getbasetemp()
    return demo_data_folder(base.parent if worker_id != "master" else base)


def _environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DANGJIAN_SECRET_KEY", "DATABASE_URL", "PYTEST_XDIST_WORKER"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "dangjian.config.settings",
        "DANGJIAN_DATA_DIR": str(data_dir),
        "DANGJIAN_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DANGJIAN_LOG_LEVEL": "ERROR",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and commands
        [sys.executable, "-m", *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )


def dangjian(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return run(env, "dangjian.cli", *args)


def fingerprint(env: dict[str, str], *args: str) -> dict:
    done = run(env, "dangjian.ops.tests.fingerprint", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class Databases:
    """Fresh PostgreSQL databases on the server of DATABASE_URL, dropped at the end."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def _admin(self):
        import psycopg

        parts = urlsplit(BASE_URL)
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)

    def create(self, purpose: str) -> str:
        name = f"dangjian_{purpose}_{uuid.uuid4().hex[:8]}"
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return urlunsplit(urlsplit(BASE_URL)._replace(path=f"/{name}"))

    def drop_all(self) -> None:
        with self._admin() as admin:
            for name in self.names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def databases():
    made = Databases()
    yield made
    if made.names:
        made.drop_all()


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_demo_survives_a_backup_and_a_restore(vendor, tmp_path, databases, request):
    postgres = vendor == "postgresql"
    source = _environment(tmp_path / "source", databases.create("source") if postgres else None)
    target = _environment(tmp_path / "target", databases.create("target") if postgres else None)

    if postgres:
        built = dangjian(source, "demo", "--small", "--no-serve")
        assert built.returncode == 0, built.stderr
    else:  # the same command's result, built once for the run
        shutil.copytree(
            request.getfixturevalue("small_demo"), tmp_path / "source", ignore=shutil.ignore_patterns("static")
        )
    before = fingerprint(source)
    assert before["files"], "the demo has uploaded files"
    assert all(before["searches"].values()), before["searches"]

    backed_up = dangjian(source, "backup", "--to", str(tmp_path / "backups"))
    assert backed_up.returncode == 0, backed_up.stderr
    [archive] = (tmp_path / "backups").glob("dangjian-backup-*.tar.gz")

    restored = dangjian(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    after = fingerprint(target, "--login", "demo-member", DEMO_PASSWORD)

    assert set(after["tables"]) == set(before["tables"])
    differ = [name for name in before["tables"] if before["tables"][name] != after["tables"][name]]
    assert differ == []
    assert after["files"] == before["files"]
    assert after["searches"] == before["searches"]
    assert after["login"] == {"status": 302, "logged_in": True, "home": 200}

    # The target is no longer empty: a second restore is refused, with a reason, and changes nothing.
    again = dangjian(target, "restore", str(archive))
    assert again.returncode != 0
    assert "不是空的" in again.stderr


def _as_if_older(archive: Path, work: Path) -> Path:
    """The SQLite archive as the version before the backups' own table would have written it."""
    import hashlib
    import io
    import sqlite3
    import tarfile

    with tarfile.open(archive) as tar:
        members = {info.name: tar.extractfile(info).read() for info in tar if info.isfile()}
    manifest = json.loads(members.pop("manifest.json"))
    db = work / "older.sqlite3"
    db.write_bytes(members[manifest["database"]])
    older = sqlite3.connect(db)
    try:
        older.execute("DROP TABLE ops_backuprun")
        older.execute("DELETE FROM django_migrations WHERE app = 'ops' AND name = '0003_backup_run'")
        older.commit()
    finally:
        older.close()
    members[manifest["database"]] = db.read_bytes()
    manifest["migrations"]["ops"].remove("0003_backup_run")
    for entry in manifest["files"]:
        entry["size"] = len(members[entry["name"]])
        entry["sha256"] = hashlib.sha256(members[entry["name"]]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    out = work / "dangjian-backup-older.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


@SQLITE_PASS_ONLY
def test_a_backup_of_an_older_schema_is_migrated_forward(tmp_path, small_demo):
    source = _environment(tmp_path / "source", None)
    shutil.copytree(small_demo, tmp_path / "source", ignore=shutil.ignore_patterns("static"))
    backed_up = dangjian(source, "backup", "--to", str(tmp_path / "backups"))
    assert backed_up.returncode == 0, backed_up.stderr
    [archive] = (tmp_path / "backups").glob("dangjian-backup-*.tar.gz")
    older = _as_if_older(archive, tmp_path)
    target = _environment(tmp_path / "target", None)
    restored = dangjian(target, "restore", str(older))
    assert restored.returncode == 0, restored.stderr
    assert "数据库已迁移到当前版本的结构" in restored.stdout
    unapplied = dangjian(target, "migrate", "--check")
    assert unapplied.returncode == 0, unapplied.stdout
