"""The documented production environment (deploy/env.example), for tests that run processes under it.

`documented_environment()` gives the variables of deploy/env.example with what each installation
fills in replaced by a test's own: the secret key, the folders, and (unless given) the database and
Redis. A test that starts app processes and a worker behind a proxy uses it, so that it runs with the
settings the documentation gives, and `dangjian check --deploy` is tested with the same.
"""

import os
import re
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
ENV_EXAMPLE = ROOT / "deploy" / "env.example"


def read_env_file(path: Path = ENV_EXAMPLE) -> tuple[dict[str, str], set[str]]:
    """The variables an EnvironmentFile sets, and the names it shows commented out (`# NAME=default`)."""
    values: dict[str, str] = {}
    mentioned: set[str] = set()
    for line in path.read_text().splitlines():
        if match := re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line):
            values[match[1]] = match[2]
        elif match := re.fullmatch(r"# ([A-Z][A-Z0-9_]*)=.*", line):
            mentioned.add(match[1])
    return values, mentioned


def documented_environment(folder: Path, *, database_url: str, redis_url: str | None = None) -> dict[str, str]:
    """This process's environment without any dangjian setting, plus the documented ones, with the
    installation's own values in `folder`, at `database_url` and (if given) `redis_url`."""
    documented, _ = read_env_file()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DANGJIAN_", "DJANGO_")) and name not in {"DATABASE_URL", "REDIS_URL"}
    }
    installation = {
        "DANGJIAN_SECRET_KEY": secrets.token_urlsafe(50),
        "DANGJIAN_DATA_DIR": str(folder / "data"),
        "DANGJIAN_STATIC_ROOT": str(folder / "static"),
        "DANGJIAN_BACKUP_DIR": str(folder / "backups"),
        "DATABASE_URL": database_url,
    }
    if redis_url is not None:
        installation["REDIS_URL"] = redis_url
    # No folder of the machine's is touched: every documented path is replaced by one in `folder`.
    missing = {name for name, value in documented.items() if value.startswith("/")} - set(installation)
    if missing:
        raise ValueError(f"documented paths without a test folder: {sorted(missing)}")
    return env | documented | installation
