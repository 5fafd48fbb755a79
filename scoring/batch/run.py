"""``run_batch``: inputs → chunks → scoring (here or in workers) → output file and summary.

The order of work makes mistakes cheap: the output name, the spec and every input's header are
checked before the first record is scored; records then stream through in chunks, so memory holds
a few chunks whatever the input's size; the output is moved into place only at the end.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ..spec.compiled import Spec
from ..spec.loader import load_spec
from ..writing.files import check_outputs
from .core import FIRST_TOP_COLUMN, ChunkResult, Layout
from .inputs import Input, check_chunk_size, open_inputs
from .outputs import check_output, open_writer, row_format
from .parallel import Chunk, Pool, make_pool, run_chunks
from .peer_columns import PeerColumns
from .summary import Summary

if TYPE_CHECKING:
    from .sql import SqlQuery, TableTarget

__all__ = ["CHUNK_SIZE", "run_batch"]

CHUNK_SIZE = 500  # records per unit of work: large enough to amortise pickling, small for memory


def run_batch(
    spec_path: str,
    inputs: Sequence[str | SqlQuery],
    output: str | TableTarget,
    *,
    workers: int = 1,
    id_column: str | None = None,
    sheet: str | None = None,
    progress: TextIO | None = None,
    chunk_size: int = CHUNK_SIZE,
    peers: PeerColumns | None = None,
) -> Summary:
    """Score every record of ``inputs`` into ``output``; return the summary. With ``peers``
    (``peer_columns.load_peers``), each row also gets its percentile ranks among them.

    Raises ``ScoringError`` for a bad spec or a broken input file (no output is left then) and
    ``UsageError`` for an output that cannot be named so. A record that cannot be scored is not an
    exception: its error is in its row, and counted in ``Summary.failed``. A ``chunk_size`` below
    1 raises ValueError.
    """
    check_chunk_size(chunk_size)
    check_output(output)
    # Never over an input, however spelled or linked (``jixiao batch`` has checked this already,
    # and whether an existing file may be replaced; a library caller gets the first part).
    # A query and a table (``sql``) are no files: their database is checked when it is opened.
    check_outputs(
        [("-o", output)] if isinstance(output, str) else [],
        [("SPEC", spec_path), *(("INPUT", path) for path in inputs if isinstance(path, str))],
        force=True,
    )
    spec = load_spec(spec_path)
    scored = Layout.of(spec)
    layout = scored if peers is None else _with_peer_columns(scored, peers)
    opened = open_inputs(spec, inputs, id_column=id_column, sheet=sheet)
    total = _total(opened)
    pool = None
    if workers > 1:  # made before the progress bar starts its thread
        # With peers the rows come back as rows: their ranks are added here before writing.
        text = None if peers else row_format(output, layout.columns, layout.numeric)
        pool = make_pool(spec, workers, str(output), spec_path, text)
    try:
        return _run(spec, layout, opened, output, pool, progress, total, chunk_size, peers)
    finally:
        if pool is not None:
            pool.close()


def _run(
    spec: Spec,
    layout: Layout,
    opened: Sequence[Input],
    output: str | TableTarget,
    pool: Pool | None,
    progress: TextIO | None,
    total: tuple[int | None, bool],
    chunk_size: int,
    peers: PeerColumns | None = None,
) -> Summary:
    summary = Summary.empty(spec)
    writer = open_writer(output, layout.columns, layout.numeric, spec.rounding.places)
    bar = _progress_bar(progress, *total)
    try:
        # Without peers, a CSV input's chunks may come as the output's text already.
        text = writer.format if peers is None else None
        for result in _results(spec, opened, chunk_size, pool, text):
            if result.text is None:
                writer.write(result.rows if peers is None else peers.extend(result.rows))
            else:
                writer.write_encoded(result.text)
            summary.merge(result.summary)
            if bar is not None:
                _advance(bar, result.count if result.text is not None else len(result.rows))
        if bar is not None and total[1]:  # the total was an estimate: end at 100%
            bar.total = bar.n
            bar.refresh()
    except BaseException:
        writer.abort()
        raise
    finally:
        if bar is not None:
            bar.close()
    writer.commit()
    return summary


def _with_peer_columns(layout: Layout, peers: PeerColumns) -> Layout:
    """The output's columns with the percentile ranks after the 一级指标 (numbers, too)."""
    end = FIRST_TOP_COLUMN + len(peers.tops)
    added = peers.columns(layout)
    columns = (*layout.columns[:end], *added, *layout.columns[end:])
    numeric = (*layout.numeric, *range(end, end + len(added)))
    return Layout(columns, numeric)


def _results(
    spec: Spec, inputs: Sequence[Input], size: int, pool: Pool | None, text: object = None
) -> Iterator[ChunkResult]:
    """Every input's chunk results, in order: column by column (``scoring.columnar``) where
    it can be; the rest record by record, here or over ``pool``."""
    index = 0
    for item in inputs:
        # With workers, every input goes over them, as it always did (``--workers`` is for the
        # inputs that go record by record; docs/batch.md says why a CSV is faster without).
        columnar = _columnar(spec, item, index, text) if pool is None else None
        if columnar is None:
            columnar = run_chunks(spec, _chunks([item], size, index), pool)
        for result in columnar:
            index += result.count if result.text is not None else len(result.rows)
            yield result


def _columnar(
    spec: Spec, item: Input, index: int, text: object = None
) -> Iterator[ChunkResult] | None:
    """The columnar path's results for an input, or None: a folder or facts files, an XLSX
    sheet, a CSV that is not UTF-8, a spec or header it does not read, or polars not installed
    (imported only here: no other command pays for it). A UTF-8 CSV is read in blocks of lines
    (``columnar_csv``); JSON Lines, Parquet and queries are gathered into frames
    (``columnar_records``)."""
    try:
        from .columnar_csv import csv_results
        from .columnar_records import records_results
    except ImportError:
        return None
    found = csv_results(spec, item, index, text) if item.kind == "csv" else None
    return found if found is not None else records_results(spec, item, index, text)


def _chunks(inputs: Sequence[Input], size: int, index: int = 0) -> Iterator[Chunk]:
    """Runs of up to ``size`` records, never spanning two inputs; numbered across all inputs
    from ``index``."""
    for item in inputs:
        for batch in item.chunks(size):
            yield item.converter, index, batch
            index += len(batch)


# Bytes read from the start of a CSV or JSON Lines input to estimate its records: lines per byte.
_SAMPLE_BYTES = 1 << 18


def _total(opened: Sequence[Input]) -> tuple[int | None, bool]:
    """The records to score, for the progress bar, and whether that is an estimate. Folders and
    facts files are counted; a CSV or JSON Lines file is estimated from its size and the lines in
    its first 256 KiB (a record a line; exact when the sample is the whole file, blank lines and
    cells spanning lines aside), so nothing is read twice; an XLSX sheet is not estimated (None)."""
    total, estimated = 0, False
    for item in opened:
        if item.count is not None:
            total += item.count
            continue
        guess = _estimate(item)
        if guess is None:
            return None, False
        total, estimated = total + guess, True
    return total, estimated


def _estimate(item: Input) -> int | None:
    if item.kind not in ("csv", "jsonl"):
        return None
    try:
        size = os.path.getsize(item.path)
        with open(item.path, "rb") as handle:
            head = handle.read(_SAMPLE_BYTES)
    except OSError:
        return None  # the reader reports it, located
    lines = head.count(b"\n") + (1 if head and not head.endswith(b"\n") else 0)
    if len(head) < size and lines:
        lines = size * lines // len(head)
    header = item.header_row if item.kind == "csv" else 0
    return max(lines - header, 0)


def _advance(bar: Any, records: int) -> None:
    """Count ``records`` done; an estimated total that is passed grows 5% past the count."""
    bar.update(records)
    if bar.total is not None and bar.n > bar.total:
        bar.total = bar.n + max(bar.n // 20, 1)
        bar.refresh()


def _progress_bar(stream: TextIO | None, total: int | None, estimated: bool = False) -> Any:
    """A tqdm bar on a terminal (records done of the total, percentage, rate and time left; an
    estimated total is shown as ~total); nothing when the stream is piped or captured."""
    isatty = getattr(stream, "isatty", None)
    if stream is None or isatty is None or not isatty():
        return None
    # Imported when needed (only interactive runs pay for it), through importlib so that type
    # checking needs no tqdm stubs.
    tqdm: Any = importlib.import_module("tqdm")
    # Without tqdm's monitor thread, which outlives the bar by up to ten seconds: a later batch in
    # the same process would find it running and spawn its workers instead of forking them.
    quiet = type("Bar", (tqdm.tqdm,), {"monitor_interval": 0})
    shape = (
        "{l_bar}{bar}| {n_fmt}/"
        + ("~" if estimated else "")
        + "{total_fmt} [{elapsed}<{remaining}, {rate_fmt}]"
    )
    return quiet(
        total=total,
        file=stream,
        unit=" records",
        unit_scale=True,
        mininterval=0.5,
        bar_format=shape if total is not None else None,
    )
