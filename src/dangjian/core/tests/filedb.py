"""A fixture for fault tests of SQLite's write lock: the test database copied into a file.

The test suite's database lives in memory, where SQLite's locking is not the production one. Use
with `pytest.mark.django_db(transaction=True)`: `from dangjian.core.tests.filedb import file_database`.
"""

import copy
import sqlite3

import pytest
from django.db import connection, connections

BUSY_SECONDS = 1  # how long a writer waits for the lock before "database is locked"


@pytest.fixture
def file_database(tmp_path):
    """The test database (with what the test made so far) copied into a file, and every new
    connection pointed at it: WAL and IMMEDIATE transactions as in production, and a busy timeout
    of `BUSY_SECONDS` so that a lock held too long fails quickly. Request it after the fixtures
    that create data."""
    if connection.vendor != "sqlite":
        pytest.skip("this is about SQLite's single write lock")
    connection.ensure_connection()
    memory = connections["default"]
    settings = connections.settings["default"]
    path = tmp_path / "dangjian.sqlite3"
    target = sqlite3.connect(path)
    memory.connection.backup(target)
    target.close()
    on_file = copy.deepcopy(settings)
    on_file["NAME"] = str(path)
    on_file["OPTIONS"]["timeout"] = BUSY_SECONDS
    on_file["OPTIONS"]["init_command"] = on_file["OPTIONS"]["init_command"].replace(
        "busy_timeout=20000", f"busy_timeout={BUSY_SECONDS * 1000}"
    )
    connections.settings["default"] = on_file
    del connections["default"]  # the in-memory connection stays open (and its database alive) in `memory`
    try:
        yield path
    finally:
        connections["default"].close()
        connections.settings["default"] = settings
        connections["default"] = memory
