"""``jixiao compare FACTS... --spec SPEC [--peers INPUT]``: 比较法 and 因素分析法.

Each facts file is one year of the same project (its ``project.year``), scored under the spec of
that year (``--spec-for 2021=old.yaml``) or the common ``--spec``. Prints each indicator's actual
value and score by year with the change and the trend, the totals and grades, the change of the
total between consecutive years split into each indicator's weight and rate effects, and with
``--peers`` the project's standing among projects of its kind (``methods.comparison``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from typing import TextIO

from ..batch.peer_columns import scored_peers
from ..errors import UsageError
from ..i18n import ui
from ..methods.comparison import compare_years, peer_group
from ..report.comparison import render_html, render_text, render_xlsx, to_dict
from ..writing.channels import terminal
from .output import check_paths, write_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "facts",
        nargs="+",
        metavar="FACTS",
        help=ui("the facts file of each year, or a folder holding them"),
    )
    parser.add_argument(
        "--spec", metavar="SPEC", help=ui("the indicator system common to every year")
    )
    parser.add_argument(
        "--spec-for",
        action="append",
        default=[],
        metavar="YEAR=SPEC",
        help=ui("the indicator system of one year (repeatable), e.g. 2021=indicators/old.yaml"),
    )
    parser.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help=ui("an indicator id renamed: OLD of a year is NEW of the next (repeatable)"),
    )
    parser.add_argument(
        "--peers",
        action="append",
        default=[],
        metavar="INPUT",
        help=ui(
            "projects of the same kind (a batch input: CSV, XLSX, JSON Lines or a folder of "
            "facts), compared with the last year (repeatable)"
        ),
    )
    parser.add_argument(
        "--format",
        choices=("table", "json", "html", "xlsx"),
        default="table",
        help=ui("default: table (or as the suffix of -o says)"),
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=ui("write to a file: .html a page with charts, .xlsx a sheet per table"),
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    suffix = os.path.splitext(args.output or "")[1].lower()
    fmt = {".html": "html", ".htm": "html", ".xlsx": "xlsx"}.get(suffix, args.format)
    inputs = [("FACTS", f) for f in args.facts] + [("--peers", p) for p in args.peers]
    per_year = dict(key_value(text, "--spec-for", "YEAR=SPEC") for text in args.spec_for)
    inputs += [("--spec", args.spec), *(("--spec-for", path) for path in per_year.values())]
    check_paths([("-o", args.output)], inputs)
    renames = dict(key_value(text, "--rename", "OLD=NEW") for text in args.rename)
    comparison = compare_years(args.facts, args.spec, per_year, renames)
    if len(comparison.years) < 2 and not args.peers:
        raise UsageError(
            ui(
                "a comparison takes the facts of at least two years (or a folder holding them), "
                "or projects of the same kind with --peers"
            )
        )
    if args.peers:
        latest = comparison.years[-1][1]
        group = peer_group(latest, args.peers, scored_peers(latest.spec, args.peers))
        comparison = dataclasses.replace(comparison, peers=group)
    text: str | bytes
    if fmt == "json":
        text = json.dumps(to_dict(comparison), ensure_ascii=False, indent=2, default=str) + "\n"
    elif fmt == "html":
        text = render_html(comparison)
    elif fmt == "xlsx":
        text = render_xlsx(comparison)
    else:
        text = render_text(comparison)
    if args.output:
        write_output(args.output, text)
        stderr.write(terminal(ui("wrote {file}", file=args.output) + "\n"))
    elif isinstance(text, bytes):
        raise UsageError(ui("--format xlsx writes a workbook: give -o FILE.xlsx"))
    else:
        stdout.write(terminal(text) if fmt == "table" else text)
    return 0


def key_value(text: str, option: str, shape: str) -> tuple[str, str]:
    """``KEY=VALUE`` of an option such as ``--spec-for 2021=old.yaml``, or a usage error."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise UsageError(
            ui("{option} {text!r}: write it as {shape}", option=option, text=text, shape=shape)
        )
    return key.strip(), value.strip()
