"""Old binary Office files (.doc, .ppt): recognising them, and converting them with LibreOffice.

They are OLE2 compound files; the name of the main stream tells the program that wrote them
("WordDocument", "PowerPoint Document"). A .docx or .pptx protected by a password is an OLE2 file
too, holding an "EncryptedPackage" stream. Conversion runs `soffice --headless --convert-to` in a
temporary folder with its own profile (so conversions can run side by side), under a time limit
(its whole process group is killed at the end), and a converted file too large is not read.
"""

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from dangjian.core.files import FileRefused

from .base import BrokenFile, EncryptedFile, LegacyFormat, TooDemanding, UnsupportedType

logger = logging.getLogger(__name__)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONVERTERS = ("soffice", "libreoffice")
CONVERT_TIMEOUT = 180  # seconds; a long slide deck takes a while
CONVERTED_MAX_BYTES = 256 * 1024 * 1024  # a converted file larger than this is not read into memory
LEGACY_TARGET = {"doc": "docx", "ppt": "pptx"}  # legacy format → the kind it becomes

# Stream names as stored in the compound file's directory (UTF-16LE), and what they mean.
_STREAMS = (
    ("EncryptedPackage", "encrypted"),
    ("PowerPoint Document", "ppt"),
    ("WordDocument", "doc"),
)
_SUFFIXES = {".doc": "doc", ".dot": "doc", ".wps": "doc", ".ppt": "ppt", ".pps": "ppt", ".pot": "ppt", ".dps": "ppt"}


def legacy_format(data: bytes, filename: str) -> str:
    """The legacy format ("doc" or "ppt") of an OLE2 file's bytes.

    Raises `EncryptedFile` for a password-protected .docx/.pptx, `UnsupportedType` for other
    OLE2 files (old Excel, Outlook messages). If both main streams appear (a slide deck embedding a
    Word document), the file name decides.
    """
    found = {meaning for name, meaning in _STREAMS if name.encode("utf-16-le") in data}
    if "encrypted" in found:
        raise EncryptedFile
    by_name = _SUFFIXES.get(Path(filename).suffix.lower())
    if len(found) == 1:
        return found.pop()
    if by_name and (not found or by_name in found):
        return by_name
    raise UnsupportedType


def converter() -> str | None:
    """The path of LibreOffice's `soffice` on this machine, or None."""
    for name in CONVERTERS:
        if path := shutil.which(name):
            return path
    return None


def convert_legacy(file: BinaryIO, legacy: str, *, timeout: float | None = None) -> bytes:
    """The bytes of a legacy .doc/.ppt file converted to .docx/.pptx.

    Raises `LegacyFormat` when no converter is installed, `BrokenFile` when it fails or runs out
    of time (its whole process group is then killed).
    """
    program = converter()
    if program is None:
        raise LegacyFormat.for_format(legacy)
    target = LEGACY_TARGET[legacy]
    with tempfile.TemporaryDirectory(prefix="dangjian-convert-") as folder:
        work = Path(folder)
        source = work / f"source.{legacy}"
        with source.open("wb") as out:
            file.seek(0)
            shutil.copyfileobj(file, out)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        with (work / "log").open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=work,
                env={**os.environ, "HOME": str(work)},
                start_new_session=True,
            )
            try:
                process.wait(timeout=CONVERT_TIMEOUT if timeout is None else timeout)
            except subprocess.TimeoutExpired:
                logger.warning("Converting a .%s file timed out", legacy)
                raise BrokenFile(
                    _("Converting this old-format file took too long. Save it as .docx or .pptx and upload that.")
                ) from None
            finally:
                _kill_group(process)
        result = work / "out" / f"source.{target}"
        if process.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            logger.warning(
                "Converting a .%s file failed (exit %s): %s",
                legacy,
                process.returncode,
                (work / "log").read_text(errors="replace")[-2000:],
            )
            raise BrokenFile
        if result.stat().st_size > CONVERTED_MAX_BYTES:
            raise TooDemanding.refused(FileRefused("unpacked", CONVERTED_MAX_BYTES))
        return result.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    """Ends the converter and anything it started (soffice forks a worker), then reaps it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
