"""Scoring many records: ``score_many`` for library users, ``process_chunk`` for ``jixiao batch``.

``score_many`` gives each record's full ``Result``. ``jixiao batch`` writes only totals, so
``process_chunk`` scores table rows through the spec's compiled plan (``fastrows``, a chunk at a
time) and other records with ``score_totals`` on facts built by ``facts_from_record`` (the plan
again once the spec is hot); whatever the plan cannot score, the engine scores and words.

``score_many`` yields only ``ScoringError`` as a record's failure: any other exception is a bug,
raised with a note naming the record that set it off. ``process_chunk`` never lets one record
cost the others: any other exception while reading or scoring a record becomes that record's
error row, ``internal-error``, which asks for a report (it is a bug, most likely, but the other
records' scores are sound); a run of rows the compiled plan fails on is scored by the engine, row
by row. Text that cannot be written (a lone surrogate, from a JSON ``\\ud800`` escape or a file
name that is not UTF-8) is written as its escape, ``\\ud800``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, TypeVar

from ..engine.facts import Facts, facts_from_mapping, facts_from_record
from ..engine.result import Result, Totals
from ..engine.scorer import score, score_totals
from ..errors import FactsError, Problem, ScoringError
from ..i18n import tr
from ..spec.compiled import Spec
from ..spec.loader import load_spec
from .lines import Unreadable
from .records import Converter, RawRecord, RowConverter, project_name, row_name
from .summary import Summary

__all__ = [
    "ChunkResult",
    "Layout",
    "process_chunk",
    "record_outcomes",
    "result_inputs",
    "score_inputs",
    "score_many",
    "score_record",
]

Row = list[str]
_Scored = TypeVar("_Scored", Totals, Result)


def score_record(spec: Spec, record: Facts | Mapping[str, Any], source: str) -> Result:
    """Score one record; raises ``ScoringError``. ``source`` locates its problems (``a.csv:row 7``)."""
    facts = record if isinstance(record, Facts) else facts_from_mapping(record, file=source)
    return score(spec, facts)


def score_many(
    spec: Spec | str | os.PathLike[str], records: Iterable[Facts | Mapping[str, Any]]
) -> Iterator[Result | ScoringError]:
    """Score each record in turn, yielding its ``Result`` or the ``ScoringError`` it raised.

    Lazy and in order: one output per record, whatever goes wrong with it, so the caller can zip
    the outputs with the records. ``spec`` is a loaded spec or the path of one (loaded once, when
    the first record is asked for). Errors name the record: ``record 3: values.预算资金: …``.
    """
    loaded = spec if isinstance(spec, Spec) else load_spec(spec)
    for number, record in enumerate(records, 1):
        yield _score_one(loaded, record, f"record {number}")


def _score_one(spec: Spec, record: object, source: str) -> Result | ScoringError:
    if not isinstance(record, (Facts, Mapping)):
        return _not_facts(record, source)
    try:
        return score_record(spec, record, source)
    except ScoringError as exc:
        return exc
    except Exception as exc:
        _note(exc, f"while scoring {source}")
        raise


def _not_facts(record: object, source: str) -> FactsError:
    message = tr(
        "facts-shape",
        "expected a facts mapping or Facts, got {kind}",
        kind=type(record).__name__,
    )
    return FactsError(Problem(message, "facts-shape", file=source))


def _totals_one(spec: Spec, record: object, source: str) -> Totals | ScoringError:
    """The lean twin of ``_score_one``, for ``jixiao batch``: same errors, totals only."""
    if not isinstance(record, (Facts, Mapping)):
        return _not_facts(record, source)
    try:
        facts = record if isinstance(record, Facts) else facts_from_record(record, file=source)
        return score_totals(spec, facts)
    except ScoringError as exc:
        return exc
    except Exception as exc:
        _note(exc, f"while scoring {source}")
        raise


def _note(exc: BaseException, text: str) -> None:
    if sys.version_info >= (3, 11):
        exc.add_note(text)


# ---- the rows jixiao batch writes --------------------------------------------------------------
TOTAL_COLUMN = 2  # a row's total; its 一级指标 scores start at FIRST_TOP_COLUMN
FIRST_TOP_COLUMN = 4


@dataclass(frozen=True)
class Layout:
    """The output columns: id, name (项目名称), total, grade, one per 一级指标 (its name), error,
    source."""

    columns: tuple[str, ...]
    numeric: tuple[int, ...]  # columns holding numbers (total and the 一级指标 scores)

    @classmethod
    def of(cls, spec: Spec) -> Layout:
        fixed = {"id", "name", "total", "grade", "error", "source"}
        tops = [node.name if node.name not in fixed else node.id for node in spec.indicators]
        columns = ("id", "name", "total", "grade", *tops, "error", "source")
        first = FIRST_TOP_COLUMN
        return cls(columns, (TOTAL_COLUMN, *range(first, first + len(tops))))


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = str(value)  # fixed point for every rounded score; format() only for the rare rest
    return format(value, "f") if "E" in text else text


def result_row(record_id: str, name: str, source: str, result: Totals) -> Row:
    tops = [_number(points) for points in result.top_scores]
    return [record_id, name, _number(result.total), result.grade, *tops, "", source]


def error_row(record_id: str, name: str, source: str, error: ScoringError, tops: int) -> Row:
    return [record_id, name, "", "", *([""] * tops), str(error), source]


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _escaped(text: str) -> str:
    """``text`` with any lone surrogate (not text in UTF-8) written as its escape, ``\\ud800``."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _escaped_error(error: ScoringError) -> ScoringError:
    if _SURROGATE.search(str(error)) is None:
        return error
    return ScoringError(
        [
            replace(
                problem,
                message=_escaped(problem.message),
                file=None if problem.file is None else _escaped(problem.file),
                path=None if problem.path is None else _escaped(problem.path),
            )
            for problem in error.problems
        ]
    )


def _internal_error(source: str, exc: Exception) -> ScoringError:
    """A record that raised what no input should: its error row asks for a report."""
    try:
        text = " ".join(str(exc).split())
    except Exception:  # noqa: BLE001 (an exception that cannot say what it is: its type will do)
        text = ""
    if len(text) > 200:
        text = text[:200] + "…"
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    message = tr(
        "internal-error",
        "could not be scored: jixiao failed on it ({detail}); this is a bug in jixiao, please "
        "report it with this record. The other records are not affected",
        detail=detail,
    )
    return ScoringError(Problem(message, "internal-error", file=source))


@dataclass
class ChunkResult:
    """A chunk's output rows (or, from a worker, the encoded text they make: ``outputs.RowFormat``)."""

    rows: list[Row]
    summary: Summary
    text: bytes | None = None
    count: int = 0  # records, when ``text`` stands for the rows


def process_chunk(
    spec: Spec,
    converter: Converter,
    start: int,
    records: Sequence[RawRecord],
) -> ChunkResult:
    """Convert and score a run of records from one input; ``start`` is the first one's index."""
    summary = Summary.empty(spec)
    tops = len(spec.indicators)
    rows: list[Row] = []
    scored: list[tuple[int, str, str, str, Totals]] = []  # summarised together, at the end
    for index, (record_id, name, source, outcome) in enumerate(
        _outcomes(spec, converter, records, named=True), start
    ):
        if isinstance(outcome, ScoringError):
            rows.append(error_row(record_id, name, source, outcome, tops))
            summary.add_failure(index, outcome)
        else:
            rows.append(result_row(record_id, name, source, outcome))
            scored.append((index, record_id, name, source, outcome))
    summary.add_many(scored)
    return ChunkResult(rows, summary)


def record_outcomes(
    spec: Spec, converter: Converter, records: Sequence[RawRecord]
) -> Iterator[tuple[str, str, Totals | ScoringError]]:
    """Each record's (id, source, totals or error), in order, whatever the record holds: table
    rows through the compiled plan, the rest (and what the plan cannot score) by the engine.
    Text that cannot be written is escaped (``\\ud800``)."""
    for record_id, _, source, outcome in _outcomes(spec, converter, records, named=False):
        yield record_id, source, outcome


def _outcomes(
    spec: Spec,
    converter: Converter,
    records: Sequence[RawRecord],
    *,
    named: bool,
) -> Iterator[tuple[str, str, str, Totals | ScoringError]]:
    """``record_outcomes`` with each record's project name second (``records.project_name``;
    empty unless ``named``)."""
    fast = _fast(spec, converter, records)
    # A row the plan scored is never converted: its name is read from its cells, as converting
    # it would read it.
    cmap = converter.cmap if named and isinstance(converter, RowConverter) else None
    for (number, payload), found in zip(records, fast, strict=True):
        source = _escaped(converter.source(number, payload))
        if found is not None:
            record_id, totals = found
            name = "" if cmap is None else row_name(cmap, number, payload)
            yield _escaped(record_id or f"row {number}"), _escaped(name), source, totals
            continue
        record_id, outcome, record = _one(spec, converter, number, payload, source)
        if isinstance(outcome, ScoringError):
            outcome = _escaped_error(outcome)
        name = project_name(record) if named else ""
        yield _escaped(record_id), _escaped(name), source, outcome


def score_inputs(
    spec: Spec,
    paths: Sequence[str],
    *,
    id_column: str | None = None,
    sheet: str | None = None,
    chunk_size: int = 500,
) -> Iterator[tuple[str, str, Totals | ScoringError]]:
    """Every record of batch inputs (a folder of facts files, CSV, XLSX, JSON Lines) as (id,
    source, totals or error), in order, one process: what ``jixiao batch`` computes, for a caller
    that wants the numbers rather than an output file. A broken input file raises FactsError
    before any record is scored."""
    from .inputs import open_inputs  # the readers, only for a caller that reads files

    for item in open_inputs(spec, paths, id_column=id_column, sheet=sheet):
        chunk: list[RawRecord] = []
        for record in item.records():
            chunk.append(record)
            if len(chunk) == chunk_size:
                yield from record_outcomes(spec, item.converter, chunk)
                chunk = []
        if chunk:
            yield from record_outcomes(spec, item.converter, chunk)


def result_inputs(
    spec: Spec, paths: Sequence[str], *, id_column: str | None = None, sheet: str | None = None
) -> Iterator[tuple[str, str, Result | ScoringError]]:
    """``score_inputs`` with each record's whole ``Result`` (its values, warnings and tree), for
    a caller that needs more than the numbers: slower, since no record takes the plan's path."""
    from .inputs import open_inputs

    for item in open_inputs(spec, paths, id_column=id_column, sheet=sheet):
        converter = item.converter
        for number, payload in item.records():
            source = _escaped(converter.source(number, payload))
            record_id, outcome, _ = _one(spec, converter, number, payload, source, _score_one)
            if isinstance(outcome, ScoringError):
                outcome = _escaped_error(outcome)
            yield _escaped(record_id), source, outcome


def _fast(
    spec: Spec, converter: Converter, records: Sequence[RawRecord]
) -> Sequence[tuple[str | None, Totals] | None]:
    """Each record's (id cell, totals) by the compiled plan, or None: the engine scores it."""
    fast_path = getattr(converter, "fast_path", None)  # table rows: the compiled plan first
    if fast_path is None:
        return [None] * len(records)
    # A record the reader could not read goes to its converter, which words the error; the
    # plan is given an empty row in its place (of the wrong width, so it scores nothing there).
    payloads = [() if isinstance(payload, Unreadable) else payload for _, payload in records]
    try:
        found: Sequence[tuple[str | None, Totals] | None] = fast_path(spec)(payloads)
    except Exception:  # noqa: BLE001 (the engine, which the plan only speeds up, decides)
        # A row the plan trips on must not cost the others: the run is scored by the engine,
        # which scores or words each row the same way (tests/test_plan.py holds them equal).
        return [None] * len(records)
    return found


def _one(
    spec: Spec,
    converter: Converter,
    number: int,
    payload: Any,
    source: str,
    scorer: Callable[[Spec, object, str], _Scored | ScoringError] = _totals_one,  # type: ignore[assignment]
) -> tuple[str, _Scored | ScoringError, Facts | Mapping[str, Any] | ScoringError | None]:
    """One record's id, totals (or, with ``scorer=_score_one``, result) or error, and what
    converting it gave (its facts, or the error that stopped it; None if it raised), whatever
    the record holds."""
    record_id = None
    record: Facts | Mapping[str, Any] | ScoringError | None = None
    try:
        record_id, record = converter.convert(spec, number, payload)
        if isinstance(record, ScoringError):
            return record_id, record, record
        return record_id, scorer(spec, record, source), record
    except Exception as exc:  # noqa: BLE001 (anything else is a bug: this record's, reported)
        if record_id is None:
            try:
                record_id = converter.fallback_id(number, payload)
            except Exception:  # noqa: BLE001
                record_id = f"record {number}"
        return record_id, _internal_error(source, exc), record
