"""What the spec compiler's checks share: the sourced document, the problems found so far, and the
name tables filled in while compiling.

The compiler's checks are functions by concern (``values`` for facts, derived values and
formulas, ``tree`` for the indicator tree, its rules and the grades, ``loader`` for the passes
that drive them), each taking this state first: every check reports into the same problem list
and reads the same tables, and a reader sees at each call which state a check uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import Problem, SpecError
from ..formula.expr import DeclaredNames
from ..numbers.measure import Measure
from .overlay import Sourced

if TYPE_CHECKING:
    from .values import DerivedClosure

__all__ = ["CompileState", "Loc"]

Loc = tuple[str | int, ...]
"""Where a value sits in the spec document: keys and list indexes from the top."""


class CompileState:
    """The document being compiled and every problem found in it, each located by file:line:col
    and id path, collected rather than raised so one run reports all that is wrong."""

    # Set by loader.compile_model before the checks that read them run.
    places: int
    """The spec's rounding places: no weight may be finer than a score can be shown."""
    declared: set[str]
    """Fact and derived ids as written, even where their declaration is broken."""
    names_known: bool
    """Whether facts and derived are mappings, so an unknown name in a formula is worth reporting."""
    text_facts: dict[str, bool]
    """Which facts are text, which no formula may use."""
    measures: dict[str, Measure]
    """The kind and unit of each fact and derived value, to read targets written against it."""
    names: frozenset[str]
    """Every name a rule's formula may use."""
    name_index: DeclaredNames
    """``names`` indexed once for the formula compiler (see ``expr.DeclaredNames``)."""
    closure: DerivedClosure
    """For each name: the facts it reads and the derived values it needs, through any depth."""
    seen_ids: dict[str, Loc]
    """Where each indicator id was first declared, to report duplicates."""

    def __init__(self, sourced: Sourced) -> None:
        self.src = sourced
        self.data = sourced.data
        self.problems: list[Problem] = list(sourced.problems)

    def problem(
        self, loc: Sequence[str | int], message: str, code: str, *, key: bool = False
    ) -> None:
        self.problems.append(self.src.problem(tuple(loc), message, code, key=key))

    def fail_if_problems(self) -> None:
        if self.problems:
            raise SpecError(self.problems)
