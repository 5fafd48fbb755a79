"""``jixiao batch`` on JSON Lines and Parquet inputs: columnar against record by record.

    python benchmarks/bench_inputs.py                        # 100,000 seed records, best of 3
    python benchmarks/bench_inputs.py --records 5000 --runs 1   # a smoke run

For each input kind, the seed records (``records.rows``) are written once in that kind, the way
each holds them: JSON Lines as flat records with numbers as JSON numbers, Parquet with typed
columns (the year an integer, a count a float, a rating's score a decimal). Then, in this process
and taking turns (columnar, record by record, columnar …), best of ``--runs``, ``run_batch``
writes each to a CSV: the columnar path (``scoring/batch/columnar_records.py``, the default) and
the record-by-record one (``run._columnar`` turned off). Start-up is left out of both.

Printed per kind: both times, the ratio record-by-record ÷ columnar (the speed-up), the load
average before and after, and whether the two outputs are equal byte for byte (exit 1 if not;
timings are never asserted). An XLSX sheet and ``score_many`` go one record at a time, with no
columnar path to compare: docs/batch.md says why.
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
    "parquet": (".parquet", write_parquet),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", default=",".join(KINDS), help="jsonl,parquet (or none)")
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
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
