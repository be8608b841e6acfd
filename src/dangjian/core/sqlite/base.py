"""Django's SQLite backend, with one addition: a database in a folder that cannot be written is
opened read-only instead of not at all.

In WAL mode SQLite must create its `-wal` and `-shm` files next to the database to open it, so a
read-only data folder would otherwise fail every request, reads included. Opened read-only
(`immutable`: nothing else can be writing either), reads work and every write fails with SQLite's
"readonly database" error, which the pages and the API answer with 503 (see `core.datadir`).
"""

import os
from pathlib import Path

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except base.Database.OperationalError:
            path = Path(str(conn_params["database"]))
            if self.is_in_memory_db() or not path.is_file() or os.access(path.parent, os.W_OK):
                raise
            return self._read_only_connection(conn_params, path)

    def _read_only_connection(self, conn_params, path: Path):
        conn = base.Database.connect(**{**conn_params, "database": f"{path.as_uri()}?mode=ro&immutable=1", "uri": True})
        base.register_functions(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn
