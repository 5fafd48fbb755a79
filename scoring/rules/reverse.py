"""反向指标 (lower is better, "≤ target"): full marks at or below target, less above it.

Two formulas are in use above the target and the spec must choose (domain.md §3):
``t_over_a`` (w × t ÷ a, the older central form) and ``linear_to_double``
(w × (1 − (a − t) ÷ t), reaching 0 at a ≥ 2t, seen in a production system).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..expr import Value
from .base import (
    ZERO,
    CompileContext,
    Emitter,
    MeasuredParams,
    Outcome,
    Rating,
    Rule,
    as_number,
    fmt,
    lost_sentence,
)

if TYPE_CHECKING:
    import ast

FORMULAS = ("t_over_a", "linear_to_double")


class Params(MeasuredParams):
    kind: Literal["reverse"]
    target: str | Decimal = Field(description="年度指标值, e.g. '≤90万元', '≤5%'")
    formula: Literal["t_over_a", "linear_to_double"] | None = Field(
        None, description="scoring above target; default from the spec's reverse_formula"
    )


class ReverseRule(Rule):
    kind = "reverse"
    label = "反向"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.read_actual(params, ctx, params.target, ("≤", "<"))
        if self.target is not None:
            self.require_target(
                ctx,
                self.target.value > 0,
                f"a reverse target must be above 0, got {self.target.display}; "
                "use kind: zero_target for '=0' or '≤0' targets",
                "target-not-positive",
            )
        formula = params.formula or ctx.settings.get("reverse_formula")
        if formula is None:
            ctx.problem(
                "formula",
                "choose how a reverse indicator above target is scored: formula: t_over_a "
                "(w × t ÷ a) or linear_to_double (w × (1 − (a − t) ÷ t)), here or as the "
                "spec's reverse_formula",
                "reverse-formula-missing",
            )
        self.formula: str = formula or "t_over_a"

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.actual is not None
        assert self.target is not None
        a = as_number(self.actual(env), "实际完成值")
        t = self.target.value
        if a <= t:
            return Outcome(weight, a, "met")
        if self.formula == "t_over_a":
            points = weight * t / a
        else:
            # w × (1 − (a − t) ÷ t) written as w × (2t − a) ÷ t: one division, last, so an exact
            # half is not lost to a rounded intermediate quotient.
            points = max(ZERO, weight * (2 * t - a) / t)
        return Outcome(points, a, "missed")

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        assert self.actual is not None
        assert self.target is not None
        a, t = gen.value(self.actual), self.target.value
        above = "W * T / A" if self.formula == "t_over_a" else "max(Z, W * (2 * T - A) / T)"
        return gen.template(f"W if A <= T else {above}", A=a, T=t, W=weight, Z=ZERO)

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        assert self.target is not None
        shown = self.measure.display
        a = outcome.actual
        assert isinstance(a, Decimal)
        t = self.target.value
        if outcome.status == "met":
            return f"实际完成值 {shown(a)} 达到年度指标值 {self.target.display}，" + lost_sentence(
                weight, score
            )
        if self.formula == "t_over_a":
            how = f"按 {fmt(weight)} × {shown(t)} ÷ {shown(a)} 计分"
        else:
            how = f"按 {fmt(weight)} × (1 − ({shown(a)} − {shown(t)}) ÷ {shown(t)}) 计分（达到 2 倍指标值不得分）"
        return (
            f"实际完成值 {shown(a)} 超过年度指标值 {self.target.display}，{how}，"
            + lost_sentence(weight, score)
        )

    def describe(self) -> str:
        above = (
            "分值 × 指标值 ÷ 实际值"
            if self.formula == "t_over_a"
            else "分值 × (1 − 超出部分 ÷ 指标值)"
        )
        return f"反向：不超过 {self.target_text} 得满分，超过按 {above} 计分"


RULE = ReverseRule
