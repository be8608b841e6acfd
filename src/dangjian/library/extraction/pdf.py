"""PDF: one page of text per PDF page, read with PDFium.

PDFium gives a page's text line by line as laid out, so a paragraph arrives cut into lines, and
they are joined back by their geometry: a new paragraph starts at a line indented from the text's
left edge (Chinese first-line indent, a centred heading), after a line that stops well short of
the right edge (a paragraph's last line), or after a wider vertical gap than usual. On narrow
text (a table column) every line stays on its own. Where PDFium's character positions cannot be
matched to its text, the line widths in characters stand in for the geometry.

PDFium is not thread-safe, not even across documents: every use of it in this process must hold
`PDFIUM_LOCK`, as `extract_pdf` does from opening the document to closing it.
"""

import re
import statistics
import threading
from dataclasses import dataclass
from typing import BinaryIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .base import BrokenFile, EncryptedFile, Extracted, NoText, Progress
from .text import PARAGRAPH_BREAK, clean_line, is_wide, shorten_title, title_from

# Measures in line heights (a line's height is about its font size).
INDENT = 0.8  # a line starting this much right of the left edge starts a paragraph
SHORT_LINE = 2.0  # a line ending this much left of the right edge ends one
NARROW_TEXT = 10.0  # text narrower than this is not joined at all
WIDER_GAP = 1.4  # a line further below the previous one than this × the usual spacing starts one
# Without positions: measures in half-width characters (a Chinese character counts two).
FULL_LINE = 0.85  # a line at least this share of the widest line continues its paragraph
NARROW_PAGE = 20
_LINE = re.compile(r"[^\s](?:[^\r\n]*[^\s])?")
PDFIUM_LOCK = threading.Lock()
_PASSWORD_ERRORS = (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)
_WORD_EXPORT = re.compile(r"^Microsoft (?:Word|PowerPoint)\s*-\s*|\.(?:docx?|pptx?|wps)$", re.IGNORECASE)


def extract_pdf(file: BinaryIO, progress: Progress | None = None) -> Extracted:
    """The text of each page of a PDF; `EncryptedFile` if it needs a password to open."""
    file.seek(0)
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(file)
        except pdfium.PdfiumError as exc:
            if exc.err_code in _PASSWORD_ERRORS:
                raise EncryptedFile from exc
            raise BrokenFile from exc
        try:
            total = len(document)
            pages = []
            for index in range(total):
                pages.append(_page_text(document, index))
                if progress is not None:
                    progress(index + 1, total)
            title = _metadata_title(document)
        finally:
            document.close()
    if not any(pages):
        raise NoText.for_kind("pdf")
    return Extracted(kind="pdf", pages=pages, title=title or title_from(next(page for page in pages if page)))


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    """A page's text as paragraphs; "" for a page without text or one PDFium cannot read."""
    try:
        page = document[index]
    except pdfium.PdfiumError:
        return ""
    try:
        textpage = page.get_textpage()
        try:
            raw = textpage.get_text_range()
            lines = _placed_lines(textpage, raw)
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        return ""
    finally:
        page.close()
    return join_placed_lines(lines) if lines is not None else join_lines(raw)


@dataclass
class PlacedLine:
    """A line of text and its box on the page, in points from the bottom left."""

    text: str
    left: float
    right: float
    bottom: float
    top: float


def _placed_lines(textpage: pdfium.PdfTextPage, raw: str) -> list[PlacedLine] | None:
    """The page's lines with their boxes, or None when the text's characters do not line up
    one to one with PDFium's (characters outside the Basic Multilingual Plane)."""
    if textpage.count_chars() != len(raw):
        return None
    lines = []
    for match in _LINE.finditer(raw):
        if text := clean_line(match.group()):
            left, bottom, _, top = textpage.get_charbox(match.start(), loose=True)
            right = textpage.get_charbox(match.end() - 1, loose=True)[2]
            lines.append(PlacedLine(text, left, right, bottom, top))
    return lines


def join_placed_lines(lines: list[PlacedLine]) -> str:
    """Lines as paragraphs separated by "\\n\\n", by their positions (see the module's note)."""
    if not lines:
        return ""
    height = statistics.median(line.top - line.bottom for line in lines) or 1.0
    left = min(line.left for line in lines)
    right = max(line.right for line in lines)
    drops = [above.bottom - below.bottom for above, below in zip(lines[:-1], lines[1:], strict=True)]
    spacing = statistics.median([drop for drop in drops if drop > 0] or [height])
    narrow = right - left < NARROW_TEXT * height
    paragraphs, current = [], lines[0].text
    for above, below, drop in zip(lines[:-1], lines[1:], drops, strict=True):
        starts = (
            narrow
            or below.left - left > INDENT * height
            or above.right < right - SHORT_LINE * height
            or drop <= 0
            or drop > WIDER_GAP * spacing
        )
        if starts:
            paragraphs.append(current)
            current = below.text
        else:
            current = _join(current, below.text)
    paragraphs.append(current)
    return PARAGRAPH_BREAK.join(paragraphs)


def _width(line: str) -> int:
    return sum(2 if is_wide(char) else 1 for char in line)


def _join(left: str, right: str) -> str:
    """Two lines of one paragraph: Chinese runs on without a space, other scripts get one."""
    if not left:
        return right
    if is_wide(left[-1]) or is_wide(right[0]):
        return left + right
    if left.endswith("-") and left[-2:-1].isalpha():
        return left + right  # a word broken at a hyphen
    return f"{left} {right}"


def join_lines(raw: str) -> str:
    """A page's laid-out lines as paragraphs separated by "\\n\\n", by their lengths alone: a line
    clearly shorter than the longest ends its paragraph."""
    lines = [clean_line(line) for line in raw.splitlines()]
    widths = [_width(line) for line in lines]
    widest = max(widths, default=0)
    paragraphs, current = [], ""
    for line, width in zip(lines, widths, strict=True):
        if line:
            current = _join(current, line)
        if current and (not line or widest < NARROW_PAGE or width < FULL_LINE * widest):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return PARAGRAPH_BREAK.join(paragraphs)


def _metadata_title(document: pdfium.PdfDocument) -> str:
    """The document's Title, without what Word's PDF export wraps it in."""
    try:
        title = document.get_metadata_dict().get("Title", "")
    except pdfium.PdfiumError:
        return ""
    return shorten_title(_WORD_EXPORT.sub("", title.strip()))
