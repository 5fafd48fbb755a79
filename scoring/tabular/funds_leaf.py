"""The filed funds block (项目资金) → money facts and, when it has a 分值, the 预算执行率 leaf.

Each amount column (年初预算数, 全年预算数, 全年执行数) becomes one money fact whose items are the
财政拨款 / 上年结转 / 其他资金 rows. A funds row with a 分值 is scored as a first-level leaf,
全年执行数 ÷ 全年预算数 × 分值 capped at full marks, or from the printed 执行率 when the amounts
are not there (said as a notice).
"""

from __future__ import annotations

from ..money import money_factor
from ..number_limits import QuantityError
from ..number_text import format_number
from ..quantities import parse_quantity
from .draft import Draft
from .filed import Located
from .funds import COLUMNS, EXECUTION_ID, SOURCES

__all__ = ["FundsReader"]


class FundsReader(Draft):
    """Reads ``table.funds`` into facts, values and the funds leaf."""

    def read_funds(self) -> None:
        funds = self.table.funds
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
            self.value_ids.used.add(column)
            self.facts[column] = {"label": column, "kind": "money", "unit": unit, "min": 0}
            written = format_number(total.value) + unit if total is not None else None
            if items:
                self.values[column] = (
                    {"total": written, "items": items} if written else {"items": items}
                )
            else:
                self.values[column] = written
        weight = funds.weight.value
        if weight is None or weight == 0:
            return
        totals = funds.amounts.get("年度资金总额", {})
        if COLUMNS[1] in totals and COLUMNS[2] in totals:
            self.value_ids.used.add(EXECUTION_ID)
            self.derived[EXECUTION_ID] = {
                "label": "预算执行率",
                "formula": f"{COLUMNS[2]} / {COLUMNS[1]}",
                "kind": "rate",
            }
            actual = EXECUTION_ID
            if totals[COLUMNS[1]].value == 0:
                self.problem(
                    totals[COLUMNS[1]].cell,
                    "全年预算数 is 0: the execution rate cannot be computed",
                    "table-funds",
                )
        elif funds.rate.value is not None:
            actual = self.value_ids.make("执行率", "执行率")
            self.facts[actual] = {"label": "预算执行率", "kind": "rate"}
            self.values[actual] = self.rate_text(funds.rate)
            self.notice(
                funds.rate.cell, "全年预算数 / 全年执行数 not given: the printed 执行率 is scored"
            )
        else:
            self.problem(
                funds.weight.cell,
                "the funds row has a 分值 but neither 全年预算数 and 全年执行数 nor 执行率",
                "table-funds",
            )
            return
        self.indicator_ids.used.add(EXECUTION_ID)
        self.funds_leaf = {
            "id": EXECUTION_ID,
            "name": "预算执行率",
            "weight": weight,
            "standard": "全年执行数 ÷ 全年预算数 × 分值，最高得满分",
            "rule": {"kind": "positive", "actual": actual, "target": "≥100%"},
        }
        self.scores[EXECUTION_ID] = funds.score
        self.stated.funds_leaf = EXECUTION_ID
        if funds.rate.value is not None:
            self.stated.funds_rate = Located(funds.rate.value, funds.rate.cell)

    def rate_text(self, rate: Located[str | None]) -> str:
        """The printed 执行率 as a value; anything but a percentage is a problem."""
        text = rate.value or ""
        try:
            quantity = parse_quantity(text)
        except QuantityError as exc:
            self.problem(rate.cell, f"执行率: {exc.message}", "table-number")
            return "0%"
        if quantity.unit != "%":
            self.problem(
                rate.cell, f"执行率 {text!r} is not a percentage such as 99.14%", "table-number"
            )
        return text
