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
leaf (全年执行数 ÷ 全年预算数 × 分值, capped). A missing leaf weight is taken from a printed
total only when that leaves one answer, and said so as a notice. A cell that cannot be used is a
``Defect`` (a review finding, never a refusal): its row is imported rated by its stated score and
left out of the recomputation (``Stated.left_out``). Stated scores that differ
from the rule become adjustments (with the cell as the reason) so that the facts reproduce the
filed table; ``Imported.facts(adjusted=False)`` gives the rule's view that review recomputes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engine.result import Result
from ..errors import Problem, ScoringError
from ..i18n import tr, ui
from ..numbers.text import format_number, places_of
from ..spec.model import DEFAULT_GRADES
from .draft import Draft, Leaf
from .filed import Defect, FiledTable, Notice
from .funds_leaf import read_funds
from .layout import indicator_tree, stated_view
from .names import id_source
from .parse import read_table
from .ratings import adjustments
from .rows import read_leaf
from .sheet import TableError
from .stated import Stated
from .weights import infer_weights
from .yaml_dump import dump_yaml

__all__ = ["Imported", "dump_yaml", "import_table"]


@dataclass
class Imported:
    """The spec and facts (as YAML-ready mappings) made from a filed table, and what it states."""

    table: FiledTable
    spec: dict[str, Any]
    base_facts: dict[str, Any]
    adjustments: list[dict[str, Any]]
    stated: Stated
    notices: list[Notice] = field(default_factory=list)
    rule_result: Result | None = None  # the pair scored under the rules; None: nothing weighs
    defects: list[Defect] = field(default_factory=list)  # cells that cannot be used as filed

    def facts(self, *, adjusted: bool = True) -> dict[str, Any]:
        """The facts; with ``adjusted`` the filed scores are kept as evaluator adjustments."""
        facts = dict(self.base_facts)
        if adjusted and self.adjustments:
            facts["adjustments"] = list(self.adjustments)
        return facts


def import_table(
    path: str | os.PathLike[str], sheet: str | None = None, *, unscored: bool = False
) -> Imported:
    """Read a filed 自评表 and make its spec + facts pair. ``TableError`` only when the file cannot
    be opened, has no 自评表 or no indicator row, or (unless ``unscored``, as review asks) no
    applicable row weighs anything; every unusable cell is a defect. With ``unscored``, a table
    where nothing applicable weighs anything gives ``rule_result`` None instead of
    ``table-empty``."""
    table = read_table(path, sheet)
    imported = convert(Draft(table))
    if imported.rule_result is None and not unscored:
        raise TableError.at(
            tr("table-empty", "no applicable indicator has a weight: nothing to score"),
            "table-empty",
            file=table.file,
            path=table.header_cell,
        )
    return imported


def convert(draft: Draft) -> Imported:
    """One table's conversion: the steps, in their order, and the assembly of the pair."""
    table = draft.table
    if draft.problems:
        raise TableError(draft.problems)
    read_funds(draft)
    if not table.rows and draft.funds_leaf is None:
        raise TableError.at(
            tr("table-empty", "no indicator rows under the header: nothing to review"),
            "table-empty",
            file=table.file,
            path=table.header_cell,
        )
    leaves = [
        Leaf(row, draft.indicator_ids.make(id_source(row.name), "指标"), row.weight.value)
        for row in table.rows
    ]
    for leaf in leaves:
        if leaf.row.truncated:
            draft.leave_out(leaf, "truncated_row")
    infer_weights(draft, leaves)
    for leaf in leaves:
        read_leaf(draft, leaf)
    indicators = indicator_tree(draft, leaves)
    funds = Decimal(0)
    if draft.funds_leaf is not None:
        indicators.insert(0, draft.funds_leaf)
        funds = draft.funds_leaf["weight"]
    total = funds + sum((leaf.weight or Decimal(0) for leaf in leaves), Decimal(0))
    if table.total_weight is not None and table.total_weight.value != total:
        draft.notice(
            table.total_weight.cell,
            ui(
                "the weights sum to {weights}, not to the total {total}; imported as {weights} "
                "(review: weights_sum)",
                weights=format_number(total),
                total=format_number(table.total_weight.value),
            ),
        )
    applicable = funds + sum(
        (leaf.weight or Decimal(0) for leaf in leaves if not leaf.row.not_applicable), Decimal(0)
    )
    spec = spec_mapping(draft, indicators, total, leaves)
    facts = facts_mapping(draft)
    stated_view(draft, leaves)
    draft.stated.defects = list(draft.defects)
    draft.stated.left_out = dict(draft.left_out)
    imported = Imported(table, spec, facts, [], draft.stated, draft.notices, defects=draft.defects)
    if total > 0 and applicable > 0:
        imported.rule_result = _score_rules(imported)
        imported.adjustments = adjustments(imported.rule_result, draft.scores)
    return imported


def spec_mapping(
    draft: Draft, indicators: list[dict[str, Any]], total: Decimal, leaves: list[Leaf]
) -> dict[str, Any]:
    numbers = [leaf.weight for leaf in leaves] + [s.value for s in draft.scores.values()]
    places = max([2] + [places_of(n) for n in numbers if n is not None])
    grades: dict[str, Decimal] = dict(DEFAULT_GRADES)
    # (With weights left out at 0 the lines fall with the total; the review then gives no
    # recomputed grade, since those rows could change it.)
    basis = total
    if basis < max(grades.values()):
        grades = {k: (v * basis / 100).quantize(Decimal("0.01")) for k, v in grades.items()}
        draft.notice(
            draft.table.header_cell,
            ui(
                "the total {total} is below 90: the grade lines are scaled in proportion",
                total=format_number(basis),
            ),
        )
    name = draft.table.project.get("name")
    title = name.value if name else Path(draft.table.file).stem
    spec: dict[str, Any] = {
        "id": "imported",
        "name": f"{title} 绩效自评表（导入）",
        "version": "imported",
        "description": f"由 jixiao import 从 {Path(draft.table.file).name}（{draft.table.sheet}）导入",
        "total": total,
        "rounding": {"places": min(places, 6), "mode": "half_up"},
        "grades": grades,
        "reverse_formula": "t_over_a",
    }
    if draft.facts:
        spec["facts"] = draft.facts
    if draft.derived:
        spec["derived"] = draft.derived
    spec["indicators"] = indicators
    return spec


def facts_mapping(draft: Draft) -> dict[str, Any]:
    table = draft.table
    project: dict[str, Any] = {}
    name = table.project.get("name")
    if name is None:
        draft.notice(table.header_cell, ui("项目名称 not found; the file name is used"))
    project["name"] = name.value if name else Path(table.file).stem
    for key in ("code", "department", "unit", "year"):
        if key in table.project:
            project[key] = table.project[key].value
    if table.goal:
        project["goal"] = {k: v.value for k, v in table.goal.items()}
    facts: dict[str, Any] = {"project": project}
    if draft.values:
        facts["values"] = draft.values
    if draft.ratings:
        facts["ratings"] = draft.ratings
    if draft.not_applicable:
        facts["not_applicable"] = draft.not_applicable
    if draft.deviations:
        facts["deviations"] = draft.deviations
    return facts


def _score_rules(imported: Imported) -> Result:
    """Load and score the pair without adjustments: the rules' view of the filed table."""
    from ..engine.facts import facts_from_mapping
    from ..engine.scorer import score
    from ..spec.loader import load_spec_text

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
                    tr(
                        "table-import",
                        "the imported spec and facts do not score: {problem}",
                        problem=p,
                    ),
                    "table-import",
                    file=imported.table.file,
                )
                for p in exc.problems
            ]
        ) from exc
