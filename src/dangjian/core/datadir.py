"""A data folder (or database) that cannot be written: told at start-up, survived at run time.

At start-up `check_writable` turns the operating system's error into one sentence that says what
to fix. While running, a write that fails because nothing may be written is answered with 503 and
the same explanation (JSON on the API, a page otherwise); reads go on working.
"""

import errno
import logging
from pathlib import Path

from django.db import DatabaseError
from django.utils.translation import gettext as _

logger = logging.getLogger("dangjian")

# How SQLite and PostgreSQL say that nothing may be written, and the operating system's errors for
# a read-only file system or a folder we may not write to.
READ_ONLY_MESSAGES = ("readonly database", "read-only", "read only")
READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


class DataDirError(RuntimeError):
    """The data folder cannot be used; the message says why and what to do, in Chinese."""


def is_read_only(exc: BaseException) -> bool:
    """Whether `exc` says the database or the data folder cannot be written at the moment."""
    if isinstance(exc, DatabaseError):
        return any(text in str(exc).lower() for text in READ_ONLY_MESSAGES)
    return isinstance(exc, OSError) and exc.errno in READ_ONLY_ERRNOS


def read_only_message() -> str:
    return _("The data folder cannot be written at the moment, so nothing can be saved. Reading still works.")


def check_writable(path: Path) -> None:
    """Create the data folder if needed and make sure a file can be written in it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-check"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise DataDirError(data_dir_message(path, exc)) from exc


def data_dir_message(path: Path, exc: OSError) -> str:
    # Said while the settings load, before translations can be loaded: Chinese as it is.
    return (
        f"数据目录无法写入：{path}（{exc.strerror or exc}）。"
        "请检查该目录是否存在、磁盘是否已满或被挂载为只读，以及运行本程序的账户是否有写权限；"
        "也可以用环境变量 DANGJIAN_DATA_DIR 指定另一个可写的目录。"
    )


def data_dir_is_writable(path: Path) -> bool:
    try:
        check_writable(path)
    except DataDirError:
        return False
    return True


def data_dir_check(app_configs=None, **kwargs) -> list:
    """System check, run before `serve`, `demo`, `migrate` and the other commands: the data folder
    must be writable (the database, uploads, static files and the secret key live there)."""
    from django.conf import settings
    from django.core.checks import Error

    try:
        check_writable(settings.DATA_DIR)
    except DataDirError as exc:
        return [Error(str(exc), id="dangjian.E001")]
    return []
