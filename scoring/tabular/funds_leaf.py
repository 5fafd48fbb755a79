"""The filed funds block (项目资金) → money facts and, when it has a 分值, the 预算执行率 leaf.

Each amount column (年初预算数, 全年预算数, 全年执行数) becomes one money fact whose items are the
财政拨款 / 上年结转 / 其他资金 rows. A funds row with a 分值 is scored as a first-level leaf,
全年执行数 ÷ 全年预算数 × 分值 capped at full marks, or from the printed 执行率 when the amounts
are not there (said as a notice; a bare 79.27 is read as 79.27%). When neither gives a rate, the
row is a defect, imported rated by its stated score and left out of the recomputation.
"""

from __future__ import annotations

from decimal import Decimal

from ..i18n import tr, ui
from ..numbers.money import money_factor
from ..numbers.text import format_number
from .draft import Draft
from .filed import FiledFunds, Located
from .funds import COLUMNS, EXECUTION_ID, SOURCES
from .ratings import tier_of
from .sheet import parsed_quantity

__all__ = ["printed_rate", "read_funds"]


def read_funds(draft: Draft) -> None:
    funds = draft.table.funds
    if funds is None:
        return
    unit = funds.unit if money_factor(funds.unit) is not None else "万元"
    # One fact per column; the 财政拨款 / 上年结转 / 其他资金 rows are its items, which the engine
    # adds up and checks against the 年度资金总额 row (items-mismatch when they differ).
    for column in COLUMNS:
        total = funds.amounts.get("年度资金总额", {}).get(column)
        items = {
            source: format_number(funds.amounts[source][column].value) + unit
            for source in SOURCES
            if column in funds.amounts.get(source, {})
        }
        if total is None and not items:
            continue
        draft.value_ids.used.add(column)
        draft.facts[column] = {"label": column, "kind": "money", "unit": unit, "min": 0}
        written = format_number(total.value) + unit if total is not None else None
        if items:
            draft.values[column] = (
                {"total": written, "items": items} if written else {"items": items}
            )
        else:
            draft.values[column] = written
    totals = funds.amounts.get("年度资金总额", {})
    stated_amounts(draft, funds)
    weight = funds.weight.value
    if weight is None or weight == 0:
        return
    if funds.rate.value is None and funds.rate.cell:
        draft.defect(
            "blank_actual",
            funds.rate.cell,
            tr(
                "blank_actual",
                "the funds row has a 分值 and its 执行率 is empty (recomputed as 全年执行数 ÷ "
                "全年预算数)",
            )
            if COLUMNS[1] in totals
            else tr("blank_actual", "the funds row has a 分值 and its 执行率 is empty"),
        )
    if funds.score.value is None and funds.score.cell:
        draft.defect(
            "blank_score",
            funds.score.cell,
            tr("blank_score", "the funds row has a 分值 and its 得分 is empty"),
        )
    if COLUMNS[1] in totals and COLUMNS[2] in totals:
        draft.value_ids.used.add(EXECUTION_ID)
        draft.derived[EXECUTION_ID] = {
            "label": "预算执行率",
            "formula": f"{COLUMNS[2]} / {COLUMNS[1]}",
            "kind": "rate",
        }
        actual: str | None = EXECUTION_ID
        if totals[COLUMNS[1]].value == 0:
            draft.defect(
                "unreadable_value",
                totals[COLUMNS[1]].cell,
                tr("unreadable_value", "全年预算数 is 0: 预算执行率 cannot be computed"),
            )
            actual = None
    elif funds.rate.value is not None:
        actual = rate_fact(draft, funds.rate)
    else:
        draft.defect(
            "blank_actual",
            funds.rate.cell or funds.weight.cell,
            tr(
                "blank_actual",
                "the funds row has a 分值 but none of 全年预算数, 全年执行数 and 执行率 is "
                "filled in: 预算执行率 cannot be recomputed",
            ),
        )
        actual = None
    draft.indicator_ids.used.add(EXECUTION_ID)
    draft.funds_leaf = {
        "id": EXECUTION_ID,
        "name": "预算执行率",
        "weight": weight,
        "standard": "全年执行数 ÷ 全年预算数 × 分值，最高得满分",
        "rule": {"kind": "positive", "actual": actual, "target": "≥100%"},
    }
    if actual is None:  # imported rated by its stated score, left out of the recomputation
        draft.left_out[EXECUTION_ID] = "unreadable_value"
        draft.funds_leaf["rule"] = {"kind": "qualitative", "target": "≥100%"}
        stated = funds.score.value
        given = min(max(stated or Decimal(0), Decimal(0)), weight)
        draft.ratings[EXECUTION_ID] = {"tier": tier_of(given / weight), "score": given}
    draft.scores[EXECUTION_ID] = funds.score
    draft.stated.funds_leaf = EXECUTION_ID
    if funds.rate.value is not None:
        draft.stated.funds_rate = Located(funds.rate.value, funds.rate.cell)


def stated_amounts(draft: Draft, funds: FiledFunds) -> None:
    """The amounts review compares indicators with, and the rate they give: the 年度资金总额
    row's, or the source rows' sum when that row gives none (0 / 0 printed)."""
    stated = draft.stated
    if funds.repeated_score is not None:
        stated.funds_repeated = funds.repeated_score
    totals = funds.amounts.get("年度资金总额", {})
    budget, spent = (totals[column].value if column in totals else None for column in COLUMNS[1:])
    stated.funds_budget, stated.funds_spent = budget, spent
    if not budget:
        parts = [funds.amounts.get(source, {}) for source in SOURCES]
        budget = sum((p[COLUMNS[1]].value for p in parts if COLUMNS[1] in p), Decimal(0))
        spent = sum((p[COLUMNS[2]].value for p in parts if COLUMNS[2] in p), Decimal(0))
    if budget and spent is not None:
        stated.funds_computed_rate = spent / budget


def rate_fact(draft: Draft, rate: Located[str | None]) -> str | None:
    """The printed 执行率 as the fact scored (no amounts to compute it from), or None when it
    is not a rate."""
    percent = printed_rate(rate.value)
    if percent is None:
        draft.defect(
            "unreadable_value",
            rate.cell,
            tr(
                "unreadable_value",
                "执行率 “{rate}” is not a percentage (such as 99.14%): 预算执行率 cannot be "
                "recomputed",
                rate=rate.value,
            ),
        )
        return None
    actual = draft.value_ids.make("执行率", "执行率")
    draft.facts[actual] = {"label": "预算执行率", "kind": "rate"}
    draft.values[actual] = format_number(percent) + "%"
    draft.notice(
        rate.cell,
        ui("全年预算数 and 全年执行数 are not filled in: scored by the 执行率 as stated"),
    )
    if not (rate.value or "").endswith("%"):
        draft.notice(
            rate.cell,
            ui(
                "执行率 “{rate}” has no percent sign: read as {percent}",
                rate=rate.value,
                percent=format_number(percent) + "%",
            ),
        )
    return actual


def printed_rate(text: str | None) -> Decimal | None:
    """A printed 执行率 as a percentage: "79.27%" → 79.27; a bare number too, 79.27 → 79.27 and a
    ratio 0.7927 → 79.27 (an execution rate of 1% or less is not what a bare 0.79 means); None
    for anything else."""
    if not text:
        return None
    quantity = parsed_quantity(text)
    if quantity is None:
        return None
    if quantity.unit == "%":
        return quantity.number
    if quantity.unit:
        return None
    number = quantity.number
    return number * 100 if 0 <= number <= 1 else number
