"""The 自评表 as an Excel workbook (openpyxl): the form sheet, set up to print on A4, and a 说明 sheet.

The form is ``tabular.form.build_form``; this module only draws it: fonts, borders, number formats
(scores with the spec's decimal places, amounts in 万元, the rate as a percentage), column widths,
row heights for wrapped Chinese text (estimated from the text's display width, a CJK character
two units, and the column's width), the indicator header repeated on every printed page, the page
footer inside the printed page, and the scoring warnings in a 提示 block under the table. Scores,
weights and amounts are numeric cells holding the exact decimal, so Excel sums them. Text from the
inputs goes through ``channels``: only characters XML can hold, at most a cell's worth, and text
a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``-1+1``) typed as text with Excel's
quote prefix (shown as written, still text when edited).
"""

from __future__ import annotations

import io
import math

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from ..engine.result import Result
from ..numbers.text import format_number
from ..tabular.form import Form, FormCell, build_form
from ..tabular.result_rows import score_text
from ..tabular.sheet import column_letter
from ..writing.channels import put_xlsx_value, xlsx_text
from ..writing.files import CREATOR
from .charts import biggest_losses, text_width

__all__ = ["SHEET_TITLE", "render"]

SHEET_TITLE = "自评表"
FONT = "宋体"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
# Points per line of 11-point CJK text: 宋体 needs 14.25, the CJK fonts LibreOffice substitutes
# (Noto Sans CJK) about 16; and a little padding in each row so the last line is not clipped.
_LINE_HEIGHT = 16.0
_ROW_PADDING = 4.0
_WARNINGS_TITLE = "提示"


def render(result: Result) -> bytes:
    """The workbook as bytes."""
    form = build_form(result)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    _draw(sheet, form)
    last_row = _warnings_block(sheet, form, result)
    _page_setup(sheet, form, last_row)
    _notes(workbook.create_sheet("说明"), result)
    workbook.properties.title = xlsx_text(f"{result.project.get('name', '')} 绩效自评表")
    workbook.properties.creator = CREATOR
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number_format(cell: FormCell, places: int) -> str | None:
    if cell.kind == "score":
        return "0" if places == 0 else "0." + "0" * places
    if cell.kind == "money":
        return "#,##0.00##"
    if cell.kind == "rate":
        return "0.00%"
    return None


def _draw(sheet: Worksheet, form: Form) -> None:
    framed_from = 3  # title rows carry no border
    for (row, col), cell in form.cells.items():
        target = sheet.cell(row=row, column=col)
        value = cell.value
        put_xlsx_value(target, value)
        fmt = _number_format(cell, form.score_places)
        if fmt is not None and value is not None and not isinstance(value, str):
            target.number_format = fmt
        size = 16 if cell.kind == "title" else 11
        target.font = Font(name=FONT, size=size, bold=cell.kind in ("title", "header"))
        if cell.kind == "header":
            target.fill = _HEADER_FILL
        horizontal = "left" if cell.kind == "text" else "center"
        target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
    for r1, c1, r2, c2 in form.merges:
        sheet.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for row in range(framed_from, form.last_row + 1):
        for col in range(1, form.width + 1):
            sheet.cell(row=row, column=col).border = _BORDER
    for index, width in enumerate(form.column_widths, start=1):
        sheet.column_dimensions[column_letter(index)].width = width
    _row_heights(sheet, form)
    sheet.row_dimensions[1].height = 28


def _row_heights(sheet: Worksheet, form: Form) -> None:
    """Excel does not grow rows for wrapped text it did not lay out itself: size them here."""
    spans: dict[tuple[int, int], int] = {}
    tall: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in form.merges:
        spans[(r1, c1)] = sum(form.column_widths[c - 1] for c in range(c1, c2 + 1))
        if r2 > r1:
            tall.add((r1, c1))
    for row in range(3, form.last_row + 1):
        lines = 1
        for col in range(1, form.width + 1):
            if (row, col) in tall:
                continue  # a cell merged down shares the height of its rows
            text = form.text(row, col)
            if not text:
                continue
            width = spans.get((row, col), form.column_widths[col - 1])
            lines = max(lines, _lines(text, width))
        sheet.row_dimensions[row].height = _height(lines)


def _height(lines: int) -> float:
    return _LINE_HEIGHT * lines + _ROW_PADDING


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` units wide, as Excel lays it out in
    11-point 宋体: a CJK character is 2.1 units (14.7 px against the 7 px unit), a Latin one half
    that; 5% more for the end of a line left empty where it breaks at a space; the cell's padding
    takes half a unit. (LibreOffice's substitute fonts are narrower: never more lines.)"""
    usable = max(width - 0.5, 1)
    return sum(math.ceil(max(text_width(part), 1) * 1.1 / usable) for part in text.split("\n"))


def _warnings_block(sheet: Worksheet, form: Form, result: Result) -> int:
    """The scoring warnings under the table (a 提示 label, one warning a row merged across), where
    the person filing the sheet sees them; the last row drawn (the form's last without warnings).

    A blank row keeps the block apart from the 自评等级 row, so ``import`` reads the form as before.
    """
    if not result.warnings:
        return form.last_row
    first = form.last_row + 2
    widths = sum(form.column_widths[1:])
    for index, warning in enumerate(result.warnings):
        row = first + index
        put_xlsx_value(sheet.cell(row=row, column=2), str(warning))
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=form.width)
        target = sheet.cell(row=row, column=2)
        target.font = Font(name=FONT, size=11)
        target.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        sheet.row_dimensions[row].height = _height(_lines(str(warning), widths))
        for col in range(1, form.width + 1):
            sheet.cell(row=row, column=col).border = _BORDER
    last = first + len(result.warnings) - 1
    label = sheet.cell(row=first, column=1)
    label.value = _WARNINGS_TITLE
    label.font = Font(name=FONT, size=11, bold=True)
    label.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if last > first:
        sheet.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
    return last


def _fit_a4(sheet: Worksheet) -> None:
    """Printed on A4 portrait, as wide as the page and as many pages long as it takes."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]


def _page_setup(sheet: Worksheet, form: Form, last_row: int) -> None:
    _fit_a4(sheet)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    # Inches. The footer is printed 0.3 in above the paper's edge and needs about 0.3 in of its
    # own above that: a bottom margin of 0.6 clipped the page numbers in half.
    sheet.page_margins.top = 0.6
    sheet.page_margins.bottom = 0.9
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_title_rows = f"{form.header_row}:{form.header_row}"
    sheet.print_area = f"A1:{column_letter(form.width)}{last_row}"
    footer = sheet.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "第 &P 页，共 &N 页"
    sheet.freeze_panes = None


def _notes(sheet: Worksheet, result: Result) -> None:
    """失分说明, evaluator adjustments, warnings and the spec used: what the form has no room for."""
    rows: list[tuple[str, ...]] = [("失分说明",), ("指标", "分值", "得分", "扣分", "说明")]
    for leaf in biggest_losses(result, limit=None):
        rows.append(
            (
                leaf.name,
                format_number(leaf.weight),
                score_text(result, leaf.score),
                score_text(result, leaf.lost),
                leaf.explanation,
            )
        )
    if result.adjustments:
        rows += [(), ("评价人调整",), ("指标", "规则得分", "调整后", "调整", "理由")]
        for adj in result.adjustments:
            found = result.find(adj.indicator)
            rows.append(
                (
                    found.name,
                    score_text(result, found.rule_score),
                    score_text(result, found.score),
                    f"{adj.points:+}",
                    adj.reason,
                )
            )
    if result.warnings:
        rows += [(), ("提示",)]
        rows += [(str(w),) for w in result.warnings]
    spec = result.spec
    rows += [(), ("指标体系", f"{spec.name}（{spec.id} v{spec.version}）"), ("sha256", spec.sha256)]
    titles = {"失分说明", "评价人调整", "提示"}
    widths = (24, 10, 10, 10, 60)
    for index, row in enumerate(rows, start=1):
        for number, value in enumerate(row, start=1):
            put_xlsx_value(sheet.cell(row=index, column=number), value)
        if len(row) == 1 or (len(row) == 2 and row[0] in ("指标体系", "sha256")):
            first = 1 if len(row) == 1 else 2
            sheet.merge_cells(start_row=index, start_column=first, end_row=index, end_column=5)
            span = sum(widths[first - 1 :])
            sheet.row_dimensions[index].height = _height(_lines(str(row[-1]), span))
        elif len(row) == 5:
            sheet.row_dimensions[index].height = _height(_lines(str(row[4]), widths[4]))
    for col, width in zip("ABCDE", widths, strict=True):
        sheet.column_dimensions[col].width = width
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name=FONT, size=11, bold=cell.value in titles)
    _fit_a4(sheet)
