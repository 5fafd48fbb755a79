"""反向指标 (lower is better, "≤ target"): full marks at or below target, less above it.

Two formulas are in use above the target and the spec must choose (domain.md §3):
``t_over_a`` (w × t ÷ a, the older central form) and ``linear_to_double``
(w × (1 − (a − t) ÷ t), reaching 0 at a ≥ 2t, seen in a production system).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from ..i18n import tr
from .base import CompileContext, MeasuredParams, Outcome, StatedRule, lost_sentence
from .statement import Statement

# The arithmetic, once: full marks at or below the target, then the spec's chosen formula.
STATEMENTS = {
    "t_over_a": Statement("实际值 <= 指标值", "分值", "分值 * 指标值 / 实际值"),
    # w × (1 − (a − t) ÷ t) computed as w × (2t − a) ÷ t: one division, last, so an exact half
    # is not lost to a rounded intermediate quotient.
    "linear_to_double": Statement(
        "实际值 <= 指标值",
        "分值",
        "max(0, 分值 * (2 * 指标值 - 实际值) / 指标值)",
        shown="分值 * (1 - (实际值 - 指标值) / 指标值)",
    ),
}
_NOTES = {"t_over_a": "", "linear_to_double": "（达到 2 倍指标值不得分）"}


class Params(MeasuredParams):
    kind: Literal["reverse"]
    target: str | Decimal = Field(description="年度指标值, e.g. '≤90万元', '≤5%'")
    formula: Literal["t_over_a", "linear_to_double"] | None = Field(
        None, description="scoring above target; default from the spec's reverse_formula"
    )


class ReverseRule(StatedRule):
    kind = "reverse"
    label = "反向"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.read_actual(params, ctx, params.target, ("≤", "<"))
        if self.target is not None:
            self.require_target(
                ctx,
                self.target.value > 0,
                tr(
                    "target-not-positive",
                    "a reverse target must be above 0, got {target}; use kind: zero_target for "
                    "'=0' or '≤0' targets",
                    target=self.target.display,
                ),
                "target-not-positive",
            )
        formula = params.formula or ctx.settings.get("reverse_formula")
        if formula is None:
            ctx.problem(
                "formula",
                tr(
                    "reverse-formula-missing",
                    "choose how a reverse indicator above target is scored: formula: t_over_a "
                    "(w × t ÷ a) or linear_to_double (w × (1 − (a − t) ÷ t)), here or as the "
                    "spec's reverse_formula",
                ),
                "reverse-formula-missing",
            )
        self.formula: str = formula or "t_over_a"
        self.statement = STATEMENTS[self.formula]

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        assert self.target is not None
        a = outcome.actual
        assert isinstance(a, Decimal)
        actual, target = f"实际完成值 {self.measure.display(a)} ", self.target.display
        if outcome.status == "met":
            return f"{actual}达到年度指标值 {target}，" + lost_sentence(weight, score)
        how = f"按 {self.worked(a, weight)} 计分{_NOTES[self.formula]}"
        return f"{actual}超过年度指标值 {target}，{how}，" + lost_sentence(weight, score)

    def describe(self) -> str:
        return f"反向：不超过 {self.target_text} 得满分，超过按 {self.formula_text()} 计分"


RULE = ReverseRule
