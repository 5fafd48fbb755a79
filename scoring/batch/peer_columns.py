"""``jixiao batch --peers``: each project's percentile rank among projects of its kind.

The peers (any batch input) are scored once; each output row then gains the rank of its total and
of each 一级指标's score among theirs (``methods.peers.PercentileTable``: lower + half the ties,
as ``jixiao compare --peers`` ranks), computed in this process as the rows are written, so the
workers and the output's other columns are unchanged. An error row's ranks are empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..engine.result import Result, Totals
from ..errors import ScoringError
from ..methods.peers import PercentileTable, median, shown_rank
from ..numbers.text import format_number
from ..spec.compiled import Spec
from .core import FIRST_TOP_COLUMN, TOTAL_COLUMN, Layout, result_inputs, score_inputs

__all__ = ["PeerColumns", "load_peers", "scored_peers"]


@dataclass(frozen=True)
class PeerColumns:
    inputs: Sequence[str]
    count: int  # peers scored
    failed: int  # peer records that could not be scored (left out)
    total: PercentileTable
    tops: tuple[PercentileTable, ...]
    best: tuple[str, Decimal] | None  # the peer with the highest total
    places: int

    def columns(self, layout: Layout) -> tuple[str, ...]:
        """The names of the added columns: total_percentile, then 〈一级指标〉百分位."""
        tops = layout.columns[FIRST_TOP_COLUMN : FIRST_TOP_COLUMN + len(self.tops)]
        return ("total_percentile", *(f"{name}百分位" for name in tops))

    def extend(self, rows: list[list[str]]) -> list[list[str]]:
        """Each row with its ranks after its 一级指标 scores (``core.Layout``'s columns)."""
        end = FIRST_TOP_COLUMN + len(self.tops)
        for row in rows:
            ranks = [_rank(self.total, row[TOTAL_COLUMN])]
            ranks += [_rank(table, row[FIRST_TOP_COLUMN + i]) for i, table in enumerate(self.tops)]
            row[end:end] = ranks  # before error and source
        return rows

    def describe(self) -> str:
        """The summary's line on the peers."""
        text = f"同类比较：{'、'.join(self.inputs)} 中 {self.count:,} 个同类项目"
        if self.failed:
            text += f"（另 {self.failed:,} 个记录无法计分，未计入）"
        if self.total.values:
            text += (
                f"；总分中位数 {format_number(median(self.total.values), self.places)}，"
                f"最高 {format_number(self.total.values[-1], self.places)}"
            )
        if self.best is not None:
            text += f"（标杆项目 {self.best[0]}）"
        return text + "；各项目的百分位见输出的 total_percentile 与各一级指标百分位列"


def _rank(table: PercentileTable, cell: str) -> str:
    if not cell:
        return ""
    try:
        value = Decimal(cell)
    except InvalidOperation:
        return ""
    rank = table.rank(value)
    return "" if rank is None else shown_rank(rank)


def scored_peers(
    spec: Spec, inputs: Sequence[str]
) -> Iterator[tuple[str, str, Result | Totals | ScoringError]]:
    """The peers of ``inputs`` scored under ``spec``, for ``methods.comparison.peer_group``.

    Whole results where the spec's cost measures need each peer's values; else only totals, the
    batch's fast path.
    """
    if spec.cost_measures:
        yield from result_inputs(spec, inputs)
    else:
        yield from score_inputs(spec, inputs)


def load_peers(spec: Spec, inputs: Sequence[str]) -> PeerColumns:
    """Score the peers' records (as ``jixiao batch`` would) and keep what ranking needs."""
    totals: list[Decimal] = []
    tops: list[list[Decimal]] = [[] for _ in spec.indicators]
    failed = 0
    best: tuple[str, Decimal] | None = None
    for record_id, _, outcome in score_inputs(spec, inputs):
        if isinstance(outcome, ScoringError):
            failed += 1
            continue
        totals.append(outcome.total)
        if best is None or outcome.total > best[1]:  # the first of equals
            best = (record_id, outcome.total)
        for index, score in enumerate(outcome.top_scores):
            if score is not None:
                tops[index].append(score)
    return PeerColumns(
        tuple(inputs),
        len(totals),
        failed,
        PercentileTable(totals),
        tuple(PercentileTable(values) for values in tops),
        best,
        spec.rounding.places,
    )
