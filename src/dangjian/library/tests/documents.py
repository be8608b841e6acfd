"""Sample files for tests, built on the fly: each function returns the bytes of one file.

    docx_bytes(["第一段。", "第二段。"], title="学习材料")
    pdf_bytes(["第一页的文字。", "第二页的文字。"])     # a real PDF with a text layer, one page each
    pptx_bytes([("标题", "正文"), ("第二张", "")])
    text_bytes("正文", encoding="gb18030")

PDFs are drawn by WeasyPrint with the Noto CJK fonts, about 0.2 s each (plus 1.5 s to import
WeasyPrint once): build them once per module in a fixture when several tests need one.
"""

import html
import io
import struct
import zipfile

import docx
import pptx

PDF_STYLE = """
@page { size: A5; margin: 1.5cm; }
body { font-family: "Noto Serif CJK SC", serif; font-size: 11pt; line-height: 1.6; }
p { margin: 0 0 0.5em; text-indent: 2em; }
section { page-break-after: always; }
section:last-child { page-break-after: auto; }
.box { width: 6cm; height: 4cm; background: #888; border: 2px solid #000; }
"""


def docx_bytes(
    paragraphs: list[str], title: str = "", *, heading: str = "", table: list[list[str]] | None = None
) -> bytes:
    """A Word document: an optional Heading 1, one paragraph per string, then an optional table
    (a list of rows of cell texts). `title` goes into the document properties."""
    document = docx.Document()
    document.core_properties.title = title
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
        for cells, row in zip(grid.rows, table, strict=False):
            for cell, text in zip(cells.cells, row, strict=False):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _html_pdf(sections: list[str], title: str = "") -> bytes:
    from weasyprint import HTML  # slow to import: only when a test draws a PDF

    body = "".join(f"<section>{section}</section>" for section in sections)
    document = (
        f"<html><head><title>{html.escape(title)}</title><style>{PDF_STYLE}</style></head><body>{body}</body></html>"
    )
    return HTML(string=document).write_pdf()


def pdf_bytes(pages: list[str], title: str = "") -> bytes:
    """A PDF with a text layer, one page per string (each line of it a paragraph; a string longer
    than a page would spill onto the next, so keep each under ~500 Chinese characters).
    `title` goes into the PDF's metadata."""
    sections = ["".join(f"<p>{html.escape(line)}</p>" for line in page.splitlines()) for page in pages]
    return _html_pdf(sections, title)


def scanned_pdf_bytes(pages: int = 1) -> bytes:
    """A PDF whose pages hold only a drawn grey box and no text, as a scan without OCR would."""
    return _html_pdf(['<div class="box"></div>'] * pages)


def encrypted_pdf_bytes(pages: list[str], password: str = "secret") -> bytes:  # noqa: S107 - a test file
    """`pdf_bytes(pages)` that opens only with `password`."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pptx_bytes(slides: list[tuple[str, str]], notes: list[str] | None = None) -> bytes:
    """A slide deck with one "Title and Content" slide per (title, body) pair; each line of a
    body is a paragraph, an empty title or body leaves its placeholder empty. `notes[i]` becomes
    the speaker notes of slide i."""
    presentation = pptx.Presentation()
    layout = presentation.slide_layouts[1]
    for index, (title, body) in enumerate(slides):
        slide = presentation.slides.add_slide(layout)
        if title:
            slide.shapes.title.text = title
        if body:
            slide.placeholders[1].text_frame.text = body
        if notes and index < len(notes) and notes[index]:
            slide.notes_slide.notes_text_frame.text = notes[index]
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def text_bytes(text: str, encoding: str = "utf-8") -> bytes:
    """`text` encoded; "utf-8-sig" gives UTF-8 with a byte-order mark, "gb18030" the Chinese legacy encoding."""
    return text.encode(encoding)


def broken_bytes(kind: str) -> bytes:
    """A damaged file of `kind` ("docx", "pptx" or "pdf") that still looks like one from outside:
    for docx and pptx a sound zip whose main XML part is garbled, for pdf a PDF header followed by
    garbage. (For a truncated file, cut the bytes of a good one: `docx_bytes([...])[:1000]`.)"""
    if kind == "pdf":
        return b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
    good = docx_bytes(["正文"]) if kind == "docx" else pptx_bytes([("标题", "正文")])
    main_part = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml"}[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<w:document><unclosed" if item.filename == main_part else data)
    return out.getvalue()


# --- OLE2 compound files (.doc, .ppt, password-protected .docx) ----------------------------------

_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_FAT_SECTOR = 0xFFFFFFFD
_NO_STREAM = 0xFFFFFFFF


def _directory_entry(name: str, kind: int, child: int = _NO_STREAM, right: int = _NO_STREAM) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,  # 5 root storage, 2 stream
        1,  # black
        _NO_STREAM,  # left sibling
        right,
        child,
        b"\0" * 16,
        0,
        0,
        0,
        _END_OF_CHAIN,  # first sector: none, the stream is empty
        0,  # size
    )


def ole2_bytes(streams: list[str], filler: int = 0) -> bytes:
    """A minimal OLE2 compound file (the container of .doc, .ppt and password-protected .docx)
    holding empty streams named `streams` (at most 3): ["WordDocument"] looks like a .doc,
    ["PowerPoint Document"] like a .ppt, ["EncryptionInfo", "EncryptedPackage"] like a protected
    .docx. `filler` extra zero bytes are appended."""
    assert len(streams) <= 3, "one directory sector holds the root and three streams"
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # little-endian
        9,  # sector shift
        6,  # mini sector shift
        b"\0" * 6,
        0,  # directory sectors (always 0 in version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,  # transaction signature
        4096,  # mini stream cutoff
        _END_OF_CHAIN,  # first mini FAT sector
        0,
        _END_OF_CHAIN,  # first DIFAT sector
        0,
    ) + struct.pack("<109I", 0, *[_FREE] * 108)
    fat = struct.pack("<128I", _FAT_SECTOR, _END_OF_CHAIN, *[_FREE] * 126)
    entries = [_directory_entry("Root Entry", 5, child=1 if streams else _NO_STREAM)]
    for index, name in enumerate(streams, start=1):
        entries.append(_directory_entry(name, 2, right=index + 1 if index < len(streams) else _NO_STREAM))
    directory = b"".join(entries).ljust(512, b"\0")
    return header + fat + directory + b"\0" * filler
