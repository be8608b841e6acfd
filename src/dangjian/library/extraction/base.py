"""What every extractor shares: the accepted kinds, the result, and the errors.

Each error is a `DomainError` (shown to the uploader as it is) with a `code` that the upload page
and the API can branch on; `ExtractionFailed` catches them all.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.errors import DomainError
from dangjian.core.files import FileRefused, refusal_message

# The `MaterialKind` values an uploaded file can be; legacy .doc/.ppt become docx/pptx once converted.
KINDS_ACCEPTED: tuple[str, ...] = ("docx", "pdf", "pptx", "txt", "md")

Progress = Callable[[int, int], None]  # (pages done, pages in all)


@dataclass
class Extracted:
    """The text of an uploaded file, page by page, and a proposed title ("" when none was found).

    `pages` is never empty. A PDF page or a slide without text stays as "" so that page numbers
    match the original; paragraphs inside a page are separated by a blank line ("\\n\\n").
    """

    kind: str
    pages: list[str]
    title: str


class ExtractionFailed(DomainError):
    code = "extraction_failed"
    default_message = gettext_lazy("The text of this file could not be read.")


class UnsupportedType(ExtractionFailed):
    code = "unsupported_type"
    default_message = gettext_lazy(
        "This type of file is not supported. Upload a Word document (.docx), a PDF, "
        "PowerPoint slides (.pptx), or a plain text (.txt) or Markdown (.md) file."
    )


class LegacyFormat(ExtractionFailed):
    """An old binary Office file (.doc, .ppt) and no converter on the server."""

    code = "legacy_format"
    default_message = gettext_lazy(
        "This is an old-format Office file, which cannot be read here. Open it in Word, PowerPoint or WPS, "
        "save it as .docx or .pptx, and upload the new file."
    )

    @classmethod
    def for_format(cls, legacy: str) -> "LegacyFormat":
        """The error for a legacy format ("doc" or "ppt"), saying how to convert it."""
        if legacy == "doc":
            return cls(
                _(
                    "This is an old-format Word document (.doc), which cannot be read here. Open it in Word or "
                    "WPS, choose Save As, pick the Word Document (.docx) type, and upload the new file."
                )
            )
        if legacy == "ppt":
            return cls(
                _(
                    "These are old-format PowerPoint slides (.ppt), which cannot be read here. Open them in "
                    "PowerPoint or WPS, choose Save As, pick the PowerPoint Presentation (.pptx) type, and "
                    "upload the new file."
                )
            )
        return cls()


class EmptyFile(ExtractionFailed):
    code = "empty_file"
    default_message = gettext_lazy("The file is empty.")


class BrokenFile(ExtractionFailed):
    code = "broken_file"
    default_message = gettext_lazy(
        "The file is damaged or incomplete and cannot be opened. Check that it opens on your computer, "
        "save it again, and upload it once more."
    )


class EncryptedFile(ExtractionFailed):
    code = "encrypted_file"
    default_message = gettext_lazy(
        "The file is protected by a password. Remove the password (open it, then save a copy without one) "
        "and upload it again."
    )


class NoText(ExtractionFailed):
    code = "no_text"
    default_message = gettext_lazy("No text could be found in this file.")

    @classmethod
    def for_kind(cls, kind: str) -> "NoText":
        """The error for a file of `kind` without text; for a PDF, the likely cause is a scan."""
        if kind == "pdf":
            return cls(
                _(
                    "This PDF has no text layer (it is probably a scan), so its text cannot be read. Upload a "
                    "version with text, or run text recognition (OCR) on it first, for example in WPS."
                )
            )
        return cls()


class TooDemanding(ExtractionFailed):
    """A file that would take too much to read: a zip bomb, too many parts, or a parser that ran
    out of its memory or time (see `dangjian.core.files`)."""

    code = "too_demanding"

    @classmethod
    def refused(cls, refusal: FileRefused) -> "TooDemanding":
        return cls(refusal_message(refusal))
