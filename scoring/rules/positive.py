"""正向指标 (higher is better, "≥ target"): full marks when met, proportional below, never above.

a ≥ t → w; otherwise max(a, 0) ÷ t × w. A target far exceeded (more than ``overshoot_ratio``
above t) may mean the target was set too low: it is flagged for review, and a spec may give an
``overshoot_formula`` (over a, t, w) that scores that case instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from ..formula.expr import CompiledFormula, Value
from ..i18n import tr
from .base import (
    ZERO,
    CompileContext,
    Emitter,
    MeasuredParams,
    Number,
    Outcome,
    Rating,
    StatedRule,
    as_number,
    lost_sentence,
    percent,
)
from .statement import Statement, formula

if TYPE_CHECKING:
    import ast

LOCAL_NAMES = ("a", "t", "w", "实际值", "指标值", "分值")
# The arithmetic, once. Below the target: multiply before dividing (a ÷ t first can round a
# repeating quotient so that an exact x.xx5 becomes x.xx4999… and then rounds down); a negative
# actual value counts as 0. The sentence writes it as a reader knows it: a ÷ t × w.
_MET, _BELOW, _SHOWN = (
    "实际值 >= 指标值",
    "max(实际值, 0) * 分值 / 指标值",
    "实际值 / 指标值 * 分值",
)
_EXCEEDS = "实际值 > 指标值 * (1 + 复核阈值)"  # met, but so far above target it is flagged
PLAIN = Statement(_MET, "分值", _BELOW, _SHOWN)
OVERSHOOT = Statement(_MET, f"(超额得分 if {_EXCEEDS} else 分值)", _BELOW, _SHOWN)
_OVER = "实际值 / 指标值 - 1"  # how far above target, as the explanation says


class Params(MeasuredParams):
    kind: Literal["positive"]
    target: str | Decimal = Field(description="年度指标值, e.g. '≥95%', '≥735人次', 100")
    overshoot_ratio: Number | None = Field(
        None, ge=0, description="flag when a > t × (1 + ratio); default from the spec"
    )
    overshoot_formula: str | None = Field(
        None, description="points when overshooting, over a, t, w (实际值, 指标值, 分值)"
    )


class PositiveRule(StatedRule):
    kind = "positive"
    label = "正向"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.read_actual(params, ctx, params.target, ("≥", ">", "="))
        if self.target is not None:
            self.require_target(
                ctx,
                self.target.value > 0,
                tr(
                    "target-not-positive",
                    "a positive target must be above 0, got {target}; use kind: zero_target for "
                    "'=0' targets",
                    target=self.target.display,
                ),
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
        scored = self.overshoot_formula is not None and self.overshoot_ratio is not None
        self.statement = OVERSHOOT if scored else PLAIN  # else overshooting is flagged only
        if self.overshoot_ratio is not None:
            self.constants = {"复核阈值": self.overshoot_ratio}

    @property
    def branches(self) -> tuple[str, ...]:
        return ("met", "missed") if self.overshoot_ratio is None else ("met", "missed", "exceeded")

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.actual is not None
        a = as_number(self.actual(env), self.what)
        quantities = self.quantities(a, weight)
        reached = self.statement.reached(quantities)
        if not reached or self.overshoot_ratio is None or formula(_EXCEEDS)(quantities) is not True:
            return Outcome(self.statement.points(quantities), a, "met" if reached else "missed")
        if self.overshoot_formula is not None and self.statement is OVERSHOOT:
            points = self.overshoot_formula(self.local(a, weight))
            quantities["超额得分"] = as_number(points, "超额公式得分")
        scored = self.statement is OVERSHOOT
        return Outcome(self.statement.points(quantities), a, "exceeded", (scored,))

    def local(self, a: Any, weight: Decimal) -> dict[str, Any]:
        """The names an overshoot formula reads."""
        assert self.target is not None
        t = self.target.value
        return {"a": a, "t": t, "w": weight, "实际值": a, "指标值": t, "分值": weight}

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        if self.overshoot_formula is None or self.statement is PLAIN:
            return super().emit(gen, weight)
        assert self.actual is not None
        a = gen.value(self.actual)
        over = gen.template(
            "num(F)", F=gen.formula(self.overshoot_formula, **self.local(a, weight))
        )
        return self.statement.emit(gen, **self.quantities(a, weight), 超额得分=over)

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        assert self.target is not None
        shown = self.measure.display
        a = outcome.actual
        assert isinstance(a, Decimal)
        if outcome.status == "missed":
            basis = "实际值为负按 0 计，" if a < 0 else ""
            return (
                f"实际完成值 {shown(a)} 未达到年度指标值 {self.target.display}，{basis}"
                f"按 {self.worked(max(a, ZERO), weight)} 计分，" + lost_sentence(weight, score)
            )
        text = f"实际完成值 {shown(a)} 达到年度指标值 {self.target.display}，" + lost_sentence(
            weight, score
        )
        if outcome.status == "exceeded":
            over = formula(_OVER)(self.quantities(a, weight))
            assert isinstance(over, Decimal)
            text += (
                f"超过指标值 {percent(over)}（复核阈值 {percent(self.overshoot_ratio or ZERO)}），"
                "请复核年度指标值是否设置偏低"
            )
            text += "，已按超额公式计分。" if outcome.detail[0] else "。"
        return text

    def describe(self) -> str:
        return f"正向：达到 {self.target_text} 得满分，未达到按 {self.formula_text()} 计分"


RULE = PositiveRule
