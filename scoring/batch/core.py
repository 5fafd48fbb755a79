"""Scoring many records: ``score_many`` for library users, ``process_chunk`` for ``jixiao batch``.

``score_many`` gives each record's full ``Result``. ``jixiao batch`` writes only totals, so
``process_chunk`` scores table rows through the spec's compiled plan (``fastrows``, a chunk at a
time) and other records with ``score_totals`` on facts built by ``facts_from_record`` (the plan
again once the spec is hot); whatever the plan cannot score, the engine scores and words.

Only ``ScoringError`` is a record's failure. Any other exception is a bug: it is not turned into
an error row but raised, with a note naming the record that set it off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..compiled import Spec
from ..engine import score, score_totals
from ..errors import FactsError, Problem, ScoringError
from ..facts import Facts, facts_from_mapping, facts_from_record
from ..loader import load_spec
from ..result import Result, Totals
from .records import Converter, RawRecord
from .summary import Summary

__all__ = ["ChunkResult", "Layout", "process_chunk", "score_many", "score_record"]

Row = list[str]


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
    message = f"expected a facts mapping or Facts, got {type(record).__name__}"
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
@dataclass(frozen=True)
class Layout:
    """The output columns: id, total, grade, one per 一级指标 (its name), error, source."""

    columns: tuple[str, ...]
    numeric: tuple[int, ...]  # columns holding numbers (total and the 一级指标 scores)

    @classmethod
    def of(cls, spec: Spec) -> Layout:
        fixed = {"id", "total", "grade", "error", "source"}
        tops = [node.name if node.name not in fixed else node.id for node in spec.indicators]
        columns = ("id", "total", "grade", *tops, "error", "source")
        return cls(columns, (1, *range(3, 3 + len(tops))))  # total, then each 一级指标


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = str(value)  # fixed point for every rounded score; format() only for the rare rest
    return format(value, "f") if "E" in text else text


def result_row(record_id: str, source: str, result: Totals) -> Row:
    tops = [_number(points) for points in result.top_scores]
    return [record_id, _number(result.total), result.grade, *tops, "", source]


def error_row(record_id: str, source: str, error: ScoringError, tops: int) -> Row:
    return [record_id, "", "", *([""] * tops), str(error), source]


@dataclass
class ChunkResult:
    """A chunk's output rows (or, from a worker, the encoded text they make: ``outputs.RowFormat``)."""

    rows: list[Row]
    summary: Summary
    text: bytes | None = None
    count: int = 0  # records, when ``text`` stands for the rows


def process_chunk(
    spec: Spec, converter: Converter, start: int, records: Sequence[RawRecord]
) -> ChunkResult:
    """Convert and score a run of records from one input; ``start`` is the first one's index."""
    summary = Summary.empty(spec)
    tops = len(spec.indicators)
    rows: list[Row] = []
    fast_path = getattr(converter, "fast_path", None)  # table rows: the compiled plan first
    if fast_path is not None:
        try:
            fast = fast_path(spec)([payload for _, payload in records])
        except Exception as exc:
            _note(exc, f"while scoring {converter.source(records[0][0], records[0][1])} …")
            raise
    else:
        fast = [None] * len(records)
    scored: list[tuple[int, str, str, Totals]] = []  # summarised together, at the end
    for index, ((number, payload), found) in enumerate(zip(records, fast, strict=True), start):
        source = converter.source(number, payload)
        if found is not None:
            record_id, totals = found
            record_id = record_id or f"row {number}"
            rows.append(result_row(record_id, source, totals))
            scored.append((index, record_id, source, totals))
            continue
        try:
            record_id, record = converter.convert(spec, number, payload)
        except Exception as exc:
            _note(exc, f"while reading {source}")
            raise
        outcome = record if isinstance(record, ScoringError) else _totals_one(spec, record, source)
        if isinstance(outcome, ScoringError):
            rows.append(error_row(record_id, source, outcome, tops))
            summary.add_failure(index, outcome)
        else:
            rows.append(result_row(record_id, source, outcome))
            scored.append((index, record_id, source, outcome))
    summary.add_many(scored)
    return ChunkResult(rows, summary)
