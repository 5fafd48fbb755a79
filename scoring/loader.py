"""File or text → validated, compiled ``Spec``; every problem located by file:line:col and id path.

Validation runs in two passes that both collect every problem before raising: the pydantic models
check the shape, then the semantic checks (names, weights, formulas, cycles, bands, tiers, grades)
run on whatever parts are well formed, so one run reports all that is wrong.
"""

from __future__ import annotations

import contextlib
import keyword
import os
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .compiled import Derived, Fact, Node, Spec
from .errors import FormulaError, Problem, SpecError
from .expr import FUNCTIONS, CompiledFormula, compile_formula
from .grading import GradeBands, RoundingPolicy
from .measure import Measure, MeasureError, ResolvedTarget
from .overlay import Sourced, apply_overrides, load_sourced, sourced_from_text
from .pydantic_errors import describe_errors, described, id_path
from .quantities import format_number, money_factor
from .rules import REGISTRY, CompileContext
from .rules.qualitative import build_tiers
from .spec import DerivedSpec, FactSpec, IndicatorSpec, SpecModel

__all__ = ["load_spec", "load_spec_text"]

Loc = tuple[str | int, ...]
RESERVED_NAMES = frozenset({"True", "False", "None"})


def load_spec(path: str | os.PathLike[str], *, overrides: Sequence[str] = ()) -> Spec:
    """Read, validate and compile an indicator system file (following ``extends:`` to its bases);
    raise SpecError listing every problem.

    ``overrides`` are one-off changes such as ``"预算执行率.weight=20"`` or ``"grades.优=85"``,
    applied like a profile on top of the file.
    """
    sourced = load_sourced(path)
    if not overrides:
        return _Compiler(sourced).run()
    try:
        return _Compiler(apply_overrides(sourced, overrides)).run()
    except SpecError as exc:
        # A weight sum broken by --set is located where the sum is written, in the spec file;
        # say which overrides were in force so the user is not sent looking for a typo there.
        note = Problem(
            f"the spec was changed by --set {'; '.join(overrides)} when these problems arose",
            "override-effect",
            file="--set",
        )
        raise SpecError([note, *exc.problems]) from None


def load_spec_text(text: str, file: str = "<spec>", *, base_dir: str = ".") -> Spec:
    """Validate and compile an indicator system given as YAML (or JSON) text; a profile's
    ``extends:`` is resolved relative to ``base_dir``."""
    return _Compiler(sourced_from_text(text, file, base_dir=base_dir)).run()


class _Compiler:
    def __init__(self, sourced: Sourced) -> None:
        self.src = sourced
        self.data = sourced.data
        self.problems: list[Problem] = list(sourced.problems)

    # ---- problem reporting ---------------------------------------------------------------
    def problem(
        self, loc: Sequence[str | int], message: str, code: str, *, key: bool = False
    ) -> None:
        self.problems.append(self.src.problem(tuple(loc), message, code, key=key))

    def fail_if_problems(self) -> None:
        if self.problems:
            raise SpecError(self.problems)

    # ---- the two passes ------------------------------------------------------------------
    def run(self) -> Spec:
        data = self.data
        if not isinstance(data, dict):
            what = described(data)
            self.problem(
                (),
                f"expected a mapping of spec keys (id, name, indicators …), got {what}",
                "spec-shape",
            )
            self.fail_if_problems()
        try:
            model = SpecModel.model_validate(data)
        except ValidationError as exc:
            for loc, message, code, on_key in describe_errors(exc, data, SpecModel):
                self.problem(loc, message, code, key=on_key)
            # Go on with the parts that are well formed, so one run reports every problem.
            model = _partial_model(data)
        return self.compile(model)

    def compile(self, model: SpecModel) -> Spec:
        rounding = RoundingPolicy(model.rounding.places, model.rounding.mode)
        self.places = model.rounding.places
        grades = self.check_grades(model)
        tiers = build_tiers(
            model.qualitative_tiers,
            lambda message, code: self.problem(("qualitative_tiers",), message, code),
        )
        data = self.data
        # Names declared, even where the declaration itself is broken: a formula using them must
        # not also be reported as naming something unknown.
        self.declared = {
            name
            for section in ("facts", "derived")
            if isinstance(data.get(section), dict)
            for name in data[section]
        }
        # With facts or derived values not written as a mapping (already reported), names used
        # in formulas cannot be checked: reporting each as unknown would only repeat that.
        self.names_known = all(isinstance(data.get(s, {}), dict) for s in ("facts", "derived"))
        self.text_facts = {name: spec.kind == "text" for name, spec in model.facts.items()}
        facts = self.check_facts(model.facts)
        derived = self.check_derived(model.derived, facts)
        settings = {
            "tiers": tiers,
            "reverse_formula": model.reverse_formula,
            "overshoot_ratio": model.overshoot_ratio,
        }
        self.measures: dict[str, Measure] = {f.id: f.measure for f in facts.values()}
        self.measures.update({d.id: d.measure for d in derived})
        self.names = frozenset(self.measures) | self.declared
        self.closure = self.derived_closure(derived, facts)
        self.seen_ids: dict[str, Loc] = {}
        indicators = tuple(
            self.check_indicator(spec, ("indicators", index), 1, settings)
            for index, spec in enumerate(model.indicators)
            if spec is not None
        )
        if len(indicators) == len(model.indicators):
            self.check_sum(model.total, indicators, (), "the top-level indicators", "total")
        self.check_weight_rules(model, indicators)
        for grade in model.application:
            if grade not in model.grades:
                self.problem(
                    ("application", grade),
                    f"no grade {grade!r}; grades are {', '.join(model.grades)}",
                    "application-grade",
                    key=True,
                )
        self.fail_if_problems()
        return Spec(
            id=model.id,
            name=model.name,
            version=model.version,
            basis=tuple(model.basis),
            description=model.description,
            total=model.total,
            rounding=rounding,
            grades=grades,
            tiers=tiers,
            facts=facts,
            derived=derived,
            indicators=indicators,
            file=self.src.sources[-1].file if self.src.sources else "<spec>",
            sha256=self.src.sha256,
            sources=tuple(self.src.sources),
            cases=tuple(model.cases),
            application=dict(model.application),
        )

    # ---- metadata ------------------------------------------------------------------------
    def check_grades(self, model: SpecModel) -> GradeBands:
        bands = tuple(model.grades.items())
        previous: tuple[str, Decimal] | None = None
        for name, minimum in bands:
            if previous is not None and minimum >= previous[1]:
                self.problem(
                    ("grades", name),
                    f"grade {name} (≥ {minimum}) must have a lower minimum than {previous[0]} "
                    f"(≥ {previous[1]}); list grades from highest to lowest",
                    "grade-order",
                )
            previous = (name, minimum)
        if bands and bands[0][1] > model.total and "grades" not in self.data:
            example = ", ".join(
                f"{name}: {format_number(minimum * model.total / 100)}" for name, minimum in bands
            )
            self.problem(
                ("total",),
                f"the default grades ({', '.join(f'{n} ≥ {m}' for n, m in bands)}) need a total "
                f"of at least {format_number(bands[0][1])}; for a total of "
                f"{format_number(model.total)} declare grades:, e.g. grades: {{{example}}}",
                "grade-range",
            )
        elif bands and bands[0][1] > model.total:
            self.problem(
                ("grades", bands[0][0]),
                f"grade {bands[0][0]} needs {bands[0][1]}, above the total {model.total}",
                "grade-range",
            )
        if bands and bands[-1][1] != 0:
            self.problem(
                ("grades", bands[-1][0]),
                f"the lowest grade {bands[-1][0]} must start at 0, got {bands[-1][1]}: totals "
                f"below {bands[-1][1]} would have no grade",
                "grade-gap",
            )
        if not bands:
            self.problem(("grades",), "at least one grade is needed", "grade-gap")
        return GradeBands(bands)

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

    # ---- the indicator tree --------------------------------------------------------------
    def check_indicator(
        self, spec: IndicatorSpec, loc: Loc, level: int, settings: Mapping[str, Any]
    ) -> Node:
        if spec.id in self.seen_ids:
            first = self.src.locate((*self.seen_ids[spec.id], "id"))[1]
            where = f" (first at line {first.line})" if first else ""
            self.problem(
                (*loc, "id"),
                f"duplicate indicator id {spec.id!r}{where}; ids must be unique across the tree",
                "duplicate-id",
            )
        else:
            self.seen_ids[spec.id] = loc
        name = spec.name or spec.id
        places = -spec.weight.normalize().as_tuple().exponent  # type: ignore[operator]
        if places > self.places:
            self.problem(
                (*loc, "weight"),
                f"weight {format_number(spec.weight)} has more decimal places than the spec's "
                f"rounding ({self.places}): a full score could not be shown as it is; "
                "round the weight or raise rounding.places",
                "weight-places",
            )
        if spec.children is not None and spec.rule is not None:
            self.problem(
                loc,
                f"indicator {spec.id!r} has both children and a rule: a parent's score is the sum of its children",
                "node-shape",
            )
        if spec.children is None and spec.rule is None and not _has_raw_rule(self.data, loc):
            self.problem(
                loc,
                f"indicator {spec.id!r} has neither children nor a rule: give a leaf a rule (kind: positive, reverse, …)",
                "node-shape",
            )
        if spec.children is not None:
            if not spec.children:
                self.problem(
                    (*loc, "children"),
                    f"indicator {spec.id!r} has an empty children list",
                    "node-shape",
                )
            children = tuple(
                self.check_indicator(child, (*loc, "children", index), level + 1, settings)
                for index, child in enumerate(spec.children)
                if child is not None
            )
            if len(children) == len(spec.children):  # a broken child has no weight to add up
                self.check_sum(
                    spec.weight,
                    children,
                    loc,
                    f"the children of {spec.id!r}",
                    "its weight",
                )
            return Node(
                spec.id,
                name,
                spec.weight,
                level,
                children=children,
                standard=spec.standard,
                explanation=spec.explanation,
            )
        rule = self.compile_rule(spec, loc, settings) if spec.rule is not None else None
        facts_needed: set[str] = set()
        derived_needed: set[str] = set()
        for dep in rule.needs if rule is not None else ():
            dep_facts, dep_derived = self.closure.get(dep, (frozenset(), frozenset()))
            facts_needed |= dep_facts
            derived_needed |= dep_derived
        return Node(
            spec.id,
            name,
            spec.weight,
            level,
            rule=rule,
            standard=spec.standard,
            explanation=spec.explanation,
            facts_needed=frozenset(facts_needed),
            derived_needed=frozenset(derived_needed),
        )

    def check_weight_rules(self, model: SpecModel, indicators: tuple[Node, ...]) -> None:
        weights = {node.id: node.weight for top in indicators for node in top.walk()}
        for index, check in enumerate(model.weight_checks):
            loc: Loc = ("weight_checks", index)
            unknown = [ident for ident in check.indicators if ident not in weights]
            if unknown:
                self.problem(
                    (*loc, "indicators"),
                    f"no indicator {', '.join(map(repr, unknown))} to check",
                    "weight-check",
                )
                continue
            total = sum((weights[ident] for ident in check.indicators), Decimal(0))
            names = " + ".join(check.indicators)
            why = f" ({check.reason})" if check.reason else ""
            if check.min is not None and total < check.min:
                self.problem(
                    loc,
                    f"{names} weigh {format_number(total)}, below the minimum {format_number(check.min)}{why}",
                    "weight-check",
                )
            if check.max is not None and total > check.max:
                self.problem(
                    loc,
                    f"{names} weigh {format_number(total)}, above the maximum {format_number(check.max)}{why}",
                    "weight-check",
                )

    def check_sum(
        self, weight: Decimal, children: Sequence[Node], loc: Loc, what: str, whose: str
    ) -> None:
        total = sum((child.weight for child in children), Decimal(0))
        if children and total != weight:
            diff = total - weight
            self.problem(
                loc + (("weight",) if loc else ("total",)),
                f"weights of {what} sum to {format_number(total)}, but {whose} is {format_number(weight)} "
                f"(off by {'+' if diff > 0 else ''}{format_number(diff)})",
                "weight-sum",
            )

    def compile_rule(self, spec: IndicatorSpec, loc: Loc, settings: Mapping[str, Any]) -> Any:
        assert spec.rule is not None
        rule_loc = (*loc, "rule")

        def at(field: str) -> Loc:
            return rule_loc + tuple(int(p) if p.isdigit() else p for p in field.split("."))

        def compile_(source: str, field: str) -> CompiledFormula | None:
            return self.compile_formula(source, at(field), self.names)

        def compile_local(
            source: str, field: str, local: tuple[str, ...]
        ) -> CompiledFormula | None:
            # Rule variables (w = the weight, a, t …) would shadow a fact of the same name.
            formula = self.compile_formula(source, at(field), self.names | set(local))
            clash = sorted(formula.names & set(local) & self.names) if formula else []
            if clash:
                self.problem(
                    at(field),
                    f"{', '.join(clash)} is both a declared fact or derived value and a rule "
                    f"variable ({', '.join(local)}) here; rename the fact",
                    "name-clash",
                )
                return None
            return formula

        def measure_of(formula: CompiledFormula | None, unit: str | None) -> Measure:
            if formula is not None and formula.bare_name in self.measures:
                return self.measures[formula.bare_name]
            if unit in ("%", "rate"):
                return Measure("rate", "")
            return Measure("number", unit or "")

        def resolve_target(
            raw: Any, measure: Measure, default_op: str, ops: tuple[str, ...]
        ) -> ResolvedTarget | None:
            if measure.kind == "money" and money_factor(measure.unit) is None:
                return None  # the fact's unit is refused already; reading a target in it is moot
            try:
                target = measure.target(raw, default_op)
            except MeasureError as exc:
                self.problem(at("target"), exc.message, exc.code)
                return None
            if target.op not in ops:
                self.problem(
                    at("target"),
                    f"target {raw!r} uses {target.op}, but a {spec.rule.kind} rule takes "  # type: ignore[union-attr]
                    f"{' or '.join(ops)}{_kind_hint(target.op)}",
                    "target-operator",
                )
                return None
            return target

        settings = {**settings, "weight": spec.weight}
        ctx = CompileContext(
            compile=compile_,
            compile_local=compile_local,
            measure_of=measure_of,
            resolve_target=resolve_target,
            problem=lambda field, message, code: self.problem(at(field), message, code),
            settings=settings,
        )
        return REGISTRY[spec.rule.kind](spec.rule, ctx)


def _partial_model(data: dict[str, Any]) -> SpecModel:
    """The parts of an invalid spec that validate on their own; broken indicators become None.

    Only used to run the semantic checks after the schema errors were reported: the resulting
    spec is never returned, so placeholders for broken metadata never reach a user.
    """
    header: dict[str, Any] = {}
    for name, field in SpecModel.model_fields.items():
        if name in ("facts", "derived", "indicators"):
            continue
        try:
            header[name] = TypeAdapter(field.annotation or Any).validate_python(data[name])
        except (KeyError, ValidationError):
            header[name] = (
                field.get_default(call_default_factory=True) if not field.is_required() else "?"
            )
    return SpecModel.model_construct(
        **header,
        facts=_valid_items(data.get("facts"), FactSpec),
        derived=_valid_items(data.get("derived"), DerivedSpec),
        # Broken nodes stay as None placeholders; the compiler skips them.
        indicators=_valid_nodes(data.get("indicators")),  # type: ignore[arg-type]
    )


def _valid_items(raw: Any, model: type[FactSpec | DerivedSpec]) -> dict[str, Any]:
    valid: dict[str, Any] = {}
    for name, value in raw.items() if isinstance(raw, dict) else ():
        with contextlib.suppress(ValidationError):
            valid[name] = model.model_validate(value)
    return valid


def _valid_nodes(raw: Any) -> list[IndicatorSpec | None]:
    nodes: list[IndicatorSpec | None] = []
    for item in raw if isinstance(raw, list) else ():
        node = None
        # A node whose rule is broken still has a weight its parent's sum needs.
        for without in ({"children": None}, {"children": None, "rule": None}):
            try:
                node = (
                    IndicatorSpec.model_validate({**item, **without})
                    if isinstance(item, dict)
                    else None
                )
                break
            except ValidationError:
                continue
        if node is not None and isinstance(item.get("children"), list):
            node = node.model_copy(update={"children": _valid_nodes(item["children"])})
        nodes.append(node)
    return nodes


def _has_raw_rule(data: Any, loc: Loc) -> bool:
    """Whether the user wrote a rule or children at this node (a broken one is reported by the
    schema pass, and is not also 'neither children nor a rule')."""
    value = data
    for part in loc:
        value = value[part]
    return isinstance(value, dict) and ("rule" in value or "children" in value)


def _kind_hint(op: str) -> str:
    if op in ("≤", "<"):
        return "; use kind: reverse for lower-is-better targets"
    if op in ("≥", ">"):
        return "; use kind: positive for higher-is-better targets"
    return ""
