"""Outputs never destroy inputs or work, every write is atomic, a full disk or stdout is one line.

Issue 14 items 3 and 5. Each refusal is asserted whole (file: message [code]); each failed write
is checked for the three promises: the old file is as it was, no temporary file is left, and
there is one message. The full-disk tests mount a 256 KB tmpfs (we run as root here and in CI) and
fill it; they are skipped, with the reason, where mounting is not permitted.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, Run

from scoring import ScoringError
from scoring.batch.run import run_batch
from scoring.cli import main
from scoring.writing.files import write_file

Jixiao = Callable[..., Run]
SHARED = ROOT / "tests" / "bad_inputs" / "_shared"
TABLE = ROOT / "tests" / "golden" / "hengnan_xinfang_2021.csv"
FULL = "cannot write: No space left on device [file-unwritable]"


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    spec, facts = folder / "spec.yaml", folder / "facts.yaml"
    spec.write_bytes((SHARED / "spec.yaml").read_bytes())
    facts.write_bytes((SHARED / "facts.yaml").read_bytes())
    return spec, facts


def _refusal(run: Run) -> str:
    assert run.code == 1, run.err
    assert run.out == ""
    return run.err


def _over_an_input(output: object, option: str, role: str, given: Path) -> str:
    """The whole refusal of an output (``option``, spelt ``output``) that is the input ``given``
    (its ``role``: SPEC, FACTS or INPUT), as printed, newline included."""
    return (
        f"{output}: {option} is the same file as the input {role} {given}; jixiao never writes "
        "over an input: name another output file [output-is-input]\n"
    )


# ---- outputs that would destroy an input -----------------------------------------------------


def test_score_output_naming_the_spec(jixiao: Jixiao, inputs: tuple[Path, Path]) -> None:
    spec, facts = inputs
    before = spec.read_bytes()
    err = _refusal(jixiao("score", str(spec), str(facts), "-o", str(spec)))
    assert err == _over_an_input(spec, "-o", "SPEC", spec)
    assert spec.read_bytes() == before


def test_output_through_a_symlink_to_the_spec(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, facts = inputs
    link = tmp_path / "link.yaml"
    link.symlink_to(spec)
    err = _refusal(jixiao("score", str(spec), str(facts), "-o", str(link), "--force"))
    assert err == _over_an_input(link, "-o", "SPEC", spec)


def test_output_is_a_hard_link_to_the_facts(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, facts = inputs
    hard = tmp_path / "report.md"
    os.link(facts, hard)
    err = _refusal(jixiao("score", str(spec), str(facts), "-f", "markdown", "-o", str(hard)))
    assert err == _over_an_input(hard, "-o", "FACTS", facts)
    assert facts.read_bytes() == (SHARED / "facts.yaml").read_bytes()


def test_summary_equal_to_output_by_another_spelling(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, facts = inputs
    (tmp_path / "a").mkdir()
    out = tmp_path / "out.csv"
    other = f"{tmp_path}/a/../out.csv"
    err = _refusal(jixiao("batch", str(spec), str(facts), "-o", str(out), "--summary", other))
    assert err == (
        f"{other}: --summary is the same file as -o {out}; name two different files "
        "[output-is-input]\n"
    )
    assert not out.exists()


def test_summary_naming_an_input(jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path) -> None:
    spec, facts = inputs
    out = tmp_path / "out.csv"
    err = _refusal(jixiao("batch", str(spec), str(facts), "-o", str(out), "--summary", str(facts)))
    assert err == _over_an_input(facts, "--summary", "INPUT", facts)


def test_batch_output_naming_an_input_csv_by_another_spelling(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, _ = inputs
    table = tmp_path / "records.csv"
    table.write_text("id,预算资金,实际支出,满意度\np,110,100,0.9\n", encoding="utf-8")
    before = table.read_bytes()
    other = f"{tmp_path}/in/../records.csv"
    err = _refusal(jixiao("batch", str(spec), str(table), "-o", other))
    assert err == _over_an_input(other, "-o", "INPUT", table)
    assert table.read_bytes() == before


def test_library_batch_refuses_a_symlink_to_its_input(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, facts = inputs
    link = tmp_path / "out.jsonl"
    link.symlink_to(facts)
    with pytest.raises(ScoringError) as caught:
        run_batch(str(spec), [str(facts)], str(link))
    assert str(caught.value) + "\n" == _over_an_input(link, "-o", "INPUT", facts)


def test_init_over_its_spec_even_with_force(jixiao: Jixiao, inputs: tuple[Path, Path]) -> None:
    spec, _ = inputs
    err = _refusal(jixiao("init", str(spec), "-o", str(spec), "--force"))
    assert err == _over_an_input(spec, "-o", "SPEC", spec)


# ---- outputs that would replace someone's work -------------------------------------------------


def _replaced_only_by_force(jixiao: Jixiao, argv: tuple[str, ...], out: Path) -> None:
    """``jixiao *argv -o out`` over a file jixiao did not write: refused (the whole message) and
    the file left as it was, twice; replaced with --force; and after that replaced without it,
    since the file is now jixiao's own."""
    before = out.read_bytes()
    command = (*argv, "-o", str(out))
    for _ in range(2):
        err = _refusal(jixiao(*command))
        assert err == (
            f"{out}: exists and was not written by jixiao; use --force to replace it "
            "[output-exists]\n"
        )
        assert out.read_bytes() == before
    assert jixiao(*command, "--force").code == 0
    assert jixiao(*command).code == 0


def test_import_into_a_folder_with_a_spec(jixiao: Jixiao, tmp_path: Path) -> None:
    out = tmp_path / "导入"
    out.mkdir()
    (out / "spec.yaml").write_text("# 我改过的\n", encoding="utf-8")
    err = _refusal(jixiao("import", str(TABLE), "-o", str(out)))
    assert err == f"{out / 'spec.yaml'}: exists; use --force to replace it [output-exists]\n"
    assert (out / "spec.yaml").read_text(encoding="utf-8") == "# 我改过的\n"
    run = jixiao("import", str(TABLE), "-o", str(out), "--force")
    assert run.code == 0, run.err
    assert (out / "spec.yaml").read_text(encoding="utf-8").startswith("# 由 jixiao import")
    assert sorted(p.name for p in out.iterdir()) == ["facts.yaml", "spec.yaml", "stated.yaml"]


def test_import_into_a_file(jixiao: Jixiao, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("x", encoding="utf-8")
    err = _refusal(jixiao("import", str(TABLE), "-o", str(target)))
    assert err == (
        f"{target}: cannot write: not a folder; name a folder to import into [file-unwritable]\n"
    )
    assert target.read_text(encoding="utf-8") == "x"


def test_output_that_is_a_folder(jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path) -> None:
    spec, facts = inputs
    err = _refusal(jixiao("score", str(spec), str(facts), "-o", str(tmp_path)))
    assert err == f"{tmp_path}: cannot write: it is a folder; name a file [file-unwritable]\n"


def test_a_workbook_jixiao_did_not_write(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, facts = inputs
    filed = tmp_path / "填报.xlsx"
    book = openpyxl.Workbook()
    book.properties.creator = "张三"
    book.save(filed)
    _replaced_only_by_force(jixiao, ("score", str(spec), str(facts), "-f", "xlsx"), filed)


def test_a_report_jixiao_did_not_write(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, facts = inputs
    report = tmp_path / "自评报告.docx"
    report.write_bytes(b"PK\x03\x04 not a document of ours")
    _replaced_only_by_force(jixiao, ("report", str(spec), str(facts)), report)


def test_a_yaml_file_that_is_not_an_input(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, facts = inputs
    other = tmp_path / "other_spec.yaml"
    other.write_text("id: mine\n", encoding="utf-8")
    err = _refusal(jixiao("score", str(spec), str(facts), "-f", "json", "-o", str(other)))
    assert err == f"{other}: exists; use --force to replace it [output-exists]\n"


def test_batch_over_a_foreign_workbook(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, facts = inputs
    out = tmp_path / "results.xlsx"
    openpyxl.Workbook().save(out)  # creator "openpyxl", not jixiao
    _replaced_only_by_force(jixiao, ("batch", str(spec), str(facts)), out)


def test_previous_text_outputs_are_replaced_keeping_their_permissions(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, facts = inputs
    out = tmp_path / "自评表.csv"
    old_umask = os.umask(0o022)
    try:
        assert jixiao("score", str(spec), str(facts), "-f", "csv", "-o", str(out)).code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not the temporary file's 0600
        out.chmod(0o640)
        assert jixiao("score", str(spec), str(facts), "-f", "csv", "-o", str(out)).code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old_umask)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "自评表.csv"]


def test_an_output_that_is_a_symlink_is_written_where_it_points(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, facts = inputs
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "results.json").write_text("{}", encoding="utf-8")
    link = tmp_path / "results.json"
    link.symlink_to(shared / "results.json")
    assert jixiao("score", str(spec), str(facts), "-f", "json", "-o", str(link)).code == 0
    assert link.is_symlink()
    assert (shared / "results.json").read_text(encoding="utf-8").startswith("{\n")
    assert sorted(p.name for p in shared.iterdir()) == ["results.json"]


def test_devices_and_pipes_are_written_to_not_replaced(
    jixiao: Jixiao, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    """``-o /dev/null`` works and leaves /dev/null a device; a named pipe gets the bytes."""
    spec, facts = inputs
    assert jixiao("score", str(spec), str(facts), "-f", "xlsx", "-o", os.devnull).code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    assert jixiao("score", str(spec), str(facts), "-f", "csv", "-o", str(fifo)).code == 0
    received, _ = reader.communicate(timeout=30)
    assert received.startswith("\ufeff项目支出绩效自评表".encode())
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


# ---- writes that fail --------------------------------------------------------------------------


def test_a_failed_rename_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old", encoding="utf-8")

    def broken(src: str, dst: str) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(ScoringError) as caught:
        write_file(out, "new")
    assert str(caught.value) == f"{out}: cannot write: Input/output error [file-unwritable]"
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_ctrl_c_while_writing_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.txt"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_file(out, "new")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ro"
    folder.mkdir()
    if not _mount(folder, "size=64k,ro"):
        pytest.skip("mounting a tmpfs is not permitted here")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_output_into_a_read_only_folder(
    jixiao: Jixiao, inputs: tuple[Path, Path], read_only: Path
) -> None:
    spec, facts = inputs
    out = read_only / "out.csv"
    err = _refusal(jixiao("score", str(spec), str(facts), "-f", "csv", "-o", str(out)))
    assert err == f"{out}: cannot write: Read-only file system [file-unwritable]\n"


def _mount(folder: Path, options: str) -> bool:
    if sys.platform != "linux":
        return False
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        )
    except OSError:
        return False
    return done.returncode == 0


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB file system, to be filled by ``_fill`` once the old outputs are on it."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if not _mount(folder, "size=256k"):
        pytest.skip("mounting a tmpfs is not permitted here (tests/security/test_outputs.py)")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def _fill(folder: Path) -> None:
    descriptor = os.open(folder / ".filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        block = b"\0" * 4096
        with contextlib.suppress(OSError):
            while True:
                os.write(descriptor, block)
        with contextlib.suppress(OSError):
            while True:
                os.write(descriptor, b"\0")
    finally:
        os.close(descriptor)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".filler"
    }


WRITERS = [
    ("score-table", ("score", "{spec}", "{facts}", "-o", "{disk}/out.txt")),
    ("score-json", ("score", "{spec}", "{facts}", "-f", "json", "-o", "{disk}/out.json")),
    ("score-markdown", ("score", "{spec}", "{facts}", "-f", "markdown", "-o", "{disk}/out.md")),
    ("score-csv", ("score", "{spec}", "{facts}", "-f", "csv", "-o", "{disk}/out.csv")),
    ("score-html", ("score", "{spec}", "{facts}", "-f", "html", "-o", "{disk}/out.html")),
    ("score-xlsx", ("score", "{spec}", "{facts}", "-f", "xlsx", "-o", "{disk}/out.xlsx")),
    ("score-docx", ("score", "{spec}", "{facts}", "-f", "docx", "-o", "{disk}/out.docx")),
    ("report-docx", ("report", "{spec}", "{facts}", "-o", "{disk}/report.docx")),
    ("report-html", ("report", "{spec}", "{facts}", "-o", "{disk}/report.html")),
    ("import", ("import", "{table}", "-o", "{disk}/imported", "--force")),
    ("batch-csv", ("batch", "{spec}", "{facts}", "-o", "{disk}/out.csv")),
    ("batch-jsonl", ("batch", "{spec}", "{facts}", "-o", "{disk}/out.jsonl")),
    ("batch-xlsx", ("batch", "{spec}", "{facts}", "-o", "{disk}/out.xlsx")),
    ("summary", ("batch", "{spec}", "{facts}", "-o", "{tmp}/o.csv", "--summary", "{disk}/s.html")),
]


@pytest.mark.parametrize(("name", "argv"), WRITERS, ids=[name for name, _ in WRITERS])
def test_full_disk_keeps_the_old_output(
    name: str,
    argv: tuple[str, ...],
    jixiao: Jixiao,
    inputs: tuple[Path, Path],
    disk: Path,
    tmp_path: Path,
) -> None:
    spec, facts = inputs
    given = [a.format(spec=spec, facts=facts, disk=disk, table=TABLE, tmp=tmp_path) for a in argv]
    first = jixiao(*given)
    assert first.code == 0, first.err
    old = _snapshot(disk)
    assert old
    _fill(disk)
    run = jixiao(*given)
    assert run.code == 1
    lines = run.err.splitlines()
    failed = [line for line in lines if line.endswith("[file-unwritable]")]
    written = (
        "{disk}/imported/spec.yaml"
        if name == "import"
        else argv[argv.index("--summary" if name == "summary" else "-o") + 1]
    )
    target = written.format(disk=disk)
    assert failed == [f"{target}: {FULL}"]
    assert lines[-1] == failed[0]
    assert "Traceback" not in run.err
    assert _snapshot(disk) == old  # no temporary file either


def _cli(*argv: str, stdout: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scoring", *argv]
    shell = " ".join(f"'{a}'" for a in command) + f" {stdout}"
    return subprocess.run(
        ["sh", "-c", shell],
        capture_output=not stdout,
        text=True,
        cwd=ROOT,
        check=False,
        **({"stderr": subprocess.PIPE} if stdout else {}),
    )


def test_stdout_to_a_full_device(inputs: tuple[Path, Path]) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    spec, facts = inputs
    done = _cli("score", str(spec), str(facts), stdout=">/dev/full")
    assert done.returncode == 1
    assert done.stderr == f"<stdout>: {FULL}\n"


def test_stdout_closed(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    spec, facts = inputs
    done = _cli("score", str(spec), str(facts), stdout=">&-")
    assert done.returncode == 1
    assert done.stderr == ("<stdout>: cannot write: standard output is closed [file-unwritable]\n")
    out = tmp_path / "out.txt"  # with -o, a closed stdout does not matter
    done = _cli("score", str(spec), str(facts), "-o", str(out), stdout=">&-")
    assert done.returncode == 0, done.stderr
    assert out.exists()


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def test_reader_gone_is_quiet(inputs: tuple[Path, Path]) -> None:
    """`jixiao score … | head`: stop quietly with 141 (128 + SIGPIPE), nothing on stderr."""
    spec, facts = inputs
    errors = io.StringIO()
    code = main(["score", str(spec), str(facts)], stdout=_ClosedPipe(), stderr=errors)
    assert code == 141
    assert errors.getvalue() == ""
