"""What a stated 得分 decides: a worded row's tier, and, where a rule disagrees, an adjustment.

A qualitative row is rated in the tier its stated score falls in (score ÷ 分值 against the default
tier bounds); a tier the actual names in words ("部分达成") is kept for review and, when it differs,
said as a notice. A row without a 得分 has no tier: a ``blank_score`` defect, imported at 0. Once the pair is scored under the rules, every stated score that differs from the
rule's becomes an adjustment whose reason names the cell, so the facts reproduce the filed table.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..engine.result import Result
from ..i18n import tr, ui
from ..numbers.cell_text import normalize
from ..numbers.text import format_number
from ..spec.model import DEFAULT_TIERS
from .draft import Draft, Leaf
from .filed import Located

__all__ = ["adjustments", "named_tier", "qualitative", "tier_of"]

_TIER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("未达成", ("未达成", "未完成", "未实现", "效果较差")),
    ("部分达成", ("部分达成", "部分完成", "部分实现", "基本达成")),
    ("达成", ("全部达成", "达成", "全部完成", "已完成")),
)


def qualitative(draft: Draft, leaf: Leaf, weight: Decimal) -> None:
    """Rate the leaf in the tier its stated 得分 falls in; without a 得分 there is no tier."""
    row = leaf.row
    leaf.spec["rule"] = {"kind": "qualitative", "target": row.target.value or ""}
    score = row.score.value
    if score is None:
        # No tier without a score: imported at 0 (said aloud), left out of the recomputation.
        scored = "score" in draft.table.columns  # a form with no 得分 column at all: no finding
        if scored and not row.truncated and not draft.has_defect(row.score.cell):
            draft.defect(
                "blank_score",
                row.score.cell,
                tr(
                    "blank_score",
                    "{name}: 得分 is empty, so the tier of a qualitative indicator cannot be told",
                    name=row.name,
                ),
                row,
            )
        draft.leave_out(leaf, "blank_score")
        draft.notice(
            row.score.cell,
            ui("{name}: 得分 is empty: imported at 0 and rated so", name=row.name),
        )
        draft.ratings[leaf.id] = {"tier": "未达成", "score": 0, "narrative": row.actual.value or ""}
        return
    if weight <= 0:  # a row worth nothing: rated in full, no share of zero to divide
        draft.ratings[leaf.id] = {"tier": "达成", "share": 1, "narrative": row.actual.value or ""}
        return
    given = min(max(score, Decimal(0)), weight)
    if given != score:
        draft.notice(
            row.score.cell,
            ui(
                "得分 {score} is outside [0, {weight}]: rated as {given} (review: "
                "score_above_weight)",
                score=format_number(score),
                weight=format_number(weight),
                given=format_number(given),
            ),
        )
    share = given / weight
    tier = tier_of(share)
    named = named_tier(row.actual.value)
    if named is not None and named != tier:
        draft.notice(
            row.score.cell,
            ui(
                "实际完成值 says “{actual}” ({named}), and 得分 {score} / {weight} is in “{tier}”: "
                "rated by the score (review: tier_range)",
                actual=row.actual.value,
                named=named,
                score=format_number(score),
                weight=format_number(weight),
                tier=tier,
            ),
        )
    draft.ratings[leaf.id] = {"tier": tier, "score": given, "narrative": row.actual.value or ""}


def tier_of(share: Decimal) -> str:
    """The default tier a share of the weight falls in; a full share is the top tier."""
    for tier, bounds in DEFAULT_TIERS.items():
        low, high = bounds["min"], bounds["max"]
        if low <= share < high or (high == 1 and share == 1):
            return tier
    return "未达成"


def named_tier(text: str | None) -> str | None:
    """The tier an actual names in words, if any (未达成 and 部分达成 first: both contain 达成)."""
    if not text:
        return None
    words = normalize(text)
    for tier, names in _TIER_WORDS:
        if any(name in words for name in names):
            return tier
    return None


def adjustments(
    result: Result, scores: Mapping[str, Located[Decimal | None]]
) -> list[dict[str, Any]]:
    """Stated scores that differ from the rule, as adjustments whose reason names the cell."""
    out: list[dict[str, Any]] = []
    for leaf in result.leaves():
        stated = scores.get(leaf.id)
        if stated is None or stated.value is None or leaf.rule_score is None:
            continue
        if stated.value != leaf.rule_score:
            out.append(
                {
                    "indicator": leaf.id,
                    "points": stated.value - leaf.rule_score,
                    "reason": f"填报得分 {format_number(stated.value)}（{stated.cell}），"
                    f"规则计算 {format_number(leaf.rule_score)}",
                }
            )
    return out
