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

from ..cell_text import is_not_applicable, normalize
from .filed import FiledRow, Located
from .sheet import Sheet
from .sheet_cells import CellReader
from .sheet_footer import GRADE_WORDS, TOTAL_WORDS
from .sheet_header import Header, label_column

__all__ = ["read_rows"]

_SUBTOTAL_WORDS = ("小计",)
_BLOCK_WEIGHT = re.compile(r"^(?P<name>.*?)[（(](?:分值|权重)?[:：]?(?P<w>\d+(?:\.\d+)?)分?[)）]$")


def _split_block_weight(name: str) -> tuple[str, Decimal | None]:
    match = _BLOCK_WEIGHT.match(normalize(name))
    if match is None or not match["name"]:
        return name, None
    return match["name"], Decimal(match["w"])


def read_rows(reader: CellReader, header: Header) -> int:
    """Read indicator rows up to the footer; return the footer's row (or one past the last row)."""
    sheet, table = reader.sheet, reader.table
    fields = header.fields
    current: list[Located[str] | None] = [None] * len(header.levels)
    merged_weights: dict[tuple[int, int, int, int], list[int]] = {}
    row = header.last_row + 1
    while row <= sheet.max_row:
        footer = TOTAL_WORDS, GRADE_WORDS
        if any(label_column(reader, row, header, words) is not None for words in footer):
            break  # the footer: the rows read so far still get their merged block weights
        sub = label_column(reader, row, header, _SUBTOTAL_WORDS)
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
) -> FiledRow | None:
    """One indicator row's cells, read as filed.

    A 分值 merged over several rows is left to ``_merged_weight_blocks``; a merged 得分 is a
    problem. The row is not applicable when its 实际完成值 is a not-applicable mark ("/", "—"), or
    when its 指标值, 实际完成值, 分值 and 得分 each are such a mark or have no value.
    """
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
            table.rows[indexes[0]] = _with_weight(
                rows[0], Located(value, sheet.ref(rng[0], rng[1]))
            )
            continue
        table.blocks.append((prefix, Located(value, sheet.ref(rng[0], rng[1]))))


def _with_weight(row: FiledRow, weight: Located[Decimal | None]) -> FiledRow:
    return replace(row, weight=weight)
