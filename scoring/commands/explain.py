"""``jixiao explain SPEC FACTS [INDICATOR_ID]``: where the points went, or one indicator in detail."""

from __future__ import annotations

import argparse
import difflib
from typing import TextIO

from ..engine import score
from ..errors import UsageError
from ..facts import load_facts
from ..loader import load_spec
from ..report.explain import render_explain, render_indicator


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC")
    parser.add_argument("facts", metavar="FACTS")
    parser.add_argument("indicator", nargs="?", metavar="INDICATOR_ID")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    spec = load_spec(args.spec)
    result = score(spec, load_facts(args.facts))
    if args.indicator is None:
        stdout.write(render_explain(result))
        return 0
    if args.indicator not in spec.nodes:
        close = difflib.get_close_matches(args.indicator, list(spec.nodes), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"unknown indicator {args.indicator!r} in {args.spec}{hint}")
    stdout.write(render_indicator(result, args.indicator))
    return 0
