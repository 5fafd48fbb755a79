"""Rebuild the 自评表 of tests/test_table_formats.py in every format review reads.

``python tests/tables/formats/make.py`` writes 自评表.xlsx (tests/tables/build.py's national form,
with its EVERY_FINDING_ROWS, the table tests/test_review.py reviews, and borders, so that a PDF
printed from it has ruled cells), then 自评表.xls and 自评表.pdf from it with LibreOffice (``soffice --headless
--convert-to``), and 自评表.docx with python-docx: the same grid, merged cells merged. 长表.xlsx is the
same table with 30 more rows, printed by LibreOffice as 长表.pdf over three pages. The files are
committed; this script is how they were made, for when the form changes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, Side
from tables.build import EVERY_FINDING_ROWS, Funds, Row, national

ROWS = EVERY_FINDING_ROWS


# 30 more rows under 时效指标: printed over three pages, the 一级 / 二级 cells merged down across the
# page breaks.
LONG_ROWS = [
    *ROWS[:3],
    *(Row("", "", f"培训人次{n}", "≥100人次", "120人次", 1, 1) for n in range(1, 31)),
    *ROWS[3:],
]


def xlsx(path: Path, rows: Sequence[Row] = ROWS, *, one_page: bool = True) -> None:
    funds = Funds(weight=10, score=10, start=50, budget=50, spent=50, rate="95%")
    # The 执行率 as an Excel percent cell (0.95 shown as 95%), which every format must read alike.
    national(path, rows, funds=funds, total=95, grade="良", percent_cells={(6, 8): 0.95})
    wb = load_workbook(path)
    ws = wb.active
    ws["H6"].number_format = "0%"  # printed "95%", as typed
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row, max_col=9):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            # Wrapped, so the PDF prints every character (Calc cuts text that overflows a cell).
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    # Wide columns and tall rows: Calc neither grows a row for wrapped text read from a file nor
    # keeps overflowing text inside its cell, and the PDF must show each cell whole.
    for col, width in zip("ABCDEFGHI", (12, 16, 26, 12, 14, 8, 8, 26, 10), strict=True):
        ws.column_dimensions[col].width = width
    for row in range(1, ws.max_row + 1):
        ws.row_dimensions[row].height = 36
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0  # 0: as many pages tall as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(path)


def docx(source: Path, path: Path) -> None:
    from scoring.tabular.sheet import read_sheet

    sheet = read_sheet(source)
    document = Document()
    document.add_paragraph("项目支出绩效自评表")
    table = document.add_table(rows=sheet.max_row, cols=sheet.max_col)
    table.style = "Table Grid"
    for (r, c), value in sheet.cells.items():
        cell = table.cell(r - 1, c - 1)
        cell.text = value if isinstance(value, str) else format(value, "f")
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(8)
    for r1, c1, r2, c2 in sheet.merges:
        table.cell(r1 - 1, c1 - 1).merge(table.cell(r2 - 1, c2 - 1))
    document.save(path)


def main() -> None:
    source = HERE / "自评表.xlsx"
    xlsx(source)
    long = HERE / "长表.xlsx"
    xlsx(long, LONG_ROWS, one_page=False)
    with tempfile.TemporaryDirectory() as profile:
        for kind, table in (("xls", source), ("pdf", source), ("pdf", long)):
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    kind,
                    "--outdir",
                    str(HERE),
                    str(table),
                ],
                check=True,
            )
    docx(source, HERE / "自评表.docx")


if __name__ == "__main__":
    main()
