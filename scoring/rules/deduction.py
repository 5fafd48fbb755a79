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
from .statement import Statement, formula

if TYPE_CHECKING:
    import ast


# The arithmetic, once: the weight less what the problems cost (capped when the standard says
# so), floor 0; a negative count is the project's mistake, reported.
_DEDUCTED, _CAPPED = "每项扣分 * 实际值", "min(每项扣分 * 实际值, 最多扣分)"
UNCAPPED = Statement("实际值 == 0", None, f"max(0, 分值 - {_DEDUCTED})", requires="实际值 >= 0")
CAPPED = Statement("实际值 == 0", None, f"max(0, 分值 - {_CAPPED})", requires="实际值 >= 0")


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
        capped = self.max_deduction is not None
        self.statement, self.deducted = (CAPPED, _CAPPED) if capped else (UNCAPPED, _DEDUCTED)

    def quantities(self, count: Decimal, weight: Decimal) -> dict[str, Value]:
        quantities: dict[str, Value] = {"实际值": count, "分值": weight, "每项扣分": self.per_item}
        if self.max_deduction is not None:
            quantities["最多扣分"] = self.max_deduction
        return quantities

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.actual is not None
        count = as_number(self.actual(env), "问题数")
        quantities = self.quantities(count, weight)
        if not self.statement.allows(quantities):
            raise InputError(
                f"the number of problems cannot be negative, got {fmt(count)}", "negative-count"
            )
        status = "met" if self.statement.reached(quantities) else "missed"
        deducted = formula(self.deducted)(quantities)
        return Outcome(self.statement.points(quantities), count, status, (deducted,))

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        assert self.actual is not None
        parts: dict[str, ast.expr | Decimal] = {"实际值": gen.value(self.actual), "分值": weight}
        parts["每项扣分"] = self.per_item
        if self.max_deduction is not None:
            parts["最多扣分"] = self.max_deduction
        return self.statement.emit(gen, **parts)

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
