"""公式 rule: any whitelisted expression giving points, clamped to [0, weight] by the engine.

For an indicator's own written scoring standard (评（扣）分标准) that no other kind expresses,
e.g. "100% → full, −2 per 5 points below": ``max(0, 分值 - 2 * ceil((1 - 完成率) / 0.05))``.
Besides the declared facts and derived values, the formula may use ``w`` / ``分值`` (the weight).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..formula.expr import CompiledFormula, Value
from .base import (
    CompileContext,
    Emitter,
    Outcome,
    ParamsBase,
    Rating,
    Rule,
    as_number,
    fmt,
    lost_sentence,
    shown_measure,
)

if TYPE_CHECKING:
    import ast

WEIGHT_NAMES = ("w", "分值")


class Params(ParamsBase):
    kind: Literal["formula"]
    formula: str = Field(description="points, e.g. 'max(0, 分值 - 2 * ceil((1 - 完成率) / 0.05))'")
    actual: str | None = Field(None, description="实际完成值 shown on the form (optional)")
    target: str | Decimal | None = Field(None, description="年度指标值 shown on the form")
    unit: str | None = Field(None, description="unit of a compound `actual` formula")


class FormulaRule(Rule):
    kind = "formula"
    label = "公式"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.points: CompiledFormula | None = ctx.compile_local(
            params.formula, "formula", WEIGHT_NAMES
        )
        self.actual = ctx.compile(params.actual, "actual") if params.actual is not None else None
        self.measure = shown_measure(ctx, ctx.measure_of(self.actual, params.unit))
        self.display_target = "" if params.target is None else str(params.target)

    @property
    def needs(self) -> frozenset[str]:
        names = self.points.names - {"w", "分值"} if self.points is not None else frozenset()
        return names | super().needs

    @property
    def target_text(self) -> str:
        return self.display_target

    @property
    def branches(self) -> tuple[str, ...]:
        return ("full", "partial")

    def branch_of(self, outcome: Outcome) -> str:
        return "full" if outcome.status == "met" else "partial"

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.points is not None
        local = {**env, "w": weight, "分值": weight}
        points = as_number(self.points(local), "公式得分")
        actual = self.actual(env) if self.actual is not None else None
        return Outcome(points, actual, "met" if points >= weight else "missed", (points,))

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        assert self.points is not None
        if self.actual is not None:
            gen.bind(gen.formula(self.actual))  # shown, not scored: computed for its errors
        return gen.template("num(F)", F=gen.formula(self.points, w=weight, 分值=weight))

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        assert self.points is not None
        (raw,) = outcome.detail
        text = f"按公式 {self.points.source} 计算得 {fmt(raw)} 分"
        if raw > weight:
            text += f"，超过分值按 {fmt(weight)} 分计"
        elif raw < 0:
            text += "，低于 0 按 0 分计"
        return text + "，" + lost_sentence(weight, score)

    def describe(self) -> str:
        return f"公式：{self.points.source if self.points else ''}"


RULE = FormulaRule
