"""What-if: the same facts scored under two specs (or profiles), compared indicator by indicator.

Qualitative ratings are judgements of a share of the weight, so when the weights differ a rating
given as points under the first spec is carried to the second as the same share of its weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .compiled import Spec
from .engine import in_private_context, score
from .facts import Facts
from .result import Result
from .rules import Rating

__all__ = ["Change", "Comparison", "compare"]


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
    b = score(spec_b, _ratings_as_shares(spec_a, spec_b, facts))
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


def _ratings_as_shares(spec_a: Spec, spec_b: Spec, facts: Facts) -> Facts:
    ratings = dict(facts.ratings)
    for key, rating in facts.ratings.items():
        node_a, node_b = spec_a.nodes.get(key), spec_b.nodes.get(key)
        if rating.score is None or node_a is None or node_b is None or not node_a.weight:
            continue
        if node_a.weight != node_b.weight:
            share = rating.score / node_a.weight
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
