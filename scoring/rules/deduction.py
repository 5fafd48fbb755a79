"""扣分制: start from the weight and deduct a fixed amount per problem found, floor 0.

"每发现一项问题扣1分". ``max_deduction`` caps the total deducted when a written standard says so.
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
    InputError,
    MeasuredParams,
    Number,
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
    """``actual`` counts the problems found."""

    kind: Literal["deduction"]
    per_item: Number = Field(gt=0, description="points deducted per problem")
    max_deduction: Number | None = Field(None, gt=0, description="cap on the points deducted")
    target: str | Decimal = Field("=0", description="shown as 年度指标值, e.g. '=0个'")


class DeductionRule(Rule):
    kind = "deduction"
    label = "扣分制"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.read_actual(params, ctx, params.target, ("=", "≤", "<"))
        self.per_item = params.per_item
        self.max_deduction = params.max_deduction

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.actual is not None
        count = as_number(self.actual(env), "问题数")
        if count < 0:
            raise InputError(
                f"the number of problems cannot be negative, got {fmt(count)}", "negative-count"
            )
        deducted = self.per_item * count
        if self.max_deduction is not None:
            deducted = min(deducted, self.max_deduction)
        status = "met" if count == 0 else "missed"
        return Outcome(max(ZERO, weight - deducted), count, status, (deducted,))

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        assert self.actual is not None
        count = gen.value(self.actual)
        deducted = "P * N" if self.max_deduction is None else "min(P * N, M)"
        return gen.template(
            f"fail() if N < 0 else max(Z, W - {deducted})",
            N=count, P=self.per_item, M=self.max_deduction or ZERO, W=weight, Z=ZERO,
        )  # fmt: skip

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        count = outcome.actual
        assert isinstance(count, Decimal)
        if outcome.status == "met":
            return "未发现问题，" + lost_sentence(weight, score)
        cap = f"，最多扣 {fmt(self.max_deduction)} 分" if self.max_deduction is not None else ""
        return (
            f"发现问题 {self.measure.display(count)}，每项扣 {fmt(self.per_item)} 分{cap}（最低 0 分），"
            + lost_sentence(weight, score)
        )

    def describe(self) -> str:
        cap = f"，最多扣 {fmt(self.max_deduction)} 分" if self.max_deduction is not None else ""
        return f"扣分制：每发现一项问题扣 {fmt(self.per_item)} 分{cap}，扣完为止"


RULE = DeductionRule
