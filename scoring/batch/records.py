"""One raw record (a row's cells, a JSON line, a facts file's path) → its id and facts.

Readers (``inputs``) only split a file into raw records, cheaply, in the main process; the
converters here do the rest — in whichever process scores the record, so with ``--workers`` the
parsing is spread over the workers too. A converter is small and picklable. A record that cannot be
read is not raised: it comes back as the ``ScoringError`` that goes into its row of the output.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from ..compiled import Spec
from ..errors import FactsError, Problem, ScoringError
from ..facts import Facts, load_facts
from ..result import Totals
from .column_map import ColumnMap, build_column_map
from .columns import is_empty, row_to_mapping

__all__ = [
    "FACTS_KEYS",
    "Converted",
    "Converter",
    "FactsFileConverter",
    "JsonLineConverter",
    "RawRecord",
    "RowConverter",
    "input_error",
]

# Payloads → for each, (id cell, totals) or None (the engine must score it).
FastPath = Callable[[list[Any]], "list[tuple[str | None, Totals] | None]"]
RawRecord = tuple[int, Any]  # (row / line / position number, payload)
Converted = tuple[str, "Facts | Mapping[str, Any] | ScoringError"]  # (record id, facts or error)
FACTS_KEYS = frozenset(
    {"project", "values", "ratings", "not_applicable", "adjustments", "deviations"}
)


class Converter(Protocol):
    def source(self, number: int, payload: Any) -> str:
        """Where the record is, for messages and the ``source`` column: ``data.csv:row 17``."""
        ...

    def convert(self, spec: Spec, number: int, payload: Any) -> Converted: ...


def input_error(source: str, message: str, code: str, line: int | None = None) -> FactsError:
    """A problem with one record, or with a whole input file (``source`` is then its path)."""
    return FactsError(Problem(message, code, file=source, line=line))


@dataclass(frozen=True)
class RowConverter:
    """A CSV or XLSX row under a resolved header."""

    cmap: ColumnMap
    # CSV rows must have exactly the header's cells (a stray comma shifts every later column);
    # spreadsheet rows are padded, as a spreadsheet has no notion of a short row.
    strict_width: bool = True

    def source(self, number: int, payload: Any = None) -> str:
        return f"{self.cmap.file}:row {number}"

    def fast_path(self, spec: Spec) -> FastPath:
        """Rows → (id cell, totals) each through the spec's compiled plan; None: ``convert``."""
        from .fastrows import row_plan  # the compiled plan: loaded when a batch needs it

        totals = row_plan(spec, self.cmap).totals
        texts = self.strict_width  # CSV cells are all text; a spreadsheet's may be numbers, dates
        return lambda payloads: totals(payloads, texts)

    def convert(self, spec: Spec, number: int, payload: Any) -> Converted:
        cells: list[Any] = list(payload)
        width = self.cmap.width
        fallback = f"row {number}"
        if len(cells) != width and self.cmap.id_index < len(cells):
            # The row's shape is wrong, but its id (usually the first cell) still names it.
            given = cells[self.cmap.id_index]
            fallback = fallback if is_empty(given) else str(given).strip()
        if len(cells) > width and not all(is_empty(cell) for cell in cells[width:]):
            if self.strict_width:
                message = (
                    f"has {len(cells)} cells, the header has {width}: an unquoted comma "
                    "(e.g. in 1,100,000) shifts the columns; quote the cell or drop the separator"
                )
            else:
                extra = next(i for i in range(width, len(cells)) if not is_empty(cells[i]))
                message = (
                    f"has a value in column {extra + 1}, right of the header's {width} columns"
                )
            return fallback, input_error(self.source(number), message, "batch-row-width")
        if len(cells) < width:
            if self.strict_width:
                return fallback, input_error(
                    self.source(number),
                    f"has {len(cells)} cells, the header has {width}",
                    "batch-row-width",
                )
            cells.extend([None] * (width - len(cells)))
        return row_to_mapping(self.cmap, cells, fallback)


@dataclass
class JsonLineConverter:
    """A JSON Lines line: a facts mapping (optionally with an ``id``) or a flat record."""

    file: str
    id_column: str | None = None
    _maps: dict[tuple[str, ...], ColumnMap | FactsError] = field(
        default_factory=dict, repr=False, compare=False
    )

    def source(self, number: int, payload: Any = None) -> str:
        return f"{self.file}:line {number}"

    def convert(self, spec: Spec, number: int, payload: Any) -> Converted:
        fallback = f"line {number}"
        source = self.source(number)
        try:
            data = json.loads(payload, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            return fallback, input_error(
                source, f"not valid JSON: {exc.msg} (column {exc.colno})", "json-syntax"
            )
        if not isinstance(data, dict):
            return fallback, input_error(
                source,
                f"expected a JSON object (a facts mapping or a flat record), "
                f"got {type(data).__name__}",
                "facts-shape",
            )
        keys = set(data) - {"id"}
        if keys and keys <= FACTS_KEYS:
            record_id = data.pop("id", None)
            project = data.get("project")
            name = project.get("name") if isinstance(project, dict) else None
            return str(record_id or name or fallback), data
        header = tuple(data)
        cmap = self._maps.get(header)
        if cmap is None:
            built, problems = build_column_map(
                spec, header, file=self.file, row=None, id_column=self.id_column
            )
            cmap = built if built is not None else FactsError(problems)
            if len(self._maps) < 1000:  # flat records usually share a handful of key sets
                self._maps[header] = cmap
        if isinstance(cmap, FactsError):
            messages = "; ".join(problem.message for problem in cmap.problems)
            given = data.get("id")
            record_id = fallback if given is None or given == "" else str(given)
            return record_id, input_error(source, messages, cmap.problems[0].code)
        return row_to_mapping(cmap, list(data.values()), fallback)

    def __getstate__(self) -> dict[str, Any]:
        return {"file": self.file, "id_column": self.id_column, "_maps": {}}


@dataclass(frozen=True)
class FactsFileConverter:
    """A facts file (YAML or JSON) in a folder, or named on the command line; its id is its path."""

    root: str | None = None  # the folder it was found in: ids are relative to it

    def source(self, number: int, payload: Any = None) -> str:
        return str(payload)

    def convert(self, spec: Spec, number: int, payload: Any) -> Converted:
        path = str(payload)
        record_id = os.path.relpath(path, self.root) if self.root else path
        try:
            return record_id, load_facts(path)
        except ScoringError as exc:
            return record_id, exc
