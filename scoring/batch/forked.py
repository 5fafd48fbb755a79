"""``--workers N`` on Linux: this process and N−1 forked workers score chunks side by side.

There are no threads. This process hands each worker a few chunks ahead over a pipe, scores a
chunk itself between looks at the workers' pipes, and gives every chunk's result back in input
order. (A thread pool, as ``concurrent.futures`` has, needs the interpreter lock for every result
it takes back; a main process busy scoring holds its threads off, and measured slower than one
that only waited.)

Messages stay small both ways, so that neither side can wait on the other with a full pipe: a
worker puts each chunk's result (its output bytes and summary) in its own unlinked temporary
file, beside the output, and sends only where it is. A CSV chunk going out is a few numbers (a
block of the file, which the worker reads); other chunks are the records' text, in a pipe made
large enough for the chunks a worker is handed ahead. A worker that dies shows up as the end of
its pipe. What a worker does is in ``forked_worker``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import IO, Any

from ..compiled import Spec
from ..errors import Problem, ScoringError
from .core import ChunkResult, process_chunk
from .csv_blocks import BlockMismatch
from .forked_worker import start_worker
from .outputs import RowFormat, unwritable
from .parallel import AHEAD, Chunk, pack_chunk, unpack_records, unpack_result

__all__ = ["ForkedPool"]

# Chunks scored here and held until a worker's earlier chunk comes back, at most: enough for a
# worker's slow first chunks (a forked process copies the pages it writes to at first).
HELD_HERE = 16


@dataclass
class _Worker:
    process: Any  # multiprocessing's forked Process
    tasks: Connection
    results: Connection
    staging: IO[bytes]
    handed: int = 0  # chunks handed out and not yet reported back


@dataclass
class _Staged:
    """Where a worker put a chunk's result, or the exception the chunk raised."""

    worker: _Worker
    offset: int = 0
    length: int = 0
    failure: BaseException | None = None


@dataclass
class ForkedPool:
    """``workers``−1 forked processes holding ``spec``; make it before starting any thread."""

    spec: Spec
    output: str  # its folder holds the workers' temporary files
    members: list[_Worker] = field(default_factory=list)
    broken: bool = False

    @classmethod
    def start(
        cls, spec: Spec, workers: int, output: str, row_format: RowFormat | None
    ) -> ForkedPool:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        pool = cls(spec, output)
        folder = os.path.dirname(os.path.abspath(output))
        try:
            for _ in range(workers - 1):
                try:
                    staging = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (close() closes it)
                except OSError as exc:
                    raise unwritable(output, exc) from None
                # The pipe ends this process holds, which a new worker inherits and must close
                # (a worker sees the end of its work when every copy of its tasks' end is closed).
                held = [end for member in pool.members for end in (member.tasks, member.results)]
                try:
                    started = start_worker(context, spec, row_format, staging.fileno(), held)
                except BaseException:
                    staging.close()
                    raise
                pool.members.append(_Worker(*started, staging))
        except BaseException as exc:
            pool.broken = True
            pool.close()
            if isinstance(exc, OSError):  # no more processes or pipes for this user
                message = (
                    f"cannot start {workers - 1} worker processes: {exc.strerror}; "
                    "score with fewer --workers"
                )
                raise ScoringError(Problem(message, "workers-unavailable", file=output)) from None
            raise
        return pool

    def run(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Each chunk's result, in the order the chunks come."""
        if self.broken:
            raise RuntimeError("the worker pool was stopped by an earlier failure")
        source = iter(chunks)
        ahead: deque[Chunk] = deque()  # read from the source, not handed out yet
        ended = False
        handed = taken = 0  # chunks handed out (here or to a worker), and given back in order
        done: dict[int, ChunkResult | _Staged] = {}
        window = AHEAD * len(self.members) + HELD_HERE
        try:
            while True:
                ended = ended or self._read_ahead(source, ahead)
                # Once the end is in sight, a worker is handed a chunk only when it has none: the
                # rest are scored here while the workers finish theirs, so that all end together.
                most = 1 if ended else AHEAD
                for member in self.members:
                    while ahead and member.handed < most:
                        self._hand(member, handed, ahead.popleft())
                        handed += 1
                        ended = ended or self._read_ahead(source, ahead)
                self._collect(done, wait_for_one=False)
                while taken in done:
                    yield self._result(done.pop(taken))
                    taken += 1
                if ahead and handed - taken < window:
                    converter, start, records = ahead.popleft()
                    done[handed] = process_chunk(
                        self.spec, converter, start, unpack_records(records)
                    )
                    handed += 1
                elif handed > taken:  # the next result is a worker's (this process's are in done)
                    self._collect(done, wait_for_one=True)
                elif ended and not ahead:
                    return
        except BlockMismatch:
            self._settle()  # the batch goes on the exact way, with these workers
            raise
        except BaseException:
            self.broken = True
            raise

    @staticmethod
    def _read_ahead(source: Iterator[Chunk], ahead: deque[Chunk]) -> bool:
        """Keep AHEAD + 1 chunks read ahead of the hand-out; True once the source has ended."""
        while len(ahead) <= AHEAD:
            chunk = next(source, None)
            if chunk is None:
                return True
            ahead.append(chunk)
        return False

    def _collect(self, done: dict[int, ChunkResult | _Staged], *, wait_for_one: bool) -> None:
        """Take in every report the workers have sent; with ``wait_for_one``, wait for one."""
        busy = {member.results: member for member in self.members if member.handed}
        timeout = None if wait_for_one else 0
        while busy:
            ready = wait(list(busy), timeout)
            if not ready:
                return
            for end in ready:
                member = busy[end]  # type: ignore[index]
                index, staged = self._receive(member)
                done[index] = staged
                if not member.handed:
                    del busy[end]  # type: ignore[arg-type]
            timeout = 0

    def _hand(self, member: _Worker, index: int, chunk: Chunk) -> None:
        try:
            member.tasks.send((index, pack_chunk(chunk)))
        except OSError:  # its end of the pipe is closed: it has died
            self.broken = True
            raise self._stopped(member) from None
        member.handed += 1

    def _receive(self, member: _Worker) -> tuple[int, _Staged]:
        try:
            index, offset, length, failure = member.results.recv()
        except (EOFError, OSError):
            self.broken = True
            raise self._stopped(member) from None
        member.handed -= 1
        return index, _Staged(member, offset, length, failure)

    def _result(self, item: ChunkResult | _Staged) -> ChunkResult:
        if isinstance(item, ChunkResult):
            return item
        if isinstance(item.failure, OSError):  # its temporary file (its input's are ScoringError)
            raise unwritable(self.output, item.failure)
        if item.failure is not None:
            raise item.failure
        data = os.pread(item.worker.staging.fileno(), item.length, item.offset)
        returned = pickle.loads(data)  # written by our own worker, a moment ago
        return unpack_result(returned)

    def _settle(self) -> None:
        """Wait for every chunk handed out and drop its result: the pool is idle again."""
        for member in self.members:
            while member.handed:
                self._receive(member)

    def _stopped(self, member: _Worker) -> ScoringError:
        member.process.join(timeout=5)
        code = member.process.exitcode
        if code is not None and code < 0:
            how = f"was killed by signal {-code} ({signal.Signals(-code).name})"
            if -code == signal.SIGKILL:
                how += ", perhaps for want of memory"
        else:
            how = f"stopped with exit code {code}"
        message = (
            f"a worker process {how}; no output was written. Score again, or with fewer --workers"
        )
        return ScoringError(Problem(message, "worker-stopped", file=self.output))

    def close(self) -> None:
        """Stop the workers: at once if a run failed, else once they see their pipe close."""
        for member in self.members:
            with contextlib.suppress(OSError):
                member.tasks.close()
            if self.broken and member.process.is_alive():
                member.process.terminate()
        for member in self.members:
            member.process.join(timeout=5)
            if member.process.is_alive():
                member.process.kill()
                member.process.join()
            member.results.close()
            member.staging.close()
        self.members = []
