"""定性指标: the evaluator picks a tier and gives a score (or share of the weight) inside its range.

The tiers and their ranges belong to the spec (national: 达成 [80%, 100%], 部分达成 [60%, 80%),
未达成 [0, 60%); Hubei and older central forms print 100–80 / 80–50 / 50–0). Each tier's range is
``[min, max)`` except the top one, which includes its max. A score outside the chosen tier's range
is an input error, never silently moved into range.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..formula.expr import Value
from ..i18n import tr
from .base import (
    CompileContext,
    Emitter,
    InputError,
    Outcome,
    ParamsBase,
    Rating,
    RatingParts,
    Rule,
    Share,
    fmt,
    lost_sentence,
    percent,
)

if TYPE_CHECKING:
    import ast

ProblemSink = Callable[[str, str], None]


class TierParams(ParamsBase):
    label: str = Field(description="the wording printed on the form, e.g. 达成年度指标")
    min: Share = Field(description="lowest share of the weight, e.g. 0.8 or '80%'")
    max: Share = Field(description="highest share of the weight (exclusive unless top)")


@dataclass(frozen=True)
class Tier:
    id: str
    label: str
    min: Decimal
    max: Decimal
    top: bool

    def contains(self, share: Decimal) -> bool:
        return self.min <= share <= self.max if self.top else self.min <= share < self.max

    def range_text(self, weight: Decimal) -> str:
        close = "]" if self.top else ")"
        return (
            f"[{fmt(self.min * weight)}, {fmt(self.max * weight)}{close} 分"
            f"（{percent(self.min)}–{percent(self.max)}）"
        )

    def range_words(self, weight: Decimal) -> str:
        """The range as a report says it, for [1.2, 1.6): 1.2 分以上、不足 1.6 分 (以上 includes
        the bound, 不足 does not); the top tier, both ends included: 1.6 分至 2 分."""
        low, high = fmt(self.min * weight), fmt(self.max * weight)
        if self.top:
            words = f"{low} 分至 {high} 分"
        else:
            words = f"{low} 分以上、不足 {high} 分" if self.min else f"不足 {high} 分"
        return f"{words}（{percent(self.min)}–{percent(self.max)}）"


class Params(ParamsBase):
    kind: Literal["qualitative"]
    target: str | None = Field(
        None, description="年度指标值 as written, e.g. '有效', '达成预期指标'"
    )
    tiers: dict[str, TierParams] | None = Field(
        None, description="tiers for this indicator only; default: the spec's qualitative_tiers"
    )


class QualitativeRule(Rule):
    kind = "qualitative"
    label = "定性"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.display_target = params.target or ""
        tiers: tuple[Tier, ...] = ctx.settings["tiers"]
        if params.tiers is not None:
            tiers = build_tiers(params.tiers, lambda msg, code: ctx.problem("tiers", msg, code))
        self.tiers = tiers
        self.by_id = {tier.id: tier for tier in tiers}
        # Filed forms write the tier's wording (达成年度指标) as often as its short name.
        self.by_label = {tier.label: tier for tier in tiers}

    @property
    def needs(self) -> frozenset[str]:
        return frozenset()

    @property
    def target_text(self) -> str:
        return self.display_target

    @property
    def branches(self) -> tuple[str, ...]:
        return tuple(tier.id for tier in self.tiers)

    def branch_of(self, outcome: Outcome) -> str:
        return str(outcome.actual)  # the tier chosen

    def actual_text(self, value: Value | str | None) -> str:
        return "" if value is None else str(value)

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        parts = None if rating is None else (rating.tier, rating.score, rating.share)
        tier, points = self.rate(parts, weight)
        status = "rated" if tier.top else "rated_below"
        return Outcome(points, tier.id, status, (tier, rating.narrative if rating else ""))

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        # The caller rated it with ``rate`` (once per distinct rating); None: no rating given.
        return gen.template("R if R is not None else fail()", R=gen.bind(gen.rating()))

    # The caller's rating is already the leaf's score (clamped and rounded): nothing to redo.
    emits_score = True

    def rate(self, rating: RatingParts | None, weight: Decimal) -> tuple[Tier, Decimal]:
        """The tier a rating (tier, score, share) names and the points it gives; InputError
        says what is wrong with it."""
        if rating is None:
            message = tr(
                "rating-missing",
                "missing rating: give this qualitative indicator a tier ({tiers}) and a score "
                "under ratings:",
                tiers="/".join(self.by_id),
            )
            raise InputError(message, "rating-missing")
        named, score, given_share = rating
        tier = self.by_id.get(named) or self.by_label.get(named)
        if tier is None:
            names = "、".join(self.by_id)
            close = difflib.get_close_matches(named, list(self.by_id), n=1, cutoff=0.5)
            hint = tr("tier-unknown", "; did you mean '{tier}'?", tier=close[0]) if close else ""
            message = tr(
                "tier-unknown",
                "unknown tier '{tier}'; expected one of {tiers}{hint}",
                tier=named,
                tiers=names,
                hint=hint,
            )
            raise InputError(message, "tier-unknown")
        if score is None:
            if given_share is None:
                message = tr(
                    "rating-score",
                    "give a score (points out of {weight}) or share (e.g. 90%) for tier {tier}",
                    weight=fmt(weight),
                    tier=tier.id,
                )
                raise InputError(message, "rating-score")
            share, points = given_share, given_share * weight
        elif given_share is not None:
            message = tr(
                "rating-score",
                "give either score (points out of {weight}) or share (e.g. 90%) for tier {tier}, "
                "not both",
                weight=fmt(weight),
                tier=tier.id,
            )
            raise InputError(message, "rating-score")
        else:  # a zero-weight indicator can only be given 0 points, i.e. any share
            share, points = (score / weight if weight else tier.min), score
        if not tier.contains(share):
            fields = {"tier": tier.id, "label": tier.label, "range": tier.range_text(weight)}
            if score is not None:
                message = tr(
                    "tier-range",
                    "score {points} is outside tier {tier} ({label}) {range}; choose the tier that "
                    "matches the score or change the score",
                    points=fmt(points),
                    **fields,
                )
            else:
                message = tr(
                    "tier-range",
                    "share {share} is outside tier {tier} ({label}) {range}; choose the tier that "
                    "matches the score or change the score",
                    share=percent(share),
                    **fields,
                )
            raise InputError(message, "tier-range")
        return tier, points

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        tier, narrative = outcome.detail
        text = f"评价等级：{tier.label}，{tier.range_words(weight)}，" + lost_sentence(
            weight, score
        )
        return f"{text}评价说明：{narrative}" if narrative else text

    def describe(self) -> str:
        return "定性：" + "；".join(
            f"{t.label} {percent(t.min)}–{percent(t.max)}" for t in self.tiers
        )


def build_tiers(raw: Mapping[str, TierParams], problem: ProblemSink) -> tuple[Tier, ...]:
    """Order tiers from best to worst and check they cover 0–100% without gap or overlap."""
    ordered = sorted(raw.items(), key=lambda item: item[1].max, reverse=True)
    tiers = tuple(
        Tier(tid, t.label, t.min, t.max, top=index == 0) for index, (tid, t) in enumerate(ordered)
    )
    for tier in tiers:
        if tier.min >= tier.max:
            message = tr(
                "tier-order",
                "tier {tier} has min {min} not below max {max}",
                tier=tier.id,
                min=percent(tier.min),
                max=percent(tier.max),
            )
            problem(message, "tier-order")
    if tiers and tiers[0].max != 1:
        message = tr(
            "tier-gap",
            "the top tier {tier} must reach 100%, got {max}",
            tier=tiers[0].id,
            max=percent(tiers[0].max),
        )
        problem(message, "tier-gap")
    if tiers and tiers[-1].min != 0:
        message = tr(
            "tier-gap",
            "the lowest tier {tier} must start at 0%, got {min}",
            tier=tiers[-1].id,
            min=percent(tiers[-1].min),
        )
        problem(message, "tier-gap")
    for upper, lower in itertools.pairwise(tiers):
        if lower.max < upper.min:
            message = tr(
                "tier-gap",
                "tiers {lower} and {upper} leave a gap between {low} and {high}",
                lower=lower.id,
                upper=upper.id,
                low=percent(lower.max),
                high=percent(upper.min),
            )
            problem(message, "tier-gap")
        elif lower.max > upper.min:
            message = tr(
                "tier-overlap",
                "tiers {lower} and {upper} overlap between {low} and {high}",
                lower=lower.id,
                upper=upper.id,
                low=percent(upper.min),
                high=percent(lower.max),
            )
            problem(message, "tier-overlap")
    return tiers


RULE = QualitativeRule
