"""``jixiao import TABLE -o DIR``: a filled 自评表 (xlsx or csv) → spec.yaml + facts.yaml (+ stated.yaml).

``jixiao score DIR/spec.yaml DIR/facts.yaml`` then reproduces the filed scores (a stated score that
departs from the rule is kept as an adjustment whose reason names its cell); ``--rule-scores``
leaves those out. ``stated.yaml`` is what ``jixiao review SPEC FACTS --stated`` compares against.
A cell that cannot be used is listed on stderr with its code (docs/review.md) and its row is
imported rated by its stated score; inferences are listed. Only a file that cannot be opened, or
with no indicator row or none that weighs anything, is refused (exit 1, nothing written).
The three files are people's work once imported (they edit them): an existing one is replaced
only with ``--force``, and never when it is the table read. Each is written atomically.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from ..errors import Problem, ScoringError
from ..i18n import tr, ui
from ..tabular.table_limits import TableLimits, add_max_cells, using_limits
from ..writing.channels import terminal
from ..writing.files import AtomicFile
from .output import check_paths

FILES = ("spec.yaml", "facts.yaml", "stated.yaml")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "table", metavar="TABLE", help=ui("a filled 自评表: xlsx, xls, csv, docx or pdf")
    )
    parser.add_argument(
        "-o", "--output", metavar="DIR", required=True, help=ui("the folder to write into")
    )
    parser.add_argument(
        "--sheet", help=ui("the sheet to read (default: the first with an indicator header)")
    )
    parser.add_argument(
        "--rule-scores",
        action="store_true",
        help=ui("do not keep filed scores that depart from the rules as adjustments"),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=ui("replace spec.yaml, facts.yaml, stated.yaml in DIR"),
    )
    add_max_cells(parser)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    # Loaded when the command runs, so other commands do not pay for the spreadsheet reader.
    from ..tabular.convert import dump_yaml, import_table
    from ..tabular.stated import to_mapping

    out = Path(args.output)
    if os.path.lexists(out) and not out.is_dir():
        message = tr("file-unwritable", "cannot write: not a folder; name a folder to import into")
        raise ScoringError(Problem(message, "file-unwritable", file=args.output))
    if out.is_dir():
        check_paths(
            [("-o", str(out / name)) for name in FILES],
            [("TABLE", args.table)],
            force=args.force,
            ask=True,
        )
    with using_limits(TableLimits(args.max_cells)):
        imported = import_table(args.table, args.sheet)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        message = tr("file-unwritable", "cannot write: {reason}", reason=reason)
        raise ScoringError(Problem(message, "file-unwritable", file=args.output)) from None
    source = terminal(os.path.basename(args.table), newlines=False)  # a comment: one line
    header = f"# 由 jixiao import 从 {source} 导入；请核对后再使用\n"
    files = {
        "spec.yaml": imported.spec,
        "facts.yaml": imported.facts(adjusted=not args.rule_scores),
        "stated.yaml": to_mapping(imported.stated),
    }
    texts = {name: header + dump_yaml(data) for name, data in files.items()}
    # All three are written before any is renamed into place: a full disk leaves the old set.
    # A failure aborts those not yet renamed (abort is harmless on the one that failed).
    pending: list[AtomicFile] = []
    try:
        for name, text in texts.items():
            pending.append(AtomicFile(out / name))
            pending[-1].write(text.encode("utf-8"))
        while pending:
            pending[0].commit()
            del pending[0]
    except BaseException:
        for item in pending:
            item.abort()
        raise
    # Cells that cannot be used: their rows are imported rated by their stated scores.
    stderr.writelines(f"{args.table}: {terminal(str(defect))}\n" for defect in imported.defects)
    stderr.writelines(f"{args.table}: {terminal(str(notice))}\n" for notice in imported.notices)
    result = imported.rule_result
    assert result is not None
    stated = imported.stated.total
    filed = "" if stated is None else ui("; filed {total}", total=stated.value)
    left_out = len(imported.stated.left_out)
    if left_out:
        filed += ui(
            " ({rows} rows cannot be recomputed by the rules: imported with their filed scores)",
            rows=left_out,
        )
    summary = ui(
        "wrote {spec}, {facts}, {stated}: {indicators} indicators; by the rules {total} "
        "{grade}{filed}",
        spec=out / "spec.yaml",
        facts=out / "facts.yaml",
        stated=out / "stated.yaml",
        indicators=len(result.leaves()),
        total=result.total,
        grade=result.grade,
        filed=filed,
    )
    stderr.write(summary + "\n")
    return 0
