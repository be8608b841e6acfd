"""From an uploaded file of a known kind to its pages of text."""

import io
from typing import BinaryIO

from .base import KINDS_ACCEPTED, EmptyFile, Extracted, Progress, UnsupportedType
from .legacy import LEGACY_TARGET, OLE2_MAGIC, convert_legacy, legacy_format
from .office import extract_docx, extract_pptx
from .pdf import extract_pdf
from .text import decode, markdown_text, markdown_title, text_result, title_from

_LEGACY_OF = {target: legacy for legacy, target in LEGACY_TARGET.items()}


def extract(file: BinaryIO, kind: str, *, progress: Progress | None = None) -> Extracted:
    """The pages and a title proposal of `file`, whose `kind` came from `sniff`.

    `file` is a seekable binary file (a Django `File` opened "rb", a BytesIO). A legacy .doc/.ppt
    sniffed as docx/pptx is converted first. `progress(done, total)` is called as pages are read:
    after every page of a PDF or slide deck, once at the end for flowing text; throttle in it if it
    is costly (for a PDF it runs while `PDFIUM_LOCK` is held, so it must not use PDFium). Raises the `ExtractionFailed` errors, `NoText` when there is no text at all.
    """
    if kind not in KINDS_ACCEPTED:
        raise UnsupportedType
    file.seek(0)
    head = file.read(len(OLE2_MAGIC))
    if not head:
        raise EmptyFile
    if kind in _LEGACY_OF and head == OLE2_MAGIC:
        file.seek(0)
        legacy = legacy_format(file.read(), f"source.{_LEGACY_OF[kind]}")
        file = io.BytesIO(convert_legacy(file, legacy))
    if kind == "pdf":
        return extract_pdf(file, progress)
    if kind == "docx":
        return extract_docx(file, progress)
    if kind == "pptx":
        return extract_pptx(file, progress)
    file.seek(0)
    text = decode(file.read())
    if kind == "md":
        return text_result(kind, markdown_text(text), markdown_title(text), progress)
    return text_result(kind, text, title_from(text), progress)
