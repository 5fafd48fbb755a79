"""The columnar backend: records scored column by column, equal to the detailed engine.

What it owns: scoring a polars frame of records at once, from the same rule definitions as
everything else — the spec's compiled plan (``scoring.engine.plan``), which each rule kind states
once (``scoring.rules.statement``), read as column expressions (``program``) over filtered float64
arithmetic that declines what it cannot decide exactly (``arith``). ``frame.Scorer`` reads a
frame's cells with the batch's own cell readers (handed to it) and gives each row's leaf scores,
total, grade and 一级指标 scores as exact counts of quanta, and whether the row is *declined*: an
error, an unusual value, a tie the floats cannot settle. It reads no file and words no error.

What it may import: polars (imported only where a batch runs, so no other command pays for it)
and jixiao's ``engine``, ``spec``, ``numbers``, ``formula`` and ``rules`` — not ``batch``, which
uses it: ``scoring.batch.columnar_csv`` reads a CSV in blocks, scores them here and sends every
declined row to the compiled plan or the engine, so each output row is what the record-by-record
path writes, digit for digit and error for error (tests/test_columnar_exact.py). For a caller with
a frame (``jixiao diff``, a Dask or Spark partition): ``scoring.batch.columnar_csv.score_frame``.
"""
