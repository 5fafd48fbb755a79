"""``jixiao report SPEC FACTS -o report.docx``: a draft 自评报告 with every figure filled in.

The sections follow the seed report (一、项目基本情况 … 八、其他需要说明的问题); what only a person
can write is marked 【待填写：…】. ``-o report.html`` writes the HTML report instead.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..engine import score
from ..errors import UsageError
from ..facts import load_facts
from ..loader import load_spec
from .output import check_paths, write_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC")
    parser.add_argument("facts", metavar="FACTS")
    parser.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="report.docx or report.html"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an existing .docx that jixiao did not write"
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".docx", ".html", ".htm"):
        raise UsageError(f"-o {args.output}: the report is written as .docx or .html")
    check_paths(
        [("-o", args.output)], [("SPEC", args.spec), ("FACTS", args.facts)], force=args.force
    )
    result = score(load_spec(args.spec), load_facts(args.facts))
    if suffix == ".docx":
        from ..report import docx_report

        write_output(args.output, docx_report.render(result))
    else:
        from ..report import html

        write_output(args.output, html.render(result))
    stderr.write(f"wrote {args.output}: {result.total} {result.grade}\n")
    return 0
