"""Text extraction for the study-materials library: what an uploaded file is, and its text page by page.

    kind = sniff(file, name)                   # by content; raises an ExtractionFailed with a message
    extracted = extract_limited(file, kind)    # Extracted(kind, pages, title), read in a child process

Pure functions over binary files: no database; settings only for the reading limits.
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
    TooDemanding,
    UnsupportedType,
)
from .legacy import convert_legacy, converter
from .pipeline import check_package, extract, extract_limited
from .sniff import sniff
from .text import PAGE_TARGET, normalise, paginate

__all__ = [
    "KINDS_ACCEPTED",
    "PAGE_TARGET",
    "BrokenFile",
    "EmptyFile",
    "EncryptedFile",
    "Extracted",
    "ExtractionFailed",
    "LegacyFormat",
    "NoText",
    "Progress",
    "TooDemanding",
    "UnsupportedType",
    "check_package",
    "convert_legacy",
    "converter",
    "extract",
    "extract_limited",
    "normalise",
    "paginate",
    "sniff",
]
