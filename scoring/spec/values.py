"""The spec's values: fact and derived-value declarations, their ids, and the formulas that
compute derived values and rule inputs.

Derived values are put in dependency order (every cycle reported once, with its path) and closed
over, so each indicator can later say which facts and derived values its score needs. A formula
problem is pointed at the offending column when the formula stands on its line as written.
"""

from __future__ import annotations

import keyword
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import FormulaError, Problem, id_path
from ..formula.expr import FUNCTIONS, CompiledFormula, DeclaredNames, compile_formula
from ..i18n import tr, ui
from ..numbers.measure import Measure
from ..numbers.money import SHORT_MONEY_UNITS, money_factor
from .compiled import Derived, Fact
from .model import DerivedSpec, FactSpec
from .overlay import Loc

if TYPE_CHECKING:  # the loader builds the state and calls these checks with it
    from .loader import CompileState

__all__ = [
    "RESERVED_NAMES",
    "DerivedClosure",
    "check_derived",
    "check_facts",
    "check_name",
    "checked_formula",
    "derived_closure",
    "formula_problem",
    "order_derived",
]

RESERVED_NAMES = frozenset({"True", "False", "None"})


class DerivedClosure:
    """For each name asked for: (the facts it reads, the derived values it needs), through any
    depth. Worked out on demand, for the names rules read, each by one walk: closing every
    derived value over its inputs ahead would cost the square of a long chain's length, in time
    and in memory (3,000 chained values: 4.5 million set entries)."""

    def __init__(self, derived: tuple[Derived, ...], facts: Mapping[str, Fact]) -> None:
        self.reads = {item.id: item.formula.names for item in derived}
        self.facts = facts
        self.found: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def get(
        self, name: str, default: tuple[frozenset[str], frozenset[str]]
    ) -> tuple[frozenset[str], frozenset[str]]:
        if name in self.facts:
            return frozenset({name}), frozenset()
        if name not in self.reads:
            return default
        found = self.found.get(name)
        if found is None:
            fact_names: set[str] = set()
            derived_names: set[str] = set()
            stack = [name]
            while stack:
                current = stack.pop()
                if current in derived_names:
                    continue
                derived_names.add(current)
                for dep in self.reads[current]:
                    if dep in self.facts:
                        fact_names.add(dep)
                    elif dep in self.reads:
                        stack.append(dep)
            found = self.found[name] = (frozenset(fact_names), frozenset(derived_names))
        return found


def check_name(state: CompileState, loc: Loc, name: str, derived: bool) -> bool:
    """Whether ``name``, the id of a fact (or of a derived value), can be used in formulas."""
    what = ui("derived value") if derived else ui("fact")
    if not name.isidentifier() or keyword.iskeyword(name):
        state.problem(
            loc,
            tr(
                "bad-name",
                "{what} id {name!r} cannot be used in formulas: use letters, digits (not "
                "first), underscores or Chinese characters, without spaces or punctuation",
                what=what,
                name=name,
            ),
            "bad-name",
            key=True,
        )
        return False
    if unicodedata.normalize("NFKC", name) != name:
        state.problem(
            loc,
            tr(
                "bad-name",
                "{what} id {name!r} contains full-width or compatibility characters; write "
                "{normal!r}",
                what=what,
                name=name,
                normal=unicodedata.normalize("NFKC", name),
            ),
            "bad-name",
            key=True,
        )
        return False
    if name in FUNCTIONS or name in RESERVED_NAMES:
        state.problem(
            loc,
            tr(
                "reserved-name",
                "{what} id {name!r} is reserved (a function or a rule variable); choose another id",
                what=what,
                name=name,
            ),
            "reserved-name",
            key=True,
        )
        return False
    return True


def check_facts(state: CompileState, raw: Mapping[str, FactSpec]) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for name, spec in raw.items():
        loc: Loc = ("facts", name)
        check_name(state, loc, name, derived=False)
        unit = spec.unit or ""
        # A spec declares its unit in full (万元): "万" is only read in values, where reports
        # shorten it, so that every table the spec prints uses one spelling.
        declared = money_factor(unit) is not None and unit not in SHORT_MONEY_UNITS
        if spec.kind == "money" and not declared:
            state.problem(
                (*loc, "unit"),
                tr(
                    "unit-kind",
                    "money needs a unit of 元, 千元, 万元, 百万元 or 亿元, got {unit!r}",
                    unit=unit or "none",
                ),
                "unit-kind",
            )
        if spec.kind == "rate" and unit not in ("", "%"):
            state.problem(
                (*loc, "unit"),
                tr(
                    "unit-kind",
                    "a rate has no unit (it is shown as a percentage), got {unit!r}",
                    unit=unit,
                ),
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
    state: CompileState, raw: Mapping[str, DerivedSpec], facts: Mapping[str, Fact]
) -> tuple[Derived, ...]:
    names = DeclaredNames(set(facts) | set(raw) | state.declared)  # indexed once, not per formula
    compiled: dict[str, Derived] = {}
    for name, spec in raw.items():
        loc: Loc = ("derived", name)
        if name in facts:
            state.problem(
                loc,
                tr(
                    "duplicate-id",
                    "derived value {name!r} has the same id as a fact",
                    name=name,
                ),
                "duplicate-id",
                key=True,
            )
            continue
        if not check_name(state, loc, name, derived=True):
            continue
        formula = checked_formula(state, spec.formula, (*loc, "formula"), names)
        if formula is None:
            continue
        kind = spec.kind
        compiled[name] = Derived(
            name,
            spec.label or name,
            formula,
            Measure(kind, "" if kind == "rate" else spec.unit or ""),
        )
    return order_derived(state, compiled)


def order_derived(state: CompileState, compiled: dict[str, Derived]) -> tuple[Derived, ...]:
    """Topological order; every cycle reported once with its path. A depth-first walk kept
    on an explicit stack: a chain of thousands of derived values must not recurse."""
    order: list[Derived] = []
    visit: dict[str, int] = {}  # 1 = visiting, 2 = done
    path: list[str] = []  # the names being visited, outermost first
    pending: list[Iterator[str]] = []  # each one's dependencies still to look at

    def enter(name: str) -> None:
        visit[name] = 1
        path.append(name)
        pending.append(iter(sorted(compiled[name].formula.names)))

    for start in compiled:
        if start in visit:
            continue
        enter(start)
        while pending:
            dep = next(pending[-1], None)
            if dep is None:
                name = path.pop()
                pending.pop()
                visit[name] = 2
                order.append(compiled[name])
            elif dep not in compiled:
                continue
            elif visit.get(dep) == 1:
                cycle = [*path[path.index(dep) :], dep]
                state.problem(
                    ("derived", dep, "formula"),
                    tr(
                        "derived-cycle",
                        "derived values depend on each other in a cycle: {cycle}",
                        cycle=" → ".join(cycle),
                    ),
                    "derived-cycle",
                )
            elif dep not in visit:
                enter(dep)
    return tuple(order)


def derived_closure(
    state: CompileState, derived: tuple[Derived, ...], facts: Mapping[str, Fact]
) -> DerivedClosure:
    """For each name: (facts it reads, derived values it needs), through any depth."""
    return DerivedClosure(derived, facts)


# ---- formulas ------------------------------------------------------------------------
def checked_formula(
    state: CompileState, source: str, loc: Loc, names: Collection[str] | DeclaredNames
) -> CompiledFormula | None:
    try:
        formula = compile_formula(source, names)
    except FormulaError as exc:
        if state.names_known or exc.problems[0].code != "formula-unknown-name":
            formula_problem(state, loc, exc)
        return None
    text = sorted(name for name in formula.names if state.text_facts.get(name))
    if text:
        state.problem(
            loc,
            tr(
                "formula-text-fact",
                "{names} is text and cannot be used in a formula",
                names=", ".join(text),
            ),
            "formula-text-fact",
        )
        return None
    return formula


def formula_problem(state: CompileState, loc: Loc, exc: FormulaError) -> None:
    file, mark = state.src.locate(loc)
    column = None if mark is None else formula_column(state, file, mark, exc.formula, exc.offset)
    state.problems.append(
        Problem(
            ui(
                "{message} (in formula {formula!r})",
                message=exc.message,
                formula=exc.formula[:80],
            )
            if len(exc.formula) <= 200
            else exc.message,
            exc.problems[0].code,
            file=file,
            line=mark.line if mark else None,
            column=column,
            path=id_path(state.data, loc) or None,
        )
    )


def formula_column(state: CompileState, file: str, mark: Any, formula: str, offset: int) -> int:
    """The column of the offending part when the formula is written on the value's line as
    is (plain or quoted); else the value's own column, and the message quotes the formula."""
    lines = state.src.texts.get(file, [])
    line = lines[mark.line - 1] if 0 < mark.line <= len(lines) else ""
    start = mark.column - 1
    for quote in (0, 1):
        if line[start + quote : start + quote + len(formula)] == formula:
            return int(mark.column) + quote + offset
    return int(mark.column)
