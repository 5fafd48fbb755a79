"""One project's facts through a compiled spec's indicator tree: every leaf scored, then rolled up.

Order of work: bind the facts the applicable leaves need (all problems collected), compute the
derived values they need in dependency order, evaluate every leaf rule, clamp each leaf to
[0, weight] and round it by the spec's policy (``totals.leaf_score``), apply evaluator
adjustments. ``evaluate`` raises FactsError listing every problem, or gives each leaf's outcome
and score; ``roll_up`` turns that into the ``IndicatorResult`` tree. The engine
(``scoring.engine.scorer``) assembles a result or a batch's totals from them.

``jixiao batch`` sends here, one by one, the rows its columnar path declines, so what depends
only on the spec is worked out once (``binding.needs_of``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from ..errors import FactsError, FormulaError, Problem
from ..formula.expr import Value
from ..i18n import tr, ui
from ..rules import InputError, Outcome
from ..spec.compiled import Node, Spec
from .binding import bind_values, check_references, needs_of
from .facts import Facts, facts_from_mapping
from .result import IndicatorResult, ScoreWarning
from .totals import ZERO, leaf_score

__all__ = ["Evaluation", "LeafOutcome", "evaluate", "roll_up"]


class LeafOutcome(NamedTuple):
    """One applicable leaf, scored."""

    outcome: Outcome
    rule_score: Decimal  # the rule's points, clamped to [0, weight] and rounded
    score: Decimal  # after the evaluator's adjustment
    adjustment: Decimal


class Evaluation(NamedTuple):
    """One project through the tree: what ``roll_up`` and the engine's assemblies read."""

    facts: Facts
    not_applicable: dict[str, str]  # leaf or parent id → reason
    env: dict[str, Value]
    leaves: dict[str, LeafOutcome]
    warnings: list[ScoreWarning]


def evaluate(spec: Spec, facts: Facts | Mapping[str, Any]) -> Evaluation:
    if not isinstance(facts, Facts):
        facts = facts_from_mapping(facts)
    problems: list[Problem] = []
    warnings: list[ScoreWarning] = []
    needs = needs_of(spec, spec.leaves)  # the spec's, kept
    not_applicable = check_references(spec, facts, problems, needs.rated_leaves)
    leaves: Sequence[Node] = spec.leaves
    if not_applicable:
        leaves = [leaf for leaf in leaves if leaf.id not in not_applicable]
        needs = needs_of(spec, leaves)
    if not leaves:
        problems.append(
            facts.problem(
                ("not_applicable",),
                tr(
                    "all-not-applicable",
                    "every indicator is marked not applicable: nothing to score",
                ),
                "all-not-applicable",
            )
        )
    env = bind_values(spec, facts, leaves, problems, warnings, needs)
    # Even after a problem, every leaf whose inputs are all readable is still evaluated, so one
    # run reports a missing fact and a rating outside its tier together. Nothing is returned then.
    _compute_derived(spec, leaves, needs.derived_needed, env, facts, problems)
    adjustments = _adjustments_by_indicator(facts) if facts.adjustments else {}
    done: dict[str, LeafOutcome] = {}
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
    return Evaluation(facts, not_applicable, env, done, warnings)


def _compute_derived(
    spec: Spec,
    leaves: Sequence[Node],
    needed: frozenset[str],
    env: dict[str, Value],
    facts: Facts,
    problems: list[Problem],
) -> None:
    """The derived values ``needed`` (by ``leaves``), in dependency order, into ``env``."""
    for derived in spec.derived:
        if derived.id not in needed:
            continue
        if not derived.formula.names <= env.keys():
            continue  # an input failed already and was reported
        try:
            env[derived.id] = derived.formula(env)
        except FormulaError as exc:
            users = ", ".join(leaf.id for leaf in leaves if derived.id in leaf.derived_needed)
            problems.append(
                facts.problem(
                    ("values",),
                    ui(
                        "cannot compute {label} ({formula}): {problem}; needed by {users}",
                        label=derived.label,
                        formula=derived.formula.source,
                        problem=exc.message,
                        users=users,
                    ),
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
) -> LeafOutcome | None:
    rule = leaf.rule
    assert rule is not None
    weight = leaf.weight
    try:
        outcome = rule.evaluate(env, weight, facts.ratings.get(leaf.id))
    except InputError as exc:
        # A rating problem points at the rating (or where ratings go); others at the indicator.
        if rule.kind == "qualitative":
            message = exc.message + _profile_hint(spec, facts, leaf.id, exc.code)
            problems.append(facts.problem(("ratings", leaf.id), message, exc.code))
        else:
            problems.append(_at_indicator(facts, leaf, exc.message, exc.code))
        return None
    except FormulaError as exc:
        problems.append(_at_indicator(facts, leaf, exc.message, exc.problems[0].code))
        return None
    if problems:
        return None  # nothing is returned after a problem: the rule had only to be checked
    points = outcome.points
    rule_score = leaf_score(spec, points, weight)
    final = rule_score
    if adjustment:
        final = spec.rounding.apply(min(max(rule_score + adjustment, ZERO), weight))
    return LeafOutcome(outcome, rule_score, final, adjustment)


def _profile_hint(spec: Spec, facts: Facts, leaf_id: str, code: str) -> str:
    """Under a profile, points outside their tier were most likely given against the weights of
    the system it extends: a share of the weight is what carries over."""
    rating = facts.ratings.get(leaf_id)
    if code != "tier-range" or len(spec.sources) < 2 or rating is None or rating.score is None:
        return ""
    return tr(
        "tier-range",
        "; this spec is a profile of {base}: points given against another weighting do not carry "
        "over, a share of the weight does (share: 90%)",
        base=spec.sources[0].file,
    )


def _at_indicator(facts: Facts, leaf: Node, message: str, code: str) -> Problem:
    problem = facts.problem(("values",), message, code)
    path = f"indicators[{leaf.id}]"
    return Problem(problem.message, code, problem.file, problem.line, problem.column, path)


def roll_up(node: Node, state: Evaluation) -> IndicatorResult:
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
    children = tuple(roll_up(child, state) for child in node.children)
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
