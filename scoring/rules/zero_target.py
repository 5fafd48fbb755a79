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
from .statement import Statement

if TYPE_CHECKING:
    import ast


# The arithmetic, once: nothing happened → full marks; else nothing, or a deduction per
# occurrence down to 0.
ALL_OR_NOTHING = Statement("实际值 <= 0", "分值", "0")
PER_OCCURRENCE = Statement("实际值 <= 0", "分值", "max(0, 分值 - 每次扣分 * 实际值)")


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
        self.statement = ALL_OR_NOTHING if self.per_occurrence is None else PER_OCCURRENCE

    def quantities(self, a: Decimal, weight: Decimal) -> dict[str, Value]:
        quantities: dict[str, Value] = {"实际值": a, "分值": weight}
        if self.per_occurrence is not None:
            quantities["每次扣分"] = self.per_occurrence
        return quantities

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.actual is not None
        a = as_number(self.actual(env), "发生次数")
        quantities = self.quantities(a, weight)
        status = "met" if self.statement.reached(quantities) else "missed"
        return Outcome(self.statement.points(quantities), a, status)

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        assert self.actual is not None
        parts: dict[str, ast.expr | Decimal] = {"实际值": gen.value(self.actual), "分值": weight}
        if self.per_occurrence is not None:
            parts["每次扣分"] = self.per_occurrence
        return self.statement.emit(gen, **parts)

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
