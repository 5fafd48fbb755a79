"""``jixiao test SPEC_OR_DIR...``: run the cases specs carry; report coverage; gate with --fail-under."""

from __future__ import annotations

import argparse
import os
from decimal import Decimal
from typing import TextIO

from ..channels import terminal
from ..errors import ScoringError
from ..loader import load_spec
from ..spec_tests import describe, run_spec_tests


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="SPEC_OR_DIR")
    parser.add_argument(
        "--fail-under",
        type=Decimal,
        metavar="PCT",
        help="fail when a spec's rule-branch coverage is below PCT percent",
    )
    parser.add_argument("--missing", action="store_true", help="list the branches no case takes")


def spec_files(paths: list[str]) -> list[str]:
    """The spec files named, and those under the folders named (not *.cases.yaml)."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, _, files in sorted(os.walk(path)):
                found += [
                    os.path.join(root, name)
                    for name in sorted(files)
                    if name.endswith((".yaml", ".yml")) and not name.endswith(".cases.yaml")
                ]
        else:
            found.append(path)
    return found


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    failed = False
    for path in spec_files(args.paths):
        try:
            report = run_spec_tests(load_spec(path), path)
        except ScoringError as exc:
            stderr.write(f"{terminal(str(exc))}\n")
            failed = True
            continue
        stdout.write(terminal("\n".join(describe(report, path))) + "\n")
        if args.missing:
            stdout.writelines(
                terminal(f"  not covered: {leaf} → {branch}") + "\n"
                for leaf, branch in report.missing_branches
            )
        if not all(case.passed for case in report.cases):
            failed = True
        if args.fail_under is not None and report.coverage.branch_percent < args.fail_under:
            stdout.write(
                f"  rule-branch coverage {report.coverage.branch_percent}% is below {args.fail_under}%\n"
            )
            failed = True
    return 1 if failed else 0
