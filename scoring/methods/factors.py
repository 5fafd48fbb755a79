"""因素分析法: the change of the total between two results, split exactly into its causes.

Two results (a project's two years, or a project and a peer) are compared leaf by leaf, matched by
indicator id (a rename map carries an id that changed). A leaf's score is its applicable weight
times its score rate (s = w · r, w = 0 when not applicable), so its change splits into

    weight effect (权重变化)   = (w₂ − w₁) · r₁
    rate effect   (得分率变化) = w₂ · (r₂ − r₁)

which add to s₂ − s₁ exactly. A leaf that enters (new, or applicable again) or leaves is all
weight effect: its missing rate is taken as the other side's. The total is the leaves' sum times
k = 总分 ÷ 适用分值 (1 when everything applies), rounded by the spec, so

    T₂ − T₁ = Σ k₂ · Δs   +   (k₂ − k₁) · S₁   +   rounding

where the second term (不适用折算) is the change of the rescaling and the last (四舍五入) is what
rounding the two totals adds. Everything is computed with fractions, so the parts add up to the
change exactly; for display they are rounded to the total's places with the largest-remainder
method, so the shown parts add up to the shown change digit for digit at every level.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..engine.result import Result, Totals
from ..spec.compiled import Node, Spec

__all__ = ["Decomposition", "Part", "Scores", "decompose", "shown_parts"]


@dataclass(frozen=True)
class Part:
    """One indicator's share of the change: exact, and as shown (``None`` until ``shown_parts``)."""

    id: str
    name: str
    level: int
    weight_effect: Fraction
    rate_effect: Fraction
    children: tuple[Part, ...] = ()

    @property
    def total(self) -> Fraction:
        return self.weight_effect + self.rate_effect

    def walk(self) -> Iterator[Part]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Decomposition:
    before_total: Decimal
    after_total: Decimal
    parts: tuple[Part, ...]  # the 一级指标, each with its 二级 and leaves
    rescale: Fraction  # 不适用折算: the change of 总分 ÷ 适用分值, times the first sum
    rounding: Fraction  # 四舍五入: the rounded totals' change less the exact one
    places: int

    @property
    def change(self) -> Decimal:
        return self.after_total - self.before_total

    def exact_sum(self) -> Fraction:
        return sum((p.total for p in self.parts), Fraction(0)) + self.rescale + self.rounding


@dataclass(frozen=True)
class _Leaf:
    path: tuple[tuple[str, str], ...]  # (id, name) from the 一级指标 down to the leaf
    weight: Fraction  # applicable weight: 0 when not applicable
    score: Fraction

    @property
    def rate(self) -> Fraction | None:
        return self.score / self.weight if self.weight else None


@dataclass(frozen=True)
class Scores:
    """What a decomposition reads of a scored project: the spec, the rounded total, the weight
    that applied, and each leaf's score (None where it does not apply)."""

    spec: Spec
    total: Decimal
    applicable_weight: Decimal
    leaf_scores: Mapping[str, Decimal | None]

    @classmethod
    def of(cls, scored: Result | Scores) -> Scores:
        if isinstance(scored, Scores):
            return scored
        scores = {leaf.id: leaf.score for leaf in scored.leaves()}
        return cls(scored.spec, scored.total, scored.applicable_weight, scores)

    @classmethod
    def of_totals(cls, spec: Spec, totals: Totals) -> Scores:
        """From ``score_totals`` (or a batch record): no result tree needed."""
        scores = {leaf.id: s for leaf, s in zip(spec.leaves, totals.leaf_scores, strict=True)}
        return cls(spec, totals.total, totals.applicable_weight, scores)


def decompose(
    before: Result | Scores, after: Result | Scores, renames: Mapping[str, str] | None = None
) -> Decomposition:
    """Split ``after.total − before.total`` into each indicator's weight and rate effects.

    ``renames`` maps an id of ``before`` to the id the same indicator has in ``after``."""
    first_scores, second_scores = Scores.of(before), Scores.of(after)
    renames = renames or {}
    first = {renames.get(i, i): leaf for i, leaf in _leaves(first_scores).items()}
    second = _leaves(second_scores)
    k1, k2 = _factor(first_scores), _factor(second_scores)
    effects: dict[str, tuple[Fraction, Fraction]] = {}
    for leaf_id in [*second, *(i for i in first if i not in second)]:
        a, b = first.get(leaf_id), second.get(leaf_id)
        w1 = a.weight if a else Fraction(0)
        w2 = b.weight if b else Fraction(0)
        r1 = a.rate if a else None
        r2 = b.rate if b else None
        r1 = r1 if r1 is not None else (r2 if r2 is not None else Fraction(0))
        r2 = r2 if r2 is not None else r1
        effects[leaf_id] = (k2 * (w2 - w1) * r1, k2 * w2 * (r2 - r1))
    paths = {i: leaf.path for i, leaf in first.items()}
    paths.update({i: leaf.path for i, leaf in second.items()})
    parts = _tree(paths, effects)
    s1 = sum((leaf.score for leaf in first.values()), Fraction(0))
    s2 = sum((leaf.score for leaf in second.values()), Fraction(0))
    rescale = (k2 - k1) * s1
    exact_change = k2 * s2 - k1 * s1
    change = Fraction(second_scores.total) - Fraction(first_scores.total)
    places = max(
        _places(first_scores.total),
        _places(second_scores.total),
        second_scores.spec.rounding.places,
    )
    return Decomposition(
        first_scores.total, second_scores.total, parts, rescale, change - exact_change, places
    )


def _leaves(scored: Scores) -> dict[str, _Leaf]:
    out: dict[str, _Leaf] = {}
    Path = tuple[tuple[str, str], ...]
    stack: list[tuple[Node, Path]] = [
        (node, ((node.id, node.name),)) for node in reversed(scored.spec.indicators)
    ]
    while stack:  # depth first, in the spec's order, without recursion
        node, path = stack.pop()
        if node.is_leaf:
            score = scored.leaf_scores.get(node.id)
            out[node.id] = _Leaf(
                path,
                Fraction(node.weight) if score is not None else Fraction(0),
                Fraction(score) if score is not None else Fraction(0),
            )
            continue
        stack.extend((child, (*path, (child.id, child.name))) for child in reversed(node.children))
    return out


def _factor(scored: Scores) -> Fraction:
    """总分 ÷ 适用分值: what the leaves' sum is multiplied by to give the unrounded total."""
    applicable = Fraction(scored.applicable_weight)
    return Fraction(scored.spec.total) / applicable if applicable else Fraction(0)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _tree(
    paths: Mapping[str, tuple[tuple[str, str], ...]],
    effects: Mapping[str, tuple[Fraction, Fraction]],
) -> tuple[Part, ...]:
    """Leaves grouped under their parents, in the order they were first met."""

    def build(prefix: tuple[tuple[str, str], ...], ids: Sequence[str]) -> tuple[Part, ...]:
        groups: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for leaf_id in ids:
            node_id, name = paths[leaf_id][len(prefix)]
            groups.setdefault(node_id, []).append(leaf_id)
            names.setdefault(node_id, name)  # a renamed parent keeps its newer name
        parts = []
        for node_id, members in groups.items():
            name = names[node_id]
            here = (*prefix, (node_id, name))
            if len(members) == 1 and paths[members[0]][-1][0] == node_id:
                w, r = effects[members[0]]
                parts.append(Part(node_id, name, len(here), w, r))
                continue
            children = build(here, members)
            parts.append(
                Part(
                    node_id,
                    name,
                    len(here),
                    sum((c.weight_effect for c in children), Fraction(0)),
                    sum((c.rate_effect for c in children), Fraction(0)),
                    children,
                )
            )
        return tuple(parts)

    return build((), list(effects))


def shown_parts(decomposition: Decomposition) -> dict[tuple[str, str], Decimal]:
    """Every figure of the decomposition rounded to its places so that the shown figures add up:
    the leaves' two effects, the rescaling and the rounding are rounded together by the
    largest-remainder method to sum to the shown change, and every parent shows the sum of its
    children's shown figures. Keys: (indicator id, "weight" | "rate" | "total"), and
    ("不适用折算", "total"), ("四舍五入", "total")."""
    unit = Fraction(1, 10**decomposition.places)
    items: list[tuple[tuple[str, str], Fraction]] = []
    leaves = [p for top in decomposition.parts for p in top.walk() if not p.children]
    for leaf in leaves:
        items.append(((leaf.id, "weight"), leaf.weight_effect))
        items.append(((leaf.id, "rate"), leaf.rate_effect))
    items.append((("不适用折算", "total"), decomposition.rescale))
    items.append((("四舍五入", "total"), decomposition.rounding))
    target = Fraction(decomposition.change) / unit  # a whole number of units
    floors = {key: (value / unit).__floor__() for key, value in items}
    short = int(target) - sum(floors.values())
    by_remainder = sorted(items, key=lambda kv: kv[1] / unit - floors[kv[0]], reverse=True)
    for key, _ in by_remainder[:short]:
        floors[key] += 1
    shown = {key: Decimal(units).scaleb(-decomposition.places) for key, units in floors.items()}

    def roll(part: Part) -> tuple[Decimal, Decimal]:
        if not part.children:
            w, r = shown[(part.id, "weight")], shown[(part.id, "rate")]
        else:
            sums = [roll(child) for child in part.children]
            w = sum((s[0] for s in sums), Decimal(0))
            r = sum((s[1] for s in sums), Decimal(0))
            shown[(part.id, "weight")], shown[(part.id, "rate")] = w, r
        shown[(part.id, "total")] = w + r
        return w, r

    for top in decomposition.parts:
        roll(top)
    return shown
