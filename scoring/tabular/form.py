"""The 自评表 laid out once as a grid of cells with merges; xlsx, csv and html only draw it.

Layout (the national 自评表's), for a three-level tree (nine columns A–I; deeper trees add level columns):

    1  项目支出绩效自评表                                     (title, merged across)
    2  （2021年度）
    3  项目名称 | …
    4  主管部门 | …            | 实施单位 | …
    5  项目资金（万元） |               | 年初预算数 | 全年预算数（A） | 全年执行数（B） | 分值 | 执行率（B/A） | 得分
    6                  | 年度资金总额   | …
    7                  | 其中：财政拨款 | …
    8                  | 上年结转       | …
    9                  | 其他资金       | …
    10 年度总体目标     | 预期目标                         | 实际完成情况
    11                 | …                                | …
    12 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
    …  one row per leaf, parents merged down over their leaves
    总分 | 100 | 95.85 | (rescaling note)
    自评等级 | 优

The rows come from ``tabular.result_rows.table_rows`` (names, targets, actuals, deviation texts), so the
spreadsheet shows exactly what the text table shows; scores and weights stay ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..engine.result import IndicatorResult, Result
from ..numbers.text import format_number
from .funds import COLUMNS, funds_block
from .result_rows import depth, headers, rescale_note, table_rows

__all__ = ["FORM_TITLE", "Form", "FormCell", "build_form"]

FORM_TITLE = "项目支出绩效自评表"
Value = str | Decimal | None


@dataclass(frozen=True)
class FormCell:
    """One cell: its value and how it is drawn.

    ``kind`` is one of ``title``, ``subtitle``, ``header``, ``label``, ``text``, ``center``,
    ``weight``, ``score``, ``money``, ``rate`` (a ratio shown as a percentage).
    """

    value: Value
    kind: str = "text"


@dataclass
class Form:
    """A sheet to draw: cells by (row, column), 1-based; merges as (row1, col1, row2, col2)."""

    width: int
    score_places: int
    cells: dict[tuple[int, int], FormCell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    header_row: int = 0  # the indicator block's header (repeated on every printed page)
    last_row: int = 0
    column_widths: list[int] = field(default_factory=list)

    def put(
        self, row: int, col: int, value: Value, kind: str = "text", *, to: int = 0, down: int = 0
    ) -> None:
        """Write a cell; ``to`` merges across up to that column, ``down`` merges down that many rows."""
        self.cells[(row, col)] = FormCell(value, kind)
        last_col, last_row = max(col, to), row + down
        if (last_col, last_row) != (col, row):
            self.merges.append((row, col, last_row, last_col))
        self.last_row = max(self.last_row, last_row)

    def text(self, row: int, col: int) -> str:
        """The cell as a person reads it (numbers formatted as they are drawn)."""
        cell = self.cells.get((row, col))
        return "" if cell is None else display(cell, self.score_places)

    def rows(self) -> list[list[str]]:
        """Every row as text, merged cells empty except their top-left one (for csv)."""
        return [
            [self.text(r, c) for c in range(1, self.width + 1)] for r in range(1, self.last_row + 1)
        ]


def display(cell: FormCell, places: int) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if cell.kind == "score":
        return format_number(value, places)
    if cell.kind == "rate":
        return format_number(value * 100, 2) + "%"
    return format_number(value)  # money, weights


def build_form(result: Result) -> Form:
    """The 自评表 grid of a scored project."""
    levels = depth(result)
    width = max(8, levels + 6)
    form = Form(width=width, score_places=result.spec.rounding.places)
    project = result.project
    year = str(project.get("year", "") or "")
    form.put(1, 1, FORM_TITLE, "title", to=width)
    form.put(2, 1, f"（{year}年度）" if year else "", "subtitle", to=width)
    form.put(3, 1, "项目名称", "label")
    form.put(3, 2, str(project.get("name", "")), "text", to=width)
    middle = 1 + (width - 1) // 2
    form.put(4, 1, "主管部门", "label")
    form.put(4, 2, str(project.get("department", "") or ""), "text", to=middle - 1)
    form.put(4, middle, "实施单位", "label")
    form.put(4, middle + 1, str(project.get("unit", "") or ""), "text", to=width)
    _funds(form, result, 5)
    _goal(form, result, 10)
    _indicators(form, result, 12, levels)
    form.column_widths = _widths(width, levels)
    return form


def _funds(form: Form, result: Result, top: int) -> None:
    width = form.width
    block = funds_block(result)
    first_value = width - 5  # six value columns at the right
    form.put(top, 1, "项目资金（万元）", "label", down=len(block.rows))
    form.put(top, 2, "", "header", to=first_value - 1)
    titles = (
        COLUMNS[0],
        COLUMNS[1] + "（A）",
        COLUMNS[2] + "（B）",
        "分值",
        "执行率（B/A）",
        "得分",
    )
    for offset, title in enumerate(titles):
        form.put(top, first_value + offset, title, "header")
    for index, row in enumerate(block.rows):
        r = top + 1 + index
        form.put(r, 2, row.label, "label", to=first_value - 1)
        for offset, amount in enumerate(row.amounts):
            form.put(r, first_value + offset, amount, "money")
        if index == 0:
            form.put(
                r, first_value + 3, block.weight if block.weight is not None else "—", "weight"
            )
            form.put(r, first_value + 4, block.rate, "rate")
            form.put(r, first_value + 5, block.score if block.indicator else "—", "score")
        else:
            for offset in (3, 4, 5):
                form.put(r, first_value + offset, "—", "center")


def _goal(form: Form, result: Result, top: int) -> None:
    width = form.width
    goal = result.project.get("goal") or {}
    middle = 2 + (width - 2) // 2
    form.put(top, 1, "年度总体目标", "label", down=1)
    form.put(top, 2, "预期目标", "header", to=middle - 1)
    form.put(top, middle, "实际完成情况", "header", to=width)
    form.put(top + 1, 2, str(goal.get("expected") or ""), "text", to=middle - 1)
    form.put(top + 1, middle, str(goal.get("actual") or ""), "text", to=width)


def _indicators(form: Form, result: Result, top: int, levels: int) -> None:
    width = form.width
    form.header_row = top
    for offset, title in enumerate(headers(result)):
        form.put(top, 2 + offset, title, "header")
    # Pad when the form is wider than the indicator block (a tree of one or two levels).
    rows = table_rows(result)
    leaves = result.leaves()
    assert len(rows) == len(leaves), "table_rows gives one row per leaf, in tree order"
    funds = funds_block(result).indicator
    skip = {item.id for item in funds.walk()} if funds is not None else set()
    kept = [(leaf, row) for leaf, row in zip(leaves, rows, strict=True) if leaf.id not in skip]
    row_of: dict[str, int] = {}
    r = top
    for r, (leaf, row) in enumerate(kept, start=top + 1):
        row_of[leaf.id] = r
        names, rest = row[:levels], row[levels:]
        for col, name in enumerate(names, start=2):
            if name:
                form.put(r, col, name, "label")
        target, actual, _weight, _score, deviation = rest
        col = 2 + levels
        form.put(r, col, target, "center")
        form.put(r, col + 1, actual, "center")
        form.put(r, col + 2, leaf.weight, "weight")
        form.put(r, col + 3, leaf.score if leaf.score is not None else "—", "score")
        form.put(r, col + 4, deviation, "text", to=width)
    last_leaf = max(r, top)
    form.put(top, 1, "绩效指标", "label", down=last_leaf - top)
    for top_item in result.indicators:
        _merge_parents(form, top_item, row_of, 2)
    # Footer: 总分 | 分值 total | 自评得分 | note; then 自评等级.
    foot = last_leaf + 1
    weight_col = 2 + levels + 2
    form.put(foot, 1, "总分", "label", to=weight_col - 1)
    form.put(foot, weight_col, result.max, "weight")
    form.put(foot, weight_col + 1, result.total, "score")
    form.put(foot, weight_col + 2, rescale_note(result), "text", to=width)
    form.put(foot + 1, 1, "自评等级", "label", to=weight_col - 1)
    form.put(foot + 1, weight_col, result.grade, "center", to=width)


def _merge_parents(
    form: Form, item: IndicatorResult, row_of: dict[str, int], col: int
) -> list[int]:
    """Merge each parent's name cell down over its leaves' rows; return the rows under ``item``."""
    if item.is_leaf:
        return [row_of[item.id]] if item.id in row_of else []
    rows: list[int] = []
    for child in item.children:
        rows += _merge_parents(form, child, row_of, col + 1)
    if len(rows) > 1:
        first, last = min(rows), max(rows)
        # The rows of one parent are contiguous: leaves are laid out in tree order.
        form.merges.append((first, col, last, col))
    return rows


def _widths(width: int, levels: int) -> list[int]:
    widths = [10] + [12] * (levels - 1) + [24, 16, 14, 7, 8, 36]
    widths += [12] * (width - len(widths))
    return widths[:width]
