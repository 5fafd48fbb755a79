"""``run_batch``: inputs → chunks → scoring (here or in workers) → output file and summary.

The order of work makes mistakes cheap: the output name, the spec and every input's header are
checked before the first record is scored; records then stream through in chunks, so memory holds
a few chunks whatever the input's size; the output is moved into place only at the end.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from ..compiled import Spec
from ..loader import load_spec
from ..output_files import check_outputs
from .collection import fewer_collections
from .core import Layout
from .csv_blocks import BlockMismatch
from .inputs import Input, open_inputs
from .outputs import check_output, open_writer, row_format
from .parallel import Chunk, Pool, make_pool, run_chunks
from .records import RawRecord
from .summary import Summary

__all__ = ["CHUNK_SIZE", "run_batch"]

CHUNK_SIZE = 500  # records per unit of work: large enough to amortise pickling, small for memory


def run_batch(
    spec_path: str,
    inputs: Sequence[str],
    output: str,
    *,
    workers: int = 1,
    id_column: str | None = None,
    sheet: str | None = None,
    progress: TextIO | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Summary:
    """Score every record of ``inputs`` into ``output``; return the summary.

    Raises ``ScoringError`` for a bad spec or a broken input file (no output is left then) and
    ``UsageError`` for an output that cannot be named so. A record that cannot be scored is not an
    exception: its error is in its row, and counted in ``Summary.failed``.
    """
    check_output(output)
    # Never over an input, however spelled or linked (``jixiao batch`` has checked this already,
    # and whether an existing file may be replaced; a library caller gets the first part).
    check_outputs(
        [("-o", output)], [("SPEC", spec_path), *(("INPUT", path) for path in inputs)], force=True
    )
    spec = load_spec(spec_path)
    layout = Layout.of(spec)
    opened = open_inputs(spec, inputs, id_column=id_column, sheet=sheet)
    counts = [item.count for item in opened]
    total = None if None in counts else sum(count or 0 for count in counts)
    pool = None
    if workers > 1:  # made before the progress bar starts its thread
        text = row_format(output, layout.columns, layout.numeric)
        pool = make_pool(spec, workers, output, spec_path, text)
    try:
        try:
            blocks = pool is not None  # workers parse CSV blocks themselves
            with fewer_collections():
                return _run(spec, layout, opened, output, pool, progress, total, chunk_size, blocks)
        except BlockMismatch:  # a quote inside an unquoted cell misled the block cutting
            with fewer_collections():
                return _run(spec, layout, opened, output, pool, progress, total, chunk_size, False)
    finally:
        if pool is not None:
            pool.close()


def _run(
    spec: Spec,
    layout: Layout,
    opened: Sequence[Input],
    output: str,
    pool: Pool | None,
    progress: TextIO | None,
    total: int | None,
    chunk_size: int,
    blocks: bool,
) -> Summary:
    summary = Summary.empty(spec)
    writer = open_writer(output, layout.columns, layout.numeric)
    bar = _progress_bar(progress, total)
    try:
        chunks = _chunks(opened, chunk_size, blocks)
        for result in run_chunks(spec, chunks, pool):
            if result.text is None:
                writer.write(result.rows)
            else:
                writer.write_encoded(result.text)
            summary.merge(result.summary)
            if bar is not None:
                bar.update(result.count if result.text is not None else len(result.rows))
    except BaseException:
        writer.abort()
        raise
    finally:
        if bar is not None:
            bar.close()
    writer.commit()
    return summary


def _chunks(inputs: Sequence[Input], size: int, blocks: bool = False) -> Iterator[Chunk]:
    """Runs of up to ``size`` records, never spanning two inputs; numbered across all inputs.
    ``blocks``: a CSV input goes as undecoded blocks (``Input.blocks``), numbered by records
    read, blank ones included (the numbers order the records; gaps do not matter)."""
    index = 0
    for item in inputs:
        cut = item.blocks(size) if blocks else None
        if cut is not None:
            for block in cut:
                yield item.converter, index, block
                index += block[3]
            continue
        batch: list[RawRecord] = []
        for record in item.records():
            batch.append(record)
            if len(batch) >= size:
                yield item.converter, index, batch
                index += len(batch)
                batch = []
        if batch:
            yield item.converter, index, batch
            index += len(batch)


def _progress_bar(stream: TextIO | None, total: int | None) -> Any:
    """A tqdm bar on a terminal; nothing when the stream is piped or captured."""
    isatty = getattr(stream, "isatty", None)
    if stream is None or isatty is None or not isatty():
        return None
    # Imported when needed (only interactive runs pay for it), through importlib so that type
    # checking needs no tqdm stubs.
    tqdm: Any = importlib.import_module("tqdm")
    # Without tqdm's monitor thread, which outlives the bar by up to ten seconds: a later batch in
    # the same process would find it running and spawn its workers instead of forking them.
    quiet = type("Bar", (tqdm.tqdm,), {"monitor_interval": 0})
    return quiet(total=total, file=stream, unit=" records", unit_scale=True, mininterval=0.5)
