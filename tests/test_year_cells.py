"""A record whose 年度 is no year is refused on every batch path, as its facts file would be.

The fast paths (column by column, and the compiled plan's row reader) score without reading the
project's fields; a 年度 the facts model refuses (``0``, ``5``, ``1e309``) must still send the
row to the engine, which words the error. Found by comparing the two paths on damaged inputs:
both fast paths scored such a CSV row, and the columnar path such a JSON line.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, records_generator

pytest.importorskip("polars")

from scoring.batch import run as batch_run

SPEC = str(ROOT / "indicators" / "xinfang_weiwen.yaml")
generator = records_generator()
HEADER: list[str] = generator.header()
YEARS: list[Any] = ["0", 5, "1e309", "2021年度", " 2022 ", ""]


def _records() -> list[dict[str, Any]]:
    rows = [dict(zip(HEADER, row, strict=True)) for row in generator.rows(len(YEARS), seed=3)]
    for row, year in zip(rows, YEARS, strict=True):
        row["年度"] = year
    return rows


def _write(path: Path) -> Path:
    rows = _records()
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows([row[name] for name in HEADER] for row in rows)
    else:
        path.write_text(
            "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
        )
    return path


def _errors(tmp_path: Path, source: Path, way: str) -> list[str]:
    """The error column of each output row, scored ``way``: columnar, usual, or workers."""
    target = tmp_path / f"{way}.csv"
    original = batch_run._columnar
    if way != "columnar":
        batch_run._columnar = lambda *_: None
    try:
        batch_run.run_batch(SPEC, [str(source)], str(target), workers=2 if way == "workers" else 1)
    finally:
        batch_run._columnar = original
    with target.open(encoding="utf-8-sig", newline="") as handle:
        return [row["error"] for row in csv.DictReader(handle)]


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_a_year_that_is_no_year_is_refused_on_every_path(tmp_path: Path, kind: str) -> None:
    source = _write(tmp_path / f"records.{kind}")
    where = f"{source}:{'row' if kind == 'csv' else 'line'}"
    first = 2 if kind == "csv" else 1

    def refused(k: int, text: str) -> str:
        return (
            f"{where} {first + k}: project.year: {text!r} is not a year: begin with the year "
            "evaluated, such as 2021 [bad-value]"
        )

    expected = [refused(0, "0"), refused(1, "5"), refused(2, "1e309"), "", "", ""]
    for way in ("columnar", "usual", "workers"):
        assert _errors(tmp_path, source, way) == expected, way
