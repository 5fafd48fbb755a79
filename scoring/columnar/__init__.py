"""The columnar backend: batch records scored column by column, equal to the detailed engine.

What it owns: scoring many records at once with polars (imported only when a batch runs, so no
other command pays for it), from the same rule definitions as everything else — the spec's
compiled plan (``scoring.engine.plan``), which each rule kind states once
(``scoring.rules.statement``), read as column expressions (``program``) over filtered float64
arithmetic that declines what it cannot decide exactly (``arith``). Cells are read as the plan
reads them (``frame``); a CSV is read in blocks of lines (``batch``). Every row it declines — an
error, an unusual value, a tie the floats cannot settle — is scored by the usual path (the
compiled plan, else the engine), so each output row is what that path writes, digit for digit
and error for error (tests/test_columnar_exact.py).

What it may import: polars, and jixiao's ``engine``, ``spec``, ``numbers``, ``batch`` (rows,
layout, summary). The batch imports it (``batch.run``) only inside a run.

For a caller (``jixiao diff``, a Dask or Spark partition):

* ``score_frame(spec, frame)`` → a polars DataFrame of the batch output: one row per input row,
  columns ``id``, (``name``), ``total``, ``grade``, one per 一级指标, ``error``, ``source`` —
  every cell text as the CSV output writes it (scores in fixed point, digit for digit; "" when
  absent). ``frame`` is a polars DataFrame whose column names are a batch header (fact ids or
  labels, ``<indicator>.tier`` …) and whose cells are text (or null for an empty cell).
* ``iter_frame_chunks(spec, frame, rows=50_000)`` → the same, a chunk at a time, each with its
  ``Summary`` (``scoring.batch.summary``): bounded memory for a large frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from ..batch.summary import Summary
    from ..spec.compiled import Spec

__all__ = ["iter_frame_chunks", "score_frame"]


def iter_frame_chunks(
    spec: Spec, frame: pl.DataFrame, *, file: str = "frame", rows: int = 50_000
) -> Iterator[tuple[pl.DataFrame, Summary]]:
    """``frame``'s scores, ``rows`` input rows at a time: (the output rows, their summary)."""
    import polars as pl

    from ..batch.core import Layout
    from .batch import frame_results

    columns = Layout.of(spec).columns
    for result in frame_results(spec, frame, file=file, rows=rows):
        table = pl.DataFrame(result.rows, schema=list(columns), orient="row")
        yield table, result.summary


def score_frame(spec: Spec, frame: pl.DataFrame, *, file: str = "frame") -> pl.DataFrame:
    """Every row of ``frame`` scored: the batch output as a DataFrame (see the module)."""
    import polars as pl

    from ..batch.core import Layout

    parts = [table for table, _ in iter_frame_chunks(spec, frame, file=file)]
    if not parts:
        columns = Layout.of(spec).columns
        return pl.DataFrame(
            {column: [] for column in columns}, schema=dict.fromkeys(columns, pl.String)
        )
    return pl.concat(parts)
