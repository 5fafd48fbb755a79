"""The ``jixiao`` command: a thin layer over the library. ``main(argv) -> int``.

Exit codes: 0 ok; 1 bad spec or facts (the problems on stderr, never a traceback); 2 usage;
130 interrupted (Ctrl-C: one line, no traceback; a batch removes its partial output first);
141 standard output closed by its reader (``jixiao score … | head``: quietly, as a tool stopped
by SIGPIPE). Standard output that cannot be written (closed with ``>&-``, a full disk,
/dev/full) is one line, ``<stdout>: cannot write: … [file-unwritable]``, exit 1. What is printed
on a terminal goes through ``channels.terminal`` (escape sequences shown, not run), and so do
error messages wherever they go. Unexpected exceptions are not caught: they are bugs and should
say so loudly. The subcommands live in ``scoring.commands``, one module each.

Chinese first: help, argparse's own words and messages are in the language of ``--lang zh|en``
(anywhere on the line), else of ``JIXIAO_LANG``, else Chinese (``scoring.i18n``). The language is
known before the parser is built, since argparse translates its group titles as it builds it.
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn, TextIO, cast

from . import __version__
from .commands import ABOUT, COMMANDS, load
from .errors import Problem, ScoringError, UsageError
from .i18n import ENVIRONMENT, N_, catalogue, language, parse_language, tr, ui, using
from .writing.channels import terminal

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() controls streams and exit codes."""

    def error(self, message: str) -> NoReturn:
        error = ui("{prog}: error: {message}", prog=self.prog, message=message)
        raise UsageError(f"{error}\n{self.format_usage()}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise UsageError(message or "") if status else SystemExit(0)


LANGUAGES = ("zh", "en")  # what --lang takes (JIXIAO_LANG also takes a locale such as zh_CN)

_DESCRIPTION = N_(
    "Scores public-spending performance evaluations (财政支出绩效评价, 绩效自评): a YAML "
    "indicator system (指标体系) applied to a project's facts gives the score, the grade and "
    "where each point was lost, as the 自评表, a draft 自评报告, or data for other programs."
)
_EXAMPLES = (
    (
        N_("score the example shipped with jixiao"),
        "jixiao score jixiao:xinfang_weiwen jixiao:hengnan_xinfang_2021",
    ),
    (N_("the indicator systems shipped with jixiao"), "jixiao systems"),
    (N_("a command's options and examples"), "jixiao score --help"),
    (N_("in English"), "jixiao --lang en score --help"),
)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the command named in ``argv`` gets its arguments (and its module
    loaded), the others are listed by name and help. ``argv`` None: every command in full.
    Built in the current language (``scoring.i18n``), argparse's own words included."""
    parser = _Parser(
        prog="jixiao",
        description=ui(_DESCRIPTION),
        epilog=_examples(_EXAMPLES),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"jixiao {__version__}",
        help=ui("show jixiao's version and exit"),
    )
    _add_language(parser)
    sub = parser.add_subparsers(
        title=ui("commands"), dest="command", required=True, parser_class=_Parser
    )
    named = None if argv is None else _command_named(argv)
    for name, help_text in COMMANDS.items():
        description, examples = ABOUT[name]
        command_parser = sub.add_parser(
            name,
            help=ui(help_text),
            description=ui(description),
            epilog=_examples(examples),
            formatter_class=_HelpFormatter,
        )
        if named is None or named == name:
            load(name).add_arguments(command_parser)
            _add_language(command_parser, argparse.SUPPRESS)
    return parser


def _command_named(argv: Sequence[str]) -> str:
    """The first word of ``argv`` that is neither an option nor --lang's value: the command."""
    after_lang = False
    for token in argv:
        if not after_lang and not token.startswith("-"):
            return token
        after_lang = token == "--lang"
    return ""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help wrapped by display width, so that a Chinese line breaks where it reaches the
    margin: an option's help, and a description (one paragraph); text of several lines (the
    examples) as written."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _wrap(" ".join(text.split()), width).splitlines()

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in _wrap(text, width - len(indent)).splitlines())

    def _format_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None,
    ) -> str:
        """The usage lines, continued under the first word after the prefix on screen: argparse
        indents by the prefix's length in characters, and 用法： is three of them but six
        columns wide."""
        text = super()._format_usage(usage, actions, groups, prefix)
        shown = prefix if prefix is not None else catalogue(language()).gettext("usage: ")
        wider = _columns(shown) - len(shown)
        if not wider:
            return text
        first, *rest = text.split("\n")
        return "\n".join(
            [first, *(" " * wider + line if line[:1] == " " else line for line in rest)]
        )


def _add_language(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    """``--lang``, which main() reads before the parser is built (so anywhere on the line);
    declared so that help lists it and the parser takes it (and refuses another language)."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default,
        help=ui("the language of help and messages: zh (the default) or en; also JIXIAO_LANG"),
    )


def _examples(examples: Sequence[tuple[str, str]]) -> str:
    """The examples that end a command's help: each as a comment saying what it does, then the
    command line, so a line can be copied into a shell as it is."""
    lines = [ui("examples:")]
    for what, command in examples:
        lines += [f"  # {ui(what)}", f"  {command}"]
    return "\n".join(lines)


def _wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` display columns. Chinese has no spaces to break
    at, so a line breaks between any two characters of it (textwrap, which argparse wraps with,
    breaks only at spaces and counts a Chinese character as one column); not before closing
    punctuation, which stays on the line it closes, nor after opening punctuation, which goes
    to the line it opens."""
    lines: list[str] = []
    line, used = "", 0
    for token in _tokens(text):
        size = _columns(token)
        closing = token[0] in _CLOSING
        if line and used + size > width and not token.isspace() and not closing:
            carried = ""
            while line and line[-1] in _OPENING:
                line, carried = line[:-1], line[-1] + carried
            if line.strip():
                lines.append(line.rstrip())
                line, used = carried, _columns(carried)
            else:
                line = carried
        if not line and token.isspace():
            continue
        line, used = line + token, used + size
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_CLOSING = frozenset("，。、；：？！）」』】》〉”’,.;:?!)]}%")
_OPENING = frozenset("（「『【《〈“‘([{")


def _tokens(text: str) -> Iterator[str]:
    """Words (a run of letters, digits and the like), each wide character, each space."""
    word = ""
    for char in text:
        if char.isspace() or unicodedata.east_asian_width(char) in "WF":
            if word:
                yield word
                word = ""
            yield char
        else:
            word += char
    if word:
        yield word


def _language_asked(argv: Sequence[str]) -> str | None:
    """The language ``--lang`` names on the command line (the last given, as argparse takes
    it), read before the parser exists. None when not given, or when it names no language: the
    parser then refuses it, in the language of JIXIAO_LANG."""
    asked = None
    for index, token in enumerate(argv):
        if token == "--":
            break
        if token == "--lang":
            asked = argv[index + 1] if index + 1 < len(argv) else None
        elif token.startswith("--lang="):
            asked = token.removeprefix("--lang=")
    return asked if asked in LANGUAGES else None


def _check_environment() -> None:
    """A JIXIAO_LANG that names no language is a usage error on the command line (the library
    ignores it): a typo should not quietly give Chinese to someone who asked for English."""
    value = os.environ.get(ENVIRONMENT, "")
    if not value:
        return
    try:
        parse_language(value)
    except ValueError:
        raise UsageError(
            ui(
                "jixiao: error: {variable}={value!r} is not a language jixiao speaks; "
                "set it to zh or en (or unset it: Chinese)",
                variable=ENVIRONMENT,
                value=value,
            )
        ) from None


@contextmanager
def _speaking(asked: str | None) -> Iterator[None]:
    """Messages, help and argparse's own words in the language asked (None: JIXIAO_LANG's, or
    Chinese) for one run of main(); as they were afterwards, for a program that calls main().

    argparse looks its words up (usage:, options, its error messages) through the names ``_``
    and ``ngettext`` it imported from gettext; those names are pointed at jixiao's catalogue,
    which translates argparse's English msgids (argparse.po). A language asked with --lang is
    also put in JIXIAO_LANG, for the worker processes a batch starts."""
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    environment = os.environ.get(ENVIRONMENT)
    # Pinned for the run (JIXIAO_LANG read once, not at every message).
    with using(asked or language()):
        translations = catalogue(language())
        module.update(_=translations.gettext, ngettext=translations.ngettext)
        if asked is not None:
            os.environ[ENVIRONMENT] = asked
        try:
            yield
        finally:
            module["_"], module["ngettext"] = saved
            if environment is None:
                os.environ.pop(ENVIRONMENT, None)
            else:
                os.environ[ENVIRONMENT] = environment


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
    reason = error.strerror or str(error)
    problem = Problem(
        tr("file-unwritable", "cannot write: {reason}", reason=reason),
        "file-unwritable",
        file="<stdout>",
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
    given = list(sys.argv[1:] if argv is None else argv)
    asked = _language_asked(given)
    with _speaking(asked):  # a standard output that fails is reported in that language too
        guarded = _Stdout(real_stdout)
        try:
            return _main(given, asked, cast(TextIO, guarded), errors)
        except _StdoutFailed as failed:
            return _stdout_failed(failed.error, real_stdout, errors)


def _main(given: list[str], asked: str | None, stdout: TextIO, stderr: TextIO) -> int:
    _without_pydantic_plugins()
    if asked is None:
        try:
            _check_environment()
        except UsageError as exc:
            stderr.write(f"{terminal(str(exc))}\n")
            return 2
    return _run(given, stdout, stderr)


def _run(given: list[str], stdout: TextIO, stderr: TextIO) -> int:
    try:
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
        stderr.write(ui("jixiao: error: {message}", message=terminal(str(exc))) + "\n")
        return 2
    except KeyboardInterrupt:
        stderr.write(ui("jixiao: interrupted") + "\n")
        return 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C
