"""A forked worker of ``forked.ForkedPool``: how it is started, and its life until its pipe closes.

It scores each chunk handed to it, puts the result (pickled: the output's encoded text or rows, and
the summary) at the end of its staging file, and reports where; a chunk that raises is reported
with its exception instead (with the worker's traceback attached), and the worker goes on. It
ignores Ctrl-C, which is the main process's to handle.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

from ..compiled import Spec
from ..errors import ScoringError
from .csv_blocks import BlockMismatch
from .outputs import RowFormat
from .parallel import adopt_spec, work

__all__ = ["start_worker"]

# Bytes: room for the chunks of records' text a worker is handed ahead (parallel.AHEAD, of a few
# tens of kilobytes each); Linux's largest without privileges.
_PIPE_SIZE = 1 << 20


def start_worker(
    context: Any,
    spec: Spec,
    row_format: RowFormat | None,
    staging: int,
    held: list[Connection],
) -> tuple[Any, Connection, Connection]:
    """Start a worker writing its results to the file ``staging``, which closes the pipe ends
    ``held`` it inherits: the process and this side's ends of its pipes (tasks out, reports in)."""
    tasks_out, tasks_in = context.Pipe(duplex=False)
    results_in, results_out = context.Pipe(duplex=False)
    try:
        _enlarge(tasks_in)
        process = context.Process(
            target=_serve,
            args=(spec, row_format, tasks_out, results_out, staging, [*held, tasks_in, results_in]),
            daemon=True,
        )
        process.start()
    except BaseException:
        for end in (tasks_in, results_in):
            end.close()
        raise
    finally:
        tasks_out.close()
        results_out.close()
    return process, tasks_in, results_in


def _enlarge(end: Connection) -> None:
    """Room in the pipe for the chunks handed ahead; where that cannot be had, a chunk of text
    waits in this process until the worker reads the one before it."""
    import fcntl

    setting = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux, Python 3.10 and later
    if setting is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(end.fileno(), setting, _PIPE_SIZE)


def _serve(
    spec: Spec,
    row_format: RowFormat | None,
    tasks: Connection,
    results: Connection,
    staging: int,
    inherited: list[Connection],
) -> None:
    """A worker's life: score each chunk handed to it until its pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is the main process's to handle
    for end in inherited:
        end.close()
    adopt_spec(spec, row_format)
    with os.fdopen(staging, "wb", closefd=False) as out:
        while True:
            try:
                index, chunk = tasks.recv()
            except EOFError:
                return
            try:
                data = pickle.dumps(work(chunk), protocol=pickle.HIGHEST_PROTOCOL)
                offset = out.tell()
                out.write(data)
                out.flush()  # in the file before the main process is told where
            except BaseException as exc:  # noqa: BLE001 (the main process raises it)
                results.send((index, 0, 0, _portable(exc)))
                continue
            results.send((index, offset, len(data), None))


def _portable(exc: BaseException) -> BaseException:
    """``exc`` as it can travel to the main process: with the worker's traceback as a note."""
    if not isinstance(exc, (ScoringError, BlockMismatch)):
        text = "".join(traceback.format_exception(exc))
        if sys.version_info >= (3, 11):
            exc.add_note(f"in a worker process:\n{text}")
    try:
        pickle.dumps(exc)
    except Exception:  # noqa: BLE001 (any failure to pickle: send its text instead)
        return RuntimeError(f"a worker failed: {''.join(traceback.format_exception(exc))}")
    return exc
