"""扣分制: start from the weight and deduct a fixed amount per problem found, floor 0.

"每发现一项问题扣1分". ``max_deduction`` caps the total deducted when a written standard says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from ..i18n import tr
from .base import (
    CompileContext,
    InputError,
    MeasuredParams,
    Number,
    Outcome,
    StatedRule,
    fmt,
    lost_sentence,
)
from .statement import Statement

# The arithmetic, once: the weight less what the problems cost (capped when the standard says
# so), floor 0; a negative count is the project's mistake, reported.
UNCAPPED = Statement(
    "实际值 == 0", None, "max(0, 分值 - 每项扣分 * 实际值)", requires="实际值 >= 0"
)
CAPPED = Statement(
    "实际值 == 0", None, "max(0, 分值 - min(每项扣分 * 实际值, 最多扣分))", requires="实际值 >= 0"
)


class Params(MeasuredParams):
    """``actual`` counts the problems found."""

    kind: Literal["deduction"]
    per_item: Number = Field(gt=0, description="points deducted per problem")
    max_deduction: Number | None = Field(None, gt=0, description="cap on the points deducted")
    target: str | Decimal = Field("=0", description="shown as 年度指标值, e.g. '=0个'")


class DeductionRule(StatedRule):
    kind = "deduction"
    label = "扣分制"
    what = "问题数"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.read_actual(params, ctx, params.target, ("=", "≤", "<"))
        self.per_item = params.per_item
        self.max_deduction = params.max_deduction
        self.constants = {"每项扣分": self.per_item}
        self.statement = UNCAPPED
        if self.max_deduction is not None:
            self.constants = {"每项扣分": self.per_item, "最多扣分": self.max_deduction}
            self.statement = CAPPED

    def refused(self, value: Decimal) -> InputError:
        message = tr(
            "negative-count",
            "the number of problems cannot be negative, got {count}",
            count=fmt(value),
        )
        return InputError(message, "negative-count")

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        count = outcome.actual
        assert isinstance(count, Decimal)
        if outcome.status == "met":
            return "未发现问题，" + lost_sentence(weight, score)
        return (
            f"发现问题 {self.measure.display(count)}，每项扣 {fmt(self.per_item)} 分{self.cap}"
            "（最低 0 分），" + lost_sentence(weight, score)
        )

    @property
    def cap(self) -> str:
        return "" if self.max_deduction is None else f"，最多扣 {fmt(self.max_deduction)} 分"

    def describe(self) -> str:
        return f"扣分制：每发现一项问题扣 {fmt(self.per_item)} 分{self.cap}，扣完为止"


RULE = DeductionRule
