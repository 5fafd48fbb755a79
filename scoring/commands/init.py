"""``jixiao init SPEC [-o FACTS]``: write a facts template for a spec."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from ..errors import UsageError
from ..i18n import ui
from ..spec.loader import load_spec
from ..spec.template import facts_template
from .output import add_spec_facts, check_paths, write_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec_facts(parser, facts=False)
    parser.add_argument(
        "-o", "--output", metavar="FACTS", help=ui("write here instead of standard output")
    )
    parser.add_argument("--force", action="store_true", help=ui("overwrite an existing file"))


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.output:
        check_paths([("-o", args.output)], [("SPEC", args.spec)], force=True)
        if os.path.exists(args.output) and not args.force:
            raise UsageError(ui("{output} exists; use --force to overwrite it", output=args.output))
    text = facts_template(load_spec(args.spec), args.spec)
    if not args.output:
        stdout.write(text)
        return 0
    write_output(args.output, text)
    stderr.write(ui("wrote {file}", file=args.output) + "\n")
    return 0
