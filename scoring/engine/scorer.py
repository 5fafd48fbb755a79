"""Compiled spec + one project's facts → a frozen ``Result``. Pure: no I/O, no printing.

Order of work: bind the facts the applicable leaves need (all problems collected), compute the
derived values they need in dependency order, evaluate every leaf rule, clamp each leaf to
[0, weight] and round it by the spec's policy, apply evaluator adjustments (all of that in
``scoring.engine.evaluation``), roll up, rescale when indicators are not applicable (total = Σ obtained
÷ Σ applicable weight × total), grade (the arithmetic shared with the plan: ``scoring.engine.totals``).

The evaluation (``evaluation.evaluate``) is shared by two assemblies here: ``_details`` builds the
full result tree with warnings and explanations; ``engine_totals`` gives only what a batch writes
(total, grade, per-indicator scores), so scoring many projects pays for nothing it does not read.

Both paths derive from one statement of each rule's arithmetic (``rules.statement``). ``score`` and
``score_totals`` take the same path on every call: the numbers from the spec's compiled plan
(``scoring.engine.plan``, compiled on a spec's first call and kept while the spec lives), which gives the
engine's digits or declines, and the tree from this engine, built when something reads it. A
project the plan declines (anything to report, a spec too large to compile) is scored here. All
of it computes under the formulas' private decimal context, whatever the caller's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal, getcontext, setcontext
from typing import Any, ParamSpec, TypeVar

from ..errors import FactsError, wrong_argument
from ..formula.expr import formula_context
from ..i18n import language, tr, ui, using
from ..spec.compiled import Spec
from .evaluation import evaluate, roll_up
from .facts import Facts, facts_from_mapping
from .result import Details, Result, ScoreWarning, Totals
from .totals import ZERO, totals_of

__all__ = ["engine_result", "engine_totals", "in_private_context", "score", "score_totals"]

_P = ParamSpec("_P")
_T = TypeVar("_T")
# The outcomes that need a written 偏差原因 (deviations:), and the warning each gives without one.
_NEEDS_DEVIATION: dict[str, Callable[[], str]] = {
    "missed": lambda: tr(
        "deviation-missing",
        "年度指标值 is missed: write the 偏差原因分析及改进措施 under deviations",
    ),
    "exceeded": lambda: tr(
        "deviation-missing",
        "年度指标值 is far exceeded: write the 偏差原因分析及改进措施 under deviations",
    ),
    "rated_below": lambda: tr(
        "deviation-missing",
        "the qualitative rating is below 达成: write the 偏差原因分析及改进措施 under deviations",
    ),
}


def in_private_context(function: Callable[_P, _T]) -> Callable[_P, _T]:
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


@in_private_context
def score(spec: Spec, facts: Facts | Mapping[str, Any]) -> Result:
    """Score one project. Raises FactsError listing every problem with its facts (never partial).

    The compiled plan gives the numbers (the engine's, digit for digit); the indicator tree,
    warnings and values are worked out by this engine when first read (``Result.details``).
    Whatever the plan cannot score, this engine scores, and reports. Every call takes this
    same path.
    """
    facts = _arguments(spec, facts, "score")
    totals = _planned(spec, facts)
    if totals is None:
        return engine_result(spec, facts)
    return Result(
        spec=spec,
        project=facts.project,
        total=totals.total,
        applicable_weight=totals.applicable_weight,
        grade=totals.grade,
        adjustments=facts.adjustments,
        details=functools.partial(_details_in, language(), spec, facts),
        facts=facts,
    )


@in_private_context
def engine_result(spec: Spec, facts: Facts) -> Result:
    """``score`` by this engine alone, the whole result at once: the same result, for a caller
    that scores one project and reads all of it (``jixiao score`` prints the whole 自评表), where
    compiling the spec's plan would cost more than it saves (the plan is for scoring a spec
    again and again)."""
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


def _details_in(lang: str, spec: Spec, facts: Facts) -> Details:
    """``_details`` worded in ``lang``, the language of the ``score`` call: the tree is worked out
    when first read, and a result must not change language with the moment it is read."""
    with using(lang):
        return _details(spec, facts)


@in_private_context
def _details(spec: Spec, facts: Facts) -> Details:
    """The indicator tree, the warnings and the values read: the engine's full work."""
    state = evaluate(spec, facts)
    warnings = state.warnings
    for leaf in spec.leaves:
        done = state.leaves.get(leaf.id)
        if done is None:
            continue
        status = done.outcome.status
        if status in _NEEDS_DEVIATION and not facts.deviations.get(leaf.id):
            message = _NEEDS_DEVIATION[status]()
            warnings.append(ScoreWarning("deviation-missing", message, leaf.id))
        if done.adjustment and done.score != done.rule_score + done.adjustment:
            message = tr(
                "adjustment-clamped",
                "the score after the evaluator's adjustment, {score}, is outside [0, {weight}]: "
                "the nearer bound is taken",
                score=done.rule_score + done.adjustment,
                weight=leaf.weight,
            )
            warnings.append(ScoreWarning("adjustment-clamped", message, leaf.id))
    if not str(facts.project.get("name") or "").strip():
        message = tr("project-name-missing", "the project name (project.name) is not filled in")
        warnings.append(ScoreWarning("project-name-missing", message))
    tops = tuple(roll_up(node, state) for node in spec.indicators)
    return Details(tops, tuple(warnings), state.env)


def _arguments(spec: object, facts: object, called: str) -> Facts:
    """The facts to score, after checking what a library caller passed: a wrong type is a
    ScoringError that says what was expected, never a TypeError from deep inside."""
    if not isinstance(spec, Spec):
        raise wrong_argument(called, ui("a Spec from load_spec() first"), spec)
    if isinstance(facts, Facts):
        return facts
    return facts_from_mapping(facts)  # type: ignore[arg-type]  # a non-mapping: facts-shape


def _planned(spec: Spec, facts: Facts) -> Totals | None:
    """The totals from the spec's compiled plan, or None for whatever the plan cannot score
    (the engine then scores it, and reports)."""
    from .plan.reading import facts_reader  # the plan's machinery, loaded when first scored

    return facts_reader(spec).totals(facts)


@in_private_context
def score_totals(spec: Spec, facts: Facts | Mapping[str, Any]) -> Totals:
    """Score one project for a batch: the same numbers as ``score``, without the result tree,
    explanations or warnings (through the compiled plan, as ``score``). Raises
    FactsError exactly as ``score`` does."""
    facts = _arguments(spec, facts, "score_totals")
    return _planned(spec, facts) or engine_totals(spec, facts)


@in_private_context
def engine_totals(spec: Spec, facts: Facts | Mapping[str, Any]) -> Totals:
    """``score_totals`` by this engine alone: the reference the compiled plan is tested against."""
    state = evaluate(spec, facts)
    done = state.leaves
    scores = tuple(None if (s := done.get(leaf.id)) is None else s.score for leaf in spec.leaves)
    totals = totals_of(spec, scores)
    if totals is None:
        _total(spec, state.facts, ZERO, ZERO)  # raises: nothing that applies weighs anything
    assert totals is not None
    return totals


def _total(spec: Spec, facts: Facts, applicable: Decimal, obtained: Decimal) -> Decimal:
    if not applicable:
        raise FactsError(
            facts.problem(
                ("not_applicable",),
                tr(
                    "all-not-applicable",
                    "the indicators that apply all weigh 0: there is nothing to rescale the total by",
                ),
                "all-not-applicable",
            )
        )
    raw = obtained if applicable == spec.total else obtained / applicable * spec.total
    return spec.rounding.apply(raw)
