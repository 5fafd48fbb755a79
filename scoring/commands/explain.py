"""``jixiao explain SPEC FACTS [INDICATOR_ID]``: where the points went, or one indicator in detail."""

from __future__ import annotations

import argparse
import difflib
from typing import TextIO

from ..engine.facts import load_facts
from ..engine.scorer import engine_result
from ..errors import UsageError
from ..i18n import ui
from ..report.explain import render_explain, render_indicator
from ..spec.compiled import Spec
from ..spec.loader import load_spec
from .output import add_spec_facts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec_facts(parser)
    parser.add_argument(
        "indicator", nargs="?", metavar="INDICATOR", help=ui("an indicator's id, or its name")
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    spec = load_spec(args.spec)
    result = engine_result(spec, load_facts(args.facts))
    if args.indicator is None:
        stdout.write(render_explain(result))
        return 0
    stdout.write(render_indicator(result, _indicator_id(spec, args.indicator, args.spec)))
    return 0


def _indicator_id(spec: Spec, given: str, spec_path: str) -> str:
    """The id of the indicator ``given`` by id or, as the 自评表 shows it, by name."""
    if given in spec.nodes:
        return given
    named: dict[str, list[str]] = {}
    for node_id, node in spec.nodes.items():
        named.setdefault(node.name, []).append(node_id)
    ids = named.get(given, [])
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise UsageError(
            ui(
                "{name!r} is the name of {count} indicators in {spec} ({ids}); give the id",
                name=given,
                count=len(ids),
                spec=spec_path,
                ids=", ".join(ids),
            )
        )
    close = difflib.get_close_matches(given, [*spec.nodes, *named], n=1)
    if close and close[0] in spec.nodes:
        message = ui(
            "unknown indicator {name!r} in {spec}; did you mean {close!r}?",
            name=given,
            spec=spec_path,
            close=close[0],
        )
    elif close and len(named[close[0]]) == 1:
        message = ui(
            "unknown indicator {name!r} in {spec}; did you mean {close!r} ({close_name})?",
            name=given,
            spec=spec_path,
            close=named[close[0]][0],
            close_name=close[0],
        )
    else:
        message = ui("unknown indicator {name!r} in {spec}", name=given, spec=spec_path)
    raise UsageError(message)
