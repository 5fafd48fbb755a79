"""The review checks: one function per finding code, registered in ``CHECKS`` (no if/elif chain).

Each check reads the stated table (``Stated``) and the engine's recomputation under the rules
(a ``Result`` scored without evaluator adjustments; None when no row weighs anything) and yields
findings with their cells. The cells that cannot be used as filed come first, as the import
recorded them (``Stated.defects``); their rows are left out of the recomputation
(``Stated.left_out``) and of every check that compares a row with its rule, while the stated
total, grade and the sum of the stated scores are always checked.

Rows are compared at the table's own precision: a score that is the rule's score rounded half-up
or truncated to the places the table prints (the most any of its scores or weights shows) is
consistent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from functools import partial

from ..engine.result import IndicatorResult, Result
from ..engine.totals import totals_of
from ..formula.expr import formula_context
from ..i18n import tr
from ..numbers.cell_text import normalize
from ..numbers.limits import QuantityError
from ..numbers.quantities import Quantity, parse_quantity, parse_target
from ..numbers.text import format_number, places_of
from ..rules import Rule
from ..tabular.filed import Notice
from ..tabular.funds import funds_block
from ..tabular.funds_leaf import printed_rate
from ..tabular.ratings import named_tier
from ..tabular.rows import CAPPED_RATE
from ..tabular.stated import Stated, StatedRow
from .findings import CODES, Finding, Review

__all__ = ["CHECKS", "DEFECT_CODES", "canonical_grade", "review"]

_EXECUTION_NAME = re.compile(r"(预算|资金)?(执行率|执行进度|支付(完成)?率|支付进度|使用率)")
# One scale under two vocabularies: 优/良/中/差 and 优秀/良好/中等(合格)/较差(不合格).
_GRADE_WORDS = {
    "优秀": "优",
    "良好": "良",
    "中等": "中",
    "合格": "中",
    "一般": "中",
    "较差": "差",
    "不合格": "差",
}
# The codes that are cells the import could not use, reported as recorded.
DEFECT_CODES = (
    "blank_actual",
    "blank_target",
    "blank_score",
    "weight_not_printed",
    "unreadable_value",
    "truncated_row",
    "unnamed_row",
    "implausible_value",
)
# Left-out rows whose 分值 is not known either (so no sum of weights can be checked).
_WEIGHT_UNKNOWN = ("weight_not_printed", "unreadable_value")
ZERO = Decimal(0)


def canonical_grade(text: str) -> str:
    """A grade on the 优/良/中/差 scale, whichever vocabulary printed it ("优秀" → "优")."""
    word = normalize(text)
    return _GRADE_WORDS.get(word, word)


@dataclass
class _Context:
    result: Result | None
    stated: Stated
    places: int = 0
    implausible: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # The table's precision: the most places any printed score, weight or total shows (a row
        # printing 9 in a table that prints 9.8 elsewhere is not rounded to the table's places).
        rows = self.stated.rows.values()
        printed = [value for row in rows for value in (row.score, row.weight) if value is not None]
        for total in (self.stated.total, self.stated.total_weight):
            if total is not None:
                printed.append(total.value)
        self.places = max((places_of(value) for value in printed), default=2)
        self.implausible = {row.id for row, leaf in self.rows() if _implausible(leaf)}

    def leaf(self, row: StatedRow) -> IndicatorResult | None:
        if self.result is None:
            return None
        try:
            return self.result.find(row.id)
        except KeyError:
            return None

    def rows(self) -> Iterator[tuple[StatedRow, IndicatorResult]]:
        """Stated rows that were recomputed, with their leaf, in table order."""
        for row in self.stated.rows.values():
            if row.id in self.stated.left_out:
                continue
            leaf = self.leaf(row)
            if leaf is not None:
                yield row, leaf

    def checked(self) -> Iterator[tuple[StatedRow, IndicatorResult]]:
        """Recomputed rows whose values are plausible: the rows compared with their rule."""
        for row, leaf in self.rows():
            if row.id not in self.implausible:
                yield row, leaf

    def differing(self) -> Iterator[tuple[StatedRow, IndicatorResult, Rule, Decimal, Decimal]]:
        """Checked rows whose stated 得分 is not their rule's (at the table's places), with the
        rule, the score and the rule's; a score above the 分值 is score_above_weight's."""
        for row, leaf in self.checked():
            rule, score, due = leaf.node.rule, row.score, leaf.rule_score
            if rule is None or leaf.outcome is None or score is None or due is None:
                continue
            weight = self.weight(row)
            if not self.consistent(score, due) and (weight is None or score <= weight):
                yield row, leaf, rule, score, due

    def deducted(self, row: StatedRow) -> tuple[Decimal, Decimal] | None:
        """(得分, 分值) of a row scored below its 分值 with no 偏差原因; None for any other row."""
        weight = self.weight(row)
        if row.score is None or weight is None or row.deviation or row.score >= weight:
            return None
        return row.score, weight

    def weight(self, row: StatedRow) -> Decimal | None:
        """The row's 分值: as printed, else as inferred; None when it is not known."""
        if row.weight is not None:
            return row.weight
        if self.stated.left_out.get(row.id) in _WEIGHT_UNKNOWN:
            return None
        leaf = self.leaf(row)
        return leaf.weight if leaf is not None else None

    def full(self) -> Decimal | None:
        if self.stated.total_weight is not None:
            return self.stated.total_weight.value
        return self.result.max if self.result is not None else None

    def consistent(self, stated: Decimal, computed: Decimal) -> bool:
        """The stated score is the computed one at the places the table prints."""
        return _matches(stated, computed, max(self.places, places_of(stated)))


Check = Callable[[_Context], Iterator[Finding]]


def _defects(code: str) -> Check:
    def check(ctx: _Context) -> Iterator[Finding]:
        for defect in ctx.stated.defects:
            if defect.code == code:
                yield Finding(code, defect.cell, defect.message)

    check.__doc__ = f"The ``{code}`` cells the import recorded."
    return check


def _implausible(leaf: IndicatorResult) -> bool:
    """A share-of-a-whole rate above 100% in a pair's facts, unless the rule scores overshoot."""
    rule = leaf.node.rule
    if rule is None or rule.kind != "positive" or getattr(rule, "overshoot_formula", None):
        return False
    quantity = _quantity(leaf.actual_text)
    return (
        quantity is not None
        and quantity.unit == "%"
        and quantity.number > 100
        and CAPPED_RATE.search(normalize(leaf.name)) is not None
    )


def _implausible_value(ctx: _Context) -> Iterator[Finding]:
    yield from _defects("implausible_value")(ctx)
    for row, leaf in ctx.rows():
        if row.id in ctx.implausible:
            yield Finding(
                "implausible_value",
                row.name_cell,
                tr(
                    "implausible_value",
                    "{name}: 实际完成值 {actual} is above 100%, which a rate of this kind cannot "
                    "be (a typing or recognition error?); not reviewed as far exceeded",
                    name=row.name,
                    actual=leaf.actual_text,
                ),
            )


def _score_above_weight(ctx: _Context) -> Iterator[Finding]:
    for row in ctx.stated.rows.values():
        weight = ctx.weight(row)
        if row.score is not None and weight is not None and row.score > weight:
            yield Finding(
                "score_above_weight",
                row.score_cell,
                tr(
                    "score_above_weight",
                    "{name}: 得分 {score} is above 分值 {weight}",
                    name=row.name,
                    score=format_number(row.score),
                    weight=format_number(weight),
                ),
            )


def _total_mismatch(ctx: _Context) -> Iterator[Finding]:
    """The stated total against the sum of the stated scores, whatever could be recomputed; and
    two printed totals that disagree, as the import found them."""
    yield from _defects("total_mismatch")(ctx)
    stated = ctx.stated.total
    if stated is None:
        return
    obtained, applicable, blank = ZERO, ZERO, 0
    weights_known = True
    rescaled = False
    for row in ctx.stated.rows.values():
        if row.not_applicable:
            rescaled = True
            continue
        if row.score is None:
            blank += 1
        obtained += row.score or ZERO
        weight = ctx.weight(row)
        weights_known = weights_known and weight is not None
        applicable += weight or ZERO
    full = ctx.full()
    candidates = [obtained]
    if rescaled and weights_known and full is not None and applicable and applicable != full:
        candidates.append(obtained / applicable * full)
    places = places_of(stated.value)
    if any(_matches(stated.value, value, places) for value in candidates):
        return
    shown = format_number(_round(obtained, max(places, 2)))
    note = ""
    if len(candidates) > 1:
        note = tr(
            "total_mismatch",
            " (rescaled to the applicable 分值 {applicable}: {rescaled})",
            applicable=format_number(applicable),
            rescaled=format_number(_round(candidates[1], max(places, 2))),
        )
    if blank:
        note += tr("total_mismatch", " ({blank} blank scores not counted)", blank=blank)
    yield Finding(
        "total_mismatch",
        stated.cell,
        tr(
            "total_mismatch",
            "the stated total {stated} differs from the sum of the scores, {sum}{note}",
            stated=format_number(stated.value),
            sum=shown,
            note=note,
        ),
    )


def _weights_sum(ctx: _Context) -> Iterator[Finding]:
    weights = {row.id: ctx.weight(row) for row in ctx.stated.rows.values()}
    claimed = ctx.stated.total_weight
    expected = ctx.full()
    if ctx.stated.rows and expected is not None and None not in weights.values():
        total = sum((w for w in weights.values() if w is not None), ZERO)
        if total != expected:
            diff = total - expected
            where = (
                claimed.cell
                if claimed is not None
                else next(iter(ctx.stated.rows.values())).weight_cell
            )
            fields = {"total": format_number(total), "expected": format_number(expected)}
            fields["diff"] = format_number(abs(diff))
            message = (
                tr(
                    "weights_sum",
                    "the weights sum to {total}, the total is {expected} ({diff} too many)",
                    **fields,
                )
                if diff > 0
                else tr(
                    "weights_sum",
                    "the weights sum to {total}, the total is {expected} ({diff} too few)",
                    **fields,
                )
            )
            yield Finding("weights_sum", where, message)
    for block in ctx.stated.blocks:
        inside = [weights.get(leaf, ZERO) for leaf in block.leaves]
        if None in inside:
            continue  # a weight nobody printed: reported as weight_not_printed
        known = sum((w for w in inside if w is not None), ZERO)
        if known != block.weight:
            yield Finding(
                "weights_sum",
                block.cell,
                tr(
                    "weights_sum",
                    "{name}: stated 分值 {weight}, the weights under it sum to {known}",
                    name=block.name,
                    weight=format_number(block.weight),
                    known=format_number(known),
                ),
            )


def _quantitative(leaf: IndicatorResult) -> bool:
    rule = leaf.node.rule
    return rule is not None and rule.kind != "qualitative" and leaf.outcome is not None


def _quantity(text: str | None) -> Quantity | None:
    """A printed value as a quantity ("86.2%"), or None for words and blanks."""
    if not text:
        return None
    try:
        return parse_quantity(text)
    except QuantityError:
        return None


def _status(leaf: IndicatorResult) -> str:
    """The outcome's status; a rule whose score is full, or a formula rule whose actual meets its
    printed target (98% against ≥98%), is met whatever digits the formula's arithmetic left."""
    assert leaf.outcome is not None
    status = leaf.outcome.status
    if status != "missed":
        return status
    if leaf.rule_score is not None and leaf.rule_score >= leaf.weight:
        return "met"
    rule = leaf.node.rule
    if rule is not None and rule.kind == "formula" and _meets(leaf.actual_text, leaf.target_text):
        return "met"
    return status


def _meets(actual: str, target: str) -> bool:
    a = _quantity(actual)
    try:
        t = parse_target(target) if target else None
    except QuantityError:
        return False
    if a is None or t is None or a.unit != t.quantity.unit:
        return False
    value, bound = a.number, t.quantity.number
    op = t.op or "≥"
    return {
        "≥": value >= bound,
        ">": value > bound,
        "=": value >= bound,
        "≤": value <= bound,
        "<": value < bound,
    }.get(op, False)


def _full_rate(row: StatedRow, leaf: IndicatorResult) -> bool:
    """A rate of a kind that cannot exceed 100% (or an execution rate) at 100%, with no target a
    rule can read: it meets any target such a rate can have."""
    rule = leaf.node.rule
    if rule is None or rule.kind != "qualitative" or row.actual is None:
        return False
    quantity = _quantity(row.actual)
    rate_name = CAPPED_RATE.search(normalize(row.name)) or "执行率" in row.name
    full = quantity is not None and (quantity.number, quantity.unit) == (Decimal(100), "%")
    return bool(rate_name) and full


def _met_deducted(row: StatedRow, leaf: IndicatorResult) -> bool:
    """A target met (the row is scored below full marks with no reason: ``_Context.deducted``)."""
    if _full_rate(row, leaf):
        return True
    rule = leaf.node.rule
    if rule is not None and rule.kind == "formula":
        return False  # its formula, not the target, says what full marks take
    return _quantitative(leaf) and _status(leaf) in ("met", "exceeded")


def _met_but_deducted(ctx: _Context) -> Iterator[Finding]:
    for row, leaf in ctx.checked():
        deducted = ctx.deducted(row)
        if deducted is None or not _met_deducted(row, leaf):
            continue
        score, weight = deducted
        fields = {"name": row.name, "weight": format_number(weight), "score": format_number(score)}
        yield Finding(
            "met_but_deducted",
            row.score_cell,
            tr(
                "met_but_deducted",
                "{name}: 实际完成值 {actual} meets 年度指标值 {target}, so full marks {weight} "
                "are due; {score} stated, with no reason given for the deduction",
                actual=leaf.actual_text,
                target=leaf.target_text,
                **fields,
            )
            if _quantitative(leaf)
            else tr(
                "met_but_deducted",
                "{name}: 实际完成值 {actual} is already the highest a rate of this kind can "
                "be, so full marks {weight} are due; {score} stated, with no reason given for "
                "the deduction",
                actual=row.actual,
                **fields,
            ),
        )


def _qualitative_met(row: StatedRow, leaf: IndicatorResult) -> str:
    """Why a 定性 row reads as met ("" when it does not); the row is scored below full marks with
    no reason (``_Context.deducted``)."""
    rule = leaf.node.rule
    if rule is None or rule.kind != "qualitative" or not row.actual:
        return ""
    if normalize(row.actual) == normalize(row.target or ""):
        return tr(
            "qualitative_met_but_deducted",
            "实际完成值 “{actual}” is the same as 年度指标值",
            actual=row.actual,
        )
    if named_tier(row.actual) == "达成":
        return tr(
            "qualitative_met_but_deducted", "实际完成值 “{actual}” says 达成", actual=row.actual
        )
    return ""


def _qualitative_met_but_deducted(ctx: _Context) -> Iterator[Finding]:
    for row, leaf in ctx.checked():
        if (deducted := ctx.deducted(row)) and (why := _qualitative_met(row, leaf)):
            score, weight = deducted
            yield Finding(
                "qualitative_met_but_deducted",
                row.score_cell,
                tr(
                    "qualitative_met_but_deducted",
                    "{name}: {why}, so full marks {weight} are due; {score} stated, with no "
                    "reason given for the deduction",
                    name=row.name,
                    why=why,
                    weight=format_number(weight),
                    score=format_number(score),
                ),
            )


def _proportional(ctx: _Context, above: bool) -> Iterator[Finding]:
    code = "above_proportional" if above else "below_proportional"
    for row, leaf, rule, score, due in ctx.differing():
        if rule.kind != "positive" or _status(leaf) != "missed":
            continue
        if (score > due) if above else (score < due):
            fields = {
                "name": row.name,
                "actual": leaf.actual_text,
                "target": leaf.target_text,
                "due": format_number(due),
                "score": format_number(score),
            }
            message = (
                tr(
                    "above_proportional",
                    "{name}: 实际完成值 {actual} misses 年度指标值 {target}, so {due} is due in "
                    "proportion; {score} stated",
                    **fields,
                )
                if above
                else tr(
                    "below_proportional",
                    "{name}: 实际完成值 {actual} misses 年度指标值 {target}, so {due} is due in "
                    "proportion; {score} stated",
                    **fields,
                )
            )
            yield Finding(code, row.score_cell, message)


def _rule_mismatch(ctx: _Context) -> Iterator[Finding]:
    for row, leaf, rule, score, due in ctx.differing():
        if rule.kind in ("positive", "qualitative"):
            continue
        yield Finding(
            "rule_mismatch",
            row.score_cell,
            tr(
                "rule_mismatch",
                "{name}: under the {rule} rule ({explanation}) {due} is due; {score} stated",
                name=row.name,
                rule=rule.label,
                explanation=leaf.explanation,
                due=format_number(due),
                score=format_number(score),
            ),
        )


def _tier_range(ctx: _Context) -> Iterator[Finding]:
    if ctx.result is None:
        return
    tiers = {tier.id: tier for tier in ctx.result.spec.tiers}
    for row, leaf in ctx.checked():
        if row.tier is None or row.score is None or row.tier not in tiers:
            continue
        rule = leaf.node.rule
        tier = tiers[row.tier]
        if rule is not None and rule.kind == "qualitative":
            tier = getattr(rule, "by_id", {}).get(row.tier, tier)
        weight = ctx.weight(row)
        if weight and not tier.contains(row.score / weight):
            yield Finding(
                "tier_range",
                row.score_cell,
                tr(
                    "tier_range",
                    "{name}: rated “{tier}” ({label}), whose scores are {range}; {score} stated",
                    name=row.name,
                    tier=tier.id,
                    label=tier.label,
                    range=tier.range_text(weight),
                    score=format_number(row.score),
                ),
            )


def _percent_of(row: StatedRow, leaf: IndicatorResult | None) -> Decimal | None:
    """A row's actual as a percentage (86.2 for "86.2%"), or None."""
    text = row.actual if row.actual is not None else (leaf.actual_text if leaf else None)
    quantity = _quantity(text)
    return quantity.number if quantity is not None and quantity.unit == "%" else None


def _funds_rates(ctx: _Context) -> list[Decimal]:
    """The funds row's 执行率 as printed and as computed, as percentages; 100% and 0% are left
    out (many indicators are met at 100%: the same figure proves nothing there)."""
    rates: list[Decimal] = []
    printed = ctx.stated.funds_rate
    percent = printed_rate(printed.value) if printed is not None else None
    if percent is not None:
        rates.append(percent)
    computed = _computed_rate(ctx)
    if computed is not None:
        rates.append(computed * 100)
    return [rate for rate in rates if rate not in (ZERO, Decimal(100))]


def _computed_rate(ctx: _Context) -> Decimal | None:
    """全年执行数 ÷ 全年预算数 as the table's amounts give it (a ratio)."""
    if ctx.stated.funds_computed_rate is not None:
        return ctx.stated.funds_computed_rate
    return funds_block(ctx.result).rate if ctx.result is not None else None


def _number(text: str | None, units: tuple[str, ...]) -> Decimal | None:
    quantity = _quantity(text)
    return quantity.number if quantity is not None and quantity.unit in units else None


def _same_as_funds(ctx: _Context, row: StatedRow, leaf: IndicatorResult | None) -> str:
    """How the row repeats the funds row by value ("" when it does not): its actual is the
    printed or computed 执行率, or its target and actual are 全年预算数 and 全年执行数."""
    percent = _percent_of(row, leaf)
    if percent is not None and any(
        _matches(percent, rate, places_of(percent)) for rate in _funds_rates(ctx)
    ):
        return tr(
            "double_counted_execution",
            "实际完成值 {percent} is the funds row's 执行率",
            percent=format_number(percent) + "%",
        )
    budget, spent = ctx.stated.funds_budget, ctx.stated.funds_spent
    money = ("", "万元")
    if budget and spent is not None:
        target, actual = _number(row.target, money), _number(row.actual, money)
        if target == budget and actual == spent:
            return tr(
                "double_counted_execution",
                "年度指标值 {budget} and 实际完成值 {spent} are the funds row's 全年预算数 and "
                "全年执行数",
                budget=format_number(budget),
                spent=format_number(spent),
            )
    return ""


def _double_counted_execution(ctx: _Context) -> Iterator[Finding]:
    funds = ctx.stated.funds_leaf
    if funds is None or funds not in ctx.stated.rows:
        return
    counted = ctx.stated.rows[funds]
    if not counted.weight:
        return
    counted_at = {"weight": format_number(counted.weight), "cell": counted.weight_cell}
    repeated = ctx.stated.funds_repeated
    if repeated is not None:
        yield Finding(
            "double_counted_execution",
            repeated.cell,
            tr(
                "double_counted_execution",
                "预算执行率 is scored in the funds row (分值 {weight}, {cell}), and the funds "
                "row's “其中” line scores it again: {score}",
                score=format_number(repeated.value),
                **counted_at,
            ),
        )
    for row in ctx.stated.rows.values():
        leaf = ctx.leaf(row)
        weight = ctx.weight(row)
        if row.id == funds or row.not_applicable or not weight:
            continue
        if _EXECUTION_NAME.search(row.name):
            message = tr(
                "double_counted_execution",
                "预算执行率 is scored in the funds row (分值 {weight}, {cell}), and again as the "
                "indicator “{name}”: {points}",
                name=row.name,
                points=format_number(weight),
                **counted_at,
            )
        elif same := _same_as_funds(ctx, row, leaf):
            message = tr(
                "double_counted_execution",
                "预算执行率 is scored in the funds row (分值 {weight}, {cell}); in the indicator "
                "“{name}”, {same}, and it scores again: {points}",
                name=row.name,
                same=same,
                points=format_number(weight),
                **counted_at,
            )
        else:
            continue
        yield Finding("double_counted_execution", row.score_cell, message)


def _missing_deviation_reason(ctx: _Context) -> Iterator[Finding]:
    why = {
        "missed": lambda name: tr(
            "missing_deviation_reason",
            "{name}: 年度指标值 is missed, and no 偏差原因分析及改进措施 is filled in",
            name=name,
        ),
        "exceeded": lambda name: tr(
            "missing_deviation_reason",
            "{name}: 年度指标值 is far exceeded, and no 偏差原因分析及改进措施 is filled in",
            name=name,
        ),
        "rated_below": lambda name: tr(
            "missing_deviation_reason",
            "{name}: the qualitative rating is below the top tier, and no 偏差原因分析及改进措施 "
            "is filled in",
            name=name,
        ),
    }
    for row, leaf in ctx.checked():
        if leaf.outcome is None or leaf.not_applicable is not None or row.deviation:
            continue
        if row.id == ctx.stated.funds_leaf:
            continue  # the funds block has no 偏差原因 column to fill
        status = _status(leaf)
        if status in why:
            yield Finding("missing_deviation_reason", row.deviation_cell, why[status](row.name))
        elif (deducted := ctx.deducted(row)) and (
            _met_deducted(row, leaf) or _qualitative_met(row, leaf)
        ):
            score, weight = deducted
            yield Finding(
                "missing_deviation_reason",
                row.deviation_cell,
                tr(
                    "missing_deviation_reason",
                    "{name}: 得分 {score} is below 分值 {weight}, and no 偏差原因分析及改进措施 is "
                    "filled in",
                    name=row.name,
                    score=format_number(score),
                    weight=format_number(weight),
                ),
            )


def _grade_mismatch(ctx: _Context) -> Iterator[Finding]:
    grade, total = ctx.stated.grade, ctx.stated.total
    if grade is None or total is None or ctx.result is None:
        return
    expected = ctx.result.spec.grades.grade(total.value)
    if canonical_grade(grade.value) != canonical_grade(expected):
        yield Finding(
            "grade_mismatch",
            grade.cell,
            tr(
                "grade_mismatch",
                "the stated grade is “{grade}”, but the stated total {total} is in grade "
                "“{expected}”",
                grade=grade.value,
                total=format_number(total.value),
                expected=expected,
            ),
        )


def _execution_rate_mismatch(ctx: _Context) -> Iterator[Finding]:
    printed = ctx.stated.funds_rate
    if printed is None:
        return
    rate = _computed_rate(ctx)
    percent = printed_rate(printed.value)
    if percent is None or rate is None:
        return
    if not _matches(percent, rate * 100, places_of(percent)):
        yield Finding(
            "execution_rate_mismatch",
            printed.cell,
            tr(
                "execution_rate_mismatch",
                "执行率 is stated as {stated}; 全年执行数 ÷ 全年预算数 = {rate}%",
                stated=printed.value,
                rate=format_number(rate * 100, 2),
            ),
        )


def _grade_changes(ctx: _Context) -> Iterator[Finding]:
    stated, total, result = ctx.stated.grade, ctx.stated.total, ctx.result
    if result is None:
        return
    if stated is not None:
        before, cell = stated.value, stated.cell
    elif total is not None:
        before, cell = result.spec.grades.grade(total.value), total.cell
    else:
        return
    if total is not None:
        cell = total.cell
    recomputed = _recomputed(result, ctx.stated)
    if recomputed is None:
        return
    after_total, after = recomputed
    if after is not None and canonical_grade(before) != canonical_grade(after):
        fields = {"total": format_number(after_total), "after": after, "before": before}
        yield Finding(
            "grade_changes",
            cell,
            tr(
                "grade_changes",
                "recomputed under the rules, the total is {total} (without the rows that could "
                "not be recomputed), grade “{after}”; stated “{before}”",
                **fields,
            )
            if ctx.stated.left_out
            else tr(
                "grade_changes",
                "recomputed under the rules, the total is {total}, grade “{after}”; stated "
                "“{before}”",
                **fields,
            ),
        )


def _recomputed(result: Result, stated: Stated) -> tuple[Decimal, str | None] | None:
    """The total under the rules with the rows left out counted as 0, and its grade when the
    left-out rows could not change it (scored anywhere from 0 to their 分值); None when nothing
    applicable weighs anything."""
    leaves = result.leaves()
    if not stated.left_out:
        return result.total, result.grade
    unknown = any(code in _WEIGHT_UNKNOWN for code in stated.left_out.values())
    low = tuple(
        None if leaf.score is None else ZERO if leaf.id in stated.left_out else leaf.score
        for leaf in leaves
    )
    high = tuple(
        None if leaf.score is None else leaf.weight if leaf.id in stated.left_out else leaf.score
        for leaf in leaves
    )
    with localcontext(formula_context()):
        lower = totals_of(result.spec, low)
        upper = totals_of(result.spec, high)
    if lower is None or upper is None:
        return None
    grade = lower.grade if lower.grade == upper.grade and not unknown else None
    return lower.total, grade


CHECKS: dict[str, Check] = {
    # The cells the import recorded, as it recorded them (implausible values are checked too).
    **{code: _defects(code) for code in DEFECT_CODES if code != "implausible_value"},
    "implausible_value": _implausible_value,
    "score_above_weight": _score_above_weight,
    "total_mismatch": _total_mismatch,
    "weights_sum": _weights_sum,
    "met_but_deducted": _met_but_deducted,
    "qualitative_met_but_deducted": _qualitative_met_but_deducted,
    "above_proportional": partial(_proportional, above=True),
    "below_proportional": partial(_proportional, above=False),
    "rule_mismatch": _rule_mismatch,
    "tier_range": _tier_range,
    "double_counted_execution": _double_counted_execution,
    "missing_deviation_reason": _missing_deviation_reason,
    "grade_mismatch": _grade_mismatch,
    "execution_rate_mismatch": _execution_rate_mismatch,
    "grade_changes": _grade_changes,
}
assert list(CHECKS) == list(CODES), "every code has one check, in report order"


def review(
    result: Result | None, stated: Stated, notices: list[Notice] | None = None, project: str = ""
) -> Review:
    """Compare a stated table with the engine's recomputation (``result`` has no adjustments)."""
    ctx = _Context(result, stated)
    findings = [finding for check in CHECKS.values() for finding in check(ctx)]
    findings.sort(key=Finding.sort_key)
    recomputed = _recomputed(result, stated) if result is not None else None
    codes = stated.left_out
    if result is None:  # nothing weighs anything: every applicable row is left out
        codes = {
            row.id: "weight_not_printed" for row in stated.rows.values() if not row.not_applicable
        }
    left_out = [
        {"id": row.id, "name": row.name, "cell": row.name_cell, "code": codes[row.id]}
        for row in stated.rows.values()
        if row.id in codes
    ]
    full = ctx.full()
    return Review(
        source=stated.source,
        stated_total=stated.total.value if stated.total else None,
        stated_total_cell=stated.total.cell if stated.total else None,
        recomputed_total=recomputed[0] if recomputed else None,
        stated_grade=stated.grade.value if stated.grade else None,
        stated_grade_cell=stated.grade.cell if stated.grade else None,
        recomputed_grade=recomputed[1] if recomputed else None,
        max=full if full is not None else ZERO,
        findings=findings,
        notices=list(notices or ()),
        project=project,
        rows_not_recomputed=left_out,
    )


def _round(value: Decimal, places: int, mode: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=mode)


def _matches(stated: Decimal, computed: Decimal, places: int) -> bool:
    """Filed tables round half-up or truncate, to as many places as they print."""
    return stated in (_round(computed, places), _round(computed, places, ROUND_DOWN))
