"""The spec's values: fact and derived-value declarations, their ids, and the formulas that
compute derived values and rule inputs.

Derived values are put in dependency order (every cycle reported once, with its path) and closed
over, so each indicator can later say which facts and derived values its score needs. A formula
problem is pointed at the offending column when the formula stands on its line as written.
"""

from __future__ import annotations

import keyword
import unicodedata
from collections.abc import Collection, Mapping
from typing import Any

from .compiled import Derived, Fact
from .errors import FormulaError, Problem
from .expr import FUNCTIONS, CompiledFormula, compile_formula
from .measure import Measure
from .money import money_factor
from .pydantic_errors import id_path
from .spec import DerivedSpec, FactSpec
from .spec_state import CompileState, Loc

__all__ = ["RESERVED_NAMES", "ValueChecks"]

RESERVED_NAMES = frozenset({"True", "False", "None"})


class ValueChecks(CompileState):
    """Checks and compiles facts, derived values and formulas, reporting into the shared list."""

    def check_name(self, loc: Loc, name: str, what: str) -> bool:
        if not name.isidentifier() or keyword.iskeyword(name):
            self.problem(
                loc,
                f"{what} id {name!r} cannot be used in formulas: use letters, digits (not first), "
                "underscores or Chinese characters, without spaces or punctuation",
                "bad-name",
                key=True,
            )
            return False
        if unicodedata.normalize("NFKC", name) != name:
            self.problem(
                loc,
                f"{what} id {name!r} contains full-width or compatibility characters; write {unicodedata.normalize('NFKC', name)!r}",
                "bad-name",
                key=True,
            )
            return False
        if name in FUNCTIONS or name in RESERVED_NAMES:
            self.problem(
                loc,
                f"{what} id {name!r} is reserved (a function or a rule variable); choose another id",
                "reserved-name",
                key=True,
            )
            return False
        return True

    def check_facts(self, raw: Mapping[str, FactSpec]) -> dict[str, Fact]:
        facts: dict[str, Fact] = {}
        for name, spec in raw.items():
            loc: Loc = ("facts", name)
            self.check_name(loc, name, "fact")
            unit = spec.unit or ""
            if spec.kind == "money" and money_factor(unit) is None:
                self.problem(
                    (*loc, "unit"),
                    f"money needs a unit of 元, 千元, 万元, 百万元 or 亿元, got {unit or 'none'!r}",
                    "unit-kind",
                )
            if spec.kind == "rate" and unit not in ("", "%"):
                self.problem(
                    (*loc, "unit"),
                    f"a rate has no unit (it is shown as a percentage), got {unit!r}",
                    "unit-kind",
                )
                unit = ""
            if spec.kind == "rate":
                unit = ""
            facts[name] = Fact(
                id=name,
                label=spec.label or name,
                measure=Measure(spec.kind, unit),
                min=spec.min,
                max=spec.max,
                default=spec.default,
                source=spec.source,
            )
        return facts

    # ---- derived values ------------------------------------------------------------------
    def check_derived(
        self, raw: Mapping[str, DerivedSpec], facts: Mapping[str, Fact]
    ) -> tuple[Derived, ...]:
        names = set(facts) | set(raw) | self.declared
        compiled: dict[str, Derived] = {}
        for name, spec in raw.items():
            loc: Loc = ("derived", name)
            if name in facts:
                self.problem(
                    loc,
                    f"derived value {name!r} has the same id as a fact",
                    "duplicate-id",
                    key=True,
                )
                continue
            if not self.check_name(loc, name, "derived value"):
                continue
            formula = self.compile_formula(spec.formula, (*loc, "formula"), names)
            if formula is None:
                continue
            kind = spec.kind
            compiled[name] = Derived(
                name,
                spec.label or name,
                formula,
                Measure(kind, "" if kind == "rate" else spec.unit or ""),
            )
        return self.order_derived(compiled)

    def order_derived(self, compiled: dict[str, Derived]) -> tuple[Derived, ...]:
        """Topological order; every cycle reported once with its path."""
        order: list[Derived] = []
        state: dict[str, int] = {}  # 1 = visiting, 2 = done
        stack: list[str] = []

        def visit(name: str) -> None:
            state[name] = 1
            stack.append(name)
            for dep in sorted(compiled[name].formula.names):
                if dep not in compiled:
                    continue
                if state.get(dep) == 1:
                    cycle = [*stack[stack.index(dep) :], dep]
                    self.problem(
                        ("derived", dep, "formula"),
                        "derived values depend on each other in a cycle: " + " → ".join(cycle),
                        "derived-cycle",
                    )
                elif dep not in state:
                    visit(dep)
            stack.pop()
            state[name] = 2
            order.append(compiled[name])

        for name in compiled:
            if name not in state:
                visit(name)
        return tuple(order)

    def derived_closure(
        self, derived: tuple[Derived, ...], facts: Mapping[str, Fact]
    ) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        """For each name: (facts it reads, derived values it needs), through any depth."""
        closure: dict[str, tuple[frozenset[str], frozenset[str]]] = {
            name: (frozenset({name}), frozenset()) for name in facts
        }
        for item in derived:  # dependency order: every input is already closed
            fact_names: set[str] = set()
            derived_names: set[str] = {item.id}
            for dep in item.formula.names:
                dep_facts, dep_derived = closure.get(dep, (frozenset(), frozenset()))
                fact_names |= dep_facts
                derived_names |= dep_derived
            closure[item.id] = (frozenset(fact_names), frozenset(derived_names))
        return closure

    # ---- formulas ------------------------------------------------------------------------
    def compile_formula(
        self, source: str, loc: Loc, names: Collection[str]
    ) -> CompiledFormula | None:
        try:
            formula = compile_formula(source, names)
        except FormulaError as exc:
            if self.names_known or exc.problems[0].code != "formula-unknown-name":
                self.formula_problem(loc, exc)
            return None
        text = sorted(name for name in formula.names if self.text_facts.get(name))
        if text:
            self.problem(
                loc,
                f"{', '.join(text)} is text and cannot be used in a formula",
                "formula-text-fact",
            )
            return None
        return formula

    def formula_problem(self, loc: Loc, exc: FormulaError) -> None:
        file, mark = self.src.locate(loc)
        column = None if mark is None else self.formula_column(file, mark, exc.formula, exc.offset)
        self.problems.append(
            Problem(
                f"{exc.message} (in formula {exc.formula[:80]!r})"
                if len(exc.formula) <= 200
                else exc.message,
                exc.problems[0].code,
                file=file,
                line=mark.line if mark else None,
                column=column,
                path=id_path(self.data, loc) or None,
            )
        )

    def formula_column(self, file: str, mark: Any, formula: str, offset: int) -> int:
        """The column of the offending part when the formula is written on the value's line as
        is (plain or quoted); else the value's own column, and the message quotes the formula."""
        lines = self.src.texts.get(file, [])
        line = lines[mark.line - 1] if 0 < mark.line <= len(lines) else ""
        start = mark.column - 1
        for quote in (0, 1):
            if line[start + quote : start + quote + len(formula)] == formula:
                return int(mark.column) + quote + offset
        return int(mark.column)
