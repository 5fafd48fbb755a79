"""零目标指标 (零非访, 安全事故 0 起, 重大舆情 0 起): nothing happened → full marks.

Binary by default (any occurrence → 0); with ``per_occurrence`` each occurrence deducts that many
points, floor 0. There is no division here, so a zero target can never divide by zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from ..i18n import tr
from .base import CompileContext, MeasuredParams, Outcome, StatedRule, fmt, lost_sentence
from .statement import Statement

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


class ZeroTargetRule(StatedRule):
    kind = "zero_target"
    label = "零目标"
    what = "发生次数"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.read_actual(params, ctx, params.target, ("=", "≤"))
        if self.target is not None:
            self.require_target(
                ctx,
                self.target.value == 0,
                tr(
                    "target-not-zero",
                    "a zero_target rule needs a target of 0, got {target}; use kind: reverse for "
                    "other '≤' targets",
                    target=self.target.display,
                ),
                "target-not-zero",
            )
        self.per_occurrence = params.per_occurrence
        self.statement = ALL_OR_NOTHING if self.per_occurrence is None else PER_OCCURRENCE
        if self.per_occurrence is not None:
            self.constants = {"每次扣分": self.per_occurrence}

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
