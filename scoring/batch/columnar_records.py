"""``jixiao batch`` column by column over JSON Lines, Parquet and queries: their records → chunks
of a polars frame of text → the columnar scorer (``columnar_csv``), the rest the usual way.

What this module owns: turning the lines of a JSON Lines input, or the typed columns of a
Parquet file or a query (``inputs.Input.columns``), into frames of text cells under the input's
header (columns ``c0`` …, as the CSV reading names them), ``CHUNK_RECORDS`` records a frame,
and handing each to ``columnar_csv._Reading.score``, which scores the frame column by column and
sends every row it declines to ``core.process_chunk``. So memory holds a chunk whatever the
input's size, and each output row, its error and the summary are what the record-by-record path
writes (tests/test_columnar_inputs.py).

The columnar scorer reads text; the usual path reads a Parquet, database or JSON cell as it is
(an int, an exact decimal, a date already as ISO text). A cell goes into the frame only where
its text is read exactly as the cell is: text and None as they are; an integer, or a decimal in
plain fixed point (``0.9914``, ``-12.50``: the digits a number cell's reader and the text's
reader both take as that number, ``measure._PLAIN`` without a unit), as its ``str()``, which is
also what the usual path makes of it as an id, a name, a tier or a mark. Any other cell — a
boolean, a number in exponent form or of more than 15 digits before the point, a date object, a
nested JSON value — keeps its whole row out of the frame: that record goes the usual way, with
its own cells, and gets the usual row or error.

JSON Lines: each line is parsed once here, its numbers kept as the text they are written in
(which ``Decimal`` keeps digit for digit). A chunk's flat records under its most common header
(the keys in order) make the frame; every other line — another header, a facts mapping, a key
given twice, JSON that does not parse, ``NaN`` — goes the usual way, through the input's own
converter, located at its line.

An XLSX sheet and a CSV that is not UTF-8 go record by record, where the compiled plan reads
their rows a column at a time (``fastrows``): gathered into frames here they were 4% (XLSX) and
12% (GB18030) faster at best, measured taking turns in one process on the 2-CPU machine (Parquet:
37%, JSON Lines: 3.75×).
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from ..columnar.frame import Scorer
from ..spec.compiled import Spec
from .column_map import ColumnMap, build_column_map
from .columnar_csv import _counted, _Reading, scorer_for
from .core import ChunkResult, process_chunk
from .inputs import Input
from .outputs import CsvFormat
from .parquet import FIRST_ROW, rows_of
from .records import FACTS_KEYS, Converted, Converter, JsonLineConverter, RawRecord, RowConverter

__all__ = [
    "CHUNK_RECORDS",
    "records_results",
]

# Records a frame. Measured on 100,000 seed JSON lines: 20,000 a frame peaked at 402 MB, 10,000
# at 264 MB in about the same time (record by record: 70 MB, 3.5 times as long).
CHUNK_RECORDS = 10_000
# A number whose str() both readers take as that number: measure._PLAIN's digits, no unit.
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,10})?", re.ASCII)
_TEXT = frozenset({str, type(None)})
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # \ud800 … \udfff in JSON text
_FLAT_KEYS = 10_000  # records._FLAT_KEYS: a line of more keys is that line's error


def records_results(
    spec: Spec, item: Input, start: int, text: object = None
) -> Iterator[ChunkResult] | None:
    """The chunks of a JSON Lines file, a Parquet file or a query scored column by column
    (records numbered from ``start``), or None when the input goes the usual way: any other
    input, or a spec or header the columnar path declines. ``text``: the output's ``CsvFormat``,
    when the chunks may come as its text."""
    csv_text = text if isinstance(text, CsvFormat) else None
    converter = item.converter
    if isinstance(converter, JsonLineConverter):
        return _json_results(spec, item, converter, start, csv_text)
    if item.kind not in ("parquet", "sql") or not isinstance(converter, RowConverter):
        return None
    scorer = scorer_for(spec, converter.cmap)
    batches = None if scorer is None else item.columns()
    if scorer is None or batches is None:
        return None
    return _RowReading(spec, converter, scorer, csv_text).column_chunks(batches, start)


class _RowReading(_Reading):
    """An input read a frame at a time: a Parquet file's or a query's typed columns, or the lines
    of a JSON Lines input under one header."""

    def __init__(
        self,
        spec: Spec,
        converter: RowConverter,
        scorer: Scorer,
        text: CsvFormat | None,
        word: str = "row",
    ) -> None:
        super().__init__(spec, None, converter, scorer, text, word)
        # The record of each row of the frame being scored, as its input holds it.
        self.payload: Callable[[int], Any] = lambda row: None

    def column_chunks(
        self, batches: Iterator[list[list[Any]]], index: int
    ) -> Iterator[ChunkResult]:
        """A Parquet file's or a query's batches of typed columns, gathered into chunks of at
        least ``CHUNK_RECORDS`` rows (numbered from 2, under the header, as ``records``)."""
        first = FIRST_ROW
        gathered: list[list[Any]] = []
        for batch in itertools.chain(batches, [None]):
            if batch is not None:
                if not gathered:
                    gathered = [list(column) for column in batch]
                else:
                    for column, more in zip(gathered, batch, strict=True):
                        column.extend(more)
            count = len(gathered[0]) if gathered else 0
            if count and (batch is None or count >= CHUNK_RECORDS):
                result = self.columns_chunk(first, index, gathered, count)
                first, index, gathered = first + count, index + count, []
                yield result

    def columns_chunk(
        self, first: int, index: int, columns: list[list[Any]], count: int
    ) -> ChunkResult:
        """``count`` rows of typed columns, the first numbered ``first``: the rows whose cells all
        read as text in a frame, the others (with the rows the scorer declines) the usual way."""
        texts, keep = _column_texts(columns, count, self.width)
        good = list(itertools.compress(range(count), keep))
        if _mostly_odd(len(good), count):
            records = [(first + k, row) for k, row in enumerate(rows_of(columns))]
            return _counted(process_chunk(self.spec, self.converter, index, records))
        odd = {k: [column[k] for column in columns] for k in range(count) if not keep[k]}
        self.payload = lambda row: [column[good[row]] for column in columns]
        return self.guarded(
            lambda: [(first + k, row) for k, row in enumerate(rows_of(columns))],
            index,
            lambda: self.score(first, index, good, texts, odd),
        )

    def declined(self, number: int, row: int, frame: pl.DataFrame) -> RawRecord:
        return number, self.payload(row)

    def guarded(
        self,
        records: list[RawRecord] | Callable[[], list[RawRecord]],
        index: int,
        scored: Callable[[], ChunkResult],
        converter: Converter | None = None,
    ) -> ChunkResult:
        """The chunk scored column by column; if that fails (a bug), the chunk's ``records``
        scored the usual way (by ``converter``, else the input's), which gives the same rows:
        one bug must not cost the run."""
        try:
            return scored()
        except Exception:  # noqa: BLE001 (the usual path, which the columnar one speeds up, decides)
            chunk = records() if callable(records) else records
            usual = self.converter if converter is None else converter
            return _counted(process_chunk(self.spec, usual, index, chunk))


def _mostly_odd(good: int, count: int) -> bool:
    """Whether most of a chunk's records cannot go into its frame: the chunk then goes the usual
    way whole, rather than a frame being made for the few."""
    return 2 * good < count


def _column_texts(
    columns: list[list[Any]], count: int, width: int
) -> tuple[pl.DataFrame, list[bool]]:
    """A frame of the ``count`` rows of ``columns`` whose every cell reads as text (``_text``),
    the cells as text; and for each row whether it is one of them."""
    keep = [True] * count
    texts: list[list[Any]] = []
    for column in columns:
        if not set(map(type, column)) <= _TEXT:
            column = [_text(cell) for cell in column]
            for k in [k for k, cell in enumerate(column) if cell is _NOT_TEXT]:
                keep[k] = False
        texts.append(column)
    if not all(keep):
        texts = [list(itertools.compress(column, keep)) for column in texts]
    names = [f"c{i}" for i in range(width)]
    if not texts:
        texts = [[] for _ in names]
    series = [
        pl.Series(name, cells, dtype=pl.String) for name, cells in zip(names, texts, strict=True)
    ]
    return pl.DataFrame(series), keep


_NOT_TEXT: Any = object()  # a cell whose text might read otherwise than the cell


def _text(cell: Any) -> Any:
    """A cell as the text the columnar scorer reads exactly as the usual path reads the cell,
    or ``_NOT_TEXT``."""
    kind = cell.__class__
    if kind is str or cell is None:
        return cell
    if kind is int or kind is Decimal:
        text = str(cell)
        return text if _PLAIN_NUMBER.fullmatch(text) else _NOT_TEXT
    return _NOT_TEXT  # bool, float, a date or time, an OutsideCell …


# ---- JSON Lines ---------------------------------------------------------------------------------
class _NotFlat(Exception):
    """A line this module leaves to the usual path (which reads it, and words any error)."""


def _pairs(found: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(found)
    if len(data) != len(found):
        raise _NotFlat  # a key given twice: duplicate-key
    return data


def _number(text: str) -> str:
    """A JSON number as the text of the int or Decimal the usual reader makes of it."""
    if _PLAIN_NUMBER.fullmatch(text) is None:
        raise _NotFlat  # an exponent, or more digits than a plain number has
    return "0" if text == "-0" else text  # int("-0") is 0; Decimal keeps -0.0 as written


def _constant(text: str) -> Any:
    raise _NotFlat  # NaN, Infinity: the usual path refuses them where a number is needed


def _flat(line: Any) -> tuple[tuple[str, ...], list[Any]] | None:
    """A JSON line as (its keys, its cells as text), or None: the usual path reads it."""
    if not isinstance(line, str) or _SURROGATE_ESCAPE.search(line):
        # Too long to read (``lines.Unreadable``); or half a character, which the usual path
        # writes as its escape and a frame cannot hold.
        return None
    try:
        data = json.loads(
            line,
            parse_float=_number,
            parse_int=_number,
            parse_constant=_constant,
            object_pairs_hook=_pairs,
        )
    except (ValueError, _NotFlat, RecursionError):
        return None
    if not isinstance(data, dict) or len(data) > _FLAT_KEYS:
        return None
    keys = data.keys() - {"id"}
    if not keys or keys <= FACTS_KEYS:
        return None  # a facts mapping (or no fact at all): read as the usual path reads it
    cells = list(data.values())
    if not set(map(type, cells)) <= _TEXT:
        return None  # true, false, a list, an object (an itemised value)
    return tuple(data), cells


@dataclass(frozen=True)
class _LineRows(RowConverter):
    """The lines of a JSON Lines input under one header, as a RowConverter for ``_Reading``:
    a line the scorer declines is read by the input's converter, from its text, at its line."""

    lines: JsonLineConverter = field(default_factory=lambda: JsonLineConverter(""))

    def source(self, number: int, payload: Any = None) -> str:
        return self.lines.source(number, payload)

    def fallback_id(self, number: int, payload: Any = None) -> str:
        return self.lines.fallback_id(number, payload)

    def fast_path(self, spec: Spec) -> Any:
        # A line is text, not cells: no line is read by the row plan (the converter reads it).
        return lambda payloads: [None] * len(payloads)

    def convert(self, spec: Spec, number: int, payload: Any) -> Converted:
        return self.lines.convert(spec, number, payload)


def _json_results(
    spec: Spec, item: Input, converter: JsonLineConverter, start: int, text: CsvFormat | None
) -> Iterator[ChunkResult]:
    maps: dict[tuple[str, ...], ColumnMap | None] = {}
    readings: dict[ColumnMap, _RowReading | None] = {}
    index = start
    for chunk in item.chunks(CHUNK_RECORDS):
        result = _json_chunk(spec, converter, chunk, index, text, maps, readings)
        index += result.count
        yield result


def _json_chunk(
    spec: Spec,
    converter: JsonLineConverter,
    chunk: list[RawRecord],
    index: int,
    text: CsvFormat | None,
    maps: dict[tuple[str, ...], ColumnMap | None],
    readings: dict[ColumnMap, _RowReading | None],
) -> ChunkResult:
    """One chunk of lines: those of its most common header in a frame, the rest the usual way."""
    flat = [_flat(line) for _, line in chunk]
    common = Counter(found[0] for found in flat if found is not None).most_common(1)
    reading = None
    if common:
        header = common[0][0]
        if header not in maps and len(maps) < 1000:
            cmap, _ = build_column_map(
                spec, header, file=converter.file, row=None, id_column=converter.id_column
            )
            maps[header] = cmap
        cmap = maps.get(header)
        if cmap is not None:
            if cmap not in readings:
                scorer = scorer_for(spec, cmap)
                lines = _LineRows(cmap, lines=converter)
                readings[cmap] = (
                    None if scorer is None else _RowReading(spec, lines, scorer, text, "line")
                )
            reading = readings[cmap]
    if reading is None:
        return _counted(process_chunk(spec, converter, index, chunk))
    first = chunk[0][0]
    good: list[int] = []  # places in ``chunk`` of the lines in the frame
    rows: list[list[Any]] = []
    odd: dict[int, Any] = {}
    for k, ((number, line), found) in enumerate(zip(chunk, flat, strict=True)):
        if found is not None and found[0] == header:
            good.append(k)
            rows.append(found[1])
        else:
            odd[number - first] = line
    if _mostly_odd(len(good), len(chunk)):
        return _counted(process_chunk(spec, converter, index, chunk))
    columns = [list(column) for column in zip(*rows, strict=True)] if rows else []
    frame, _ = _column_texts(columns, len(rows), reading.width)  # every cell text already
    reading.payload = lambda row: chunk[good[row]][1]
    positions = [chunk[k][0] - first for k in good]
    return reading.guarded(
        chunk, index, lambda: reading.score(first, index, positions, frame, odd), converter
    )
