"""A flat record's cells → its id and the facts mapping ``score`` reads, by the input's ``ColumnMap``.

``row_to_mapping`` turns each row into ``{"project": …, "values": …, "ratings": …,
"not_applicable": …, "deviations": …}`` without looking anything up by name: what each column
means was settled once per input by ``scoring.batch.column_map``. That module holds the naming
rules and runs once per header; this one runs once per record, and reads nothing of the header
but the ``ColumnMap``. A rating whose tier is a 不适用 marker, and each id of a ``not_applicable``
cell (``parse_not_applicable``, shared with ``scoring.batch.fastrows``), marks its indicator not
applicable. Every value problem is left to the engine, which reports it per record.
``ColumnMap`` and ``build_column_map`` can still be imported from here (docs/batch.md does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..engine.facts import is_year
from ..numbers.cell_text import is_not_applicable
from .column_map import ColumnMap

__all__ = ["is_empty", "parse_not_applicable", "row_to_mapping", "year_refused"]

_NA_SPLIT = re.compile(r"[;；]")
DEFAULT_NA_REASON = "输入中标为不适用"


def is_empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: Any) -> str:
    return cell if cell.__class__ is str else str(cell)


def year_refused(cell: Any) -> bool:
    """Whether the engine refuses a 年度 cell: ``row_to_mapping`` reads it into
    ``project.year``, which must begin with the year evaluated. The fast paths score without
    the project's fields, so they leave a row with such a cell to the engine, which words it."""
    if cell.__class__ is str:
        cell = cell.strip() or None
    return cell is not None and not is_year(_text(cell))


def parse_not_applicable(text: str) -> dict[str, str]:
    """A not_applicable cell, ``id: reason; id2`` → {id: reason}, the reason defaulted."""
    marked: dict[str, str] = {}
    for item in _NA_SPLIT.split(text):
        node_id, _, reason = item.replace("：", ":").partition(":")
        if node_id.strip():
            marked[node_id.strip()] = reason.strip() or DEFAULT_NA_REASON
    return marked


def row_to_mapping(
    cmap: ColumnMap, cells: Sequence[Any], fallback_id: str
) -> tuple[str, dict[str, Any]]:
    """One row's record id and facts mapping; empty cells are left out (a default or an error).

    ``cells`` has at least ``cmap.width`` cells. This runs once per record of a batch, so it is
    written for speed: every cell is stripped once, and a column the input lacks points at
    ``cmap.absent``, a None appended to the row, so nothing below tests for missing columns.
    """
    row = [(cell.strip() or None) if cell.__class__ is str else cell for cell in cells]
    row.append(None)
    record_id = row[cmap.id_index]
    record_id = fallback_id if record_id is None else _text(record_id)
    name = row[cmap.name_index]
    project: dict[str, Any] = {"name": record_id if name is None else _text(name)}
    for col, field in cmap.project:
        cell = row[col]
        if cell is not None:
            project[field] = _text(cell)
    values: dict[str, Any] = {}
    for col, fact_id in cmap.values:
        cell = row[col]
        if cell is not None:
            values[fact_id] = cell
    mapping: dict[str, Any] = {"project": project, "values": values}
    ratings: dict[str, Any] = {}
    not_applicable: dict[str, str] = {}
    tiers = cmap.tiers
    for node_id, tier_col, score_col, share_col, narrative_col in cmap.ratings:
        tier, score, share = row[tier_col], row[score_col], row[share_col]
        narrative = row[narrative_col]
        if tier is not None and tier not in tiers and is_not_applicable(tier):
            not_applicable[node_id] = DEFAULT_NA_REASON if narrative is None else _text(narrative)
            continue
        rating: dict[str, Any] = {}
        if tier is not None:
            rating["tier"] = _text(tier)
        if score is not None:
            rating["score"] = score
        if share is not None:
            rating["share"] = share
        if narrative is not None:
            rating["narrative"] = _text(narrative)
        if rating:
            ratings[node_id] = rating
    na_list = row[cmap.not_applicable]
    if na_list is not None:
        not_applicable.update(parse_not_applicable(_text(na_list)))
    if ratings:
        mapping["ratings"] = ratings
    if not_applicable:
        mapping["not_applicable"] = not_applicable
    if cmap.deviations:
        deviations = {node_id: _text(row[col]) for col, node_id in cmap.deviations if row[col]}
        if deviations:
            mapping["deviations"] = deviations
    return record_id, mapping
