"""A header of flat records (a CSV/XLSX header row, a JSON Lines object's keys) → a ``ColumnMap``.

A header is resolved once per input into a ``ColumnMap``: what each column means. Every rule for
naming a column is here; the rows are then read by the map alone, once per record
(``scoring.batch.columns.row_to_mapping``, or ``scoring.batch.fastrows`` on the fast path), so the
map is all the per-record code needs of this module. Column names, in the order they are
tried:

* the id column: ``--id-column`` if given, else ``id``, else ``项目名称``;
* a fact, by id (``预算资金``) or by label (``年度预算资金``);
* a project field: 项目名称/name, 项目编码/code, 实施单位/unit, 主管部门/department,
  年度/评价年度/year, 评价人/填报人/evaluator, 填报日期/date;
* a qualitative rating part: ``<indicator>.tier`` (等级), ``.score`` (得分), ``.share`` (得分率),
  ``.narrative`` (评价说明), and ``<indicator>.deviation`` (偏差原因) for any leaf;
* ``not_applicable`` (不适用指标): indicator ids separated by ``;``, each optionally ``id: reason``.

A header problem (unknown, duplicate or unnamed column) is an error of the whole input, reported
with the column's position; every value problem is left to the engine, which reports it per record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..errors import Problem, did_you_mean
from ..i18n import tr
from ..spec.compiled import Spec

__all__ = ["ColumnMap", "build_column_map"]

_SUGGESTED = 100  # header problems after which no near names are looked for

ID_COLUMNS = ("id", "项目名称")
NOT_APPLICABLE_COLUMNS = frozenset({"not_applicable", "不适用指标"})
PROJECT_COLUMNS: Mapping[str, str] = {
    "项目名称": "name",
    "name": "name",
    "项目编码": "code",
    "code": "code",
    "实施单位": "unit",
    "unit": "unit",
    "主管部门": "department",
    "department": "department",
    "年度": "year",
    "评价年度": "year",
    "year": "year",
    "评价人": "evaluator",
    "填报人": "evaluator",
    "evaluator": "evaluator",
    "填报日期": "date",
    "date": "date",
}
RATING_PARTS: Mapping[str, str] = {
    "tier": "tier",
    "等级": "tier",
    "score": "score",
    "得分": "score",
    "share": "share",
    "得分率": "share",
    "narrative": "narrative",
    "评价说明": "narrative",
}
DEVIATION_PARTS = frozenset({"deviation", "偏差原因"})


@dataclass(frozen=True)
class ColumnMap:
    """What each column of one input means; built once per header, read for every row."""

    file: str
    width: int  # columns in the header; ``absent`` (== width) stands for a column it lacks
    id_index: int
    name_index: int
    values: tuple[tuple[int, str], ...]  # (column, fact id)
    project: tuple[tuple[int, str], ...]  # (column, project field)
    ratings: tuple[tuple[str, int, int, int, int], ...]  # indicator, tier/score/share/narrative
    tiers: frozenset[str]  # every tier id a rating may name: anything else may be 不适用
    deviations: tuple[tuple[int, str], ...]  # (column, indicator id)
    not_applicable: int

    @property
    def absent(self) -> int:
        return self.width

    @property
    def year_index(self) -> int | None:
        """The 年度 column, or None: the one project field the engine checks
        (``columns.year_refused``)."""
        return next((col for col, field in self.project if field == "year"), None)


def build_column_map(
    spec: Spec,
    header: Sequence[object],
    *,
    file: str,
    row: int | None = 1,
    id_column: str | None = None,
) -> tuple[ColumnMap | None, list[Problem]]:
    """Resolve a header against the spec; every problem is returned (the map is None if any)."""
    problems: list[Problem] = []

    def problem(col: int | None, message: str, code: str) -> None:
        column = None if col is None or row is None else col + 1
        problems.append(Problem(message, code, file=file, line=row, column=column))

    def suggest(name: str, choices: Iterable[str]) -> str:
        # A header of thousands of unknown columns (a wrong file) is reported in full, but
        # looking for near names costs a fraction of a millisecond each: the first ones only.
        if len(problems) >= _SUGGESTED:
            return ""
        return did_you_mean(name, choices)

    names = [("" if cell is None else str(cell)).strip() for cell in header]
    while names and not names[-1]:
        names.pop()  # spreadsheets often carry formatted but empty columns at the right
    seen: dict[str, int] = {}
    for col, name in enumerate(names):
        if not name:
            message = tr("batch-column-unnamed", "column has no name; name it or delete it")
            problem(col, message, "batch-column-unnamed")
        elif name in seen:
            problem(
                col,
                tr(
                    "batch-column-duplicate",
                    "column {name!r} appears twice (first in column {first})",
                    name=name,
                    first=seen[name] + 1,
                ),
                "batch-column-duplicate",
            )
        else:
            seen[name] = col

    id_index: int | None = None
    if id_column is not None:
        id_index = seen.get(id_column)
        if id_index is None:
            problem(
                None,
                tr(
                    "batch-id-column",
                    "no column {name!r} (--id-column){suggestion}",
                    name=id_column,
                    suggestion=suggest(id_column, seen),
                ),
                "batch-id-column",
            )
    else:
        folded = {name.casefold(): col for name, col in seen.items()}
        id_index = next((folded[name] for name in ID_COLUMNS if name in folded), None)

    labels = {fact.label: fact.id for fact in spec.facts.values() if fact.label != fact.id}
    derived = {d.id for d in spec.derived} | {d.label for d in spec.derived}
    by_name = _nodes_by_name(spec)
    fact_of: dict[str, int] = {}  # fact id → the column giving it
    values: list[tuple[int, str]] = []
    project: list[tuple[int, str]] = []
    ratings: dict[str, list[tuple[int, str]]] = {}
    deviations: list[tuple[int, str]] = []
    not_applicable: int | None = None
    name_index: int | None = None

    for name, col in seen.items():
        if (col == id_index and name not in PROJECT_COLUMNS) or name.casefold() == "id":
            continue  # an `id` column that --id-column passed over names nothing else either
        fact_id = name if name in spec.facts else labels.get(name)
        if fact_id is not None:
            if fact_id in fact_of:
                problem(
                    col,
                    tr(
                        "batch-column-duplicate",
                        "column {name!r} gives fact {fact!r} again (also column {other})",
                        name=name,
                        fact=fact_id,
                        other=fact_of[fact_id] + 1,
                    ),
                    "batch-column-duplicate",
                )
            fact_of[fact_id] = col
            values.append((col, fact_id))
        elif (field := PROJECT_COLUMNS.get(name.casefold())) is not None:
            if field == "name":
                name_index = col
            else:
                project.append((col, field))
        elif name.casefold() in NOT_APPLICABLE_COLUMNS:
            not_applicable = col
        elif "." in name and name.rsplit(".", 1)[1].strip().casefold() in (
            RATING_PARTS.keys() | DEVIATION_PARTS
        ):
            indicator, part = (piece.strip() for piece in name.rsplit(".", 1))
            node_id = indicator if indicator in spec.nodes else by_name.get(indicator)
            if node_id is None:
                problem(
                    col,
                    tr(
                        "batch-unknown-column",
                        "column {name!r}: unknown indicator {indicator!r}{suggestion}",
                        name=name,
                        indicator=indicator,
                        suggestion=suggest(indicator, spec.nodes),
                    ),
                    "batch-unknown-column",
                )
                continue
            node = spec.nodes[node_id]
            part = part.casefold()
            if part in DEVIATION_PARTS:
                deviations.append((col, node_id))
            elif node.rule is None or node.rule.kind != "qualitative":
                problem(
                    col,
                    tr(
                        "batch-rating-not-qualitative",
                        "column {name!r}: indicator {node!r} is scored by rule {kind}, not "
                        "qualitative: it takes no rating",
                        name=name,
                        node=node_id,
                        kind=node.rule.kind,
                    )
                    if node.rule
                    else tr(
                        "batch-rating-not-qualitative",
                        "column {name!r}: indicator {node!r} has children; rate its qualitative "
                        "leaves: it takes no rating",
                        name=name,
                        node=node_id,
                    ),
                    "batch-rating-not-qualitative",
                )
            else:
                ratings.setdefault(node_id, []).append((col, RATING_PARTS[part]))
        elif name in derived:
            problem(
                col,
                tr(
                    "batch-unknown-column",
                    "column {name!r} is a derived value: it is computed, not given",
                    name=name,
                ),
                "batch-unknown-column",
            )
        else:
            known = [*spec.facts, *labels, *PROJECT_COLUMNS, "not_applicable"]
            problem(
                col,
                tr(
                    "batch-unknown-column",
                    "unknown column {name!r}: not a fact id or label, a project field, "
                    "'<indicator>.tier' …, or not_applicable{suggestion}",
                    name=name,
                    suggestion=suggest(name, known),
                ),
                "batch-unknown-column",
            )
    for node_id, parts in ratings.items():
        given = [part for _, part in parts]
        for part in {p for p in given if given.count(p) > 1}:
            message = tr(
                "batch-column-duplicate",
                "indicator {node!r} has two {part} columns",
                node=node_id,
                part=part,
            )
            problem(None, message, "batch-column-duplicate")
    if problems:
        return None, problems
    absent = len(names)
    cmap = ColumnMap(
        file=file,
        width=absent,
        id_index=absent if id_index is None else id_index,
        name_index=absent if name_index is None else name_index,
        values=tuple(values),
        project=tuple(project),
        ratings=tuple(_rating_columns(key, parts, absent) for key, parts in ratings.items()),
        tiers=frozenset(
            tier for node_id in ratings for tier in getattr(spec.nodes[node_id].rule, "by_id", {})
        ),
        deviations=tuple(deviations),
        not_applicable=absent if not_applicable is None else not_applicable,
    )
    return cmap, []


def _rating_columns(
    node_id: str, parts: list[tuple[int, str]], absent: int
) -> tuple[str, int, int, int, int]:
    col = {part: index for index, part in parts}
    return (
        node_id,
        col.get("tier", absent),
        col.get("score", absent),
        col.get("share", absent),
        col.get("narrative", absent),
    )


def _nodes_by_name(spec: Spec) -> dict[str, str]:
    """Indicator wording → id, for names that are unique (ids are always unique)."""
    counts: dict[str, list[str]] = {}
    for node in spec.nodes.values():
        counts.setdefault(node.name, []).append(node.id)
    return {name: ids[0] for name, ids in counts.items() if len(ids) == 1}
