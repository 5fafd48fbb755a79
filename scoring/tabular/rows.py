"""One indicator row → its leaf: a measured rule (with its fact and value) or a rating.

A number target with ≥, > or = (t > 0), or none, gives ``positive``; ≤ or < gives ``reverse``;
a zero target (= 0, ≤ 0, or a bare 0) gives ``zero_target``; a negative one, or ≥ 0 / > 0,
cannot be a rule. The unit comes from the target cell, else from the indicator name, and a bare
actual takes the target's. A row no rule can measure (words, or a target no rule fits) falls to
``Ratings.qualitative``; a not-applicable row keeps its rule (or a qualitative one) and the
偏差原因 as its reason.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..cell_text import is_not_applicable, normalize
from ..money import money_factor
from ..number_limits import QuantityError
from ..number_text import format_number
from ..quantities import Target, parse_quantity, parse_target
from .draft import Leaf, deviation_text
from .filed import FiledRow
from .names import NAME_QUANTITY, NAME_UNIT
from .ratings import Ratings

__all__ = ["RowReader"]


class RowReader(Ratings):
    """Reads each row's target and actual into the spec's rule and the facts' value."""

    def read_leaf(self, leaf: Leaf) -> None:
        """Fill ``leaf.spec`` with a rule, and the facts with its value, rating or reason."""
        row = leaf.row
        weight = leaf.weight or Decimal(0)
        leaf.spec = {"id": leaf.id}
        if leaf.id != row.name:
            leaf.spec["name"] = row.name
        leaf.spec["weight"] = weight
        self.scores[leaf.id] = row.score
        deviation = deviation_text(row.deviation.value)
        if deviation and not row.not_applicable:
            self.deviations[leaf.id] = deviation
        target = self.target_of(row)
        if row.not_applicable:
            reason = re.sub(r"^不适用[:：]?", "", deviation).strip()
            self.not_applicable[leaf.id] = reason or f"填报表标注为不适用（{row.actual.cell}）"
            rule = self.quantitative_rule(leaf, target, None) if target is not None else None
            leaf.spec["rule"] = rule or {"kind": "qualitative", "target": _shown(row.target.value)}
            return
        actual = self.actual_of(row, target)
        if target is not None and actual is not None:
            rule = self.quantitative_rule(leaf, target, actual)
            if rule is not None:
                leaf.spec["rule"] = rule
                return
        self.qualitative(leaf, weight)

    def target_of(self, row: FiledRow) -> Target | None:
        """The row's numeric target, its unit completed from the name; None for a worded target."""
        text = row.target.value
        name = normalize(row.name)
        in_name = NAME_QUANTITY.search(name)
        unit_in_name = NAME_UNIT.search(name)
        if text is None or is_not_applicable(text):
            if in_name is None or row.not_applicable:
                return None
            text = in_name["q"]
            self.notice(row.target.cell, f"年度指标值为空，取指标名称中的 {text}")
        try:
            target = parse_target(text)
        except QuantityError:
            return None
        if not target.quantity.unit:
            unit = in_name["u"] if in_name else unit_in_name["u"] if unit_in_name else ""
            if unit:
                q = target.quantity
                target = Target(target.op, type(q)(q.number, unit, q.text + unit), target.text)
        return target

    def actual_of(self, row: FiledRow, target: Target | None) -> Any:
        """The actual as a parsed quantity, or None for words (then the row is rated, not measured)."""
        text = row.actual.value
        if text is None:
            if target is not None:
                self.problem(row.actual.cell, f"{row.name}: 实际完成值 is empty", "table-actual")
            return None
        if target is None:
            return None
        try:
            return parse_quantity(text)
        except QuantityError:
            self.notice(
                row.actual.cell,
                f"实际完成值“{text}”不是数值：按定性指标导入（年度指标值 {row.target.value or ''}），按填报得分定等级",
            )
            return None

    def quantitative_rule(self, leaf: Leaf, target: Target, actual: Any) -> dict[str, Any] | None:
        """The rule for a number target, its fact declared; None when the row is rated instead."""
        row = leaf.row
        t_unit = target.quantity.unit
        a_unit = actual.unit if actual is not None else t_unit
        number = actual.number if actual is not None else None
        if actual is not None and not a_unit:
            a_unit = t_unit
            if (
                t_unit in ("%", "‰")
                and number is not None
                and abs(number) <= 1
                and target.quantity.number > 1
            ):
                self.problem(
                    row.actual.cell,
                    f"实际完成值 {format_number(number)} against {target.text!r} is ambiguous: "
                    f"write {format_number(number)}% or {format_number(number * 100)}%",
                    "table-ambiguous-rate",
                )
                return None
        if not t_unit:
            t_unit = a_unit
        kind, unit = _kind_of(t_unit)
        if kind == "money" and money_factor(a_unit or t_unit) is None:
            self.problem(
                row.actual.cell,
                f"实际完成值 {row.actual.value!r} is not an amount of money like the target {target.text!r}",
                "table-unit",
            )
            return None
        if kind not in ("money",) and a_unit != t_unit and not ({a_unit, t_unit} <= {"%", "‰"}):
            self.problem(
                row.actual.cell,
                f"实际完成值 {row.actual.value!r} has the unit {a_unit or 'none'!r}, the target "
                f"{row.target.value!r} has {t_unit or 'none'!r}",
                "table-unit",
            )
            return None
        t = target.quantity.number
        # No operator: a zero target ("0起") means none may happen; any other is 正向.
        op = target.op or ("=" if t == 0 else "≥")
        if t < 0 or (t == 0 and op in ("≥", ">")):
            self.notice(
                row.target.cell,
                f"年度指标值 {target.text} cannot be scored by a rule: rated by its stated score",
            )
            return None
        fact = self.value_ids.make(leaf.id, "指标")
        declared: dict[str, Any] = {"label": row.name, "kind": kind}
        if unit:
            declared["unit"] = unit
        self.facts[fact] = declared
        if number is not None:
            self.values[fact] = format_number(number) + a_unit
        shown_target = op + format_number(t) + t_unit
        if t == 0:
            return {"kind": "zero_target", "actual": fact, "target": "=0" + t_unit}
        if op in ("≤", "<"):
            return {"kind": "reverse", "actual": fact, "target": shown_target}
        return {"kind": "positive", "actual": fact, "target": shown_target}


def _kind_of(unit: str) -> tuple[str, str]:
    """The fact's kind for a unit, and the unit it declares (a rate declares none)."""
    if unit in ("%", "‰"):
        return "rate", ""
    if money_factor(unit) is not None:
        return "money", unit
    return "number", unit


def _shown(text: str | None) -> str:
    """A target as a qualitative rule shows it: "/" and 不适用 show as nothing."""
    return "" if text is None or is_not_applicable(text) else text
