"""Small typed readers for settings from the environment."""

import os
import secrets
from pathlib import Path

from dangjian.core.datadir import DataDirError, data_dir_message


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def data_dir() -> Path:
    path = Path(env_str("DANGJIAN_DATA_DIR", "var")).resolve()
    ensure_folder(path)
    return path


def ensure_folder(path: Path) -> None:
    """Create a folder of the data directory, or say in one sentence why it cannot be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(data_dir_message(path, exc)) from exc


def secret_key(folder: Path) -> str:
    """The key from the environment, or one generated into the data folder on first run."""
    if key := env_str("DANGJIAN_SECRET_KEY"):
        return key
    key_file = folder / "secret_key"
    try:
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        return key_file.read_text().strip()
    except OSError as exc:
        raise DataDirError(data_dir_message(key_file, exc)) from exc
