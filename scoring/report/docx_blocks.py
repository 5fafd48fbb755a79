"""The Word building blocks of the draft report (python-docx): an A4 page in 宋体, headings,
indented paragraphs, highlighted 【待填写：…】 placeholders, grid tables, the document as bytes.

Only how the document looks; what it says, section by section, is ``docx_report``. python-docx
leaves the East Asian font unset, so every style the report uses is given 宋体 for both here.
Every text goes through ``channels.xml_text`` here (a control character from the inputs would make
lxml refuse the whole document), and the document names jixiao as its creator, so that a re-run
may replace it (``output_files``).
"""

from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..channels import xml_text
from ..output_files import CREATOR

__all__ = ["PLACEHOLDER", "DocxBlocks", "save"]

FONT = "宋体"
PLACEHOLDER = "【待填写：{}】"


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
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
            style = self.doc.styles[name]
            style.font.name = FONT
            rpr = style.element.get_or_add_rPr()
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = rpr.makeelement(qn("w:rFonts"), {})
                rpr.append(fonts)
            fonts.set(qn("w:eastAsia"), FONT)
        self.doc.styles["Normal"].font.size = Pt(12)
        self.doc.core_properties.author = CREATOR
        self.doc.core_properties.last_modified_by = CREATOR

    # ---- building blocks -------------------------------------------------------------------
    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(xml_text(text), level=level)

    def para(self, text: str) -> None:
        paragraph = self.doc.add_paragraph(xml_text(text))
        paragraph.paragraph_format.first_line_indent = Pt(24)

    def todo(self, what: str) -> None:
        """A paragraph a person must write, highlighted so it cannot be missed."""
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(24)
        run = paragraph.add_run(xml_text(PLACEHOLDER.format(what)))
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def table(self, head: list[str], rows: list[list[str]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, head, strict=True):
            cell.text = xml_text(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = xml_text(text)
