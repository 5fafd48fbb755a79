"""Leaf scores → each 一级指标's sum, the total and the grade: the arithmetic the engine and the
compiled plan (``scoring.engine.plan``) share, so the two add, rescale and round the same way.

A rule's points become the leaf's score clamped to [0, weight] and rounded by the spec's policy
(``leaf_score``); the leaves' scores add up to each 一级指标 and to the total, which is rescaled
when indicators are not applicable (total = Σ obtained ÷ Σ applicable weight × total), rounded
and graded (``totals_of``, ``totals_from_tops``). Callers compute under the formulas' private
decimal context.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from ..spec.compiled import Spec
from .result import Totals

__all__ = [
    "ZERO",
    "applicable_weights",
    "leaf_score",
    "totals_from_tops",
    "totals_of",
]

ZERO = Decimal(0)


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


def leaf_score(spec: Spec, points: Decimal, weight: Decimal) -> Decimal:
    """A rule's points as the leaf's score: clamped to [0, weight], rounded by the spec."""
    return spec.rounding.apply(ZERO if points < 0 else min(points, weight))
