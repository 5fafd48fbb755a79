"""The pair being drafted from a filed table: what each step of the conversion adds to.

Each step of ``convert`` (funds, weights, rows, ratings, layout) is a function taking the ``Draft``
first, so that they share one state: the facts, derived values, values, ratings and
reasons collected so far, the stated scores, and every defect and notice with its cell. A cell that
cannot be used is a ``Defect`` (a review finding), and its row is left out of the recomputation
(``left_out``) but still imported, rated by its stated score, so that nothing refuses the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import Problem
from ..numbers.cell_text import is_not_applicable
from .filed import Defect, FiledRow, FiledTable, Located, Notice
from .names import Ids
from .result_rows import MISSING_DEVIATION
from .stated import Stated

__all__ = ["Draft", "Leaf", "deviation_text", "in_block"]


@dataclass
class Leaf:
    """One indicator row on its way to a leaf of the spec."""

    row: FiledRow
    id: str
    weight: Decimal | None
    spec: dict[str, Any] = field(default_factory=dict)  # the indicator's YAML mapping


class Draft:
    """The conversion's shared state; ``problem`` / ``notice`` record, with the cell, what cannot be
    used and what was inferred."""

    def __init__(self, table: FiledTable) -> None:
        self.table = table
        self.problems: list[Problem] = list(table.problems)
        self.defects: list[Defect] = list(table.defects)
        self.notices: list[Notice] = list(table.notices)
        # Leaves that cannot be recomputed under the rules (leaf id → the defect's code): imported
        # rated by their stated score, left out of the recomputed total.
        self.left_out: dict[str, str] = {}
        self.indicator_ids = Ids()
        self.value_ids = Ids()  # facts and derived values share one namespace
        self.facts: dict[str, Any] = {}
        self.derived: dict[str, Any] = {}
        self.values: dict[str, Any] = {}
        self.ratings: dict[str, Any] = {}
        self.not_applicable: dict[str, str] = {}
        self.deviations: dict[str, str] = {}
        self.stated = Stated(source=f"{table.file}!{table.sheet}" if table.sheet else table.file)
        self.scores: dict[str, Located[Decimal | None]] = {}
        self.funds_leaf: dict[str, Any] | None = None

    def defect(self, code: str, cell: str, message: str, row: FiledRow | None = None) -> None:
        self.defects.append(Defect(code, cell, message, row.row if row is not None else 0))

    def has_defect(self, cell: str) -> bool:
        return any(defect.cell == cell for defect in self.defects)

    def reject(self, leaf: Leaf, code: str, cell: str, message: str) -> None:
        """A cell the leaf cannot be recomputed with: a defect, and the leaf is left out."""
        self.defect(code, cell, message, leaf.row)
        self.leave_out(leaf, code)

    def leave_out(self, leaf: Leaf, code: str) -> None:
        """The leaf cannot be recomputed (the first reason is kept)."""
        self.left_out.setdefault(leaf.id, code)

    def notice(self, cell: str, message: str) -> None:
        self.notices.append(Notice(cell, message))


def deviation_text(text: str) -> str:
    """The 偏差原因 as written; "/" and the exporter's own "未填写" marker are no explanation."""
    if not text or is_not_applicable(text) or text == MISSING_DEVIATION:
        return ""
    return text


def in_block(row: FiledRow, path: tuple[str, ...]) -> bool:
    """Whether the row sits in the block named by ``path`` (``()`` is the whole table)."""
    names = tuple(p.value for p in row.path[:-1])
    return names[: len(path)] == path
