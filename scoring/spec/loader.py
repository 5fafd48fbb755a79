"""File or text → validated, compiled ``Spec``; every problem located by file:line:col and id path.

Validation runs in two passes that both collect every problem before raising: the pydantic models
check the shape, then the semantic checks (names, weights, formulas, cycles, bands, tiers, grades)
run on whatever parts are well formed, so one run reports all that is wrong.

This module holds the entry points, the passes and what the checks share: ``CompileState``, the
problem list and the name tables filled in while compiling. The checks are functions by concern,
``values`` (facts, derived values, formulas) and ``tree`` (the indicator tree, its rules, the
grades), each taking the state first: every check reports into the same problem list and reads
the same tables, and a reader sees at each call which state a check uses.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from ..errors import Problem, SpecError, described, did_you_mean, wrong_argument
from ..formula.expr import DeclaredNames
from ..i18n import tr, ui
from ..numbers.limits import in_exact_context
from ..numbers.measure import Measure
from ..rules.qualitative import build_tiers
from .compiled import CostMeasure, RoundingPolicy, Spec
from .model import DerivedSpec, FactSpec, IndicatorSpec, SpecModel
from .overlay import Loc, Sourced, apply_overrides, load_sourced, sourced_from_text
from .tree import check_grades, check_indicator, check_sum, check_weight_rules
from .values import DerivedClosure, check_derived, check_facts, derived_closure

__all__ = ["CompileState", "load_spec", "load_spec_text"]


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


@in_exact_context
def load_spec(path: str | os.PathLike[str], *, overrides: Sequence[str] = ()) -> Spec:
    """Read, validate and compile an indicator system file (following ``extends:`` to its bases);
    raise SpecError listing every problem.

    ``overrides`` are one-off changes such as ``"预算执行率.weight=20"`` or ``"grades.优=85"``,
    applied like a profile on top of the file.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise wrong_argument("load_spec", ui("the path of a spec file"), path)
    if isinstance(overrides, str) or not all(isinstance(item, str) for item in overrides):
        raise wrong_argument(
            "load_spec", ui("overrides as a list of 'PATH=VALUE' texts"), overrides
        )
    sourced = load_sourced(path)
    if not overrides:
        return run_checks(CompileState(sourced))
    try:
        return run_checks(CompileState(apply_overrides(sourced, overrides)))
    except SpecError as exc:
        if all(problem.code == "override-syntax" for problem in exc.problems):
            raise  # the --set arguments themselves are wrong: nothing in the spec to explain
        # A weight sum broken by --set is located where the sum is written, in the spec file;
        # say which overrides were in force so the user is not sent looking for a typo there.
        note = Problem(
            tr(
                "override-effect",
                "the spec was changed by --set {overrides} when these problems arose",
                overrides="; ".join(overrides),
            ),
            "override-effect",
            file="--set",
        )
        raise SpecError([note, *exc.problems]) from None


@in_exact_context
def load_spec_text(text: str, file: str = "<spec>", *, base_dir: str = ".") -> Spec:
    """Validate and compile an indicator system given as YAML (or JSON) text; a profile's
    ``extends:`` is resolved relative to ``base_dir``."""
    if not isinstance(text, str):
        raise wrong_argument("load_spec_text", ui("the spec as text (YAML or JSON)"), text)
    return run_checks(CompileState(sourced_from_text(text, file, base_dir=base_dir)))


# A profile's base could not be read: the profile alone is no spec to check.
_NO_BASE = frozenset({"path-outside", "overlay-extends", "overlay-cycle"})


# ---- the two passes ------------------------------------------------------------------
def run_checks(state: CompileState) -> Spec:
    data = state.data
    if any(p.code in _NO_BASE for p in state.problems):
        state.fail_if_problems()  # a profile without its base: checking the rest says nothing
    if not isinstance(data, dict):
        what = described(data)
        state.problem(
            (),
            tr(
                "spec-shape",
                "expected a mapping of spec keys (id, name, indicators …), got {got}",
                got=what,
            ),
            "spec-shape",
        )
        state.fail_if_problems()
    try:
        model = SpecModel.model_validate(data)
    except ValidationError as exc:
        from ..yamlio.pydantic_errors import describe_errors  # a spec with problems only

        for loc, message, code, on_key in describe_errors(exc, data, SpecModel):
            state.problem(loc, message, code, key=on_key)
        # Go on with the parts that are well formed, so one run reports every problem.
        model = _partial_model(data)
    return compile_model(state, model)


def compile_model(state: CompileState, model: SpecModel) -> Spec:
    rounding = RoundingPolicy(model.rounding.places, model.rounding.mode)
    state.places = model.rounding.places
    grades = check_grades(state, model)
    tiers = build_tiers(
        model.qualitative_tiers,
        lambda message, code: state.problem(("qualitative_tiers",), message, code),
    )
    data = state.data
    # Names declared, even where the declaration itself is broken: a formula using them must
    # not also be reported as naming something unknown.
    state.declared = {
        name
        for section in ("facts", "derived")
        if isinstance(data.get(section), dict)
        for name in data[section]
    }
    # With facts or derived values not written as a mapping (already reported), names used
    # in formulas cannot be checked: reporting each as unknown would only repeat that.
    state.names_known = all(isinstance(data.get(s, {}), dict) for s in ("facts", "derived"))
    state.text_facts = {name: spec.kind == "text" for name, spec in model.facts.items()}
    facts = check_facts(state, model.facts)
    derived = check_derived(state, model.derived, facts)
    settings = {
        "tiers": tiers,
        "reverse_formula": model.reverse_formula,
        "overshoot_ratio": model.overshoot_ratio,
        "places": model.rounding.places,  # a rule's actual is shown at them
    }
    state.measures = {f.id: f.measure for f in facts.values()}
    state.measures.update({d.id: d.measure for d in derived})
    state.names = frozenset(state.measures) | state.declared
    state.name_index = DeclaredNames(state.names)
    state.closure = derived_closure(state, derived, facts)
    state.seen_ids = {}
    indicators = tuple(
        check_indicator(state, spec, ("indicators", index), 1, settings)
        for index, spec in enumerate(model.indicators)
        if spec is not None
    )
    if len(indicators) == len(model.indicators):
        check_sum(state, model.total, indicators, (), None)
    check_weight_rules(state, model, indicators)
    for grade in model.application:
        if grade not in model.grades:
            state.problem(
                ("application", grade),
                tr(
                    "application-grade",
                    "no grade {grade!r}; grades are {grades}",
                    grade=grade,
                    grades=", ".join(model.grades),
                ),
                "application-grade",
                key=True,
            )
    cost_measures = check_cost_measures(state, model)
    survey_scale = None
    if model.survey_scale is not None:
        from .scale import build_scale  # only for a spec that declares one

        survey_scale = build_scale(
            model.survey_scale,
            "survey_scale",
            lambda where, message: state.problem(("survey_scale", *where), message, "survey-scale"),
        )
    state.fail_if_problems()
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
        file=state.src.sources[-1].file if state.src.sources else "<spec>",
        sha256=state.src.sha256,
        sources=tuple(state.src.sources),
        cases=tuple(model.cases),
        application=dict(model.application),
        cost_measures=cost_measures,
        survey_scale=survey_scale,
    )


def check_cost_measures(state: CompileState, model: SpecModel) -> tuple[CostMeasure, ...]:
    """Each measure's cost is a money value and its output a count or number, both declared."""
    out = []
    for measure_id, item in model.cost_effectiveness.items():
        loc = ("cost_effectiveness", measure_id)
        units = []
        for role, name, kinds in (
            ("cost", item.cost, ("money",)),
            ("output", item.output, ("count", "number")),
        ):
            measure = state.measures.get(name)
            if measure is None:
                if name not in state.declared:
                    state.problem(
                        (*loc, role),
                        tr(
                            "formula-unknown-name",
                            "unknown fact or derived value {name!r}{hint}",
                            name=name,
                            hint=did_you_mean(name, state.measures),
                        ),
                        "formula-unknown-name",
                    )
                continue
            if measure.kind not in kinds:
                state.problem(
                    (*loc, role),
                    tr(
                        "cost-measure-kind",
                        "{name!r} is {measure}: the cost must be an amount of money",
                        name=name,
                        measure=measure.describe(),
                    )
                    if role == "cost"
                    else tr(
                        "cost-measure-kind",
                        "{name!r} is {measure}: the output must be a count or a number",
                        name=name,
                        measure=measure.describe(),
                    ),
                    "cost-measure-kind",
                )
                continue
            units.append(measure.unit or "")
        if len(units) == 2:
            unit = f"{units[0]}/{units[1]}" if units[1] else units[0]
            out.append(
                CostMeasure(measure_id, item.label or measure_id, item.cost, item.output, unit)
            )
    return tuple(out)


def _partial_model(data: dict[str, Any]) -> SpecModel:
    """The parts of an invalid spec that validate on their own; broken indicators become None.

    Only used to run the semantic checks after the schema errors were reported: the resulting
    spec is never returned, so placeholders for broken metadata never reach a user.
    """
    header: dict[str, Any] = {}
    for name, field in SpecModel.model_fields.items():
        if name in ("facts", "derived", "indicators"):
            continue
        # The field's own validators and bounds too (a total of 1e999999 is refused, not kept
        # to be printed in full by the weight-sum check).
        annotation = field.annotation or Any
        if field.metadata:
            annotation = Annotated.__class_getitem__((annotation, *field.metadata))  # type: ignore[attr-defined]
        try:
            header[name] = TypeAdapter(annotation).validate_python(data[name])
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
