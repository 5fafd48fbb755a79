"""The blocks above the indicator header: project information, the funds block, the goal.

Each is found by its labels anywhere above the header row (``before``), never by position,
since provinces print them in different places and merge them differently: 项目名称 / 主管部门 /
实施单位 with the value inline ("项目名称：…") or in the next cell, the year from the title, the
funds block by its amount columns, and 年度总体目标 by its 预期目标 / 实际完成情况 columns.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..i18n import ui
from ..numbers.cell_text import normalize
from .filed import FiledFunds, Located, Notice
from .funds import COLUMNS, SOURCES
from .sheet_cells import CellReader, cell_texts, value_right_of

__all__ = ["read_funds", "read_goal", "read_project"]

_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})年度?")
_PROJECT_LABELS = {
    "name": ("项目名称",),
    "department": ("主管部门",),
    "unit": ("实施单位", "预算单位", "项目单位"),
    "code": ("项目编码", "项目代码"),
}
_ALL_LABELS = tuple(w for words in _PROJECT_LABELS.values() for w in words)
_FUNDS_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("年度资金总额", ("年度资金总额", "资金总额", "总金额", "合计", "总额")),
    (SOURCES[0], ("财政拨款",)),
    (SOURCES[1], ("上年结转",)),
    (SOURCES[2], ("其他资金",)),
)
_FUNDS_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (COLUMNS[0], ("年初预算数", "年初预算")),
    # "预算数(A)" alone: the 湖北 / 云南 (20分) form's one budget column, after 年初预算数 is ruled out.
    (COLUMNS[1], ("全年预算数", "全年预算", "调整后预算", "预算数")),
    (COLUMNS[2], ("全年执行数", "全年执行", "执行数", "预算执行数", "实际支出")),
    ("执行率", ("执行率", "预算执行率")),
    ("分值", ("分值", "权重")),
    ("得分", ("得分",)),
)


# ---- project information ----------------------------------------------------------------------


def read_project(reader: CellReader, before: int) -> None:
    """项目名称, 主管部门, 实施单位, 项目编码 (the first of each) and the year from any title."""
    sheet, table = reader.sheet, reader.table
    for row, col, text in cell_texts(sheet, range(1, before)):
        if not text:
            continue
        for key, words in _PROJECT_LABELS.items():
            if key in table.project or not any(text.startswith(w) for w in words):
                continue
            inline = re.split(r"[:：]", sheet.text(row, col), maxsplit=1)
            if len(inline) == 2 and inline[1].strip():
                table.project[key] = Located(inline[1].strip(), sheet.ref(row, col))
                continue
            found = value_right_of(reader, row, col, _ALL_LABELS)
            if found is not None:
                table.project[key] = Located(found[0], sheet.ref(row, found[1]))
        if "year" not in table.project and (match := _YEAR.search(text)):
            table.project["year"] = Located(match["year"], sheet.ref(row, col))


# ---- goal (年度总体目标) -------------------------------------------------------------------------------


def read_goal(reader: CellReader, before: int) -> None:
    """The texts under 预期目标 and 实际完成情况 (lines joined), from the first row naming them."""
    sheet, table = reader.sheet, reader.table
    for row in range(1, before):
        cols = {
            key: col
            for _, col, text in cell_texts(sheet, range(row, row + 1))
            for key, word in (("expected", "预期目标"), ("actual", "实际完成情况"))
            if text.startswith(word)
        }
        if not cols:
            continue
        for key, col in cols.items():
            texts: list[str] = []
            first = ""
            for r in range(row + 1, before):
                if sheet.text(r, col) and sheet.is_merge_origin(r, col):
                    texts.append(sheet.text(r, col))
                    first = first or sheet.ref(r, col)
            if texts:
                table.goal[key] = Located("\n".join(texts), first)
        return


# ---- funds block ------------------------------------------------------------------------------


def _funds_column(text: str) -> str | None:
    """Which funds column a title names: 得分 and 分值 by their words anywhere ("执行率得分",
    "执行率权重"), the others by how they start, asides in brackets dropped ("全年(调整)预算数")."""
    if "得分" in text:
        return "得分"
    if "分值" in text or "权重" in text:
        return "分值"
    plain = re.sub(r"[（(][^)）]*[)）]", "", text)
    for name, words in _FUNDS_COLUMNS:
        if any(plain.startswith(w) for w in words):
            return name
    return None


def read_funds(reader: CellReader, before: int) -> None:
    """The funds block: the first row with 全年预算数 and 全年执行数 columns, and its rows."""
    sheet = reader.sheet
    for row in range(1, before):
        columns: dict[str, int] = {}
        for _, col, text in cell_texts(sheet, range(row, row + 1)):
            name = _funds_column(text)
            if name is not None and name not in columns:
                columns[name] = col
        if not {COLUMNS[1], COLUMNS[2]} <= columns.keys():
            continue
        _read_funds_rows(reader, row, before, columns)
        return


def _read_funds_rows(reader: CellReader, head: int, before: int, columns: dict[str, int]) -> None:
    """The 年度资金总额 and source rows below the block's column titles (``head``).

    Amounts are in the unit the block's label names ("项目资金（元）"), 万元 when it names none;
    分值, 执行率 and 得分 come from the 年度资金总额 row (a source row that prints a 得分 of its
    own is kept as ``repeated_score``: the points counted again). A labelled row that is not a
    funds row ends the block.
    """
    sheet = reader.sheet
    first_value = min(columns.values())
    unit = "万元"
    label_cell = sheet.ref(head, 1)
    for col in range(1, first_value):
        text = normalize(sheet.text(head, col))
        if "资金" in text or "万元" in text or "元" in text:
            label_cell = sheet.ref(head, col)
            match = re.search(r"[（(]([^)）]*元)[)）]", text)
            if match:
                unit = match[1]
    amounts: dict[str, dict[str, Located[Decimal]]] = {}
    weight: Located[Decimal | None] = Located(None, "")
    rate: Located[str | None] = Located(None, "")
    score: Located[Decimal | None] = Located(None, "")
    repeated: Located[Decimal] | None = None
    for row in range(head + 1, before):
        # The row's own label: not the block's title merged down beside the rows.
        label = "".join(
            normalize(sheet.text(row, c))
            for c in range(1, first_value)
            if (rng := sheet.merge(row, c)) is None or rng[0] == row
        )
        key = next((k for k, words in _FUNDS_ROWS if any(w in label for w in words)), None)
        if key is None and not label and not amounts and _has_values(reader, row, columns):
            key = _FUNDS_ROWS[0][0]  # the block's one row of values, printed with no label
        if key is None:
            if label:
                break
            continue
        cells: dict[str, Located[Decimal]] = {}
        for column in COLUMNS:
            where = columns.get(column)
            if where is None:
                continue
            value = reader.money(row, where, f"{key} {column}", unit)
            if value is not None:
                cells[column] = Located(value, sheet.ref(row, where))
        amounts[key] = cells
        if key != _FUNDS_ROWS[0][0] and "得分" in columns:
            points, _ = reader.number(row, columns["得分"], "资金得分")
            if points is not None and points > 0 and score.value is not None and repeated is None:
                repeated = Located(points, sheet.ref(row, columns["得分"]))
            elif points is not None and weight.value is None and score.value is None:
                # 分值, 执行率 and 得分 printed on the first source row instead of the total row.
                key = _FUNDS_ROWS[0][0]
        if key == _FUNDS_ROWS[0][0]:
            if "分值" in columns:
                value, _ = reader.number(row, columns["分值"], "资金分值")
                weight = Located(value, sheet.ref(row, columns["分值"]))
            if "得分" in columns:
                value, _ = reader.number(row, columns["得分"], "资金得分")
                score = Located(value, sheet.ref(row, columns["得分"]))
            if "执行率" in columns:
                rate = reader.located(row, columns["执行率"])
    if amounts and "分值" not in columns and "得分" in columns:
        titled = _title_weight(reader, head, first_value, columns["得分"])
        if titled is not None:
            weight = Located(titled.value, titled.cell)
    if amounts:
        reader.table.funds = FiledFunds(unit, amounts, weight, rate, score, label_cell, repeated)


# "预算执行情况（万元）（20分）" and "得分（20分*执行率）": the funds weight of a form with no 分值 column.
_TITLE_POINTS = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*(?:[)）]|[*×xX＊])")


def _title_weight(
    reader: CellReader, head: int, first_value: int, score_col: int
) -> Located[Decimal] | None:
    """The funds 分值 a form prints only in its titles: the block label's "（20分）" or the 得分
    title's "（20分*执行率）". Said as a notice; titles that disagree give no weight, said too."""
    sheet = reader.sheet
    found: dict[Decimal, tuple[str, str]] = {}
    for col in [*range(1, first_value), score_col]:
        text = sheet.text(head, col)
        if sheet.is_merge_origin(head, col) and (match := _TITLE_POINTS.search(text)):
            found.setdefault(Decimal(match[1]), (sheet.ref(head, col), normalize(text)))
    notices = reader.table.notices
    if len(found) > 1:
        shown = "、".join(f"{cell}“{text}”" for cell, text in found.values())
        message = ui(
            "the funds row's titles give different 分值 ({shown}): no funds 分值 is inferred",
            shown=shown,
        )
        notices.append(Notice(sheet.ref(head, 1), message))
    if len(found) != 1:
        return None
    value, (cell, text) = next(iter(found.items()))
    message = ui(
        "the funds row has no 分值 column: 分值 {value} is taken from the title “{title}”",
        value=value,
        title=text,
    )
    notices.append(Notice(cell, message))
    return Located(value, cell)


def _has_values(reader: CellReader, row: int, columns: dict[str, int]) -> bool:
    return any(reader.sheet.raw(row, col) is not None for col in columns.values())
