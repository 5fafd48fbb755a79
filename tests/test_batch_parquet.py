"""jixiao batch with Parquet in and out (pyarrow; the tests are skipped where it is not installed).

The reference is the CSV path: the same records as a CSV and as a Parquet file give the same
scores and errors, only the file differing (``in.parquet:row N`` for ``in.csv:row N``: the
rows are numbered under the header, row 1, as a CSV's). A Parquet output holds what the CSV output holds, scores as
exact decimals and nulls where the CSV has empty cells.
"""

from __future__ import annotations

import csv
import datetime
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Run
from test_batch_sql import HEADER, read_output, sample_rows

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

Jixiao = Callable[..., Run]
SPEC = str(ROOT / "indicators" / "xinfang_weiwen.yaml")


def write_parquet(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    pq.write_table(pa.table(columns), path, row_group_size=16)
    return path


def reference(
    jixiao: Jixiao, tmp_path: Path, rows: list[list[str]], where: str
) -> list[dict[str, str]]:
    """The CSV path's output of the rows, located as ``where`` (the Parquet file) locates them."""
    source = tmp_path / "reference.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    out = tmp_path / "reference.out.csv"
    jixiao("batch", SPEC, str(source), "-o", str(out))
    got = read_output(out)
    for row in got:
        row["error"] = row["error"].replace(f"{source}:", f"{where}:")
        row["source"] = row["source"].replace(str(source), where)
    return got


def test_parquet_records_score_as_the_same_rows_in_a_csv(jixiao: Jixiao, tmp_path: Path) -> None:
    """Text columns, read in batches: every record a row, in order, errors located at its row."""
    rows = sample_rows(40)
    source = write_parquet(tmp_path / "in.parquet", rows)
    out = tmp_path / "out.csv"
    run = jixiao("batch", SPEC, str(source), "-o", str(out))
    assert run.code == 1
    assert "records: 40, scored 36, failed 4\n" in run.err
    got = read_output(out)
    assert got == reference(jixiao, tmp_path, rows, str(source))
    assert got[7]["error"] == (
        f"{source}:row 9: values: missing fact '实际支出' (实际支出资金, money in 万元), needed by "
        "预算执行率, 成本控制 [missing-fact]"
    )


def test_typed_parquet_columns_read_as_a_spreadsheet_reads_its_cells(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    """Integers, floats, decimals and dates score as the text they stand for."""
    rows = sample_rows(20)[14:]
    table: dict[str, Any] = {name: [row[i] for row in rows] for i, name in enumerate(HEADER)}
    table["年度"] = pa.array([int(cell) for cell in table["年度"]], pa.int64())
    table["接访人次"] = pa.array([float(cell) for cell in table["接访人次"]], pa.float64())
    for name in HEADER:
        if name.endswith(".score"):
            table[name] = pa.array(
                [Decimal(cell) if cell else None for cell in table[name]], pa.decimal128(5, 2)
            )
    table["填报日期"] = pa.array([datetime.date(2022, 3, 1)] * len(rows), pa.date32())
    source = tmp_path / "typed.parquet"
    pq.write_table(pa.table(table), source)
    out = tmp_path / "typed.csv"
    assert jixiao("batch", SPEC, str(source), "-o", str(out)).code == 0
    assert read_output(out) == reference(jixiao, tmp_path, rows, str(source))


def test_parquet_output_holds_the_csv_outputs_rows(
    jixiao: Jixiao, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scores as decimal128(38, 2) (the spec's places), text as strings, nulls for nothing;
    written in row groups; the same with --workers 2."""
    from scoring.batch import parquet

    monkeypatch.setattr(parquet, "ROW_GROUP", 16)
    rows = sample_rows(40)
    source = write_parquet(tmp_path / "in.parquet", rows)
    expected = reference(jixiao, tmp_path, rows, str(source))
    tables = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.parquet"
        assert jixiao("batch", SPEC, str(source), "-o", str(out), "-j", workers).code == 1
        tables.append(pq.read_table(out))
        assert pq.ParquetFile(out).metadata.num_row_groups == 3  # 16 + 16 + 8
    table = tables[0]
    assert tables[1].equals(table)
    assert table.schema.metadata == {b"creator": b"jixiao"}
    columns = list(expected[0])
    assert table.column_names == columns
    for name in columns:
        kind = table.schema.field(name).type
        numeric = name in ("total", "决策", "过程", "产出", "效益")
        assert kind == (pa.decimal128(38, 2) if numeric else pa.string())
    got = table.to_pylist()
    assert [{k: ("" if v is None else str(v)) for k, v in row.items()} for row in got] == expected
    assert got[3]["total"] is None
    assert got[0]["total"] == Decimal(expected[0]["total"])
    assert list(tmp_path.glob(".*.tmp")) == []


def test_a_parquet_input_shows_its_record_count(tmp_path: Path) -> None:
    """The footer's row count is the progress bar's total, read without the data."""
    from scoring.batch.inputs import open_inputs
    from scoring.spec.loader import load_spec

    source = write_parquet(tmp_path / "in.parquet", sample_rows(20))
    (opened,) = open_inputs(load_spec(SPEC), [str(source)])
    assert (opened.kind, opened.count) == ("parquet", 20)
    assert [number for number, _ in opened.records()] == list(range(2, 22))


def test_a_parquet_header_that_does_not_fit_is_one_error(jixiao: Jixiao, tmp_path: Path) -> None:
    rows = [row[:5] for row in sample_rows(2)]
    source = write_parquet(tmp_path / "bad.parquet", rows, ["id", "预算", *HEADER[2:5]])
    run = jixiao("batch", SPEC, str(source), "-o", str(tmp_path / "o.csv"))
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        f"{source}:1:2: unknown column '预算': not a fact id or label, a project field, "
        "'<indicator>.tier' …, or not_applicable; did you mean '预算资金'? [batch-unknown-column]\n"
    )


def test_a_file_that_is_not_parquet_is_one_error(jixiao: Jixiao, tmp_path: Path) -> None:
    source = tmp_path / "fake.parquet"
    source.write_text("id,total\n", encoding="utf-8")
    run = jixiao("batch", SPEC, str(source), "-o", str(tmp_path / "o.csv"))
    assert (run.code, run.out) == (1, "")
    assert run.err == f"{source}: cannot read: not a Parquet file [file-unreadable]\n"


def test_parquet_without_pyarrow_names_what_to_install(
    jixiao: Jixiao, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_parquet(tmp_path / "in.parquet", sample_rows(2))
    for module in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, module, None)  # import raises ImportError
    run = jixiao("batch", SPEC, str(source), "-o", str(tmp_path / "o.csv"))
    assert (run.code, run.err) == (
        1,
        (
            f"{source}: reading and writing this needs the Python package pyarrow, which is not "
            "installed; install it with: pip install 'jixiao[sql]' [driver-missing]\n"
        ),
    )
