"""``jixiao score SPEC FACTS``: one project's 自评表 (or JSON, Markdown …) to stdout or a file.

With ``-o`` the terminal shows only what was written, so the scoring warnings (a unit slip in the
facts, a missing 偏差原因 …) go to stderr as well: they are in the file, but nobody reads it yet.
"""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from ..engine.facts import load_facts
from ..engine.result import Result
from ..engine.scorer import engine_result
from ..errors import UsageError
from ..i18n import ui
from ..report import BINARY_RENDERERS, RENDERERS
from ..spec.loader import load_spec
from ..writing.channels import terminal
from .output import add_spec_facts, check_paths, write_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec_facts(parser)
    formats = sorted({*RENDERERS, *BINARY_RENDERERS})
    parser.add_argument(
        "--format",
        "-f",
        choices=formats,
        help=ui(
            "the form of the 自评表 (default: as the suffix of -o says, else table; xlsx and "
            "docx need -o)"
        ),
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help=ui("write here instead of standard output")
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=ui(
            "replace an existing -o file that jixiao did not write (.yaml, another .xlsx/.docx)"
        ),
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help=ui(
            "one-off change to the spec, e.g. 预算执行率.weight=20 or grades.优=85 (repeatable)"
        ),
    )


# -o's suffix → the format it asks for, when --format is not given: `-o 自评表.xlsx` is a workbook,
# not the text table in a file named .xlsx that Excel cannot open.
SUFFIX_FORMATS = {
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".md": "markdown",
    ".csv": "csv",
}


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.format is None:
        suffix = os.path.splitext(args.output or "")[1].lower()
        args.format = SUFFIX_FORMATS.get(suffix, "table")
    if args.format in BINARY_RENDERERS and not args.output:
        raise UsageError(
            ui("--format {format} writes a binary file: give -o FILE", format=args.format)
        )
    check_paths(
        [("-o", args.output)], [("SPEC", args.spec), ("FACTS", args.facts)], force=args.force
    )
    result = engine_result(load_spec(args.spec, overrides=args.set), load_facts(args.facts))
    data: str | bytes
    if args.format in BINARY_RENDERERS:
        data = BINARY_RENDERERS[args.format](result)
    elif args.output:
        data = RENDERERS[args.format](result)
    else:
        stdout.write(RENDERERS[args.format](result))
        return 0
    write_result(stderr, args.output, data, args.facts, result)
    return 0


def write_result(
    stderr: TextIO, output: str, data: str | bytes, facts: str, result: Result
) -> None:
    """Write ``data`` to ``output``; then on stderr each warning of the result as ``FACTS:
    提示：… [code]``, one a line, and the line that says what was written: the file, the total
    and the grade."""
    write_output(output, data)
    stderr.writelines(
        ui("{facts}: warning: {warning}", facts=facts, warning=terminal(str(w), newlines=False))
        + "\n"
        for w in result.warnings
    )
    line = ui("wrote {file}: {total} {grade}", file=output, total=result.total, grade=result.grade)
    stderr.write(line + "\n")
