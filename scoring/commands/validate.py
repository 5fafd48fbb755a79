"""``jixiao validate SPEC...``: every problem of every spec, one per line, with file:line:col."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..channels import terminal
from ..errors import ScoringError
from ..loader import load_spec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("specs", nargs="+", metavar="SPEC")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    failed = 0
    for path in args.specs:
        try:
            spec = load_spec(path)
        except ScoringError as exc:
            stderr.write(f"{terminal(str(exc))}\n")
            failed += 1
            continue
        stdout.write(
            terminal(
                f"{path}: ok ({spec.name} v{spec.version}: {len(spec.nodes)} indicators, "
                f"{len(spec.leaves)} scored, total {spec.total})"
            )
            + "\n"
        )
    return 1 if failed else 0
