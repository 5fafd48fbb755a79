"""``jixiao batch`` on a CSV against the csv-module floor, every figure from one run (issue 16).

    python benchmarks/bench_columnar.py                  # 100,000 and 1,000,000 records
    python benchmarks/bench_columnar.py --sizes 20000 --runs 1   # a smoke run

For each size, a seed CSV (``records.write_csv``) and the same with 5% of its records broken
(bad cells, rows of the wrong width, blank rows). Then, taking turns in this process, best of
``--runs``:

  * the floor: the file read with ``csv.reader`` and every row written back with ``csv.writer``
    (the least any Python program does to read and write it);
  * ``jixiao batch`` (``run_batch``, CSV → CSV, the columnar path), start-up left out.

Printed: each time, the ratio jixiao ÷ floor (targets: ≤ 1.5 on the seed, ≤ 2 with 5% broken),
the peak memory of a whole ``jixiao batch`` process at the largest size (target ≤ 300 MB),
this machine's load average before and after, and whether the output equals the
record-by-record path's byte for byte (``--no-check`` skips that: it takes minutes at 1M).
Timings are never asserted: the only failure is a difference in the output (exit 1).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import records  # the generator beside this file

from scoring.batch import run as batch_run

SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
BROKEN = ("abc", "", "110美元", "-5", "12.5", "达成", "未知指标: x", "1,00,000元", "150%", "不适用")


def broken_copy(source: Path, target: Path, share: float = 0.05, seed: int = 1) -> Path:
    """``source`` with ``share`` of its records broken, as exports break them."""
    rng = random.Random(seed)
    with (
        source.open(encoding="utf-8", newline="") as inp,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        reader, writer = csv.reader(inp), csv.writer(out)
        writer.writerow(next(reader))
        for row in reader:
            if rng.random() < share:
                kind = rng.randrange(3)
                if kind == 0:
                    row[rng.randrange(4, len(row))] = rng.choice(BROKEN)
                elif kind == 1:
                    row = [*row, "extra"] if rng.random() < 0.5 else row[:-1]
                else:
                    out.write("\r\n")  # a blank row before this one
            writer.writerow(row)
    return target


def floor(source: Path, out: Path) -> float:
    start = time.perf_counter()
    records.copy_csv(source, out)
    return time.perf_counter() - start


def jixiao(source: Path, out: Path, columnar: bool = True) -> float:
    original = batch_run._columnar
    if not columnar:
        batch_run._columnar = lambda *_: None
    start = time.perf_counter()
    try:
        batch_run.run_batch(str(SPEC), [str(source)], str(out))
    finally:
        batch_run._columnar = original
    return time.perf_counter() - start


def peak_memory(source: Path, out: Path) -> int:
    """Peak resident memory (KB) of a whole ``jixiao batch`` process on ``source``.

    The process's own high-water mark (``VmHWM``), not ``ru_maxrss``: Linux carries a process's
    resident size at ``fork`` into the child's ``ru_maxrss`` across ``exec``, so a child of this
    benchmark, which has just held a million rows, reported this process's size (340–394 MB
    against the child's own 250 MB). ``ru_maxrss`` only where there is no /proc."""
    code = (
        "import resource, sys\n"
        "from scoring.batch.run import run_batch\n"
        "run_batch(sys.argv[1], [sys.argv[2]], sys.argv[3])\n"
        "try:\n"
        "    with open('/proc/self/status') as status:\n"
        "        print(next(l.split()[1] for l in status if l.startswith('VmHWM:')))\n"
        "except OSError:\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(SPEC), str(source), str(out)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return int(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (best kept)")
    parser.add_argument("--no-check", action="store_true", help="skip the byte comparison")
    parser.add_argument("--keep", metavar="DIR", help="generate the CSV files here and keep them")
    args = parser.parse_args(argv)
    folder = Path(args.keep or tempfile.mkdtemp(prefix="jixiao-columnar-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    failed = False
    for size in args.sizes:
        seed = folder / f"seed_{size}.csv"
        if not seed.exists():
            records.write_csv(seed, size)
        broken = folder / f"broken_{size}.csv"
        if not broken.exists():
            broken_copy(seed, broken)
        for label, source, target in (("seed", seed, 1.5), ("5% broken", broken, 2.0)):
            floors, ours = [], []
            for _ in range(args.runs):  # taking turns, so both meet the same neighbours
                floors.append(floor(source, folder / "floor.csv"))
                ours.append(jixiao(source, folder / "out.csv"))
            best_floor, best = min(floors), min(ours)
            ratio = best / best_floor
            verdict = "ok" if ratio <= target else "over target"
            print(
                f"{size:>9,} {label:<10} floor {best_floor:6.2f} s  jixiao {best:6.2f} s  "
                f"ratio {ratio:.2f} (target ≤ {target}: {verdict})"
            )
            if not args.no_check:
                jixiao(source, folder / "usual.csv", columnar=False)
                same = (folder / "out.csv").read_bytes() == (folder / "usual.csv").read_bytes()
                print(f"{'':>9} {'':<10} output equal to the record-by-record path: {same}")
                failed |= not same
    largest = folder / f"seed_{max(args.sizes)}.csv"
    kb = peak_memory(largest, folder / "memory.csv")
    print(f"peak memory of jixiao batch at {max(args.sizes):,} records: {kb / 1024:.0f} MB "
          f"(target ≤ 300 MB)")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
