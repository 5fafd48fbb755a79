"""One indicator row → its leaf: a measured rule (with its fact and value) or a rating.

A number target with ≥, > or = (t > 0), or none, gives ``positive``; ≤ or < gives ``reverse``;
a zero target (= 0, ≤ 0, or a bare 0) gives ``zero_target``; a negative one, or ≥ 0 / > 0,
cannot be a rule. The unit comes from the target cell, else from the indicator name, and a bare
actual takes the target's. A row no rule can measure (words, or a target no rule fits) falls to
``ratings.qualitative``; a not-applicable row keeps its rule (or a qualitative one) and the
偏差原因 as its reason.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..i18n import tr, ui
from ..numbers.cell_text import is_not_applicable, normalize
from ..numbers.money import money_factor
from ..numbers.quantities import Target
from ..numbers.text import format_number
from .draft import Draft, Leaf, deviation_text
from .filed import FiledRow
from .names import NAME_QUANTITY, NAME_UNIT
from .ratings import qualitative
from .sheet import parsed_quantity, parsed_target

__all__ = ["CAPPED_RATE", "GARBLED", "RANGE_OPS", "read_leaf", "stray_prefix"]


def read_leaf(draft: Draft, leaf: Leaf) -> None:
    """Fill ``leaf.spec`` with a rule, and the facts with its value, rating or reason.

    A row that cannot be recomputed (a blank or unreadable target or actual, an implausible
    value, a cut row) is a defect, imported rated by its stated score and left out of the
    recomputation."""
    row = leaf.row
    weight = leaf.weight or Decimal(0)
    leaf.spec = {"id": leaf.id}
    if leaf.id != row.name:
        leaf.spec["name"] = row.name
    leaf.spec["weight"] = weight
    draft.scores[leaf.id] = row.score
    deviation = deviation_text(row.deviation.value)
    if deviation and not row.not_applicable:
        draft.deviations[leaf.id] = deviation
    target = target_of(draft, row)
    if row.not_applicable:
        reason = re.sub(r"^不适用[:：]?", "", deviation).strip()
        draft.not_applicable[leaf.id] = reason or f"填报表标注为不适用（{row.actual.cell}）"
        rule = quantitative_rule(draft, leaf, target, None) if target is not None else None
        leaf.spec["rule"] = rule or {"kind": "qualitative", "target": _shown(row.target.value)}
        return
    if row.target.value is None and not row.truncated:  # a cut row: truncated_row says it all
        if target is None:
            message = tr(
                "blank_target",
                "{name}: 年度指标值 is empty, so the row cannot be recomputed under the "
                "rules (imported at its stated score)",
                name=row.name,
            )
            draft.reject(leaf, "blank_target", row.target.cell, message)
        else:
            message = tr(
                "blank_target",
                "{name}: 年度指标值 is empty (recomputed against {target}, from the "
                "indicator's name)",
                name=row.name,
                target=target.text,
            )
            draft.defect("blank_target", row.target.cell, message, row)
    if target is not None and _implausible(row.name, target.quantity.number, target.quantity.unit):
        message = tr(
            "implausible_value",
            "{name}: 年度指标值 {value} is above 100%, which a rate of this kind cannot "
            "be (a typing or recognition error?), so the row cannot be recomputed under "
            "the rules",
            name=row.name,
            value=row.target.value,
        )
        draft.reject(leaf, "implausible_value", row.target.cell, message)
    for cell, what in ((row.target, "年度指标值"), (row.actual, "实际完成值")):
        if cell.value is not None and cell.value.strip() in ERROR_VALUES:
            message = tr(
                "unreadable_value",
                "{name}: {what} is the spreadsheet error {value} (its formula failed), so "
                "the row cannot be recomputed under the rules",
                name=row.name,
                what=what,
                value=cell.value.strip(),
            )
        elif cell.value is not None and (GARBLED.search(cell.value) or stray_prefix(cell.value)):
            message = tr(
                "unreadable_value",
                "{name}: {what} “{value}” holds characters that are not part of a "
                "value (a typing or recognition error?), so the row cannot be "
                "recomputed under the rules",
                name=row.name,
                what=what,
                value=cell.value,
            )
        else:
            continue
        draft.reject(leaf, "unreadable_value", cell.cell, message)
    if _implausible_actual(row):
        message = tr(
            "implausible_value",
            "{name}: 实际完成值 {value} is above 100%, which a rate of this kind cannot "
            "be (a typing or recognition error?), so the row cannot be recomputed under "
            "the rules",
            name=row.name,
            value=row.actual.value,
        )
        draft.reject(leaf, "implausible_value", row.actual.cell, message)
    if row.actual.value is None and not row.truncated:
        message = (
            tr(
                "blank_actual",
                "{name}: 实际完成值 is empty (年度指标值 {target}), so the row cannot be "
                "recomputed under the rules",
                name=row.name,
                target=target.text,
            )
            if target is not None
            else tr(
                "blank_actual",
                "{name}: 实际完成值 is empty, so the row cannot be recomputed under the rules",
                name=row.name,
            )
        )
        draft.reject(leaf, "blank_actual", row.actual.cell, message)
    if leaf.id in draft.left_out:
        qualitative(draft, leaf, weight)
        return
    actual = actual_of(draft, leaf, target)
    if target is not None and actual is not None and leaf.id not in draft.left_out:
        rule = quantitative_rule(draft, leaf, target, actual)
        if rule is not None:
            leaf.spec["rule"] = rule
            if row.score.value is None and not draft.has_defect(row.score.cell):
                draft.defect(
                    "blank_score",
                    row.score.cell,
                    tr(
                        "blank_score",
                        "{name}: 得分 is empty (the recomputation shows the score under the "
                        "rules; the sum of the stated scores leaves it out)",
                        name=row.name,
                    ),
                    row,
                )
            return
    qualitative(draft, leaf, weight)


def target_of(draft: Draft, row: FiledRow) -> Target | None:
    """The row's numeric target, its unit completed from the name; None for a worded target."""
    text = row.target.value
    name = normalize(row.name)
    in_name = NAME_QUANTITY.search(name)
    unit_in_name = NAME_UNIT.search(name)
    if text is None or is_not_applicable(text):
        if in_name is None or row.not_applicable:
            return None
        text = in_name["q"]
        draft.notice(
            row.target.cell,
            ui("年度指标值 is empty: {target}, from the indicator's name, is taken", target=text),
        )
    target = parsed_target(text)
    if target is not None and not target.quantity.unit:
        unit = in_name["u"] if in_name else unit_in_name["u"] if unit_in_name else ""
        if unit:
            q = target.quantity
            target = Target(target.op, type(q)(q.number, unit, q.text + unit), target.text)
    return target


def actual_of(draft: Draft, leaf: Leaf, target: Target | None) -> Any:
    """The actual as a parsed quantity, or None for words (then the row is rated, not measured).
    A range ("≥90%", "不低于95%", "90%以上") is read at its bound, said as a notice."""
    row = leaf.row
    text = row.actual.value
    if text is None or target is None:
        return None
    quantity = parsed_quantity(text)
    if quantity is not None:
        return quantity
    bound = parsed_target(text)
    if bound is not None and bound.op in RANGE_OPS:
        draft.notice(
            row.actual.cell,
            ui(
                "实际完成值 “{actual}” is a range: scored at its bound {bound}",
                actual=text,
                bound=bound.quantity.text,
            ),
        )
        return bound.quantity
    draft.notice(
        row.actual.cell,
        ui(
            "实际完成值 “{actual}” is not a number: imported as a qualitative indicator (年度指标值 "
            "{target}), rated by its stated score",
            actual=text,
            target=row.target.value or "",
        ),
    )
    return None


def quantitative_rule(
    draft: Draft, leaf: Leaf, target: Target, actual: Any
) -> dict[str, Any] | None:
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
            message = tr(
                "unreadable_value",
                "{name}: 实际完成值 {actual} is ambiguous against 年度指标值 {target}: "
                "{as_percent} or {times_100}?",
                name=row.name,
                actual=format_number(number),
                target=target.text,
                as_percent=format_number(number) + "%",
                times_100=format_number(number * 100) + "%",
            )
            draft.reject(leaf, "unreadable_value", row.actual.cell, message)
            return None
    if not t_unit:
        t_unit = a_unit
    kind, unit = _kind_of(t_unit)
    if kind == "money" and money_factor(a_unit or t_unit) is None:
        message = tr(
            "unreadable_value",
            "{name}: 实际完成值 “{actual}” is not an amount of money like 年度指标值 {target}",
            name=row.name,
            actual=row.actual.value,
            target=target.text,
        )
        draft.reject(leaf, "unreadable_value", row.actual.cell, message)
        return None
    if kind not in ("money",) and a_unit != t_unit and not ({a_unit, t_unit} <= {"%", "‰"}):
        message = tr(
            "unreadable_value",
            "{name}: 实际完成值 “{actual}” is in “{actual_unit}”, 年度指标值 “{target}” "
            "in “{target_unit}”",
            name=row.name,
            actual=row.actual.value,
            actual_unit=a_unit or ui("no unit"),
            target=row.target.value,
            target_unit=t_unit or ui("no unit"),
        )
        draft.reject(leaf, "unreadable_value", row.actual.cell, message)
        return None
    if number is not None and _digits_lost(number, target.quantity.number, leaf):
        message = tr(
            "unreadable_value",
            "{name}: 实际完成值 {actual} against 年度指标值 {target} is scored full marks: "
            "it looks like {number} with its first digits lost, so the row cannot be "
            "recomputed under the rules",
            name=row.name,
            actual=row.actual.value,
            target=target.text,
            number=format_number(target.quantity.number),
        )
        draft.reject(leaf, "unreadable_value", row.actual.cell, message)
        return None
    t = target.quantity.number
    # No operator: a zero target ("0起") means none may happen; any other is 正向.
    op = target.op or ("=" if t == 0 else "≥")
    if t < 0 or (t == 0 and op in ("≥", ">")):
        draft.notice(
            row.target.cell,
            ui(
                "年度指标值 {target} cannot be scored by a rule: rated by its stated score",
                target=target.text,
            ),
        )
        return None
    fact = draft.value_ids.make(leaf.id, "指标")
    declared: dict[str, Any] = {"label": row.name, "kind": kind}
    if unit:
        declared["unit"] = unit
    draft.facts[fact] = declared
    if number is not None:
        draft.values[fact] = format_number(number) + a_unit
    shown_target = op + format_number(t) + t_unit
    if t == 0:
        return {"kind": "zero_target", "actual": fact, "target": "=0" + t_unit}
    if op in ("≤", "<"):
        return {"kind": "reverse", "actual": fact, "target": shown_target}
    return {"kind": "positive", "actual": fact, "target": shown_target}


# Rates that are a share of a whole and so cannot exceed 100% (a satisfaction rate of 290% is a
# typing or OCR error, not a target far exceeded). Not 执行率 or 到位率: spending or funds can
# exceed the budget.
CAPPED_RATE = re.compile(
    r"满意|完成率|合格率|达标率|覆盖率|知晓率|及时率|准确率|正确率|成活率|普及率|通过率"
)
RANGE_OPS = ("≥", ">", "≤", "<")
# What Excel and WPS show in a cell whose formula failed, as the readers give it (read_xls names
# an error code it does not know #ERROR): no value, though no word either.
ERROR_VALUES = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
    | {"#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#ERROR"}
)
# A number with stray characters in it: a Latin letter before its digits, $ ^ # @ ~ | \ beside
# them, or more after a % ("M.8万元" for 14.8万元, "O76%", "290$", "80%^", "250%5"): a typing or
# OCR slip; so is a count with its leading digits lost ("000亩"), or a letter O between Chinese
# characters where a digit was ("第O份"). Units after the digits ("30km") are not.
GARBLED = re.compile(
    r"[A-Za-z]\.?\d|\d[$^#@~|\\]|[$^#@~|\\]\d|%[\d^$#@~|]|^[≥≤=<>]?0\d+[^\d.]*$"
    r"|[\u4e00-\u9fff][OolI][\u4e00-\u9fff]"
)

# A stray character glued before a quantity ("到0次", "工5%" for ≥5%): one Chinese character that is
# neither an operator the parser reads (≥, 不低于 … are parsed before this is asked) nor one of the
# words a filed value puts before an amount (约95%, 达95%, 共5次, 超95%, 每300, 第3名 …). Longer
# words before a number (达到, 累计, 每亩, 控制在) are words: the row is read as qualitative.
_QUANTITY_WORDS = frozenset("约达共计超近逾满仅均每总合第全年月日")
_STRAY_PREFIX = re.compile(r"^(?P<char>[\u4e00-\u9fff])(?P<rest>\d.*)$")


def stray_prefix(text: str) -> bool:
    """A target or actual that is one stray character and a quantity: a typing or OCR slip."""
    plain = normalize(text)
    match = _STRAY_PREFIX.match(plain)
    if match is None or match["char"] in _QUANTITY_WORDS:
        return False
    if parsed_target(plain) is not None:
        return False  # an operator the parser reads
    return parsed_quantity(match["rest"]) is not None


def _digits_lost(actual: Decimal, target: Decimal, leaf: Leaf) -> bool:
    """An actual that is the target's last digits (8 for 28, 50 for 250), scored in full: the
    leading digits were lost (a cut cell, an OCR slip), so the printed value is not the actual."""
    score, weight = leaf.row.score.value, leaf.weight
    if score is None or weight is None or score != weight or not 0 < actual < target:
        return False
    a, t = format_number(actual), format_number(target)
    return t.endswith(a) and len(t) > len(a)


def _implausible_actual(row: FiledRow) -> bool:
    """The printed actual is a rate its kind cannot reach, whatever the target says."""
    quantity = parsed_quantity(row.actual.value or "")
    return quantity is not None and _implausible(row.name, quantity.number, quantity.unit)


def _implausible(name: str, number: Decimal, unit: str) -> bool:
    """A share-of-a-whole rate above 100%."""
    limit = {"%": Decimal(100), "‰": Decimal(1000)}.get(unit)
    return limit is not None and number > limit and CAPPED_RATE.search(normalize(name)) is not None


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
