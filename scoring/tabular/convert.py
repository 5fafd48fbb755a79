"""A filed 自评表 (``FiledTable``) → a spec + facts pair the engine scores, and what the table states.

Each row becomes a leaf whose rule follows its target (docs/excel.md):

- a number target with ≥, > or = (t > 0), or none → ``positive``; ≤ or < (t > 0) → ``reverse``
  (the spec's ``reverse_formula``, ``t_over_a`` by default); = 0 or ≤ 0 → ``zero_target``;
- a target or actual in words ("有效", "达成预期指标") → ``qualitative``, rated in the tier its
  stated score falls in (the tier the text names, if any, is kept for review);
- "/" or empty everywhere, or an actual of "/" or 不适用 → not applicable, with the 偏差原因 text
  as the reason.

Units come from the target cell, else from the indicator name ("年度资金支付完成率100%"), and a
bare actual takes the target's unit. A funds row with a 分值 becomes a first-level ``预算执行率``
leaf (全年执行数 ÷ 全年预算数 × 分值, capped). A missing leaf weight is taken from its block's
printed total only when that leaves one answer, and said so as a notice. Stated scores that differ
from the rule become adjustments (with the cell as the reason) so that the facts reproduce the
filed table; ``Imported.facts(adjusted=False)`` gives the rule's view that review recomputes.
"""

from __future__ import annotations

import keyword
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ScoringError
from ..expr import FUNCTIONS
from ..quantities import (
    QuantityError,
    Target,
    format_number,
    is_not_applicable,
    money_factor,
    normalize,
    parse_quantity,
    parse_target,
)
from ..report.common import MISSING_DEVIATION
from ..result import Result
from ..spec import DEFAULT_GRADES, DEFAULT_TIERS
from .filed import FiledRow, FiledTable, Located, Notice
from .funds import COLUMNS, EXECUTION_ID, SOURCES
from .parse import read_table
from .sheet import TableError
from .stated import Stated, StatedBlock, StatedRow

__all__ = ["Imported", "dump_yaml", "import_table", "to_pair"]

_RESERVED = frozenset(
    {*FUNCTIONS, "True", "False", "None", "a", "t", "w", "实际值", "指标值", "分值"}
)
# A quantity at the end of an indicator name: "年度资金支付完成率100%", "培训人次（人次）".
_NAME_QUANTITY = re.compile(r"(?P<q>[≥≤=><]?\d+(?:\.\d+)?(?P<u>%|‰|[\u4e00-\u9fff]{1,3}))$")
_NAME_UNIT = re.compile(r"[（(](?P<u>%|‰|[\u4e00-\u9fff]{1,3})[)）]$")
_TIER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("未达成", ("未达成", "未完成", "未实现", "效果较差")),
    ("部分达成", ("部分达成", "部分完成", "部分实现", "基本达成")),
    ("达成", ("全部达成", "达成", "全部完成", "已完成")),
)


@dataclass
class Imported:
    """The spec and facts (as YAML-ready mappings) made from a filed table, and what it states."""

    table: FiledTable
    spec: dict[str, Any]
    base_facts: dict[str, Any]
    adjustments: list[dict[str, Any]]
    stated: Stated
    notices: list[Notice] = field(default_factory=list)
    rule_result: Result | None = None  # the pair scored under the rules, without adjustments

    def facts(self, *, adjusted: bool = True) -> dict[str, Any]:
        """The facts; with ``adjusted`` the filed scores are kept as evaluator adjustments."""
        facts = dict(self.base_facts)
        if adjusted and self.adjustments:
            facts["adjustments"] = list(self.adjustments)
        return facts


def import_table(path: str | os.PathLike[str], sheet: str | None = None) -> Imported:
    """Read a filed 自评表 and make its spec + facts pair; ``TableError`` lists every unreadable cell."""
    return to_pair(read_table(path, sheet))


class _Ids:
    """Unique identifiers made from Chinese names (ids double as formula names for facts)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, name: str, fallback: str) -> str:
        base = re.sub(r"\W", "", normalize(name)) or fallback
        if base[0].isdigit():
            base = fallback + base
        if keyword.iskeyword(base) or base in _RESERVED:
            base += "_"
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}_{n}", n + 1
        self.used.add(candidate)
        return candidate


@dataclass
class _Leaf:
    row: FiledRow
    id: str
    weight: Decimal | None
    spec: dict[str, Any] = field(default_factory=dict)  # the indicator's YAML mapping


class _Converter:
    def __init__(self, table: FiledTable) -> None:
        self.table = table
        self.problems: list[Problem] = list(table.problems)
        self.notices: list[Notice] = list(table.notices)
        self.indicator_ids = _Ids()
        self.value_ids = _Ids()  # facts and derived values share one namespace
        self.facts: dict[str, Any] = {}
        self.derived: dict[str, Any] = {}
        self.values: dict[str, Any] = {}
        self.ratings: dict[str, Any] = {}
        self.not_applicable: dict[str, str] = {}
        self.deviations: dict[str, str] = {}
        self.stated = Stated(source=f"{table.file}!{table.sheet}" if table.sheet else table.file)
        self.scores: dict[str, Located[Decimal | None]] = {}
        self.funds_leaf: dict[str, Any] | None = None

    def problem(self, cell: str, message: str, code: str) -> None:
        self.problems.append(Problem(message, code, file=self.table.file, path=cell))

    def notice(self, cell: str, message: str) -> None:
        self.notices.append(Notice(cell, message))

    # ---- the whole table ---------------------------------------------------------------------
    def run(self) -> Imported:
        table = self.table
        self.read_funds()
        leaves = [
            _Leaf(row, self.indicator_ids.make(_id_source(row.name), "指标"), row.weight.value)
            for row in table.rows
        ]
        self.infer_weights(leaves)
        for leaf in leaves:
            self.read_leaf(leaf)
        if self.problems:
            raise TableError(self.problems)
        indicators = self.tree(leaves)
        weights = sum((leaf.weight or Decimal(0) for leaf in leaves), Decimal(0))
        if self.funds_leaf is not None:
            indicators.insert(0, self.funds_leaf)
            weights += self.funds_leaf["weight"]
        total = weights
        if table.total_weight is not None and table.total_weight.value != weights:
            self.notice(
                table.total_weight.cell,
                f"分值合计 {format_number(weights)} 与总分 {format_number(table.total_weight.value)} "
                f"不符；按 {format_number(weights)} 导入（复核：weights_sum）",
            )
        applicable = sum(
            (leaf.weight or Decimal(0) for leaf in leaves if not leaf.row.not_applicable),
            Decimal(0),
        ) + (self.funds_leaf["weight"] if self.funds_leaf is not None else Decimal(0))
        if total <= 0 or applicable <= 0:
            what = (
                "no indicator has a weight"
                if total <= 0
                else "no applicable indicator has a weight"
            )
            self.problem(table.header_cell, f"{what}: nothing to score", "table-empty")
        if self.problems:
            raise TableError(self.problems)
        spec = self.spec_mapping(indicators, total, leaves)
        facts = self.facts_mapping()
        self.stated_view(leaves)
        imported = Imported(table, spec, facts, [], self.stated, self.notices)
        imported.rule_result = _score_rules(imported)
        imported.adjustments = _adjustments(imported.rule_result, self.scores)
        return imported

    def spec_mapping(
        self, indicators: list[dict[str, Any]], total: Decimal, leaves: list[_Leaf]
    ) -> dict[str, Any]:
        numbers = [leaf.weight for leaf in leaves] + [s.value for s in self.scores.values()]
        places = max([2] + [_places(n) for n in numbers if n is not None])
        grades: dict[str, Decimal] = dict(DEFAULT_GRADES)
        if total < max(grades.values()):
            grades = {k: (v * total / 100).quantize(Decimal("0.01")) for k, v in grades.items()}
            self.notice(
                self.table.header_cell, f"总分 {format_number(total)} 低于 90：等级线按比例折算"
            )
        name = self.table.project.get("name")
        title = name.value if name else Path(self.table.file).stem
        spec: dict[str, Any] = {
            "id": "imported",
            "name": f"{title} 绩效自评表（导入）",
            "version": "imported",
            "description": f"由 jixiao import 从 {Path(self.table.file).name}（{self.table.sheet}）导入",
            "total": total,
            "rounding": {"places": min(places, 6), "mode": "half_up"},
            "grades": grades,
            "reverse_formula": "t_over_a",
        }
        if self.facts:
            spec["facts"] = self.facts
        if self.derived:
            spec["derived"] = self.derived
        spec["indicators"] = indicators
        return spec

    def facts_mapping(self) -> dict[str, Any]:
        table = self.table
        project: dict[str, Any] = {}
        name = table.project.get("name")
        if name is None:
            self.notice(table.header_cell, "项目名称 not found; the file name is used")
        project["name"] = name.value if name else Path(table.file).stem
        for key in ("code", "department", "unit", "year"):
            if key in table.project:
                project[key] = table.project[key].value
        if table.goal:
            project["goal"] = {k: v.value for k, v in table.goal.items()}
        facts: dict[str, Any] = {"project": project}
        if self.values:
            facts["values"] = self.values
        if self.ratings:
            facts["ratings"] = self.ratings
        if self.not_applicable:
            facts["not_applicable"] = self.not_applicable
        if self.deviations:
            facts["deviations"] = self.deviations
        return facts

    # ---- funds ---------------------------------------------------------------------------------
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

    # ---- weights -------------------------------------------------------------------------------
    def infer_weights(self, leaves: list[_Leaf]) -> None:
        for path, block in self.table.blocks:
            inside = [leaf for leaf in leaves if _under(leaf.row, path)]
            missing = [
                leaf for leaf in inside if leaf.weight is None and not leaf.row.not_applicable
            ]
            if not inside or not missing:
                continue
            known = sum(
                (leaf.weight or Decimal(0) for leaf in inside if leaf.weight is not None),
                Decimal(0),
            )
            rest = block.value - known
            name = " / ".join(path) or "总分"
            if len(missing) == 1 and rest >= 0:
                missing[0].weight = rest
                self.notice(
                    missing[0].row.weight.cell,
                    f"分值未填，由 {name} 的合计 {format_number(block.value)}（{block.cell}）推出：{format_number(rest)}",
                )
            elif len(missing) == len(inside) and rest > 0:
                share = rest / len(missing)
                if share != share.quantize(Decimal("0.01")):
                    continue
                for leaf in missing:
                    leaf.weight = share
                cells = "、".join(leaf.row.weight.cell for leaf in missing)
                self.notice(
                    cells,
                    f"分值未填，{name} 的合计 {format_number(block.value)}（{block.cell}）按 {len(missing)} 项平均分配：每项 {format_number(share)}",
                )
        unreadable = {problem.path for problem in self.problems}
        for leaf in leaves:
            if leaf.weight is None and leaf.row.weight.cell in unreadable:
                continue  # reported already as unreadable
            if leaf.weight is None and not leaf.row.not_applicable:
                self.problem(
                    leaf.row.weight.cell,
                    f"{leaf.row.name}: 分值 is empty and no block total implies it",
                    "table-weight",
                )
            elif leaf.weight is None:
                leaf.weight = Decimal(0)

    # ---- one indicator row ---------------------------------------------------------------------
    def read_leaf(self, leaf: _Leaf) -> None:
        row = leaf.row
        weight = leaf.weight or Decimal(0)
        leaf.spec = {"id": leaf.id}
        if leaf.id != row.name:
            leaf.spec["name"] = row.name
        leaf.spec["weight"] = weight
        self.scores[leaf.id] = row.score
        deviation = _deviation(row.deviation.value)
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
        in_name = _NAME_QUANTITY.search(name)
        unit_in_name = _NAME_UNIT.search(name)
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

    def quantitative_rule(self, leaf: _Leaf, target: Target, actual: Any) -> dict[str, Any] | None:
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

    def qualitative(self, leaf: _Leaf, weight: Decimal) -> None:
        row = leaf.row
        leaf.spec["rule"] = {"kind": "qualitative", "target": row.target.value or ""}
        score = row.score.value
        if score is None:
            self.problem(
                row.score.cell,
                f"{row.name}: a qualitative indicator needs its 得分 to know its tier",
                "table-score",
            )
            return
        if weight <= 0:  # a row worth nothing: rated in full, no share of zero to divide
            self.ratings[leaf.id] = {
                "tier": "达成",
                "share": 1,
                "narrative": row.actual.value or "",
            }
            return
        given = min(max(score, Decimal(0)), weight)
        if given != score:
            self.notice(
                row.score.cell,
                f"得分 {format_number(score)} 超出 [0, {format_number(weight)}]：评级按 {format_number(given)}（复核：score_above_weight）",
            )
        share = given / weight
        tier = _tier_of(share)
        named = _named_tier(row.actual.value)
        if named is not None and named != tier:
            self.notice(
                row.score.cell,
                f"实际完成值写“{row.actual.value}”（{named}），得分 {format_number(score)} / "
                f"{format_number(weight)} 属于“{tier}”：按得分定级（复核：tier_range）",
            )
        self.ratings[leaf.id] = {"tier": tier, "score": given, "narrative": row.actual.value or ""}

    # ---- tree and stated view -----------------------------------------------------------------
    def tree(self, leaves: list[_Leaf]) -> list[dict[str, Any]]:
        root: dict[str, Any] = {"children": [], "index": {}}
        for leaf in leaves:
            node = root
            for part in leaf.row.path[:-1]:
                index = node["index"]
                if part.value not in index:
                    child = {
                        "id": self.indicator_ids.make(part.value, "指标"),
                        "name": part.value,
                        "children": [],
                        "index": {},
                    }
                    index[part.value] = child
                    node["children"].append(child)
                node = node["index"][part.value]
            node["children"].append(leaf.spec)

        def finish(node: dict[str, Any]) -> dict[str, Any]:
            if "rule" in node:
                return node
            children = [finish(child) for child in node["children"]]
            out = {"id": node["id"]}
            if node["name"] != node["id"]:
                out["name"] = node["name"]
            out["weight"] = sum((c["weight"] for c in children), Decimal(0))
            out["children"] = children
            return out

        return [finish(child) for child in root["children"]]

    def stated_view(self, leaves: list[_Leaf]) -> None:
        table, stated = self.table, self.stated
        stated.total_weight = table.total_weight
        stated.total = table.total
        stated.grade = table.grade
        funds = table.funds
        if stated.funds_leaf is not None and funds is not None:
            stated.rows[EXECUTION_ID] = StatedRow(
                id=EXECUTION_ID,
                name="预算执行率（资金执行情况）",
                weight=funds.weight.value,
                score=funds.score.value,
                deviation="",
                name_cell=funds.label_cell,
                weight_cell=funds.weight.cell,
                score_cell=funds.score.cell,
                deviation_cell=funds.score.cell,
            )
        for leaf in leaves:
            row = leaf.row
            named = (
                _named_tier(row.actual.value)
                if leaf.spec.get("rule", {}).get("kind") == "qualitative"
                else None
            )
            stated.rows[leaf.id] = StatedRow(
                id=leaf.id,
                name=row.name,
                weight=row.weight.value,
                score=row.score.value,
                deviation=_deviation(row.deviation.value),
                name_cell=row.name_cell,
                weight_cell=row.weight.cell,
                score_cell=row.score.cell,
                deviation_cell=row.deviation.cell,
                tier=named,
                tier_cell=row.actual.cell if named else "",
            )
        for path, block in table.blocks:
            inside = tuple(leaf.id for leaf in leaves if _under(leaf.row, path))
            if inside:
                stated.blocks.append(StatedBlock(" / ".join(path), block.value, block.cell, inside))


def to_pair(table: FiledTable) -> Imported:
    """Interpret a read table; ``TableError`` lists every cell that cannot be used, in one run."""
    return _Converter(table).run()


# ---- helpers ------------------------------------------------------------------------------------


def _deviation(text: str) -> str:
    """The 偏差原因 as written; "/" and the exporter's own "未填写" marker are no explanation."""
    if not text or is_not_applicable(text) or text == MISSING_DEVIATION:
        return ""
    return text


def _id_source(name: str) -> str:
    """An id from a name without the target written into it ("完成率100%" → "完成率")."""
    text = normalize(name)
    return _NAME_UNIT.sub("", _NAME_QUANTITY.sub("", text)) or text


def _under(row: FiledRow, path: tuple[str, ...]) -> bool:
    names = tuple(p.value for p in row.path[:-1])
    return names[: len(path)] == path


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _kind_of(unit: str) -> tuple[str, str]:
    if unit in ("%", "‰"):
        return "rate", ""
    if money_factor(unit) is not None:
        return "money", unit
    return "number", unit


def _shown(text: str | None) -> str:
    return "" if text is None or is_not_applicable(text) else text


def _tier_of(share: Decimal) -> str:
    for tier, bounds in DEFAULT_TIERS.items():
        low, high = bounds["min"], bounds["max"]
        if low <= share < high or (high == 1 and share == 1):
            return tier
    return "未达成"


def _named_tier(text: str | None) -> str | None:
    if not text:
        return None
    words = normalize(text)
    for tier, names in _TIER_WORDS:
        if any(name in words for name in names):
            return tier
    return None


def _score_rules(imported: Imported) -> Result:
    """Load and score the pair without adjustments: the rules' view of the filed table."""
    from ..engine import score
    from ..facts import facts_from_mapping
    from ..loader import load_spec_text

    source = f"{Path(imported.table.file).name}（{imported.table.sheet}）"
    try:
        spec = load_spec_text(dump_yaml(imported.spec), f"<spec from {source}>")
        return score(
            spec, facts_from_mapping(imported.facts(adjusted=False), f"<facts from {source}>")
        )
    except ScoringError as exc:
        raise TableError(
            [
                Problem(
                    f"the imported spec and facts do not score: {p}",
                    "table-import",
                    file=imported.table.file,
                )
                for p in exc.problems
            ]
        ) from exc


def _adjustments(
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


# ---- YAML out -------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format_number(value)
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


# Text the strict loader would read as something else (a number, yes/no, null) is quoted.
_NOT_TEXT = re.compile(r"[-+.]?\d.*|true|false|null|~|", re.IGNORECASE)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "'" if _NOT_TEXT.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(str, _text)


def dump_yaml(data: Any) -> str:
    """YAML as the strict loader reads it back: Chinese unescaped, Decimals written digit for digit."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
