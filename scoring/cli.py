"""The ``jixiao`` command: a thin layer over the library. ``main(argv) -> int``.

Exit codes: 0 ok; 1 bad spec or facts (the problems on stderr, never a traceback); 2 usage.
Unexpected exceptions are not caught: they are bugs and should say so loudly.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from . import __version__
from .engine import score
from .errors import ScoringError
from .facts import FactsModel, load_facts
from .loader import load_spec
from .report import RENDERERS
from .report.explain import render_explain, render_indicator
from .spec import SpecModel

__all__ = ["main"]


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() controls streams and exit codes."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: error: {message}\n{self.format_usage()}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _UsageError(message or "") if status else SystemExit(0)


def _parser(stdout: TextIO) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jixiao",
        description="财政支出绩效评价打分：YAML 指标体系 + 项目事实 → 得分、等级与失分说明",
    )
    parser.add_argument("--version", action="version", version=f"jixiao {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = sub.add_parser(
        "validate", help="check indicator system files; every problem with file:line:col"
    )
    validate.add_argument("specs", nargs="+", metavar="SPEC")

    score_cmd = sub.add_parser("score", help="score one project's facts; print the 自评表")
    score_cmd.add_argument("spec", metavar="SPEC")
    score_cmd.add_argument("facts", metavar="FACTS")
    score_cmd.add_argument("--format", "-f", choices=sorted(RENDERERS), default="table")
    score_cmd.add_argument(
        "-o", "--output", metavar="FILE", help="write here instead of standard output"
    )

    explain = sub.add_parser("explain", help="where each point went and what the next grade takes")
    explain.add_argument("spec", metavar="SPEC")
    explain.add_argument("facts", metavar="FACTS")
    explain.add_argument("indicator", nargs="?", metavar="INDICATOR_ID")

    schema = sub.add_parser(
        "schema", help="print the JSON Schema of the spec (or facts) file format"
    )
    schema.add_argument("--facts", action="store_true", help="the facts file format instead")
    return parser


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = _parser(stdout).parse_args(argv)
    except _UsageError as exc:
        stderr.write(str(exc))
        return 2
    except SystemExit:  # --help / --version printed to sys.stdout by argparse
        return 0
    try:
        return int(_COMMANDS[args.command](args, stdout, stderr))
    except ScoringError as exc:
        stderr.write(f"{exc}\n")
        return 1
    except _UsageError as exc:
        stderr.write(f"jixiao: error: {exc}\n")
        return 2


def _validate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    failed = 0
    for path in args.specs:
        try:
            spec = load_spec(path)
        except ScoringError as exc:
            stderr.write(f"{exc}\n")
            failed += 1
            continue
        stdout.write(
            f"{path}: ok ({spec.name} v{spec.version}: {len(spec.nodes)} indicators, {len(spec.leaves)} scored, total {spec.total})\n"
        )
    return 1 if failed else 0


def _score(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    spec = load_spec(args.spec)
    result = score(spec, load_facts(args.facts))
    text = RENDERERS[args.format](result)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
        stderr.write(f"wrote {args.output}: {result.total} {result.grade}\n")
    else:
        stdout.write(text)
    return 0


def _explain(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    spec = load_spec(args.spec)
    result = score(spec, load_facts(args.facts))
    if args.indicator is None:
        stdout.write(render_explain(result))
        return 0
    if args.indicator not in spec.nodes:
        close = difflib.get_close_matches(args.indicator, list(spec.nodes), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise _UsageError(f"unknown indicator {args.indicator!r} in {args.spec}{hint}")
    stdout.write(render_indicator(result, args.indicator))
    return 0


def _schema(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    model = FactsModel if args.facts else SpecModel
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return 0


_COMMANDS = {"validate": _validate, "score": _score, "explain": _explain, "schema": _schema}
