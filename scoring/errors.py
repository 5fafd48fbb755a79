"""The exception tree and the located problem record every error is made of.

This module imports nothing from its siblings but ``i18n`` (which imports none of them), so that
every other module can raise from it.
One line format everywhere: ``file:line:col: path: message [code]``. A problem's ``path`` is an
id path (``id_path``); what the user wrote is quoted in its message by ``shown`` and
``described``, bounded; a library call given the wrong type is ``wrong_argument``'s error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .i18n import tr, ui

__all__ = [
    "FactsError",
    "FormulaError",
    "Problem",
    "ScoringError",
    "SpecError",
    "UsageError",
    "described",
    "did_you_mean",
    "id_path",
    "shown",
    "wrong_argument",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    ``path`` names the place inside the document by ids, e.g.
    ``indicators[决策].children[项目立项].weight``; ``code`` is a stable kebab-case name listed in
    docs/errors.md that tools can filter on.
    """

    message: str
    code: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.location()
        if self.path:
            where = f"{where}: {self.path}"
        return f"{where}: {self.message} [{self.code}]"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.path or "")


class ScoringError(Exception):
    """Root of every error this library raises on bad input.

    Carries one or more located problems; ``str()`` gives one problem per line, sorted by position.
    """

    def __init__(self, problems: Iterable[Problem] | Problem | str, *, code: str = "error") -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, code)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(sorted(problems, key=Problem.sort_key))
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


class SpecError(ScoringError):
    """The indicator system (spec) is invalid: YAML, schema, weights, formulas, bands, cycles."""


class FactsError(ScoringError):
    """The facts of a project cannot be scored: missing, malformed or out-of-range values."""


class FormulaError(ScoringError):
    """A formula breaks the whitelist or cannot be evaluated.

    ``formula`` is the source text and ``offset`` the 0-based character offset of the offending
    part, so a loader can turn it into a file position.
    """

    def __init__(self, message: str, *, code: str, formula: str, offset: int = 0) -> None:
        self.message = message
        self.formula = formula
        self.offset = offset
        super().__init__(Problem(message, code))


class UsageError(Exception):
    """The command line asks for something that does not exist (exit code 2); not an input error."""


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """ "; did you mean 'x'?" for the known name closest to ``name``, or "" when none is close:
    the one wording of every suggestion for a misspelt id, label or column."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
    return ui("; did you mean {name!r}?", name=close[0]) if close else ""


_SHOWN = 60  # characters of a value quoted in a message


def _text_of(value: Any) -> str:
    """``str(value)``, bounded: str() of an int of over 4,300 digits raises, and a 5,000-digit
    number (or a megabyte of text) must not be echoed whole in a one-line message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return format(Decimal(value), ".6E")
    if isinstance(value, Decimal) and len(value.as_tuple().digits) > _SHOWN:
        return format(value, ".6E")
    text = value if isinstance(value, str) else str(value)
    return text[:_SHOWN] + "…" if len(text) > _SHOWN else text


def described(value: Any) -> str:
    """What a user wrote, in their terms: 'the text …', 'the number …', 'a list'."""
    if isinstance(value, str):
        return ui("the text {text!r}", text=value[:40])
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return ui("the number {number}", number=_text_of(value))
    return ui("an empty file") if value is None else shown(value)


def wrong_argument(called: str, expected: str, value: object) -> ScoringError:
    """The error for a library call given the wrong type: a ScoringError (wrong-type) that says
    what the call needs, never the TypeError or AttributeError of whatever first touched it."""
    if value is None:
        got = "None"
    elif isinstance(value, str):
        got = ui("the text {text!r}", text=_text_of(value))
    else:
        got = ui("a value of type {type}", type=type(value).__name__)
    message = tr(
        "wrong-type",
        "{called}() needs {expected}, got {got}",
        called=called,
        expected=expected,
        got=got,
    )
    return ScoringError(Problem(message, "wrong-type", file="<input>"))


def shown(value: Any) -> str:
    """A user's value as they wrote it, for 'got …' in messages."""
    if value is None:
        return ui("nothing (empty)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ui("a mapping")
    if isinstance(value, list):
        return ui("a list")
    return repr(_text_of(value))


def id_path(data: Any, loc: Sequence[str | int]) -> str:
    """``indicators[决策].children[项目立项].weight``: list items named by their id where they have one."""
    text = ""
    value = data
    for part in loc:
        if isinstance(part, int):
            item = value[part] if isinstance(value, list) and 0 <= part < len(value) else None
            ident = item.get("id") if isinstance(item, dict) else None
            named = isinstance(ident, (str, int, Decimal)) and not isinstance(ident, bool)
            text += f"[{ident}]" if named else f"[{part}]"
            value = item
        else:
            text += f".{part}" if text else str(part)
            value = value.get(part) if isinstance(value, dict) else None
    return text
