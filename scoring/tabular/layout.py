"""Where the read leaves go: nested into the spec's indicator tree, and listed in the stated view.

The tree's groups come from the rows' paths (一级 / 二级 指标), each group weighing what its
children weigh. The stated view (``Stated``) lists every leaf's filed 分值, 得分 and 偏差原因 with
their cells, the funds row, and the printed block totals, for review to compare against.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .draft import Draft, Leaf, deviation_text, in_block
from .funds import EXECUTION_ID
from .ratings import named_tier
from .stated import StatedBlock, StatedRow

__all__ = ["indicator_tree", "stated_view"]


def indicator_tree(draft: Draft, leaves: list[Leaf]) -> list[dict[str, Any]]:
    """The spec's indicators: a group per path name, in the order the rows first name it."""
    root: dict[str, Any] = {"children": [], "index": {}}
    for leaf in leaves:
        node = root
        for part in leaf.row.path[:-1]:
            index = node["index"]
            if part.value not in index:
                child = {
                    "id": draft.indicator_ids.make(part.value, "指标"),
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


def stated_view(draft: Draft, leaves: list[Leaf]) -> None:
    """What the table states, for review: totals, grade, each leaf's row and each block."""
    table, stated = draft.table, draft.stated
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
            named_tier(row.actual.value)
            if leaf.spec.get("rule", {}).get("kind") == "qualitative"
            else None
        )
        stated.rows[leaf.id] = StatedRow(
            id=leaf.id,
            name=row.name,
            weight=row.weight.value,
            score=row.score.value,
            deviation=deviation_text(row.deviation.value),
            name_cell=row.name_cell,
            weight_cell=row.weight.cell,
            score_cell=row.score.cell,
            deviation_cell=row.deviation.cell,
            tier=named,
            tier_cell=row.actual.cell if named else "",
            not_applicable=row.not_applicable,
            actual=row.actual.value,
            target=row.target.value,
        )
    for path, block in table.blocks:
        inside = tuple(leaf.id for leaf in leaves if in_block(leaf.row, path))
        if inside:
            stated.blocks.append(StatedBlock(" / ".join(path), block.value, block.cell, inside))
