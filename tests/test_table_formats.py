"""One 自评表 in every format review reads (issue 13, "The files bureaus receive"): .xlsx, .xls,
.docx and a PDF with a text layer give the same findings, stated total and recomputed total.

The files are tests/tables/formats/自评表.* (made by make.py there: the .xlsx with openpyxl, the
.xls and .pdf from it by LibreOffice, the .docx with python-docx). Cells are named differently by
format — ``Sheet1!G13`` in a workbook, ``表1!G13`` in a Word table, ``第1页!G11`` in a PDF (the
page, and the row on that page: the title rows above the ruled table are not part of it) — so
references are compared with the sheet part normalised, and each format's own naming is checked
once. 长表.pdf is a longer version printed over three pages.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT

from scoring.review import review_table
from scoring.tabular.convert import import_table
from scoring.tabular.sheet import TableError, read_sheets

FORMATS = ROOT / "tests" / "tables" / "formats"
XLSX = FORMATS / "自评表.xlsx"
REF = re.compile(r"(?:'[^']*'|[^\s!（(，,：:'“]+)!([A-Z]+)(\d+)")


def _shape(path: Path, row_shift: int = 0) -> tuple[object, ...]:
    """What review says, cell references reduced to their column and row (shifted for a PDF)."""
    review = review_table(path)

    def cell(match: re.Match[str]) -> str:
        return f"{match[1]}{int(match[2]) + row_shift}"

    findings = [(f.code, REF.sub(cell, f.cell), REF.sub(cell, f.message)) for f in review.findings]
    return (
        review.stated_total,
        review.recomputed_total,
        review.stated_grade,
        review.recomputed_grade,
        findings,
    )


def test_the_reference_table_has_findings_to_compare() -> None:
    stated, recomputed, stated_grade, grade, findings = _shape(XLSX)
    assert (stated, recomputed, stated_grade, grade) == (
        Decimal(95),
        Decimal("96.33"),
        "良",
        "优",
    )
    assert [code for code, _, _ in findings] == [
        "score_above_weight",
        "total_mismatch",
        "above_proportional",
        "rule_mismatch",
        "tier_range",
        "double_counted_execution",
        "grade_mismatch",
        "execution_rate_mismatch",
        "grade_changes",
    ]


@pytest.mark.parametrize(("suffix", "row_shift"), [(".xls", 0), (".docx", 0), (".pdf", 2)])
def test_every_format_reviews_like_the_xlsx(suffix: str, row_shift: int) -> None:
    """Same totals, grades, codes, cells and messages (the PDF's table starts two rows lower:
    its title rows have no ruled cells)."""
    assert _shape(FORMATS / f"自评表{suffix}", row_shift) == _shape(XLSX)


def test_each_format_names_its_cells_its_own_way() -> None:
    cells = {
        suffix: review_table(FORMATS / f"自评表{suffix}").findings[0].cell
        for suffix in (".xlsx", ".xls", ".docx", ".pdf")
    }
    assert cells == {
        ".xlsx": "Sheet1!G13",
        ".xls": "Sheet1!G13",
        ".docx": "表1!G13",
        ".pdf": "第1页!G11",
    }


def test_every_format_gives_the_same_grid_and_merges() -> None:
    """The readers agree cell by cell: values (a percent cell 0.95 read as "95%" from the .xlsx
    and the .xls number format, as text from the .docx and the PDF) and merged ranges."""
    (reference,) = read_sheets(XLSX)
    assert reference.raw(6, 8) == "95%"
    for suffix in (".xls", ".docx"):
        (sheet,) = read_sheets(FORMATS / f"自评表{suffix}")
        assert {at: sheet.text(*at) for at in sheet.cells} == {
            at: reference.text(*at) for at in reference.cells
        }, suffix
        assert sorted(sheet.merges) == sorted(reference.merges), suffix
    (pdf,) = read_sheets(FORMATS / "自评表.pdf")
    below_title = {(r, c): reference.text(r, c) for r, c in reference.cells if r > 2}
    assert {(r + 2, c): pdf.text(r, c) for r, c in pdf.cells} == below_title
    assert sorted((r1 + 2, c1, r2 + 2, c2) for r1, c1, r2, c2 in pdf.merges) == sorted(
        m for m in reference.merges if m[0] > 2
    )


def test_a_pdf_table_over_three_pages_is_one_sheet_named_by_page() -> None:
    """长表.pdf: the table runs over three pages, the 一级 and 二级 cells merged down across the
    page breaks (on page 2 that column has no ruled cell at all). It is one sheet, reviewed like
    its workbook, each cell named by the page it is printed on and its row there."""
    (sheet,) = read_sheets(FORMATS / "长表.pdf")
    assert (sheet.name, sheet.max_row, sheet.max_col) == ("表1", 49, 9)
    assert [sheet.ref(r, 3) for r in (1, 15, 16, 32, 33, 49)] == [
        "第1页!C1",
        "第1页!C15",
        "第2页!C1",
        "第2页!C17",
        "第3页!C1",
        "第3页!C17",
    ]
    pdf, xlsx = review_table(FORMATS / "长表.pdf"), review_table(FORMATS / "长表.xlsx")
    assert (pdf.stated_total, pdf.recomputed_total) == (xlsx.stated_total, xlsx.recomputed_total)
    assert (pdf.stated_total, pdf.recomputed_total) == (Decimal(95), Decimal("126.33"))

    def plain(text: str) -> str:
        return REF.sub("<cell>", text)

    assert [(f.code, plain(f.message)) for f in pdf.findings] == [
        (f.code, plain(f.message)) for f in xlsx.findings
    ]
    cells = {f.code: f.cell for f in pdf.findings}
    assert (cells["score_above_weight"], cells["total_mismatch"]) == ("第1页!G11", "第3页!G16")


def test_import_of_the_docx_writes_the_same_pair_as_the_xlsx() -> None:
    xlsx, docx = import_table(XLSX), import_table(FORMATS / "自评表.docx")
    for pair in (xlsx, docx):
        pair.spec.pop("description")  # names the file and the sheet it was imported from
    assert docx.spec == xlsx.spec
    assert docx.rule_result is not None
    assert xlsx.rule_result is not None
    assert docx.rule_result.total == xlsx.rule_result.total


def test_a_csv_in_neither_utf8_nor_gb18030_is_refused_naming_the_file(tmp_path: Path) -> None:
    """GB18030 does not decode every byte string (0xFF starts no character of it): such a file is
    one located table-format problem, not a traceback."""
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"a,b\n\xff\xfe,1\n")
    with pytest.raises(TableError) as info:
        read_sheets(path)
    assert str(info.value) == f"{path}: not UTF-8 or GB18030 text [table-format]"
