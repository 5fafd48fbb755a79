"""One raw record (a row's cells, a JSON line, a facts file's path) → its id, facts and name.

Readers (``inputs``) only split a file into raw records, cheaply, in the main process; the
converters here do the rest — in whichever process scores the record, so with ``--workers`` the
parsing is spread over the workers too. A converter is small and picklable. A record that cannot be
read is not raised: it comes back as the ``ScoringError`` that goes into its row of the output.

A record's project name (the output's 项目名称 column) is the ``project.name`` of the facts it was
read into (``project_name``): a table row's 项目名称/name cell, else its id, as ``row_to_mapping``
names it; empty for a record that could not be read. A row scored by the compiled plan is never
converted, so ``row_name`` reads the same from its cells.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from ..engine.facts import Facts, load_facts
from ..engine.result import Totals
from ..errors import FactsError, Problem, ScoringError
from ..i18n import N_, tr, ui
from ..spec.compiled import Spec
from .column_map import ColumnMap, build_column_map
from .columns import is_empty, row_to_mapping
from .lines import Unreadable

__all__ = [
    "FACTS_KEYS",
    "Converted",
    "Converter",
    "FactsFileConverter",
    "JsonLineConverter",
    "OutsideCell",
    "RawRecord",
    "RowConverter",
    "input_error",
    "project_name",
    "row_name",
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

    def fallback_id(self, number: int, payload: Any) -> str:
        """The record's id when nothing of it could be read: ``row 17``, ``line 4``, its path."""
        ...

    def convert(self, spec: Spec, number: int, payload: Any) -> Converted: ...


class OutsideCell(NamedTuple):
    """A spreadsheet cell right of the header's columns, as the only cell kept past them (a cell
    in column XFD would otherwise make a row of 16,384 cells)."""

    column: int  # 1-based
    value: Any


def input_error(source: str, message: str, code: str, line: int | None = None) -> FactsError:
    """A problem with one record, or with a whole input file (``source`` is then its path)."""
    return FactsError(Problem(message, code, file=source, line=line))


def project_name(record: Facts | Mapping[str, Any] | ScoringError | None) -> str:
    """The project's name in a converted record (its facts' ``project.name``, as text); empty
    when it gives none or could not be read."""
    if isinstance(record, Facts):
        name = record.project.get("name")
    elif isinstance(record, Mapping):
        project = record.get("project")
        name = project.get("name") if isinstance(project, Mapping) else None
    else:
        return ""
    if isinstance(name, str):
        return name.strip()
    # A number is a name as the facts read it (项目名称: 2021); a mapping or list is no name.
    return "" if name is None or isinstance(name, (Mapping, list, bool)) else str(name)


def row_name(cmap: ColumnMap, number: int, cells: Sequence[Any]) -> str:
    """A table row's project name as ``row_to_mapping`` gives its facts one: the name cell, else
    the id cell, else ``row N``."""
    for index in (cmap.name_index, cmap.id_index):
        if index < len(cells) and not is_empty(cell := cells[index]):
            return cell.strip() if isinstance(cell, str) else str(cell)
    return f"row {number}"


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

    def fallback_id(self, number: int, payload: Any = None) -> str:
        return f"row {number}"

    def convert(self, spec: Spec, number: int, payload: Any) -> Converted:
        fallback = f"row {number}"
        if isinstance(payload, Unreadable):
            return fallback, input_error(self.source(number), payload.message, payload.code)
        cells: list[Any] = list(payload)
        width = self.cmap.width
        if len(cells) != width and self.cmap.id_index < len(cells):
            # The row's shape is wrong, but its id (usually the first cell) still names it.
            given = cells[self.cmap.id_index]
            fallback = fallback if is_empty(given) else str(given).strip()
        if len(cells) > width and not all(is_empty(cell) for cell in cells[width:]):
            if self.strict_width:
                message = tr(
                    "batch-row-width",
                    "has {cells} cells, the header has {width}: an unquoted comma (e.g. in "
                    "1,100,000) shifts the columns; quote the cell or drop the separator",
                    cells=len(cells),
                    width=width,
                )
            else:
                extra = next(i for i in range(width, len(cells)) if not is_empty(cells[i]))
                found = cells[extra]
                column = found.column if isinstance(found, OutsideCell) else extra + 1
                message = tr(
                    "batch-row-width",
                    "has a value in column {column}, right of the header's {width} columns",
                    column=column,
                    width=width,
                )
            return fallback, input_error(self.source(number), message, "batch-row-width")
        if len(cells) < width:
            if self.strict_width:
                return fallback, input_error(
                    self.source(number),
                    tr(
                        "batch-row-width",
                        "has {cells} cells, the header has {width}",
                        cells=len(cells),
                        width=width,
                    ),
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

    def fallback_id(self, number: int, payload: Any = None) -> str:
        return f"line {number}"

    def convert(self, spec: Spec, number: int, payload: Any) -> Converted:
        fallback = f"line {number}"
        source = self.source(number)
        if isinstance(payload, Unreadable):
            return fallback, input_error(source, payload.message, payload.code)
        try:
            data = _json_record(payload)
        except json.JSONDecodeError as exc:
            message = tr(
                "json-syntax",
                "not valid JSON: {reason} (column {column})",
                reason=exc.msg,
                column=exc.colno,
            )
            return fallback, input_error(source, message, "json-syntax")
        except _DuplicateKey as exc:
            message = tr(
                "duplicate-key",
                "key {key!r} appears twice in one object; give each key once",
                key=exc.key,
            )
            return fallback, input_error(source, message, "duplicate-key")
        except (_TooDeep, RecursionError):
            message = tr(
                "json-too-deep",
                "nests deeper than {depth} levels (objects and arrays inside each other); a "
                "record is an object of two or three levels",
                depth=JSON_DEPTH,
            )
            return fallback, input_error(source, message, "json-too-deep")
        if not isinstance(data, dict):
            return fallback, input_error(
                source,
                tr(
                    "facts-shape",
                    "expected a JSON object (a facts mapping or a flat record), got {kind}",
                    kind=ui(_JSON_KINDS[type(data)])
                    if type(data) in _JSON_KINDS
                    else type(data).__name__,
                ),
                "facts-shape",
            )
        keys = set(data) - {"id"}
        if keys and keys <= FACTS_KEYS:
            record_id = data.pop("id", None)
            project = data.get("project")
            name = project.get("name") if isinstance(project, dict) else None
            return str(record_id or name or fallback), data
        given = data.get("id")
        record_id = fallback if given is None or given == "" else str(given)
        if len(data) > _FLAT_KEYS:
            message = tr(
                "facts-shape",
                "has {keys:,} keys; a flat record has one key per column, at most {limit:,}",
                keys=len(data),
                limit=_FLAT_KEYS,
            )
            return record_id, input_error(source, message, "facts-shape")
        header = tuple(data)
        cmap = self._maps.get(header)
        if cmap is None:
            built, problems = build_column_map(
                spec, header, file=self.file, row=None, id_column=self.id_column
            )
            cmap = built if built is not None else FactsError(problems)
            # Flat records usually share a handful of key sets, of a few dozen keys each; a line
            # of 100,000 made-up keys is not kept (a thousand of them would hold gigabytes).
            if len(self._maps) < 1000 and len(header) <= _CACHED_KEYS:
                self._maps[header] = cmap
        if isinstance(cmap, FactsError):
            listed = cmap.problems[:_LISTED_PROBLEMS]
            messages = "; ".join(problem.message for problem in listed)
            if len(cmap.problems) > len(listed):
                messages += ui("; and {more:,} more", more=len(cmap.problems) - len(listed))
            return record_id, input_error(source, messages, cmap.problems[0].code)
        return row_to_mapping(cmap, list(data.values()), fallback)

    def __getstate__(self) -> dict[str, Any]:
        return {"file": self.file, "id_column": self.id_column, "_maps": {}}


_FLAT_KEYS = 10_000  # keys of a flat record (a spec of 200 indicators has about 1,000 columns)
_CACHED_KEYS = 1000  # keys of a flat record whose column map is remembered
_LISTED_PROBLEMS = 50  # key problems of one line written in its row

_JSON_KINDS = {
    list: N_("an array"),
    str: N_("a string"),
    bool: N_("true or false"),
    type(None): N_("null"),
}
_JSON_KINDS.update(dict.fromkeys((int, Decimal), N_("a number")))
JSON_DEPTH = 100  # objects and arrays inside each other in one line (as yaml-too-deep)


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _TooDeep(Exception):
    pass


def _repeated(pairs: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    raise AssertionError("no key repeated")  # only called when one is


def _integer(text: str) -> int | Decimal:
    """A JSON integer; one too long for ``int`` (over 4,300 digits) as a Decimal, which the
    reading of values then refuses as too large, like any other number."""
    try:
        return int(text)
    except ValueError:
        return Decimal(text)


def _json_record(text: str) -> Any:
    """One JSON line, numbers exact (``NaN`` and ``Infinity``, which Python's json reads, as the
    Decimal of that name: the reading of values refuses them as not finite). A key given twice
    is refused (json would keep the last one silently), after the depth: which error a line gets
    must not depend on how deep the stack already is where it is read (json stops with
    RecursionError, from a deep stack, where a shallower one reads on to the repeated key)."""
    repeated: list[str] = []

    def pairs(found: list[tuple[str, Any]]) -> dict[str, Any]:
        data = dict(found)
        if len(data) != len(found) and not repeated:
            repeated.append(_repeated(found))
        return data

    data = json.loads(
        text,
        parse_float=Decimal,
        parse_int=_integer,
        parse_constant=Decimal,
        object_pairs_hook=pairs,
    )
    stack = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:  # json reads up to a thousand levels or so; a record needs a handful
        item, depth = stack.pop()
        if depth > JSON_DEPTH:
            raise _TooDeep
        inner = item.values() if isinstance(item, dict) else item
        stack.extend((value, depth + 1) for value in inner if isinstance(value, (dict, list)))
    if repeated:
        raise _DuplicateKey(repeated[0])
    return data


@dataclass(frozen=True)
class FactsFileConverter:
    """A facts file (YAML or JSON) in a folder, or named on the command line; its id is its path."""

    root: str | None = None  # the folder it was found in: ids are relative to it

    def source(self, number: int, payload: Any = None) -> str:
        return str(payload)

    def fallback_id(self, number: int, payload: Any = None) -> str:
        path = str(payload)
        return os.path.relpath(path, self.root) if self.root else path

    def convert(self, spec: Spec, number: int, payload: Any) -> Converted:
        path = str(payload)
        record_id = os.path.relpath(path, self.root) if self.root else path
        try:
            return record_id, load_facts(path)
        except ScoringError as exc:
            return record_id, exc
