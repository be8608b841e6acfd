"""What kind of file an upload is, judged by its content; the name only settles .md against .txt
and breaks ties between old Office formats."""

import zipfile
from pathlib import Path
from typing import BinaryIO

from dangjian.core.files import FileRefused, check_entry_count

from .base import BrokenFile, EmptyFile, LegacyFormat, TooDemanding, UnsupportedType
from .legacy import LEGACY_TARGET, OLE2_MAGIC, converter, legacy_format
from .text import looks_like_text

HEAD_SIZE = 64 * 1024  # enough to judge an encoding; a PDF's header is in its first KiB
PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
MARKDOWN_SUFFIXES = (".md", ".markdown")


def sniff(file: BinaryIO, filename: str) -> str:
    """The `MaterialKind` value ("docx", "pdf", "pptx", "txt", "md") of an uploaded file.

    `file` is a seekable binary file. Only its first 64 KiB are read, except for a zip or OLE2
    container, whose directory may be anywhere: then all of it. The file is left at position 0.
    A legacy .doc/.ppt gives "docx"/"pptx" when a converter is installed (`extract` converts it),
    else `LegacyFormat`. Raises `EmptyFile`, `BrokenFile`, `EncryptedFile` or `UnsupportedType`.
    """
    try:
        return _sniff(file, filename)
    finally:
        file.seek(0)


def _sniff(file: BinaryIO, filename: str) -> str:
    file.seek(0)
    head = file.read(HEAD_SIZE)
    if not head:
        raise EmptyFile
    if PDF_MAGIC in head[:1024]:
        return "pdf"
    if head.startswith(ZIP_MAGICS):
        return _sniff_zip(file)
    if head.startswith(OLE2_MAGIC):
        file.seek(0)
        legacy = legacy_format(file.read(), filename)
        if converter() is None:
            raise LegacyFormat.for_format(legacy)
        return LEGACY_TARGET[legacy]
    if looks_like_text(head, complete=len(head) < HEAD_SIZE):
        return "md" if Path(filename).suffix.lower() in MARKDOWN_SUFFIXES else "txt"
    raise UnsupportedType


def _sniff_zip(file: BinaryIO) -> str:
    """Office Open XML is a zip: Word keeps its parts under word/, PowerPoint under ppt/."""
    try:
        check_entry_count(file)
    except FileRefused as refusal:
        raise TooDemanding.refused(refusal) from None
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise BrokenFile from exc
    folders = {name.split("/", 1)[0] for name in names if "/" in name}
    if "word" in folders:
        return "docx"
    if "ppt" in folders:
        return "pptx"
    raise UnsupportedType
