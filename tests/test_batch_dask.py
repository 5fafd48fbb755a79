"""Scoring a partitioned dataset with Dask, as docs/batch.md shows ("Beyond one machine").

Each partition is scored by the function ``jixiao batch`` scores a table's rows with
(``scoring.batch.columnar_csv.score_frame``: the columnar scorer, and the plan or the engine for
any row it declines), so a partition's output rows are the batch's, digit for digit and error for
error; only the location differs (``part-2:row 5``, the partition and its row). Skipped where Dask
(with pandas and polars) is not installed: it is no dependency of jixiao.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Run
from test_batch_sql import HEADER, read_output, sample_rows

Jixiao = Callable[..., Run]
SPEC = str(ROOT / "indicators" / "xinfang_weiwen.yaml")


def score_partition(part: Any, partition_info: dict[str, Any] | None = None) -> Any:
    """One partition (a pandas DataFrame of batch rows, text cells) → its batch output rows.

    Dask passes ``partition_info`` (the partition's number) to a function that takes it; the
    number names the partition in its rows' locations."""
    import polars as pl

    from scoring.batch.columnar_csv import score_frame
    from scoring.spec.loader import load_spec

    number = partition_info["number"] if partition_info else 0
    spec = load_spec(SPEC)  # loaded once per process: load_spec keeps the spec of a path
    frame = pl.from_pandas(
        part.reset_index(drop=True), schema_overrides=dict.fromkeys(part.columns, pl.String)
    )
    return score_frame(spec, frame, file=f"part-{number}").to_pandas()


def test_dask_partitions_score_as_jixiao_batch(jixiao: Jixiao, tmp_path: Path) -> None:
    # Imported here, not by the module: Dask and pandas take seconds to import, and every test
    # process collects this module while one of them runs the test.
    dask = pytest.importorskip("dask", reason="Dask is not installed")
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    pytest.importorskip("polars")
    pytest.importorskip("pyarrow")  # polars ↔ pandas
    rows = sample_rows(60)
    source = tmp_path / "projects.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    out = tmp_path / "batch.csv"
    assert jixiao("batch", SPEC, str(source), "-o", str(out)).code == 1
    expected = read_output(out)

    # Every computation in this process, len() included: Dask's default scheduler would leave a
    # thread pool running, and a later batch in this test process would then spawn its --workers
    # (each importing jixiao) instead of forking them.
    with dask.config.set(scheduler="synchronous"):
        frame = pd.DataFrame(rows, columns=HEADER, dtype=object).replace("", None)
        projects = dd.from_pandas(frame, npartitions=3, sort=False)
        meta = pd.DataFrame({column: pd.Series(dtype=object) for column in expected[0]})
        scored = projects.map_partitions(score_partition, meta=meta)
        got = scored.compute().to_dict("records")
        sizes = [len(part) for part in projects.partitions]  # each partition's rows, in order

    assert len(got) == 60
    sources = [f"part-{p}:row {n + 2}" for p, size in enumerate(sizes) for n in range(size)]
    assert [row["source"] for row in got] == sources
    for row, want, where in zip(got, expected, sources, strict=True):
        batch_where = want["source"]
        assert {k: v for k, v in row.items() if k not in ("error", "source")} == {
            k: v for k, v in want.items() if k not in ("error", "source")
        }
        assert row["error"] == want["error"].replace(batch_where, where)
    assert sum(bool(row["error"]) for row in got) == 4
    assert re.fullmatch(r"part-\d:row \d+: values\.预算资金: .* \[not-a-number\]", got[3]["error"])
