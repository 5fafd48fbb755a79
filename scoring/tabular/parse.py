"""Find the 自评表 in a sheet and read it into a ``FiledTable``, every value with its cell.

Tolerates what filed tables do: the header rows anywhere (found by their words, 一级指标 …
年度指标值 … 分值 … 得分), headers split over two rows, merged level cells or names left blank
under the first one, block weights printed in a name ("产出指标（50分）"), in a 小计 row or in a
分值 cell merged over the block, numbers stored as text ("10分", "9.8"), "/" or "—" for not
applicable. What cannot be read is a problem naming its cell; nothing is guessed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from ..errors import Problem
from ..quantities import (
    QuantityError,
    convert_money,
    is_not_applicable,
    normalize,
    parse_quantity,
)
from .filed import FiledFunds, FiledRow, FiledTable, Located, Notice
from .funds import COLUMNS, SOURCES
from .sheet import Sheet, TableError, read_sheets

__all__ = ["parse_sheet", "read_table"]

# Header words, most specific first; matched against the normalised header text (no spaces).
_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("deviation", ("偏差原因", "偏差", "原因分析", "改进措施")),
    (
        "target",
        ("年度指标值", "年度目标值", "预期指标值", "全年指标值", "指标值", "目标值", "计划值"),
    ),
    ("actual", ("实际完成值", "全年实际值", "实际完成", "完成值", "实际值")),
    ("weight", ("分值", "权重", "标准分")),
    ("score", ("自评得分", "得分", "评分")),
)
_LEVEL_WORDS = ("一级指标", "二级指标", "三级指标", "四级指标", "五级指标", "六级指标")
_LEAF_WORDS = ("指标名称", "具体指标", "绩效指标名称")
_TOTAL_WORDS = ("总分", "合计", "总计", "综合得分")
_SUBTOTAL_WORDS = ("小计",)
_GRADE_WORDS = ("自评等级", "评价等级", "绩效等级", "评价结果", "等级")
_BLOCK_WEIGHT = re.compile(r"^(?P<name>.*?)[（(](?:分值|权重)?[:：]?(?P<w>\d+(?:\.\d+)?)分?[)）]$")
_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})年度?")
_FUNDS_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("年度资金总额", ("年度资金总额", "资金总额", "合计")),
    (SOURCES[0], ("财政拨款",)),
    (SOURCES[1], ("上年结转",)),
    (SOURCES[2], ("其他资金",)),
)
_FUNDS_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (COLUMNS[0], ("年初预算数", "年初预算")),
    (COLUMNS[1], ("全年预算数", "全年预算", "调整后预算")),
    (COLUMNS[2], ("全年执行数", "全年执行", "执行数", "实际支出")),
    ("执行率", ("执行率",)),
    ("分值", ("分值", "权重")),
    ("得分", ("得分",)),
)


def read_table(path: str | os.PathLike[str], sheet: str | None = None) -> FiledTable:
    """Read a filed 自评表 (xlsx or csv); the first sheet that has an indicator header, or ``sheet``."""
    sheets = read_sheets(path)
    if sheet is not None:
        chosen = [s for s in sheets if s.name == sheet]
        if not chosen:
            names = ", ".join(s.name for s in sheets)
            raise TableError(
                Problem(
                    f"no sheet named {sheet!r}; the workbook has {names}",
                    "table-sheet",
                    file=os.fspath(path),
                )
            )
        return parse_sheet(chosen[0])
    for candidate in sheets:
        if _find_header(candidate) is not None:
            return parse_sheet(candidate)
    raise TableError(
        Problem(
            "no 自评表 found: no sheet has an indicator header row (三级指标 | 年度指标值 | "
            "实际完成值 | 分值 | 得分)",
            "table-no-header",
            file=os.fspath(path),
        )
    )


@dataclass
class _Header:
    first_row: int
    last_row: int
    levels: list[int]  # level columns, 一级 first
    fields: dict[str, int]  # target, actual, weight, score, deviation → column


def _words(sheet: Sheet, row: int, col: int) -> str:
    return normalize(sheet.text(row, col))


def _field_of(text: str) -> str | None:
    for name, words in _FIELDS:
        if any(word in text for word in words):
            return name
    return None


def _scan_header_row(sheet: Sheet, row: int) -> tuple[dict[str, int], dict[int, int]]:
    fields: dict[str, int] = {}
    levels: dict[int, int] = {}  # level number → column
    for col in range(1, sheet.max_col + 1):
        text = _words(sheet, row, col)
        if not text or len(text) > 20:
            continue
        level = next((i + 1 for i, w in enumerate(_LEVEL_WORDS) if w in text), None)
        if level is not None:
            levels.setdefault(level, col)
            continue
        if any(word in text for word in _LEAF_WORDS):
            levels.setdefault(99, col)
            continue
        name = _field_of(text)
        # A merged header cell spans columns: only its first column is the field.
        if name is not None and name not in fields and sheet.is_merge_origin(row, col):
            fields[name] = col
    return fields, levels


def _find_header(sheet: Sheet) -> _Header | None:
    for row in range(1, sheet.max_row + 1):
        fields, levels = _scan_header_row(sheet, row)
        if not {"target", "actual", "score"} <= fields.keys():
            continue
        last = row
        if not levels:  # a two-row header: 绩效指标 above, 一级/二级/三级 below
            below_fields, below_levels = _scan_header_row(sheet, row + 1)
            if below_levels:
                levels, last = below_levels, row + 1
                for name, col in below_fields.items():
                    fields.setdefault(name, col)
        if not levels:
            continue
        ordered = [levels[k] for k in sorted(levels)]
        return _Header(row, last, ordered, fields)
    return None


class _Reader:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.table = FiledTable(file=sheet.file, sheet=sheet.name)
        self.problems: list[Problem] = list(sheet.problems)

    def problem(self, row: int, col: int, message: str, code: str) -> None:
        self.problems.append(
            Problem(message, code, file=self.sheet.file, path=self.sheet.ref(row, col))
        )

    def notice(self, row: int, col: int, message: str) -> None:
        self.table.notices.append(Notice(self.sheet.ref(row, col), message))

    def located(self, row: int, col: int) -> Located[str | None]:
        text = self.sheet.text(row, col)
        return Located(text or None, self.sheet.ref(row, col))

    def number(
        self, row: int, col: int, what: str, units: tuple[str, ...] = ("", "分")
    ) -> tuple[Decimal | None, bool]:
        """A number cell: (value, not-applicable marker). Problems are recorded, never guessed."""
        value = self.sheet.value(row, col)
        if value is None:
            return None, False
        if isinstance(value, Decimal):
            return value, False
        if is_not_applicable(value):
            return None, True
        try:
            quantity = parse_quantity(value)
        except QuantityError as exc:
            self.problem(row, col, f"{what}: {exc.message}", "table-number")
            return None, False
        if quantity.unit not in units:
            allowed = "、".join(u for u in units if u) or "none"
            self.problem(
                row,
                col,
                f"{what} {value!r} has the unit {quantity.unit!r}; expected {allowed}",
                "table-number",
            )
            return None, False
        return quantity.number, False

    def money(self, row: int, col: int, what: str, unit: str) -> Decimal | None:
        return _money(self, row, col, what, unit)


def _money(reader: _Reader, row: int, col: int, what: str, unit: str) -> Decimal | None:
    """An amount in ``unit``: a bare number is in it; "1,100,000元" is converted exactly."""
    value = reader.sheet.value(row, col)
    if value is None or isinstance(value, Decimal) or is_not_applicable(value):
        return value if isinstance(value, Decimal) else None
    try:
        quantity = parse_quantity(value)
        if not quantity.unit:
            return quantity.number
        return convert_money(quantity.number, quantity.unit, unit)
    except QuantityError as exc:
        reader.problem(row, col, f"{what}: {exc.message}", "table-number")
        return None


def parse_sheet(sheet: Sheet) -> FiledTable:
    """Read one sheet; what cannot be read is listed in ``table.problems`` with its cell.

    Raises ``TableError`` only when there is no indicator header at all.
    """
    header = _find_header(sheet)
    if header is None:
        raise TableError(
            Problem(
                "no indicator header row found (三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分)",
                "table-no-header",
                file=sheet.file,
                path=sheet.name,
            )
        )
    reader = _Reader(sheet)
    table = reader.table
    table.header_cell = sheet.ref(header.first_row, header.levels[0])
    _read_project(reader, header.first_row)
    _read_funds(reader, header.first_row)
    _read_goal(reader, header.first_row)
    foot = _read_rows(reader, header)
    _read_footer(reader, header, foot)
    table.problems = reader.problems
    return table


# ---- header information ----------------------------------------------------------------------


def _value_right_of(
    reader: _Reader, row: int, col: int, labels: tuple[str, ...]
) -> tuple[str, int] | None:
    sheet = reader.sheet
    rng = sheet.merge(row, col)
    start = (rng[3] if rng else col) + 1
    for c in range(start, sheet.max_col + 1):
        text = sheet.text(row, c)
        if not text:
            continue
        if sheet.merge(row, c) and not sheet.is_merge_origin(row, c):
            continue
        if any(word in normalize(text) for word in labels):
            return None
        return text, c
    return None


_PROJECT_LABELS = {
    "name": ("项目名称",),
    "department": ("主管部门",),
    "unit": ("实施单位", "预算单位", "项目单位"),
    "code": ("项目编码", "项目代码"),
}
_ALL_LABELS = tuple(w for words in _PROJECT_LABELS.values() for w in words)


def _read_project(reader: _Reader, before: int) -> None:
    sheet, table = reader.sheet, reader.table
    for row in range(1, before):
        for col in range(1, sheet.max_col + 1):
            if not sheet.is_merge_origin(row, col):
                continue
            text = normalize(sheet.text(row, col))
            if not text:
                continue
            for key, words in _PROJECT_LABELS.items():
                if key in table.project or not any(text.startswith(w) for w in words):
                    continue
                inline = re.split(r"[:：]", sheet.text(row, col), maxsplit=1)
                if len(inline) == 2 and inline[1].strip():
                    table.project[key] = Located(inline[1].strip(), sheet.ref(row, col))
                    continue
                found = _value_right_of(reader, row, col, _ALL_LABELS)
                if found is not None:
                    table.project[key] = Located(found[0], sheet.ref(row, found[1]))
            if "year" not in table.project and (match := _YEAR.search(text)):
                table.project["year"] = Located(match["year"], sheet.ref(row, col))


def _read_goal(reader: _Reader, before: int) -> None:
    sheet, table = reader.sheet, reader.table
    for row in range(1, before):
        cols = {
            key: col
            for col in range(1, sheet.max_col + 1)
            if sheet.is_merge_origin(row, col)
            for key, word in (("expected", "预期目标"), ("actual", "实际完成情况"))
            if normalize(sheet.text(row, col)).startswith(word)
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


def _read_funds(reader: _Reader, before: int) -> None:
    sheet = reader.sheet
    for row in range(1, before):
        columns: dict[str, int] = {}
        for col in range(1, sheet.max_col + 1):
            if not sheet.is_merge_origin(row, col):
                continue
            text = normalize(sheet.text(row, col))
            for name, words in _FUNDS_COLUMNS:
                if name not in columns and any(text.startswith(w) for w in words):
                    columns[name] = col
                    break
        if not {COLUMNS[1], COLUMNS[2]} <= columns.keys():
            continue
        _read_funds_rows(reader, row, before, columns)
        return


def _read_funds_rows(reader: _Reader, head: int, before: int, columns: dict[str, int]) -> None:
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
    for row in range(head + 1, before):
        label = "".join(normalize(sheet.text(row, c)) for c in range(1, first_value))
        key = next((k for k, words in _FUNDS_ROWS if any(w in label for w in words)), None)
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
        if key == _FUNDS_ROWS[0][0]:
            if "分值" in columns:
                value, _ = reader.number(row, columns["分值"], "资金分值")
                weight = Located(value, sheet.ref(row, columns["分值"]))
            if "得分" in columns:
                value, _ = reader.number(row, columns["得分"], "资金得分")
                score = Located(value, sheet.ref(row, columns["得分"]))
            if "执行率" in columns:
                rate = reader.located(row, columns["执行率"])
    if amounts:
        reader.table.funds = FiledFunds(unit, amounts, weight, rate, score, label_cell)


# ---- indicator rows ---------------------------------------------------------------------------


def _is_word_row(reader: _Reader, row: int, header: _Header, words: tuple[str, ...]) -> int | None:
    """The column of a cell left of the target column that starts with one of ``words``."""
    for col in range(1, header.fields["target"]):
        text = normalize(reader.sheet.text(row, col))
        if text and any(text.startswith(w) for w in words):
            return col
    return None


def _split_block_weight(name: str) -> tuple[str, Decimal | None]:
    match = _BLOCK_WEIGHT.match(normalize(name))
    if match is None or not match["name"]:
        return name, None
    return match["name"], Decimal(match["w"])


def _read_rows(reader: _Reader, header: _Header) -> int:
    """Read indicator rows up to the footer; return the footer's row (or one past the last row)."""
    sheet, table = reader.sheet, reader.table
    fields = header.fields
    current: list[Located[str] | None] = [None] * len(header.levels)
    merged_weights: dict[tuple[int, int, int, int], list[int]] = {}
    row = header.last_row + 1
    while row <= sheet.max_row:
        if _is_word_row(reader, row, header, _TOTAL_WORDS) is not None:
            return row
        if _is_word_row(reader, row, header, _GRADE_WORDS) is not None:
            return row
        sub = _is_word_row(reader, row, header, _SUBTOTAL_WORDS)
        if sub is not None:
            _subtotal(reader, row, sub, header, current)
            row += 1
            continue
        started = [False] * len(header.levels)
        for index, col in enumerate(header.levels):
            if sheet.raw(row, col) is None:
                continue
            name, block = _split_block_weight(sheet.text(row, col))
            current[index] = Located(name, sheet.ref(row, col))
            started[index] = True
            for lower in range(index + 1, len(header.levels)):
                if sheet.raw(row, header.levels[lower]) is None and not _merged_from_above(
                    sheet, row, header.levels[lower]
                ):
                    current[lower] = None
            if block is not None:
                names = tuple(c.value for c in current[: index + 1] if c is not None)
                table.blocks.append((names, Located(block, sheet.ref(row, col))))
        numbers = any(
            sheet.value(row, fields[f]) is not None
            for f in ("target", "actual", "weight", "score")
            if f in fields
        )
        if not any(started) and not numbers:
            row += 1
            continue
        deepest = max((i for i, s in enumerate(started) if s), default=None)
        if deepest is None:
            leaf_col = header.levels[-1]
            reader.problem(
                row,
                leaf_col,
                "an indicator row without a name (its 指标 cell is empty)",
                "table-row",
            )
            row += 1
            continue
        path = tuple(c for c in current[: deepest + 1] if c is not None)
        filed = _filed_row(reader, row, header, path)
        if filed is not None:
            weight_col = fields.get("weight")
            rng = sheet.merge(row, weight_col) if weight_col else None
            if rng is not None and rng[2] > rng[0]:
                merged_weights.setdefault(rng, []).append(len(table.rows))
            table.rows.append(filed)
        row += 1
    _merged_weight_blocks(reader, merged_weights)
    return row


def _merged_from_above(sheet: Sheet, row: int, col: int) -> bool:
    rng = sheet.merge(row, col)
    return rng is not None and rng[0] < row


def _subtotal(
    reader: _Reader, row: int, col: int, header: _Header, current: list[Located[str] | None]
) -> None:
    level = header.levels.index(col) if col in header.levels else len(header.levels)
    path = tuple(c.value for c in current[:level] if c is not None)
    weight_col = header.fields.get("weight")
    if weight_col is None or not path:
        return
    value, _ = reader.number(row, weight_col, "小计分值")
    if value is not None:
        reader.table.blocks.append((path, Located(value, reader.sheet.ref(row, weight_col))))


def _filed_row(
    reader: _Reader, row: int, header: _Header, path: tuple[Located[str], ...]
) -> FiledRow | None:
    sheet, fields = reader.sheet, header.fields
    name_col = header.levels[-1]

    def text(field: str) -> Located[str | None]:
        col = fields.get(field)
        if col is None:
            return Located(None, sheet.ref(row, name_col))
        return reader.located(row, col)

    target, actual = text("target"), text("actual")
    weight: Located[Decimal | None] = Located(None, sheet.ref(row, fields.get("weight", name_col)))
    weight_na = False
    if "weight" in fields:
        rng = sheet.merge(row, fields["weight"])
        if rng is None or rng[2] == rng[0]:  # a 分值 merged over several rows is a block total
            value, weight_na = reader.number(row, fields["weight"], "分值")
            weight = Located(value, sheet.ref(row, fields["weight"]))
    score: Located[Decimal | None] = Located(None, sheet.ref(row, fields.get("score", name_col)))
    score_na = False
    if "score" in fields:
        value, score_na = reader.number(row, fields["score"], "得分")
        score = Located(value, sheet.ref(row, fields["score"]))
        rng = sheet.merge(row, fields["score"])
        if rng is not None and rng[2] > rng[0]:
            reader.problem(
                row,
                fields["score"],
                "得分 is merged over several indicator rows; give each indicator its own score",
                "table-merged-score",
            )
    deviation = text("deviation")
    marks = [v.value for v in (target, actual)]
    all_na = all(v is None or is_not_applicable(v) for v in marks) and (
        weight_na or weight.value is None
    )
    not_applicable = is_not_applicable(actual.value) or (
        all_na and (score_na or score.value is None)
    )
    return FiledRow(
        row=row,
        path=path,
        target=target,
        actual=actual,
        weight=weight,
        score=score,
        deviation=Located(deviation.value or "", deviation.cell),
        not_applicable=not_applicable,
    )


def _merged_weight_blocks(
    reader: _Reader, merged: dict[tuple[int, int, int, int], list[int]]
) -> None:
    sheet, table = reader.sheet, reader.table
    for rng, indexes in merged.items():
        value, _ = reader.number(rng[0], rng[1], "分值")
        if value is None:
            continue
        rows = [table.rows[i] for i in indexes]
        prefix: tuple[str, ...] = tuple(p.value for p in rows[0].path[:-1])
        for other in rows[1:]:
            names = tuple(p.value for p in other.path[:-1])
            common = 0
            while common < min(len(prefix), len(names)) and prefix[common] == names[common]:
                common += 1
            prefix = prefix[:common]
        if len(rows) == 1:
            table.rows[indexes[0]] = _with_weight(
                rows[0], Located(value, sheet.ref(rng[0], rng[1]))
            )
            continue
        table.blocks.append((prefix, Located(value, sheet.ref(rng[0], rng[1]))))


def _with_weight(row: FiledRow, weight: Located[Decimal | None]) -> FiledRow:
    return replace(row, weight=weight)


# ---- footer -----------------------------------------------------------------------------------


def _read_footer(reader: _Reader, header: _Header, foot: int) -> None:
    sheet, table, fields = reader.sheet, reader.table, header.fields
    for row in range(foot, sheet.max_row + 1):
        total_col = _is_word_row(reader, row, header, _TOTAL_WORDS)
        if total_col is not None and table.total is None:
            if "weight" in fields:
                value, _ = reader.number(row, fields["weight"], "总分分值")
                if value is not None:
                    table.total_weight = Located(value, sheet.ref(row, fields["weight"]))
            score_col = fields.get("score")
            value = None
            if score_col is not None:
                value, _ = reader.number(row, score_col, "自评总分")
            if value is not None and score_col is not None:
                table.total = Located(value, sheet.ref(row, score_col))
            else:
                _labelled_number(
                    reader, row, ("自评得分", "得分"), lambda v, c: _set_total(table, v, c)
                )
        if table.grade is None:
            _read_grade(reader, row)


def _set_total(table: FiledTable, value: Decimal, cell: str) -> None:
    table.total = Located(value, cell)


def _labelled_number(
    reader: _Reader, row: int, labels: tuple[str, ...], store: Callable[[Decimal, str], None]
) -> None:
    sheet = reader.sheet
    for col in range(1, sheet.max_col + 1):
        if any(w in normalize(sheet.text(row, col)) for w in labels):
            for c in range(col + 1, sheet.max_col + 1):
                value = sheet.value(row, c)
                if value is None or not sheet.is_merge_origin(row, c):
                    continue
                number, _ = reader.number(row, c, "自评总分")
                if number is not None:
                    store(number, sheet.ref(row, c))
                return


def _read_grade(reader: _Reader, row: int) -> None:
    sheet, table = reader.sheet, reader.table
    for col in range(1, sheet.max_col + 1):
        if not sheet.is_merge_origin(row, col):
            continue
        raw = sheet.text(row, col)
        text = normalize(raw)
        word = next((w for w in _GRADE_WORDS if text.startswith(w)), None)
        if word is None:
            continue
        rest = re.sub(r"^[:：]", "", text[len(word) :])
        if rest:
            table.grade = Located(rest, sheet.ref(row, col))
            return
        found = _value_right_of(reader, row, col, ())
        if found is not None:
            table.grade = Located(normalize(found[0]), sheet.ref(row, found[1]))
        return
