"""From an uploaded file of a known kind to its pages of text.

`extract` reads in this process; `extract_limited` is what the library's services call: it reads
an Office package or a PDF in a child process under memory and time limits, after checking the
package's directory (see `dangjian.core.files`), and converts a legacy .doc/.ppt first here (the
converter is a program of its own, under its own time limit). The parsers are imported only for
the kind being read, so that a child starts quickly.
"""

import dataclasses
import io
import logging
from typing import BinaryIO

from dangjian.core.files import ChildFailed, FileRefused, ReadLimits, check_archive, is_zip, run_limited

from .base import KINDS_ACCEPTED, BrokenFile, EmptyFile, Extracted, Progress, TooDemanding, UnsupportedType
from .legacy import LEGACY_TARGET, OLE2_MAGIC, convert_legacy, legacy_format
from .text import decode, markdown_text, markdown_title, text_result, title_from

logger = logging.getLogger(__name__)

_LEGACY_OF = {target: legacy for legacy, target in LEGACY_TARGET.items()}
_PARSED_KINDS = ("docx", "pptx", "pdf")  # read in a child process; plain text is decoded here
MAX_TEXT_CHARS = 30_000_000  # about 60 MB of Chinese: far beyond any book, short of a bomb's output
CHILD_READER = "dangjian.library.extraction.pipeline:extract_file"


def extract(file: BinaryIO, kind: str, *, progress: Progress | None = None) -> Extracted:
    """The pages and a title proposal of `file`, whose `kind` came from `sniff`, read in this process.

    `file` is a seekable binary file (a Django `File` opened "rb", a BytesIO). A legacy .doc/.ppt
    sniffed as docx/pptx is converted first. `progress(done, total)` is called as pages are read:
    after every page of a PDF or slide deck, once at the end for flowing text; throttle in it if it
    is costly (for a PDF it runs while `PDFIUM_LOCK` is held, so it must not use PDFium). Raises the
    `ExtractionFailed` errors, `NoText` when there is no text at all.
    """
    if kind not in KINDS_ACCEPTED:
        raise UnsupportedType
    file = _converted(file, kind)
    if kind == "pdf":
        from .pdf import extract_pdf

        return extract_pdf(file, progress)
    if kind == "docx":
        from .office import extract_docx

        return extract_docx(file, progress)
    if kind == "pptx":
        from .office import extract_pptx

        return extract_pptx(file, progress)
    file.seek(0)
    text = decode(file.read())
    if kind == "md":
        return text_result(kind, markdown_text(text), markdown_title(text), progress)
    return text_result(kind, text, title_from(text), progress)


def _converted(file: BinaryIO, kind: str) -> BinaryIO:
    """`file`, or the .docx/.pptx made of it when it is a legacy .doc/.ppt; `EmptyFile` when empty."""
    file.seek(0)
    head = file.read(len(OLE2_MAGIC))
    if not head:
        raise EmptyFile
    if kind in _LEGACY_OF and head == OLE2_MAGIC:
        file.seek(0)
        legacy = legacy_format(file.read(), f"source.{_LEGACY_OF[kind]}")
        return io.BytesIO(convert_legacy(file, legacy))
    return file


def extract_limited(
    file: BinaryIO, kind: str, *, progress: Progress | None = None, limits: ReadLimits | None = None
) -> Extracted:
    """`extract`, with a Word, PowerPoint or PDF file read in a child process within `limits` (by
    default the settings'). Raises what `extract` raises, and `TooDemanding` for a file over the
    limits: a zip bomb, too many parts, too much text, or a parser out of memory or time."""
    if kind not in _PARSED_KINDS:
        return extract(file, kind, progress=progress)
    limits = limits or ReadLimits.from_settings()
    file = _converted(file, kind)
    check_package(file, limits)  # the directory alone, before a process is started
    try:
        data = run_limited(
            CHILD_READER,
            file,
            limits,
            progress=progress,
            kind=kind,
        )
    except FileRefused as refusal:
        logger.warning("A .%s file was refused: %s", kind, refusal)
        raise TooDemanding.refused(refusal) from None
    except ChildFailed:
        logger.exception("Reading a .%s file failed", kind)
        raise BrokenFile from None
    file.seek(0)
    return Extracted(kind=data["kind"], pages=data["pages"], title=data["title"])


def check_package(file: BinaryIO, limits: ReadLimits | None = None) -> None:
    """Refuse (`TooDemanding`) an Office package whose directory announces too many entries, too
    many bytes once unpacked, or a part packed too tightly; reads the directory only, so it is cheap
    for a file of any size. Anything else passes."""
    if not is_zip(file):
        return
    try:
        check_archive(file, limits or ReadLimits.from_settings())
    except FileRefused as refusal:
        logger.warning("An Office file was refused: %s", refusal)
        raise TooDemanding.refused(refusal) from None


def extract_file(path: str, report: Progress, limits: ReadLimits, *, kind: str) -> dict:
    """The child's side of `extract_limited`: the package's entries inflated and counted, then read."""
    with open(path, "rb") as file:
        if is_zip(file):
            check_archive(file, limits, unpack=True)
        result = extract(file, kind, progress=report)
    if sum(map(len, result.pages)) > MAX_TEXT_CHARS:
        raise FileRefused("text", MAX_TEXT_CHARS)
    return dataclasses.asdict(result)
