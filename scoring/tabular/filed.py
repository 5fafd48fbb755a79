"""A filed 自评表 as read: every value with the cell it came from, nothing interpreted yet.

``parse`` fills these from a ``Sheet``; ``convert`` interprets them (targets, units, rules) into a
spec + facts pair; ``review`` compares the stated scores with the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from ..errors import Problem

__all__ = ["Defect", "FiledFunds", "FiledRow", "FiledTable", "Located", "Notice"]

T = TypeVar("T")


@dataclass(frozen=True)
class Located(Generic[T]):
    """A value and its cell, e.g. ``Located(Decimal('95.5'), 'Sheet1!H30')``."""

    value: T
    cell: str


@dataclass(frozen=True)
class Notice:
    """Something read but inferred or left out, said aloud: never a silent guess."""

    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}"


@dataclass(frozen=True)
class Defect:
    """A cell of the table that cannot be used as filed: a review finding with a stable code
    (``blank_actual``, ``unreadable_value`` … docs/review.md), never a reason to refuse the table.
    ``row`` is the sheet row it belongs to (0 for none), so the row can be left out of the
    recomputed total."""

    code: str
    cell: str
    message: str
    row: int = 0

    def __str__(self) -> str:
        return f"{self.cell}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class FiledRow:
    """One indicator row as filed. Texts are stripped; numbers already read as ``Decimal``."""

    row: int
    path: tuple[Located[str], ...]  # 一级 → … → the leaf's own name (the last one)
    target: Located[str | None]
    actual: Located[str | None]
    weight: Located[Decimal | None]
    score: Located[Decimal | None]
    deviation: Located[str]
    not_applicable: bool = False  # the row's weight, target and actual are all "/" (or empty)
    weight_printed: bool = True  # False: the 分值 cell is empty (or a block's merged total)
    truncated: bool = False  # the name is cut off ("…"): the row was cut at the table's end

    @property
    def name(self) -> str:
        return self.path[-1].value

    @property
    def name_cell(self) -> str:
        return self.path[-1].cell


@dataclass(frozen=True)
class FiledFunds:
    """项目资金: amounts by row label (年度资金总额, 财政拨款 …) and column, with 分值, 执行率, 得分."""

    unit: str
    amounts: dict[str, dict[str, Located[Decimal]]]  # row label → column (年初预算数 …) → amount
    weight: Located[Decimal | None]
    rate: Located[str | None]
    score: Located[Decimal | None]
    label_cell: str
    # A source row (其中：财政拨款 …) printing a 分值 and 得分 of its own: the points again.
    repeated_score: Located[Decimal] | None = None


@dataclass
class FiledTable:
    """Everything read from one sheet."""

    file: str
    sheet: str
    project: dict[str, Located[str]] = field(default_factory=dict)  # name, department, unit, year
    goal: dict[str, Located[str]] = field(default_factory=dict)  # expected, actual
    funds: FiledFunds | None = None
    rows: list[FiledRow] = field(default_factory=list)
    # Block weights as printed (a 一级 cell reading "产出指标（50分）", a 小计 row, a merged 分值
    # cell over a block): the names above the block → weight.
    blocks: list[tuple[tuple[str, ...], Located[Decimal]]] = field(default_factory=list)
    total_weight: Located[Decimal] | None = None
    total: Located[Decimal] | None = None
    grade: Located[str] | None = None
    header_cell: str = ""
    columns: tuple[str, ...] = ()  # the value columns the header names (target, score …)
    notices: list[Notice] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # what refuses the table (none by cell)
    defects: list[Defect] = field(default_factory=list)  # cells that cannot be used, by cell
