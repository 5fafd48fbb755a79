"""Speed of the what-if over a population (issue 16): ``jixiao diff SPEC_A SPEC_B INPUT`` against
the csv-module floor, every figure from one run in one process.

    python benchmarks/bench_whatif.py                      # 100,000 records
    python benchmarks/bench_whatif.py --records 1000000    # the issue's 1,000,000
    python benchmarks/bench_whatif.py --quick              # a smoke run: 2,000 records, one run
    python benchmarks/bench_whatif.py --record-by-record   # without the columnar backend

The population is the seed spec's generated records (``records.py``, as ``bench_score.py``),
scored under indicators/xinfang_weiwen.yaml (A) and its process-heavy profile (B), which moves ten
points and changes qualitative weights, so every record's ratings in points are carried to B.

Timed, taking turns, best of ``--runs``:
  1. the floor: Python's csv module reading the same file and writing every row to another;
  2. the what-if: ``diff_population`` (both specs loaded and warmed beforehand), which reads the
     file once and scores each block under A and under B — column by column where the columnar
     backend can (``population_columnar``), else record by record — and builds the summary.
The ratio what-if ÷ floor is printed against the issue's target (≤ 3×). Peak memory (the
process's maximum resident set) is printed too.

Answers are checked, not timed: the summary counts every record, none fails, and a stride of
records (about 500 of them) is scored alone with ``compare()``; each one's grades under A and B
and its change of total must be what the population run counted (its transition is present and
its change occurs). A disagreement exits 1; timings are never judged.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import records  # the generator beside this file, importable once its folder is on the path

from scoring.batch.inputs import open_inputs
from scoring.batch.population_diff import TOTAL, PopulationDiff, diff_population
from scoring.engine.facts import Facts, facts_from_record
from scoring.engine.whatif import compare
from scoring.errors import ScoringError
from scoring.spec.compiled import Spec
from scoring.spec.loader import load_spec

SPEC_A = ROOT / "indicators" / "xinfang_weiwen.yaml"
SPEC_B = ROOT / "indicators" / "profiles" / "xinfang_weiwen_process_heavy.yaml"
TARGET = 3.0  # issue 16: a what-if over 1,000,000 records in ≤ 3× the floor
CHECKED = 500  # records scored alone with compare() to check the population's answers


def timed(function: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def check(spec_a: Spec, spec_b: Spec, path: Path, summary: PopulationDiff, count: int) -> list[str]:
    """What is wrong with the population's answers (nothing, normally)."""
    wrong = []
    if summary.records != count:
        wrong.append(f"{summary.records:,} records summarised, {count:,} in the file")
    if summary.failures:
        wrong.append(f"{len(summary.failures):,} records failed: {summary.failures[0]}")
    (item,) = open_inputs(spec_a, [str(path)])
    converter = item.converter
    stride = max(count // CHECKED, 1)
    changes = summary.changes(TOTAL)
    for index, (number, payload) in enumerate(item.records()):
        if index % stride:
            continue
        _, record = converter.convert(spec_a, number, payload)
        if isinstance(record, ScoringError):
            wrong.append(f"row {number}: {record}")
            continue
        facts = record if isinstance(record, Facts) else facts_from_record(record)
        c = compare(spec_a, spec_b, facts)
        if summary.transitions[(c.a.grade, c.b.grade)] == 0:
            wrong.append(f"row {number}: {c.a.grade} → {c.b.grade} not counted")
        if changes[c.total_delta] == 0:
            wrong.append(f"row {number}: a change of {c.total_delta} not counted")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2,000 records, one run")
    parser.add_argument(
        "--record-by-record", action="store_true", help="without the columnar backend"
    )
    args = parser.parse_args()
    columnar = not args.record_by_record
    count, runs = (2_000, 1) if args.quick else (args.records, args.runs)
    spec_a, spec_b = load_spec(SPEC_A), load_spec(SPEC_B)
    with tempfile.TemporaryDirectory() as folder:
        source = records.write_csv(Path(folder) / "population.csv", count)
        copy = Path(folder) / "copy.csv"
        # Warm: plans and column programs compiled once, as a long-running process has them (on
        # the file itself up to 200,000 records; past that on its first 2,000, in a file of its
        # own, whose column maps are compiled again: a second or so, counted in the timing).
        warm = source if count <= 200_000 else records.write_csv(Path(folder) / "warm.csv", 2_000)
        diff_population(spec_a, spec_b, [str(warm)], top=20, columnar=columnar)
        floors, whatifs = [], []
        summary: object = None
        for _ in range(runs):  # taking turns, so both see the same machine
            seconds, rows = timed(lambda: records.copy_csv(source, copy))
            assert rows == count
            floors.append(seconds)
            seconds, summary = timed(
                lambda: diff_population(spec_a, spec_b, [str(source)], top=20, columnar=columnar)
            )
            whatifs.append(seconds)
        assert isinstance(summary, PopulationDiff)
        wrong = check(spec_a, spec_b, source, summary, count)
    floor, whatif = min(floors), min(whatifs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    up, down, same = summary.grade_moves()
    print(f"records: {count:,}; runs: {runs} (best of each)")
    print(f"csv module floor (read + write):   {floor:8.2f} s")
    how = "column by column" if columnar else "record by record"
    print(f"what-if A vs B (diff_population, {how}): {whatif:8.2f} s")
    verdict = "meets" if whatif <= TARGET * floor else "misses"
    print(f"ratio: {whatif / floor:.2f}× the floor ({verdict} the target ≤ {TARGET:g}×)")
    print(f"peak memory (max RSS of this process): {peak:,.0f} MiB")
    print(f"grades: {up:,} up, {down:,} down, {same:,} unchanged")
    if wrong:
        print("WRONG ANSWERS:", *wrong[:20], sep="\n  ")
        return 1
    print(f"answers checked: {count:,} summarised, none failed, {CHECKED} by compare() alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
