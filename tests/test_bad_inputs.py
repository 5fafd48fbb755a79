"""Every broken or hostile input in tests/bad_inputs/ gives its exact stderr and exit code.

A case is a directory holding its input files and ``expected.txt``::

    # what is wrong with the input (one line)
    # xfail: why the message is still not the one shown   (optional: a known bug)
    $ python -m scoring validate tests/bad_inputs/<case>/spec.yaml
    exit 1
    <the exact stderr, every line>

The command runs in-process through ``scoring.cli.main(argv, stdout, stderr)`` from the
repository root, so paths (and therefore messages) are the same on every machine. Directories
whose name starts with ``_`` hold shared inputs, not cases. An ``xfail`` case shows the message a
user should get; it is a strict xfail, so fixing the bug makes the suite say so.

Each case must also stay within the CPU time and memory ceilings of tests/security/limits.py
(CPU time of an untraced run; tracemalloc peak of a second run; RSS growth).
"""

from __future__ import annotations

import io
import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from security.limits import assert_bounded

from scoring.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "bad_inputs"
PROMPT = "$ python -m scoring "
DOCUMENTED = frozenset(
    re.findall(
        r"^### `([a-z0-9-]+)`",
        (ROOT / "docs" / "errors.md").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
)


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    xfail: str | None
    argv: list[str]
    exit_code: int
    stderr: str


def parse(path: Path) -> Case:
    """Read one expected.txt (format in the module docstring)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    description = lines.pop(0).removeprefix("# ")
    xfail = lines.pop(0).removeprefix("# xfail: ") if lines[0].startswith("# xfail: ") else None
    command = lines.pop(0)
    assert command.startswith(PROMPT), f"{path}: line with the command must start {PROMPT!r}"
    exit_line = lines.pop(0)
    assert exit_line.startswith("exit "), f"{path}: expected 'exit N' after the command"
    return Case(
        path.parent.name,
        description,
        xfail,
        shlex.split(command.removeprefix(PROMPT)),
        int(exit_line.removeprefix("exit ")),
        "\n".join(lines),
    )


def cases(*, known_bugs_fail: bool = True) -> Iterator[object]:
    """Every case; an xfail case is marked xfail unless ``known_bugs_fail`` is False (for checks
    of the expected text itself, which must pass for every case)."""
    for directory in sorted(CASES.iterdir()):
        if not directory.is_dir() or directory.name.startswith("_"):
            continue
        case = parse(directory / "expected.txt")
        bug = case.xfail and known_bugs_fail
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if bug else []
        yield pytest.param(case, id=case.name, marks=marks)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = main(argv, stdout=out, stderr=err)
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", list(cases()))
def test_bad_input_gives_its_exact_message(case: Case) -> None:
    """The command exits with the expected code and prints exactly the expected stderr (and
    nothing on stdout), within the bounds of tests/security/limits.py."""
    code, out, err = run(case.argv)
    assert (code, err) == (case.exit_code, case.stderr)
    assert out == ""
    assert_bounded(lambda: run(case.argv), f"bad_inputs/{case.name}")


@pytest.mark.parametrize("case", list(cases(known_bugs_fail=False)))
def test_expected_message_is_well_formed(case: Case) -> None:
    """What each case expects is what any message must be: no traceback; for an input error
    (exit 1) every line names the file under test, a line and column unless the whole file is at
    fault, and ends with a documented [code]."""
    assert "Traceback" not in case.stderr
    if case.exit_code != 1:
        return
    for line in case.stderr.splitlines():
        match = re.fullmatch(
            r"(?P<file>[^:]+)(?::(\d+):(\d+))?: (?P<text>.+) \[(?P<code>[a-z0-9-]+)\]", line
        )
        assert match, f"not 'file:line:col: message [code]': {line}"
        assert match["file"].startswith(f"tests/bad_inputs/{case.name}"), line
        assert match["code"] in DOCUMENTED, f"undocumented code in: {line}"


def test_every_case_directory_is_complete() -> None:
    """Each case directory has an expected.txt and a one-line description; shared directories
    start with '_'; there are at least 60 cases."""
    directories = [d for d in CASES.iterdir() if d.is_dir() and not d.name.startswith("_")]
    for directory in directories:
        case = parse(directory / "expected.txt")
        assert case.description, directory
        assert not case.description.startswith("#"), directory
    assert len(directories) >= 60
