"""The indicator rows between the header and the footer, each a ``FiledRow`` with its cells.

A row's path is the level names in force at it: a level cell merged down, or left blank under the
first one, keeps the name above. Block weights are found where tables print them and kept as
``table.blocks`` (never spread over the rows): in a level name ("产出指标（50分）"), in a 小计 row,
or in a 分值 cell merged over several indicator rows.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from ..i18n import tr
from ..numbers.cell_text import is_not_applicable, normalize
from .filed import Defect, FiledRow, Located
from .result_rows import LEVEL_NAMES
from .sheet import Sheet
from .sheet_cells import CellReader
from .sheet_footer import GRADE_WORDS, TOTAL_WORDS
from .sheet_header import Header, is_header_row, label_column

__all__ = ["read_rows"]

_SUBTOTAL_WORDS = ("小计",)
# What a 指标性质 column says when it names no operator.
_NATURE_WORDS = frozenset(
    {"定量", "定性", "定量指标", "定性指标", "正向", "反向", "正向指标", "反向指标", "/", "—"}
)
_BARE_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")
# Rows between the indicators and the 总分 that are the form's footer, not indicators: notes, and
# who filled in and checked the table.
_NOTE_WORDS = (
    "其他需要说明",
    "需要说明的",
    "备注",
    "说明",
    "注：",
    "注:",
    "填报人",
    "填表人",
    "审核人",
    "联系人",
    "联系电话",
    "单位负责人",
    "项目负责人",
    "财务负责人",
)
_OPERATOR = re.compile(
    r"^(?:[≥≤=＝><]=?|>=|<=|大于等于|小于等于|不低于|不高于|不超过|不少于|等于)$"
)
# The template's empty slots: "指标1:", "指标2", "指标L" (OCR of 指标1), "……".
_PLACEHOLDER = re.compile(r"^(?:指标[0-9０-９一二三四五六七八九十lLI|]*[:：]?|[…．.。·、]+)$")
_TRUNCATED = re.compile(r"(…+|\.{3,}|。{3,})$")
_BLOCK_WEIGHT = re.compile(r"^(?P<name>.*?)[（(](?:分值|权重)?[:：]?(?P<w>\d+(?:\.\d+)?)分?[)）]$")
_BARE_WEIGHT = re.compile(r"^(?P<name>.*?\D)(?P<w>\d+(?:\.\d+)?)分$")


def _split_block_weight(name: str) -> tuple[str, Decimal | None]:
    """ "产出指标（50分）" → ("产出指标", 50); "数量指标15分" too; "(50分)" → ("", 50)."""
    text = normalize(name)
    match = _BLOCK_WEIGHT.match(text) or _BARE_WEIGHT.match(text)
    if match is None:
        return name, None
    return match["name"], Decimal(match["w"])


def match_name(name: str) -> bool:
    """Whether a level name is a name (not only punctuation left after its weight)."""
    return bool(re.sub(r"[\W_]", "", name))


def _name_only(
    reader: CellReader, header: Header, row: int, started: list[bool], blocks: list[bool], last: int
) -> None:
    """A row naming levels above the leaf and nothing else: the table cut there (its last row),
    an empty slot of the form (a 二级 with no indicator on its row), or a heading that prints a
    block weight ("产出指标（50分）")."""
    deepest = max((i for i, s in enumerate(started) if s), default=None)
    if deepest is None:
        return
    col = header.levels[deepest]
    name = reader.sheet.text(row, col)
    if row >= last:
        reader.defect(
            row,
            col,
            "truncated_row",
            tr(
                "truncated_row",
                "the table ends at “{name}”: no indicator, total or grade follows it",
                name=name,
            ),
        )
    elif not blocks[deepest]:
        reader.defect(
            row,
            header.levels[-1],
            "unnamed_row",
            tr(
                "unnamed_row",
                "row {row} has only the {level} “{name}”, no indicator name and no values",
                row=row,
                level=LEVEL_NAMES[deepest],
                name=name,
            ),
        )


def read_rows(reader: CellReader, header: Header) -> int:
    """Read indicator rows up to the footer; return the footer's row (or one past the last row)."""
    sheet, table = reader.sheet, reader.table
    fields = header.fields
    current: list[Located[str] | None] = [None] * len(header.levels)
    merged_weights: dict[tuple[int, int, int, int], list[int]] = {}
    foot = sheet.max_row + 1  # one past the last row, unless a footer row comes first
    last = max((r for (r, _c) in sheet.cells), default=0)  # the last row holding anything
    # A form in sections ("年度绩效目标1（40分）" on a row of its own, the first one just above the
    # header): the section is the outermost name of each row's path, and its weight a block's.
    section = _section(reader, header.first_row - 1)
    for row in range(header.last_row + 1, sheet.max_row + 1):
        if label_column(reader, row, header, TOTAL_WORDS + GRADE_WORDS) is not None:
            foot = row
            break  # the footer: the rows read so far still get their merged block weights
        if is_header_row(sheet, row):
            continue  # the header again, under a new section or on a new page
        heading = _section(reader, row)
        if heading is not None:
            section, current = heading, [None] * len(header.levels)
            continue
        outer = (section,) if section is not None else ()
        if label_column(reader, row, header, _NOTE_WORDS) is not None:
            continue  # 其他需要说明事项 | 无: a note between the rows and the 总分, no indicator
        sub = label_column(reader, row, header, _SUBTOTAL_WORDS)
        if sub is not None:
            _subtotal(reader, row, sub, header, current)
            continue
        started = [False] * len(header.levels)
        blocks: list[bool] = [False] * len(header.levels)
        for index, col in enumerate(header.levels):
            if sheet.raw(row, col) is None:
                continue
            name, block = _split_block_weight(sheet.text(row, col))
            if not normalize(name) or (block is not None and not match_name(name)):
                # "(50分)" with no name: the block's weight is there, its name is not.
                reader.defect(
                    row,
                    col,
                    "unnamed_row",
                    tr(
                        "unnamed_row",
                        "row {row}'s {level} has a 分值 but no name",
                        row=row,
                        level=LEVEL_NAMES[index],
                    ),
                )
                name = f"第{row}行（未填名称）"
            current[index] = Located(name, sheet.ref(row, col))
            started[index] = True
            blocks[index] = block is not None
            for lower in range(index + 1, len(header.levels)):
                if sheet.raw(row, header.levels[lower]) is None and not _merged_from_above(
                    sheet, row, header.levels[lower]
                ):
                    current[lower] = None
            if block is not None:
                names = tuple(c.value for c in (*outer, *current[: index + 1]) if c is not None)
                table.blocks.append((names, Located(block, sheet.ref(row, col))))
        numbers = any(
            _own_value(sheet, row, fields[f])
            for f in ("target", "actual", "weight", "score")
            if f in fields
        )
        leaf = current[-1]
        placeholder = False
        if started[-1] and leaf is not None and _PLACEHOLDER.match(normalize(leaf.value)):
            # "指标2:", "……": the template's empty slot, not a name.
            current[-1] = None
            started[-1] = False
            placeholder = True
            if not numbers:
                # The table ends at a new block's empty slot ("成本指标 | 指标1:"): cut there.
                cut = row >= last and any(started[:-1])
                reader.defect(
                    row,
                    header.levels[-1],
                    "truncated_row" if cut else "unnamed_row",
                    tr(
                        "truncated_row",
                        "the table ends at the template's placeholder “{placeholder}”: no "
                        "indicator, total or grade follows it",
                        placeholder=leaf.value,
                    )
                    if cut
                    else tr(
                        "unnamed_row",
                        "row {row} has only the template's placeholder “{placeholder}”, no "
                        "indicator name and no values",
                        row=row,
                        placeholder=leaf.value,
                    ),
                )
                continue
        if not numbers and not started[-1]:
            _name_only(reader, header, row, started, blocks, last)
            continue
        deepest = max((i for i, s in enumerate(started) if s), default=None)
        named = started[-1] or (deepest is not None and not placeholder)
        if not named:
            # Values but no name: kept as a row (its scores still count), under a made-up name.
            leaf_col = header.levels[-1]
            made_up = Located(f"第{row}行（未填指标名称）", sheet.ref(row, leaf_col))
            reader.defect(
                row,
                leaf_col,
                "unnamed_row",
                tr("unnamed_row", "row {row} has values but no indicator name", row=row),
            )
            current[-1] = None
            above = tuple(c for c in current[:-1] if c is not None)
            path = (*outer, *above, made_up)
        else:
            assert deepest is not None
            path = (*outer, *(c for c in current[: deepest + 1] if c is not None))
        filed = _filed_row(reader, row, header, path)
        if named and _TRUNCATED.search(filed.name):
            reader.defects.append(
                Defect(
                    "truncated_row",
                    filed.name_cell,
                    tr(
                        "truncated_row",
                        "the indicator name “{name}” is incomplete (it ends in an ellipsis): the "
                        "row may be cut off",
                        name=filed.name,
                    ),
                    row,
                )
            )
            filed = replace(filed, truncated=True, not_applicable=False)
        weight_col = fields.get("weight")
        rng = sheet.merge(row, weight_col) if weight_col else None
        if rng is not None and rng[2] > rng[0]:
            merged_weights.setdefault(rng, []).append(len(table.rows))
        table.rows.append(filed)
    _merged_weight_blocks(reader, merged_weights)
    if foot > sheet.max_row and table.rows:
        _cut_at_the_end(reader, header)
    return foot


def _section(reader: CellReader, row: int) -> Located[str] | None:
    """A section heading: the row's one filled cell, naming a weight ("年度绩效目标1（40分）")
    and either a goal (目标) or spanning several columns; its weight is kept as a block's."""
    sheet = reader.sheet
    if row < 1:
        return None
    filled = [
        col
        for col in range(1, sheet.max_col + 1)
        if sheet.raw(row, col) is not None and sheet.is_merge_origin(row, col)
    ]
    if len(filled) != 1:
        return None
    col = filled[0]
    text = sheet.text(row, col)
    name, block = _split_block_weight(text)
    rng = sheet.merge(row, col)
    wide = rng is not None and rng[3] > rng[1]
    if block is None or not match_name(name) or not ("目标" in name or wide):
        return None
    where = sheet.ref(row, col)
    reader.table.blocks.append(((name,), Located(block, where)))
    return Located(name, where)


def _cut_at_the_end(reader: CellReader, header: Header) -> None:
    """No footer, and the last row has no 得分: the table was cut there (a page, a paste)."""
    table = reader.table
    last = table.rows[-1]
    if last.truncated or last.score.value is not None or "score" not in header.fields:
        return
    if last.actual.value is not None and is_not_applicable(last.actual.value):
        return  # marked not applicable ("/"), not cut
    reader.defects.append(
        Defect(
            "truncated_row",
            last.name_cell,
            tr(
                "truncated_row",
                "{name}: the table ends after this row (no total row) and its 得分 is empty: "
                "the row may be cut off",
                name=last.name,
            ),
            last.row,
        )
    )
    table.rows[-1] = replace(last, truncated=True, not_applicable=False)


def _own_value(sheet: Sheet, row: int, col: int) -> bool:
    """Whether the cell shows a value of its own column: not text merged in from a cell to its
    left (a note spanning the row), though a value merged down its column counts."""
    rng = sheet.merge(row, col)
    if rng is not None and rng[1] != col:
        return False
    return sheet.value(row, col) is not None


def _merged_from_above(sheet: Sheet, row: int, col: int) -> bool:
    rng = sheet.merge(row, col)
    return rng is not None and rng[0] < row


def _subtotal(
    reader: CellReader, row: int, col: int, header: Header, current: list[Located[str] | None]
) -> None:
    """A 小计 row's 分值 is the weight of the block it closes (the levels above its label)."""
    level = header.levels.index(col) if col in header.levels else len(header.levels)
    path = tuple(c.value for c in current[:level] if c is not None)
    weight_col = header.fields.get("weight")
    if weight_col is None or not path:
        return
    value, _ = reader.number(row, weight_col, "小计分值")
    if value is not None:
        reader.table.blocks.append((path, Located(value, reader.sheet.ref(row, weight_col))))


def _filed_row(
    reader: CellReader, row: int, header: Header, path: tuple[Located[str], ...]
) -> FiledRow:
    """One indicator row's cells, read as filed.

    A 分值 merged over several rows is left to ``_merged_weight_blocks``; a merged 得分 is a
    problem. The row is not applicable when its 实际完成值 is a not-applicable mark ("/", "—"), or
    when its 指标值, 实际完成值, 分值 and 得分 each are such a mark or have no value, one at least
    being a mark.
    """
    sheet, fields = reader.sheet, header.fields
    name_col = header.levels[-1]

    def text(field: str) -> Located[str | None]:
        col = fields.get(field)
        if col is None:
            return Located(None, sheet.ref(row, name_col))
        return reader.located(row, col)

    target, actual = _target(reader, row, header, text("target")), text("actual")
    weight: Located[Decimal | None] = Located(None, sheet.ref(row, fields.get("weight", name_col)))
    weight_na = printed = False
    if "weight" in fields:
        rng = sheet.merge(row, fields["weight"])
        if rng is None or rng[2] == rng[0]:  # a 分值 merged over several rows is a block total
            value, weight_na = reader.number(row, fields["weight"], "分值")
            weight = Located(value, sheet.ref(row, fields["weight"]))
            printed = sheet.raw(row, fields["weight"]) is not None
    score: Located[Decimal | None] = Located(None, sheet.ref(row, fields.get("score", name_col)))
    score_na = False
    if "score" in fields:
        value, score_na = reader.number(row, fields["score"], "得分")
        score = Located(value, sheet.ref(row, fields["score"]))
        rng = sheet.merge(row, fields["score"])
        if rng is not None and rng[2] > rng[0]:
            reader.defect(
                row,
                fields["score"],
                "unreadable_value",
                tr(
                    "unreadable_value",
                    "得分 is merged across several indicator rows: what each scored is not known",
                ),
            )
            score = Located(None, score.cell)
    deviation = text("deviation")
    marks = [v.value for v in (target, actual)]
    all_na = all(v is None or is_not_applicable(v) for v in marks) and (
        weight_na or weight.value is None
    )
    # Some mark is needed: a row left wholly empty is not said to be not applicable (its cells
    # are blank findings), only one that says so somewhere ("/", "—", 不适用).
    marked = weight_na or score_na or any(v is not None and is_not_applicable(v) for v in marks)
    not_applicable = is_not_applicable(actual.value) or (
        all_na and marked and (score_na or score.value is None)
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
        weight_printed=printed,
    )


def _target(
    reader: CellReader, row: int, header: Header, value: Located[str | None]
) -> Located[str | None]:
    """The 年度指标值, with the operator and unit of forms that print them in their own columns
    (指标性质 "=" | 指标值 100 | 度量单位 "%" → "=100%")."""
    sheet, fields = reader.sheet, header.fields
    if value.value is None or not ({"nature", "unit"} & fields.keys()):
        return value
    op = sheet.text(row, fields["nature"]) if "nature" in fields else ""
    unit = sheet.text(row, fields["unit"]) if "unit" in fields else ""
    if op and not _OPERATOR.match(normalize(op)):
        if normalize(op) not in _NATURE_WORDS:
            # "性标定指" for 定性指标: the cell is garbled, and what it says is not known.
            reader.defect(
                row,
                fields["nature"],
                "unreadable_value",
                tr(
                    "unreadable_value",
                    "指标性质 “{nature}” is neither an operator nor a kind of indicator",
                    nature=op,
                ),
            )
        op = ""  # 定性 / 正向 …: not an operator
    if re.search(r"[A-Za-z]", unit) and re.search(r"[\u4e00-\u9fff]", unit):
        reader.defect(
            row,
            fields["unit"],
            "unreadable_value",
            tr(
                "unreadable_value",
                "度量单位 “{unit}” holds characters that are not part of a unit",
                unit=unit,
            ),
        )
        unit = ""
    if is_not_applicable(unit) or not _BARE_NUMBER.match(value.value):
        unit = ""  # "26次" or "100%" carries its own unit; "有效" takes none
    if not value.value.strip()[:1].isdigit():
        op = ""  # "≥90%" has its operator; words take none
    return Located(f"{op}{value.value}{unit}", value.cell)


def _merged_weight_blocks(
    reader: CellReader, merged: dict[tuple[int, int, int, int], list[int]]
) -> None:
    """A 分值 merged over several rows is the weight of the block those rows share.

    The block is their common path above the leaf; when only one indicator row lies under the
    merge (the rest are blank), the value is that row's own 分值.
    """
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
            weight: Located[Decimal | None] = Located(value, sheet.ref(rng[0], rng[1]))
            table.rows[indexes[0]] = replace(rows[0], weight=weight, weight_printed=True)
            continue
        table.blocks.append((prefix, Located(value, sheet.ref(rng[0], rng[1]))))
