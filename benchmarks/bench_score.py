"""Speed of jixiao against the targets of issue 6, every figure from one run on one machine.

    python benchmarks/bench_score.py            # the full run: 100,000 and 1,000,000 records
    python benchmarks/bench_score.py --quick    # a smoke run for CI: small sizes, targets not judged

Times, in one run:
  1. ``score()`` on the seed example (spec loaded once; the facts file read once), and the same
     with nothing remembered from the call before (each value text parsed afresh);
  2. the floor: a hand-written Python function computing the same leaf scores and total from the
     seed's values already read into Decimals (as score() remembers them), knowing the seed spec
     by heart; checked equal to score(), and timed taking turns with it in this process;
  3. the naive baseline: the same formulas as text, evaluated by simpleeval parsing each time
     (taking turns with score() and the floor);
  4. the compiled plan (what ``jixiao batch`` scores a row with) on the same project, its values
     read from the mapping each time as the floor reads them;
  5. ``jixiao batch`` CSV → CSV over 100,000 and 1,000,000 generated records, with one worker and
     with ``--workers 2``; peak memory of the 1,000,000 runs; each the best of ``--runs`` runs
     (this machine's other work slows any single run by up to half), the one- and two-worker runs
     taking turns;
  6. the same one- and two-worker runs called in this process (start-up left out), and this
     machine's own speedup on two processes: a pure-Python loop, one process against two, the
     ceiling ``--workers 2`` can reach here;
  7. the batch machinery alone (the plan's arithmetic replaced by a stored result);
  8. ``jixiao score`` on the seed example as a whole process from a cold start.
Each figure is printed with its ratio and the target. Timings are never asserted: the only
failure is a disagreement between the engine, the plan and the floor (exit 1).
"""

from __future__ import annotations

import argparse
import compileall
import copy
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, NamedTuple

import simpleeval  # type: ignore[import-untyped]  # no type hints shipped

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import records  # the generator beside this file, importable once its folder is on the path

from scoring import facts_from_mapping, load_facts, load_spec, score, score_totals
from scoring.batch.run import run_batch
from scoring.engine.plan import Plan, plan_of
from scoring.engine.plan.reading import FactsReader, facts_reader, readers_for

SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
FACTS = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
CENT = Decimal("0.01")
W = {  # leaf weights of the seed spec, in its order
    "资金到位率": 5,
    "预算执行率": 5,
    "资金使用合规性": 5,
    "交办件办结率": 5,
    "接访批次": 5,
    "培训人次": 5,
    "来访登记建档率": 5,
    "交办件按期办结率": 5,
    "成本控制": 5,
    "赴省进京零非访": 5,
    "服务对象满意度": 5,
}
TIERS = {"达成": (Decimal("0.8"), Decimal(1)), "部分达成": (Decimal("0.6"), Decimal("0.8"))}
TIERS["未达成"] = (Decimal(0), Decimal("0.6"))
TOPS = {"决策": 15, "过程": 25, "产出": 35, "效益": 25}
TOP_OF = {  # leaf → 一级指标
    **dict.fromkeys(
        ["立项依据充分性", "立项程序规范性", "绩效目标合理性", "绩效指标明确性"], "决策"
    ),
    **dict.fromkeys(["预算编制科学性", "资金分配合理性"], "决策"),
    **dict.fromkeys(["资金到位率", "预算执行率", "资金使用合规性", "管理制度健全性"], "过程"),
    "制度执行有效性": "过程",
    **dict.fromkeys(["交办件办结率", "接访批次", "特护期值班值守", "培训人次"], "产出"),
    **dict.fromkeys(["来访登记建档率", "交办件按期办结率", "成本控制"], "产出"),
    **dict.fromkeys(["赴省进京零非访", "矛盾纠纷化解", "重点企业稳定", "长效工作机制"], "效益"),
    "服务对象满意度": "效益",
}
_NUMBER = re.compile(r"[\d.]+")


# ---- the floor and the naive baseline ------------------------------------------------------------
def _amount(raw: Any) -> Decimal:
    """万元 from '110万元', '1,090,500元' or a number; itemised values are summed and checked."""
    if isinstance(raw, dict):
        total = _amount(raw["total"])
        items = sum((_amount(item) for item in raw["items"].values()), Decimal(0))
        if items != total:
            pass  # the engine warns here and scores the stated total; so does the floor
        return total
    text = str(raw).replace(",", "")
    if text.endswith("万元"):
        return Decimal(text[:-2])
    if text.endswith("元"):
        return Decimal(text[:-1]) / 10000
    return Decimal(text)


def _count(raw: Any) -> Decimal:
    match = _NUMBER.match(str(raw))
    assert match is not None
    return Decimal(match.group())


def _inputs(facts: Mapping[str, Any]) -> dict[str, Decimal]:
    v = facts["values"]
    out = {name: _amount(v[name]) for name in ("预算资金", "到位资金", "实际支出")}
    for name in ("违规问题数", "交办件数", "交办件办结数", "按期办结数", "接访批次"):
        out[name] = _count(v[name])
    for name in ("登记建档批次", "培训人次", "非访次数"):
        out[name] = _count(v[name])
    return out


def _finish(facts: Mapping[str, Any], leaf: dict[str, Decimal]) -> tuple[Decimal, str]:
    """Qualitative ratings (range-checked), clamp, round, roll up, rescale, grade."""
    for indicator, rating in facts["ratings"].items():
        weight = Decimal(records.QUALITATIVE[indicator])
        low, high = TIERS[rating["tier"]]
        points = Decimal(rating["score"])
        share = points / weight
        if not (low <= share < high or (rating["tier"] == "达成" and share == high)):
            raise ValueError(f"{indicator}: score outside tier")
        leaf[indicator] = points
    not_applicable = facts.get("not_applicable", {})
    obtained = Decimal(0)
    applicable = Decimal(100)
    for name in not_applicable:
        applicable -= W.get(name) or records.QUALITATIVE[name]
    tops = dict.fromkeys(TOPS, Decimal(0))
    for name, points in leaf.items():
        weight = Decimal(W.get(name) or records.QUALITATIVE[name])
        if name in not_applicable:
            continue
        points = min(max(points, Decimal(0)), weight).quantize(CENT, ROUND_HALF_UP)
        tops[TOP_OF[name]] += points
        obtained += points
    total = obtained if applicable == 100 else obtained / applicable * 100
    total = total.quantize(CENT, ROUND_HALF_UP)
    grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    return total, grade


ZERO, ONE, FIVE = Decimal(0), Decimal(1), Decimal(5)


class Floor(NamedTuple):
    """The seed project as the floor starts from it: every value already a Decimal, every rating
    already looked up. score() too reads each text once and remembers it, so the floor is given
    the same head start (the old floor re-parsed '110万元' on every call, and was no floor)."""

    x: dict[str, Decimal]
    ratings: tuple[tuple[str, Decimal, Decimal, Decimal, bool, Decimal], ...]
    not_applicable: frozenset[str]
    applicable: Decimal
    weights: dict[str, Decimal]


def floor_inputs(facts: Mapping[str, Any]) -> Floor:
    x = _inputs(facts)
    not_applicable = frozenset(facts.get("not_applicable", {}))
    if "服务对象满意度" not in not_applicable:
        x["满意度"] = _amount(facts["values"]["满意度"])
    ratings = []
    for name, rating in facts["ratings"].items():
        low, high = TIERS[rating["tier"]]
        top = rating["tier"] == "达成"
        ratings.append(
            (name, Decimal(records.QUALITATIVE[name]), low, high, top, Decimal(rating["score"]))
        )
    weights = {name: Decimal(w) for name, w in {**records.QUALITATIVE, **W}.items()}
    applicable = Decimal(100) - sum((weights[name] for name in not_applicable), ZERO)
    return Floor(x, tuple(ratings), not_applicable, applicable, weights)


def floor_score(p: Floor) -> tuple[Decimal, str]:
    """The honest floor: the seed's rules written out by hand over pre-parsed values, in Decimal,
    doing what score() must (derived values, each rule, rating ranges, clamp and round each leaf,
    the 一级指标 sums, rescale, grade) and nothing general."""
    x, w = p.x, FIVE

    def positive(a: Decimal, t: Decimal) -> Decimal:
        return w if a >= t else max(a, ZERO) * w / t

    cost = x["实际支出"] / x["预算资金"]
    leaf = {
        "资金到位率": positive(x["到位资金"] / x["预算资金"], ONE),
        "预算执行率": positive(x["实际支出"] / x["到位资金"], ONE),
        "资金使用合规性": max(ZERO, w - x["违规问题数"]),
        "交办件办结率": positive(x["交办件办结数"] / x["交办件数"], ONE),
        "接访批次": positive(x["接访批次"], Decimal(150)),
        "培训人次": positive(x["培训人次"], Decimal(500)),
        "来访登记建档率": positive(x["登记建档批次"] / x["接访批次"], ONE),
        "交办件按期办结率": positive(x["按期办结数"] / x["交办件数"], ONE),
        "成本控制": w if cost <= ONE else w * ONE / cost,
        "赴省进京零非访": w if x["非访次数"] <= 0 else ZERO,
    }
    if "满意度" in x:
        leaf["服务对象满意度"] = positive(x["满意度"], Decimal("0.9"))
    for name, weight, low, high, top, points in p.ratings:
        share = points / weight
        if not (low <= share < high or (top and share == high)):
            raise ValueError(f"{name}: score outside tier")
        leaf[name] = points
    tops = dict.fromkeys(TOPS, ZERO)
    obtained = ZERO
    for name, points in leaf.items():
        if name in p.not_applicable:
            continue
        points = min(max(points, ZERO), p.weights[name]).quantize(CENT, ROUND_HALF_UP)
        tops[TOP_OF[name]] += points
        obtained += points
    total = obtained if p.applicable == 100 else obtained / p.applicable * 100
    total = total.quantize(CENT, ROUND_HALF_UP)
    grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    return total, grade


NAIVE_DERIVED = {
    "资金到位率": "到位资金 / 预算资金",
    "预算执行率": "实际支出 / 到位资金",
    "支出预算比": "实际支出 / 预算资金",
    "交办件办结率": "交办件办结数 / 交办件数",
    "按期办结率": "按期办结数 / 交办件数",
    "登记建档率": "登记建档批次 / 接访批次",
}
POSITIVE = "w if a >= t else max(a, 0) / t * w"
NAIVE_LEAVES = {  # leaf → (formula, actual, target)
    "资金到位率": (POSITIVE, "资金到位率", "1"),
    "预算执行率": (POSITIVE, "预算执行率", "1"),
    "资金使用合规性": ("max(w - 1 * a, 0)", "违规问题数", "0"),
    "交办件办结率": (POSITIVE, "交办件办结率", "1"),
    "接访批次": (POSITIVE, "接访批次", "150"),
    "培训人次": (POSITIVE, "培训人次", "500"),
    "来访登记建档率": (POSITIVE, "登记建档率", "1"),
    "交办件按期办结率": (POSITIVE, "按期办结率", "1"),
    "成本控制": ("w if a <= t else w * t / a", "支出预算比", "1"),
    "赴省进京零非访": ("w if a <= 0 else 0", "非访次数", "0"),
}


def naive_score(facts: Mapping[str, Any]) -> tuple[Decimal, str]:
    """The same rules as formula text, parsed and evaluated by simpleeval on every call."""
    names: dict[str, Any] = dict(_inputs(facts))
    functions = {"max": max, "min": min}
    for name, formula in NAIVE_DERIVED.items():
        names[name] = simpleeval.simple_eval(formula, names=names, functions=functions)
    leaf = {}
    for name, (formula, actual, target) in NAIVE_LEAVES.items():
        env = {"a": names[actual], "t": Decimal(target), "w": Decimal(W[name])}
        leaf[name] = simpleeval.simple_eval(formula, names=env, functions=functions)
    return _finish(facts, leaf)


# ---- timing helpers ------------------------------------------------------------------------------
ROUNDS = 15  # short rounds: a pause of the machine spoils one round, not the figure


def per_call(fn: Callable[[], object], seconds: float) -> float:
    """Seconds per call of ``fn`` alone: ``interleaved`` with one function."""
    return interleaved({"fn": fn}, seconds)["fn"]


def interleaved(fns: dict[str, Callable[[], object]], seconds: float) -> dict[str, float]:
    """Seconds per call of each, best of ROUNDS rounds, the functions taking turns round by
    round: a slow spell of the machine hits them all alike, so their ratios hold."""
    counts = {}
    for name, fn in fns.items():
        fn()
        start, calls = time.perf_counter(), 0
        while time.perf_counter() - start < 0.05:
            fn()
            calls += 1
        counts[name] = max(1, int(calls * seconds / ROUNDS / 0.05))
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(ROUNDS):
        for name, fn in fns.items():
            n = counts[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / n)
    return best


_MEASURED = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(code, seconds, peak)
"""


def measured(command: list[str], *, bytecode: bool = True) -> tuple[int, float, float]:
    """Run a command in a fresh wrapper: exit code, wall seconds, peak RSS (MB) of its tree.
    ``bytecode``: it may write compiled modules (as a normal start does); without, not."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", _MEASURED, *command],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]) / 1024


def jixiao(*args: str) -> list[str]:
    return [sys.executable, "-m", "scoring", *args]


def line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<48} {value:>14}  {note}".rstrip(), flush=True)


def judge(ok: bool, quick: bool) -> str:
    return "(not judged: --quick)" if quick else ("MET" if ok else "NOT MET")


# ---- the run -------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a CI smoke run")
    parser.add_argument("--keep", metavar="DIR", help="generate the CSV files here and keep them")
    parser.add_argument("--runs", type=int, default=3, help="batch runs per figure (best kept)")
    args = parser.parse_args(argv)
    quick = args.quick
    runs = 1 if quick else max(1, args.runs)
    small, large = (2_000, 4_000) if quick else (100_000, 1_000_000)
    seconds = 0.5 if quick else 3.0

    spec = load_spec(SPEC)
    facts = load_facts(FACTS)
    mapping = copy.deepcopy(facts.document.data)
    engine = score(spec, facts)
    prepared = floor_inputs(mapping)
    floor, naive = floor_score(prepared), naive_score(mapping)
    plan, readers = plan_of(spec), FactsReader(plan_of(spec), readers_for(spec))
    # The plan leaves itemised amounts to the engine (which warns about them): their totals here.
    flat = facts_from_mapping(_stated_totals(mapping))
    planned = plan_score(plan, readers, flat)
    if not (engine.total, engine.grade) == floor == naive == planned:
        print(f"disagreement: engine {engine.total} {engine.grade}, floor {floor}, naive {naive}")
        print(f"plan {planned}")
        return 1

    print(
        f"jixiao benchmark: Python {sys.version.split()[0]} on {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} (other work on the machine slows every figure)",
        flush=True,
    )
    print("per call, seed example (total 95.85 优 from each of the three):")
    # score() and the floor (and the naive baseline) take turns, in this one process.
    timed = interleaved(
        {
            "score": lambda: score(spec, facts),
            "floor": lambda: floor_score(prepared),
            "naive": lambda: naive_score(mapping),
        },
        seconds,
    )
    t_score, t_floor, t_naive = timed["score"], timed["floor"], timed["naive"]
    t_afresh = per_call(lambda: score_afresh(spec, facts), seconds)
    t_mapping = per_call(lambda: score(spec, facts_from_mapping(mapping)), seconds)
    t_plan = per_call(lambda: plan_score(plan, readers, flat), seconds)
    line("score(spec, facts)", f"{t_score * 1e6:,.1f} µs")
    line("score(spec, facts), nothing remembered from earlier calls", f"{t_afresh * 1e6:,.1f} µs")
    line("score(spec, facts_from_mapping(mapping))", f"{t_mapping * 1e6:,.1f} µs")
    line("hand-written floor over pre-parsed values", f"{t_floor * 1e6:,.1f} µs")
    line("naive simpleeval, parsing each time", f"{t_naive * 1e6:,.1f} µs")
    line("compiled plan (batch's path), values read each call", f"{t_plan * 1e6:,.1f} µs")
    ratio = t_score / t_floor
    line(
        "score() ÷ floor (interleaved)", f"{ratio:.1f}×", f"target ≤ 2×: {judge(ratio <= 2, quick)}"
    )
    ratio = t_naive / t_score
    line(
        "naive ÷ score() (interleaved)",
        f"{ratio:.1f}×",
        f"target ≥ 20×: {judge(ratio >= 20, quick)}",
    )
    line("compiled plan ÷ floor", f"{t_plan / t_floor:.1f}×")
    line("naive ÷ compiled plan", f"{t_naive / t_plan:.1f}×")

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as temp:
        folder = Path(args.keep or temp)
        folder.mkdir(parents=True, exist_ok=True)
        small_csv, large_csv = folder / f"records_{small}.csv", folder / f"records_{large}.csv"
        for path, count in ((small_csv, small), (large_csv, large)):
            if not path.exists():
                records.write_csv(path, count, seed=count)
        out = str(folder / "out.csv")
        spec_arg = str(SPEC)
        print(f"batch, CSV → CSV, {small:,} and {large:,} generated records:", flush=True)
        results: dict[str, tuple[float, float]] = {}
        # One worker and two take turns, so that a slow spell of the machine hits both alike.
        schedule = [("small", small_csv, "1"), ("small2", small_csv, "2")] * runs
        schedule += [("large", large_csv, "1"), ("large2", large_csv, "2")] * runs
        for label, path, workers in schedule:
            code, wall, peak = measured(
                jixiao("batch", spec_arg, str(path), "-o", out, "--workers", workers)
            )
            if code != 0:
                print(f"batch exited {code} on {path}")
                return 1
            if label not in results or wall < results[label][0]:
                results[label] = (wall, peak)
        wall, peak = results["small"]
        target = 5 * small / 100_000
        line(
            f"{small:,} records, 1 worker",
            f"{wall:.2f} s",
            f"{small / wall:,.0f}/s; target ≤ {target:g} s: {judge(wall <= target, quick)}",
        )
        wall2, _ = results["small2"]
        speedup = wall / wall2
        line(
            f"{small:,} records, --workers 2",
            f"{wall2:.2f} s",
            f"{speedup:.2f}× one worker; target ≥ 1.7×: {judge(speedup >= 1.7, quick)}",
        )
        one, two = in_process(spec_arg, str(small_csv), out, runs)
        line(
            f"{small:,} records, in this process: 1 worker ÷ 2",
            f"{one / two:.2f}×",
            f"{one:.2f} s ÷ {two:.2f} s: start-up (imports, ~0.25 s) left out of both",
        )
        ceiling = machine_speedup(0.2 if quick else 2.0)
        line(
            "this machine: a Python loop, 2 processes ÷ 1",
            f"{ceiling:.2f}×",
            "the ceiling for --workers 2 here",
        )
        wall, peak = results["large"]
        target = 45 * large / 1_000_000
        line(
            f"{large:,} records, 1 worker",
            f"{wall:.2f} s",
            f"{large / wall:,.0f}/s; target ≤ {target:g} s: {judge(wall <= target, quick)}",
        )
        line(
            f"{large:,} records, peak memory",
            f"{peak:.0f} MB",
            f"target ≤ 300 MB: {judge(peak <= 300, quick)}",
        )
        wall2, peak2 = results["large2"]
        line(
            f"{large:,} records, --workers 2",
            f"{wall2:.2f} s",
            f"{wall / wall2:.2f}× one worker; peak memory of one process {peak2:.0f} MB",
        )

        stored = engine_free(spec_arg, str(small_csv), out)
        line(
            f"{small:,} records, engine replaced by a stored result",
            f"{stored:.2f} s",
            f"{stored / small * 1e6:.1f} µs per record: the batch machinery alone",
        )

    print("jixiao score on the seed example, whole process, cold start:", flush=True)
    # As installed: pip compiles a package's modules to bytecode when it installs a wheel. An
    # editable install under PYTHONDONTWRITEBYTECODE (this workplace sets it) would otherwise
    # compile every module from source at every start; that figure is shown beside.
    compileall.compile_dir(str(ROOT / "scoring"), quiet=1)
    walls = [measured(jixiao("score", str(SPEC), str(FACTS)))[1] for _ in range(5)]
    cold = statistics.median(walls)
    line("median of 5", f"{cold:.3f} s", f"target ≤ 0.5 s: {judge(cold <= 0.5, quick)}")
    for folder in list((ROOT / "scoring").rglob("__pycache__")):  # jixiao's own, as it was
        shutil.rmtree(folder, ignore_errors=True)
    source = [measured(jixiao("score", str(SPEC), str(FACTS)), bytecode=False)[1] for _ in range(5)]
    line("median of 5, no bytecode (compiled each start)", f"{statistics.median(source):.3f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


def in_process(spec: str, source: str, out: str, runs: int) -> tuple[float, float]:
    """run_batch called here with one worker and with two, taking turns, best of ``runs`` each:
    the two-worker speedup of the work itself, without the interpreter's start-up, which the
    whole-process figure pays once whatever the workers."""
    best = [float("inf"), float("inf")]
    for _ in range(runs):
        for index, workers in enumerate((1, 2)):
            start = time.perf_counter()
            run_batch(spec, [source], out, workers=workers)
            best[index] = min(best[index], time.perf_counter() - start)
    return best[0], best[1]


def engine_free(spec: str, source: str, out: str) -> float:
    """run_batch in this process with the plan's arithmetic replaced by one stored Totals: what
    reading the cells, summarising and writing cost without it (the floor of batch)."""
    stored = score_totals(load_spec(spec), load_facts(FACTS))
    original = Plan.totals_each

    def stub(self: Plan, inputs: Any, skip: Any = ()) -> list[Any]:
        return [stored for _ in inputs]

    Plan.totals_each = stub  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        run_batch(spec, [source], out)
        return time.perf_counter() - start
    finally:
        Plan.totals_each = original  # type: ignore[method-assign]


def score_afresh(spec: Any, facts: Any) -> Any:
    """score() with every value text and rating read afresh: what a project whose texts the
    spec's plan has not met before costs (score() remembers them, bounded, across projects)."""
    for reader in facts_reader(spec).readers.values():
        reader.remembered.clear()
    plan_of(spec).forget_ratings()
    return score(spec, facts)


def plan_score(plan: Plan, readers: FactsReader, facts: Any) -> tuple[Decimal, str]:
    """The compiled plan on the project: its values read from the loaded facts, then scored."""
    totals = plan.totals(*readers.inputs(facts))
    assert totals is not None
    return totals.total, totals.grade


def _stated_totals(mapping: Mapping[str, Any]) -> dict[str, Any]:
    flat = copy.deepcopy(dict(mapping))
    for name, value in flat["values"].items():
        if isinstance(value, dict):
            flat["values"][name] = value["total"]
    return flat


def _burn(count: int) -> int:
    total = 0
    for i in range(count):
        total += i * i
    return total


def machine_speedup(seconds: float) -> float:
    """How much faster two processes run two equal pure-Python loops than one process runs
    both: what two workers can gain on this machine at best (best of three)."""
    import multiprocessing

    count = int(3_000_000 * seconds)
    best = 0.0
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for _ in range(3):
            start = time.perf_counter()
            _burn(count)
            _burn(count)
            serial = time.perf_counter() - start
            start = time.perf_counter()
            pool.map(_burn, [count, count])
            best = max(best, serial / (time.perf_counter() - start))
    return best


if __name__ == "__main__":
    sys.exit(main())
