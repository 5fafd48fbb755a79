"""The ``jixiao`` command: a thin layer over the library. ``main(argv) -> int``.

Exit codes: 0 ok; 1 bad spec or facts (the problems on stderr, never a traceback); 2 usage;
130 interrupted (Ctrl-C: one line, no traceback; a batch removes its partial output first);
141 standard output closed by its reader (``jixiao score … | head``: quietly, as a tool stopped
by SIGPIPE). Standard output that cannot be written (closed with ``>&-``, a full disk,
/dev/full) is one line, ``<stdout>: cannot write: … [file-unwritable]``, exit 1. What is printed
on a terminal goes through ``channels.terminal`` (escape sequences shown, not run), and so do
error messages wherever they go. Unexpected exceptions are not caught: they are bugs and should
say so loudly. The subcommands live in ``scoring.commands``, one module each.
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO, cast

from . import __version__
from .commands import COMMANDS, load
from .errors import Problem, ScoringError, UsageError
from .writing.channels import terminal

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


class _StdoutFailed(Exception):
    """Standard output could not be written (raised through the command, caught by main)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


class _Stdout(io.TextIOBase):
    """The command's standard output: a failed write or flush becomes ``_StdoutFailed`` (told
    apart from the OSErrors of files), and text bound for a terminal goes through ``terminal``.
    ``stream`` None: standard output was closed when jixiao started (``>&-``)."""

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__()
        self.stream = stream
        self.tty = False
        if stream is not None:
            try:
                self.tty = stream.isatty()
            except (OSError, ValueError):
                self.tty = False

    def write(self, text: str) -> int:
        if self.stream is None:
            raise _StdoutFailed(OSError(errno.EBADF, "standard output is closed"))
        try:
            return self.stream.write(terminal(text) if self.tty else text)
        except OSError as exc:
            raise _StdoutFailed(exc) from None

    def flush(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except OSError as exc:
            raise _StdoutFailed(exc) from None

    def isatty(self) -> bool:
        return self.tty

    def writable(self) -> bool:
        return True


def _stdout_failed(error: OSError, stdout: TextIO | None, stderr: TextIO) -> int:
    """Exit quietly (141) when the reader went away; one line (exit 1) for anything else. The
    real standard output is pointed at /dev/null, so Python's own flush at exit fails no more."""
    if stdout is not None and stdout is sys.stdout:
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, stdout.fileno())
            os.close(null)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass
    if isinstance(error, BrokenPipeError):
        return 141  # 128 + SIGPIPE, what a shell reports for `yes | head`
    problem = Problem(
        f"cannot write: {error.strerror or error}", "file-unwritable", file="<stdout>"
    )
    stderr.write(f"{problem}\n")
    return 1


class _NoStream(io.TextIOBase):
    """Standard error closed when jixiao started (``2>&-``): what goes there is dropped."""

    def write(self, text: str) -> int:
        return len(text)


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    real_stdout = stdout or sys.stdout
    errors: TextIO = stderr or sys.stderr or cast(TextIO, _NoStream())
    guarded = _Stdout(real_stdout)
    try:
        return _main(argv, cast(TextIO, guarded), errors)
    except _StdoutFailed as failed:
        return _stdout_failed(failed.error, real_stdout, errors)


def _main(argv: Sequence[str] | None, stdout: TextIO, stderr: TextIO) -> int:
    _without_pydantic_plugins()
    try:
        given = list(sys.argv[1:] if argv is None else argv)
        args = build_parser(given).parse_args(given)
    except UsageError as exc:  # argparse quotes what was typed: shown, not run
        stderr.write(terminal(str(exc)))
        return 2
    except SystemExit:  # --help / --version, printed by argparse
        return 0
    except OSError as exc:  # argparse printing --help into a closed pipe
        raise _StdoutFailed(exc) from None
    try:
        code = int(load(args.command).run(args, stdout, stderr))
        stdout.flush()  # here, where a full or closed stdout is still ours to report
        return code
    except ScoringError as exc:
        stderr.write(f"{terminal(str(exc))}\n")
        return 1
    except UsageError as exc:
        stderr.write(f"jixiao: error: {terminal(str(exc))}\n")
        return 2
    except KeyboardInterrupt:
        stderr.write("jixiao: interrupted\n")
        return 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C
