"""``jixiao review TABLE``, ``jixiao review SPEC FACTS [--stated FILE]`` or ``jixiao review DIR/ -o
review.xlsx [--summary review.html]``: 复核 filed 自评表.

Recomputes the table under the rules and lists every finding with its cell and a stable code
(docs/review.md), the stated total beside the recomputed one. A folder gives one row per file in
a workbook (a table that cannot be opened is a row with its error) and, with ``--summary``, a page
charting the finding codes. Exit 0 whether or not there are findings (they are the output); 1 if
a single table or the pair cannot be read; with ``--fail-on-findings`` exit 3 when there is any
finding (for a folder: any finding or unreadable file), for scripts.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from ..errors import UsageError
from ..i18n import ui
from ..tabular.table_limits import TableLimits, add_max_cells, using_limits

# The review machinery (spreadsheet reading, checks) loads when the command runs, not whenever
# the CLI starts; the format names are listed here and checked against its renderers in tests.
FORMATS = ("json", "markdown", "table")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="TABLE | SPEC FACTS",
        help=ui("a filed table (xlsx, xls, csv, docx, pdf) or a folder of them; or SPEC FACTS"),
    )
    parser.add_argument(
        "--format", "-f", choices=FORMATS, default="table", help=ui("default: table")
    )
    parser.add_argument("--sheet", help=ui("the sheet of TABLE to read"))
    parser.add_argument("--stated", metavar="FILE", help=ui("stated.yaml written by jixiao import"))
    parser.add_argument(
        "--fail-on-findings", action="store_true", help=ui("exit 3 when there is any finding")
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="XLSX",
        help=ui("for a folder: the workbook to write, a row per file"),
    )
    parser.add_argument(
        "--summary", metavar="HTML", help=ui("for a folder: also a page charting the findings")
    )
    add_max_cells(parser)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..review import review_pair, review_table
    from ..review.render import RENDERERS

    if len(args.inputs) == 1 and os.path.isdir(args.inputs[0]):
        with using_limits(TableLimits(args.max_cells)):
            return _folder(args, stdout, stderr)
    if args.output or args.summary:
        raise UsageError(
            ui("-o and --summary go with a folder of tables (jixiao review DIR/ -o FILE)")
        )
    if len(args.inputs) == 1:
        if args.stated:
            raise UsageError(ui("--stated goes with SPEC FACTS, not with a table"))
        with using_limits(TableLimits(args.max_cells)):
            result = review_table(args.inputs[0], args.sheet)
    elif len(args.inputs) == 2:
        result = review_pair(args.inputs[0], args.inputs[1], args.stated)
    else:
        raise UsageError(ui("give one filled table (xlsx/csv), or a spec and a facts file"))
    stdout.write(RENDERERS[args.format](result))
    return 3 if args.fail_on_findings and result.findings else 0


def _folder(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Review every file of a folder into one workbook (and a summary page)."""
    from ..review import review_table
    from ..review.folder import (
        folder_files,
        folder_html,
        folder_xlsx,
        progress_bar,
        review_folder,
    )
    from .output import write_output

    if not args.output:
        raise UsageError(ui("a folder review writes a workbook: give -o review.xlsx"))
    if args.stated:
        raise UsageError(ui("--stated goes with SPEC FACTS, not with a folder"))
    folder = args.inputs[0]
    files = folder_files(folder)
    rows = review_folder(
        files, lambda path: review_table(path, args.sheet), progress_bar(stderr, len(files))
    )
    write_output(args.output, folder_xlsx(rows))
    if args.summary:
        write_output(args.summary, folder_html(rows, Path(folder).name or folder))
    failed = sum(1 for row in rows if row.review is None)
    flagged = sum(1 for row in rows if row.review is not None and row.review.findings)
    counts = {
        "files": len(rows),
        "flagged": flagged,
        "clean": len(rows) - flagged - failed,
        "failed": failed,
        "output": args.output,
    }
    if args.summary:
        summary = ui(
            "reviewed {files} files: {flagged} with findings, {clean} without, {failed} "
            "unreadable; wrote {output} and {summary}",
            summary=args.summary,
            **counts,
        )
    else:
        summary = ui(
            "reviewed {files} files: {flagged} with findings, {clean} without, {failed} "
            "unreadable; wrote {output}",
            **counts,
        )
    stdout.write(summary + "\n")
    return 3 if args.fail_on_findings and (flagged or failed) else 0
