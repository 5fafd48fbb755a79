"""Running chunks of records in this process or over ``--workers`` processes, in input order.

Chunks are handed out as the input is read, with at most a few per worker ahead, and their
results taken back in input order: output order is input order, and memory stays bounded
however fast the input is read.

On Linux, when this process runs no other thread (the pool is made before the progress bar
starts its own), ``--workers N`` is this process and N−1 forked workers, scoring side by side
(``forked``): a forked worker starts in milliseconds with the spec already loaded. Elsewhere, or
with threads about, N workers are spawned and this process only hands out and writes: safe on
every platform, but each worker then imports jixiao and loads the spec itself (checking it is the
file this process loaded, by sha256), a few tenths of a second each.

What travels, and what a worker does with it, is the same either way, and is here.
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from ..compiled import Spec
from ..loader import load_spec
from .collection import for_a_worker
from .core import ChunkResult, process_chunk
from .csv_blocks import CsvBlock, parse_block
from .outputs import TEXT_ENCODING, RowFormat
from .records import Converter, RawRecord
from .summary import Summary

if TYPE_CHECKING:  # loaded by make_pool: a one-process batch does without multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = ["AHEAD", "Chunk", "Pool", "make_pool", "run_chunks"]

Chunk = tuple[Converter, int, "Records"]  # (converter, index of the first record, records)
AHEAD = 4  # chunks handed to a worker before its results come back: it never waits for work

_worker_spec: Spec | None = None
_worker_format: RowFormat | None = None


def adopt_spec(spec: Spec, row_format: RowFormat | None) -> None:
    """A worker's start: ``spec`` to score with (a forked worker's came with its memory)."""
    global _worker_spec, _worker_format
    _worker_spec, _worker_format = spec, row_format
    for_a_worker()


def _load_spec(spec_path: str, sha256: str, row_format: RowFormat | None) -> None:
    """A spawned worker's initialiser: load the spec and check it is the one the batch loaded."""
    spec = load_spec(spec_path)
    if spec.sha256 != sha256:
        raise RuntimeError(f"{spec_path} changed while the batch was running")
    adopt_spec(spec, row_format)


def work(chunk: Chunk) -> Returned:
    assert _worker_spec is not None, "worker not initialised"
    converter, start, records = chunk
    result = process_chunk(_worker_spec, converter, start, unpack_records(records))
    if _worker_format is not None:  # the output's own bytes: the main process only writes them
        text = _worker_format.format(result.rows).encode(TEXT_ENCODING)
        return ChunkResult([], result.summary, text, len(result.rows))
    rows = _pack_rows(result.rows)
    return result if rows is None else (rows, result.summary)


# ---- what travels between the processes ---------------------------------------------------------
# A CSV goes to the workers as undecoded blocks (inputs.Input.blocks), which they parse. Other rows
# of text travel as one string each way, cells joined by the ASCII unit separator and rows by the
# record separator: pickling one string costs a fraction of pickling a list per row, which kept
# the main process as busy as a worker. A chunk with either character in a cell (or any cell that
# is not text: spreadsheet numbers) travels as it is.
_CELL, _ROW = "\x1f", "\x1e"
PackedRows = tuple[tuple[int, ...], str]  # (record numbers, rows joined)
Records = list[RawRecord] | PackedRows | CsvBlock
Returned = ChunkResult | tuple[str, Summary]


def _pack_rows(rows: list[list[Any]]) -> str | None:
    if not rows or not all(row.__class__ is list and row for row in rows):
        return None
    try:
        text = _ROW.join([_CELL.join(row) for row in rows])
    except TypeError:  # a cell that is not text
        return None
    cells = sum(len(row) for row in rows)
    if text.count(_CELL) != cells - len(rows) or text.count(_ROW) != len(rows) - 1:
        return None  # a separator inside a cell
    return text


def _unpack_rows(text: str) -> list[list[str]]:
    return [row.split(_CELL) for row in text.split(_ROW)]


def pack_chunk(chunk: Chunk) -> Chunk:
    converter, start, records = chunk
    if not isinstance(records, list):
        return chunk  # a CSV block: bytes already
    text = _pack_rows([payload for _, payload in records])
    if text is None:
        return chunk
    return converter, start, (tuple(number for number, _ in records), text)


def unpack_records(records: Records) -> list[RawRecord]:
    if isinstance(records, list):
        return records
    if len(records) == 2:
        numbers, text = records
        return list(zip(numbers, _unpack_rows(text), strict=True))
    return parse_block(records)


def unpack_result(result: Returned) -> ChunkResult:
    if isinstance(result, tuple):
        rows, summary = result
        return ChunkResult(_unpack_rows(rows), summary)
    return result


class Pool(Protocol):
    def run(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]: ...
    def close(self) -> None: ...


def make_pool(
    spec: Spec,
    workers: int,
    output: str,
    spec_path: str | None = None,
    row_format: RowFormat | None = None,
) -> Pool:
    """``workers`` processes to score with; make it before starting any thread. ``output``'s
    folder holds the workers' temporary files. Spawned workers load ``spec_path`` (default: the
    file ``spec`` was loaded from). With a ``row_format``, workers return their rows as the
    output's text."""
    if sys.platform == "linux" and threading.active_count() == 1:
        from .forked import ForkedPool

        return ForkedPool.start(spec, workers, output, row_format)
    return _SpawnedPool.start(spec, workers, spec_path or spec.file, row_format)


class _SpawnedPool:
    """``workers`` spawned processes, fed by a ``concurrent.futures`` pool; this process only
    hands out chunks and writes their results."""

    def __init__(self, executor: ProcessPoolExecutor, workers: int) -> None:
        self.executor = executor
        self.workers = workers

    @classmethod
    def start(
        cls, spec: Spec, workers: int, spec_path: str, row_format: RowFormat | None
    ) -> _SpawnedPool:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load_spec,
            initargs=(spec_path, spec.sha256, row_format),
        )
        return cls(executor, workers)

    def run(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        pending: deque[Future[Returned]] = deque()
        for chunk in chunks:
            pending.append(self.executor.submit(work, pack_chunk(chunk)))
            if len(pending) >= self.workers * AHEAD:
                yield unpack_result(pending.popleft().result())
        while pending:
            yield unpack_result(pending.popleft().result())

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def run_chunks(
    spec: Spec, chunks: Iterable[Chunk], pool: Pool | None = None
) -> Iterator[ChunkResult]:
    """Each chunk's result, in the order the chunks come: here, or over ``pool``."""
    if pool is not None:
        yield from pool.run(chunks)
        return
    for converter, start, records in chunks:
        yield process_chunk(spec, converter, start, unpack_records(records))
