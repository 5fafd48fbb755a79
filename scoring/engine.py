"""Compiled spec + one project's facts → a frozen ``Result``. Pure: no I/O, no printing.

Order of work: bind the facts the applicable leaves need (all problems collected), compute the
derived values they need in dependency order, evaluate every leaf rule, clamp each leaf to
[0, weight] and round it by the spec's policy, apply evaluator adjustments, roll up, rescale when
indicators are not applicable (total = Σ obtained ÷ Σ applicable weight × total), grade.

The first half (``_evaluate``) is shared by two assemblies: ``_details`` builds the full result
tree with warnings and explanations; ``engine_totals`` gives only what a batch writes (total,
grade, per-indicator scores), so scoring many projects pays for nothing it does not read.

This engine is the reference. Once a spec is hot (scored ``HOT_AFTER`` times), ``score`` and
``score_totals`` take the numbers from the spec's compiled plan (``scoring.plan``), which gives the
same digits or declines; ``score`` then builds the tree only when something reads it. All of it
computes under the formulas' private decimal context, whatever the caller's.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal, getcontext, setcontext
from typing import Any, NamedTuple, ParamSpec, TypeVar

from .binding import bind_values, check_references
from .compiled import Node, Spec
from .errors import FactsError, FormulaError, Problem
from .expr import Value, formula_context
from .facts import Facts, facts_from_mapping
from .result import Details, IndicatorResult, Result, ScoreWarning, Totals
from .rules import InputError, Outcome

__all__ = [
    "applicable_weights",
    "engine_totals",
    "leaf_score",
    "score",
    "score_totals",
    "totals_from_tops",
    "totals_of",
]

ZERO = Decimal(0)
_P = ParamSpec("_P")
_T = TypeVar("_T")
_NEEDS_DEVIATION = {
    "missed": "未达到年度指标值",
    "exceeded": "大幅超过年度指标值",
    "rated_below": "定性评价未达到“达成”等级",
}


class _Leaf(NamedTuple):
    outcome: Outcome
    rule_score: Decimal  # the rule's points, clamped to [0, weight] and rounded
    score: Decimal  # after the evaluator's adjustment
    adjustment: Decimal


class _Evaluation(NamedTuple):
    facts: Facts
    not_applicable: dict[str, str]  # leaf or parent id → reason
    env: dict[str, Value]
    leaves: dict[str, _Leaf]
    warnings: list[ScoreWarning]


def _in_private_context(function: Callable[_P, _T]) -> Callable[_P, _T]:
    """Run under the formulas' private decimal context: rules and totals compute exactly as the
    formulas (and the compiled plan) do, whatever context the caller has set."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        saved = getcontext()
        setcontext(formula_context())
        try:
            return function(*args, **kwargs)
        finally:
            setcontext(saved)

    return wrapper


# A spec scored this many times is hot: from then on ``score`` computes the numbers through its
# compiled plan (built once, ~20 ms for the seed spec) and builds the result tree only when something reads it.
# One project scored from the command line never pays for compiling.
HOT_AFTER = 2
# Per spec: how many times it was scored, then (once hot) its plan's ``FactsReader.totals``.
_scored: weakref.WeakKeyDictionary[Spec, int | Callable[[Facts], Totals | None]]
_scored = weakref.WeakKeyDictionary()


def score(spec: Spec, facts: Facts | Mapping[str, Any]) -> Result:
    """Score one project. Raises FactsError listing every problem with its facts (never partial).

    The first projects of a spec are scored here at once; for a spec scored again and again the
    compiled plan gives the numbers (the same, digit for digit) and the indicator tree, warnings
    and values are worked out by this engine when first read (``Result.details``). Whatever the
    plan cannot score, this engine scores, and reports.
    """
    if not isinstance(facts, Facts):
        facts = facts_from_mapping(facts)
    totals = _planned(spec, facts)
    if totals is None:
        return _engine_result(spec, facts)
    return Result(
        spec=spec,
        project=facts.project,
        total=totals.total,
        applicable_weight=totals.applicable_weight,
        grade=totals.grade,
        adjustments=facts.adjustments,
        details=functools.partial(_details, spec, facts),
        facts=facts,
    )


@_in_private_context
def _engine_result(spec: Spec, facts: Facts) -> Result:
    """The whole result by this engine, at once."""
    details = _details(spec, facts)
    tops = details.indicators
    applicable = sum((top.applicable_weight for top in tops), ZERO)
    total = _total(spec, facts, applicable, sum((top.score or ZERO for top in tops), ZERO))
    return Result(
        spec=spec,
        project=facts.project,
        total=total,
        applicable_weight=applicable,
        grade=spec.grades.grade(total),
        adjustments=facts.adjustments,
        details=lambda: details,
        facts=facts,
    )


@_in_private_context
def _details(spec: Spec, facts: Facts) -> Details:
    """The indicator tree, the warnings and the values read: the engine's full work."""
    state = _evaluate(spec, facts)
    warnings = state.warnings
    for leaf in spec.leaves:
        done = state.leaves.get(leaf.id)
        if done is None:
            continue
        status = done.outcome.status
        if status in _NEEDS_DEVIATION and not facts.deviations.get(leaf.id):
            message = f"{_NEEDS_DEVIATION[status]}，请在 deviations 中填写偏差原因分析及改进措施"
            warnings.append(ScoreWarning("deviation-missing", message, leaf.id))
        if done.adjustment and done.score != done.rule_score + done.adjustment:
            message = f"评价人调整后得分 {done.rule_score + done.adjustment} 超出 [0, {leaf.weight}]，按边界计"
            warnings.append(ScoreWarning("adjustment-clamped", message, leaf.id))
    if not str(facts.project.get("name") or "").strip():
        warnings.append(ScoreWarning("project-name-missing", "项目名称未填写（project.name）"))
    tops = tuple(_roll_up(node, state) for node in spec.indicators)
    return Details(tops, tuple(warnings), state.env)


def _planned(spec: Spec, facts: Facts) -> Totals | None:
    """The totals from the spec's compiled plan once the spec is hot, else None (and for
    whatever the plan cannot score: the engine then scores it, and reports)."""
    state = _scored.get(spec, 0)
    if isinstance(state, int):
        if state < HOT_AFTER:
            _scored[spec] = state + 1
            return None
        from .plan.reading import facts_reader  # loaded once a spec is hot

        state = _scored[spec] = facts_reader(spec).totals
    return state(facts)


def score_totals(spec: Spec, facts: Facts | Mapping[str, Any]) -> Totals:
    """Score one project for a batch: the same numbers as ``score``, without the result tree,
    explanations or warnings (through the compiled plan once the spec is hot). Raises
    FactsError exactly as ``score`` does."""
    if not isinstance(facts, Facts):
        facts = facts_from_mapping(facts)
    return _planned(spec, facts) or engine_totals(spec, facts)


@_in_private_context
def engine_totals(spec: Spec, facts: Facts | Mapping[str, Any]) -> Totals:
    """``score_totals`` by this engine alone: the reference the compiled plan is tested against."""
    state = _evaluate(spec, facts)
    done = state.leaves
    scores = tuple(None if (s := done.get(leaf.id)) is None else s.score for leaf in spec.leaves)
    totals = totals_of(spec, scores)
    if totals is None:
        _total(spec, state.facts, ZERO, ZERO)  # raises: nothing that applies weighs anything
    assert totals is not None
    return totals


def totals_of(spec: Spec, scores: tuple[Decimal | None, ...]) -> Totals | None:
    """Roll each leaf's score (None: not applicable) up to the 一级指标 and the total; None when
    the indicators that apply weigh nothing. The compiled plan writes the same additions out
    inline (``plan.codegen``), then calls ``totals_from_tops`` too."""
    top_applicable = applicable_weights(spec, {i for i, s in enumerate(scores) if s is None})
    top_scores: list[Decimal | None] = []
    obtained_all = ZERO
    for (start, stop), applicable in zip(spec.top_leaf_ranges, top_applicable, strict=True):
        part = scores[start:stop]
        # When every leaf applies, sum(part): the same additions, without a list built.
        given = [s for s in part if s is not None] if None in part else part
        obtained: Decimal = sum(given, ZERO)  # type: ignore[type-var, assignment]
        top_scores.append(obtained if applicable else None)
        obtained_all += obtained
    applicable_all = sum(top_applicable, ZERO)
    if not applicable_all:
        return None
    return totals_from_tops(
        spec, obtained_all, applicable_all, tuple(top_scores), scores, top_applicable
    )


def applicable_weights(spec: Spec, not_applicable: Collection[int]) -> tuple[Decimal, ...]:
    """Each 一级指标's weight over the leaves that apply (by index in ``spec.leaves``)."""
    if not not_applicable:
        return spec.top_weights
    leaves = spec.leaves
    return tuple(
        sum((leaves[i].weight for i in range(start, stop) if i not in not_applicable), ZERO)
        for start, stop in spec.top_leaf_ranges
    )


def totals_from_tops(
    spec: Spec,
    obtained: Decimal,
    applicable: Decimal,
    top_scores: tuple[Decimal | None, ...],
    scores: tuple[Decimal | None, ...],
    top_applicable: tuple[Decimal, ...] | None = None,
) -> Totals:
    """The total (rescaled when not all applies, rounded) and grade from the 一级指标 sums."""
    top_applicable = spec.top_weights if top_applicable is None else top_applicable
    raw = obtained if applicable == spec.total else obtained / applicable * spec.total
    total = spec.rounding.apply(raw)
    grade = spec.grades.grade(total)
    return Totals(total, grade, applicable, top_scores, top_applicable, scores)


def _evaluate(spec: Spec, facts: Facts | Mapping[str, Any]) -> _Evaluation:
    if not isinstance(facts, Facts):
        facts = facts_from_mapping(facts)
    problems: list[Problem] = []
    warnings: list[ScoreWarning] = []
    not_applicable = check_references(spec, facts, problems)
    leaves = [leaf for leaf in spec.leaves if leaf.id not in not_applicable]
    if not leaves:
        problems.append(
            facts.problem(
                ("not_applicable",),
                "every indicator is marked not applicable: nothing to score",
                "all-not-applicable",
            )
        )
    env = bind_values(spec, facts, leaves, problems, warnings)
    # Even after a problem, every leaf whose inputs are all readable is still evaluated, so one
    # run reports a missing fact and a rating outside its tier together. Nothing is returned then.
    _compute_derived(spec, leaves, env, facts, problems)
    adjustments = _adjustments_by_indicator(facts)
    done: dict[str, _Leaf] = {}
    present = env.keys()
    for leaf in leaves:
        # With no problem so far every input was read; after one, skip leaves missing an input.
        if problems and not leaf.inputs <= present:
            continue  # an input is missing or unreadable, and was reported as such
        scored = _score_leaf(spec, leaf, env, facts, adjustments.get(leaf.id, ZERO), problems)
        if scored is not None:
            done[leaf.id] = scored
    if problems:
        raise FactsError(problems)
    return _Evaluation(facts, not_applicable, env, done, warnings)


def _total(spec: Spec, facts: Facts, applicable: Decimal, obtained: Decimal) -> Decimal:
    if not applicable:
        raise FactsError(
            facts.problem(
                ("not_applicable",),
                "the indicators that apply all weigh 0: there is nothing to rescale the total by",
                "all-not-applicable",
            )
        )
    raw = obtained if applicable == spec.total else obtained / applicable * spec.total
    return spec.rounding.apply(raw)


def _compute_derived(
    spec: Spec, leaves: list[Node], env: dict[str, Value], facts: Facts, problems: list[Problem]
) -> None:
    needed: set[str] = set()
    for leaf in leaves:
        needed |= leaf.derived_needed
    for derived in spec.derived:
        if derived.id not in needed:
            continue
        if any(name not in env for name in derived.formula.names):
            continue  # an input failed already and was reported
        try:
            env[derived.id] = derived.formula(env)
        except FormulaError as exc:
            users = ", ".join(leaf.id for leaf in leaves if derived.id in leaf.derived_needed)
            problems.append(
                facts.problem(
                    ("values",),
                    f"cannot compute {derived.label} ({derived.formula.source}): {exc.message}; "
                    f"needed by {users}",
                    exc.problems[0].code,
                )
            )


def _adjustments_by_indicator(facts: Facts) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for item in facts.adjustments:
        totals[item.indicator] = totals.get(item.indicator, ZERO) + item.points
    return totals


def _score_leaf(
    spec: Spec,
    leaf: Node,
    env: dict[str, Value],
    facts: Facts,
    adjustment: Decimal,
    problems: list[Problem],
) -> _Leaf | None:
    rule = leaf.rule
    assert rule is not None
    weight = leaf.weight
    try:
        outcome = rule.evaluate(env, weight, facts.ratings.get(leaf.id))
    except InputError as exc:
        # A rating problem points at the rating (or where ratings go); others at the indicator.
        if rule.kind == "qualitative":
            problems.append(facts.problem(("ratings", leaf.id), exc.message, exc.code))
        else:
            problems.append(_at_indicator(facts, leaf, exc.message, exc.code))
        return None
    except FormulaError as exc:
        problems.append(_at_indicator(facts, leaf, exc.message, exc.problems[0].code))
        return None
    points = outcome.points
    rule_score = leaf_score(spec, points, weight)
    final = rule_score
    if adjustment:
        final = spec.rounding.apply(min(max(rule_score + adjustment, ZERO), weight))
    return _Leaf(outcome, rule_score, final, adjustment)


def leaf_score(spec: Spec, points: Decimal, weight: Decimal) -> Decimal:
    """A rule's points as the leaf's score: clamped to [0, weight], rounded by the spec."""
    return spec.rounding.apply(ZERO if points < 0 else min(points, weight))


def _at_indicator(facts: Facts, leaf: Node, message: str, code: str) -> Problem:
    problem = facts.problem(("values",), message, code)
    path = f"indicators[{leaf.id}]"
    return Problem(problem.message, code, problem.file, problem.line, problem.column, path)


def _roll_up(node: Node, state: _Evaluation) -> IndicatorResult:
    if node.is_leaf:
        done = state.leaves.get(node.id)
        if done is None:
            reason = state.not_applicable.get(node.id, "")
            return IndicatorResult(
                node=node, score=None, applicable_weight=ZERO, not_applicable=reason
            )
        return IndicatorResult(
            node=node,
            score=done.score,
            applicable_weight=node.weight,
            outcome=done.outcome,
            rule_score=done.rule_score,
            adjustment=done.adjustment,
            deviation=state.facts.deviations.get(node.id),
            env=state.env,
        )
    children = tuple(_roll_up(child, state) for child in node.children)
    applicable = obtained = ZERO
    for child in children:
        applicable += child.applicable_weight
        if child.score is not None:
            obtained += child.score
    if not applicable:
        reason = state.not_applicable.get(node.id, "")
        return IndicatorResult(
            node=node, score=None, applicable_weight=ZERO, children=children, not_applicable=reason
        )
    return IndicatorResult(
        node=node, score=obtained, applicable_weight=applicable, children=children
    )
