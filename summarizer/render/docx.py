"""The briefing as a Word document (python-docx), laid out like an official brief.

Built in code, no template file: a centred title with unit, period and meeting; the key
indicators as a table (Chỉ tiêu, Giá trị, % kế hoạch, So cùng kỳ), targets in a second table
of their own; one heading and bullet list per section; a closing line naming the source
file, the model and the date. Every run uses Times New Roman, which has Vietnamese glyphs.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import CharacterStyle
from docx.table import _Cell
from docx.text.run import Run

from ..schema import ReportSummary
from .common import Briefing, IndicatorRow
from .layout import build_briefing

__all__ = ["render_docx"]

FONT = "Times New Roman"
ACCENT = RGBColor(0x7A, 0x1F, 0x1F)
COLUMN_WIDTHS = (Mm(72), Mm(34), Mm(48), Mm(26))


def _set_font(
    style_or_run: CharacterStyle | Run, size: float | None = None, color: RGBColor | None = None
) -> None:
    """Use FONT for every script slot, so Word never falls back for Vietnamese letters."""
    font = style_or_run.font
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    if color is not None:
        font.color.rgb = color
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def _setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin = section.bottom_margin = Mm(12)
    normal = doc.styles["Normal"]
    _set_font(normal, 11)
    normal.paragraph_format.space_after = Pt(2)
    for name, size in (("Title", 15), ("Heading 1", 12.5), ("Heading 2", 11)):
        style = doc.styles[name]
        _set_font(style, size, ACCENT if name != "Heading 2" else RGBColor(0x22, 0x22, 0x22))
        style.font.bold = True
        style.paragraph_format.space_before = Pt(8 if name == "Heading 1" else 4)
        style.paragraph_format.space_after = Pt(2)
    for name in ("List Bullet", "Table Grid"):
        _set_font(doc.styles[name])


def _shade(cell: _Cell, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _cell_text(
    cell: _Cell, text: str, bold: bool = False, italic: bool = False, right: bool = False
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    _set_font(run, 10)


def _indicator_table(
    doc: DocumentObject, columns: tuple[str, ...], rows: list[IndicatorRow]
) -> None:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label, width in zip(table.rows[0].cells, columns, COLUMN_WIDTHS, strict=True):
        cell.width = width
        _cell_text(cell, label, bold=True)
        _shade(cell, "F1E9E4")
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text, width) in enumerate(zip(cells, row.cells, COLUMN_WIDTHS, strict=True)):
            cell.width = width
            _cell_text(cell, text, italic=row.is_target, right=i == 1)


def _note(doc: DocumentObject, text: str) -> None:
    run = doc.add_paragraph().add_run(text)
    run.italic = True
    _set_font(run, 10, RGBColor(0x55, 0x55, 0x55))


def build_document(b: Briefing) -> DocumentObject:
    doc = Document()
    _setup(doc)
    props = doc.core_properties  # python-docx's template says "python-docx", 2013
    props.title = f"{b.title} — {b.heading}"
    props.language = "vi-VN"
    props.author = props.last_modified_by = "summarizer"
    props.created = props.modified = datetime.now(UTC).replace(microsecond=0)
    props.revision = 1
    props.comments = b.footer
    title = doc.add_paragraph(b.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(b.heading)
    run.bold = True
    _set_font(run, 12)
    if b.meeting_date:
        when = doc.add_paragraph(f"Ngày họp: {b.meeting_date}")
        when.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading(b.indicators_title, level=1)
    if b.rows:
        _indicator_table(doc, b.columns, b.rows)
    if b.targets:
        _note(doc, f"{b.targets_title}:")
        _indicator_table(doc, b.target_columns, b.targets)
    if b.rows_hidden:
        _note(doc, f"+{b.rows_hidden} mục khác")
    if not b.rows and not b.targets:
        _note(doc, b.empty_section)

    for sec in b.sections:
        doc.add_heading(sec.title, level=1)
        if not sec.total:
            _note(doc, b.empty_section)
        for text in sec.items:
            doc.add_paragraph(text, style="List Bullet")
        if sec.hidden:
            _note(doc, f"+{sec.hidden} mục khác")

    footer = doc.add_paragraph()
    footer.paragraph_format.space_before = Pt(10)
    run = footer.add_run(b.footer)
    run.italic = True
    _set_font(run, 9, RGBColor(0x55, 0x55, 0x55))
    return doc


def render_docx(summary: ReportSummary, *, today: date | None = None) -> bytes:
    """The .docx file's bytes."""
    out = io.BytesIO()
    build_document(build_briefing(summary, today=today)).save(out)
    return out.getvalue()
