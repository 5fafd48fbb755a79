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
_EXCEEDED = formula(_EXCEEDS)
_OVER = formula("实际值 / 指标值 - 1")  # how far above target, as the explanation says


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
        scored = self.overshoot_formula is not None and self.overshoot_ratio is not None
        self.statement = OVERSHOOT if scored else PLAIN  # else overshooting is flagged only

    @property
    def branches(self) -> tuple[str, ...]:
        return ("met", "missed") if self.overshoot_ratio is None else ("met", "missed", "exceeded")

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.actual is not None
        assert self.target is not None
        a = as_number(self.actual(env), "实际完成值")
        quantities = self.quantities(a, weight)
        reached = self.statement.reached(quantities)
        exceeded = reached and self.overshoot_ratio is not None and _EXCEEDED(quantities) is True
        if exceeded and self.statement is OVERSHOOT:
            assert self.overshoot_formula is not None
            local = {"a": a, "t": self.target.value, "w": weight}
            local |= {"实际值": a, "指标值": self.target.value, "分值": weight}
            quantities["超额得分"] = as_number(self.overshoot_formula(local), "超额公式得分")
        points = self.statement.points(quantities)
        if exceeded:
            return Outcome(points, a, "exceeded", (self.overshoot_formula is not None,))
        return Outcome(points, a, "met" if reached else "missed")

    def quantities(self, a: Decimal, weight: Decimal) -> dict[str, Value]:
        assert self.target is not None
        quantities: dict[str, Value] = {"实际值": a, "指标值": self.target.value, "分值": weight}
        if self.overshoot_ratio is not None:
            quantities["复核阈值"] = self.overshoot_ratio
        return quantities

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        assert self.actual is not None
        assert self.target is not None
        a, t = gen.value(self.actual), self.target.value
        parts: dict[str, ast.expr | Decimal] = {"实际值": a, "指标值": t, "分值": weight}
        if self.overshoot_formula is not None and self.statement is OVERSHOOT:
            local: dict[str, ast.expr | Decimal] = {"a": a, "t": t, "w": weight}
            local |= {"实际值": a, "指标值": t, "分值": weight}
            over = gen.template("num(F)", F=gen.formula(self.overshoot_formula, **local))
            parts |= {"复核阈值": self.overshoot_ratio or ZERO, "超额得分": over}
        return self.statement.emit(gen, **parts)

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        assert self.target is not None
        shown = self.measure.display
        a = outcome.actual
        assert isinstance(a, Decimal)
        if outcome.status == "missed":
            basis = "实际值为负按 0 计，" if a < 0 else ""
            texts = {"实际值": shown(max(a, ZERO)), "指标值": shown(self.target.value)}
            how = self.statement.worked(texts | {"分值": fmt(weight)})
            return (
                f"实际完成值 {shown(a)} 未达到年度指标值 {self.target.display}，{basis}"
                f"按 {how} 计分，" + lost_sentence(weight, score)
            )
        text = f"实际完成值 {shown(a)} 达到年度指标值 {self.target.display}，" + lost_sentence(
            weight, score
        )
        if outcome.status == "exceeded":
            over = _OVER(self.quantities(a, weight))
            assert isinstance(over, Decimal)
            text += (
                f"超过指标值 {percent(over)}（复核阈值 {percent(self.overshoot_ratio or ZERO)}），"
                "请复核年度指标值是否设置偏低"
            )
            text += "，已按超额公式计分。" if outcome.detail[0] else "。"
        return text

    def describe(self) -> str:
        below = self.statement.worked({name: name for name in ("实际值", "指标值", "分值")})
        return f"正向：达到 {self.target_text} 得满分，未达到按 {below} 计分"


RULE = PositiveRule
