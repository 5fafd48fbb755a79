"""A command's files: records read as the batch reads them; outputs checked and written atomically.

``check_paths`` is what every command calls with its outputs and inputs before it reads anything
(``output_files.check_outputs``: never over an input, never two outputs in one file, existing
files replaced only as that module's docstring says); ``write_output`` writes one (atomically;
a full disk or an unwritable path is one ``[file-unwritable]`` error naming it, exit 1).
``add_record_arguments`` gives every command that reads batch inputs the same options, and
``add_spec_facts`` every command that scores a project its SPEC and FACTS.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from ..i18n import ui

__all__ = ["add_record_arguments", "add_spec_facts", "check_paths", "write_output"]


def add_record_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a command that reads records as ``jixiao batch`` does."""
    parser.add_argument(
        "--id-column",
        metavar="COL",
        help=ui("the column naming each record (default: id, 项目名称)"),
    )
    parser.add_argument(
        "--sheet", metavar="NAME", help=ui("the XLSX sheet to read (default: first)")
    )


def add_spec_facts(parser: argparse.ArgumentParser, *, facts: bool = True) -> None:
    """The SPEC argument and, with ``facts``, the FACTS one."""
    parser.add_argument(
        "spec", metavar="SPEC", help=ui("the indicator system: a file, or jixiao:NAME")
    )
    if facts:
        parser.add_argument(
            "facts", metavar="FACTS", help=ui("the project's facts: a file, or jixiao:NAME")
        )


def check_paths(
    outputs: Sequence[tuple[str, str | None]],
    inputs: Sequence[tuple[str, str | None]],
    *,
    force: bool = False,
    ask: bool = False,
) -> None:
    """``check_outputs`` for the paths given (an option not given, None, is left out). With no
    output there is nothing to check: the output machinery is not even loaded (most runs print)."""
    if not any(path for _, path in outputs):
        return
    from ..writing.files import check_outputs

    check_outputs(
        [(label, path) for label, path in outputs if path],
        [(label, path) for label, path in inputs if path],
        force=force,
        ask=ask,
    )


def write_output(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to ``path`` atomically; a path that cannot be written raises
    ScoringError naming it (exit 1) instead of an OSError traceback, the old file untouched."""
    from ..writing.files import write_file

    write_file(path, data)
