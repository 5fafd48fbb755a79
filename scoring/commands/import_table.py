"""``jixiao import TABLE -o DIR``: a filled 自评表 (xlsx or csv) → spec.yaml + facts.yaml (+ stated.yaml).

``jixiao score DIR/spec.yaml DIR/facts.yaml`` then reproduces the filed scores (a stated score that
departs from the rule is kept as an adjustment whose reason names its cell); ``--rule-scores``
leaves those out. ``stated.yaml`` is what ``jixiao review SPEC FACTS --stated`` compares against.
Every cell that cannot be read is reported (exit 1, nothing written); inferences are listed.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("table", metavar="TABLE")
    parser.add_argument(
        "-o", "--output", metavar="DIR", required=True, help="directory to write into"
    )
    parser.add_argument(
        "--sheet", help="the sheet to read (default: the first with an indicator header)"
    )
    parser.add_argument(
        "--rule-scores",
        action="store_true",
        help="do not keep filed scores that depart from the rules as adjustments",
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    # Loaded when the command runs, so other commands do not pay for the spreadsheet reader.
    from ..tabular.convert import dump_yaml, import_table
    from ..tabular.stated import to_mapping

    imported = import_table(args.table, args.sheet)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    source = os.path.basename(args.table)
    header = f"# 由 jixiao import 从 {source} 导入；请核对后再使用\n"
    files = {
        "spec.yaml": imported.spec,
        "facts.yaml": imported.facts(adjusted=not args.rule_scores),
        "stated.yaml": to_mapping(imported.stated),
    }
    for name, data in files.items():
        (out / name).write_text(header + dump_yaml(data), encoding="utf-8")
    stderr.writelines(f"{args.table}: {notice}\n" for notice in imported.notices)
    result = imported.rule_result
    assert result is not None
    stated = imported.stated.total
    filed = f"，填报 {stated.value}" if stated is not None else ""
    stderr.write(
        f"wrote {out / 'spec.yaml'}, {out / 'facts.yaml'}, {out / 'stated.yaml'}: "
        f"{len(result.leaves())} indicators; 按规则 {result.total} {result.grade}{filed}\n"
    )
    return 0
