"""The ``jixiao`` command: a thin layer over the library. ``main(argv) -> int``.

Exit codes: 0 ok; 1 bad spec or facts (the problems on stderr, never a traceback); 2 usage;
130 interrupted (Ctrl-C: one line, no traceback; a batch removes its partial output first).
Unexpected exceptions are not caught: they are bugs and should say so loudly. The subcommands
live in ``scoring.commands``, one module each.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from . import __version__
from .commands import COMMANDS, load
from .errors import ScoringError, UsageError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() controls streams and exit codes."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message}\n{self.format_usage()}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise UsageError(message or "") if status else SystemExit(0)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the command named in ``argv`` gets its arguments (and its module
    loaded), the others are listed by name and help. ``argv`` None: every command in full."""
    parser = _Parser(
        prog="jixiao",
        description="财政支出绩效评价打分：YAML 指标体系 + 项目事实 → 得分、等级与失分说明",
    )
    parser.add_argument("--version", action="version", version=f"jixiao {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    named = None if argv is None else next((a for a in argv if not a.startswith("-")), "")
    for name, (_, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text)
        if named is None or named == name:
            load(name).add_arguments(command_parser)
    return parser


def _without_pydantic_plugins() -> None:
    """Pydantic looks for plugins (observability hooks) by reading the entry points of every
    installed package, once per process: 30–80 ms of a command's start, for hooks that jixiao's
    own validation has no use for. Skipped when the command is its own process (pydantic not yet
    loaded by anyone) and the user has not set PYDANTIC_DISABLE_PLUGINS."""
    if "pydantic" not in sys.modules:
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    _without_pydantic_plugins()
    try:
        given = list(sys.argv[1:] if argv is None else argv)
        args = build_parser(given).parse_args(given)
    except UsageError as exc:
        stderr.write(str(exc))
        return 2
    except SystemExit:  # --help / --version, printed by argparse
        return 0
    try:
        return int(load(args.command).run(args, stdout, stderr))
    except ScoringError as exc:
        stderr.write(f"{exc}\n")
        return 1
    except UsageError as exc:
        stderr.write(f"jixiao: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        stderr.write("jixiao: interrupted\n")
        return 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C
