"""Batch scoring: many projects' facts → one row each, with a summary; streaming and parallel.

``score_many(spec, records)`` is the library entry point (a lazy generator: one ``Result`` or
``ScoringError`` per record, in order); ``run_batch`` (in ``scoring.batch.run``) is what
``jixiao batch`` runs. One job per module: ``column_map`` (a header → what each column means),
``columns`` (a flat row → a facts mapping), ``records`` (raw record → facts), ``inputs`` (reading
files), ``lines`` (records read one at a time, each bounded), ``undecodable`` (locating text in
the wrong encoding), ``outputs`` (writing files), ``core`` (scoring a chunk), ``parallel`` (the
``--workers`` pool and what travels to it), ``summary`` and ``summary_html`` (the report), ``run``
(the pipeline). See docs/batch.md.

May import ``columnar``, ``report``, ``methods``, ``tabular``, ``engine`` and the layers below
them (docs/architecture.md); never ``review`` or ``commands``.

Importing this package is cheap on purpose (``scoring`` may re-export ``score_many``): the file
readers, writers and ``multiprocessing`` load only when ``run_batch`` is first asked for.
"""

from __future__ import annotations

from typing import Any

from .core import score_many, score_record
from .summary import Summary

__all__ = ["Summary", "run_batch", "score_many", "score_record"]


def __getattr__(name: str) -> Any:
    if name == "run_batch":
        from .run import run_batch

        return run_batch
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
