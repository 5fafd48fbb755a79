"""Running chunks of records in this process or over ``--workers`` processes, in input order.

Each worker loads the spec once, from its path, and checks it is the file the main process loaded
(same sha256). Chunks are submitted as the input is read, with at most a few per worker in flight,
and their results taken back in submission order: output order is input order, and memory stays
bounded however fast the input is read. Workers are started with ``spawn``, which works the same
on Linux, macOS and Windows and never forks a process that holds threads.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from ..compiled import Spec
from ..loader import load_spec
from .core import ChunkResult, process_chunk
from .records import Converter, RawRecord

__all__ = ["Chunk", "run_chunks"]

Chunk = tuple[Converter, int, list[RawRecord]]  # (converter, index of the first record, records)
IN_FLIGHT_PER_WORKER = 4

_worker_spec: Spec | None = None


def _init_worker(spec_path: str, sha256: str) -> None:
    global _worker_spec
    spec = load_spec(spec_path)
    if spec.sha256 != sha256:
        raise RuntimeError(f"{spec_path} changed while the batch was running")
    _worker_spec = spec


def _work(chunk: Chunk) -> ChunkResult:
    assert _worker_spec is not None, "worker not initialised"
    converter, start, records = chunk
    return process_chunk(_worker_spec, converter, start, records)


def run_chunks(
    spec: Spec, chunks: Iterable[Chunk], workers: int = 1, spec_path: str | None = None
) -> Iterator[ChunkResult]:
    """Each chunk's result, in the order the chunks come. Workers load ``spec_path``
    (default: the file ``spec`` was loaded from)."""
    if workers <= 1:
        for converter, start, records in chunks:
            yield process_chunk(spec, converter, start, records)
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(spec_path or spec.file, spec.sha256),
    )
    pending: deque[Future[ChunkResult]] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(_work, chunk))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
