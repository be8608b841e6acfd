"""Render the demo library's materials into real files: Word, PDF, slides, plain text, Markdown.

`material_files(today)` returns every material with its publication date (counted back from
`today`) and its file as bytes, ready to be stored through the library's services. Videos are
links and have no file. The zip-based formats (docx, pptx) are written with fixed timestamps,
so the same material always gives the same bytes.
"""

import datetime
import html
import io
import re
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from pptx import Presentation
from pptx.dml.color import RGBColor as PptxRGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml.ns import qn as pptx_qn
from pptx.util import Inches
from pptx.util import Pt as PptxPt

from dangjian.demo.library.content import SPECS
from dangjian.demo.library.spec import MaterialSpec, blocks, publication_date
from dangjian.library.models import ContentArea, MaterialKind, MaterialStatus
from dangjian.members.audience import Audience

BODY_FONT = "宋体"  # Word's usual body face; fontconfig maps it to Noto Serif CJK SC
HEADING_FONT = "黑体"  # maps to Noto Sans CJK SC
LATIN_FONT = "Times New Roman"
THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
PDF_FONTS = '"Noto Serif CJK SC", "Noto Sans CJK SC", serif'
PDF_HEADING_FONTS = '"Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif'


@dataclass(frozen=True)
class DemoMaterial:
    title: str
    source: str
    published_on: datetime.date | None
    area: ContentArea
    tags: tuple[str, ...]
    audience: Audience
    status: MaterialStatus
    kind: MaterialKind
    summary: str
    keywords: list[str]
    downloadable: bool
    video_url: str
    duration_minutes: int
    owner: str  # "committee" or the name of the branch that published it
    filename: str  # "" for a video
    data: bytes | None  # None for a video
    page_count: int  # PDF pages or slides (title slide included); 0 for the other kinds
    text: str  # the plain text of the whole material, for checks and previews
    starter: bool = False  # in the small demo's library too (see `MaterialSpec.starter`)


def material_files(today: datetime.date) -> list[DemoMaterial]:
    """Every demo material, rendered, with dates counted back from `today`."""
    return [render(spec, today) for spec in SPECS]


def render(spec: MaterialSpec, today: datetime.date) -> DemoMaterial:
    published_on = publication_date(spec, today)
    # A draft's file is dated when it was written: a few days ago.
    stamp = published_on or today - datetime.timedelta(days=3)
    renderers = {
        MaterialKind.DOCX: _docx,
        MaterialKind.PDF: _pdf,
        MaterialKind.PPTX: _pptx,
        MaterialKind.TXT: _txt,
        MaterialKind.MD: _md,
    }
    if spec.kind == MaterialKind.VIDEO:
        data, filename = None, ""
    else:
        data = renderers[spec.kind](spec, published_on, stamp)
        filename = file_name(spec.title, spec.kind)
    if spec.kind == MaterialKind.PDF:
        page_count = len(spec.pages)
    elif spec.kind == MaterialKind.PPTX:
        page_count = len(spec.slides) + 1
    else:
        page_count = 0
    return DemoMaterial(
        title=spec.title,
        source=spec.source,
        published_on=published_on,
        area=spec.area,
        tags=spec.tags,
        audience=spec.audience,
        status=spec.status,
        kind=spec.kind,
        summary=spec.summary,
        keywords=list(spec.keywords),
        downloadable=spec.downloadable,
        video_url=spec.video_url,
        duration_minutes=spec.duration_minutes,
        owner=spec.owner,
        filename=filename,
        data=data,
        page_count=page_count,
        text=plain_text(spec),
        starter=spec.starter,
    )


def plain_text(spec: MaterialSpec) -> str:
    if spec.kind == MaterialKind.VIDEO:
        return spec.summary
    if spec.kind == MaterialKind.PPTX:
        return "\n".join([spec.title, *(f"{title}\n{lines}" for title, lines in spec.slides)])
    sources = spec.pages if spec.kind == MaterialKind.PDF else (spec.body,)
    return "\n".join(text for source in sources for _kind, text in blocks(source))


def file_name(title: str, kind: str) -> str:
    """The title as a file name: characters file systems refuse become underscores."""
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("._")[:80]
    return f"{stem}.{kind}"


def _date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _meta_line(spec: MaterialSpec, published_on: datetime.date | None, stamp: datetime.date) -> str:
    when = f"发布日期：{_date_text(published_on)}" if published_on else f"成稿日期：{_date_text(stamp)}"
    return f"来源：{spec.source}　{when}"


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=datetime.UTC)


def _stable_zip(data: bytes, day: datetime.date) -> bytes:
    """The same archive with every member dated `day`, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 9, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Word


def _docx_font(rpr, east_asian: str, latin: str) -> None:
    """Name the fonts outright and drop the theme-font attributes, which Word prefers otherwise."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in THEME_FONTS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _docx_styles(document) -> None:
    # Theme fonts anywhere in the template would win over the fonts named below.
    for fonts in document.styles.element.iter(qn("w:rFonts")):
        for attr in THEME_FONTS:
            fonts.attrib.pop(qn(attr), None)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for rpr in defaults.iter(qn("w:rPr")):
            _docx_font(rpr, BODY_FONT, LATIN_FONT)
    for name, east_asian, size in (
        ("Normal", BODY_FONT, 12),
        ("Title", HEADING_FONT, 20),
        ("Heading 1", HEADING_FONT, 15),
        ("Heading 2", HEADING_FONT, 13),
        ("List Bullet", BODY_FONT, 12),
    ):
        style = document.styles[name]
        _docx_font(style.element.get_or_add_rPr(), east_asian, LATIN_FONT)
        style.font.size = Pt(size)
        if name != "Normal":
            style.font.color.rgb = RGBColor(0, 0, 0)
    title = document.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The template's Title has a blue rule below it; a Chinese document has none.
    ppr = title.element.pPr
    if ppr is not None and (border := ppr.find(qn("w:pBdr"))) is not None:
        ppr.remove(border)


def _docx(spec: MaterialSpec, published_on: datetime.date | None, stamp: datetime.date) -> bytes:
    document = Document()
    _docx_styles(document)
    props = document.core_properties
    props.title = spec.title
    props.author = props.last_modified_by = spec.source
    props.subject = ContentArea(spec.area).label
    props.keywords = "；".join(spec.keywords)
    props.created = props.modified = _moment(stamp)
    props.revision = 1
    document.add_paragraph(spec.title, style="Title")
    meta = document.add_paragraph(_meta_line(spec, published_on, stamp))
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in blocks(spec.body):
        if kind == "heading":
            document.add_paragraph(text, style="Heading 1")
        elif kind == "subheading":
            document.add_paragraph(text, style="Heading 2")
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        else:
            paragraph = document.add_paragraph(text)
            paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters
    out = io.BytesIO()
    document.save(out)
    return _stable_zip(out.getvalue(), stamp)


# ---------------------------------------------------------------------------------------------
# PDF

PDF_CSS = f"""
@page {{
  size: A4;
  margin: 22mm 22mm 20mm;
  @bottom-center {{ content: counter(page) " / " counter(pages); font-size: 9pt; color: #666; }}
}}
body {{ font-family: {PDF_FONTS}; font-size: 11.5pt; line-height: 1.8; color: #111; }}
h1 {{ font-family: {PDF_HEADING_FONTS}; font-size: 18pt; text-align: center; margin: 0 0 3mm; line-height: 1.4; }}
.meta {{ text-align: center; text-indent: 0; color: #555; font-size: 10pt; margin: 0 0 8mm; }}
h2 {{ font-family: {PDF_HEADING_FONTS}; font-size: 13.5pt; margin: 4mm 0 2mm; }}
h3 {{ font-family: {PDF_HEADING_FONTS}; font-size: 12pt; margin: 3mm 0 1mm; }}
p {{ text-indent: 2em; margin: 0 0 2mm; text-align: justify; }}
ul {{ margin: 0 0 2mm; padding-left: 2em; }}
li {{ margin: 0 0 1mm; }}
section {{ break-after: page; }}
section:last-child {{ break-after: auto; }}
"""


def _html_blocks(text: str) -> str:
    parts: list[str] = []
    in_list = False
    for kind, content in blocks(text):
        if kind == "bullet" and not in_list:
            parts.append("<ul>")
            in_list = True
        elif kind != "bullet" and in_list:
            parts.append("</ul>")
            in_list = False
        escaped = html.escape(content)
        tag = {"heading": "h2", "subheading": "h3", "bullet": "li", "paragraph": "p"}[kind]
        parts.append(f"<{tag}>{escaped}</{tag}>")
    if in_list:
        parts.append("</ul>")
    return "".join(parts)


def pdf_html(spec: MaterialSpec, published_on: datetime.date | None, stamp: datetime.date) -> str:
    """One <section> per page of the spec, each ending in a page break."""
    sections = []
    for number, page in enumerate(spec.pages):
        head = ""
        if number == 0:
            head = f"<h1>{html.escape(spec.title)}</h1><p class='meta'>{html.escape(_meta_line(spec, published_on, stamp))}</p>"
        sections.append(f"<section>{head}{_html_blocks(page)}</section>")
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{html.escape(spec.title)}</title>"
        f"<meta name='author' content='{html.escape(spec.source)}'>"
        f"<meta name='keywords' content='{html.escape(', '.join(spec.keywords))}'>"
        f"<meta name='dcterms.created' content='{stamp.isoformat()}'>"
        f"<meta name='dcterms.modified' content='{stamp.isoformat()}'>"
        f"<style>{PDF_CSS}</style></head><body>{''.join(sections)}</body></html>"
    )


def _pdf(spec: MaterialSpec, published_on: datetime.date | None, stamp: datetime.date) -> bytes:
    import weasyprint  # slow to import; only the PDFs need it

    return weasyprint.HTML(string=pdf_html(spec, published_on, stamp)).write_pdf()


# ---------------------------------------------------------------------------------------------
# Slides

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
PARTY_RED = PptxRGBColor(0xC0, 0x00, 0x00)


def _pptx_fonts(text_frame, size: int) -> None:
    for paragraph in text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = PptxPt(size)
            run.font.name = "Arial"
            rpr = run._r.get_or_add_rPr()
            if rpr.find(pptx_qn("a:ea")) is None:
                latin = rpr.find(pptx_qn("a:latin"))
                ea = rpr.makeelement(pptx_qn("a:ea"), {"typeface": HEADING_FONT})
                latin.addnext(ea)


def _band(slide, top: float, height: float) -> None:
    """A red band across the slide, the usual mark of Party-education decks."""
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, Inches(top), SLIDE_WIDTH, Inches(height))
    band.fill.solid()
    band.fill.fore_color.rgb = PARTY_RED
    band.line.fill.background()


def _fit(shape, top: float, height: float) -> None:
    shape.left, shape.width = Inches(0.7), SLIDE_WIDTH - Inches(1.4)
    shape.top, shape.height = Inches(top), Inches(height)


def _pptx(spec: MaterialSpec, published_on: datetime.date | None, stamp: datetime.date) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    props = deck.core_properties
    props.title = spec.title
    props.author = props.last_modified_by = spec.source
    props.keywords = "；".join(spec.keywords)
    props.created = props.modified = _moment(stamp)
    props.revision = 1

    cover = deck.slides.add_slide(deck.slide_layouts[0])
    _band(cover, 0, 0.9)
    _band(cover, 6.9, 0.6)
    cover.shapes.title.text = spec.title
    _fit(cover.shapes.title, 2.0, 1.8)
    _pptx_fonts(cover.shapes.title.text_frame, 36)
    subtitle = cover.placeholders[1]
    subtitle.text = _meta_line(spec, published_on, stamp)
    _fit(subtitle, 4.2, 1.0)
    _pptx_fonts(subtitle.text_frame, 18)

    for title, lines in spec.slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        _band(slide, 0, 0.25)
        slide.shapes.title.text = title
        _fit(slide.shapes.title, 0.4, 1.1)
        _pptx_fonts(slide.shapes.title.text_frame, 30)
        body = slide.placeholders[1]
        _fit(body, 1.7, 5.3)
        frame = body.text_frame
        items = [line.strip() for line in lines.splitlines() if line.strip()]
        frame.text = items[0]
        for item in items[1:]:
            frame.add_paragraph().text = item
        _pptx_fonts(frame, 22 if len(items) <= 5 else 20)
    out = io.BytesIO()
    deck.save(out)
    return _stable_zip(out.getvalue(), stamp)


# ---------------------------------------------------------------------------------------------
# Plain text and Markdown


def _txt(spec: MaterialSpec, published_on: datetime.date | None, stamp: datetime.date) -> bytes:
    lines = [spec.title, "", _meta_line(spec, published_on, stamp), ""]
    for kind, text in blocks(spec.body):
        if kind in ("heading", "subheading"):
            lines += ["", text]
        elif kind == "bullet":
            lines.append(f"· {text}")
        else:
            lines.append(f"　　{text}")
    return (re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n").encode()


def _md(spec: MaterialSpec, published_on: datetime.date | None, stamp: datetime.date) -> bytes:
    parts = [f"# {spec.title}", f"> {_meta_line(spec, published_on, stamp)}"]
    previous = ""
    for kind, text in blocks(spec.body):
        line = {"heading": f"## {text}", "subheading": f"### {text}", "bullet": f"- {text}"}.get(kind, text)
        if kind == previous == "bullet":
            parts[-1] += "\n" + line  # a list's items stay together
        else:
            parts.append(line)
        previous = kind
    return ("\n\n".join(parts) + "\n").encode()
