"""What-if: the same facts scored under two specs (or profiles), compared indicator by indicator.

Qualitative ratings are judgements of a share of the weight, so when the weights differ a rating
given as points under the first spec is carried to the second as the same share of its weight.
``carried_weights`` and ``carried_share`` are that rule in parts, for the population what-if
(``scoring.batch.population_diff``), which applies it to table rows before they are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..rules import Rating
from ..spec.compiled import Spec
from .facts import Facts
from .result import Result
from .scorer import in_private_context, score

__all__ = [
    "Change",
    "Comparison",
    "carried_share",
    "carried_weights",
    "compare",
    "ratings_as_shares",
]


@dataclass(frozen=True)
class Change:
    """One indicator in either spec: weight and score under each (None where absent or n/a)."""

    id: str
    name: str
    level: int
    weight_a: Decimal | None
    weight_b: Decimal | None
    score_a: Decimal | None
    score_b: Decimal | None

    @property
    def changed(self) -> bool:
        return (self.weight_a, self.score_a) != (self.weight_b, self.score_b)

    @property
    def delta(self) -> Decimal | None:
        if self.score_a is None or self.score_b is None:
            return None
        return self.score_b - self.score_a


@dataclass(frozen=True)
class Comparison:
    a: Result
    b: Result
    changes: tuple[Change, ...]

    @property
    def total_delta(self) -> Decimal:
        return self.b.total - self.a.total


@in_private_context  # a rating carried as a share is divided as scoring divides, in no caller's context
def compare(spec_a: Spec, spec_b: Spec, facts: Facts) -> Comparison:
    a = score(spec_a, facts)
    b = score(spec_b, ratings_as_shares(spec_a, spec_b, facts))
    by_id_a = {item.id: item for item in a.walk()}
    by_id_b = {item.id: item for item in b.walk()}
    order = list(by_id_a) + [key for key in by_id_b if key not in by_id_a]
    changes = []
    for key in order:
        item_a, item_b = by_id_a.get(key), by_id_b.get(key)
        shown = item_a or item_b
        assert shown is not None
        changes.append(
            Change(
                key,
                shown.name,
                shown.level,
                item_a.weight if item_a else None,
                item_b.weight if item_b else None,
                item_a.score if item_a else None,
                item_b.score if item_b else None,
            )
        )
    return Comparison(a, b, tuple(changes))


def carried_weights(spec_a: Spec, spec_b: Spec) -> dict[str, Decimal]:
    """The indicators whose rating in points is carried to B as a share: id → its weight in A
    (in both specs, weighted in A, weighted differently in B)."""
    carried: dict[str, Decimal] = {}
    for key, node_a in spec_a.nodes.items():
        node_b = spec_b.nodes.get(key)
        if node_b is not None and node_a.weight and node_a.weight != node_b.weight:
            carried[key] = node_a.weight
    return carried


@in_private_context  # divided as scoring divides, in no caller's context
def carried_share(points: Decimal, weight_a: Decimal) -> Decimal:
    """Points given against A's weight, as the share of the weight B scores."""
    return points / weight_a


def ratings_as_shares(spec_a: Spec, spec_b: Spec, facts: Facts) -> Facts:
    """``facts`` with each rating given in points on an indicator B weighs differently given as
    that share of A's weight instead (what B scores in ``compare``)."""
    carried = carried_weights(spec_a, spec_b)
    ratings = dict(facts.ratings)
    for key, rating in facts.ratings.items():
        weight_a = carried.get(key)
        if rating.score is None or weight_a is None:
            continue
        share = carried_share(rating.score, weight_a)
        ratings[key] = Rating(rating.tier, None, share, rating.narrative)
    return Facts(
        project=facts.project,
        values=facts.values,
        ratings=ratings,
        not_applicable=facts.not_applicable,
        adjustments=facts.adjustments,
        deviations=facts.deviations,
        document=facts.document,
    )
