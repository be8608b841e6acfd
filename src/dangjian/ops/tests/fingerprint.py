"""What a site holds, as JSON, for comparing a site with its restore: run as
`python -m dangjian.ops.tests.fingerprint [--login USERNAME PASSWORD]` under the site's settings.

Every table's row count and a hash of its rows (in a canonical order), every uploaded file's
SHA-256, the data folder's key, and what a search of the library finds. Reads only, except
`--login`, which logs in through the login page afterwards (and so writes a session).
"""

import datetime
import decimal
import hashlib
import json
import os
import sys
from pathlib import Path

SEARCHES = ["党课", "初心使命", "党章"]


def _plain(value) -> str:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return repr(value)


def tables() -> dict[str, list]:
    from django.db import connection

    found = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own tables
            rows = sorted("\x1f".join(_plain(value) for value in row) for row in cursor.fetchall())
            digest = hashlib.sha256("\x1e".join(rows).encode()).hexdigest()
            found[table] = [len(rows), digest]
    return found


def files() -> dict[str, str]:
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    found = {}
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file():
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    key = Path(settings.DATA_DIR) / "secret_key"
    if key.exists():
        found["<secret_key>"] = hashlib.sha256(key.read_bytes()).hexdigest()
    return found


def searches() -> dict[str, list[int]]:
    from dangjian.library import search
    from dangjian.library.models import Material

    return {q: [hit.material_id for hit in search.search(q, materials=Material.objects.all()).hits] for q in SEARCHES}


def login(username: str, password: str) -> dict[str, object]:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    home = client.get(reverse("web:home"))
    return {
        "status": response.status_code,
        "logged_in": "_auth_user_id" in client.session,
        "home": home.status_code,
    }


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.config.settings")
    django.setup()
    result: dict[str, object] = {"tables": tables(), "files": files(), "searches": searches()}
    if argv[:1] == ["--login"]:
        result["login"] = login(argv[1], argv[2])
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
