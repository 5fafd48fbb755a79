"""``jixiao batch`` over a CSV, column by column: blocks of lines → polars → scores → output rows;
and ``score_frame``, the same for a polars frame of batch rows (``jixiao diff``, Dask, Spark).

A CSV is read in blocks of whole lines (``BLOCK_BYTES``), the next parsed while one is scored
and the rows the previous one declined are scored the usual way, so memory holds three blocks
whatever the file's size. In a block, a line is parsed by polars only where polars and Python's csv
module must agree on it: its quotes enclose whole cells on the line (no ``""`` inside, no line
break), it has exactly the header's cells, and it is not blank. Any other line whose record is
still that one line (a row of the wrong width, a blank row) is parsed by the csv module and
goes the usual way. A line that may begin a record spanning lines — a quote that does not pair
up on it, a carriage return inside it — or text that is not UTF-8 ends the columnar reading:
the rest of the file is read by the usual reader from that record on (which words any error).

Rows the columnar scorer declines, and the lines it does not parse, are scored by
``batch.core.record_outcomes`` — the compiled plan, else the engine — exactly as before, so
every row of the output is what the record-by-record path writes, byte for byte.
"""

from __future__ import annotations

import csv
import heapq
import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import polars as pl

from ..columnar.frame import SPACE_CLASS, Scorer, id_column
from ..columnar.program import Unsupported
from ..errors import FactsError
from ..spec.compiled import Spec
from .column_map import build_column_map
from .columns import year_refused
from .core import ChunkResult, Layout, _escaped, process_chunk
from .fastrows import row_plan
from .inputs import Input
from .lines import RECORD_LIMIT
from .outputs import CsvFormat
from .records import RawRecord, RowConverter
from .summary import KEEP, Ranked, Summary

__all__ = [
    "BLOCK_BYTES",
    "csv_results",
    "frame_results",
    "score_frame",
    "scorer_for",
]

# 5 MiB of lines a block, about 17,500 rows of the seed's 40 columns: with three blocks in flight
# (one parsed, one scored, one finished), a 1,000,000-record run peaks near 257 MB, 280 MB with
# 5% of its rows broken (two in flight: 240 MB; one: 221 MB; the bound is 300).
BLOCK_BYTES = 5 << 20
_RECORDS = 500  # records a chunk on the usual path, as run.CHUNK_SIZE
# A cell in quotes that polars and csv read alike: from a line start or a comma to a comma or
# the line end, nothing inside but other characters than a quote or a line break.
_QUOTED = r'(^|,)"[^"]*"'
_AFTER = "\x00[^,]"  # a quoted cell followed by more than a comma: not one cell
_BLANK = f"^(?:{SPACE_CLASS}|,)*$"  # blank cells only: csv's reader decides
# A cell csv.writer quotes, or the output's formula guard changes (``channels.FORMULA_START``).
_NEEDS_CSV = r'[,"\r\n]|^[=+\-@\t]'


def scorer_for(spec: Spec, cmap: Any) -> Scorer | None:
    """The columnar scorer of a spec and header (built once, kept as long as the spec), or None
    when the spec holds what the columnar path does not read (every row then goes the usual
    way)."""
    scorers: dict[Any, Scorer | None] = spec.built("columnar scorers", dict)
    if cmap not in scorers:
        try:
            scorers[cmap] = Scorer(spec, cmap, row_plan(spec, cmap))
        except Unsupported:
            scorers[cmap] = None
    return scorers[cmap]


def csv_results(
    spec: Spec, item: Input, start: int, text: object = None
) -> Iterator[ChunkResult] | None:
    """The chunks of a CSV input scored column by column (records numbered from ``start``), or
    None when this input goes the usual way (not UTF-8, or a spec the columnar path declines).
    ``text``: the output's ``CsvFormat``, when the chunks may come as its encoded text."""
    converter = item.converter
    if item.kind != "csv" or not isinstance(converter, RowConverter):
        return None
    encoding = item._options[0] if item._options else None
    if encoding not in ("utf-8", "utf-8-sig"):
        return None
    scorer = scorer_for(spec, converter.cmap)
    if scorer is None:
        return None
    csv_text = text if isinstance(text, CsvFormat) else None
    return _Reading(spec, item, converter, scorer, csv_text).chunks(start)


def frame_results(
    spec: Spec, frame: pl.DataFrame, *, file: str = "frame", rows: int = 50_000
) -> Iterator[ChunkResult]:
    """The chunks of a frame of batch rows (its column names a batch header, its cells text or
    null), ``rows`` at a time, as ``jixiao batch`` scores a CSV: row N of the frame is
    ``file:row N+1`` (the header is row 1). A header that does not fit the spec raises its
    FactsError, every problem listed."""
    cmap, problems = build_column_map(spec, list(frame.columns), file=file)
    if cmap is None:
        raise FactsError(problems)
    converter = RowConverter(cmap)
    scorer = scorer_for(spec, cmap)
    text = frame.select(pl.all().cast(pl.String))
    text.columns = [f"c{i}" for i in range(frame.width)]
    index = 0
    for start in range(0, text.height, rows):
        part = text.slice(start, rows)
        if scorer is None:
            records = [(start + k + 2, _cells(row)) for k, row in enumerate(part.iter_rows())]
            result = _counted(process_chunk(spec, converter, index, records))
        else:
            reading = _Reading(spec, None, converter, scorer)
            result = reading.score(start + 2, index, list(range(part.height)), part, {})
        index += result.count
        yield result


def score_frame(spec: Spec, frame: pl.DataFrame, *, file: str = "frame") -> pl.DataFrame:
    """Every row of ``frame`` (its column names a batch header, its cells text or null) scored:
    the batch output as a DataFrame — ``id``, ``name``, ``total``, ``grade``, one column per 一级指标,
    ``error``, ``source`` — every cell text as the CSV output writes it ("" when absent)."""
    columns = list(Layout.of(spec).columns)
    parts = [
        pl.DataFrame(result.rows, schema=columns, orient="row")
        for result in frame_results(spec, frame, file=file)
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=dict.fromkeys(columns, pl.String))


def _cells(row: tuple[Any, ...]) -> list[str]:
    return ["" if cell is None else cell for cell in row]


def _blocks(handle: Any) -> Iterator[bytes | None]:
    """The file from here on in blocks of whole lines (the last may lack its line end); None
    for text with no line end within ``4 × RECORD_LIMIT`` (the csv reader words it)."""
    carry = b""
    while True:
        data = handle.read(BLOCK_BYTES)
        block = carry + data
        if not block:
            return
        cut = block.rfind(b"\n") + 1 if data else len(block)
        if cut == 0:
            if len(block) > 4 * RECORD_LIMIT:
                yield None
                return
            carry = block
            continue
        block, carry = block[:cut], block[cut:]
        yield block


@dataclass
class _Block:
    """A block scored column by column, its declined rows still to go the usual way."""

    out: list[Any]  # each record's output line or row, in line order; None where ``usual`` fills
    usual: list[tuple[int, RawRecord]]  # (place in ``out``, record) of the rows left
    summary: Summary  # of the rows scored here
    index: int  # the first record's index in the run

    @property
    def count(self) -> int:
        return len(self.out)


@dataclass
class _Prepared:
    """A block parsed: its count of lines, and what ``_Reading.score`` takes (the positions of
    the lines polars parsed, their frame, and the lines the csv module parsed)."""

    count: int
    rows: tuple[list[int], pl.DataFrame, dict[int, list[str]]]


class _Reading:
    """One CSV input (``item``; None for a frame given whole) read and scored in blocks."""

    def __init__(
        self,
        spec: Spec,
        item: Input | None,
        converter: RowConverter,
        scorer: Scorer,
        text: CsvFormat | None = None,
        word: str = "row",
    ) -> None:
        self.spec = spec
        self.item = item
        self.converter = converter
        self.scorer = scorer
        self.width = scorer.cmap.width
        # How a record is located: ``file:row N``, and ``line N`` where no id names it (JSON
        # Lines, whose records ``columnar_records`` reads through a RowConverter of its lines).
        self.word = word
        self.prefix = _escaped(scorer.cmap.file) + f":{word} "
        self.places = spec.rounding.places
        # Write the CSV output's text here only where the cells every row shares (the grades,
        # the file's name) need neither quotes nor the formula guard.
        fixed = [name for name, _ in spec.grades.bands] + [self.prefix]
        self.text = text if not any(re.search(_NEEDS_CSV, cell) for cell in fixed) else None
        # The output's columns (``core.Layout``): id, [name,] total, grade, 一级指标…, error, source.
        self.named = len(Layout.of(spec).columns) == len(spec.indicators) + 6

    def chunks(self, start: int) -> Iterator[ChunkResult]:
        """The input's chunks, a block each, in three stages on three threads: the next block is
        cut and parsed (``prepare``) while this one is scored column by column (``score``) and
        the previous one's declined rows are scored or worded the usual way (``finish``).
        Polars and the csv module let go of the GIL, so the Python of the usual way runs while
        the columns are computed, on a core the columnar part leaves idle. At most three blocks
        are held at once."""
        assert self.item is not None
        number, index = self.item.header_row + 1, start
        with (
            open(self.item.path, "rb") as handle,
            ThreadPoolExecutor(1) as ahead,
            ThreadPoolExecutor(1) as behind,
        ):
            for _ in range(self.item.header_row):
                line = handle.readline()
                if b'"' in line or b"\r" in line.rstrip(b"\r\n"):
                    yield from self.rest(number, index)  # a header we do not cut lines under
                    return
            blocks = _blocks(handle)
            upcoming = ahead.submit(self.prepare, next(blocks, b""))
            finishing: Future[ChunkResult] | None = None
            while True:
                prepared = upcoming.result()
                if prepared is None or not prepared.count:
                    if finishing is not None:
                        yield finishing.result()
                    if prepared is None:
                        yield from self.rest(number, index)
                    return
                upcoming = ahead.submit(self.prepare, next(blocks, b""))
                count, rows = prepared.count, prepared.rows
                del prepared
                block = self.columns(number, index, *rows)
                del rows  # a block's worth: let go before the next is scored
                following = behind.submit(self.finish, block)
                if finishing is not None:
                    yield finishing.result()
                finishing = following
                number += count
                index += block.count

    def rest(self, number: int, index: int) -> Iterator[ChunkResult]:
        """From record ``number`` on, the usual reader, in chunks scored by ``usual``."""
        assert self.item is not None
        chunk: list[RawRecord] = []
        for record in self.item.records():
            if record[0] < number:
                continue
            chunk.append(record)
            if len(chunk) >= _RECORDS:
                yield self.usual(index, chunk)
                index += len(chunk)
                chunk = []
        if chunk:
            yield self.usual(index, chunk)

    def usual(self, index: int, chunk: list[RawRecord]) -> ChunkResult:
        """A chunk of records (the first numbered ``index``) scored the usual way."""
        return _counted(process_chunk(self.spec, self.converter, index, chunk))

    def prepare(self, block: bytes | None) -> _Prepared | None:
        """One block's lines, parsed: None where the columnar reading stops (``block`` None: a
        line longer than any record may be). Reads nothing but the block (a second thread runs
        it)."""
        if not block:
            return None if block is None else _Prepared(0, ([], pl.DataFrame(), {}))
        if b"\x1f" in block:
            return None  # the separator the lines are read with below
        try:  # one line a row: no separator, no quotes (polars drops a \r before \n)
            lines = pl.read_csv(
                block,
                has_header=False,
                separator="\x1f",
                quote_char=None,
                new_columns=["line"],
                schema={"line": pl.String},
                raise_if_empty=False,
            ).get_column("line")
        except Exception:  # noqa: BLE001 (text that is not UTF-8: the usual reader words it)
            return None
        count = block.count(b"\n") + (not block.endswith(b"\n"))
        if len(lines) != count:
            return None
        lines = lines.fill_null("")
        if lines.str.contains("\r", literal=True).any():
            return None  # a carriage return inside a line: csv may end a record there
        longest = lines.str.len_bytes().max()
        if isinstance(longest, int) and longest > RECORD_LIMIT:
            return None
        stripped = lines
        if b'"' in block:  # each quoted cell, whole between commas, as one placeholder
            stripped = lines.str.replace_all(_QUOTED, "${1}\x00")
            unpaired = stripped.str.contains('"', literal=True) | stripped.str.contains(_AFTER)
            if unpaired.any():
                return None  # a quote that may open a record of several lines
        good = (stripped.str.count_matches(",", literal=True) == self.width - 1) & ~(
            stripped.str.contains(_BLANK)
        )
        # One row a line (the quotes are paired on every line, so no cell spans two): a line of
        # the wrong width is padded or cut here and read by csv below, the rest kept.
        frame = self.parse(block)
        if frame is None or frame.height != count:
            return None
        if good.all():
            positions = list(range(count))
            odd: list[int] = []
        else:
            positions = good.arg_true().to_list()
            odd = (~good).arg_true().to_list()
            frame = frame.filter(good)
        # A row of only blank cells is no record (csv's reader skips it): the csv way decides.
        blank = _blank_rows(frame)
        if blank is not None:
            odd = sorted([*odd, *(positions[k] for k in blank)])
            keep = sorted(set(range(len(positions))) - set(blank))
            positions = [positions[k] for k in keep]
            frame = frame[keep]
        odd_cells: dict[int, list[str]] = {}
        texts = lines.gather(odd).to_list() if odd else []
        for position, text in zip(odd, texts, strict=True):
            row = next(csv.reader([text + "\n"]), [])
            if (row and row[0].strip()) or any(map(str.strip, row)):
                odd_cells[position] = row
        return _Prepared(count, (positions, frame, odd_cells))

    def parse(self, data: bytes) -> pl.DataFrame | None:
        names = self.scorer.names
        if not data:
            return pl.DataFrame({name: pl.Series([], dtype=pl.String) for name in names})
        try:
            frame = pl.read_csv(
                data,
                has_header=False,
                new_columns=names,
                schema=dict.fromkeys(names, pl.String),
                quote_char='"',
                encoding="utf8",
                raise_if_empty=False,
                truncate_ragged_lines=True,
                # polars counts a file's columns on its first line: a block that starts with a
                # row of the wrong width is still read at the header's (that row goes csv's way)
                missing_columns="insert",
                extra_columns="ignore",
            )
        except Exception:  # noqa: BLE001 (text polars will not read: the usual reader words it)
            return None
        return frame if frame.width == len(names) else None

    def score(
        self,
        number: int,
        index: int,
        good: list[int],
        frame: pl.DataFrame,
        odd_cells: dict[int, list[str]],
    ) -> ChunkResult:
        """The block's rows: ``frame`` holds the lines at ``good`` (positions in the block,
        whose first line is record ``number``, its index ``index``), ``odd_cells`` the lines csv
        parsed."""
        return self.finish(self.columns(number, index, good, frame, odd_cells))

    def columns(
        self,
        number: int,
        index: int,
        good: list[int],
        frame: pl.DataFrame,
        odd_cells: dict[int, list[str]],
    ) -> _Block:
        """``score`` up to the rows it leaves to the usual way: the rows scored here, in place,
        and those it leaves, with their places."""
        scorer, places, cmap = self.scorer, self.places, self.scorer.cmap
        scored, sets = scorer.score(frame)
        ids, unstripped = id_column(scorer.cells(frame, cmap.id_index))
        names, unnamed = id_column(scorer.cells(frame, cmap.name_index))
        declined = scored["declined"] | unstripped | unnamed
        year = cmap.year_index
        if year is not None:  # a 年度 that is no year: the engine refuses the row
            years = scorer.cells(frame, year)
            refused = [cell for cell in years.unique().to_list() if year_refused(cell)]
            if refused:
                declined = declined | years.is_in(refused).fill_null(False)
        tops = len(self.spec.indicators)
        numbers = pl.Series("n", good, dtype=pl.Int64) + number
        record_id = pl.coalesce(pl.lit(ids), pl.lit(f"{self.word} ") + pl.col("n").cast(pl.String))
        named = [pl.coalesce(pl.lit(names), record_id).alias("name")] if self.named else []
        table = scored.with_columns(numbers).select(
            record_id.alias("id"),
            *named,
            _text(pl.col("total_q"), places).alias("total"),
            pl.col("grade"),
            *(_text(pl.col(f"top{k}"), places).fill_null("").alias(f"t{k}") for k in range(tops)),
            pl.lit("").alias("error"),
            (pl.lit(self.prefix) + pl.col("n").cast(pl.String)).alias("source"),
        )
        text = self.text
        if text is not None:
            # The CSV output's own lines, for rows whose text cells csv writes as they are
            # (nothing to quote, nothing formula-like): the rest go through ``text.format``.
            plain = pl.all_horizontal(
                ~pl.col(c).str.contains(_NEEDS_CSV) for c in ("id", *(["name"] if named else []))
            )
            lines = table.select(
                pl.when(pl.lit(~declined) & plain)
                .then(pl.concat_str(pl.all(), separator=",") + "\r\n")
                .otherwise(pl.lit(""))
            ).to_series()
            as_rows = (~declined & (lines == "")).arg_true().to_list()  # scored, not plain
        else:
            lines = pl.Series([""] * frame.height, dtype=pl.String)
            as_rows = (~declined).arg_true().to_list()
        # Records in line order: polars' rows (scored here or declined) and csv's lines; the
        # slot of a record is its place in the block's output.
        if odd_cells:
            order = sorted([*good, *odd_cells])
            slot_at = {position: slot for slot, position in enumerate(order)}
            slots = [slot_at[position] for position in good]
        else:
            order, slots = good, list(range(len(good)))
        out: list[Any] = [None] * len(order)
        for k, line in zip(slots, lines.to_list(), strict=True):
            if line:
                out[k] = line
        for k, cells in zip(as_rows, table[as_rows].iter_rows(), strict=True):
            out[slots[k]] = list(cells)
        # The usual path, as (output slot, record): rows the scorer declined, which the plan or
        # the engine scores or words, and rows csv parsed apart (or an input kept out of the
        # frame). Trying the plan again on a declined row costs little: 2.49 s against 2.31 s for
        # 100,000 seed rows with 5% broken, best of five taking turns.
        usual = [
            (slots[k], self.declined(number + good[k], k, frame))
            for k in declined.arg_true().to_list()
        ]
        usual += [(slot_at[p], (number + p, parsed)) for p, parsed in odd_cells.items()]
        usual.sort(key=lambda entry: entry[0])
        summary = Summary.empty(self.spec)
        here = (~declined).arg_true()
        if len(here):
            positions = [slots[k] for k in here.to_list()]
            name = pl.col("name" if named else "id").alias("name")  # no name column: the id
            labels = table[here].select("id", name, "source")
            summary = self.summary(scored[here], sets, [index + p for p in positions], labels)
        return _Block(out, usual, summary, index)

    def finish(self, block: _Block) -> ChunkResult:
        """A block's result: its declined rows scored or worded the usual way, put where their
        records stand, and (CSV to CSV) the block's output text."""
        out, usual, summary = block.out, block.usual, Summary.empty(self.spec)
        if usual:  # one call for the block, its indices then put where the records stand
            result = process_chunk(self.spec, self.converter, 0, [record for _, record in usual])
            for (slot, _), row in zip(usual, result.rows, strict=True):
                out[slot] = row
            summary.merge(_reindexed(result.summary, [block.index + slot for slot, _ in usual]))
        summary.merge(block.summary)
        text = self.text
        if text is None:
            return ChunkResult(out, summary, count=len(out))
        encoded = "".join(
            item if isinstance(item, str) else text.format([item]) for item in out
        ).encode("utf-8")  # rows formatted as the writer formats them (formula guard, quotes)
        return ChunkResult([], summary, encoded, len(out))

    def declined(self, number: int, row: int, frame: pl.DataFrame) -> RawRecord:
        """Record ``number``, row ``row`` of ``frame``, as the usual path is to read it: its
        cells (``columnar_records`` gives the record as its input holds it instead)."""
        return number, _cells(frame.row(row))

    def summary(
        self,
        scored: pl.DataFrame,
        sets: dict[str, frozenset[int]],
        indexes: list[int],
        labels: pl.DataFrame,
    ) -> Summary:
        """The summary of the rows scored here, as ``Summary.add_many`` would add them."""
        spec, places = self.spec, self.places
        part = Summary.empty(spec)
        part.records = scored.height
        part.grades = Counter(dict(scored["grade"].value_counts().iter_rows()))
        part.total_sum = _decimal(scored["total_q"].sum(), places)
        weights_of = self.scorer.rows.plan._applicable
        for key, group in scored.group_by("na"):
            na_key = key[0]
            leaves_out = sets.get(na_key or "", frozenset())
            each = spec.top_weights if not leaves_out else weights_of(leaves_out)[0]
            for k, weight in enumerate(each):
                column = group[f"top{k}"].drop_nulls()
                if weight and len(column):
                    slot = (k, weight)
                    points = _decimal(column.sum(), places)
                    part.top_points[slot] = part.top_points.get(slot, Decimal(0)) + points
                    part.top_rated[k] += len(column)
        leaves = scored.select(  # each leaf's count, sum and count below full marks, at once
            e
            for i, full in enumerate(self.scorer.full_q)
            for e in (
                pl.col(f"leaf{i}").count().alias(f"n{i}"),
                pl.col(f"leaf{i}").sum().alias(f"s{i}"),
                (pl.col(f"leaf{i}") != full).sum().alias(f"l{i}"),
            )
        ).row(0)
        for i in range(len(self.scorer.full_q)):
            count, points, losing = leaves[3 * i : 3 * i + 3]
            part.leaf_applicable[i] = count
            part.leaf_points[i] = _decimal(points, places) if count else Decimal(0)
            part.leaf_losing[i] = losing
        ranked = scored.select("total_q", "grade").with_columns(
            pl.Series("index", indexes), pl.Series("row", range(scored.height))
        )
        for heap, descending in ((part.best, True), (part.worst, False)):
            top = ranked.sort(["total_q", "index"], descending=[descending, False]).head(KEEP)
            for total_q, grade, record_index, row in top.iter_rows():
                total = _decimal(total_q, places)
                record_id, name, source = labels.row(row)
                key = (total if descending else -total, -record_index)
                heap.append(Ranked(key, total, grade, record_id, name, source))
        heapq.heapify(part.best)
        heapq.heapify(part.worst)
        return part


def _blank_rows(frame: pl.DataFrame) -> list[int] | None:
    """The frame rows whose every cell is empty or blank, as ``str.strip`` sees it (None when
    there is none)."""
    if not frame.height:
        return None
    first = frame.get_column(frame.columns[0])
    maybe = (first.is_null() | first.str.contains(f"^{SPACE_CLASS}*$")).fill_null(True)
    if not maybe.any():
        return None
    blank = [
        k
        for k in maybe.arg_true().to_list()
        if not any(cell is not None and cell.strip() for cell in frame.row(k))
    ]
    return blank or None


def _reindexed(summary: Summary, indices: list[int]) -> Summary:
    """``summary`` of records numbered 0, 1 … renumbered ``indices`` (increasing): the best,
    worst and first failures name their records by index."""
    for heap in (summary.best, summary.worst):
        heap[:] = [replace(item, key=(item.key[0], -indices[-item.key[1]])) for item in heap]
        heapq.heapify(heap)
    summary.first_errors = [(indices[i], text) for i, text in summary.first_errors]
    return summary


def _text(q: pl.Expr, places: int) -> pl.Expr:
    """Quanta as the fixed-point text ``str(Decimal)`` gives a score: 95.85, 0.00, 95."""
    if places == 0:
        return q.cast(pl.String)
    unit = 10**places
    return pl.concat_str(
        (q // unit).cast(pl.String), pl.lit("."), (q % unit).cast(pl.String).str.zfill(places)
    )


def _decimal(quanta: object, places: int) -> Decimal:
    """A sum of quanta (an int from polars) as the Decimal score it counts."""
    assert isinstance(quanta, int)
    return Decimal(quanta).scaleb(-places)


def _counted(result: ChunkResult) -> ChunkResult:
    result.count = len(result.rows)
    return result
