"""What a filed table states: each indicator's 分值, 得分 and 偏差原因 with their cells, the total,
the grade. Review compares it with the engine's recomputation.

A ``Stated`` comes from a filed spreadsheet (``tabular.convert``), from the ``stated.yaml`` that
``jixiao import`` writes beside the spec and facts, or from a facts file's adjustments (the final
scores an evaluator gave, against the rule's). ``to_mapping`` / ``from_mapping`` are the YAML form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import FactsError, Problem
from ..i18n import tr
from ..numbers.limits import QuantityError, show
from ..numbers.quantities import parse_number
from .filed import Defect, Located

__all__ = ["Stated", "StatedBlock", "StatedRow", "from_mapping", "to_mapping"]


@dataclass(frozen=True)
class StatedRow:
    """One leaf indicator as filed. Cells are ``Sheet1!H14`` for a table, ``indicators[id]`` else."""

    id: str
    name: str
    weight: Decimal | None
    score: Decimal | None
    deviation: str
    name_cell: str
    weight_cell: str
    score_cell: str
    deviation_cell: str
    tier: str | None = None  # the 定性 tier the evaluator named (actual text "部分达成" …)
    tier_cell: str = ""
    not_applicable: bool = False
    actual: str | None = None  # 实际完成值 and 年度指标值 as printed (for qualitative checks)
    target: str | None = None


@dataclass(frozen=True)
class StatedBlock:
    """A block weight as printed (产出指标（50分）, a 小计 row …) and the leaves it covers."""

    name: str
    weight: Decimal
    cell: str
    leaves: tuple[str, ...]


@dataclass
class Stated:
    source: str
    rows: dict[str, StatedRow] = field(default_factory=dict)
    blocks: list[StatedBlock] = field(default_factory=list)
    total_weight: Located[Decimal] | None = None
    total: Located[Decimal] | None = None
    grade: Located[str] | None = None
    funds_leaf: str | None = None  # the leaf scored in the funds row (预算执行率), if any
    funds_rate: Located[str] | None = None  # 执行率 as printed in the funds row
    # The funds row's amounts (全年预算数, 全年执行数, in the table's unit) and their ratio; the
    # ratio from the source rows when the 年度资金总额 row gives none (0 / 0 printed).
    funds_budget: Decimal | None = None
    funds_spent: Decimal | None = None
    funds_computed_rate: Decimal | None = None
    funds_repeated: Located[Decimal] | None = None  # a source row's own 得分: counted again
    defects: list[Defect] = field(default_factory=list)  # cells that cannot be used as filed
    left_out: dict[str, str] = field(default_factory=dict)  # leaf id → why it is not recomputed


def to_mapping(stated: Stated) -> dict[str, Any]:
    """The YAML form written as ``stated.yaml``."""
    out: dict[str, Any] = {"source": stated.source}
    for key in ("total_weight", "total", "grade", "funds_rate", "funds_repeated"):
        located = getattr(stated, key)
        if located is not None:
            out[key] = {"value": located.value, "cell": located.cell}
    for key in ("funds_budget", "funds_spent", "funds_computed_rate"):
        if getattr(stated, key) is not None:
            out[key] = getattr(stated, key)
    if stated.funds_leaf:
        out["funds_leaf"] = stated.funds_leaf
    rows: dict[str, Any] = {}
    for row in stated.rows.values():
        item: dict[str, Any] = {
            "name": row.name,
            "weight": row.weight,
            "score": row.score,
            "cells": {
                "name": row.name_cell,
                "weight": row.weight_cell,
                "score": row.score_cell,
                "deviation": row.deviation_cell,
            },
        }
        if row.deviation:
            item["deviation"] = row.deviation
        if row.tier:
            item["tier"] = {"value": row.tier, "cell": row.tier_cell}
        if row.not_applicable:
            item["not_applicable"] = True
        for key in ("actual", "target"):
            if getattr(row, key) is not None:
                item[key] = getattr(row, key)
        rows[row.id] = item
    out["rows"] = rows
    if stated.left_out:
        out["left_out"] = dict(stated.left_out)
    if stated.defects:
        out["defects"] = [
            {"code": d.code, "cell": d.cell, "message": d.message, "row": d.row}
            for d in stated.defects
        ]
    if stated.blocks:
        out["blocks"] = [
            {"name": b.name, "weight": b.weight, "cell": b.cell, "leaves": list(b.leaves)}
            for b in stated.blocks
        ]
    return out


def from_mapping(data: Any, file: str) -> Stated:
    """Read ``stated.yaml``; a malformed one is a FactsError naming the key."""
    problems: list[Problem] = []

    def fail(path: str, message: str) -> None:
        problems.append(Problem(message, "stated-shape", file=file, path=path))

    def number(value: Any, path: str) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            fail(path, tr("stated-shape", "expected a number, got {value}", value=show(str(value))))
            return None
        try:  # the one bounded reader: 1e400 or 5,000 digits is a located error, not a crash
            return parse_number(value)
        except QuantityError as exc:
            fail(path, exc.message)
            return None

    def located(key: str, read: Callable[[Any, str], Any] = number) -> Located[Any] | None:
        """``{value: …, cell: …}`` under ``key``, its value read by ``read`` (a number, or text)."""
        item = data.get(key)
        if item is None:
            return None
        if not isinstance(item, Mapping) or "value" not in item:
            fail(key, tr("stated-shape", "expected {{value: …, cell: …}}"))
            return None
        value = read(item["value"], f"{key}.value")
        return None if value is None else Located(value, str(item.get("cell", key)))

    def text(value: Any, path: str) -> str:
        return str(value)

    if not isinstance(data, Mapping):
        raise FactsError(
            Problem(tr("stated-shape", "expected a mapping with rows:"), "stated-shape", file=file)
        )
    stated = Stated(source=str(data.get("source", file)))
    stated.total_weight = located("total_weight")
    stated.total = located("total")
    stated.grade = located("grade", text)
    stated.funds_rate = located("funds_rate", text)
    stated.funds_repeated = located("funds_repeated")
    stated.funds_budget = number(data.get("funds_budget"), "funds_budget")
    stated.funds_spent = number(data.get("funds_spent"), "funds_spent")
    stated.funds_computed_rate = number(data.get("funds_computed_rate"), "funds_computed_rate")
    stated.funds_leaf = data.get("funds_leaf")
    rows = data.get("rows") or {}
    if not isinstance(rows, Mapping):
        fail("rows", tr("stated-shape", "expected indicator id → {{weight, score, cells}}"))
        rows = {}
    for key, item in rows.items():
        path = f"rows.{key}"
        if not isinstance(item, Mapping):
            fail(path, tr("stated-shape", "expected {{weight, score, cells}}"))
            continue
        cells = item.get("cells") or {}
        where = f"indicators[{key}]"
        tier = item.get("tier") or {}
        stated.rows[str(key)] = StatedRow(
            id=str(key),
            name=str(item.get("name", key)),
            weight=number(item.get("weight"), f"{path}.weight"),
            score=number(item.get("score"), f"{path}.score"),
            deviation=str(item.get("deviation") or ""),
            name_cell=str(cells.get("name", where)),
            weight_cell=str(cells.get("weight", where)),
            score_cell=str(cells.get("score", where)),
            deviation_cell=str(cells.get("deviation", where)),
            tier=str(tier["value"]) if isinstance(tier, Mapping) and "value" in tier else None,
            tier_cell=str(tier.get("cell", where)) if isinstance(tier, Mapping) else "",
            not_applicable=bool(item.get("not_applicable", False)),
            actual=None if item.get("actual") is None else str(item["actual"]),
            target=None if item.get("target") is None else str(item["target"]),
        )
    for index, item in enumerate(data.get("blocks") or []):
        weight = (
            number(item.get("weight"), f"blocks[{index}].weight")
            if isinstance(item, Mapping)
            else None
        )
        if weight is None or not isinstance(item, Mapping):
            fail(f"blocks[{index}]", tr("stated-shape", "expected {{name, weight, cell, leaves}}"))
            continue
        stated.blocks.append(
            StatedBlock(
                str(item.get("name", "")),
                weight,
                str(item.get("cell", "")),
                tuple(str(x) for x in item.get("leaves") or ()),
            )
        )
    left_out = data.get("left_out") or {}
    if isinstance(left_out, Mapping):
        stated.left_out = {str(k): str(v) for k, v in left_out.items()}
    else:
        fail("left_out", tr("stated-shape", "expected indicator id → code"))
    for index, item in enumerate(data.get("defects") or []):
        if not isinstance(item, Mapping) or not {"code", "cell", "message"} <= item.keys():
            fail(f"defects[{index}]", tr("stated-shape", "expected {{code, cell, message}}"))
            continue
        row = item.get("row", 0)
        stated.defects.append(
            Defect(
                str(item["code"]),
                str(item["cell"]),
                str(item["message"]),
                row if isinstance(row, int) else 0,
            )
        )
    if problems:
        raise FactsError(problems)
    return stated
