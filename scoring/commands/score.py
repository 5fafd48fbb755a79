"""``jixiao score SPEC FACTS``: one project's 自评表 (or JSON, Markdown …) to stdout or a file.

With ``-o`` the terminal shows only what was written, so the scoring warnings (a unit slip in the
facts, a missing 偏差原因 …) go to stderr as well: they are in the file, but nobody reads it yet.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from ..engine.facts import load_facts
from ..engine.result import Result
from ..engine.scorer import score
from ..errors import UsageError
from ..report import BINARY_RENDERERS, RENDERERS
from ..spec.loader import load_spec
from ..writing.channels import terminal
from .output import check_paths, write_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC")
    parser.add_argument("facts", metavar="FACTS")
    formats = sorted({*RENDERERS, *BINARY_RENDERERS})
    parser.add_argument("--format", "-f", choices=formats, default="table")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing -o file that jixiao did not write (.yaml, another .xlsx/.docx)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="one-off change to the spec, e.g. 预算执行率.weight=20 or grades.优=85 (repeatable)",
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.format in BINARY_RENDERERS and not args.output:
        raise UsageError(f"--format {args.format} writes a binary file: give -o FILE")
    check_paths(
        [("-o", args.output)], [("SPEC", args.spec), ("FACTS", args.facts)], force=args.force
    )
    result = score(load_spec(args.spec, overrides=args.set), load_facts(args.facts))
    if args.format in BINARY_RENDERERS:
        data = BINARY_RENDERERS[args.format](result)
        write_output(args.output, data)
        write_warnings(stderr, args.facts, result)
        stderr.write(f"wrote {args.output}: {result.total} {result.grade}\n")
        return 0
    text = RENDERERS[args.format](result)
    if args.output:
        write_output(args.output, text)
        write_warnings(stderr, args.facts, result)
        stderr.write(f"wrote {args.output}: {result.total} {result.grade}\n")
    else:
        stdout.write(text)
    return 0


def write_warnings(stderr: TextIO, facts: str, result: Result) -> None:
    """Each warning of the result as ``FACTS: 提示：… [code]``, one a line."""
    stderr.writelines(
        f"{facts}: 提示：{terminal(str(w), newlines=False)}\n" for w in result.warnings
    )
