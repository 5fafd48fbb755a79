"""Every batch input kind writes the same whichever way it is scored.

For XLSX, JSON Lines, Parquet, a database query and a GB18030 CSV, the same input is scored
twice — with the columnar path allowed (``columnar_records``: JSON Lines, Parquet and queries
take it, an XLSX sheet and a GB18030 CSV decline it) and record by record (``run._columnar``
turned off) — and the outputs compared byte for byte (CSV and JSON Lines; an XLSX output cell for cell,
its number formats too), with the summaries. The inputs are the synthetic seed records
(benchmarks/records.py) in the forms each kind holds them — numbers as numbers, dates, decimals —
plus broken ones: bad cells, missing columns, blank rows, cells of types no text stands for, JSON
that does not parse or is not a flat record.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import ROOT, records_generator

pytest.importorskip("polars")


from scoring.batch import columnar_records
from scoring.batch import run as batch_run
from scoring.batch.inputs import open_inputs
from scoring.batch.sql import SqlQuery, connect
from scoring.spec.loader import load_spec

SPEC = str(ROOT / "indicators" / "xinfang_weiwen.yaml")
generator = records_generator()
HEADER: list[str] = generator.header()
MONEY = HEADER.index("预算资金")
COUNT = HEADER.index("培训人次")
RATE = HEADER.index("满意度")
YEAR = HEADER.index("年度")
SCORE = HEADER.index("立项依据充分性.score")
TIER = HEADER.index("立项依据充分性.tier")


def _batch(
    tmp_path: Path, inputs: list[Any], *, columnar: bool, out: str = "csv"
) -> tuple[bytes | list[Any], str]:
    """One batch run's output (its bytes; an XLSX's cells and formats) and summary."""
    target = tmp_path / f"{'columnar' if columnar else 'usual'}.{out}"
    calls: list[bool] = []
    original = batch_run._columnar

    def watched(*args: Any) -> Any:
        found = original(*args)
        calls.append(found is not None)
        return found

    batch_run._columnar = watched if columnar else (lambda *_: None)  # type: ignore[assignment]
    try:
        summary = batch_run.run_batch(SPEC, inputs, str(target))
    finally:
        batch_run._columnar = original
    if columnar:
        assert calls == [_takes_columns(item) for item in inputs]
    if out != "xlsx":
        return target.read_bytes(), summary.render_text()
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    cells = [(cell.value, cell.number_format) for row in sheet.iter_rows() for cell in row]
    return cells, summary.render_text()


def _takes_columns(item: Any) -> bool:
    """Whether an input is scored column by column: a query, Parquet, JSON Lines and a UTF-8 CSV
    are; an XLSX sheet and a GB18030 CSV go record by record (``columnar_records`` says why)."""
    if not isinstance(item, str) or item.endswith((".parquet", ".jsonl")):
        return True
    if not item.endswith(".csv"):
        return False
    try:
        Path(item).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _assert_same(tmp_path: Path, inputs: list[Any], out: str = "csv") -> bytes | list[Any]:
    columnar = _batch(tmp_path, inputs, columnar=True, out=out)
    usual = _batch(tmp_path, inputs, columnar=False, out=out)
    assert columnar[0] == usual[0]
    assert columnar[1] == usual[1]
    return columnar[0]


def _rows(count: int, seed: int) -> list[list[str]]:
    """Seed records with one in seven broken the ways real exports break."""
    rows = [list(row) for row in generator.rows(count, seed=seed)]
    breaks: list[tuple[int, str]] = [
        (MONEY, "abc"),  # not-a-number
        (MONEY, ""),  # missing-fact
        (MONEY, "110美元"),  # unit-mismatch
        (COUNT, "12.5"),  # fact-not-whole
        (TIER, "优秀"),  # a tier the spec does not have
        (TIER, "不适用"),  # not applicable by its tier cell
        (RATE, " 97% "),  # spaces a reader strips
    ]
    for k in range(0, count, 7):
        column, text = breaks[(k // 7) % len(breaks)]
        rows[k][column] = text
    return rows


def _typed(cell: str) -> Any:
    """A cell as a spreadsheet or a typed column holds it: numbers as numbers."""
    try:
        number = Decimal(cell)
    except ArithmeticError:
        return cell or None
    return int(number) if number == number.to_integral_value() else float(number)


# ---- XLSX ---------------------------------------------------------------------------------------
def _xlsx(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _xlsx_rows(count: int, seed: int) -> list[list[Any]]:
    rows: list[list[Any]] = [[_typed(cell) for cell in row] for row in _rows(count, seed)]
    rows[1][YEAR] = datetime.date(2021, 12, 31)  # a date: read as 2021-12-31, the usual way
    rows[2][COUNT] = True  # a boolean where a count is due
    rows[3] = []  # an empty row: no record
    rows[4][MONEY] = 1e20  # a number in exponent form
    rows[5] = rows[5][:10]  # a short row: padded with empty cells
    rows[6] = [*rows[6], None, None, "beyond"]  # a value right of the header
    rows[8][SCORE] = 2.75  # a score given as a number with places
    rows[9][0] = 20210009  # an id that is a number
    rows[10][RATE] = 0.9914  # a rate as a fraction
    return rows


@pytest.mark.parametrize("out", ["csv", "jsonl", "xlsx"])
def test_xlsx_columnar_equals_record_by_record(tmp_path: Path, out: str) -> None:
    source = _xlsx(tmp_path / "in.xlsx", _xlsx_rows(300, seed=3))
    _assert_same(tmp_path, [str(source)], out)


def test_xlsx_of_numbers_as_numbers_scores_as_its_text(tmp_path: Path) -> None:
    """A sheet of numbers scores as the CSV of the same texts (its source aside)."""
    rows = [list(row) for row in generator.rows(40, seed=5)]
    xlsx = _xlsx(tmp_path / "in.xlsx", [[_typed(cell) for cell in row] for row in rows])
    csv_file = tmp_path / "in.csv"
    generator_csv = [",".join(HEADER)] + [
        ",".join(f'"{cell}"' if "," in cell else cell for cell in row) for row in rows
    ]
    csv_file.write_text("\n".join(generator_csv) + "\n", encoding="utf-8")
    from_xlsx = _batch(tmp_path, [str(xlsx)], columnar=True)[0]
    from_csv = _batch(tmp_path, [str(csv_file)], columnar=True)[0]
    assert isinstance(from_xlsx, bytes)
    assert isinstance(from_csv, bytes)
    assert from_xlsx.replace(str(xlsx).encode(), b"F") == from_csv.replace(
        str(csv_file).encode(), b"F"
    )


def test_xlsx_rows_out_of_order_go_record_by_record(tmp_path: Path) -> None:
    """A sheet whose XML numbers rows downwards cannot be put in a frame: its chunk goes the
    usual way, and writes the same."""
    source = _xlsx(tmp_path / "in.xlsx", [[_typed(c) for c in r] for r in _rows(6, seed=1)])
    _assert_same(tmp_path, [str(source)])


# ---- JSON Lines ---------------------------------------------------------------------------------
def _json_value(cell: str) -> Any:
    typed = _typed(cell)
    return Decimal(repr(typed)) if isinstance(typed, float) else typed


def _jsonl_lines(count: int, seed: int) -> Iterator[str]:
    for k, row in enumerate(_rows(count, seed)):
        record = {name: _json_value(cell) for name, cell in zip(HEADER, row, strict=True)}
        if k % 3 == 0:  # text as text, numbers as strings
            record = {name: cell or None for name, cell in zip(HEADER, row, strict=True)}
        yield _dumps(record)


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, default=str)


def _jsonl_broken() -> list[str]:
    flat = dict(zip(HEADER, next(iter(_rows(1, seed=9))), strict=True))
    return [
        "",  # a blank line: no record
        "{not json",  # json-syntax
        "[1, 2]",  # not an object
        _dumps({**flat, "预算资金": {"total": "110万元", "items": {"a": "110万元"}}}),  # itemised
        _dumps({**flat, "满意度": True}),  # a boolean
        _dumps({**flat, "id": 7, "年度": 2021}).replace('"年度": 2021', '"年度": 2.021e3'),
        '{"id": "dup", "id": "twice"}',  # duplicate-key
        _dumps({**flat, "预算资金": None}),  # null: the fact not given
        _dumps({**flat, "unknown column": "x"}),  # a header that does not resolve
        _dumps(dict(reversed(list(flat.items())))),  # the same keys in another order
        _dumps({"project": {"name": "X"}, "values": {"预算资金": "110万元"}}),  # facts mapping
        '{"id": "nan", "满意度": NaN}',  # not-finite
        _dumps({**flat, "id": "\ud800x"}).replace("\ud800", "\\ud800"),  # half a character
        _dumps({**flat, "id": 12345678901234567890}),  # an integer of 20 digits
        _dumps({**flat, "id": " spaced "}),  # an id to strip
        _dumps({k: v for k, v in flat.items() if k != "id"}),  # no id: line N
        _dumps({**flat, "满意度": Decimal("-0.0"), "年度": 0}).replace('"年度": 0', '"年度": -0'),
    ]


@pytest.mark.parametrize("out", ["csv", "jsonl", "xlsx"])
def test_json_lines_columnar_equals_record_by_record(tmp_path: Path, out: str) -> None:
    lines = list(_jsonl_lines(200, seed=4))
    for k, line in enumerate(_jsonl_broken()):
        lines.insert(5 + 9 * k, line)
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    _assert_same(tmp_path, [str(source)], out)


def test_json_line_without_id_is_named_by_its_line(tmp_path: Path) -> None:
    flat = dict(zip(HEADER, _rows(2, seed=9)[1], strict=True))
    del flat["id"], flat["项目名称"]  # no id, no name: named by its line
    source = tmp_path / "in.jsonl"
    source.write_text(_dumps(flat) + "\n\n" + _dumps(flat) + "\n", encoding="utf-8")
    written = _assert_same(tmp_path, [str(source)])
    assert isinstance(written, bytes)
    lines = written.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("line 1,")
    assert lines[2].startswith("line 3,")
    assert lines[2].endswith(f",{source}:line 3")


def test_flat_lines_read_as_the_converter_reads_them() -> None:
    """``_flat`` keeps what a text stands for exactly, and leaves every other line alone."""
    flat = columnar_records._flat
    assert flat('{"id": 5, "a": 0.10, "b": -0, "c": null}') == (
        ("id", "a", "b", "c"),
        ["5", "0.10", "0", None],
    )
    for line in (
        '{"id": 1e5}',  # exponent: Decimal writes it 1E+5
        '{"id": 1, "id": 2}',
        '{"project": {}, "values": {}}',
        '{"id": "x"}',  # no fact: the converter decides
        '{"id": "x", "a": [1]}',
        '{"id": "x", "a": true}',
        '{"id": "x", "a": Infinity}',
        '{"id": "\\uD834x"}',
        "not json",
    ):
        assert flat(line) is None, line


# ---- Parquet and SQL ----------------------------------------------------------------------------
def _typed_table(rows: list[list[str]]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {
        name: [row[i] for row in rows] for i, name in enumerate(HEADER)
    }
    columns["年度"] = [int(cell) for cell in columns["年度"]]
    columns["接访人次"] = [float(cell) if cell else None for cell in columns["接访人次"]]
    columns["立项依据充分性.score"] = [
        Decimal(cell) if cell else None for cell in columns["立项依据充分性.score"]
    ]
    return columns


@pytest.mark.parametrize("out", ["csv", "jsonl", "xlsx"])
def test_parquet_columnar_equals_record_by_record(tmp_path: Path, out: str) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = _rows(300, seed=6)
    columns = _typed_table(rows)
    arrays = {name: pa.array(cells) for name, cells in columns.items()}
    arrays["年度"] = pa.array(columns["年度"], pa.int64())
    arrays["立项依据充分性.score"] = pa.array(columns["立项依据充分性.score"], pa.decimal128(6, 2))
    flags = [k % 11 == 0 for k in range(len(rows))]
    arrays["实施单位"] = pa.array(flags)  # booleans: those rows the usual way
    arrays["接访人次"] = pa.array(
        [None if k % 13 == 0 else v for k, v in enumerate(columns["接访人次"])], pa.float64()
    )
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table(arrays), source, row_group_size=64)
    _assert_same(tmp_path, [str(source)], out)


def test_parquet_dates_and_huge_numbers(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = _rows(30, seed=8)
    columns: dict[str, Any] = {name: [row[i] for row in rows] for i, name in enumerate(HEADER)}
    columns["年度"] = pa.array([datetime.date(2021, 1, 1 + k) for k in range(30)])
    columns["接访批次"] = pa.array([10**16 + k if k % 4 == 0 else k for k in range(30)], pa.int64())
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table(columns), source)
    _assert_same(tmp_path, [str(source)], "jsonl")


def test_sqlite_query_columnar_equals_record_by_record(tmp_path: Path) -> None:
    rows = _rows(250, seed=7)
    columns = _typed_table(rows)
    path = tmp_path / "finance.db"
    with sqlite3.connect(path) as db:
        names = ", ".join(f'"{name}"' for name in HEADER)
        db.execute(f"CREATE TABLE projects ({names})")
        marks = ", ".join("?" for _ in HEADER)
        typed = list(zip(*columns.values(), strict=True))
        db.executemany(
            f"INSERT INTO projects VALUES ({marks})",
            [tuple(str(c) if isinstance(c, Decimal) else c for c in row) for row in typed],
        )
        db.execute("INSERT INTO projects (id) VALUES ('only an id')")
    db.close()
    for out in ("csv", "jsonl"):
        columnar, usual = (
            _batch(tmp_path, [_query(path)], columnar=way, out=out) for way in (True, False)
        )
        assert columnar == usual


def _query(path: Path) -> SqlQuery:
    return SqlQuery(connect(f"sqlite:///{path}"), "SELECT * FROM projects ORDER BY rowid")


# ---- CSV that is not UTF-8, several inputs, what goes the usual way ------------------------------
def test_gb18030_csv_columnar_equals_record_by_record(tmp_path: Path) -> None:
    rows = _rows(200, seed=2)
    rows[10] = rows[10][:5]  # a row of the wrong width
    lines = [",".join(HEADER)] + [
        ",".join(f'"{cell}"' if "," in cell else cell for cell in row) for row in rows
    ]
    lines.insert(20, ",,,")  # a blank row
    source = tmp_path / "gbk.csv"
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    _assert_same(tmp_path, [str(source)])


def test_several_inputs_of_every_kind_are_numbered_across(tmp_path: Path) -> None:
    """The summary's first failures, best and worst name records by their index across all
    inputs: each kind's chunks continue the count."""
    xlsx = _xlsx(tmp_path / "a.xlsx", _xlsx_rows(60, seed=1))
    jsonl = tmp_path / "b.jsonl"
    jsonl.write_text("\n".join(_jsonl_lines(60, seed=2)) + "\n", encoding="utf-8")
    csv_file = tmp_path / "c.csv"
    csv_file.write_text(
        "\n".join([",".join(HEADER)] + [",".join(r) for r in generator.rows(30, seed=3)]) + "\n",
        encoding="utf-8",
    )
    _assert_same(tmp_path, [str(xlsx), str(jsonl), str(csv_file), str(xlsx)])


def test_facts_files_and_declined_specs_go_record_by_record(tmp_path: Path) -> None:
    spec = load_spec(SPEC)
    folder = open_inputs(spec, [str(ROOT / "examples" / "hengnan_xinfang_2021.yaml")])[0]
    assert columnar_records.records_results(spec, folder, 0) is None


def test_chunks_of_a_long_input_are_scored_in_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An input longer than a chunk is scored a chunk at a time, the count carried on."""
    monkeypatch.setattr(columnar_records, "CHUNK_RECORDS", 37)
    source = _xlsx(tmp_path / "in.xlsx", _xlsx_rows(200, seed=12))
    lines = list(_jsonl_lines(150, seed=13))
    lines[40:40] = _jsonl_broken()
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _assert_same(tmp_path, [str(source), str(jsonl)])


def test_a_bug_in_the_columnar_scorer_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk the columnar scorer fails on (a bug) is scored the usual way: the same rows."""
    xlsx = _xlsx(tmp_path / "in.xlsx", _xlsx_rows(40, seed=15))
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(_jsonl_lines(40, seed=16)) + "\n", encoding="utf-8")
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    parquet = tmp_path / "in.parquet"
    pq.write_table(pa.table(_typed_table(_rows(40, seed=17))), parquet)
    inputs = [str(xlsx), str(jsonl), str(parquet)]
    usual = _batch(tmp_path, inputs, columnar=False)
    calls: list[int] = []

    def broken(*args: Any) -> Any:
        calls.append(1)
        raise RuntimeError("a bug in the columnar scorer")

    monkeypatch.setattr(columnar_records._RowReading, "score", broken)
    assert _batch(tmp_path, inputs, columnar=True) == usual
    assert len(calls) == 2  # JSON Lines and Parquet: the XLSX sheet goes record by record


def test_a_chunk_mostly_kept_out_of_its_frame_goes_the_usual_way_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key of booleans keeps every line out of the frame: the chunk goes the usual way, with
    the same output; no frame is scored."""
    lines = [json.loads(line) for line in _jsonl_lines(60, seed=18)]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(_dumps({**line, "年度": True}) for line in lines) + "\n", encoding="utf-8"
    )
    usual = _batch(tmp_path, [str(source)], columnar=False)
    scored: list[int] = []
    original = columnar_records._RowReading.score

    def counted(self: Any, *args: Any) -> Any:
        scored.append(1)
        return original(self, *args)

    monkeypatch.setattr(columnar_records._RowReading, "score", counted)
    assert _batch(tmp_path, [str(source)], columnar=True) == usual
    assert scored == []
