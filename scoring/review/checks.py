"""The review checks: one function per finding code, registered in ``CHECKS`` (no if/elif chain).

Each check reads the stated table (``Stated``) and the engine's recomputation under the rules
(a ``Result`` scored without evaluator adjustments) and yields findings with their cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..number_limits import QuantityError
from ..number_text import format_number, places_of
from ..quantities import parse_quantity
from ..result import IndicatorResult, Result
from ..tabular.filed import Notice
from ..tabular.funds import funds_block
from ..tabular.stated import Stated, StatedRow
from .findings import CODES, Finding, Review

__all__ = ["CHECKS", "review"]

_EXECUTION_NAME = re.compile(r"(预算|资金)?(执行率|执行进度|支付(完成)?率|支付进度|使用率)")
_GRADE_WORDS = {"优秀": "优", "良好": "良", "中等": "中", "较差": "差", "差": "差"}
ZERO = Decimal(0)


@dataclass
class _Context:
    result: Result
    stated: Stated

    def rows(self) -> Iterator[tuple[StatedRow, IndicatorResult]]:
        """Stated rows with the recomputed leaf each one is, in table order."""
        for row in self.stated.rows.values():
            try:
                leaf = self.result.find(row.id)
            except KeyError:
                continue
            yield row, leaf

    def weight(self, row: StatedRow, leaf: IndicatorResult) -> Decimal:
        return row.weight if row.weight is not None else leaf.weight

    def fmt(self, value: Decimal) -> str:
        return format_number(value)


Check = Callable[[_Context], Iterator[Finding]]


def _score_above_weight(ctx: _Context) -> Iterator[Finding]:
    for row, leaf in ctx.rows():
        weight = ctx.weight(row, leaf)
        if row.score is not None and row.score > weight:
            yield Finding(
                "score_above_weight",
                row.score_cell,
                f"{row.name}：得分 {ctx.fmt(row.score)} 超过分值 {ctx.fmt(weight)}",
            )


def _total_mismatch(ctx: _Context) -> Iterator[Finding]:
    stated = ctx.stated.total
    if stated is None:
        return
    obtained, applicable = ZERO, ZERO
    for row, leaf in ctx.rows():
        if leaf.not_applicable is not None:
            continue
        obtained += row.score or ZERO
        applicable += ctx.weight(row, leaf)
    full = ctx.stated.total_weight.value if ctx.stated.total_weight else ctx.result.max
    candidates = [obtained]
    if applicable and applicable != full:
        candidates.append(obtained / applicable * full)
    places = places_of(stated.value)
    if any(_matches(stated.value, value, places) for value in candidates):
        return
    shown = ctx.fmt(_round(obtained, max(places, 2)))
    note = ""
    if len(candidates) > 1:
        note = f"（按适用分值 {ctx.fmt(applicable)} 折算为 {ctx.fmt(_round(candidates[1], max(places, 2)))}）"
    yield Finding(
        "total_mismatch",
        stated.cell,
        f"填报总分 {ctx.fmt(stated.value)} 与各项得分合计 {shown}{note} 不符",
    )


def _weights_sum(ctx: _Context) -> Iterator[Finding]:
    weights = {row.id: ctx.weight(row, leaf) for row, leaf in ctx.rows()}
    total = sum(weights.values(), ZERO)
    claimed = ctx.stated.total_weight
    expected = claimed.value if claimed is not None else ctx.result.max
    if total != expected and ctx.stated.rows:
        diff = total - expected
        where = (
            claimed.cell
            if claimed is not None
            else next(iter(ctx.stated.rows.values())).weight_cell
        )
        yield Finding(
            "weights_sum",
            where,
            f"各项分值合计 {ctx.fmt(total)}，总分为 {ctx.fmt(expected)}"
            f"（{'多' if diff > 0 else '少'} {ctx.fmt(abs(diff))}）",
        )
    for block in ctx.stated.blocks:
        inside = sum((weights.get(leaf, ZERO) for leaf in block.leaves), ZERO)
        if inside != block.weight:
            yield Finding(
                "weights_sum",
                block.cell,
                f"{block.name}：填报分值 {ctx.fmt(block.weight)}，其下各项分值合计 {ctx.fmt(inside)}",
            )


def _quantitative(leaf: IndicatorResult) -> bool:
    rule = leaf.node.rule
    return rule is not None and rule.kind != "qualitative" and leaf.outcome is not None


def _met_but_deducted(ctx: _Context) -> Iterator[Finding]:
    for row, leaf in ctx.rows():
        if not _quantitative(leaf) or row.score is None or leaf.outcome is None:
            continue
        weight = ctx.weight(row, leaf)
        if leaf.outcome.status in ("met", "exceeded") and row.score < weight and not row.deviation:
            yield Finding(
                "met_but_deducted",
                row.score_cell,
                f"{row.name}：实际完成值 {leaf.actual_text} 已达到年度指标值 {leaf.target_text}，"
                f"应得满分 {ctx.fmt(weight)}，填报 {ctx.fmt(row.score)} 分，未说明扣分原因",
            )


def _proportional(ctx: _Context, above: bool) -> Iterator[Finding]:
    code = "above_proportional" if above else "below_proportional"
    for row, leaf in ctx.rows():
        rule = leaf.node.rule
        if rule is None or rule.kind != "positive" or leaf.outcome is None or row.score is None:
            continue
        if leaf.outcome.status != "missed" or leaf.rule_score is None:
            continue
        if (row.score > leaf.rule_score) if above else (row.score < leaf.rule_score):
            yield Finding(
                code,
                row.score_cell,
                f"{row.name}：实际完成值 {leaf.actual_text} 未达到年度指标值 {leaf.target_text}，"
                f"按比例应得 {ctx.fmt(leaf.rule_score)} 分，填报 {ctx.fmt(row.score)} 分",
            )


def _above_proportional(ctx: _Context) -> Iterator[Finding]:
    return _proportional(ctx, above=True)


def _below_proportional(ctx: _Context) -> Iterator[Finding]:
    return _proportional(ctx, above=False)


def _rule_mismatch(ctx: _Context) -> Iterator[Finding]:
    for row, leaf in ctx.rows():
        rule = leaf.node.rule
        if rule is None or rule.kind in ("positive", "qualitative") or row.score is None:
            continue
        if leaf.rule_score is None or leaf.outcome is None or row.score == leaf.rule_score:
            continue
        if row.score > ctx.weight(row, leaf):
            continue  # reported as score_above_weight
        yield Finding(
            "rule_mismatch",
            row.score_cell,
            f"{row.name}：按{rule.label}规则（{leaf.explanation}）应得 {ctx.fmt(leaf.rule_score)} 分，"
            f"填报 {ctx.fmt(row.score)} 分",
        )


def _tier_range(ctx: _Context) -> Iterator[Finding]:
    tiers = {tier.id: tier for tier in ctx.result.spec.tiers}
    for row, leaf in ctx.rows():
        if row.tier is None or row.score is None or row.tier not in tiers:
            continue
        rule = leaf.node.rule
        tier = tiers[row.tier]
        if rule is not None and rule.kind == "qualitative":
            tier = getattr(rule, "by_id", {}).get(row.tier, tier)
        weight = ctx.weight(row, leaf)
        if weight and not tier.contains(row.score / weight):
            yield Finding(
                "tier_range",
                row.score_cell,
                f"{row.name}：评价为“{tier.id}”（{tier.label}），得分区间 {tier.range_text(weight)}，"
                f"填报 {ctx.fmt(row.score)} 分",
            )


def _double_counted_execution(ctx: _Context) -> Iterator[Finding]:
    funds = ctx.stated.funds_leaf
    if funds is None or funds not in ctx.stated.rows:
        return
    counted = ctx.stated.rows[funds]
    if not counted.weight:
        return
    for row, leaf in ctx.rows():
        if row.id == funds or leaf.not_applicable is not None:
            continue
        if _EXECUTION_NAME.search(row.name) and ctx.weight(row, leaf) > 0:
            yield Finding(
                "double_counted_execution",
                row.name_cell,
                f"预算执行率已在资金栏计分（分值 {ctx.fmt(counted.weight)}，{counted.weight_cell}），"
                f"又作为绩效指标“{row.name}”计 {ctx.fmt(ctx.weight(row, leaf))} 分",
            )


def _missing_deviation_reason(ctx: _Context) -> Iterator[Finding]:
    why = {
        "missed": "未达到年度指标值",
        "exceeded": "大幅超过年度指标值",
        "rated_below": "定性评价未达到最高等级",
    }
    for row, leaf in ctx.rows():
        if leaf.outcome is None or leaf.not_applicable is not None or row.deviation:
            continue
        if row.id == ctx.stated.funds_leaf:
            continue  # the funds block has no 偏差原因 column to fill
        status = leaf.outcome.status
        if status in why:
            yield Finding(
                "missing_deviation_reason",
                row.deviation_cell,
                f"{row.name}：{why[status]}，未填写偏差原因分析及改进措施",
            )


def _grade_of(text: str) -> str:
    return _GRADE_WORDS.get(text, text)


def _grade_mismatch(ctx: _Context) -> Iterator[Finding]:
    grade, total = ctx.stated.grade, ctx.stated.total
    if grade is None or total is None:
        return
    expected = ctx.result.spec.grades.grade(total.value)
    if _grade_of(grade.value) != expected:
        yield Finding(
            "grade_mismatch",
            grade.cell,
            f"填报等级“{grade.value}”，而填报总分 {ctx.fmt(total.value)} 对应等级“{expected}”",
        )


def _execution_rate_mismatch(ctx: _Context) -> Iterator[Finding]:
    printed = ctx.stated.funds_rate
    rate = funds_block(ctx.result).rate
    if printed is None or rate is None:
        return
    try:
        quantity = parse_quantity(printed.value)
    except QuantityError:
        return
    if quantity.unit != "%":
        return
    places = places_of(quantity.number)
    if not _matches(quantity.number, rate * 100, places):
        yield Finding(
            "execution_rate_mismatch",
            printed.cell,
            f"执行率填报 {printed.value}，全年执行数 ÷ 全年预算数 = {format_number(rate * 100, 2)}%",
        )


def _grade_changes(ctx: _Context) -> Iterator[Finding]:
    stated, total = ctx.stated.grade, ctx.stated.total
    if stated is not None:
        before, cell = _grade_of(stated.value), stated.cell
    elif total is not None:
        before, cell = ctx.result.spec.grades.grade(total.value), total.cell
    else:
        return
    if total is not None:
        cell = total.cell
    after = ctx.result.grade
    if before != after:
        yield Finding(
            "grade_changes",
            cell,
            f"按规则重算总分 {ctx.fmt(ctx.result.total)}，等级为“{after}”，填报为“{before}”",
        )


CHECKS: dict[str, Check] = {
    "score_above_weight": _score_above_weight,
    "total_mismatch": _total_mismatch,
    "weights_sum": _weights_sum,
    "met_but_deducted": _met_but_deducted,
    "above_proportional": _above_proportional,
    "below_proportional": _below_proportional,
    "rule_mismatch": _rule_mismatch,
    "tier_range": _tier_range,
    "double_counted_execution": _double_counted_execution,
    "missing_deviation_reason": _missing_deviation_reason,
    "grade_mismatch": _grade_mismatch,
    "execution_rate_mismatch": _execution_rate_mismatch,
    "grade_changes": _grade_changes,
}
assert list(CHECKS) == list(CODES), "every code has one check, in report order"


def review(result: Result, stated: Stated, notices: list[Notice] | None = None) -> Review:
    """Compare a stated table with the engine's recomputation (``result`` has no adjustments)."""
    ctx = _Context(result, stated)
    findings = [finding for check in CHECKS.values() for finding in check(ctx)]
    findings.sort(key=Finding.sort_key)
    return Review(
        source=stated.source,
        stated_total=stated.total.value if stated.total else None,
        stated_total_cell=stated.total.cell if stated.total else None,
        recomputed_total=result.total,
        stated_grade=stated.grade.value if stated.grade else None,
        recomputed_grade=result.grade,
        max=result.max,
        findings=findings,
        notices=list(notices or ()),
    )


def _round(value: Decimal, places: int, mode: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=mode)


def _matches(stated: Decimal, computed: Decimal, places: int) -> bool:
    """Filed tables round half-up or truncate, to as many places as they print."""
    return stated in (_round(computed, places), _round(computed, places, ROUND_DOWN))
