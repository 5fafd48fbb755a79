"""The fast path of ``jixiao batch`` for table rows: cells → the spec's compiled plan → totals.

A run of rows is read a column at a time, as ``columns.row_to_mapping`` and ``facts_from_record``
would read each cell, but straight into what ``scoring.engine.plan`` takes; every column remembers the
result for each text it has read (a column of an export repeats itself: 0, 达成, 4.5, 100% …).
Then each row is scored by the plan. A row this path cannot score — any value, rating or marker
the engine would report, or a row of the wrong width — gives None, and the batch scores it the
usual way, through the engine, which words the error. Both ways give the same totals
(tests/test_plan.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import repeat
from operator import is_
from typing import Any

from ..engine.facts import share_of
from ..engine.plan import NO_LEAVES, PlanFallback, plan_of
from ..engine.plan.reading import REMEMBERED, UNREADABLE, not_applicable_leaves, readers_for
from ..engine.result import Totals
from ..numbers.cell_text import is_not_applicable
from ..spec.compiled import Spec
from .column_map import ColumnMap
from .columns import parse_not_applicable, year_refused

__all__ = ["RowPlan", "row_plan"]

_NOT_APPLICABLE: Any = object()  # a rating whose tier says 不适用
_UNKNOWN: Any = object()  # a text a column has not read yet


class _Column:
    """A pure function of one cell (raising PlanFallback for what the engine reports), applied
    to a whole column at once, remembering its result for each text (bounded)."""

    def __init__(
        self, read: Callable[[Any], Any], empty: Any, quick: Callable[[Any], Any] | None = None
    ) -> None:
        self.read = read
        self.empty = empty  # what a missing cell (None) gives
        self.known: dict[Any, Any] = {None: empty}
        # A column whose texts never repeat (amounts of money): ``quick`` reads the common case
        # of each cell (None for the rest, which ``read`` reads), and nothing is remembered.
        self.quick = quick

    def apply(self, cells: Sequence[Any], failed: set[int], texts: bool) -> list[Any]:
        """Each cell's result; the index of a cell the engine must report goes into ``failed``."""
        quick = self.quick
        if quick is not None:
            found = [quick(cell) for cell in cells]
            if any(map(is_, found, repeat(None))):  # by identity, as below
                for k, result in enumerate(found):
                    if result is None:
                        found[k] = self._read(k, cells[k], failed)
            return found
        if texts:  # text cells (and tuples of them) are remembered: most are repeats
            # Looked up all at once (map calls dict.get without a Python frame per cell), then
            # the texts not met before are read, one by one.
            found = list(map(self.known.get, cells, repeat(_UNKNOWN, len(cells))))
            # By identity: ``in`` would compare each Decimal with the marker, which is slow.
            if any(map(is_, found, repeat(_UNKNOWN))):
                miss = self._miss
                for k, result in enumerate(found):
                    if result is _UNKNOWN:
                        found[k] = miss(k, cells[k], failed)
            return found
        # A spreadsheet's numbers and dates are read each time (1, 1.0 and True hash alike).
        return [self._read(k, c, failed) for k, c in enumerate(cells)]

    def _miss(self, index: int, cell: Any, failed: set[int]) -> Any:
        """A text not met before (never None: ``known`` always holds it)."""
        try:
            found = self.read(cell)
        except PlanFallback:
            failed.add(index)
            return UNREADABLE
        known = self.known
        if len(known) >= REMEMBERED:
            known.clear()
            known[None] = self.empty
        known[cell] = found
        return found

    def _read(self, index: int, cell: Any, failed: set[int]) -> Any:
        if cell is None:
            return self.empty
        try:
            return self.read(cell)
        except PlanFallback:
            failed.add(index)
            return UNREADABLE


class RowPlan:
    """Reads runs of rows under one ``ColumnMap`` into the plan of one spec."""

    def __init__(self, spec: Spec, cmap: ColumnMap) -> None:
        plan = self.plan = plan_of(spec)
        self.cmap = cmap
        self.width = cmap.width
        readers = readers_for(spec)
        given = {fact_id: col for col, fact_id in cmap.values}
        # One column per fact, in the plan's order: (its column in the row, its reader). A fact
        # the input has no column for reads column ``width``: ``totals`` adds it, all None.
        self.values = [
            (
                given.get(fact_id, cmap.width),
                _Column(
                    readers[fact_id].read_or_default,
                    readers[fact_id].default,
                    readers[fact_id].quick_reader(),
                ),
            )
            for fact_id in plan.fact_ids
        ]
        # A default the engine cannot read is reported for every row: leave them all to it.
        self.usable = all(reader.default is not UNREADABLE for reader in readers.values())
        self.ratings = [
            (
                plan.rated_ids[node_id],
                plan.leaf_index[node_id],
                (tier, score, share),
                _Column(functools.partial(self._rating, plan.rated_ids[node_id]), None),
            )
            for node_id, tier, score, share, _ in cmap.ratings
        ]
        self.not_applicable = _Column(self._not_applicable, NO_LEAVES)

    def _rating(self, index: int, cells: tuple[Any, Any, Any]) -> Any:
        """(tier, score, share) cells → the score they give, None (missing) or 不适用."""
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
        parts = (tier if tier.__class__ is str else str(tier), points, given_share)
        return self.plan.rated_score(index, parts)

    def _not_applicable(self, cell: Any) -> frozenset[int]:
        """A not_applicable cell → the indices of the leaves it marks."""
        text = cell if cell.__class__ is str else str(cell)
        return not_applicable_leaves(self.plan, parse_not_applicable(text))

    def totals(self, payloads: list[Any], texts: bool) -> list[tuple[str | None, Totals] | None]:
        """For each row, (its id cell's text or None, its totals), or None: the engine must
        score that row. ``texts``: every cell is text or None (CSV), so all are remembered."""
        count = len(payloads)
        if not self.usable or not count:
            return [None] * count
        failed: set[int] = set()
        width, filler = self.width, (None,) * self.width
        rows: list[Sequence[Any]] = payloads
        if any(len(payload) != width for payload in payloads):
            rows = []
            for k, payload in enumerate(payloads):
                if len(payload) == width:
                    rows.append(payload)
                else:
                    failed.add(k)  # a row of the wrong width: the engine says how
                    rows.append(filler)
        # The run a column at a time (one transposition in C); a column the input lacks: None.
        columns: list[Sequence[Any]] = [*zip(*rows, strict=True), (None,) * count]
        values = [column.apply(columns[col], failed, texts) for col, column in self.values]
        year = self.cmap.year_index
        if year is not None:  # a 年度 that is no year: the engine refuses the row
            years = columns[year]
            refused = {cell for cell in set(years) if year_refused(cell)}
            if refused:
                failed.update(k for k, cell in enumerate(years) if cell in refused)
        ratings: list[list[Any]] = [[None] * count] * len(self.plan.rated_ids)
        not_applicable = self.not_applicable.apply(columns[self.cmap.not_applicable], failed, texts)
        for index, leaf, (tier, score, share), column in self.ratings:
            cells = list(zip(columns[tier], columns[score], columns[share], strict=True))
            scores = column.apply(cells, failed, texts)
            if any(map(is_, scores, repeat(_NOT_APPLICABLE))):  # rare: looked for by identity
                for k, given in enumerate(scores):
                    if given is _NOT_APPLICABLE:
                        scores[k] = None
                        if k not in failed:
                            not_applicable[k] = not_applicable[k].union((leaf,))
            ratings[index] = scores
        ids = [_stripped(cell) for cell in columns[self.cmap.id_index]]
        inputs = zip(_rows(values, count), _rows(ratings, count), not_applicable, strict=True)
        scored = self.plan.totals_each(inputs, failed)
        return [
            None if t is None else (record_id, t) for record_id, t in zip(ids, scored, strict=True)
        ]


def _rows(columns: list[list[Any]], count: int) -> list[tuple[Any, ...]]:
    return list(zip(*columns, strict=True)) if columns else [()] * count


def _stripped(cell: Any) -> str | None:
    if cell is None:
        return None
    if cell.__class__ is str:
        return cell.strip() or None
    return str(cell)


def row_plan(spec: Spec, cmap: ColumnMap) -> RowPlan:
    """The row reader for a spec and a header, built once per process."""
    plans: dict[ColumnMap, RowPlan] = spec.built("row plans", dict)
    found = plans.get(cmap)
    if found is None:
        found = plans[cmap] = RowPlan(spec, cmap)
    return found
