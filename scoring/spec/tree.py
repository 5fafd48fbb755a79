"""The indicator tree and what hangs off it: unique ids, weights that add up, each leaf's rule
compiled against the declared names, the spec's weight checks, and the grade bands.

Each leaf also records which facts and derived values its score needs (through the closure built
by ``spec_values``), so scoring and the what-if tools can tell what an indicator depends on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..formula.expr import CompiledFormula
from ..i18n import tr
from ..numbers.measure import Measure, MeasureError, ResolvedTarget
from ..numbers.money import money_factor
from ..numbers.text import format_number, places_of
from ..rules import REGISTRY, CompileContext
from .compiled import GradeBands, Node
from .model import IndicatorSpec, SpecModel
from .overlay import Loc
from .values import checked_formula

if TYPE_CHECKING:  # the loader builds the state and calls these checks with it
    from .loader import CompileState

__all__ = [
    "check_grades",
    "check_indicator",
    "check_sum",
    "check_weight_rules",
    "compile_rule",
]


# ---- the indicator tree --------------------------------------------------------------
def check_indicator(
    state: CompileState, spec: IndicatorSpec, loc: Loc, level: int, settings: Mapping[str, Any]
) -> Node:
    if spec.id in state.seen_ids:
        first = state.src.locate((*state.seen_ids[spec.id], "id"))[1]
        where = tr("duplicate-id", " (first at line {line})", line=first.line) if first else ""
        state.problem(
            (*loc, "id"),
            tr(
                "duplicate-id",
                "duplicate indicator id {id!r}{where}; ids must be unique across the tree",
                id=spec.id,
                where=where,
            ),
            "duplicate-id",
        )
    else:
        state.seen_ids[spec.id] = loc
    name = spec.name or spec.id
    if places_of(spec.weight) > state.places:
        state.problem(
            (*loc, "weight"),
            tr(
                "weight-places",
                "weight {weight} has more decimal places than the spec's rounding ({places}): "
                "a full score could not be shown as it is; round the weight or raise "
                "rounding.places",
                weight=format_number(spec.weight),
                places=state.places,
            ),
            "weight-places",
        )
    if spec.children is not None and spec.rule is not None:
        state.problem(
            loc,
            tr(
                "node-shape",
                "indicator {id!r} has both children and a rule: a parent's score is the sum "
                "of its children",
                id=spec.id,
            ),
            "node-shape",
        )
    if spec.children is None and spec.rule is None and not _has_raw_rule(state.data, loc):
        state.problem(
            loc,
            tr(
                "node-shape",
                "indicator {id!r} has neither children nor a rule: give a leaf a rule (kind: "
                "positive, reverse, …)",
                id=spec.id,
            ),
            "node-shape",
        )
    if spec.children is not None:
        if not spec.children:
            state.problem(
                (*loc, "children"),
                tr("node-shape", "indicator {id!r} has an empty children list", id=spec.id),
                "node-shape",
            )
        children = tuple(
            check_indicator(state, child, (*loc, "children", index), level + 1, settings)
            for index, child in enumerate(spec.children)
            if child is not None
        )
        if len(children) == len(spec.children):  # a broken child has no weight to add up
            check_sum(state, spec.weight, children, loc, spec.id)
        return Node(
            spec.id,
            name,
            spec.weight,
            level,
            children=children,
            standard=spec.standard,
            explanation=spec.explanation,
        )
    rule = compile_rule(state, spec, loc, settings) if spec.rule is not None else None
    facts_needed: set[str] = set()
    derived_needed: set[str] = set()
    for dep in rule.needs if rule is not None else ():
        dep_facts, dep_derived = state.closure.get(dep, (frozenset(), frozenset()))
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


def check_weight_rules(state: CompileState, model: SpecModel, indicators: tuple[Node, ...]) -> None:
    weights = {node.id: node.weight for top in indicators for node in top.walk()}
    for index, check in enumerate(model.weight_checks):
        loc: Loc = ("weight_checks", index)
        unknown = [ident for ident in check.indicators if ident not in weights]
        if unknown:
            state.problem(
                (*loc, "indicators"),
                tr(
                    "weight-check",
                    "no indicator {ids} to check",
                    ids=", ".join(map(repr, unknown)),
                ),
                "weight-check",
            )
            continue
        total = sum((weights[ident] for ident in check.indicators), Decimal(0))
        names = " + ".join(check.indicators)
        why = f" ({check.reason})" if check.reason else ""
        if check.min is not None and total < check.min:
            state.problem(
                loc,
                tr(
                    "weight-check",
                    "{names} weigh {total}, below the minimum {bound}{why}",
                    names=names,
                    total=format_number(total),
                    bound=format_number(check.min),
                    why=why,
                ),
                "weight-check",
            )
        if check.max is not None and total > check.max:
            state.problem(
                loc,
                tr(
                    "weight-check",
                    "{names} weigh {total}, above the maximum {bound}{why}",
                    names=names,
                    total=format_number(total),
                    bound=format_number(check.max),
                    why=why,
                ),
                "weight-check",
            )


def check_sum(
    state: CompileState, weight: Decimal, children: Sequence[Node], loc: Loc, parent: str | None
) -> None:
    """The children's weights add up to their parent's (``parent`` its id), or the top-level
    indicators' to the spec's total (``parent`` None)."""
    total = sum((child.weight for child in children), Decimal(0))
    if children and total != weight:
        diff = total - weight
        fields = {
            "total": format_number(total),
            "weight": format_number(weight),
            "diff": ("+" if diff > 0 else "") + format_number(diff),
        }
        message = (
            tr(
                "weight-sum",
                "weights of the top-level indicators sum to {total}, but total is {weight} "
                "(off by {diff})",
                **fields,
            )
            if parent is None
            else tr(
                "weight-sum",
                "weights of the children of {parent!r} sum to {total}, but its weight is "
                "{weight} (off by {diff})",
                parent=parent,
                **fields,
            )
        )
        state.problem(loc + (("weight",) if loc else ("total",)), message, "weight-sum")


def compile_rule(
    state: CompileState, spec: IndicatorSpec, loc: Loc, settings: Mapping[str, Any]
) -> Any:
    assert spec.rule is not None
    rule_loc = (*loc, "rule")

    def at(field: str) -> Loc:
        return rule_loc + tuple(int(p) if p.isdigit() else p for p in field.split("."))

    def compile_(source: str, field: str) -> CompiledFormula | None:
        return checked_formula(state, source, at(field), state.name_index)

    def compile_local(source: str, field: str, local: tuple[str, ...]) -> CompiledFormula | None:
        # Rule variables (w = the weight, a, t …) would shadow a fact of the same name.
        names = state.name_index.with_local(local)
        formula = checked_formula(state, source, at(field), names)
        clash = sorted(formula.names & set(local) & state.names) if formula else []
        if clash:
            state.problem(
                at(field),
                tr(
                    "name-clash",
                    "{names} is both a declared fact or derived value and a rule variable "
                    "({variables}) here; rename the fact",
                    names=", ".join(clash),
                    variables=", ".join(local),
                ),
                "name-clash",
            )
            return None
        return formula

    def measure_of(formula: CompiledFormula | None, unit: str | None) -> Measure:
        if formula is not None and formula.bare_name in state.measures:
            return state.measures[formula.bare_name]
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
            state.problem(at("target"), exc.message, exc.code)
            return None
        if target.op not in ops:
            state.problem(
                at("target"),
                tr(
                    "target-operator",
                    "target {target!r} uses {op}, but a {kind} rule takes {ops}{hint}",
                    target=raw,
                    op=target.op,
                    kind=spec.rule.kind,  # type: ignore[union-attr]
                    ops=tr("target-operator", " or ").join(ops),
                    hint=_kind_hint(target.op),
                ),
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
        problem=lambda field, message, code: state.problem(at(field), message, code),
        settings=settings,
    )
    return REGISTRY[spec.rule.kind](spec.rule, ctx)


# ---- grades --------------------------------------------------------------------------
def check_grades(state: CompileState, model: SpecModel) -> GradeBands:
    bands = tuple(model.grades.items())
    previous: tuple[str, Decimal] | None = None
    for name, minimum in bands:
        if previous is not None and minimum >= previous[1]:
            state.problem(
                ("grades", name),
                tr(
                    "grade-order",
                    "grade {name} (≥ {minimum}) must have a lower minimum than {previous} (≥ "
                    "{previous_minimum}); list grades from highest to lowest",
                    name=name,
                    minimum=minimum,
                    previous=previous[0],
                    previous_minimum=previous[1],
                ),
                "grade-order",
            )
        previous = (name, minimum)
    if bands and bands[0][1] > model.total and "grades" not in state.data:
        example = ", ".join(
            f"{name}: {format_number(minimum * model.total / 100)}" for name, minimum in bands
        )
        state.problem(
            ("total",),
            tr(
                "grade-range",
                "the default grades ({grades}) need a total of at least {least}; for a total "
                "of {total} declare grades:, e.g. grades: {{{example}}}",
                grades=", ".join(f"{n} ≥ {m}" for n, m in bands),
                least=format_number(bands[0][1]),
                total=format_number(model.total),
                example=example,
            ),
            "grade-range",
        )
    elif bands and bands[0][1] > model.total:
        state.problem(
            ("grades", bands[0][0]),
            tr(
                "grade-range",
                "grade {name} needs {minimum}, above the total {total}",
                name=bands[0][0],
                minimum=bands[0][1],
                total=model.total,
            ),
            "grade-range",
        )
    if bands and bands[-1][1] != 0:
        state.problem(
            ("grades", bands[-1][0]),
            tr(
                "grade-gap",
                "the lowest grade {name} must start at 0, got {minimum}: totals below "
                "{minimum} would have no grade",
                name=bands[-1][0],
                minimum=bands[-1][1],
            ),
            "grade-gap",
        )
    if not bands:
        state.problem(("grades",), tr("grade-gap", "at least one grade is needed"), "grade-gap")
    return GradeBands(bands)


def _has_raw_rule(data: Any, loc: Loc) -> bool:
    """Whether the user wrote a rule or children at this node (a broken one is reported by the
    schema pass, and is not also 'neither children nor a rule')."""
    value = data
    for part in loc:
        value = value[part]
    return isinstance(value, dict) and ("rule" in value or "children" in value)


def _kind_hint(op: str) -> str:
    if op in ("≤", "<"):
        return tr("target-operator", "; use kind: reverse for lower-is-better targets")
    if op in ("≥", ">"):
        return tr("target-operator", "; use kind: positive for higher-is-better targets")
    return ""
