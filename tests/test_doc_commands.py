"""Every command line shown in README.md and docs/*.md runs, and prints what the doc shows.

This module owns the docs' command convention (docs/workflow.md, "Commands in the docs are
tested"): how a command and its output are written so that this test runs and checks them.

- In any fenced block, a line starting with `$ ` is a command; the lines under it, up to the next
  `$ ` line or the end of the block, are its output (stdout and stderr as a terminal shows them).
  Output is compared line by line, exactly (trailing spaces and trailing empty lines aside).
- In a ```sh / ```bash / ```shell / ```console block without `$ ` lines, every line is a command
  (a line ending in `\\` continues on the next); no output is shown, so only the exit status is
  checked. Synopses with placeholders (SPEC, [--option]) go in ```text blocks, which never run.
- A line of only `…` (or `...`), indented or not, in shown output stands for any number of lines:
  none, one or many (elided output, or lines that vary between runs: timings, temporary paths).
- A command is expected to exit 0; a last output line `[exit N]` says it exits N instead.

Each doc's commands run in order (one test per doc), in one temporary folder linking
indicators/, examples/ and tests/ (files a command writes land in the folder, never in the repository,
and a later command can read what an earlier one wrote), with `jixiao` meaning
`python -m scoring` of the package under test, and in the product's default environment (no
JIXIAO_LANG: the default language; `--lang en` only where the doc says so). The few files docs
name as the reader's own are made by FIXTURES below; the commands not run are in SKIPPED.
"""

from __future__ import annotations

import csv
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import doc_server
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")))
SHELL_INFO = frozenset({"sh", "bash", "shell", "console"})
ELISION = frozenset({"…", "..."})
EXIT_LINE = re.compile(r"\[exit (\d+)\]")
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# Linked into each workspace, not copied: the shipped systems are found where jixiao finds them
# (a copy would not be shipped, so a profile's `extends: ../base.yaml` would leave its folder).
# The test checks that no command writes into them.
SHARED = ("indicators", "examples", "tests")  # tests/: its real tables (docs/review.md)
TIMEOUT = 300  # seconds a single doc command may take before the test calls it hung
requires_bash = pytest.mark.skipif(
    shutil.which("bash") is None, reason="the docs' commands are bash"
)

# Commands that are not run here, each with why. Keep this short: a command that can run in CI
# should run. Keyed by (doc, the command's first words).
_SUITE = "the test suite itself, which runs this test; .ci/run runs it"
_LINT = "checks the working tree, not a doc example; .ci/run runs ruff and mypy on every push"
SKIPPED: dict[tuple[str, str], str] = {
    ("README.md", "pip install '.[test]' && python -m pytest"): _SUITE,
    ("README.md", "pip install -e '.[dev]'"): (
        "installs the package into the running environment; .ci/run installs it this way"
    ),
    ("README.md", "python -m pytest"): _SUITE,
    ("README.md", "ruff check scoring tests"): _LINT,
    ("README.md", "mypy"): _LINT,
}


@dataclass(frozen=True)
class DocCommand:
    """One command of a doc: where it is, what it runs and what the doc shows it printing."""

    doc: str
    line: int
    command: str
    expected: tuple[str, ...] | None  # None: no output shown, only the exit status is checked
    status: int

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}: $ {self.command}"


def parse_commands(doc: str, text: str) -> list[DocCommand]:
    """The commands of one Markdown text, in order (the convention is in the module docstring)."""
    commands: list[DocCommand] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, info = opening["fence"], opening["info"].strip().split(" ")[0]
        end = i + 1
        while end < len(lines) and not (
            lines[end].startswith(fence[0] * len(fence)) and not lines[end].strip(fence[0])
        ):
            end += 1
        body = list(enumerate(lines[i + 1 : end], start=i + 2))
        if any(text.startswith("$ ") for _, text in body):
            commands.extend(_prompted(doc, body))
        elif info in SHELL_INFO:
            commands.extend(_script(doc, body))
        i = end + 1
    return commands


def _prompted(doc: str, body: list[tuple[int, str]]) -> Iterator[DocCommand]:
    """`$ command` lines, each followed by its output."""
    k = 0
    while k < len(body):
        number, text = body[k]
        if not text.startswith("$ "):
            k += 1  # text before the first prompt is not anybody's output
            continue
        command = text[2:]
        while command.endswith("\\") and k + 1 < len(body):
            k += 1
            command = command[:-1].rstrip() + " " + body[k][1].strip()
        output: list[str] = []
        k += 1
        while k < len(body) and not body[k][1].startswith("$ "):
            output.append(body[k][1].rstrip())
            k += 1
        while output and not output[-1]:
            output.pop()
        status = 0
        if output and (exit_line := EXIT_LINE.fullmatch(output[-1])):
            status = int(exit_line[1])
            output.pop()
        yield DocCommand(doc, number, command.strip(), tuple(output), status)


def _script(doc: str, body: list[tuple[int, str]]) -> Iterator[DocCommand]:
    """A shell block's lines, each a command whose output the doc does not show."""
    k = 0
    while k < len(body):
        number, command = body[k]
        while command.rstrip().endswith("\\") and k + 1 < len(body):
            k += 1
            command = command.rstrip()[:-1].rstrip() + " " + body[k][1].strip()
        k += 1
        if command.strip() and not command.lstrip().startswith("#"):
            yield DocCommand(doc, number, command.strip(), None, 0)


def output_matches(expected: tuple[str, ...], actual: list[str]) -> bool:
    """Whether the actual lines are the shown ones, an elision line standing for any lines."""
    if not expected:
        return not actual
    head, *rest = expected
    if head.strip() in ELISION:
        return any(output_matches(tuple(rest), actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and actual[0] == head and output_matches(tuple(rest), actual[1:])


def _elisions_filled(expected: tuple[str, ...], actual: list[str]) -> list[str]:
    """The shown lines with each elision replaced by the printed lines it stands for (up to the
    printed line that is, or most resembles, the next shown line), so that a diff shows only the
    lines that differ."""
    filled: list[str] = []
    at = 0
    for k, line in enumerate(expected):
        if line.strip() not in ELISION:
            filled.append(line)
            at += 1  # the printed line it stands beside, whether or not it is the same
            continue
        after = next((e for e in expected[k + 1 :] if e.strip() not in ELISION), None)
        end = len(actual) if after is None else _nearest(after, actual, at)
        filled.extend(actual[at:end])
        at = end
    return filled


def _nearest(line: str, actual: list[str], start: int) -> int:
    """Where ``line`` is in ``actual`` from ``start``, or the line most like it (``start`` if
    none is much like it)."""
    if line in actual[start:]:
        return actual.index(line, start)
    likeness = [(difflib.SequenceMatcher(None, line, a).ratio(), -j) for j, a in enumerate(actual)]
    ratio, j = max(likeness[start:], default=(0.0, -start))
    return -j if ratio >= 0.6 else start


def _doc_commands() -> list[DocCommand]:
    return [c for doc in DOCS for c in parse_commands(doc, (ROOT / doc).read_text("utf-8"))]


def _skip_reason(command: DocCommand) -> str | None:
    for (doc, start), reason in SKIPPED.items():
        if command.doc == doc and command.command.startswith(start):
            return reason
    return None


# --- the files docs name as the reader's own ---------------------------------------------------
# Generated projects of the seed's kind (benchmarks/records.py: every record scores), in the forms
# `jixiao batch` reads, so that the examples run as written.


def _records(count: int, seed: int) -> list[dict[str, str]]:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.records import header, rows
    finally:
        sys.path.remove(str(ROOT))
    return [dict(zip(header(), row, strict=True)) for row in rows(count, seed=seed)]


def _csv(count: int, seed: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        records = _records(count, seed)
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, list(records[0]))
            writer.writeheader()
            writer.writerows(records)

    return make


def _xlsx(path: Path) -> None:
    from openpyxl import Workbook

    records = _records(20, 3)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(records[0]))
    for record in records:
        sheet.append(list(record.values()))
    book.save(path)


def _jsonl(path: Path) -> None:
    lines = (json.dumps(record, ensure_ascii=False) for record in _records(20, 4))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _facts_folder(path: Path) -> None:
    path.mkdir()
    for name in ("hengnan_xinfang_2021.yaml", "hengnan_xinfang_2022_constructed.yaml"):
        shutil.copy(ROOT / "examples" / name, path / name)


FIXTURES: dict[str, Callable[[Path], None]] = {
    "同类项目.csv": _csv(1000, 0),  # docs/methods.md: "1,000 generated projects … not real data"
    "projects_2021.csv": _csv(50, 1),
    "b.csv": _csv(20, 2),
    "a.xlsx": _xlsx,
    "c.jsonl": _jsonl,
    "自评表": _facts_folder,
}


# --- running ----------------------------------------------------------------------------------


def product_env() -> dict[str, str]:
    """The environment the docs' commands run in: the product's defaults."""
    # No JIXIAO_ setting and a neutral locale (gettext would read LANGUAGE, LC_ALL and
    # LC_MESSAGES), unbuffered so stdout and stderr interleave as on a terminal.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("JIXIAO_") and k not in {"LANGUAGE", "LC_ALL", "LC_MESSAGES"}
    }
    env.update(LANG="C.UTF-8", PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", COLUMNS="100")
    # The test environment's own tools (check-jsonschema) even where it is not activated.
    env["PATH"] = os.pathsep.join(
        [os.path.dirname(sys.executable), *filter(None, [os.environ.get("PATH")])]
    )
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


class Workspace:
    """One doc's temporary folder, where its commands run in order; ``server``: the socket of
    tests/doc_server.py, where each `jixiao` runs."""

    def __init__(self, folder: Path, commands: list[DocCommand], server: str) -> None:
        self.folder = folder
        self.server = server
        for name in SHARED:
            (folder / name).symlink_to(ROOT / name, target_is_directory=True)
        for name, make in FIXTURES.items():
            if any(name in command.command for command in commands):
                make(folder / name)
        self.env = product_env()

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        # `jixiao` is the package under test, whichever `jixiao` is on PATH: `python -m scoring`
        # forked from the server, which has imported it already; `pip install . &&` in front of
        # a command is the install the test environment already is. check-jsonschema, the test
        # environment's own, is forked from the server too.
        client = f'"{sys.executable}" -I -S "{DOC_SERVER}" "{self.server}"'
        script = "".join(f'{name}() {{ {client} {name} "$@"; }}\n' for name in doc_server.PROGRAMS)
        script += re.sub(r"^pip install \S+ && ", "", command)
        return subprocess.run(
            ["bash", "-c", script],
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
            check=False,
        )


def _shared_files() -> set[str]:
    """The files in the linked folders, but what Python and pytest cache there as they run
    (os.walk, not Path.rglob: a third of the time, taken twice a command)."""
    found: set[str] = set()
    for name in SHARED:
        for folder, folders, files in os.walk(ROOT / name):
            folders[:] = [entry for entry in folders if not entry.startswith((".", "__pycache__"))]
            where = os.path.relpath(folder, ROOT)
            found.update(
                os.path.join(where, entry)
                for entry in (*folders, *files)
                if not entry.startswith((".", "__pycache__"))
            )
    return found


def check(workspace: Workspace, command: DocCommand) -> list[str]:
    """What is wrong with one command's run, as the doc shows it; nothing if it is right."""
    before = _shared_files()
    done = workspace.run(command.command)
    written = _shared_files() - before
    actual = [line.rstrip() for line in done.stdout.split("\n")]
    while actual and not actual[-1]:
        actual.pop()
    problems = [f"it wrote into the repository: {sorted(written)}"] if written else []
    if done.returncode != command.status:
        problems.append(f"exit status {done.returncode}, the doc expects {command.status}")
    if command.expected is not None and not output_matches(command.expected, actual):
        shown = _elisions_filled(command.expected, actual)
        diff = difflib.unified_diff(shown, actual, "shown in the doc", "printed", lineterm="", n=2)
        problems.append("output differs from the doc:\n" + "\n".join(diff))
    elif command.expected is None and done.returncode != command.status:
        problems.append("it printed:\n" + "\n".join(actual[-30:]))
    return problems


COMMANDS = _doc_commands()
RUN_DOCS = sorted({c.doc for c in COMMANDS if _skip_reason(c) is None})
DOC_SERVER = Path(__file__).resolve().parent / "doc_server.py"


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """tests/doc_server.py listening, started in the commands' environment; its socket."""
    folder = tempfile.mkdtemp(prefix="jixiao-docs-")  # short: a socket's path is 107 bytes at most
    path = os.path.join(folder, "socket")
    process = subprocess.Popen(
        [sys.executable, str(DOC_SERVER), "serve", path],
        cwd=ROOT,
        env=product_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    started = process.stdout.readline()
    if started != "ready\n":
        process.kill()
        pytest.fail(f"the doc command server did not start:\n{started}{process.stdout.read()}")
    try:
        yield path
    finally:
        doc_server.stop(path)
        process.wait(timeout=30)
        process.stdout.close()
        shutil.rmtree(folder)


# One test per doc, its commands in order in one folder: a later command may read what an earlier
# one wrote, and under pytest-xdist a doc's commands stay together. Every failing command of the
# doc is reported, each with its line and a diff.
@requires_bash
@pytest.mark.parametrize("doc", RUN_DOCS)
def test_doc_commands(doc: str, tmp_path: Path, server: str) -> None:
    commands = [c for c in COMMANDS if c.doc == doc]
    workspace = Workspace(tmp_path, commands, server)
    failures = []
    for command in commands:
        if _skip_reason(command) is None and (problems := check(workspace, command)):
            failures.append("\n".join([str(command), *problems]))
    if failures:  # the doc, line, command and a diff: what fixing the doc takes
        pytest.fail("\n\n".join(failures), pytrace=False)


@pytest.mark.parametrize("key", SKIPPED, ids=[f"{doc}:{start}" for doc, start in SKIPPED])
def test_commands_not_run(key: tuple[str, str]) -> None:
    """Each command left out is still in its doc (or the entry goes), and says why it is."""
    doc, start = key
    assert any(c.doc == doc and c.command.startswith(start) for c in COMMANDS), key
    pytest.skip(SKIPPED[key])


# --- the convention itself --------------------------------------------------------------------

SAMPLE = """\
Text.

```
$ jixiao score a.yaml b.yaml
总分 100
…
等级 优
$ jixiao validate bad.yaml \\
    --lang en
bad.yaml:1:1: x: wrong [code]
[exit 1]
```

```text
jixiao review TABLE [--sheet NAME]
```

```sh
mkdir -p out   # a comment
# a comment line
jixiao schema \\
  --facts > out/facts.json
```
"""


def test_parse_commands_reads_prompts_outputs_exit_lines_and_sh_blocks() -> None:
    assert parse_commands("x.md", SAMPLE) == [
        DocCommand("x.md", 4, "jixiao score a.yaml b.yaml", ("总分 100", "…", "等级 优"), 0),
        DocCommand(
            "x.md", 8, "jixiao validate bad.yaml --lang en", ("bad.yaml:1:1: x: wrong [code]",), 1
        ),
        DocCommand("x.md", 19, "mkdir -p out   # a comment", None, 0),
        DocCommand("x.md", 21, "jixiao schema --facts > out/facts.json", None, 0),
    ]


def test_a_diff_shows_only_the_lines_that_differ_around_an_elision() -> None:
    shown = ("title", "…", "总分 95.80", "…")
    printed = ["title", "a", "b", "总分 95.85", "c"]
    assert _elisions_filled(shown, printed) == ["title", "a", "b", "总分 95.80", "c"]
    assert _elisions_filled(("…", "x"), ["a", "x"]) == ["a", "x"]


def test_elision_stands_for_any_lines_and_nothing_else() -> None:
    shown = ("a", "…", "d")
    assert output_matches(shown, ["a", "d"])
    assert output_matches(shown, ["a", "b", "c", "d"])
    assert not output_matches(shown, ["a", "b", "c"])
    assert not output_matches(shown, ["x", "a", "d"])
    assert not output_matches(("a",), ["a", "b"])
    assert output_matches(("...",), [])
