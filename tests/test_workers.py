"""``--workers``: any number of workers gives the one-process output byte for byte; a worker that
dies, a spec that changes under the workers, workers that cannot start and Ctrl-C stop the batch
cleanly, with no output and no process or temporary file left behind."""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import Run
from test_batch import SPEC, generator, write_csv

from scoring import ScoringError
from scoring.batch.inputs import Input
from scoring.batch.run import run_batch


def _source(tmp_path: Path, count: int = 60) -> Path:
    header = generator.header()
    rows = list(generator.rows(count, seed=11))
    rows[7][header.index("预算资金")] = "abc"  # a record's error travels back like a score
    rows[count // 2][header.index("项目名称")] = '多行\n"名称"'
    return write_csv(tmp_path / "in.csv", rows, header)


def _run(
    source: Path, out: Path, workers: int, chunk_size: int = 5, spec: str = SPEC
) -> tuple[bytes, str]:
    summary = run_batch(spec, [str(source)], str(out), workers=workers, chunk_size=chunk_size)
    return out.read_bytes(), summary.render_text()


def _left_behind(folder: Path) -> list[str]:
    """Files other than the inputs and the outputs: temporary files a run should not leave."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(("in.", "out", "spec")))


@pytest.mark.parametrize(("workers", "chunk_size"), [(2, 1), (2, 7), (3, 5), (4, 2), (3, 500)])
def test_any_number_of_workers_and_chunk_size_gives_the_one_process_output(
    tmp_path: Path, workers: int, chunk_size: int
) -> None:
    source = _source(tmp_path)
    one = _run(source, tmp_path / "out1.csv", 1, chunk_size)
    assert _run(source, tmp_path / f"out{workers}.csv", workers, chunk_size) == one
    assert multiprocessing.active_children() == []
    assert _left_behind(tmp_path) == []


def test_json_lines_in_and_xlsx_out_travel_as_rows(tmp_path: Path) -> None:
    """JSON Lines records go to the workers as the records' text, and an XLSX output comes back
    as rows (its cells are typed, so the main process writes them)."""
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


def test_workers_from_a_process_running_threads(tmp_path: Path) -> None:
    """A caller with threads of its own (a web server, a progress bar) gets the same output."""
    source = _source(tmp_path, 20)
    one = _run(source, tmp_path / "out1.csv", 1)
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert _run(source, tmp_path / "out2.csv", 2) == one
    finally:
        release.set()
        thread.join()


def test_batch_from_a_thread_that_is_not_the_main_one(tmp_path: Path) -> None:
    """Only the main thread may touch signal handlers: a batch run elsewhere still works."""
    source = _source(tmp_path, 20)
    one = _run(source, tmp_path / "out1.csv", 1)
    found: list[tuple[bytes, str]] = []
    thread = threading.Thread(target=lambda: found.append(_run(source, tmp_path / "out2.csv", 2)))
    thread.start()
    thread.join()
    assert found == [one]


def _during_the_run(
    monkeypatch: pytest.MonkeyPatch, after: int, action: Callable[[], object]
) -> None:
    """Do ``action`` in the main process once ``after`` records have been read: the workers are
    running by then, with chunks handed out."""
    records = Input.records

    def reading(self: Input) -> Iterator[Any]:
        for count, record in enumerate(records(self)):
            if count == after:
                action()
            yield record

    monkeypatch.setattr(Input, "records", reading)


def _check_stopped_cleanly(tmp_path: Path) -> None:
    assert not (tmp_path / "out.csv").exists()
    assert _left_behind(tmp_path) == []
    assert multiprocessing.active_children() == []


def _refusal(tmp_path: Path, workers: int, spec: str = SPEC) -> str:
    """The message of a run that must stop with a ScoringError, having left nothing behind."""
    with pytest.raises(ScoringError) as caught:
        _run(_source(tmp_path), tmp_path / "out.csv", workers, spec=spec)
    _check_stopped_cleanly(tmp_path)
    return str(caught.value)


def test_a_worker_killed_stops_the_batch_with_its_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def kill_one() -> None:
        os.kill(multiprocessing.active_children()[0].pid or 0, signal.SIGKILL)

    _during_the_run(monkeypatch, 30, kill_one)
    assert _refusal(tmp_path, 2) == (
        f"{tmp_path / 'out.csv'}: a worker process was killed by signal 9 (SIGKILL), perhaps for "
        "want of memory; no output was written. Score again, or with fewer --workers "
        "[worker-stopped]"
    )


def test_a_worker_killed_by_another_signal_is_named_by_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stop_one() -> None:
        os.kill(multiprocessing.active_children()[0].pid or 0, signal.SIGUSR1)

    _during_the_run(monkeypatch, 30, stop_one)
    assert _refusal(tmp_path, 3) == (
        f"{tmp_path / 'out.csv'}: a worker process was killed by signal 10 (SIGUSR1); no output "
        "was written. Score again, or with fewer --workers [worker-stopped]"
    )


def test_a_spec_changed_under_the_workers_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spawned workers (another thread runs) load the spec from its file: one that changed since
    this process loaded it would score some records by other rules."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(Path(SPEC).read_text(encoding="utf-8"), encoding="utf-8")
    _during_the_run(
        monkeypatch, 0, lambda: spec.write_text(spec.read_text("utf-8") + "\n# edited\n", "utf-8")
    )
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert _refusal(tmp_path, 2, spec=str(spec)) == (
            f"{spec}: changed while the batch was reading it; score it again [file-changed]"
        )
    finally:
        release.set()
        thread.join()


@pytest.mark.parametrize("threads", [False, True])
def test_workers_that_cannot_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: bool
) -> None:
    """The system refuses the second process (forked, or spawned when threads run): the first is
    stopped, and the run is refused."""
    from multiprocessing import util

    started: list[int] = []

    def one_only(start: Callable[..., int]) -> Callable[..., int]:
        def starting(*args: Any) -> int:
            if started:
                raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))
            started.append(start(*args))
            return started[0]

        return starting

    monkeypatch.setattr(os, "fork", one_only(os.fork))
    monkeypatch.setattr(util, "spawnv_passfds", one_only(util.spawnv_passfds))
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    if threads:
        thread.start()
    try:
        assert _refusal(tmp_path, 3) == (
            f"{tmp_path / 'out.csv'}: cannot start 3 worker processes: Resource temporarily "
            "unavailable; score with fewer --workers [workers-unavailable]"
        )
    finally:
        release.set()
        if threads:
            thread.join()
    assert len(started) == 1


def test_an_interrupt_stops_the_workers_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C reaches the main process (the workers ignore it): the workers are stopped, the
    partial output is removed, and the interrupt goes on up."""

    def interrupt() -> None:
        raise KeyboardInterrupt

    _during_the_run(monkeypatch, 30, interrupt)
    with pytest.raises(KeyboardInterrupt):
        _run(_source(tmp_path), tmp_path / "out.csv", 2, chunk_size=2)
    _check_stopped_cleanly(tmp_path)


def test_workers_ignore_ctrl_c_which_is_the_main_processs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A terminal's Ctrl-C goes to every process of the command: the workers must not die of it
    (they would end with a traceback each), and carry on if the main process does."""

    def ctrl_c_to_the_workers() -> None:
        for process in multiprocessing.active_children():
            os.kill(process.pid or 0, signal.SIGINT)

    source = _source(tmp_path)
    one = _run(source, tmp_path / "out1.csv", 1)
    _during_the_run(monkeypatch, 0, ctrl_c_to_the_workers)  # as they start: before their setup
    assert _run(source, tmp_path / "out2.csv", 2) == one
    monkeypatch.undo()
    _during_the_run(monkeypatch, 40, ctrl_c_to_the_workers)  # once they are scoring
    assert _run(source, tmp_path / "out3.csv", 2) == one


def test_ctrl_c_on_the_command_is_one_line_and_exit_130(
    jixiao: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt() -> None:
        raise KeyboardInterrupt

    _during_the_run(monkeypatch, 1_200, interrupt)
    out = tmp_path / "out.csv"
    source = _source(tmp_path, 3_000)  # chunks of 500: two are out with the workers
    run = jixiao("batch", SPEC, str(source), "-o", str(out), "--workers", "2")
    assert (run.code, run.out, run.err) == (130, "", "jixiao: interrupted\n")
    _check_stopped_cleanly(tmp_path)
