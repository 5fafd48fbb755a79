"""``--workers``: the forked pool (Linux, no threads) and the spawned one give the one-process
output byte for byte; a worker that fails, dies or is interrupted stops the batch cleanly, with no
output and no process or temporary file left behind."""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from multiprocessing import connection
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import Run
from test_batch import SPEC, generator, write_csv

from scoring import ScoringError
from scoring.batch import forked, forked_worker, parallel
from scoring.batch.run import run_batch

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the forked pool is Linux's")


def _source(tmp_path: Path, count: int = 60) -> Path:
    header = generator.header()
    rows = list(generator.rows(count, seed=11))
    rows[7][header.index("预算资金")] = "abc"  # a record's error travels back like a score
    rows[count // 2][header.index("项目名称")] = '多行\n"名称"'
    return write_csv(tmp_path / "in.csv", rows, header)


def _run(source: Path, out: Path, workers: int, chunk_size: int = 5) -> tuple[bytes, str]:
    summary = run_batch(SPEC, [str(source)], str(out), workers=workers, chunk_size=chunk_size)
    return out.read_bytes(), summary.render_text()


def _left_behind(folder: Path) -> list[str]:
    """Files other than the input and the outputs: temporary files a run should not leave."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(("in.", "out")))


@pytest.mark.parametrize(("workers", "chunk_size"), [(2, 1), (2, 7), (3, 5), (4, 2), (3, 500)])
def test_any_number_of_workers_and_chunk_size_gives_the_one_process_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, chunk_size: int
) -> None:
    exits: list[int | None] = []
    close = forked.ForkedPool.close

    def closing(pool: forked.ForkedPool) -> None:
        processes = [member.process for member in pool.members]
        close(pool)
        exits.extend(process.exitcode for process in processes)

    monkeypatch.setattr(forked.ForkedPool, "close", closing)
    source = _source(tmp_path)
    one = _run(source, tmp_path / "out1.csv", 1, chunk_size)
    assert _run(source, tmp_path / f"out{workers}.csv", workers, chunk_size) == one
    assert exits == [0] * (workers - 1)  # each ended by itself when its work ran out, not killed
    assert multiprocessing.active_children() == []
    assert _left_behind(tmp_path) == []


def test_every_chunk_comes_back_however_the_processes_race(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers as quick as can be: each look at their pipes waits until every chunk handed
    out has come back. The run must still read the source to its end: it once stopped when the
    workers had drained all it had read ahead, a few records short."""
    source = _source(tmp_path)
    one = _run(source, tmp_path / "out1.csv", 1, 2)

    def patient(ends: list[Any], timeout: float | None = None) -> list[Any]:
        return connection.wait(ends, None)

    monkeypatch.setattr(forked, "wait", patient)
    assert _run(source, tmp_path / "out4.csv", 4, 2) == one


def test_json_lines_in_and_xlsx_out_travel_as_rows(tmp_path: Path) -> None:
    """Chunks that are not CSV blocks go to the workers as the records' text, and an XLSX output
    comes back as rows (its cells are typed, so the main process writes them)."""
    source = tmp_path / "in.jsonl"
    header = generator.header()
    lines = [dict(zip(header, row, strict=True)) for row in generator.rows(40, seed=5)]
    source.write_text("\n".join(map(repr, lines)).replace("'", '"') + "\n", encoding="utf-8")
    tables = []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}.xlsx"
        run_batch(SPEC, [str(source)], str(out), workers=workers, chunk_size=3)
        book = openpyxl.load_workbook(out, read_only=True)
        sheet = book.active
        assert sheet is not None
        tables.append([list(row) for row in sheet.iter_rows(values_only=True)])
        book.close()
    assert tables[0] == tables[1]
    assert len(tables[0]) == 41


def test_spawned_workers_when_threads_are_running(tmp_path: Path) -> None:
    """With another thread running, forking is not safe: the workers are spawned and load the
    spec themselves, and the output is the same."""
    source = _source(tmp_path, 20)
    one = _run(source, tmp_path / "out1.csv", 1)
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert isinstance(parallel.make_pool(*_pool_args(tmp_path)), parallel._SpawnedPool)
        assert _run(source, tmp_path / "out2.csv", 2) == one
    finally:
        release.set()
        thread.join()


def _pool_args(tmp_path: Path) -> tuple[Any, int, str]:
    from scoring import load_spec

    return load_spec(SPEC), 2, str(tmp_path / "out.csv")


def _fails_in_worker(monkeypatch: pytest.MonkeyPatch, failure: Any) -> None:
    """Make every chunk a worker scores do ``failure`` (the main process scores its own as
    usual): the workers are forked after this, with it."""

    def work(chunk: Any) -> Any:
        failure()

    monkeypatch.setattr(forked_worker, "work", work)


def _check_stopped_cleanly(tmp_path: Path) -> None:
    assert not (tmp_path / "out.csv").exists()
    assert _left_behind(tmp_path) == []
    assert multiprocessing.active_children() == []


def _refusal(tmp_path: Path, workers: int) -> str:
    """The message of a run that must stop with a ScoringError, having left nothing behind."""
    with pytest.raises(ScoringError) as caught:
        _run(_source(tmp_path), tmp_path / "out.csv", workers)
    _check_stopped_cleanly(tmp_path)
    return str(caught.value)


def test_a_worker_killed_stops_the_batch_with_its_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fails_in_worker(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGKILL))
    assert _refusal(tmp_path, 2) == (
        f"{tmp_path / 'out.csv'}: a worker process was killed by signal 9 (SIGKILL), perhaps for "
        "want of memory; no output was written. Score again, or with fewer --workers "
        "[worker-stopped]"
    )


def test_a_bug_in_a_worker_is_raised_with_the_workers_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug() -> None:
        raise ZeroDivisionError("a bug")

    source = _source(tmp_path)
    _fails_in_worker(monkeypatch, bug)
    with pytest.raises(ZeroDivisionError) as caught:
        _run(source, tmp_path / "out.csv", 3)
    assert str(caught.value) == "a bug"
    if sys.version_info >= (3, 11):  # notes are 3.11's
        (note,) = caught.value.__notes__
        assert note.startswith("in a worker process:\nTraceback")
        assert "in bug" in note
    _check_stopped_cleanly(tmp_path)


def test_a_worker_that_cannot_write_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full() -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    _fails_in_worker(monkeypatch, full)
    assert _refusal(tmp_path, 2) == (
        f"{tmp_path / 'out.csv'}: cannot write: No space left on device [file-unwritable]"
    )


def test_workers_that_cannot_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_more(*args: Any) -> Any:
        raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))

    monkeypatch.setattr(forked, "start_worker", no_more)
    assert _refusal(tmp_path, 3) == (
        f"{tmp_path / 'out.csv'}: cannot start 2 worker processes: Resource temporarily "
        "unavailable; score with fewer --workers [workers-unavailable]"
    )


def test_an_interrupt_stops_the_workers_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C reaches the main process (the workers ignore it): the workers are stopped, the
    partial output is removed, and the interrupt goes on up."""
    calls = []
    scored_here = forked.process_chunk

    def interrupted(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return scored_here(*args)

    monkeypatch.setattr(forked, "process_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _run(_source(tmp_path), tmp_path / "out.csv", 2, chunk_size=2)
    _check_stopped_cleanly(tmp_path)


def test_ctrl_c_on_the_command_is_one_line_and_exit_130(
    jixiao: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(forked, "process_chunk", interrupted)
    out = tmp_path / "out.csv"
    source = _source(tmp_path, 3_000)  # chunks of 500: some are left for this process to score
    run = jixiao("batch", SPEC, str(source), "-o", str(out), "--workers", "2")
    assert (run.code, run.out, run.err) == (130, "", "jixiao: interrupted\n")
    _check_stopped_cleanly(tmp_path)
