"""The fast path of ``jixiao batch`` for table rows: cells → the spec's compiled plan → totals.

A row is read column by column as ``columns.row_to_mapping`` and ``facts_from_record`` would read
it, but straight into what ``scoring.plan`` takes, with every column's texts remembered (a
column of an export repeats itself: 0, 达成, 4.5, 100% …). A row this path cannot score — any
value, rating or marker the engine would report, or a row of the wrong width — gives None, and
the batch scores it the usual way, through the engine, which words the error. Both ways give
the same totals (tests/test_plan.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..compiled import Spec
from ..facts import share_of
from ..plan import NO_LEAVES, Plan, PlanFallback, plan_of
from ..plan.reading import (
    BLANK,
    REMEMBERED,
    UNREADABLE,
    not_applicable_leaves,
    readers_for,
)
from ..quantities import is_not_applicable
from ..result import Totals
from ..rules.base import RatingParts
from .columns import DEFAULT_NA_REASON, ColumnMap, parse_not_applicable

__all__ = ["RowPlan", "row_plan"]

_UNREADABLE = UNREADABLE
_NOT_APPLICABLE: Any = object()  # a rating whose tier says 不适用


class _Remembered:
    """A pure function of one cell's text, remembered per text (bounded)."""

    def __init__(self, read: Callable[[Any], Any]) -> None:
        self.read = read
        self.known: dict[Any, Any] = {}

    def __call__(self, key: Any) -> Any:
        found = self.known.get(key, _UNREADABLE)
        if found is _UNREADABLE:
            try:
                found = self.read(key)
            except PlanFallback:
                found = _UNREADABLE
            if len(self.known) >= REMEMBERED:
                self.known.clear()
            self.known[key] = found
        return found


class RowPlan:
    """Reads rows under one ``ColumnMap`` into the plan of one spec."""

    def __init__(self, spec: Spec, cmap: ColumnMap) -> None:
        plan = self.plan = plan_of(spec)
        self.cmap = cmap
        self.width = cmap.width
        readers = readers_for(spec)
        at = plan.fact_position
        self.values = tuple((col, readers[fact_id], at[fact_id]) for col, fact_id in cmap.values)
        self.defaults = [readers[fact_id].default for fact_id in plan.fact_ids]
        # A default the engine cannot read is reported for every row: leave them all to it.
        self.usable = all(reader.default is not UNREADABLE for reader in readers.values())
        self.ratings = tuple(
            (node_id, plan.rated_ids[node_id], (tier, score, share), _Remembered(self._rating))
            for node_id, tier, score, share, _ in cmap.ratings
        )
        self.not_applicable = _Remembered(parse_not_applicable)

    def _rating(self, cells: tuple[Any, Any, Any]) -> Any:
        """(tier, score, share) cells → the plan's rating, None (missing) or 不适用."""
        tier, score, share = (
            (cell.strip() or None) if cell.__class__ is str else cell for cell in cells
        )
        if tier is not None and tier not in self.cmap.tiers and is_not_applicable(tier):
            return _NOT_APPLICABLE
        if tier is None:
            return None  # no tier: a missing rating, whatever else is filled in
        try:  # as facts_from_record reads them
            points = None if score is None else Decimal(str(score).strip())
            given_share = None if share is None else share_of(share)
        except (ArithmeticError, ValueError):
            raise PlanFallback from None  # the full validation words it
        if points is not None and not points.is_finite():
            raise PlanFallback
        return (tier if tier.__class__ is str else str(tier), points, given_share)

    def totals(self, cells: list[Any]) -> tuple[str | None, Totals] | None:
        """(the id cell's text, or None when empty, and the totals), or None: the engine must
        score this row."""
        if len(cells) != self.width or not self.usable:
            return None
        cells.append(None)  # a column the input lacks points at index ``width``
        try:
            values = self.defaults.copy()
            for col, reader, position in self.values:
                raw = cells[col]
                if raw is not None:
                    value = reader(raw)
                    if value is not BLANK:
                        values[position] = value
            ratings: list[RatingParts | None] = [None] * len(self.plan.rated_ids)
            marked: dict[str, str] | None = None
            for node_id, index, (tier, score, share), read in self.ratings:
                key = (cells[tier], cells[score], cells[share])
                rating = read(key) if _texts(key) else read.read(key)
                if rating is _UNREADABLE:
                    return None
                if rating is _NOT_APPLICABLE:
                    marked = marked or {}
                    marked[node_id] = DEFAULT_NA_REASON
                else:
                    ratings[index] = rating
            listed = cells[self.cmap.not_applicable]
            if listed is not None:
                given = self.not_applicable(listed if listed.__class__ is str else str(listed))
                if given is _UNREADABLE:
                    return None
                marked = {**(marked or {}), **given}
            na = NO_LEAVES if not marked else not_applicable_leaves(self.plan, marked)
            record_id = cells[self.cmap.id_index]
        except PlanFallback:
            return None
        finally:
            cells.pop()
        totals = self.plan.totals(values, ratings, na)
        if totals is None:
            return None
        if record_id is not None:
            record_id = (record_id.strip() or None) if record_id.__class__ is str else str(record_id)
        return record_id, totals


def _texts(cells: tuple[Any, ...]) -> bool:
    """Cells that can be remembered by their text (spreadsheet numbers and dates are read each
    time, as they are few)."""
    return all(cell is None or cell.__class__ is str for cell in cells)


_ROW_PLANS: weakref.WeakKeyDictionary[Spec, dict[ColumnMap, RowPlan]] = weakref.WeakKeyDictionary()


def row_plan(spec: Spec, cmap: ColumnMap) -> RowPlan:
    """The row reader for a spec and a header, built once per process."""
    plans = _ROW_PLANS.setdefault(spec, {})
    found = plans.get(cmap)
    if found is None:
        found = plans[cmap] = RowPlan(spec, cmap)
    return found
