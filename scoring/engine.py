"""Compiled spec + one project's facts → a frozen ``Result``. Pure: no I/O, no printing.

Order of work: bind the facts the applicable leaves need (all problems collected), compute the
derived values they need in dependency order, evaluate every leaf rule, clamp each leaf to
[0, weight] and round it by the spec's policy, apply evaluator adjustments, roll up, rescale when
indicators are not applicable (total = Σ obtained ÷ Σ applicable weight × total), grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .binding import bind_values, check_references
from .compiled import Node, Spec
from .errors import FactsError, FormulaError, Problem
from .expr import Value
from .facts import Facts, facts_from_mapping
from .result import IndicatorResult, Result, ScoreWarning
from .rules import InputError

__all__ = ["score"]

ZERO = Decimal(0)


def score(spec: Spec, facts: Facts | Mapping[str, Any]) -> Result:
    """Score one project. Raises FactsError listing every problem with its facts (never partial)."""
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
    outcomes: dict[str, IndicatorResult] = {}
    adjustments = _adjustments_by_indicator(facts)
    for leaf in leaves:
        if not leaf.inputs <= env.keys():
            continue  # an input is missing or unreadable, and was reported as such
        result = _score_leaf(
            spec, leaf, env, facts, adjustments.get(leaf.id, ZERO), problems, warnings
        )
        if result is not None:
            outcomes[leaf.id] = result
    if problems:
        raise FactsError(problems)
    if not str(facts.project.get("name") or "").strip():
        warnings.append(ScoreWarning("project-name-missing", "项目名称未填写（project.name）"))
    tops = tuple(_roll_up(node, outcomes, not_applicable) for node in spec.indicators)
    applicable = sum((top.applicable_weight for top in tops), ZERO)
    obtained = sum((top.score or ZERO for top in tops), ZERO)
    if not applicable:
        raise FactsError(
            facts.problem(
                ("not_applicable",),
                "the indicators that apply all weigh 0: there is nothing to rescale the total by",
                "all-not-applicable",
            )
        )
    raw_total = obtained if applicable == spec.total else obtained / applicable * spec.total
    total = spec.rounding.apply(raw_total)
    return Result(
        spec=spec,
        project=facts.project,
        indicators=tops,
        total=total,
        applicable_weight=applicable,
        grade=spec.grades.grade(total),
        next_grade=spec.grades.next_grade(total),
        adjustments=facts.adjustments,
        facts=facts,
        env=env,
        warnings=tuple(warnings),
    )


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
            problems.append(
                facts.problem(
                    ("values",),
                    f"cannot compute {derived.label} ({derived.formula.source}): {exc.message}; "
                    f"needed by {', '.join(leaf.id for leaf in leaves if derived.id in leaf.derived_needed)}",
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
    warnings: list[ScoreWarning],
) -> IndicatorResult | None:
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
            problems.append(_at_indicator(facts, ("values",), leaf, exc.message, exc.code))
        return None
    except FormulaError as exc:
        problems.append(_at_indicator(facts, ("values",), leaf, exc.message, exc.problems[0].code))
        return None
    points = outcome.points
    rule_score = spec.rounding.apply(ZERO if points < 0 else min(points, weight))
    final = rule_score
    if adjustment:
        final = rule_score + adjustment
        if final < 0 or final > weight:
            warnings.append(
                ScoreWarning(
                    "adjustment-clamped",
                    f"评价人调整后得分 {final} 超出 [0, {weight}]，按边界计",
                    leaf.id,
                )
            )
            final = ZERO if final < 0 else weight
        final = spec.rounding.apply(final)
    deviation = facts.deviations.get(leaf.id)
    if outcome.status in ("missed", "exceeded", "rated_below") and not deviation:
        reason = {
            "missed": "未达到年度指标值",
            "exceeded": "大幅超过年度指标值",
            "rated_below": "定性评价未达到“达成”等级",
        }[outcome.status]
        warnings.append(
            ScoreWarning(
                "deviation-missing",
                f"{reason}，请在 deviations 中填写偏差原因分析及改进措施",
                leaf.id,
            )
        )
    return IndicatorResult(
        node=leaf,
        score=final,
        applicable_weight=weight,
        outcome=outcome,
        rule_score=rule_score,
        adjustment=adjustment,
        deviation=deviation,
        env=env,
    )


def _at_indicator(
    facts: Facts, loc: tuple[str | int, ...], leaf: Node, message: str, code: str
) -> Problem:
    problem = facts.problem(loc, message, code)
    path = f"indicators[{leaf.id}]"
    return Problem(problem.message, code, problem.file, problem.line, problem.column, path)


def _roll_up(
    node: Node, leaves: dict[str, IndicatorResult], not_applicable: Mapping[str, str]
) -> IndicatorResult:
    if node.is_leaf:
        if node.id in leaves:
            return leaves[node.id]
        return IndicatorResult(
            node=node,
            score=None,
            applicable_weight=ZERO,
            not_applicable=not_applicable.get(node.id, ""),
        )
    children = tuple(_roll_up(child, leaves, not_applicable) for child in node.children)
    applicable = obtained = ZERO
    for child in children:
        applicable += child.applicable_weight
        if child.score is not None:
            obtained += child.score
    if not applicable:
        return IndicatorResult(
            node=node,
            score=None,
            applicable_weight=ZERO,
            children=children,
            not_applicable=not_applicable.get(node.id, ""),
        )
    return IndicatorResult(
        node=node, score=obtained, applicable_weight=applicable, children=children
    )
