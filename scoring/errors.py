"""The exception tree and the located problem record every error is made of.

This module imports nothing from its siblings but ``i18n`` (which imports none of them), so that
every other module can raise from it.
One line format everywhere: ``file:line:col: path: message [code]``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from .i18n import ui

__all__ = [
    "FactsError",
    "FormulaError",
    "Problem",
    "ScoringError",
    "SpecError",
    "UsageError",
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
