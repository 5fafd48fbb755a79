"""The kinds of cell an .xls and a Word table hold, beyond text and plain numbers, as the readers
give them (``read_xls``, ``read_docx``): what each cell reads as, or the whole located error.

.xls: no Python package here writes one (xlwt is not a dependency), so the two workbooks are made
once by LibreOffice from openpyxl (tests/tables/cell_kinds/make.py, committed like the 自评表.xls of
tests/tables/formats): booleans, the seven error values typed and as formula results, a formula's
date, text and percent results, dates, times and out-of-range date numbers, under the 1900 date
system (kinds1900.xls) and the 1904 one (kinds1904.xls, which xlrd reports as ``datemode`` 1).
Cells Excel never writes (an unknown error code, a missing cell format) are made by patching one
record of those files. The same cells written as .xlsx must read alike (docs/excel.md: every format
gives the same grid).

.docx: built with python-docx in ``tmp_path`` (tabs, line breaks, several paragraphs in a cell,
merges), with raw XML where python-docx has no call for it (``w:cr``, ``gridBefore``, a ``vMerge``
continuing nothing).
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from tables.build import Row, national
from tables.cell_kinds.make import CELLS, ERRORS, workbook

from scoring.review import review_table
from scoring.tabular.sheet import CellValue, Sheet, TableError, read_sheets

KINDS = ROOT / "tests" / "tables" / "cell_kinds"

# What every cell of kinds1900.xls reads as (rows 1-6; row 3 holds formulas, read by their saved
# result). Row and column are 1-based, as in the Sheet.
XLS_1900: dict[tuple[int, int], CellValue] = {
    (1, 1): "是",  # TRUE
    (1, 2): "否",  # FALSE
    **{(2, col): error for col, error in enumerate(ERRORS, 1)},
    (3, 1): "#DIV/0!",  # =1/0
    (3, 2): "#N/A",  # =NA()
    (3, 3): "是",  # =1=1
    (3, 4): "2021-01-01",  # =DATE(2021,1,1) under yyyy-mm-dd
    (3, 5): "达成",  # ="达"&"成"
    (3, 6): "100%",  # =0.5*2 under 0%
    (4, 1): "2021-01-01",  # 44197 under yyyy-mm-dd, never the number 44197
    (4, 2): "2021-03-15T14:30:00",
    (4, 3): "12:00:00",  # 0.5 under hh:mm: a time of day, not 1899-12-31T12:00:00
    (4, 4): "2021-01-01",  # a Chinese date format: yyyy"年"m"月"d"日"
    (4, 5): "2023-03-15",
    (4, 6): "12:00:00",  # 0.5 under [h]:mm:ss, a duration
    (4, 7): "1900-01-01T12:00:00",  # 1.5 under h:mm
    (5, 1): "1900-02-28",  # 60, Excel's 1900-02-29 that never was: the day before 1900-03-01
    (5, 2): "1900-03-01",  # 61
    (5, 3): "1900-01-01",  # 1
    (5, 4): "00:00:00",  # 0 under yyyy-mm-dd (Excel shows 1900-01-00)
    (5, 5): Decimal(3000000),  # past 9999-12-31: Excel shows ####; the number is kept
    (6, 1): "99.14%",
    (6, 2): Decimal("9.8"),
}

# kinds1904.xls: the same cells; a date typed as a date is the same date, a number under a date
# format counts from 1904-01-01 (Excel for Mac's system), as Excel shows it.
XLS_1904 = XLS_1900 | {
    (4, 4): "2025-01-02",  # 44197
    (4, 5): "2027-03-16",  # 45000
    (4, 7): "1904-01-02T12:00:00",
    (5, 1): "1904-03-01",
    (5, 2): "1904-03-02",
    (5, 3): "1904-01-02",
}


def _sheet(path: Path) -> Sheet:
    (sheet,) = read_sheets(path)
    return sheet


def _patched(tmp_path: Path, record: str, offset: int, new: bytes) -> Path:
    """kinds1900.xls with the bytes at ``offset`` of the one BIFF record starting with the hex
    ``record`` replaced (same length: the compound file's layout is unchanged)."""
    data = (KINDS / "kinds1900.xls").read_bytes()
    head = bytes.fromhex(record)
    assert data.count(head) == 1
    at = data.find(head) + offset
    path = tmp_path / "patched.xls"
    path.write_bytes(data[:at] + new + data[at + len(new) :])
    return path


# ---- .xls -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"), [("kinds1900.xls", XLS_1900), ("kinds1904.xls", XLS_1904)]
)
def test_each_kind_of_xls_cell_reads_as_shown(name: str, expected: dict[Any, CellValue]) -> None:
    """Booleans as 是/否, error values as their text (never a number: #DIV/0! is code 7, #N/A
    42), dates as ISO text under the workbook's date system, times as times, formula results."""
    sheet = _sheet(KINDS / name)
    assert (sheet.name, sheet.max_row, sheet.max_col, sheet.problems) == ("Sheet", 6, 7, [])
    assert sheet.cells == expected


def test_the_fixtures_are_under_both_date_systems() -> None:
    """What makes the 1904 file a test of the 1904 branch: xlrd reads its DATEMODE record as 1,
    and stores 2021-01-01 as 42735 there (44197 in the 1900 file)."""
    xlrd: Any = importlib.import_module("xlrd")  # no type hints, as in read_xls
    for name, mode, serial in (("kinds1900.xls", 0, 44197.0), ("kinds1904.xls", 1, 42735.0)):
        book = xlrd.open_workbook(str(KINDS / name), formatting_info=True)
        cell = book.sheet_by_index(0).cell(3, 0)
        assert (book.datemode, cell.ctype, cell.value) == (mode, xlrd.XL_CELL_DATE, serial)


@pytest.mark.parametrize("mac", [False, True], ids=["1900", "1904"])
def test_xls_and_xlsx_of_the_same_cells_read_alike(tmp_path: Path, mac: bool) -> None:
    """The workbook make.py converts, read as the .xlsx it is: the same value in every cell typed
    (row 3's formulas have no saved result in a file openpyxl writes, so they are left out)."""
    source = tmp_path / "kinds.xlsx"
    workbook(source, mac=mac)
    xlsx = _sheet(source)
    xls = _sheet(KINDS / ("kinds1904.xls" if mac else "kinds1900.xls"))
    typed = {at for at in xls.cells if at[0] != 3}
    assert len(typed) == len([ref for ref, _, _ in CELLS if ref[1] != "3"])
    assert {at: xlsx.text(*at) for at in typed} == {at: xls.text(*at) for at in typed}


def test_an_error_code_excel_does_not_write_reads_as_error_text(tmp_path: Path) -> None:
    """A2's cached result patched from #NULL! (0x00) to 0x63, which no Excel writes: still an
    error shown as text, not a number and not a crash."""
    # FORMULA record (0x0006, 24 bytes) of row 1, column 0, style 15, an error result.
    path = _patched(tmp_path, "06 00 18 00 01 00 00 00 0f 00 02 00 00 00", 12, b"\x63")
    sheet = _sheet(path)
    assert sheet.cells[(2, 1)] == "#ERROR"
    assert sheet.cells == XLS_1900 | {(2, 1): "#ERROR"}


def test_a_cell_without_a_cell_format_is_a_located_error(tmp_path: Path) -> None:
    """B6's NUMBER record patched to style 65535, which the workbook does not have: xlrd fails
    on it, and the file is refused as unreadable, naming it, without a traceback."""
    path = _patched(tmp_path, "03 02 0e 00 05 00 01 00 0f 00", 8, b"\xff\xff")
    with pytest.raises(TableError) as info:
        read_sheets(path)
    assert str(info.value) == (
        f"{path}: not a readable .xls workbook (KeyError: 65535); open it in Excel or WPS and save "
        "it as .xlsx [table-format]"
    )


# ---- .docx ------------------------------------------------------------------------------------


def _w(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def test_tabs_and_line_breaks_inside_a_cell_paragraph(tmp_path: Path) -> None:
    """A tab is a tab; a line break (w:br, of a line or a page) and a carriage return (w:cr) are
    a newline; the text around them stays in order, in one cell."""
    document = Document()
    table = document.add_table(rows=1, cols=5)
    cells = table.rows[0].cells
    run = cells[0].paragraphs[0].add_run("指标")
    run.add_tab()
    run.add_text("值")
    run = cells[1].paragraphs[0].add_run("第一行")
    run.add_break()
    run.add_text("第二行")
    run = cells[2].paragraphs[0].add_run("上页")
    run.add_break(WD_BREAK.PAGE)
    run.add_text("下页")
    run = cells[3].paragraphs[0].add_run("回车")
    run._r.append(_w("w:cr"))
    run._r.append(_w("w:t"))
    run._r[-1].text = "之后"
    cells[4].paragraphs[0].add_run("a\tb\nc")  # python-docx writes w:tab and w:br for these
    path = tmp_path / "breaks.docx"
    document.save(str(path))
    sheet = _sheet(path)
    assert (sheet.name, sheet.merges) == ("表1", [])
    assert sheet.cells == {
        (1, 1): "指标\t值",
        (1, 2): "第一行\n第二行",
        (1, 3): "上页\n下页",
        (1, 4): "回车\n之后",
        (1, 5): "a\tb\nc",
    }


def test_several_paragraphs_in_one_cell(tmp_path: Path) -> None:
    """Paragraphs are joined with a newline, an empty one in between kept as an empty line; empty
    paragraphs before and after (Word's trailing one after a pasted value) are stripped, so a
    number typed in a cell reads as that number's text; a cell of blanks only is empty."""
    document = Document()
    table = document.add_table(rows=1, cols=4)
    cells = table.rows[0].cells
    cells[0].text = "甲"
    cells[0].add_paragraph("乙")
    cells[1].text = "甲"
    cells[1].add_paragraph("")
    cells[1].add_paragraph("乙")
    cells[2].text = ""
    cells[2].add_paragraph(" 95% ")
    cells[2].add_paragraph("")
    cells[3].text = "\u3000"
    cells[3].add_paragraph("\t")
    path = tmp_path / "paragraphs.docx"
    document.save(str(path))
    sheet = _sheet(path)
    assert sheet.cells == {(1, 1): "甲\n乙", (1, 2): "甲\n\n乙", (1, 3): "95%"}
    assert (sheet.max_row, sheet.max_col) == (1, 3)


def test_a_nested_tables_text_is_its_own_table_not_the_cells(tmp_path: Path) -> None:
    """A table inside a cell is not part of that cell's text: it is the next table, 表2."""
    document = Document()
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "外"
    outer.cell(0, 1).text = "前"
    inner = outer.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "内"
    path = tmp_path / "nested.docx"
    document.save(str(path))
    first, second = read_sheets(path)
    assert (first.name, first.cells) == ("表1", {(1, 1): "外", (1, 2): "前"})
    assert (second.name, second.cells) == ("表2", {(1, 1): "内"})


def test_merged_cells_across_down_and_both(tmp_path: Path) -> None:
    """python-docx's merges as Word writes them: gridSpan across (A1:C1), vMerge down (A2:A4),
    and a block of both (B2:C3, gridSpan 2 on two rows, restart then continue). Each merge's
    value is its first cell's; the other cells of a merge hold nothing."""
    document = Document()
    table = document.add_table(rows=4, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "标题"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "产出指标"
    table.cell(1, 1).merge(table.cell(2, 2)).text = "块"
    table.cell(3, 1).text = "末"
    table.cell(3, 2).text = "10"
    path = tmp_path / "merged.docx"
    document.save(str(path))
    sheet = _sheet(path)
    assert sheet.cells == {
        (1, 1): "标题",
        (2, 1): "产出指标",
        (2, 2): "块",
        (4, 2): "末",
        (4, 3): "10",
    }
    assert sorted(sheet.merges) == [(1, 1, 1, 3), (2, 1, 4, 1), (2, 2, 3, 3)]
    assert [sheet.text(r, 1) for r in (2, 3, 4)] == ["产出指标"] * 3
    assert sheet.text(3, 3) == "块"


def test_merges_written_by_hand(tmp_path: Path) -> None:
    """XML other programs write: a row starting late (gridBefore 1: its first cell is column B),
    text left in a vMerge continuation cell (ignored: the merge shows its first cell), and a
    continuation with nothing above to continue (read as a cell of its own, no merge)."""
    document = Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "上"
    table.cell(0, 1).text = "孤"
    table.cell(1, 0).text = "残留"
    table.cell(1, 1).text = "右"
    table.cell(2, 0).text = "下"
    top, below = table.cell(0, 0)._tc, table.cell(1, 0)._tc
    top.get_or_add_tcPr().append(_w("w:vMerge", val="restart"))
    below.get_or_add_tcPr().append(_w("w:vMerge"))
    # B1 claims to continue a merge, but nothing above it opened one.
    table.cell(0, 1)._tc.get_or_add_tcPr().append(_w("w:vMerge"))
    # Row 3: its one cell, after one grid column left out.
    row = table.rows[2]._tr
    row.remove(row.tc_lst[1])
    row.get_or_add_trPr().append(_w("w:gridBefore", val="1"))
    path = tmp_path / "by_hand.docx"
    document.save(str(path))
    sheet = _sheet(path)
    assert sheet.cells == {(1, 1): "上", (1, 2): "孤", (2, 2): "右", (3, 2): "下"}
    assert sheet.merges == [(1, 1, 2, 1)]
    assert sheet.text(2, 1) == "上"


# ---- what review makes of an error value ----------------------------------------------------------


def test_an_error_value_in_the_actual_column_is_unreadable(tmp_path: Path) -> None:
    """A formula that failed (=B8/C8 over an empty cell) leaves 实际完成值 without a value: the
    reader gives Excel's text (#DIV/0!, as above, from .xls and .xlsx alike), and review should
    report it as the unreadable value it is, like the #VALUE! in 得分."""
    rows = [
        Row("产出指标", "数量指标", "防汛物资储备批次", "≥2批次", "#DIV/0!", 10, 10),
        Row("", "质量指标", "验收合格率", "≥95%", "#N/A", 10, "#VALUE!"),
        Row("", "时效指标", "完成及时率", "100%", "100%", 80, 80),
    ]
    path = tmp_path / "errors.xlsx"
    national(path, rows, total=100, grade="优")  # openpyxl writes "#DIV/0!" as an error cell
    findings = [(f.code, f.cell, f.message) for f in review_table(path).findings]
    failed = "is the spreadsheet error {} (its formula failed), so the row cannot be recomputed "
    assert findings[:2] == [
        (
            "unreadable_value",
            "Sheet1!E8",
            "防汛物资储备批次: 实际完成值 " + failed.format("#DIV/0!") + "under the rules",
        ),
        (
            "unreadable_value",
            "Sheet1!E9",
            "验收合格率: 实际完成值 " + failed.format("#N/A") + "under the rules",
        ),
    ]
    assert findings[2][:2] == ("unreadable_value", "Sheet1!G9")
