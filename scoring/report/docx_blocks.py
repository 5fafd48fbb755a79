"""The Word building blocks of the draft report (python-docx), in the 公文 look a bureau files
(GB/T 9704): an A4 page with the standard margins (top 37 mm, bottom 35 mm, left 28 mm, right
26 mm) and page numbers in the footer; the title in 小标宋 二号, 一级 headings in 黑体 and 二级 in
楷体 三号, the body in 仿宋 三号, everything black; highlighted 【待填写：…】 placeholders; the
indicator table with merged 一级/二级 cells, proportioned columns and its header row repeated on
every page; the document as bytes.

Only how the document looks; what it says, section by section, is ``docx_report``. python-docx
leaves the East Asian font unset and Word's built-in styles are blue and themed, so every style
the report uses is rewritten here with explicit ``w:rFonts`` (``w:eastAsia`` is the name Word
uses for Chinese text). 方正小标宋简体 is not on every machine: the font table names 宋体 as its
stand-in, which Word substitutes when it is missing. Every text goes through ``channels.xml_text``
here (a control character from the inputs would make lxml refuse the whole document), and the
document names jixiao as its creator, so that a re-run may replace it (``output_files``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ..engine.result import Result
from ..writing.channels import xml_text
from ..writing.files import CREATOR

__all__ = ["BODY_FONT", "PLACEHOLDER", "TITLE_FONT", "DocxBlocks", "TableCell", "save"]

TITLE_FONT = "方正小标宋简体"
TITLE_STAND_IN = "宋体"
HEADING_FONTS = {1: "黑体", 2: "楷体"}
BODY_FONT = "仿宋"
LATIN_FONT = "Times New Roman"
PLACEHOLDER = "【待填写：{}】"

_TITLE_PT, _TEXT_PT, _TABLE_PT = 22, 16, 10.5  # 二号, 三号, 五号
_LINE_PT = 28  # fixed line pitch of the body: 22 lines on a 公文 page
_INDENT = Pt(2 * _TEXT_PT)  # two characters
_TEXT_WIDTH_MM = 210 - 28 - 26


@dataclass(frozen=True)
class TableCell:
    """A cell of a grid table: its text, and how many rows down / columns across it spans."""

    text: str
    down: int = 1
    across: int = 1


def save(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class DocxBlocks:
    """A new document set up for the report, and the blocks its sections are written with."""

    def __init__(self) -> None:
        self.doc = docx.Document()
        self._setup()

    def _setup(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(20)
        styles = self.doc.styles
        _restyle(styles["Normal"], BODY_FONT, _TEXT_PT)
        _restyle(styles["Title"], TITLE_FONT, _TITLE_PT)
        _restyle(styles["Heading 1"], HEADING_FONTS[1], _TEXT_PT)
        _restyle(styles["Heading 2"], HEADING_FONTS[2], _TEXT_PT)
        body = styles["Normal"].paragraph_format
        body.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        body.line_spacing = Pt(_LINE_PT)
        body.space_before = body.space_after = Pt(0)
        for level in (1, 2):
            heading = styles[f"Heading {level}"].paragraph_format
            heading.first_line_indent = _INDENT
            heading.space_before = heading.space_after = Pt(0)
        title = styles["Title"].paragraph_format
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        title.line_spacing = Pt(36)
        title.space_before, title.space_after = Pt(0), Pt(_LINE_PT)
        self._page_numbers()
        self._font_stand_in(TITLE_FONT, TITLE_STAND_IN)
        self.doc.core_properties.author = CREATOR
        self.doc.core_properties.last_modified_by = CREATOR

    def _page_numbers(self) -> None:
        """ "— 1 —" centred in the footer, in 宋体 四号 as 公文 number their pages."""
        paragraph = self.doc.sections[0].footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        _font(paragraph.add_run("— "), TITLE_STAND_IN, 14)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        number = paragraph.add_run("1")
        _font(number, TITLE_STAND_IN, 14)
        field.append(number._r)
        paragraph._p.append(field)
        _font(paragraph.add_run(" —"), TITLE_STAND_IN, 14)

    def _font_stand_in(self, font: str, stand_in: str) -> None:
        """Name ``stand_in`` as ``font``'s alternative in the font table (Word substitutes it)."""
        for rel in self.doc.part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                part = rel.target_part
                entry = (
                    f'<w:font w:name="{font}"><w:altName w:val="{stand_in}"/>'
                    '<w:charset w:val="86"/><w:family w:val="roman"/></w:font></w:fonts>'
                )  # charset 86: GB2312
                part._blob = part.blob.replace(b"</w:fonts>", entry.encode("utf-8"), 1)

    # ---- building blocks -------------------------------------------------------------------
    def title(self, text: str) -> None:
        self.doc.add_paragraph(xml_text(text), style="Title")

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(xml_text(text), level=level)

    def para(self, text: str) -> None:
        paragraph = self.doc.add_paragraph(xml_text(text))
        paragraph.paragraph_format.first_line_indent = _INDENT

    def closing(self, text: str) -> None:
        """The signature block: right-aligned, four characters in from the margin."""
        paragraph = self.doc.add_paragraph(xml_text(text))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(4 * _TEXT_PT)
        paragraph.paragraph_format.space_before = Pt(_LINE_PT)

    def charts(self, result: Result) -> None:
        """The HTML report draws its SVG charts here; Word has no SVG, and the figures are in the
        paragraph above and the table below."""

    def todo(self, what: str) -> None:
        """A paragraph a person must write, highlighted so it cannot be missed."""
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = _INDENT
        run = paragraph.add_run(xml_text(PLACEHOLDER.format(what)))
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence[TableCell | None]],
        shares: Sequence[float],
        centred: Sequence[bool],
    ) -> None:
        """A grid over the text width: ``shares`` proportion the columns; a row's ``None`` is a
        place another cell spans over; the header row repeats on every page."""
        count = len(head)
        table = self.doc.add_table(rows=1 + len(rows), cols=count)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False  # fixed layout: the widths below hold whatever the text
        total = sum(shares)
        widths = [Mm(_TEXT_WIDTH_MM * share / total) for share in shares]
        for row in table.rows:
            row.height = None
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        _cell_margins(table, top=Mm(0.8), side=Mm(1))
        header = table.rows[0]
        trpr = header._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:tblHeader"))
        for cell, text in zip(header.cells, head, strict=True):
            _cell_text(cell, text, font=HEADING_FONTS[1], centred=True)
        for r, row in enumerate(rows, start=1):
            _cant_split(table.rows[r])
            for c, item in enumerate(row):
                if item is None:
                    continue
                cell = table.cell(r, c)
                if item.down > 1 or item.across > 1:
                    cell = cell.merge(table.cell(r + item.down - 1, c + item.across - 1))
                _cell_text(cell, item.text, font=BODY_FONT, centred=centred[c])


def _restyle(style: object, east_asia: str, size: float) -> None:
    """Replace a style's run properties: these fonts (Latin in Times New Roman), this size, black,
    not bold; and drop the border Word's Title draws under itself."""
    assert isinstance(style, ParagraphStyle)
    element = style.element
    old = element.find(qn("w:rPr"))
    if old is not None:
        element.remove(old)
    ppr = element.find(qn("w:pPr"))
    if ppr is not None:
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)
    rpr = element.get_or_add_rPr()
    _set_fonts(rpr, east_asia)
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.color.rgb = RGBColor(0, 0, 0)


def _set_fonts(rpr: BaseOxmlElement, east_asia: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # theme fonts (majorEastAsia …) would win over the names
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    # Characters both scripts use (“ ” ≥ × ÷ …) in the Chinese font, as in Chinese text they are:
    # otherwise Word sets them in Times New Roman, narrow and out of line.
    fonts.set(qn("w:hint"), "eastAsia")


def _font(run: Run, east_asia: str, size: float) -> None:
    run.font.size = Pt(size)
    _set_fonts(run._r.get_or_add_rPr(), east_asia)


def _cell_text(cell: _Cell, text: str, *, font: str, centred: bool) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph: Paragraph = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:  # a merge keeps every merged cell's paragraph
        extra._p.getparent().remove(extra._p)
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
    run = paragraph.add_run(xml_text(text))
    _font(run, font, _TABLE_PT)


def _cell_margins(table: Table, *, top: Length, side: Length) -> None:
    """Narrower side margins than Table Grid's 1.9 mm, a little air above and below the text."""
    margins = OxmlElement("w:tblCellMar")
    for edge, size in (("top", top), ("left", side), ("bottom", top), ("right", side)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(size.twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tblpr = table._tbl.tblPr
    look = tblpr.find(qn("w:tblLook"))
    if look is not None:  # the schema's order: tblCellMar before tblLook
        look.addprevious(margins)
    else:
        tblpr.append(margins)


def _cant_split(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
