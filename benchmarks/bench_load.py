"""How ``load_spec`` grows with the size of a spec: issue 15's targets.

    python benchmarks/bench_load.py                  # 1,000 and 10,000 leaves
    python benchmarks/bench_load.py --leaves 2000 --leaves 4000 --profile

A generated spec of N leaves, the rule kinds taking turns (positive, reverse, deduction,
qualitative, bands, formula), ten leaves reading each fact and a hundred each derived value (so
the declared names grow with the leaves, as in a real system, and 10,000 leaves stay inside the
YAML reader's node budget). Two shapes: every leaf under one
一级指标 (the shape that once raised RecursionError), and the leaves spread over ten 一级指标 of
ten 二级指标 each. Each size is loaded from text (YAML reading included), best of ``--runs``,
in CPU time; the spec is then scored once, to show that a spec of that size works end to end.
Targets: 1,000 leaves in ≤ 0.3 s, 10,000 in ≤ 3 s, both shapes. Timings are printed, never
judged: the only failure is a spec that does not load or score (exit 1).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import load_spec_text, score  # after the path is set

TARGETS = {1_000: 0.3, 10_000: 3.0}
KINDS = ("positive", "reverse", "deduction", "qualitative", "bands", "formula")


def _fact(index: int) -> str:
    """The fact leaf ``index`` reads: ten leaves share one, of the kind its rule needs."""
    return f"f{index // 10}"


def _rule(kind: str, index: int) -> str:
    fact = _fact(index)
    if kind == "positive":
        return f"{{kind: positive, actual: {fact}, target: '≥90%'}}"
    if kind == "reverse":
        return f"{{kind: reverse, actual: {fact}, target: '≤10%', formula: t_over_a}}"
    if kind == "deduction":
        return f"{{kind: deduction, actual: n{index // 10}, per_item: 0.001}}"
    if kind == "qualitative":
        return "{kind: qualitative, target: 达成}"
    if kind == "bands":
        bands = "[{range: '≥50%', share: 100%}, {range: '<50%', share: 0}]"
        return f"{{kind: bands, actual: {fact}, bands: {bands}}}"
    return f"{{kind: formula, formula: 'w * min(1, d{index // 100})'}}"


def generated(leaves: int, *, one_top: bool) -> str:
    """A spec of ``leaves`` leaves weighing 100 in all (see the module's docstring)."""
    weight = Decimal(100) / leaves
    lines = ["id: generated\nname: 生成的指标体系\nversion: '1'\n", "rounding: {places: 4}\n"]
    lines.append("facts:\n")
    for index in range(0, leaves, 10):
        lines.append(f"  f{index // 10}: {{label: 比率{index // 10}, kind: rate}}\n")
        lines.append(f"  n{index // 10}: {{label: 件数{index // 10}, kind: count, min: 0}}\n")
    lines.append("derived:\n")
    lines.extend(
        f"  d{index // 100}: {{formula: f{index // 10} * 2}}\n" for index in range(0, leaves, 100)
    )
    lines.append("indicators:\n")
    tops = 1 if one_top else 10
    per_top = leaves // tops
    for top in range(tops):
        lines.append(f"  - id: 一级{top}\n    weight: {weight * per_top}\n    children:\n")
        if one_top:
            groups: list[tuple[str | None, range]] = [(None, range(leaves))]
        else:
            size = per_top // 10
            start = top * per_top
            groups = [
                (f"二级{top}_{g}", range(start + g * size, start + (g + 1) * size))
                for g in range(10)
            ]
        for group, members in groups:
            indent = "      "
            if group is not None:
                lines.append(f"      - id: {group}\n        weight: {weight * len(members)}\n")
                lines.append("        children:\n")
                indent = "          "
            for index in members:
                rule = _rule(KINDS[index % len(KINDS)], index)
                lines.append(f"{indent}- {{id: L{index}, weight: {weight}, rule: {rule}}}\n")
    return "".join(lines)


def facts(leaves: int) -> dict[str, Any]:
    """Facts for the generated spec: every rate 95%, every count 1, every rating 达成."""
    values = {f"f{index // 10}": "95%" for index in range(0, leaves, 10)}
    values |= {f"n{index // 10}": "1" for index in range(0, leaves, 10)}
    ratings = {
        f"L{index}": {"tier": "达成", "share": "100%"}
        for index in range(leaves)
        if KINDS[index % len(KINDS)] == "qualitative"
    }
    return {"project": {"name": "p"}, "values": values, "ratings": ratings}


def best_of(runs: int, text: str) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        load_spec_text(text)
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--leaves", type=int, action="append", help="sizes (1,000 and 10,000)")
    parser.add_argument("--runs", type=int, default=3, help="best of this many loads (3)")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    args = parser.parse_args(argv)
    sizes = args.leaves or sorted(TARGETS)
    for one_top in (True, False):
        shape = "under one 一级指标" if one_top else "over 10 × 10 indicators"
        for leaves in sizes:
            text = generated(leaves, one_top=one_top)
            seconds = best_of(args.runs, text)
            spec = load_spec_text(text)
            result = score(spec, facts(leaves))
            target = TARGETS.get(leaves)
            verdict = "" if target is None else f"  (target ≤ {target} s: "
            verdict += "" if target is None else ("met)" if seconds <= target else "not met)")
            print(
                f"{leaves:>6} leaves {shape}: load_spec {seconds:.3f} s CPU, "
                f"{seconds / leaves * 1e6:.0f} µs a leaf; scores {result.total}{verdict}"
            )
            if args.profile and leaves == max(sizes) and one_top:
                profile = cProfile.Profile()
                profile.runcall(load_spec_text, text)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
