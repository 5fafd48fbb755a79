"""``jixiao diff SPEC_A SPEC_B INPUT...``: what a change of weights or rules does to real projects.

Two modes, told apart by the inputs. Facts files only (.yaml, .yml, .json): each project's
indicators side by side under A and B (``whatif.compare``). A population — any batch input (a
.csv, .xlsx or .jsonl file of records, or a folder of facts files), or ``--top``, ``--html`` or
``--format json`` asked for — is scored whole under both (``batch.population_diff``) and
summarised: grade transitions, each 一级指标's change, the projects that move most, and every
record that fails, with its error (``batch.population_report``).
"""

from __future__ import annotations

import argparse
import json
import os
from decimal import Decimal
from typing import TextIO

from tabulate import tabulate

from ..engine.facts import load_facts
from ..engine.whatif import compare
from ..errors import UsageError
from ..i18n import ui
from ..numbers.text import format_number
from ..spec.loader import load_spec
from ..writing.channels import terminal
from ..writing.files import check_folder
from .output import add_record_arguments, check_paths, write_output

FACTS_SUFFIXES = (".yaml", ".yml", ".json")


def _top(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            ui("expected a number of projects, got {text!r}", text=text)
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(ui("expected 0 (none listed) or more projects"))
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "spec_a", metavar="SPEC_A", help=ui("the indicator system before: a file, or jixiao:NAME")
    )
    parser.add_argument(
        "spec_b", metavar="SPEC_B", help=ui("the indicator system after: a file, or jixiao:NAME")
    )
    parser.add_argument(
        "facts",
        nargs="+",
        metavar="INPUT",
        help=ui(
            "facts files (each compared indicator by indicator), or a population: .csv, .xlsx, "
            ".jsonl or a folder of facts files (summarised)"
        ),
    )
    parser.add_argument("--all", action="store_true", help=ui("list unchanged indicators too"))
    parser.add_argument(
        "--top",
        type=_top,
        metavar="N",
        help=ui("a population: list the N projects whose total moves most (default 20)"),
    )
    parser.add_argument(
        "--html", metavar="FILE.html", help=ui("a population: also write the summary as a page")
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=ui("a population: the summary as text (default) or JSON"),
    )
    add_record_arguments(parser)


def _num(value: Decimal | None) -> str:
    return "—" if value is None else format_number(value)


def _signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + format_number(value) if value else "0"


def _is_population(args: argparse.Namespace) -> bool:
    asked = args.top is not None or args.html is not None or args.format != "text"
    tables = any(
        os.path.isdir(path) or not path.casefold().endswith(FACTS_SUFFIXES) for path in args.facts
    )
    return asked or tables or args.id_column is not None or args.sheet is not None


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if _is_population(args):
        return _run_population(args, stdout, stderr)
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
                    headers=[
                        ui("indicator"),
                        ui("weight A"),
                        ui("weight B"),
                        ui("score A"),
                        ui("score B"),
                        ui("change"),
                    ],
                    tablefmt="simple",
                    disable_numparse=True,
                )
            )
        else:
            out.append(ui("(no indicator's weight or score changes)"))
        grade_change = (
            f"{a.grade} → {b.grade}"
            if a.grade != b.grade
            else ui("{grade} (unchanged)", grade=a.grade)
        )
        out.append(
            ui(
                "total {a} → {b} ({delta}), grade {grade}",
                a=format_number(a.total),
                b=format_number(b.total),
                delta=_signed(comparison.total_delta),
                grade=grade_change,
            )
        )
    stdout.write(terminal("\n".join(out)) + "\n")  # names from the specs, shown not run
    return 0


def _run_population(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    # Imported here: the batch readers are not every jixiao command's to pay for.
    from ..batch.population_diff import diff_population
    from ..batch.population_report import render_html, render_text, to_dict

    if args.all:
        raise UsageError(
            ui(
                "--all lists each facts file's indicators; a population is summarised by "
                "top-level indicator (give facts files alone, without --top, --html or "
                "--format json, to list them)"
            )
        )
    if args.html:
        check_folder(args.html)
    check_paths(
        [("--html", args.html)],
        [("SPEC_A", args.spec_a), ("SPEC_B", args.spec_b), *(("INPUT", p) for p in args.facts)],
    )
    spec_a, spec_b = load_spec(args.spec_a), load_spec(args.spec_b)
    summary = diff_population(
        spec_a,
        spec_b,
        args.facts,
        top=20 if args.top is None else args.top,
        id_column=args.id_column,
        sheet=args.sheet,
    )
    if args.format == "json":
        stdout.write(json.dumps(to_dict(summary, args.facts), ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(terminal(render_text(summary, args.facts)))  # names from the inputs: shown
    if args.html:
        write_output(args.html, render_html(summary, args.facts))
        stderr.write(terminal(ui("wrote {path}", path=args.html) + "\n"))
    if summary.failures:
        stderr.write(
            ui(
                "jixiao diff: {failed} of {records} records failed under A or B; each is listed "
                "with its error",
                failed=f"{len(summary.failures):,}",
                records=f"{summary.records:,}",
            )
            + "\n"
        )
        return 1
    return 0
