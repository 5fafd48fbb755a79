"""``jixiao diff SPEC_A SPEC_B FACTS...``: what a change of weights or rules does to real projects."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import TextIO

from tabulate import tabulate

from ..engine.facts import load_facts
from ..engine.whatif import compare
from ..numbers.text import format_number
from ..spec.loader import load_spec
from ..writing.channels import terminal


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec_a", metavar="SPEC_A")
    parser.add_argument("spec_b", metavar="SPEC_B")
    parser.add_argument("facts", nargs="+", metavar="FACTS")
    parser.add_argument("--all", action="store_true", help="list unchanged indicators too")


def _num(value: Decimal | None) -> str:
    return "—" if value is None else format_number(value)


def _signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + format_number(value) if value else "0"


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    spec_a, spec_b = load_spec(args.spec_a), load_spec(args.spec_b)
    out = [
        f"A: {spec_a.name} ({spec_a.id} v{spec_a.version})",
        f"B: {spec_b.name} ({spec_b.id} v{spec_b.version})",
    ]
    for path in args.facts:
        comparison = compare(spec_a, spec_b, load_facts(path))
        a, b = comparison.a, comparison.b
        out += ["", f"== {path}: {a.project.get('name', '')}"]
        rows = [
            [
                "　" * (c.level - 1) + c.name,
                _num(c.weight_a),
                _num(c.weight_b),
                _num(c.score_a),
                _num(c.score_b),
                _signed(c.delta),
            ]
            for c in comparison.changes
            if args.all or c.changed
        ]
        if rows:
            out.append(
                tabulate(
                    rows,
                    headers=["指标", "分值 A", "分值 B", "得分 A", "得分 B", "变化"],
                    tablefmt="simple",
                    disable_numparse=True,
                )
            )
        else:
            out.append("（各指标分值与得分均无变化）")
        grade_change = f"{a.grade} → {b.grade}" if a.grade != b.grade else f"{a.grade}（不变）"
        out.append(
            f"总分 {format_number(a.total)} → {format_number(b.total)}（{_signed(comparison.total_delta)}），等级 {grade_change}"
        )
    stdout.write(terminal("\n".join(out)) + "\n")  # names from the specs, shown not run
    return 0
