"""Plain text: decoding, whitespace, pages of a readable length, and title proposals.

Every extractor ends here: its text is normalised to paragraphs separated by a blank line
("\\n\\n"), one paragraph per line of the source, with inner whitespace collapsed to single spaces.
"""

import codecs
import re
import unicodedata

from .base import BrokenFile, Extracted, NoText, Progress

PARAGRAPH_BREAK = "\n\n"
PAGE_TARGET = 1200  # characters per page: about two phone screens of Chinese text
TITLE_LIMIT = 100  # a proposal longer than this is cut (the title field holds 200)

# Zero-width characters, the byte-order mark, soft hyphens, and PDFium's markers for generated
# hyphens: invisible in the source, noise in the reader and the search index.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\ufffe\u00ad\x02"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_SPACES = re.compile(r"\s+")

# A sentence ends at 。！？ (or ! ? …… and a full stop before a space), with any closing quotes
# or brackets after it and the spaces that follow.
_SENTENCE_END = re.compile(r"(?:[。！？!?]+|…+|\.(?=\s))[”’」』）)》〉\"']*\s*")
_CLAUSE_END = re.compile(r"[，、；：,;:]\s*")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ENCODINGS = ("utf-8", "gb18030")


# --- whitespace -----------------------------------------------------------------------------------


def clean_line(line: str) -> str:
    """One line without invisible or control characters, its whitespace collapsed and trimmed."""
    line = _CONTROL.sub("", line.translate(_INVISIBLE))
    return _SPACES.sub(" ", line).strip()


def normalise(text: str) -> str:
    """Text as paragraphs separated by "\\n\\n": each non-blank line of `text` becomes one paragraph.

    Idempotent, so `normalise(normalise(t)) == normalise(t)`.
    """
    return PARAGRAPH_BREAK.join(line for line in map(clean_line, text.splitlines()) if line)


# --- pages ----------------------------------------------------------------------------------------


def _split_after(text: str, pattern: re.Pattern[str]) -> list[str]:
    """`text` cut after each match of `pattern`; the pieces joined give `text` back."""
    pieces, start = [], 0
    for match in pattern.finditer(text):
        if match.end() > start:
            pieces.append(text[start : match.end()])
            start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _pieces(paragraph: str, target: int) -> list[str]:
    """A paragraph too long for one page, as pieces of at most `target` characters (trailing
    whitespace aside): sentences; a sentence still too long, at commas and semicolons; a clause
    still too long, cut hard (a pathological case: hundreds of characters without punctuation)."""
    pieces = []
    for sentence in _split_after(paragraph, _SENTENCE_END):
        if len(sentence.rstrip()) <= target:
            pieces.append(sentence)
            continue
        for clause in _split_after(sentence, _CLAUSE_END):
            if len(clause.rstrip()) <= target:
                pieces.append(clause)
            else:
                pieces.extend(clause[i : i + target] for i in range(0, len(clause), target))
    return [piece for piece in pieces if piece.strip()]


def paginate(text: str, target: int = PAGE_TARGET) -> list[str]:
    """Text cut into pages of at most `target` characters, at paragraph ends.

    A page holds as many whole paragraphs as fit. A paragraph longer than a page flows on from
    the current page and is cut at sentence ends (。！？), or, for a sentence longer than a page, at
    commas, or at worst anywhere. The text is normalised first; blank text gives no pages.
    Removing whitespace, the pages joined equal the normalised text.
    """
    pages: list[str] = []
    current = ""

    def turn() -> None:
        nonlocal current
        if current.strip():
            pages.append(current.rstrip())
        current = ""

    for paragraph in normalise(text).split(PARAGRAPH_BREAK):
        if not paragraph:
            continue
        separator = PARAGRAPH_BREAK if current else ""
        if len(current) + len(separator) + len(paragraph) <= target:
            current += separator + paragraph
            continue
        if len(paragraph) <= target:
            turn()
            current = paragraph
            continue
        for piece in _pieces(paragraph, target):
            if len(current) + len(separator) + len(piece.rstrip()) > target:
                turn()
                separator = ""
            current += separator + (piece if current else piece.lstrip())
            separator = ""
    turn()
    return pages


def text_result(kind: str, text: str, title: str, progress: Progress | None) -> Extracted:
    """The `Extracted` for a flowing text (docx, txt, md): paginated, or `NoText` if blank."""
    pages = paginate(text)
    if not pages:
        raise NoText.for_kind(kind)
    if progress is not None:
        progress(len(pages), len(pages))
    return Extracted(kind=kind, pages=pages, title=title or title_from(pages[0]))


# --- encodings ------------------------------------------------------------------------------------


def _is_plain(text: str) -> bool:
    """No NUL and almost no other control characters: what a text file looks like once decoded."""
    if "\x00" in text:
        return False
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and not char.isspace())
    return controls <= len(text) // 100


def _encodings(data: bytes) -> tuple[str, ...]:
    """The encodings to try: the one a byte-order mark names, else UTF-8 then GB18030."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return (encoding,)
    return _ENCODINGS


def looks_like_text(head: bytes, complete: bool) -> bool:
    """Whether `head` (the start of a file, or all of it when `complete`) is text: UTF-16 with a
    byte-order mark, or UTF-8 (with or without one) or GB18030 without NUL bytes."""
    for encoding in _encodings(head):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            text = decoder.decode(head, final=complete)
        except UnicodeDecodeError:
            continue
        return _is_plain(text)
    return False


def decode(data: bytes) -> str:
    """The text of a whole text file; `BrokenFile` if it is not in a known encoding."""
    for encoding in _encodings(data):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _is_plain(text):
            return text
    raise BrokenFile


# --- titles ---------------------------------------------------------------------------------------


def shorten_title(title: str) -> str:
    """A title proposal of at most `TITLE_LIMIT` characters: cut at the first sentence end, or hard."""
    title = clean_line(title)
    if len(title) <= TITLE_LIMIT:
        return title
    first = _split_after(title, _SENTENCE_END)[0].strip()
    if len(first) <= TITLE_LIMIT:
        return first
    return title[: TITLE_LIMIT - 1].rstrip() + "…"


def title_from(text: str) -> str:
    """The first non-blank line of `text`, as a title proposal ("" if there is none)."""
    for line in text.splitlines():
        if line := clean_line(line):
            return shorten_title(line)
    return ""


_MD_TITLE = re.compile(r"^\s{0,3}#\s+(.+?)(?:\s+#+)?\s*$", re.MULTILINE)
_MD_HEADING = re.compile(r"^\s{0,3}#{2,6}\s+(.+?)(?:\s+#+)?\s*$", re.MULTILINE)


def markdown_title(source: str) -> str:
    """The first `# ` heading of a Markdown text, else its first heading, else its first line."""
    for pattern in (_MD_TITLE, _MD_HEADING):
        if match := pattern.search(source):
            return title_from(markdown_text(match.group(1)))
    return title_from(markdown_text(source).replace("• ", ""))


# --- Markdown -------------------------------------------------------------------------------------

# The reader shows plain paragraphs, so Markdown is read as the text it renders to: markers of
# headings, quotes, emphasis, code and links go; list items keep a bullet; tables keep their cells.
_MD_LINE_RULES = (
    (re.compile(r"^\s*(?:```|~~~).*$"), ""),  # code fences (the code stays)
    (re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$"), ""),  # horizontal rules
    (re.compile(r"^\s*\|?(?:\s*:?-+:?\s*\|)+\s*:?-*:?\s*$"), ""),  # table header rules
    (re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$"), r"\1"),  # headings
    (re.compile(r"^\s*(?:>\s?)+"), ""),  # quotes
    (re.compile(r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?"), "• "),  # list items
)
_MD_INLINE_RULES = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their description
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"\*(?=\S)(.+?)(?<=\S)\*"), r"\1"),  # italics (not _, common inside names)
    (re.compile(r"`([^`]+)`"), r"\1"),  # inline code
    (re.compile(r"^\s*\|(.*)\|\s*$"), r"\1"),  # table rows: the outer bars
)


def markdown_text(source: str) -> str:
    """A Markdown text without its markup, one line per line of the source."""
    lines = []
    for line in source.splitlines():
        for pattern, replacement in (*_MD_LINE_RULES, *_MD_INLINE_RULES):
            line = pattern.sub(replacement, line)
        lines.append(line)
    return "\n".join(lines)


def is_wide(char: str) -> bool:
    """Whether a character is full-width (Chinese, Japanese, Korean, full-width punctuation)."""
    return unicodedata.east_asian_width(char) in "WF"
