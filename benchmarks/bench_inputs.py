"""``jixiao batch`` on JSON Lines, XLSX and Parquet inputs: columnar against record by record.

    python benchmarks/bench_inputs.py                        # 100,000 seed records, best of 3
    python benchmarks/bench_inputs.py --records 5000 --runs 1   # a smoke run

For each input kind, the seed records (``records.rows``) are written once in that kind, the way
each holds them: JSON Lines as flat records with numbers as JSON numbers, XLSX with numbers as
numbers (as a person types them into Excel), Parquet with typed columns (the year an integer, a
count a float, a rating's score a decimal). Then, in this process and taking turns (columnar,
record by record, columnar …), best of ``--runs``, ``run_batch`` writes each to a CSV: the columnar
path (``scoring/batch/columnar_records.py``, the default) and the record-by-record one
(``run._columnar`` turned off). Start-up is left out of both.

Then ``score_many`` over the same records as facts mappings (``--no-mappings`` leaves it out):
columnar (``columnar_records.ManyScorer``, the default) against one by one, taking turns.

Printed per kind: both times, the ratio record-by-record ÷ columnar (the speed-up), the load
average before and after, and whether the two outputs are equal byte for byte (``score_many``:
every total and grade, or error; exit 1 if not; timings are never asserted).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import records  # the generator beside this file
from bench_columnar import jixiao as batch  # run_batch, columnar or record by record

from scoring import Result
from scoring.batch import core as batch_core
from scoring.batch import score_many
from scoring.spec.loader import load_spec

SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"


def typed(cell: str) -> Any:
    """A cell as a typed source holds it: a plain number as an int or a float, "" as nothing."""
    try:
        number = Decimal(cell)
    except ArithmeticError:
        return cell or None
    return int(number) if number == number.to_integral_value() else float(number)


def write_jsonl(path: Path, count: int) -> Path:
    header = records.header()
    with path.open("w", encoding="utf-8") as out:
        for row in records.rows(count):
            record = {name: typed(cell) for name, cell in zip(header, row, strict=True)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def write_xlsx(path: Path, count: int) -> Path:
    openpyxl: Any = importlib.import_module("openpyxl")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(records.header())
    for row in records.rows(count):
        sheet.append([typed(cell) for cell in row])
    book.save(path)
    return path


def write_parquet(path: Path, count: int) -> Path:
    pa: Any = importlib.import_module("pyarrow")
    pq: Any = importlib.import_module("pyarrow.parquet")
    header = records.header()
    rows = list(records.rows(count))
    columns: dict[str, Any] = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    columns["年度"] = pa.array([int(cell) for cell in columns["年度"]], pa.int64())
    columns["接访人次"] = pa.array(
        [float(cell) if cell else None for cell in columns["接访人次"]], pa.float64()
    )
    for name in header:
        if name.endswith(".score"):
            columns[name] = pa.array(
                [Decimal(cell) if cell else None for cell in columns[name]], pa.decimal128(6, 2)
            )
    pq.write_table(pa.table(columns), path)
    return path


KINDS: dict[str, tuple[str, Callable[[Path, int], Path]]] = {
    "jsonl": (".jsonl", write_jsonl),
    "xlsx": (".xlsx", write_xlsx),
    "parquet": (".parquet", write_parquet),
}


def mappings(count: int) -> list[dict[str, Any]]:
    """The seed records as facts mappings (``score_many``'s input): values as the CSV writes
    them, every third record's numbers as numbers."""
    header = records.header()
    found = []
    for k, row in enumerate(records.rows(count)):
        cells = dict(zip(header, row, strict=True))
        values = {
            fact: typed(cells[fact]) if k % 3 == 0 else cells[fact]
            for fact in records.FACT_LABELS
            if cells[fact]
        }
        ratings = {
            leaf: {"tier": cells[f"{leaf}.tier"], "score": cells[f"{leaf}.score"]}
            for leaf in records.QUALITATIVE
            if cells[f"{leaf}.tier"]
        }
        marks = {
            mark.split(":")[0].strip(): mark.partition(":")[2].strip() or "未开展"
            for mark in cells["not_applicable"].split(";")
            if mark.strip()
        }
        mapping: dict[str, Any] = {"project": {"name": cells["项目名称"]}, "values": values}
        mapping.update({"ratings": ratings} if ratings else {})
        mapping.update({"not_applicable": marks} if marks else {})
        found.append(mapping)
    return found


def many(spec: Any, given: list[dict[str, Any]], *, columnar: bool) -> tuple[float, list[str]]:
    """``score_many`` over ``given``: its time, and each outcome's total and grade (or error)."""
    original = batch_core._many_scorer
    if not columnar:
        batch_core._many_scorer = lambda spec: None
    start = time.perf_counter()
    try:
        outcomes = list(score_many(spec, given))
    finally:
        batch_core._many_scorer = original
    took = time.perf_counter() - start
    return took, [f"{o.total} {o.grade}" if isinstance(o, Result) else str(o) for o in outcomes]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", default=",".join(KINDS), help="jsonl,xlsx,parquet (or none)")
    parser.add_argument(
        "--no-mappings", dest="mappings", action="store_false", help="leave score_many out"
    )
    args = parser.parse_args()
    status = 0
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for kind in filter(None, args.kinds.split(",")):
            suffix, write = KINDS[kind]
            started = time.perf_counter()
            source = write(work / f"seed{suffix}", args.records)
            made = time.perf_counter() - started
            times: dict[bool, list[float]] = {True: [], False: []}
            for _ in range(args.runs):
                for columnar in (True, False):
                    out = work / f"{kind}-{'columnar' if columnar else 'usual'}.csv"
                    times[columnar].append(batch(source, out, columnar=columnar))
            same = (work / f"{kind}-columnar.csv").read_bytes() == (
                work / f"{kind}-usual.csv"
            ).read_bytes()
            fast, slow = min(times[True]), min(times[False])
            print(
                f"{kind:8} {args.records:,} records (written in {made:.1f} s): columnar "
                f"{fast:.2f} s, record by record {slow:.2f} s, {slow / fast:.2f}× faster; "
                f"outputs {'equal' if same else 'DIFFER'}"
            )
            status |= not same
    if args.mappings:
        spec = load_spec(SPEC)
        given = mappings(args.records)
        many_times: dict[bool, list[float]] = {True: [], False: []}
        outputs: dict[bool, list[str]] = {}
        for _ in range(args.runs):
            for columnar in (True, False):
                took, outputs[columnar] = many(spec, given, columnar=columnar)
                many_times[columnar].append(took)
        fast, slow = min(many_times[True]), min(many_times[False])
        same = outputs[True] == outputs[False]
        print(
            f"score_many {args.records:,} mappings: columnar {fast:.2f} s, record by record "
            f"{slow:.2f} s, {slow / fast:.2f}× faster; outcomes {'equal' if same else 'DIFFER'}"
        )
        status |= not same
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
