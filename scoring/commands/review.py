"""``jixiao review TABLE`` or ``jixiao review SPEC FACTS [--stated FILE]``: 复核 a filed 自评表.

Recomputes the table under the rules and lists every finding with its cell and a stable code
(docs/review.md), the stated total beside the recomputed one. Exit 0 whether or not there are
findings (they are the output); 1 if the table or files cannot be read; with ``--fail-on-findings``
exit 3 when there is any finding, for scripts that batch many tables.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from ..errors import UsageError
from ..tabular.table_limits import TableLimits, add_max_cells, using_limits

# The review machinery (spreadsheet reading, checks) loads when the command runs, not whenever
# the CLI starts; the format names are listed here and checked against its renderers in tests.
FORMATS = ("json", "markdown", "table")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="TABLE | SPEC FACTS")
    parser.add_argument("--format", "-f", choices=FORMATS, default="table")
    parser.add_argument("--sheet", help="the sheet of TABLE to read")
    parser.add_argument("--stated", metavar="FILE", help="stated.yaml written by jixiao import")
    parser.add_argument(
        "--fail-on-findings", action="store_true", help="exit 3 when there is any finding"
    )
    add_max_cells(parser)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..review import review_pair, review_table
    from ..review.render import RENDERERS

    if len(args.inputs) == 1:
        if args.stated:
            raise UsageError("--stated goes with SPEC FACTS, not with a table")
        with using_limits(TableLimits(args.max_cells)):
            result = review_table(args.inputs[0], args.sheet)
    elif len(args.inputs) == 2:
        result = review_pair(args.inputs[0], args.inputs[1], args.stated)
    else:
        raise UsageError("give one filled table (xlsx/csv), or a spec and a facts file")
    stdout.write(RENDERERS[args.format](result))
    return 3 if args.fail_on_findings and result.findings else 0
