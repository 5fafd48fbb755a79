"""零目标指标 (零非访, 安全事故 0 起, 重大舆情 0 起): nothing happened → full marks.

Binary by default (any occurrence → 0); with ``per_occurrence`` each occurrence deducts that many
points, floor 0. There is no division here, so a zero target can never divide by zero.
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


class Params(MeasuredParams):
    """``actual`` counts the occurrences."""

    kind: Literal["zero_target"]
    target: str | Decimal = Field("=0", description="shown as 年度指标值; must be 0, e.g. '=0次'")
    per_occurrence: Decimal | None = Field(
        None, gt=0, description="points deducted per occurrence (floor 0); omit for all-or-nothing"
    )


class ZeroTargetRule(Rule):
    kind = "zero_target"
    label = "零目标"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.read_actual(params, ctx, params.target, ("=", "≤"))
        if self.target is not None:
            self.require_target(
                ctx,
                self.target.value == 0,
                f"a zero_target rule needs a target of 0, got {self.target.display}; "
                "use kind: reverse for other '≤' targets",
                "target-not-zero",
            )
        self.per_occurrence = params.per_occurrence

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.actual is not None
        a = as_number(self.actual(env), "发生次数")
        if a <= 0:
            return Outcome(weight, a, "met")
        if self.per_occurrence is None:
            return Outcome(ZERO, a, "missed")
        return Outcome(max(ZERO, weight - self.per_occurrence * a), a, "missed")

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        assert self.actual is not None
        a = gen.value(self.actual)
        if self.per_occurrence is None:
            return gen.template("W if A <= 0 else Z", A=a, W=weight, Z=ZERO)
        return gen.template(
            "W if A <= 0 else max(Z, W - P * A)", A=a, W=weight, Z=ZERO, P=self.per_occurrence
        )

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        a = outcome.actual
        assert isinstance(a, Decimal)
        shown = self.measure.display(a)
        if outcome.status == "met":
            return f"实际发生 {shown}，达到零目标，" + lost_sentence(weight, score)
        if self.per_occurrence is None:
            return f"实际发生 {shown}，未达到零目标，按规则不得分，" + lost_sentence(weight, score)
        return (
            f"实际发生 {shown}，未达到零目标，每次扣 {fmt(self.per_occurrence)} 分（最低 0 分），"
            + lost_sentence(weight, score)
        )

    def describe(self) -> str:
        if self.per_occurrence is None:
            return "零目标：未发生得满分，发生即不得分"
        return f"零目标：未发生得满分，每发生一次扣 {fmt(self.per_occurrence)} 分，扣完为止"


RULE = ZeroTargetRule
