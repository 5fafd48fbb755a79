"""The what-if over a CSV population, column by column: each block of records scored under A and
under B by the columnar backend (``scoring.columnar``), and summarised as columns.

``population_diff`` reads the records (the batch's own CSV reader, so every record is the one
``jixiao batch`` reads, numbered alike) and hands each block here. The block becomes a polars
frame of text; A's scorer scores it as it is, B's scorer the same frame with each carried
rating's points replaced by its share (``CarriedRows.share_text``, per distinct text) under the
carried column map. Rows both scorers accept are counted at once (``PopulationDiff.add_counts``):
grade transitions and the changes of the total and of each 一级指标 as value counts of exact
quanta, and the block's biggest movers offered one by one. Every other record — a row either
scorer declines (an error, an unusual value), a points cell that is not a plain number, a row of
the wrong width — is handed back to be scored record by record, as before, so its numbers and
its error are exactly those (tests/test_diff_population.py holds the two ways equal).

Used only when polars and the columnar backend can be imported and both specs are ones it
scores; otherwise every record goes record by record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..spec.compiled import Spec
from .columnar_csv import _Block, _Reading
from .core import ChunkResult, _escaped
from .inputs import Input
from .population_diff import TOTAL, CarriedRows, Mover, PopulationDiff, ScorerB, add_records
from .records import RawRecord, RowConverter
from .summary import Summary

if TYPE_CHECKING:
    import polars as pl

    from ..columnar.frame import Scorer

__all__ = ["ColumnarPair"]


@dataclass
class ColumnarPair:
    """Scores blocks of one CSV input's records under A and B, column by column."""

    spec_a: Spec
    spec_b: Spec
    item: Input
    converter: RowConverter  # A's reading of the input (ids, names, sources)
    a: Scorer
    b: Scorer
    carried: CarriedRows | None  # B's points columns read as shares, or None: none to carry

    @classmethod
    def of(cls, spec_a: Spec, spec_b: Spec, item: Input, scorer_b: ScorerB) -> ColumnarPair | None:
        """The pair for a CSV input, or None: its records go record by record."""
        from .columnar_csv import scorer_for

        converter = item.converter
        if item.kind != "csv" or not isinstance(converter, RowConverter):
            return None
        if item._options[:1] not in (("utf-8",), ("utf-8-sig",)):
            return None  # GB18030: the batch reader decodes it (as the columnar batch leaves it)
        carried = scorer_b.rows
        converter_b = carried.converter if carried is not None else scorer_b.converter
        if not isinstance(converter_b, RowConverter):
            return None
        a, b = scorer_for(spec_a, converter.cmap), scorer_for(spec_b, converter_b.cmap)
        if a is None or b is None:
            return None
        return cls(spec_a, spec_b, item, converter, a, b, carried)

    def run(self, summary: PopulationDiff, scorer_b: ScorerB, start: int) -> int:
        """Count every record of the input into ``summary`` (``start``: the input position of its
        first record); return how many there were."""
        reading = _PairReading(self, summary, scorer_b)
        return sum(result.count for result in reading.chunks(start))

    def add_frame(
        self, summary: PopulationDiff, frame: pl.DataFrame, places: Sequence[tuple[int, int]]
    ) -> list[int]:
        """Count the rows of ``frame`` (text cells, columns ``c0``…) both scorers accept into
        ``summary``; return the others (row positions), to be scored record by record. ``places``:
        each row's input position and row number."""
        import polars as pl

        frame_b, unread = self._carried(frame)
        scored_a, _ = self.a.score(frame)
        scored_b, _ = self.b.score(frame_b)
        accepted = ~(scored_a["declined"] | scored_b["declined"] | unread)
        self._count(summary, frame, places, scored_a, scored_b, accepted)
        return pl.Series(range(frame.height)).filter(~accepted).to_list()

    def _carried(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
        """B's frame (each points cell of a carried rating replaced by its share's text) and the
        rows whose points could not be carried so (left to the record-by-record path)."""
        import polars as pl

        unread = pl.Series([False] * frame.height)
        carried = self.carried
        if carried is None:
            return frame, unread
        names = self.b.names
        updates: list[pl.Series] = []
        for points_col, share_col, weight_a in carried.moves:
            points = frame.get_column(names[points_col])
            texts = points.drop_nulls().unique().to_list()
            shares = {text: carried.share_text(text, weight_a) for text in texts}
            refused = [text for text, share in shares.items() if share is None]
            if refused:
                unread = unread | points.is_in(refused)
            known = {text: share for text, share in shares.items() if share is not None}
            as_shares = points.replace_strict(
                list(known), list(known.values()), default=None, return_dtype=pl.String
            )
            if share_col == points_col:
                updates.append(as_shares.alias(names[points_col]))
                continue
            given = frame.get_column(names[share_col])
            unread = unread | (points.is_not_null() & given.is_not_null())
            merged = pl.select(
                pl.when(points.is_not_null()).then(as_shares).otherwise(given)
            ).to_series()
            updates.append(merged.alias(names[share_col]))
            updates.append(pl.Series(names[points_col], [None] * frame.height, dtype=pl.String))
        return frame.with_columns(updates), unread

    def _count(
        self,
        summary: PopulationDiff,
        frame: pl.DataFrame,
        places_of: Sequence[tuple[int, int]],
        scored_a: pl.DataFrame,
        scored_b: pl.DataFrame,
        accepted: pl.Series,
    ) -> None:
        import polars as pl

        places_a, places_b = self.spec_a.rounding.places, self.spec_b.rounding.places
        places = max(places_a, places_b)
        scale_a, scale_b = 10 ** (places - places_a), 10 ** (places - places_b)
        columns = {
            "row": pl.Series(range(frame.height), dtype=pl.Int64),
            "index": pl.Series([index for index, _ in places_of], dtype=pl.Int64),
            "grade_a": scored_a["grade"],
            "grade_b": scored_b["grade"],
            "total_a": scored_a["total_q"],
            "total_b": scored_b["total_q"],
            "change": scored_b["total_q"] * scale_b - scored_a["total_q"] * scale_a,
        }
        for key, index_a, index_b in summary.top_pairs:
            top_a, top_b = scored_a[f"top{index_a}"], scored_b[f"top{index_b}"]
            columns[f"top:{key}"] = top_b * scale_b - top_a * scale_a  # null where either is
        table = pl.DataFrame(columns).filter(accepted)
        if not table.height:
            return
        transitions = {
            (grade_a, grade_b): count
            for grade_a, grade_b, count in table.group_by("grade_a", "grade_b").len().iter_rows()
        }
        changes = {TOTAL: _counts(table["change"], places)}
        for key, _, _ in summary.top_pairs:
            changes[key] = _counts(table[f"top:{key}"], places)
        summary.add_counts(table.height, transitions, changes)
        if summary.top <= 0:
            return
        biggest = (
            table.with_columns(pl.col("change").abs().alias("size"))
            .sort(["size", "index"], descending=[True, False])
            .head(summary.top)
        )
        for row in biggest.iter_rows(named=True):
            index = row["index"]
            if not summary.wants_mover(Decimal(row["size"]).scaleb(-places), index):
                break  # sorted biggest first: no later row of the block is wanted either
            cells = frame.row(row["row"])
            mover = self._mover(places_of[row["row"]][1], cells, row, places_a, places_b)
            summary.add_mover(index, mover)

    def _mover(
        self,
        number: int,
        cells: tuple[str | None, ...],
        row: dict[str, Any],
        places_a: int,
        places_b: int,
    ) -> Mover:
        """A mover's id and name as its row gives them (as the record-by-record path reads
        them), its place and totals."""
        cmap = self.converter.cmap
        given = cells[cmap.id_index] if cmap.id_index < len(cells) else None
        record_id = _escaped((given or "").strip() or f"row {number}")
        named = cells[cmap.name_index] if cmap.name_index < len(cells) else None
        name = (named or "").strip()
        return Mover(
            record_id,
            _escaped(name) if name else record_id,
            _escaped(self.converter.source(number)),
            Decimal(row["total_a"]).scaleb(-places_a),
            Decimal(row["total_b"]).scaleb(-places_b),
            row["grade_a"],
            row["grade_b"],
        )


class _PairReading(_Reading):
    """The columnar backend's reading of a CSV input in blocks (``columnar_csv._Reading``: its
    line cutting, its polars parsing, its fallback to the batch reader), each block scored here
    under both specs instead of written: ``columns`` takes a block's frame and the lines csv
    parsed, ``rest`` the records from where the columnar reading stops."""

    def __init__(self, pair: ColumnarPair, summary: PopulationDiff, scorer_b: ScorerB) -> None:
        super().__init__(pair.spec_a, pair.item, pair.converter, pair.a)
        self.pair = pair
        self.population = summary
        self.scorer_b = scorer_b

    def columns(
        self,
        number: int,
        index: int,
        good: list[int],
        frame: pl.DataFrame,
        odd_cells: dict[int, list[str]],
    ) -> _Block:
        """The block counted into the population, its declined rows too, here: both kinds of
        count go into one summary, so none is left for ``finish`` (another thread)."""
        order = sorted([*good, *odd_cells])
        rank = {position: k for k, position in enumerate(order)}
        places = [(index + rank[p], number + p) for p in good]
        usual = [(index + rank[p], (number + p, odd_cells[p])) for p in odd_cells]
        for row in self.pair.add_frame(self.population, frame, places):
            cells = ["" if cell is None else cell for cell in frame.row(row)]
            usual.append((places[row][0], (places[row][1], cells)))
        usual.sort(key=lambda item: item[0])
        if usual:
            self._one_by_one([i for i, _ in usual], [record for _, record in usual])
        return _Block([None] * len(order), [], Summary.empty(self.spec), index)

    def finish(self, block: _Block) -> ChunkResult:
        return ChunkResult([], block.summary, count=block.count)

    def usual(self, index: int, chunk: list[RawRecord]) -> ChunkResult:
        self._one_by_one(list(range(index, index + len(chunk))), chunk)
        return ChunkResult([], Summary.empty(self.spec), count=len(chunk))

    def _one_by_one(self, indexes: list[int], records: list[RawRecord]) -> None:
        add_records(self.population, self.converter, self.scorer_b, indexes, records)


def _counts(quanta: pl.Series, places: int) -> dict[str, int]:
    """How many times each change occurs, keyed by its text (as ``PopulationDiff`` counts)."""
    return {
        str(Decimal(value).scaleb(-places)): count
        for value, count in quanta.drop_nulls().value_counts().iter_rows()
    }
