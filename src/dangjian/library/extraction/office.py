"""Word (.docx) and PowerPoint (.pptx) files.

A Word document flows: its paragraphs and table rows, in document order, are paginated like any
text. A slide deck keeps one page per slide: its shapes top to bottom, then the speaker notes.

python-docx and python-pptx are imported by the functions that need them: a child process reading
a Word file then starts without loading the PowerPoint library, and the other way round.
"""

from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from .base import BrokenFile, Extracted, NoText, Progress
from .text import normalise, shorten_title, text_result, title_from

CELL_SEPARATOR = " | "  # between the cells of a table row, which reads as one line
_TITLE_STYLES = ("Title", "Heading 1", "标题", "标题 1")
_TITLE_SEARCH = 10  # a heading further down than this many paragraphs is not the title


def _open(opener, file: BinaryIO):
    """The parsed package. A file that passed `sniff` but fails here is damaged: the parsers raise
    anything from KeyError to lxml's XMLSyntaxError, so every exception means the same."""
    file.seek(0)
    try:
        return opener(file)
    except Exception as exc:
        raise BrokenFile from exc


# --- Word -----------------------------------------------------------------------------------------


def _table_rows(table) -> Iterator[str]:
    """A table's rows as lines of cell texts; a merged cell is read once, nested tables inline."""
    seen = set()
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(_block_lines(cell.iter_inner_content()))
            if text.strip():
                cells.append(text)
        if cells:
            yield CELL_SEPARATOR.join(cells)


def _block_lines(blocks) -> Iterator[str]:
    from docx.text.paragraph import Paragraph

    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        else:
            yield from _table_rows(block)


def _docx_title(document) -> str:
    if title := shorten_title(document.core_properties.title or ""):
        return title
    for paragraph in document.paragraphs[:_TITLE_SEARCH]:
        if paragraph.style is not None and paragraph.style.name in _TITLE_STYLES and paragraph.text.strip():
            return shorten_title(paragraph.text)
    return ""


def extract_docx(file: BinaryIO, progress: Progress | None = None) -> Extracted:
    """A Word document's paragraphs and tables, in order, cut into pages of a readable length."""
    import docx

    document = _open(docx.Document, file)
    text = "\n".join(_block_lines(document.iter_inner_content()))
    return text_result("docx", text, _docx_title(document), progress)


# --- PowerPoint -----------------------------------------------------------------------------------


def _shape_lines(shape) -> Iterator[str]:
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        for inner in _reading_order(shape.shapes):
            yield from _shape_lines(inner)
    elif shape.has_text_frame:
        yield from (paragraph.text for paragraph in shape.text_frame.paragraphs)
    elif getattr(shape, "has_table", False):
        for row in shape.table.rows:
            cells = [cell.text for cell in row.cells if cell.text.strip()]
            if cells:
                yield CELL_SEPARATOR.join(cells)


def _reading_order(shapes) -> list:
    """Shapes top to bottom, then left to right; the slide title first."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    titles = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE)

    def key(shape):
        is_title = shape.is_placeholder and shape.placeholder_format.type in titles
        return (not is_title, shape.top or 0, shape.left or 0)

    return sorted(shapes, key=key)


def _slide_text(slide) -> str:
    lines = [line for shape in _reading_order(slide.shapes) for line in _shape_lines(shape)]
    notes = slide.notes_slide.notes_text_frame if slide.has_notes_slide else None
    if notes is not None and (notes_text := normalise(notes.text)):
        lines += [_("Speaker notes:"), notes_text]
    return normalise("\n".join(lines))


def _pptx_title(presentation, pages: list[str]) -> str:
    shape = presentation.slides[0].shapes.title if presentation.slides else None
    if shape is not None and shape.has_text_frame and (title := shorten_title(shape.text_frame.text)):
        return title
    if title := shorten_title(presentation.core_properties.title or ""):
        return title
    return title_from(next((page for page in pages if page), ""))


def extract_pptx(file: BinaryIO, progress: Progress | None = None) -> Extracted:
    """One page per slide (the notes included); a slide without text gives ""."""
    import pptx

    presentation = _open(pptx.Presentation, file)
    slides = list(presentation.slides)
    pages = []
    for index, slide in enumerate(slides):
        pages.append(_slide_text(slide))
        if progress is not None:
            progress(index + 1, len(slides))
    if not any(pages):
        raise NoText.for_kind("pptx")
    return Extracted(kind="pptx", pages=pages, title=_pptx_title(presentation, pages))
