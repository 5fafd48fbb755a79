"""Where a review's two sides come from: a filed spreadsheet, or a spec + facts pair.

For a spreadsheet the stated side is the table itself and the recomputed side is the spec + facts
``jixiao import`` would write, scored without adjustments. For a pair, the recomputed side is the
pair scored without its adjustments, and the stated side is either ``stated.yaml`` (as ``jixiao
import`` writes it: every cell, the total, the grade) or, without it, the pair's own final scores
(rule + adjustments), with the indicator ids standing in for cells.
"""

from __future__ import annotations

import os
from dataclasses import replace

from ..engine.facts import Facts, load_facts
from ..engine.result import Result
from ..engine.scorer import score
from ..errors import FactsError
from ..spec.loader import load_spec
from ..tabular.convert import import_table
from ..tabular.filed import Located
from ..tabular.funds import EXECUTION_ID
from ..tabular.stated import Stated, StatedRow, from_mapping
from ..yamlio.load import load_yaml, read_text
from .checks import review
from .findings import Review

__all__ = ["review_pair", "review_table", "stated_from_facts", "stated_from_result"]


def review_table(path: str | os.PathLike[str], sheet: str | None = None) -> Review:
    """Review a filed 自评表. Raises ``TableError`` only when the file cannot be opened or holds no
    自评表 or no indicator row; every cell that cannot be used is a finding."""
    imported = import_table(path, sheet, unscored=True)
    name = imported.table.project.get("name")
    return review(
        imported.rule_result,
        imported.stated,
        imported.notices,
        project=name.value if name is not None else "",
    )


def review_pair(
    spec_path: str | os.PathLike[str],
    facts_path: str | os.PathLike[str],
    stated_path: str | os.PathLike[str] | None = None,
) -> Review:
    spec = load_spec(spec_path)
    facts = load_facts(facts_path)
    rules = score(spec, replace(facts, adjustments=()))
    if stated_path is None and facts.stated is not None:
        stated = stated_from_facts(score(spec, facts), facts, os.fspath(facts_path))
    elif stated_path is not None:
        name = os.fspath(stated_path)
        document = load_yaml(
            read_text(stated_path, error_cls=FactsError), name, error_cls=FactsError
        )
        stated = from_mapping(document.data, name)
    else:
        stated = stated_from_result(score(spec, facts), os.fspath(facts_path))
    return review(rules, stated, project=str(facts.project.get("name") or ""))


def stated_from_result(final: Result, source: str) -> Stated:
    """The stated side of a pair without ``stated.yaml``: its final scores, cells by indicator id."""
    stated = Stated(source=source)
    adjusted = {item.indicator for item in final.adjustments}
    for leaf in final.leaves():
        where = f"indicators[{leaf.id}]"
        score_cell = f"adjustments[{leaf.id}]" if leaf.id in adjusted else where
        outcome = leaf.outcome
        tier = outcome.actual if outcome is not None and isinstance(outcome.actual, str) else None
        stated.rows[leaf.id] = StatedRow(
            id=leaf.id,
            name=leaf.name,
            weight=leaf.weight,
            score=leaf.score,
            deviation=leaf.deviation or "",
            name_cell=where,
            weight_cell=where,
            score_cell=score_cell,
            deviation_cell=f"deviations[{leaf.id}]",
            tier=tier,
            tier_cell=f"ratings[{leaf.id}]" if tier else "",
            not_applicable=leaf.not_applicable is not None,
        )
    stated.total = Located(final.total, "total")
    stated.grade = Located(final.grade, "grade")
    if any(top.id == EXECUTION_ID for top in final.indicators):
        stated.funds_leaf = EXECUTION_ID
    return stated


def stated_from_facts(final: Result, facts: Facts, source: str) -> Stated:
    """The stated side from the facts' own ``stated:`` section (the filed total, grade, scores);
    indicators it leaves out keep their final scores."""
    stated = stated_from_result(final, source)
    filed = facts.stated
    assert filed is not None
    for key, points in filed.scores.items():
        row = stated.rows.get(key)
        if row is not None:
            stated.rows[key] = replace(row, score=points, score_cell=f"stated.scores[{key}]")
    if filed.total is not None:
        stated.total = Located(filed.total, "stated.total")
    if filed.grade is not None:
        stated.grade = Located(filed.grade, "stated.grade")
    return stated
