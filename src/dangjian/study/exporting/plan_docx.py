"""A study plan (学习教育计划) as a Word document, ready to print and file.

Word picks the East Asian font from `w:eastAsia`, and built-in styles carry theme-font attributes
(`w:asciiTheme`, `w:eastAsiaTheme`, …) that override any font set beside them; so every style used
here gets explicit fonts and loses its theme attributes.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dangjian.library.rules.hours import hours_from_minutes
from dangjian.study.models import Organiser
from dangjian.study.selectors.plans import PlanDetail

BODY_FONT = ("Times New Roman", "宋体")
HEADING_FONT = ("Arial", "黑体")
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _set_fonts(rpr, latin: str, east_asian: str) -> None:
    """Explicit fonts on a run-properties element, with the theme fonts that would override them removed."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for name in THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(name), None)
    for name in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(name), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _style_fonts(style, fonts: tuple[str, str], size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = fonts[0]
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    _set_fonts(style.element.get_or_add_rPr(), *fonts)


def _prepare(document) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_fonts(rpr, *BODY_FONT)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:eastAsia"), "zh-CN")
    styles = document.styles
    _style_fonts(styles["Normal"], BODY_FONT, size=12)
    _style_fonts(styles["Table Grid"], BODY_FONT)
    title = styles.add_style("PlanTitle", WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = styles["Normal"]
    _style_fonts(title, HEADING_FONT, size=18, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    heading = styles.add_style("PlanHeading", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = styles["Normal"]
    _style_fonts(heading, HEADING_FONT, size=14, bold=True)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)
    cell = styles.add_style("PlanCell", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    _style_fonts(cell, BODY_FONT, size=10.5)
    cell.paragraph_format.space_after = Pt(0)
    header = styles.add_style("PlanCellHeader", WD_STYLE_TYPE.PARAGRAPH)
    header.base_style = cell
    _style_fonts(header, HEADING_FONT, size=10.5, bold=True)
    header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def month_label(month) -> str:
    return _("%(year)d-%(month)02d") % {"year": month.year, "month": month.month}


def _organiser(row, plan) -> str:
    item = row.item
    if item.organiser == Organiser.EVERY_BRANCH:
        return str(_("Every branch"))
    if row.required:
        return _("%(org)s (required by %(source)s)") % {"org": plan.org.name, "source": item.source.plan.org.name}
    return plan.org.name


def _mark_header_row(row) -> None:
    # Repeat the header row on every printed page.
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def plan_docx(detail: PlanDetail) -> bytes:
    """The plan as a .docx file: title, semester, introduction, and a table of items by month."""
    plan = detail.plan
    semester = plan.semester
    document = Document()
    _prepare(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin = section.bottom_margin = Cm(2.0)

    document.add_paragraph(plan.title, style="PlanTitle")
    subtitle = document.add_paragraph(
        _("%(semester)s (%(start)s to %(end)s)")
        % {"semester": semester.name, "start": semester.starts_on.isoformat(), "end": semester.ends_on.isoformat()},
        style="Normal",
    )
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER

    if plan.introduction.strip():
        document.add_paragraph(_("1. Introduction"), style="PlanHeading")
        for text in plan.introduction.splitlines():
            if text.strip():
                paragraph = document.add_paragraph(text.strip(), style="Normal")
                paragraph.paragraph_format.first_line_indent = Pt(24)

    document.add_paragraph(_("2. Study arrangements by month"), style="PlanHeading")
    headers = [
        _("Month"),
        _("Date"),
        _("Theme"),
        _("Form"),
        _("Audience"),
        _("Organiser"),
        _("Study hours (学时)"),
    ]
    widths = [Cm(2.3), Cm(2.4), Cm(8.5), Cm(4.2), Cm(2.8), Cm(3.8), Cm(1.8)]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].text = str(text)
        cell.paragraphs[0].style = document.styles["PlanCellHeader"]
    _mark_header_row(table.rows[0])
    for row in detail.rows:
        item = row.item
        theme = item.theme + (" " + _("(required)") if row.required else "")
        values = [
            month_label(item.month),
            item.planned_on.isoformat() if item.planned_on else "",
            theme,
            item.get_form_display(),
            item.get_audience_display(),
            _organiser(row, plan),
            str(hours_from_minutes(item.planned_minutes)) if item.planned_minutes else "",
        ]
        cells = table.add_row().cells
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.width = width
            cell.paragraphs[0].text = str(text)
            cell.paragraphs[0].style = document.styles["PlanCell"]
    total = table.add_row().cells
    total[0].merge(total[5]).paragraphs[0].text = str(_("Total planned study hours"))
    total[6].paragraphs[0].text = str(hours_from_minutes(detail.planned_minutes))
    for cell in (total[0], total[6]):
        cell.paragraphs[0].style = document.styles["PlanCellHeader"]

    signature = document.add_paragraph(plan.org.name, style="Normal")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.space_before = Pt(24)
    issued = (plan.published_at and timezone.localtime(plan.published_at).date()) or timezone.localdate()
    date = document.add_paragraph(issued.isoformat(), style="Normal")
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plan_docx_filename(detail: PlanDetail) -> str:
    return f"{detail.plan.title}.docx"
