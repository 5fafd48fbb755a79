"""Review a whole folder of filed 自评表: one row per file, into one xlsx and one summary page.

Every file under the folder is a row, whatever it is: a table that cannot be opened (not a
spreadsheet, no 自评表 in it, no indicator row) is a row with its error, so nothing is dropped and
the count of rows is the count of files. A row gives the file, the project, the stated and the
recomputed totals and grades, the number of findings of each code and the worst finding (by
``SEVERITY``). The workbook's second sheet lists every finding of every table; the summary page
charts how many tables have each code (``report.charts.count_chart``).

Cell text comes from the tables reviewed, so it is written inert through ``channels``: a workbook
cell is text as XML holds it and never a formula (= + - @ …), and the page escapes everything.
"""

from __future__ import annotations

import importlib
import io
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from ..errors import ScoringError
from ..numbers.text import format_number
from ..writing.channels import html_text, put_xlsx_value
from .findings import CODES, Finding, Review
from .render import number_text

__all__ = ["SEVERITY", "FolderRow", "folder_files", "folder_html", "folder_xlsx", "review_folder"]

# Worst first: what changes the result, then what the table gets wrong, then what it leaves out.
SEVERITY: tuple[str, ...] = (
    "grade_changes",
    "grade_mismatch",
    "total_mismatch",
    "weights_sum",
    "score_above_weight",
    "double_counted_execution",
    "above_proportional",
    "rule_mismatch",
    "below_proportional",
    "met_but_deducted",
    "qualitative_met_but_deducted",
    "tier_range",
    "execution_rate_mismatch",
    "implausible_value",
    "unreadable_value",
    "truncated_row",
    "weight_not_printed",
    "blank_actual",
    "blank_target",
    "blank_score",
    "unnamed_row",
    "missing_deviation_reason",
)
assert sorted(SEVERITY) == sorted(CODES), "every code has its place in SEVERITY"
_RANK = {code: index for index, code in enumerate(SEVERITY)}


@dataclass
class FolderRow:
    """One file of the folder: its review, or why it could not be reviewed."""

    file: str
    review: Review | None = None
    error: str = ""
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def worst(self) -> Finding | None:
        if self.review is None or not self.review.findings:
            return None
        return min(self.review.findings, key=lambda f: (_RANK[f.code], f.sort_key()))


def folder_files(directory: str | os.PathLike[str]) -> list[Path]:
    """Every file under ``directory`` (hidden files and folders left out), in path order."""
    root = Path(directory)
    return [
        path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    ]


def review_folder(
    files: Iterable[Path],
    review: Callable[[Path], Review],
    progress: Callable[[Iterable[Path]], Iterator[Path]] | None = None,
) -> list[FolderRow]:
    """Review each file; a ``ScoringError`` (the table cannot be read) becomes the row's error."""
    rows = []
    for path in progress(files) if progress is not None else files:
        try:
            result = review(path)
        except ScoringError as exc:
            rows.append(FolderRow(str(path), error=str(exc)))
            continue
        rows.append(FolderRow(str(path), result, counts=Counter(f.code for f in result.findings)))
    return rows


def progress_bar(stream: TextIO | None, total: int) -> Callable[[Iterable[Path]], Iterator[Path]]:
    """A tqdm bar (count of total, percentage, time left) on a terminal; nothing when piped."""
    isatty = getattr(stream, "isatty", None)

    def quiet(files: Iterable[Path]) -> Iterator[Path]:
        yield from files

    if stream is None or isatty is None or not isatty():
        return quiet
    # Through importlib so that type checking needs no tqdm stubs; no monitor thread (it outlives
    # the bar).
    tqdm: Any = importlib.import_module("tqdm")
    bar = type("Bar", (tqdm.tqdm,), {"monitor_interval": 0})

    def shown(files: Iterable[Path]) -> Iterator[Path]:
        yield from bar(files, total=total, file=stream, unit=" 表", desc="复核")

    return shown


# ---- the workbook -----------------------------------------------------------------------------

_HEAD = ("文件", "项目", "填报总分", "按规则重算", "部分重算", "填报等级", "重算等级", "问题数")
_TAIL = ("最严重的问题", "无法读取")


def _put(sheet: Any, row: int, values: list[Any]) -> None:
    """One row of cells; text as XML holds it, and never a formula (a name such as
    "=HYPERLINK(…)" copied from a table is text, shown as typed)."""
    for col, value in enumerate(values, start=1):
        put_xlsx_value(sheet.cell(row=row, column=col), value)


def _number(value: Decimal | None) -> Decimal | str:
    return "" if value is None else value


def folder_xlsx(rows: list[FolderRow]) -> bytes:
    """The folder review as a workbook: 复核汇总 (one row per file, a column per code) and 全部问题
    (every finding, with its file and cell)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "复核汇总"
    _put(sheet, 1, [*_HEAD, *CODES, *_TAIL])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for line, row in enumerate(rows, start=2):
        review = row.review
        worst = row.worst
        if review is None:  # a file not reviewed: its error in the last column
            values: list[Any] = [row.file, *[""] * (len(_HEAD) + len(CODES)), row.error]
        else:
            values = [
                row.file,
                review.project,
                _number(review.stated_total),
                _number(review.recomputed_total),
                "是" if review.partial else "",
                review.stated_grade or "",
                review.recomputed_grade or "",
                len(review.findings),
            ]
            values += [row.counts.get(code, 0) or "" for code in CODES]
            values += [str(worst) if worst is not None else "", ""]
        _put(sheet, line, values)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 30
    detail = workbook.create_sheet("全部问题")
    _put(detail, 1, ["文件", "代码", "单元格", "说明"])
    for cell in detail[1]:
        cell.font = Font(bold=True)
    line = 2
    for row in rows:
        found = (
            [(f.code, f.cell, f.message) for f in row.review.findings]
            if row.review is not None
            else [("error", "", row.error)]
        )
        for code, where, message in found:
            _put(detail, line, [row.file, code, where, message])
            line += 1
    detail.freeze_panes = "A2"
    for column, width in zip("ABCD", (48, 28, 16, 100), strict=True):
        detail.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- the summary page -------------------------------------------------------------------------


def folder_html(rows: list[FolderRow], title: str) -> str:
    """One self-contained page (the frame every jixiao page has): the counts, a chart of how many
    tables have each finding code, and the table of files."""
    from ..report.charts import count_chart
    from ..report.page import page

    reviewed = [row for row in rows if row.review is not None]
    failed = [row for row in rows if row.review is None]
    clean = [row for row in reviewed if row.review is not None and not row.review.findings]
    tables_with = Counter(code for row in reviewed for code in row.counts)
    items = [(code, tables_with[code]) for code in CODES if tables_with[code]]
    parts = [
        (
            f"<p>共 {len(rows)} 个文件：复核 {len(reviewed)} 个（其中 {len(clean)} 个未发现问题），"
            f"无法读取 {len(failed)} 个。</p>"
        ),
        "<h2>各类问题涉及的表数</h2>",
        count_chart("各类问题涉及的表数", items, " 个表"),
        "<h2>逐表结果</h2>",
        (
            '<table class="data"><tr><th>文件</th><th>项目</th><th>填报总分</th><th>按规则重算</th>'
            "<th>填报等级</th><th>问题数</th><th>最严重的问题</th></tr>"
        ),
    ]
    for row in rows:
        review = row.review
        if review is None:
            parts.append(
                f"<tr><td>{html_text(row.file)}</td>"
                f'<td colspan="6" class="err">无法读取：{html_text(row.error)}</td></tr>'
            )
            continue
        recomputed = (
            "—" if review.recomputed_total is None else format_number(review.recomputed_total, 2)
        )
        if review.partial:
            recomputed += "（部分）"
        worst = row.worst
        parts.append(
            f"<tr><td>{html_text(row.file)}</td><td>{html_text(review.project)}</td>"
            f'<td class="num">{html_text(number_text(review.stated_total))}</td>'
            f'<td class="num">{html_text(recomputed)}</td>'
            f"<td>{html_text(review.stated_grade or '—')}</td>"
            f'<td class="num">{len(review.findings)}</td>'
            f"<td>{html_text(str(worst)) if worst is not None else ''}</td></tr>"
        )
    parts.append("</table>")
    return page(f"复核汇总 — {title}", parts, heading=f"复核汇总：{title}")
