"""Finding the indicator header of a filed 自评表, and the label cells left of its values.

The header row is found by its words wherever it is (一级指标 … 年度指标值 … 实际完成值 … 分值 …
得分), and may be split over two rows (绩效指标 above, 一级 / 二级 / 三级指标 below). Its columns
say where every later part of the parse reads: the level (name) columns and the value fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..numbers.cell_text import normalize
from .result_rows import LEVEL_NAMES
from .sheet import Sheet
from .sheet_cells import CellReader

__all__ = ["Header", "find_header", "is_header_row", "label_column"]

# Header words, most specific first; matched against the normalised header text (no spaces).
# ``nature`` and ``unit`` are the 指标性质 (the operator) and 度量单位 columns of forms that print
# a target in three cells ("=" | 100 | %).
_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("deviation", ("偏差原因", "偏差", "原因分析", "改进措施")),
    ("nature", ("指标性质",)),
    ("coefficient", ("得分系数", "得分率")),  # a share of the 分值, read by no one here
    ("unit", ("度量单位", "计量单位")),
    (
        "target",
        ("年度指标值", "年度目标值", "预期指标值", "全年指标值", "指标值", "目标值", "计划值"),
    ),
    ("actual", ("实际完成值", "全年实际值", "实际完成", "完成值", "实际值")),
    ("weight", ("分值", "权重", "标准分")),
    ("score", ("自评得分", "得分", "评分")),
)
# A header with 分 in it is a 分值 column unless it is a score someone else gives, or a title.
_NOT_POINTS = ("复核", "审核", "评", "得", "扣", "指标", "标准", "目标", "绩效")
_LEAF_WORDS = ("指标名称", "具体指标", "绩效指标名称")


@dataclass
class Header:
    first_row: int
    last_row: int
    levels: list[int]  # level columns, 一级 first
    fields: dict[str, int]  # target, actual, weight, score, deviation → column
    unlabelled: list[int] = field(default_factory=list)  # level columns whose header cell is empty


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
    points: list[int] = []  # columns whose header says 分 but names no field
    values: list[int] = []  # columns whose header says 值 but names no field
    for col in range(1, sheet.max_col + 1):
        text = _words(sheet, row, col)
        if not text or len(text) > 20:
            continue
        level = next((i + 1 for i, w in enumerate(LEVEL_NAMES) if w in text), None)
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
        elif (
            name is None
            and "分" in text
            and len(text) <= 8
            and not any(w in text for w in _NOT_POINTS)
        ):
            points.append(col)
        elif name is None and "值" in text and sheet.is_merge_origin(row, col):
            values.append(col)
    # A points column no word names ("参考分值" printed garbled as "考值参分"): a 分值 column.
    if "weight" not in fields and points:
        fields["weight"] = points[0]
    # An actual column no word names ("全年完成值" printed garbled as "年成值全完值"): the first
    # column right of the target whose title says 值 and names nothing else.
    if "actual" not in fields and "target" in fields:
        for col in values:
            if col > fields["target"] and col not in fields.values():
                fields["actual"] = col
                break
    # Numbered levels make a 具体指标 / 指标名称 column a description, not the leaf's name.
    if 99 in levels and len(levels) > 1:
        del levels[99]
    return fields, levels


def find_header(sheet: Sheet) -> Header | None:
    """The first row naming target and actual columns and (there or below) the levels, or the
    levels and a 得分 column (a 计分表 with no targets). A form without a 分值 or 得分 column is
    still a 自评表: its rows' weights are then not printed."""
    for row in range(1, sheet.max_row + 1):
        fields, levels = _scan_header_row(sheet, row)
        if not {"target", "actual", "score"} & fields.keys():
            continue
        if not {"target", "actual"} <= fields.keys() and not levels:
            continue  # a score column alone: only with the levels on the same row
        last = row
        if not levels:  # a two-row header: 绩效指标 above, 一级/二级/三级 below
            below_fields, below_levels = _scan_header_row(sheet, row + 1)
            if below_levels:
                levels, last = below_levels, row + 1
                # The lower row is the finer one: 指标性质 | 指标值 | 度量单位 under a 年度指标值
                # merged across them.
                fields.update(below_fields)
        if not levels:
            continue
        unlabelled = _unlabelled_levels(sheet, levels, fields, last)
        ordered = unlabelled + [levels[k] for k in sorted(levels)]
        return Header(row, last, ordered, fields, unlabelled)
    return None


def _unlabelled_levels(
    sheet: Sheet, levels: dict[int, int], fields: dict[str, int], last: int
) -> list[int]:
    """The columns of the levels above the first one the header names, when their header cells
    are empty (an OCR'd "一级指标" lost): 二级指标 in column B with column A blank in the header
    but naming rows beside its 二级 names below. Each must sit right before the next, and be no
    value field."""
    first = min(levels)
    if first == 99 or first == 1:
        return []
    named = levels[first]
    columns = [named - offset for offset in range(first - 1, 0, -1)]
    below = range(last + 1, sheet.max_row + 1)
    for col in columns:
        if col < 1 or col in fields.values() or _words(sheet, last, col):
            return []
        if not any(_words(sheet, row, col) and _words(sheet, row, named) for row in below):
            return []
    return columns


def is_header_row(sheet: Sheet, row: int) -> bool:
    """A row that repeats the indicator header (a form printed in sections, or over pages)."""
    fields, levels = _scan_header_row(sheet, row)
    return bool(levels) and {"target", "actual"} <= fields.keys()


def label_column(
    reader: CellReader, row: int, header: Header, words: tuple[str, ...]
) -> int | None:
    """The column of a cell left of the target column (the first value column of a form that
    has none) that starts with one of ``words``.

    Rows below the header are told apart by such labels: 小计, 总分 / 合计, 自评等级.
    """
    first_value = header.fields.get("target") or min(header.fields.values())
    for col in range(1, first_value):
        text = normalize(reader.sheet.text(row, col))
        if text and any(text.startswith(w) for w in words):
            return col
    return None
