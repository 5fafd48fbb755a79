"""``jixiao report SPEC FACTS -o report.docx``: a draft 自评报告 with every figure filled in.

The sections follow the seed report (一、项目基本情况 … 八、其他需要说明的问题); what only a person
can write is marked 【待填写：…】. The suffix of ``-o`` picks the form of the same report: .docx
(Word, the 公文 look), .pdf (that document converted by LibreOffice, where installed) or .html
(a web page with the charts). The scoring warnings go to stderr, since the terminal shows nothing
else of the result.
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
from .score import write_warnings

SUFFIXES = (".docx", ".pdf", ".html", ".htm")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC")
    parser.add_argument("facts", metavar="FACTS")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="report.docx, report.pdf (through LibreOffice) or report.html",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an existing .docx that jixiao did not write"
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    suffix = Path(args.output).suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"-o {args.output}: the report is written as .docx, .pdf or .html")
    check_paths(
        [("-o", args.output)], [("SPEC", args.spec), ("FACTS", args.facts)], force=args.force
    )
    if suffix == ".pdf":
        from ..report.pdf import require_converter

        require_converter(args.output)  # before any work, as the output paths are
    result = score(load_spec(args.spec), load_facts(args.facts))
    data: str | bytes
    if suffix in (".docx", ".pdf"):
        from ..report import docx_report

        data = docx_report.render(result)
        if suffix == ".pdf":
            from ..report.pdf import docx_to_pdf

            data = docx_to_pdf(data, args.output)
    else:
        from ..report import report_html

        data = report_html.render(result)
    write_output(args.output, data)
    write_warnings(stderr, args.facts, result)
    stderr.write(f"wrote {args.output}: {result.total} {result.grade}\n")
    return 0
