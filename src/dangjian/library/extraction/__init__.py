"""Text extraction for the study-materials library: what an uploaded file is, and its text page by page.

    kind = sniff(file, name)           # by content; raises an ExtractionFailed with a message
    extracted = extract(file, kind)    # Extracted(kind, pages, title)

Pure functions over binary files: no database, no settings beyond gettext.
"""

from .base import (
    KINDS_ACCEPTED,
    BrokenFile,
    EmptyFile,
    EncryptedFile,
    Extracted,
    ExtractionFailed,
    LegacyFormat,
    NoText,
    Progress,
    UnsupportedType,
)
from .legacy import convert_legacy, converter
from .pdf import PDFIUM_LOCK
from .pipeline import extract
from .sniff import sniff
from .text import PAGE_TARGET, normalise, paginate

__all__ = [
    "KINDS_ACCEPTED",
    "PAGE_TARGET",
    "PDFIUM_LOCK",
    "BrokenFile",
    "EmptyFile",
    "EncryptedFile",
    "Extracted",
    "ExtractionFailed",
    "LegacyFormat",
    "NoText",
    "Progress",
    "UnsupportedType",
    "convert_legacy",
    "converter",
    "extract",
    "normalise",
    "paginate",
    "sniff",
]
