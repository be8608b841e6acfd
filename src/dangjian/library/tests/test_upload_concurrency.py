"""A slow upload must not hold the database's write lock while its file is read.

On SQLite one writer holds the lock at a time; the others wait up to the busy timeout and then
fail with "database is locked". This test runs on a real file database (a copy of the test
database, with WAL and IMMEDIATE transactions as in production, and a busy timeout shorter than
the upload's reading), uploads a file whose reading is slowed down, and writes from other threads
meanwhile: every request must succeed.
"""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

from dangjian.core.tests.filedb import file_database  # noqa: F401 - a fixture
from dangjian.library import extraction
from dangjian.library.models import Material
from dangjian.library.tests.documents import docx_bytes, text_bytes

pytestmark = pytest.mark.django_db(transaction=True)

READING_SECONDS = 4  # longer than the writers' patience (`filedb.BUSY_SECONDS`)
WRITES = 6


def form(college, name: str, data: bytes) -> dict:
    return {"org": college.branch.pk, "area": "theory", "audience": "all", "file": SimpleUploadedFile(name, data)}


def test_writes_go_on_while_an_upload_is_read(college, file_database, monkeypatch):  # noqa: F811
    reading = threading.Event()
    real = extraction.extract_limited

    def slow(file, kind, **kwargs):
        if kind == "docx":
            reading.set()
            time.sleep(READING_SECONDS)
        return real(file, kind, **kwargs)

    monkeypatch.setattr(extraction, "extract_limited", slow)
    monkeypatch.setattr(extraction, "extract", slow)  # the name the service used before reading was limited
    results: dict[str, list] = {"upload": [], "writes": [], "errors": []}

    def run(key: str, posts: list[tuple[str, bytes]], wait: threading.Event | None = None) -> None:
        try:
            client = Client(raise_request_exception=False)
            client.force_login(college.user("branch"))
            if wait is not None:
                assert wait.wait(30)
            for name, data in posts:
                started = time.monotonic()
                response = client.post("/library/upload/", form(college, name, data))
                results[key].append((response.status_code, time.monotonic() - started, response.content[-2000:]))
        except Exception as exc:
            results["errors"].append(repr(exc))
        finally:
            connections.close_all()

    upload = threading.Thread(target=run, args=("upload", [("慢.docx", docx_bytes(["主题党日学习材料"]))]))
    writes = [(f"笔记{i}.txt", text_bytes(f"第{i}篇学习笔记：学习党章党规。")) for i in range(WRITES)]
    writer = threading.Thread(target=run, args=("writes", writes, reading))
    upload.start()
    writer.start()
    upload.join(60)
    writer.join(60)

    assert results["errors"] == []
    statuses = [status for status, _seconds, _body in results["upload"] + results["writes"]]
    assert statuses == [302] * (1 + WRITES), [body for _s, _t, body in results["upload"] + results["writes"]]
    assert not any(b"database is locked" in body for _s, _t, body in results["upload"] + results["writes"])
    # Each write waited for no one: far less than the time the upload spent reading.
    assert max(seconds for _status, seconds, _body in results["writes"]) < READING_SECONDS
    assert Material.objects.count() == 1 + WRITES
