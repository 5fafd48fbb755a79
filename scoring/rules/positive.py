"""正向指标 (higher is better, "≥ target"): full marks when met, proportional below, never above.

a ≥ t → w; otherwise max(a, 0) ÷ t × w. A target far exceeded (more than ``overshoot_ratio``
above t) may mean the target was set too low: it is flagged for review, and a spec may give an
``overshoot_formula`` (over a, t, w) that scores that case instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..expr import CompiledFormula, Value
from .base import (
    ZERO,
    CompileContext,
    Emitter,
    MeasuredParams,
    Number,
    Outcome,
    Rating,
    Rule,
    as_number,
    fmt,
    lost_sentence,
    percent,
)

if TYPE_CHECKING:
    import ast

LOCAL_NAMES = ("a", "t", "w", "实际值", "指标值", "分值")


class Params(MeasuredParams):
    kind: Literal["positive"]
    target: str | Decimal = Field(description="年度指标值, e.g. '≥95%', '≥735人次', 100")
    overshoot_ratio: Number | None = Field(
        None, ge=0, description="flag when a > t × (1 + ratio); default from the spec"
    )
    overshoot_formula: str | None = Field(
        None, description="points when overshooting, over a, t, w (实际值, 指标值, 分值)"
    )


class PositiveRule(Rule):
    kind = "positive"
    label = "正向"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.read_actual(params, ctx, params.target, ("≥", ">", "="))
        if self.target is not None:
            self.require_target(
                ctx,
                self.target.value > 0,
                f"a positive target must be above 0, got {self.target.display}; "
                "use kind: zero_target for '=0' targets",
                "target-not-positive",
            )
        ratio = params.overshoot_ratio
        self.overshoot_ratio: Decimal | None = (
            ratio if ratio is not None else ctx.settings.get("overshoot_ratio")
        )
        self.overshoot_formula: CompiledFormula | None = None
        if params.overshoot_formula is not None:
            self.overshoot_formula = ctx.compile_local(
                params.overshoot_formula, "overshoot_formula", LOCAL_NAMES
            )

    @property
    def branches(self) -> tuple[str, ...]:
        return ("met", "missed") if self.overshoot_ratio is None else ("met", "missed", "exceeded")

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.actual is not None
        assert self.target is not None
        a = as_number(self.actual(env), "实际完成值")
        t = self.target.value
        if a >= t:
            ratio = self.overshoot_ratio
            if ratio is not None and a > t * (1 + ratio):
                if self.overshoot_formula is not None:
                    local = {"a": a, "t": t, "w": weight, "实际值": a, "指标值": t, "分值": weight}
                    points = as_number(self.overshoot_formula(local), "超额公式得分")
                    return Outcome(points, a, "exceeded", (True,))
                return Outcome(weight, a, "exceeded", (False,))
            return Outcome(weight, a, "met")
        # Multiply before dividing: a ÷ t first can round a repeating quotient so that an exact
        # x.xx5 becomes x.xx4999… and then rounds down.
        points = max(a, ZERO) * weight / t
        return Outcome(points, a, "missed")

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        assert self.actual is not None
        assert self.target is not None
        a, t = gen.value(self.actual), self.target.value
        below = "max(A, Z) * W / T"
        ratio = self.overshoot_ratio
        if ratio is None or self.overshoot_formula is None:  # overshooting is flagged, not scored
            return gen.template(f"W if A >= T else {below}", A=a, T=t, W=weight, Z=ZERO)
        local: dict[str, ast.expr | Decimal] = {"a": a, "t": t, "w": weight}
        local |= {"实际值": a, "指标值": t, "分值": weight}
        over = gen.template("num(F)", F=gen.formula(self.overshoot_formula, **local))
        limit = t * (1 + ratio)  # as evaluate computes it, once
        return gen.template(
            f"(OVER if A > L else W) if A >= T else {below}",
            A=a, T=t, W=weight, Z=ZERO, L=limit, OVER=over,
        )  # fmt: skip

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        assert self.target is not None
        shown = self.measure.display
        a = outcome.actual
        assert isinstance(a, Decimal)
        if outcome.status == "missed":
            basis = "实际值为负按 0 计，" if a < 0 else ""
            return (
                f"实际完成值 {shown(a)} 未达到年度指标值 {self.target.display}，{basis}"
                f"按 {shown(max(a, ZERO))} ÷ {shown(self.target.value)} × {fmt(weight)} 计分，"
                + lost_sentence(weight, score)
            )
        text = f"实际完成值 {shown(a)} 达到年度指标值 {self.target.display}，" + lost_sentence(
            weight, score
        )
        if outcome.status == "exceeded":
            over = a / self.target.value - 1
            text += (
                f"超过指标值 {percent(over)}（复核阈值 {percent(self.overshoot_ratio or ZERO)}），"
                "请复核年度指标值是否设置偏低"
            )
            text += "，已按超额公式计分。" if outcome.detail[0] else "。"
        return text

    def describe(self) -> str:
        return f"正向：达到 {self.target_text} 得满分，未达到按 实际值 ÷ 指标值 × 分值 计分"


RULE = PositiveRule
