"""Running chunks of records in this process or over ``--workers`` processes, in input order.

``--workers N`` is a ``concurrent.futures`` pool of N processes. This process reads the input,
hands out chunks as it reads them (at most ``AHEAD`` per worker ahead, so memory stays bounded
however fast the input is read) and takes their results back in input order: output order is
input order.

On Linux, when this process runs no other thread, the workers are forked (the pool is made before
the progress bar starts its own): they start in milliseconds, with the spec loaded. Elsewhere, or
with threads about (forking then is unsafe), they are spawned: each imports jixiao and loads the
spec from its path when its first chunk comes (a few tenths of a second), checking by sha256 that it
is the file this process loaded. Either way the pool, the work and the output are the same. A
worker ignores Ctrl-C, which is this process's to handle: it stops the workers and the partial
output is removed.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.context import ForkContext, ForkProcess, SpawnContext, SpawnProcess
from typing import TYPE_CHECKING, Any

from ..errors import Problem, ScoringError
from ..i18n import language, set_language, tr
from ..spec.compiled import Spec
from ..spec.loader import load_spec
from .core import ChunkResult, process_chunk
from .outputs import TEXT_ENCODING, RowFormat
from .records import Converter, RawRecord

if TYPE_CHECKING:  # loaded by make_pool: a one-process batch does without it
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = ["AHEAD", "Chunk", "Pool", "make_pool", "run_chunks"]

Chunk = tuple[Converter, int, list[RawRecord]]  # (converter, index of the first record, records)
AHEAD = 4  # chunks handed to a worker before its results come back: it never waits for work


# ---- a worker -----------------------------------------------------------------------------------
_spec_file: tuple[str, str] | None = None  # the spec's path and sha256, given at the start
_format: RowFormat | None = None
_spec: Spec | None = None  # a forked worker's came with it; a spawned one loads it when needed


def _start_worker(spec: Spec | str, sha256: str, row_format: RowFormat | None, lang: str) -> None:
    """A worker's start (the pool's initializer): ``spec`` loaded, or its path; messages in the
    language of the main process (``--lang`` is not in a spawned worker's environment)."""
    global _spec_file, _format, _spec
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is the main process's to handle
    set_language(lang)
    _format = row_format
    if isinstance(spec, Spec):
        _spec = spec
    else:
        _spec_file = spec, sha256


def _worker_spec() -> Spec:
    global _spec
    if _spec is None:
        assert _spec_file is not None, "worker not initialised"
        path, sha256 = _spec_file
        spec = load_spec(path)
        if spec.sha256 != sha256:
            message = tr("file-changed", "changed while the batch was reading it; score it again")
            raise ScoringError(Problem(message, "file-changed", file=path))
        _spec = spec
    return _spec


def work(chunk: Chunk) -> ChunkResult:
    """Score one chunk in a worker. A bug outside any record (a record's own is its row's
    ``internal-error``) goes back to the main process with this worker's traceback as a note."""
    try:
        converter, start, records = chunk
        result = process_chunk(_worker_spec(), converter, start, records)
        if _format is not None:  # the output's own bytes: the main process only writes them
            text = _format.format(result.rows).encode(TEXT_ENCODING)
            return ChunkResult([], result.summary, text, len(result.rows))
        return result
    except ScoringError:
        raise
    except Exception as exc:
        if sys.version_info >= (3, 11):  # notes are 3.11's
            exc.add_note(f"in a worker process:\n{''.join(traceback.format_exception(exc))}")
        raise


# ---- the pool ------------------------------------------------------------------------------------
class _Recording:
    """A start method's context that remembers the processes it starts: a worker that dies is
    named by its exit code, and a pool that could not start them all stops the ones it did."""

    process_class: Any

    def __init__(self) -> None:
        super().__init__()
        self.started: list[Any] = []

    def Process(self, *args: Any, **kwargs: Any) -> Any:
        process = self.process_class(*args, **kwargs)
        self.started.append(process)
        return process


class _Forking(_Recording, ForkContext):  # type: ignore[misc]
    process_class = ForkProcess


class _Spawning(_Recording, SpawnContext):  # type: ignore[misc]
    process_class = SpawnProcess


_Context = _Forking | _Spawning


class Pool:
    """``workers`` spawned processes; this process hands out chunks and writes their results."""

    def __init__(self, executor: ProcessPoolExecutor, context: _Context, output: str) -> None:
        self.executor = executor
        self.context = context
        self.workers = len(context.started)
        self.output = output
        self.failed = False

    def run(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Each chunk's result, in the order the chunks come."""
        from concurrent.futures.process import BrokenProcessPool

        pending: deque[Future[ChunkResult]] = deque()
        try:
            for chunk in chunks:
                pending.append(self.executor.submit(work, chunk))
                if len(pending) >= self.workers * AHEAD:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool:
            self.failed = True
            raise self._stopped() from None
        except ScoringError as exc:  # from a worker: its problems came back, its text did not
            self.failed = True
            exc.args = ("\n".join(str(problem) for problem in exc.problems),)
            raise
        except BaseException:
            self.failed = True
            raise

    def _stopped(self) -> ScoringError:
        """A worker died: which way, as its exit code tells (the pool ends the others with
        SIGTERM once it sees one gone)."""
        self.close()
        codes = [process.exitcode for process in self.context.started]
        code = next((c for c in codes if c not in (None, 0, -signal.SIGTERM)), None)
        if code is None:
            code = next((c for c in codes if c), None)
        if code is not None and code < 0:
            fields = {"signal": -code, "name": signal.Signals(-code).name}
            if -code == signal.SIGKILL:
                message = tr(
                    "worker-stopped",
                    "a worker process was killed by signal {signal} ({name}), perhaps for want of "
                    "memory; no output was written. Score again, or with fewer --workers",
                    **fields,
                )
            else:
                message = tr(
                    "worker-stopped",
                    "a worker process was killed by signal {signal} ({name}); no output was "
                    "written. Score again, or with fewer --workers",
                    **fields,
                )
        else:
            message = tr(
                "worker-stopped",
                "a worker process stopped with exit code {code}; no output was written. Score "
                "again, or with fewer --workers",
                code=code,
            )
        return ScoringError(Problem(message, "worker-stopped", file=self.output))

    def close(self) -> None:
        """Stop the workers: at once if the run failed, else once their work is done."""
        if self.failed:
            for process in self.context.started:
                if process.is_alive():
                    process.terminate()
        self.executor.shutdown(wait=True, cancel_futures=True)
        for process in self.context.started:
            process.join()


def make_pool(
    spec: Spec,
    workers: int,
    output: str,
    spec_path: str | None = None,
    row_format: RowFormat | None = None,
) -> Pool:
    """``workers`` processes scoring with the spec at ``spec_path`` (default: the file ``spec``
    was loaded from), which must still be the spec loaded. With a ``row_format``, workers return
    their rows as the output's text (``output`` names the run in its errors)."""
    from concurrent.futures import ProcessPoolExecutor

    fork = sys.platform == "linux" and threading.active_count() == 1
    context: _Context = _Forking() if fork else _Spawning()
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(spec if fork else spec_path or spec.file, spec.sha256, row_format, language()),
    )
    try:
        with _interrupts_held():
            # Start every worker now, before any thread of this process (the pool's own, a
            # progress bar): a task each (spawned workers are started one per task while none
            # is idle; forked ones all at the first).
            for _ in range(workers):
                executor.submit(os.getpid)
    except OSError as exc:  # no more processes or pipes for this user
        for process in context.started:
            if process.is_alive():
                process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)
        for process in context.started:
            if process.pid is not None:  # started
                process.join()
        message = tr(
            "workers-unavailable",
            "cannot start {workers} worker processes: {reason}; score with fewer --workers",
            workers=workers,
            reason=exc.strerror or os.strerror(exc.errno or errno.EAGAIN),
        )
        raise ScoringError(Problem(message, "workers-unavailable", file=output)) from None
    return Pool(executor, context, output)


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C ignored while workers are started, on the main thread: a process started then
    inherits it, and so ignores an interrupt from its first instant (before its initializer
    runs, an interrupt would end it with a traceback). The handler is put back at once."""
    saved: Any = None
    if threading.current_thread() is threading.main_thread():
        # None: a handler not set from Python, which Python cannot put back: left alone
        saved = signal.getsignal(signal.SIGINT)
        if saved is not None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        if saved is not None:
            signal.signal(signal.SIGINT, saved)


def run_chunks(
    spec: Spec, chunks: Iterable[Chunk], pool: Pool | None = None
) -> Iterator[ChunkResult]:
    """Each chunk's result, in the order the chunks come: here, or over ``pool``."""
    if pool is not None:
        yield from pool.run(chunks)
        return
    for converter, start, records in chunks:
        yield process_chunk(spec, converter, start, records)
