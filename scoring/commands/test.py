"""``jixiao test SPEC_OR_DIR...``: run the cases specs carry; report coverage; gate with --fail-under."""

from __future__ import annotations

import argparse
import contextlib
import os
from decimal import Decimal
from typing import TextIO

from ..engine.spec_tests import describe, run_spec_tests
from ..errors import Problem, ScoringError
from ..i18n import tr, ui
from ..spec.loader import load_spec
from ..writing.channels import terminal
from ..yamlio.shipped import UnknownName, is_shipped_name, resolve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="SPEC_OR_DIR",
        help=ui("spec files (or jixiao:NAME), or folders of them; each with its SPEC.cases.yaml"),
    )
    parser.add_argument(
        "--fail-under",
        type=Decimal,
        metavar="PCT",
        help=ui("fail when a spec's rule-branch coverage is below PCT percent"),
    )
    parser.add_argument(
        "--missing", action="store_true", help=ui("list the branches no case takes")
    )


def spec_files(paths: list[str], skipped: list[str] | None = None) -> list[str]:
    """The spec files named, and those under the folders named (not *.cases.yaml). A file in a
    folder that is a link to a file outside that folder is not read (it is added to ``skipped``):
    a folder from elsewhere must not make jixiao read, and quote back, a file the user never
    named."""
    found: list[str] = []
    for path in paths:
        if is_shipped_name(path):  # jixiao:NAME: its cases file sits beside the installed spec
            with contextlib.suppress(UnknownName):  # else load_spec says the name is unknown
                path = resolve(path)
        if not os.path.isdir(path):
            found.append(path)
            continue
        top = os.path.realpath(path)
        for root, _, files in sorted(os.walk(path)):
            for name in sorted(files):
                if not name.endswith((".yaml", ".yml")) or name.endswith(".cases.yaml"):
                    continue
                file = os.path.join(root, name)
                real = os.path.realpath(file)
                if os.path.commonpath([real, top]) == top:
                    found.append(file)
                elif skipped is not None:
                    skipped.append(file)
    return found


def skipped_link(file: str) -> Problem:
    """A file of a folder named that links outside it, and so is not read (a warning line)."""
    message = tr("path-outside", "skipped: a link to a file outside the folder named")
    return Problem(message, "path-outside", file=file)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    skipped: list[str] = []
    files = spec_files(args.paths, skipped)
    failed = bool(skipped)  # a spec not tested is not a pass
    stderr.writelines(f"{terminal(str(skipped_link(file)))}\n" for file in skipped)
    for path in files:
        try:
            report = run_spec_tests(load_spec(path), path)
        except ScoringError as exc:
            stderr.write(f"{terminal(str(exc))}\n")
            failed = True
            continue
        stdout.write(terminal("\n".join(describe(report, path))) + "\n")
        if args.missing:
            stdout.writelines(
                terminal(ui("  not covered: {indicator} → {branch}", indicator=leaf, branch=branch))
                + "\n"
                for leaf, branch in report.missing_branches
            )
        if not all(case.passed for case in report.cases):
            failed = True
        if args.fail_under is not None and report.coverage.branch_percent < args.fail_under:
            below = ui(
                "  rule-branch coverage {coverage}%, below {wanted}%",
                coverage=report.coverage.branch_percent,
                wanted=args.fail_under,
            )
            stdout.write(below + "\n")
            failed = True
    return 1 if failed else 0
