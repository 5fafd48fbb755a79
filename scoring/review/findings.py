"""Review findings: a stable code, the cell it points at, a Chinese message. Codes are listed here
in the order findings are reported (docs/review.md documents each one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..tabular.filed import Notice

__all__ = ["CODES", "Finding", "Review"]

# code → one line saying what it means; the order is the report order: first the cells that cannot
# be used as filed (their rows are left out of the recomputation), then the checks.
CODES: dict[str, str] = {
    "blank_actual": "实际完成值 is empty under a number target: the row cannot be recomputed",
    "blank_target": "年度指标值 is empty: the row cannot be recomputed",
    "blank_score": "得分 is empty (a measured row is recomputed; a qualitative one cannot be)",
    "weight_not_printed": "分值 is empty and no printed total implies it: the row is left out",
    "unreadable_value": "a cell that is not a value of its kind (text in 分值, 12人 against 10天 …)",
    "truncated_row": "a row cut off (its name ends in …, or the table ends at it without a 得分)",
    "unnamed_row": "a row with values but no indicator name",
    "implausible_value": "a rate above what its kind allows (a satisfaction rate of 290%)",
    "score_above_weight": "an indicator's score is above its weight (分值)",
    "total_mismatch": "the stated total is not the sum of the row scores (rescaled when rows do not apply)",
    "weights_sum": "the weights do not sum to the stated total weight, or a block's printed weight to its rows'",
    "met_but_deducted": "a target that was met is scored below full marks with no reason given",
    "qualitative_met_but_deducted": "a qualitative row whose actual meets its target (or reads 达成) is scored below full with no reason",
    "above_proportional": "a missed target is scored above the proportional score (实际 ÷ 指标 × 分值)",
    "below_proportional": "a missed target is scored below the proportional score",
    "rule_mismatch": "a reverse, zero-target or other rule gives a different score from the stated one",
    "tier_range": "a qualitative score lies outside the range of the tier the evaluator named",
    "double_counted_execution": "budget execution is scored in the funds row and again as an indicator",
    "missing_deviation_reason": "a missed, far exceeded or below-top-tier indicator has no 偏差原因",
    "grade_mismatch": "the stated grade does not match the stated total",
    "execution_rate_mismatch": "the funds row's 执行率 is not 全年执行数 ÷ 全年预算数",
    "grade_changes": "recomputed under the rules, the total falls in a different grade",
}
ORDER = {code: index for index, code in enumerate(CODES)}


@dataclass(frozen=True)
class Finding:
    code: str
    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.cell}: {self.message} [{self.code}]"

    def sort_key(self) -> tuple[int, tuple[int, str, int], str]:
        return ORDER[self.code], _cell_key(self.cell), self.message


def _cell_key(cell: str) -> tuple[int, str, int]:
    """Sheet1!F12 sorts by row 12, then column F; other references keep their text order."""
    ref = cell.rsplit("!", 1)[-1]
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    if letters.isalpha() and letters.isupper() and digits.isdigit():
        return int(digits), letters.rjust(3), 0
    return 0, cell, 1


@dataclass
class Review:
    """Stated against recomputed, and every finding in report order."""

    source: str
    stated_total: Decimal | None
    stated_total_cell: str | None
    recomputed_total: Decimal | None  # None: no row could be recomputed
    stated_grade: str | None
    recomputed_grade: str | None  # None: the rows left out could change it
    max: Decimal
    findings: list[Finding]
    notices: list[Notice]
    project: str = ""
    stated_grade_cell: str | None = None
    # Rows the recomputed total leaves out (they could not be recomputed): cell, name and code.
    rows_not_recomputed: list[dict[str, str]] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.rows_not_recomputed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "stated_total": self.stated_total,
            "stated_total_cell": self.stated_total_cell,
            "recomputed_total": self.recomputed_total,
            "recomputed_partial": self.partial,
            "rows_not_recomputed": list(self.rows_not_recomputed),
            "stated_grade": self.stated_grade,
            "stated_grade_cell": self.stated_grade_cell,
            "recomputed_grade": self.recomputed_grade,
            "max": self.max,
            "findings": [
                {"code": f.code, "cell": f.cell, "message": f.message} for f in self.findings
            ],
            "notices": [{"cell": n.cell, "message": n.message} for n in self.notices],
        }
