"""The funds block (项目资金) of the 自评表 and the money figures reports quote, from a ``Result``.

The facts format has no funds section yet, so the amounts are facts the spec declares under
well-known ids (docs/excel.md): ``年初预算数``, ``全年预算数``, ``全年执行数`` for the 年度资金总额 row
(falling back to the 10号-style ``预算资金`` and ``实际支出``). The rows below it come from
``财政拨款全年预算数``, ``上年结转全年执行数`` … (source + column), or — when the facts are at hand —
from the items of an itemised total (``全年预算数: {total: 880万元, items: {财政拨款: 880万元}}``). The funds row carries a 分值 and
得分 only when the spec has a first-level indicator with the id ``预算执行率`` (the 自评表 shape,
预算执行率 10 + 产出 50 + 效益 30 + 满意度 10); otherwise the rate is shown and not scored there, so
no point is counted twice. Every amount is shown in 万元, converted exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..engine.result import IndicatorResult, Result
from ..numbers.measure import Measure
from ..numbers.money import convert_money
from ..numbers.text import format_percent

__all__ = [
    "COLUMNS",
    "EXECUTION_ID",
    "ROW_LABELS",
    "SOURCES",
    "WANYUAN",
    "FundsBlock",
    "FundsRow",
    "MoneySummary",
    "funds_block",
    "money_of",
    "money_summary",
    "percent_text",
    "value_of",
]

WANYUAN = "万元"
COLUMNS = ("年初预算数", "全年预算数", "全年执行数")
SOURCES = ("财政拨款", "上年结转", "其他资金")
ROW_LABELS = ("年度资金总额", "其中：财政拨款", "上年结转", "其他资金")
EXECUTION_ID = "预算执行率"
# The 年度资金总额 row: the 自评表's own ids first, then the 10号 framework's.
TOTAL_IDS: Mapping[str, tuple[str, ...]] = {
    "年初预算数": ("年初预算数", "预算资金"),
    "全年预算数": ("全年预算数", "预算资金"),
    "全年执行数": ("全年执行数", "实际支出"),
}
_RATIO_PLACES = Decimal("0.0001")  # a percentage with two decimals


def _measure(result: Result, name: str) -> Measure | None:
    fact = result.spec.facts.get(name)
    if fact is not None:
        return fact.measure
    for derived in result.spec.derived:
        if derived.id == name:
            return derived.measure
    return None


def value_of(result: Result, name: str) -> Decimal | None:
    """A fact or derived value by id, or None when the project has none (or it is yes/no)."""
    value = result.values.get(name)
    return value if isinstance(value, Decimal) else None


def money_of(result: Result, name: str) -> Decimal | None:
    """A money fact or derived value by id, converted exactly to 万元; None if absent or not money."""
    value = value_of(result, name)
    measure = _measure(result, name)
    if value is None or measure is None or measure.kind != "money":
        return None
    return convert_money(value, measure.unit or "元", WANYUAN)


def _first_money(result: Result, names: tuple[str, ...]) -> Decimal | None:
    """The first of ``names`` the project has as money, in 万元."""
    amounts = (money_of(result, name) for name in names)
    return next((amount for amount in amounts if amount is not None), None)


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator ÷ denominator as a ratio with four places (a percentage with two), half-up."""
    if numerator is None or not denominator:
        return None
    return (numerator / denominator).quantize(_RATIO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FundsRow:
    label: str
    amounts: tuple[Decimal | None, ...]  # 年初, 全年预算, 全年执行 (万元)


@dataclass(frozen=True)
class FundsBlock:
    """项目资金（万元）: four rows of amounts; the rate B/A; 分值 and 得分 when the spec scores it."""

    rows: tuple[FundsRow, ...]
    rate: Decimal | None
    indicator: IndicatorResult | None  # the first-level 预算执行率 indicator, if the spec has one

    @property
    def weight(self) -> Decimal | None:
        return None if self.indicator is None else self.indicator.weight

    @property
    def score(self) -> Decimal | None:
        return None if self.indicator is None else self.indicator.score


def execution_indicator(result: Result) -> IndicatorResult | None:
    """The first-level indicator scored in the funds row (id ``预算执行率``), if any."""
    return next((top for top in result.indicators if top.id == EXECUTION_ID), None)


def _item(result: Result, names: tuple[str, ...], source: str) -> Decimal | None:
    """``全年预算数: {total: 880万元, items: {财政拨款: 880万元}}``: the item named like ``source``."""
    for name in names:
        fact = result.spec.facts.get(name)
        for key, value in result.items.get(name, {}).items():
            if fact is not None and source in str(key):
                return convert_money(value, fact.measure.unit or "元", WANYUAN)
    return None


def funds_block(result: Result) -> FundsBlock:
    """The funds block; source rows also come from itemised totals (``result.items``)."""
    total = FundsRow(
        ROW_LABELS[0], tuple(_first_money(result, TOTAL_IDS[column]) for column in COLUMNS)
    )
    rows = [total]
    for label, source in zip(ROW_LABELS[1:], SOURCES, strict=True):
        amounts = tuple(
            money_of(result, source + column) or _item(result, TOTAL_IDS[column], source)
            for column in COLUMNS
        )
        rows.append(FundsRow(label, amounts))
    return FundsBlock(
        tuple(rows), ratio(total.amounts[2], total.amounts[1]), execution_indicator(result)
    )


@dataclass(frozen=True)
class MoneySummary:
    """The figures a 自评报告 quotes about money, in 万元 and as ratios; None when not available."""

    budget: Decimal | None  # 预算资金 / 全年预算数
    received: Decimal | None  # 到位资金
    spent: Decimal | None  # 实际支出 / 全年执行数
    balance: Decimal | None  # 结余 = 到位 − 支出
    arrival_rate: Decimal | None  # 资金到位率 = 到位 ÷ 预算
    execution_rate: Decimal | None  # 预算执行率 = 支出 ÷ 到位


def money_summary(result: Result) -> MoneySummary:
    budget = _first_money(result, ("预算资金", "全年预算数"))
    received = _first_money(result, ("到位资金", "全年预算数", "预算资金"))
    spent = _first_money(result, ("实际支出", "全年执行数"))
    balance = _first_money(result, ("结余资金", "结余"))
    if balance is None and received is not None and spent is not None:
        balance = received - spent
    arrival = value_of(result, "资金到位率")
    execution = value_of(result, "预算执行率")
    return MoneySummary(
        budget=budget,
        received=received,
        spent=spent,
        balance=balance,
        arrival_rate=_rounded(arrival) if arrival is not None else ratio(received, budget),
        execution_rate=_rounded(execution) if execution is not None else ratio(spent, received),
    )


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(_RATIO_PLACES, rounding=ROUND_HALF_UP)


percent_text = format_percent  # kept under the name the renderers use
