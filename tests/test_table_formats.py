"""One 自评表 in every format review reads (issue 13, "The files bureaus receive"): .xlsx, .xls,
.docx and a PDF with a text layer give the same findings, stated total and recomputed total.

The files are tests/tables/formats/自评表.* (made by make.py there: the .xlsx with openpyxl, the
.xls and .pdf from it by LibreOffice, the .docx with python-docx). Cells are named differently by
format — ``Sheet1!G13`` in a workbook, ``表1!G13`` in a Word table, ``第1页!G11`` in a PDF (the
page, and the row on that page: the title rows above the ruled table are not part of it) — so
references are compared with the sheet part normalised, and each format's own naming is checked
once.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT

from scoring.review import review_table
from scoring.tabular.convert import import_table
from scoring.tabular.sheet import read_sheets

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


def test_a_pdf_table_over_two_pages_is_one_sheet_named_by_page(tmp_path: Path) -> None:
    """Rows on the second page are named by that page and their row there."""
    pytest.importorskip("pdfplumber")
    from scoring.tabular.read_pdf import _joined, _Part, _sheets
    from scoring.tabular.table_limits import TableLimits

    first = _Part(1, 2, 2, {(1, 1): "一级指标", (2, 1): "产出指标"}, [])
    second = _Part(2, 2, 2, {(1, 2): "10", (2, 1): "效益指标"}, [(1, 1, 2, 1)])
    other = _Part(2, 3, 1, {(1, 1): "另一表"}, [])
    (table, rest) = _sheets(_joined([first, second, other]), "t.pdf", TableLimits())
    assert (table.name, table.max_row, table.merges) == ("表1", 4, [(3, 1, 4, 1)])
    assert [table.ref(r, 1) for r in (1, 2, 3, 4)] == [
        "第1页!A1",
        "第1页!A2",
        "第2页表1!A1",
        "第2页表1!A2",
    ]
    assert (rest.name, rest.ref(1, 1)) == ("表2", "第2页表2!A1")


def test_import_of_the_docx_writes_the_same_pair_as_the_xlsx() -> None:
    xlsx, docx = import_table(XLSX), import_table(FORMATS / "自评表.docx")
    for pair in (xlsx, docx):
        pair.spec.pop("description")  # names the file and the sheet it was imported from
    assert docx.spec == xlsx.spec
    assert docx.rule_result is not None
    assert xlsx.rule_result is not None
    assert docx.rule_result.total == xlsx.rule_result.total
