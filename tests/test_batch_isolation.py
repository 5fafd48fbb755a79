"""jixiao batch: one bad record never loses the others, whatever the record holds.

Each reproduction of issue 14 is checked with its whole output: every record in its row, in order,
the bad one as an error row with its located message, exit 1; with one worker and two alike. The property at the end writes random records (any text, surrogates and
control characters included, huge numbers, deep nesting, empty and missing fields) as CSV, JSON
Lines and XLSX and checks that records in are rows out, in order, exit 1 exactly when a row has an
error, and that the one- and two-worker outputs and summaries are the same.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import Run, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.batch import core
from scoring.batch import run as batch_run
from scoring.batch.run import run_batch
from scoring.cli import main

Jixiao = Callable[..., Run]

# A spec small enough that every message below fits on a line: two amounts and one rule.
SPEC_TEXT = """\
id: tiny
name: 小指标体系
version: "1"
total: 100
facts:
  budget: {label: 预算资金, kind: money, unit: 万元}
  spent: {label: 实际支出, kind: money, unit: 万元}
derived:
  rate: {formula: spent / budget, kind: rate}
indicators:
  - id: 产出
    weight: 100
    children:
      - {id: 执行率, weight: 100, rule: {kind: positive, actual: rate, target: "≥100%"}}
"""
HEADER = ["id", "budget", "spent"]
OUT_COLUMNS = ["id", "name", "total", "grade", "产出", "error", "source"]
GOOD = ["P1", "95.00", "优", "95.00", ""]  # budget 100, spent 95
LAST = ["P9", "100.00", "优", "100.00", ""]  # budget 100, spent 100


def spec_file(folder: Path) -> Path:
    path = folder / "spec.yaml"
    path.write_text(SPEC_TEXT, encoding="utf-8")
    return path


def without_name(row: list[Any]) -> list[Any]:
    """A row without its name column (tests/test_batch.py checks the names)."""
    return [row[0], *row[2:]]


def read_output(path: Path) -> list[list[str]]:
    """The rows of a CSV output, header checked and left out, without the name column."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == OUT_COLUMNS
    return [without_name(row) for row in rows[1:]]


def batch(
    jixiao: Jixiao, folder: Path, source: Path, *options: str, out: str = "out.csv"
) -> tuple[int, list[list[str]]]:
    target = folder / out
    run = jixiao("batch", str(spec_file(folder)), str(source), "-o", str(target), *options)
    assert run.out == ""
    if out.endswith(".csv"):
        return run.code, read_output(target)
    return run.code, [
        without_name(list(json.loads(line).values()))
        for line in target.read_text("utf-8").splitlines()
    ]


def write_xlsx(path: Path, rows: list[str], dimension: str = "A1:C4") -> Path:
    """An XLSX whose sheet holds exactly ``rows`` (each a row's cells as sheet XML, numbered from
    1, or a whole ``<row …>`` element): what openpyxl's writer cannot be made to write (NaN,
    5,000 digits, a lying size)."""
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active.append(["x"])
    base = io.BytesIO()
    book.save(base)
    body = "".join(
        cells if cells.startswith("<row") else f'<row r="{n}">{cells}</row>'
        for n, cells in enumerate(rows, 1)
    )
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode("utf-8")
            target.writestr(item, data)
    return path


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def number_cell(ref: str, value: str) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def xlsx_row(n: int, record_id: str, budget: str, spent: str) -> str:
    return (
        text_cell(f"A{n}", record_id) + number_cell(f"B{n}", budget) + number_cell(f"C{n}", spent)
    )


XLSX_HEADER = "".join(text_cell(f"{c}1", name) for c, name in zip("ABC", HEADER, strict=True))
JSON_FIRST = '{"id": "P1", "budget": "100", "spent": "95"}'
JSON_LAST = '{"id": "P9", "budget": 100, "spent": 100}'


# ---- the reproductions of issue 14 ---------------------------------------------------------------
def _jsonl(folder: Path, line: str) -> Path:
    path = folder / "in.jsonl"
    path.write_text(f"{JSON_FIRST}\n{line}\n{JSON_LAST}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_lone_surrogate_in_an_id_is_written_as_its_escape(
    jixiao: Jixiao, tmp_path: Path, workers: str
) -> None:
    """ "P\\ud800X" is a record like any other (it scores); the half character, which UTF-8
    cannot hold, is written as the six characters \\ud800, in CSV and JSON Lines alike."""
    source = _jsonl(tmp_path, '{"id": "P\\ud800X", "budget": "100", "spent": "95"}')
    code, rows = batch(jixiao, tmp_path, source, "--workers", workers)
    assert code == 0
    assert rows == [
        [*GOOD, f"{source}:line 1"],
        ["P\\ud800X", *GOOD[1:], f"{source}:line 2"],
        [*LAST, f"{source}:line 3"],
    ]
    code, lines = batch(jixiao, tmp_path, source, "--workers", workers, out="out.jsonl")
    assert code == 0
    assert lines[1] == ["P\\ud800X", 95.0, "优", 95.0, None, f"{source}:line 2"]


def test_a_lone_surrogate_in_a_value_is_escaped_in_its_error(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    source = _jsonl(tmp_path, '{"id": "S", "budget": "1\\udc80", "spent": "95"}')
    code, rows = batch(jixiao, tmp_path, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:line 1"],
        [
            "S",
            "",
            "",
            "",
            (
                f"{source}:line 2: values.budget: fact 'budget': '1\\udc80' is not a number with a "
                "unit: unexpected text '\\udc80' after the number [not-a-number]"
            ),
            f"{source}:line 2",
        ],
        [*LAST, f"{source}:line 3"],
    ]


@pytest.mark.skipif(sys.platform != "linux", reason="Linux file names are bytes")
def test_a_file_name_that_is_not_utf8_is_written_as_its_escape(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    """Python reads the byte 0xff of a file name as the half character \udcff: the source
    column and the messages write it as its escape."""
    source = tmp_path / os.fsdecode(b"p\xff.csv")
    source.write_text("id,budget,spent\nP1,100,95\nP2,abc,95\n", encoding="utf-8")
    code, rows = batch(jixiao, tmp_path, source)
    assert code == 1
    shown = f"{tmp_path}/p\\udcff.csv"
    assert rows == [
        [*GOOD, f"{shown}:row 2"],
        [
            "P2",
            "",
            "",
            "",
            (
                f"{shown}:row 3: values.budget: fact 'budget': 'abc' is not a number with a "
                "unit: expected a number with an optional unit such as '110万元', '99.14%' or "
                "'158批次' [not-a-number]"
            ),
            f"{shown}:row 3",
        ],
    ]


TOO_LARGE = (
    "values.budget: fact 'budget': '{digits}…' is too large: at most 15 digits are allowed before "
    "the decimal point [number-too-large]"
)
DEEP = (
    "nests deeper than 100 levels (objects and arrays inside each other); a record is an object "
    "of two or three levels [json-too-deep]"
)


@pytest.mark.parametrize(
    ("line", "record_id", "message"),
    [
        (
            '{"id": "B", "budget": ' + "1" * 4_301 + ', "spent": "95"}',
            "B",
            TOO_LARGE.format(digits="1" * 60),
        ),
        ("[" * 3_000 + "]" * 3_000, "line 2", DEEP),
        ('{"id": "D", "budget": ' + "[" * 150 + "]" * 150 + "}", "line 2", DEEP),
    ],
    ids=["4,301 digits", "3,000 brackets", "150 brackets in a value"],
)
@pytest.mark.parametrize("workers", ["1", "2"])
def test_json_lines_that_broke_the_batch_are_their_own_error(
    jixiao: Jixiao, tmp_path: Path, workers: str, line: str, record_id: str, message: str
) -> None:
    """An integer past int's 4,300 digits (ValueError in json) and nesting past the recursion
    limit (RecursionError) stopped the batch with a traceback; each is now its line's error."""
    source = _jsonl(tmp_path, line)
    code, rows = batch(jixiao, tmp_path, source, "--workers", workers)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:line 1"],
        [record_id, "", "", "", f"{source}:line 2: {message}", f"{source}:line 2"],
        [*LAST, f"{source}:line 3"],
    ]


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        (
            "NaN",
            (
                "values.budget: fact 'budget': 'NaN' is not a finite number: expected an "
                "ordinary number such as '110' [not-finite]"
            ),
        ),
        ("7" * 5_000, TOO_LARGE.format(digits="7" * 60)),
    ],
    ids=["NaN", "5,000 digits"],
)
@pytest.mark.parametrize("workers", ["1", "2"])
def test_xlsx_cells_openpyxl_cannot_convert_are_read_as_their_text(
    jixiao: Jixiao, tmp_path: Path, workers: str, budget: str, message: str
) -> None:
    """A number cell holding NaN, or 5,000 digits, stopped the sheet inside openpyxl; it is now
    read as the text written in it, and refused as a CSV cell of that text is."""
    source = write_xlsx(
        tmp_path / "in.xlsx",
        [
            XLSX_HEADER,
            xlsx_row(2, "P1", "100", "95"),
            xlsx_row(3, "B", budget, "95"),
            xlsx_row(4, "P9", "100", "100"),
        ],
    )
    code, rows = batch(jixiao, tmp_path, source, "--workers", workers)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        ["B", "", "", "", f"{source}:row 3: {message}", f"{source}:row 3"],
        [*LAST, f"{source}:row 4"],
    ]


def _too_long(length: int) -> str:
    return (
        f"is {length:,} characters long, more than the 1,048,576 a record may have; it was "
        "skipped unread (look for a quote never closed, or lines run together) [record-too-long]"
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_csv_line_past_the_limit_is_streamed_past(
    jixiao: Jixiao, tmp_path: Path, workers: str
) -> None:
    """A line of 3 MB (a 300 MB one took 1 GB) is refused unread, and the records after it are
    scored; so is a quoted cell running over many lines."""
    source = tmp_path / "in.csv"
    long_line = "P2," + "9" * 3_000_000 + ",95\n"
    many_lines = 'P3,"' + "9\n" * 600_000 + '",95\n'
    source.write_text(
        "id,budget,spent\nP1,100,95\n" + long_line + many_lines + "P9,100,100\n", encoding="utf-8"
    )
    code, rows = batch(jixiao, tmp_path, source, "--workers", workers)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        ["row 3", "", "", "", f"{source}:row 3: {_too_long(len(long_line))}", f"{source}:row 3"],
        ["row 4", "", "", "", f"{source}:row 4: {_too_long(len(many_lines))}", f"{source}:row 4"],
        [*LAST, f"{source}:row 5"],
    ]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_json_line_past_the_limit_is_streamed_past(
    jixiao: Jixiao, tmp_path: Path, workers: str
) -> None:
    line = '{"id": "' + "x" * 2_000_000 + '"}'
    source = _jsonl(tmp_path, line)
    code, rows = batch(jixiao, tmp_path, source, "--workers", workers)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:line 1"],
        ["line 2", "", "", "", f"{source}:line 2: {_too_long(len(line) + 1)}", f"{source}:line 2"],
        [*LAST, f"{source}:line 3"],
    ]


# ---- a bug on one record -------------------------------------------------------------------------
def _bug_on(monkeypatch: pytest.MonkeyPatch, record_id: str) -> None:
    """Make the engine fail, as a bug would, on the record named ``record_id``, in this process
    (workers load jixiao afresh: they score a record with the same ``process_chunk``)."""
    real = core.score_totals  # type: ignore[attr-defined]

    def score_totals(spec: Any, facts: Any) -> Any:
        if facts.project.get("name") == record_id:
            raise ZeroDivisionError("a bug")
        return real(spec, facts)

    monkeypatch.setattr(core, "score_totals", score_totals)
    # The record goes the record-by-record way, where the bug is planted (a JSON line would
    # otherwise be scored column by column, never reaching score_totals).
    monkeypatch.setattr(batch_run, "_columnar", lambda *_: None)


def test_a_bug_on_one_record_is_that_records_error_asking_for_a_report(
    jixiao: Jixiao, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _bug_on(monkeypatch, "B")
    source = _jsonl(tmp_path, '{"id": "B", "budget": "100", "spent": "95"}')
    code, rows = batch(jixiao, tmp_path, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:line 1"],
        [
            "B",
            "",
            "",
            "",
            (
                f"{source}:line 2: could not be scored: jixiao failed on it (ZeroDivisionError: a "
                "bug); this is a bug in jixiao, please report it with this record. The other "
                "records are not affected [internal-error]"
            ),
            f"{source}:line 2",
        ],
        [*LAST, f"{source}:line 3"],
    ]


def test_a_run_the_compiled_plan_fails_on_is_scored_by_the_engine(
    jixiao: Jixiao, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Table rows are scored by the compiled plan a run at a time; if it fails (a bug), the run is
    scored by the engine, row by row, with the same results."""
    from scoring.batch import fastrows

    source = tmp_path / "in.csv"
    source.write_text("id,budget,spent\nP1,100,95\nP2,abc,95\nP9,100,100\n", encoding="utf-8")
    _, expected = batch(jixiao, tmp_path, source)

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug in the plan")

    monkeypatch.setattr(fastrows.RowPlan, "totals", broken)
    code, rows = batch(jixiao, tmp_path, source, out="again.csv")
    assert code == 1
    assert rows == expected
    assert [row[0] for row in rows] == ["P1", "P2", "P9"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_full_disk_is_an_error_of_the_run(
    jixiao: Jixiao, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """The output failing is not a record's error: the run stops (its workers too), and leaves
    no output."""
    import errno
    import multiprocessing
    import os

    from scoring.writing import files as output_files

    def full(self: Any, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    source = _jsonl(tmp_path, JSON_FIRST)
    monkeypatch.setattr(
        output_files.AtomicFile, "open", lambda self: type("F", (), {"write": full})()
    )
    out = tmp_path / "out.csv"
    run = jixiao(
        "batch", str(spec_file(tmp_path)), str(source), "-o", str(out), "--workers", workers
    )
    assert (run.code, run.out) == (1, "")
    assert run.err == f"{out}: cannot write: No space left on device [file-unwritable]\n"
    assert not out.exists()
    assert multiprocessing.active_children() == []


# ---- workers --------------------------------------------------------------------------------------
def test_workers_give_the_same_rows_for_hostile_records(tmp_path: Path) -> None:
    """Workers read and write hostile records as the one-process batch does, byte for byte."""
    spec = spec_file(tmp_path)
    lines = [
        JSON_FIRST,
        '{"id": "P\\ud800X", "budget": "100", "spent": "95"}',
        "[" * 3_000 + "]" * 3_000,
        '{"id": "B", "budget": ' + "1" * 4_301 + "}",
        '{"id": "N", "budget": NaN, "budget": 1}',
        "null",
        JSON_LAST,
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = run_batch(str(spec), [str(source)], str(tmp_path / "one.csv"), chunk_size=2)
    two = run_batch(str(spec), [str(source)], str(tmp_path / "two.csv"), workers=2, chunk_size=2)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert one.render_text() == two.render_text()
    assert [row[4].rsplit("[", 1)[-1] for row in read_output(tmp_path / "two.csv")] == [
        "",
        "",
        "json-too-deep]",
        "number-too-large]",
        "duplicate-key]",
        "facts-shape]",
        "",
    ]


# ---- the property ---------------------------------------------------------------------------------
# Text of every kind: surrogates and control characters included (the writers drop what a format
# cannot hold), and the strings that mean something to a reader.
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=[]), max_size=12),
    st.sampled_from(
        ["", " ", "100", "95万元", "NaN", "Infinity", "1e400", "=1+1", "\ufeffid", '"', "\r\n"]
    ),
)
BIG = st.integers(min_value=4_290, max_value=4_400).map(lambda n: "9" * n)


@st.composite
def json_value(draw: st.DrawFn) -> str:
    """One JSON value as text: any text, a huge or ordinary number, null, deep nesting."""
    kind = draw(st.sampled_from(["text", "big", "number", "null", "deep", "object"]))
    if kind == "text":
        return json.dumps(draw(TEXT))  # ASCII: a lone surrogate becomes the escape \\ud800
    if kind == "big":
        return draw(BIG)
    if kind == "number":
        return str(draw(st.decimals(allow_nan=False, allow_infinity=False, places=2)))
    if kind == "null":
        return "null"
    depth = draw(st.integers(min_value=90, max_value=1_200))
    if kind == "deep":
        return "[" * depth + "]" * depth
    return '{"a": ' * (depth // 10) + "1" + "}" * (depth // 10)


@st.composite
def json_line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["flat", "flat", "facts", "raw"]))
    if kind == "raw":  # not JSON, or not an object, or blank: no line breaks inside
        return _utf8(re.sub("[\r\n]", " ", draw(TEXT)))
    keys = draw(st.lists(st.sampled_from([*HEADER, "项目名称", "x"]), max_size=4))
    pairs = [f"{json.dumps(key)}: {draw(json_value())}" for key in keys]
    if kind == "facts":
        return '{"id": "F", "values": {' + ", ".join(pairs) + "}}"
    return "{" + ", ".join(pairs) + "}"


CELL = st.one_of(TEXT, BIG, st.just(""))


def _csv_input(folder: Path, records: list[list[str]]) -> tuple[Path, list[bool]]:
    """A CSV of the records (text UTF-8 can hold); for each, whether it is blank (not a record)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    clean = [[_utf8(cell) for cell in record] for record in records]
    writer.writerows(clean)
    path = folder / "in.csv"
    path.write_text(text.getvalue(), encoding="utf-8", newline="")
    return path, [not any(cell.strip() for cell in record) for record in clean]


def _utf8(text: str) -> str:
    return re.sub("[\ud800-\udfff]", "?", text)


def _xlsx_input(folder: Path, records: list[list[str]]) -> tuple[Path, list[bool]]:
    """An XLSX of the records, as far as XML can hold them (no control characters or
    surrogates); text starting with = kept as text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    blank = []
    for n, record in enumerate(records, 2):
        cells = [ILLEGAL_CHARACTERS_RE.sub("", _utf8(cell)) for cell in record]
        for column, cell in enumerate(cells, 1):
            if cell:
                number = cell.isascii() and cell.isdigit() and len(cell) < 20
                written = sheet.cell(row=n, column=column, value=int(cell) if number else cell)
                if not number:
                    written.data_type = "s"  # text as written, never a formula
        blank.append(not any(cell.strip() for cell in cells))
    path = folder / "in.xlsx"
    book.save(path)
    return path, blank


def _jsonl_input(folder: Path, lines: list[str]) -> tuple[Path, list[bool]]:
    path = folder / "in.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path, [not line.strip() for line in lines]


def _run_all(folder: Path, spec: Path, source: Path) -> Iterator[tuple[int, bytes, str]]:
    """The command with one worker; run_batch with one and with two, in small chunks."""
    out = folder / "cli.csv"
    err = io.StringIO()
    code = main(["batch", str(spec), str(source), "-o", str(out)], stdout=io.StringIO(), stderr=err)
    yield code, out.read_bytes(), ""
    for workers in (1, 2):
        target = folder / f"out{workers}.csv"
        summary = run_batch(str(spec), [str(source)], str(target), workers=workers, chunk_size=2)
        yield (1 if summary.failed else 0), target.read_bytes(), summary.render_text()


def _check(source: Path, blank: list[bool], label: str) -> None:
    folder = source.parent
    spec = spec_file(folder)
    (code, cli, _), (code_one, one, summary_one), (code_two, two, summary_two) = _run_all(
        folder, spec, source
    )
    assert cli == one == two
    assert summary_one == summary_two
    rows = read_output(folder / "cli.csv")
    first = 2 if label == "row" else 1
    expected = [f"{source}:{label} {n}" for n, b in enumerate(blank, first) if not b]
    assert [row[5] for row in rows] == expected
    assert code == code_one == code_two == (1 if any(row[4] for row in rows) else 0)


@settings(max_examples=examples(25), deadline=None)
@given(records=st.lists(st.lists(CELL, min_size=0, max_size=5), max_size=8))
def test_any_csv_records_give_one_row_each_in_order(records: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source, blank = _csv_input(Path(folder), records)
        _check(source, blank, "row")


@settings(max_examples=examples(25), deadline=None)
@given(lines=st.lists(json_line(), max_size=8))
def test_any_json_lines_give_one_row_each_in_order(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source, blank = _jsonl_input(Path(folder), lines)
        _check(source, blank, "line")


@settings(max_examples=examples(15), deadline=None)
@given(records=st.lists(st.lists(CELL, min_size=0, max_size=5), max_size=6))
def test_any_xlsx_records_give_one_row_each_in_order(records: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source, blank = _xlsx_input(Path(folder), records)
        _check(source, blank, "row")
