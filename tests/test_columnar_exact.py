"""The columnar backend writes what the record-by-record path writes, cell for cell.

Random specs of every rule kind (``strategies.spec_cases``) with rows written as a batch CSV
writes them, some cells broken; the seed CSV whole (20,000 records here, 1,000,000 in
benchmarks/bench_columnar.py); and the awkward files a CSV reader meets (quoted cells, blank
rows, rows of the wrong width, a cell spanning lines, CRLF, a BOM). Each compares the rows and
the summary with the usual path, which tests/test_plan.py holds equal to the engine.
"""

from __future__ import annotations

import csv
import functools
import io
import random
from pathlib import Path
from typing import Any

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("polars")

import polars as pl
from strategies import facts_cases, spec_cases
from test_batch import generator

from scoring.batch import columnar_csv
from scoring.batch import run as batch_run
from scoring.batch.column_map import build_column_map
from scoring.batch.columnar_csv import frame_results, score_frame
from scoring.batch.core import process_chunk
from scoring.batch.records import RowConverter
from scoring.errors import SpecError
from scoring.spec.compiled import Spec
from scoring.spec.loader import load_spec, load_spec_text

ROOT = Path(__file__).resolve().parent.parent

SEED_SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
BREAKAGES = (
    "", " ", "abc", "不适用", "—", "1,00,000元", "110美元", "-5", "12.5", "1e400", "NaN", "达成",
    "部分达成", "未达成", "0", "100%", "150%", "99.14", "0.5", "服务对象满意度", "未知指标: x",
    "1,100,000元", "110万元", "0.000", "-0", " 7 ", "１２", "0.054600亿元", "3千元", "=1+1",
)  # fmt: skip


@functools.lru_cache(maxsize=64)
def _load(text: str) -> Spec | None:
    try:
        return load_spec_text(text)
    except SpecError:
        return None


def _header(spec: Spec) -> list[str]:
    rated = [leaf.id for leaf in spec.leaves if leaf.rule and leaf.rule.kind == "qualitative"]
    parts = [f"{leaf}.{part}" for leaf in rated for part in ("tier", "score", "share")]
    return ["id", "项目名称", *spec.facts, *parts, "not_applicable"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _row(header: list[str], facts: dict[str, Any], number: int) -> list[str] | None:
    """A facts mapping as a batch row (None: it holds what a row cannot: itemised values)."""
    cells = {"id": f"P{number}", "项目名称": str(facts.get("project", {}).get("name", ""))}
    for fact, value in facts.get("values", {}).items():
        if isinstance(value, (dict, list)):
            return None
        cells[fact] = _cell(value)
    for leaf, rating in facts.get("ratings", {}).items():
        for part in ("tier", "score", "share"):
            cells[f"{leaf}.{part}"] = _cell(rating.get(part))
    marked = facts.get("not_applicable", {})
    cells["not_applicable"] = "; ".join(f"{key}: {reason}" for key, reason in marked.items())
    return [cells.get(column, "") for column in header]


def _usual(spec: Spec, frame: pl.DataFrame, file: str = "frame") -> tuple[list[Any], str]:
    """The record-by-record path over the same rows, as ``frame_results`` numbers them."""
    cmap, problems = build_column_map(spec, list(frame.columns), file=file)
    assert cmap is not None, problems
    records = [
        (number, ["" if cell is None else cell for cell in row])
        for number, row in enumerate(frame.iter_rows(), 2)
    ]
    result = process_chunk(spec, RowConverter(cmap), 0, records)
    return result.rows, result.summary.render_text()


def _columnar(spec: Spec, frame: pl.DataFrame, rows: int = 50_000) -> tuple[list[Any], str]:
    out: list[Any] = []
    summary = None
    for result in frame_results(spec, frame, rows=rows):
        out.extend(result.rows)
        if summary is None:
            summary = result.summary
        else:
            summary.merge(result.summary)
    assert summary is not None
    return out, summary.render_text()


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_specs_and_rows_score_the_same_both_ways(data: st.DataObject) -> None:
    """Every rule kind, derived values, tiers, rounding modes, not-applicable indicators; the
    cells as reports write them, and some broken: the same rows, the same summary."""
    case = data.draw(spec_cases())
    spec = _load(case.text)
    if spec is None:
        return
    header = _header(spec)
    rows = []
    for number in range(data.draw(st.integers(1, 12))):
        row = _row(header, data.draw(facts_cases(case)), number)
        if row is None:
            continue
        if data.draw(st.integers(0, 3)) == 0:  # a broken cell
            column = data.draw(st.integers(2, len(header) - 1))
            row[column] = data.draw(st.sampled_from(BREAKAGES))
        rows.append(row)
    if not rows:
        return
    frame = pl.DataFrame(rows, schema=header, orient="row")
    frame = frame.with_columns(pl.all().replace("", None))
    chunk = data.draw(st.sampled_from([1, 3, 50_000]))  # chunks of one row, a few, all
    assert _columnar(spec, frame, chunk) == _usual(spec, frame)


def test_score_frame_gives_the_batch_columns() -> None:
    spec = load_spec(SEED_SPEC)
    rows = [list(row) for row in generator.rows(30, seed=3)]
    rows[4][generator.header().index("预算资金")] = "abc"
    frame = pl.DataFrame(rows, schema=generator.header(), orient="row")
    scored = score_frame(spec, frame)
    usual, _ = _usual(spec, frame)
    assert scored.rows() == [tuple(row) for row in usual]
    error = scored.row(4, named=True)["error"]
    assert error.startswith("frame:row 6: values.预算资金: ")
    assert error.endswith("[not-a-number]")


# ---- whole files, through jixiao batch ------------------------------------------------------------
def _batch(tmp_path: Path, source: Path, columnar: bool, name: str) -> tuple[bytes, str]:
    out = tmp_path / f"{name}.csv"
    original = batch_run._columnar
    if not columnar:
        batch_run._columnar = lambda *_: None  # type: ignore[assignment]
    try:
        summary = batch_run.run_batch(str(SEED_SPEC), [str(source)], str(out))
    finally:
        batch_run._columnar = original  # type: ignore[assignment]
    return out.read_bytes(), summary.render_text()


def _assert_same_batch(tmp_path: Path, source: Path) -> bytes:
    columnar = _batch(tmp_path, source, True, "columnar")
    usual = _batch(tmp_path, source, False, "usual")
    assert columnar[0] == usual[0]
    assert columnar[1] == usual[1]
    return columnar[0]


def test_the_seed_csv_of_20000_records_is_written_byte_for_byte(tmp_path: Path) -> None:
    """The CI-sized whole-file comparison (benchmarks/bench_columnar.py compares 1,000,000)."""
    source = generator.write_csv(tmp_path / "seed.csv", 20_000, seed=11)
    written = _assert_same_batch(tmp_path, source)
    assert written.count(b"\n") == 20_001


def _broken_csv(
    path: Path, count: int, seed: int, *, newline: str = "\n", bom: bool = False
) -> Path:
    """The seed's rows, 5% broken: bad cells, rows of the wrong width, blank rows, a quoted
    cell with a comma inside and one with a doubled quote."""
    rng = random.Random(seed)
    header = generator.header()
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator=newline)
    writer.writerow(header)
    for index, row in enumerate(generator.rows(count, seed=seed)):
        if rng.random() < 0.05:
            kind = rng.randrange(5)
            if kind == 0:
                row[rng.randrange(4, len(row))] = rng.choice(BREAKAGES)
            elif kind == 1:
                row = [*row, "extra"] if rng.random() < 0.5 else row[:-1]
            elif kind == 2:
                text.write(newline if rng.random() < 0.5 else "," * (len(header) - 1) + newline)
            elif kind == 3:
                row[1] = f"名称, 带逗号 {index}"
                row[0] = rng.choice(("=HYPERLINK(1)", "-5", "+1", "@x", f" P{index} "))
            else:
                row[1] = f'名称 "{index}"'
        writer.writerow(row)
    data = text.getvalue().encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.mark.parametrize(("newline", "bom"), [("\n", False), ("\r\n", True)])
def test_a_csv_with_broken_rows_is_written_byte_for_byte(
    tmp_path: Path, newline: str, bom: bool
) -> None:
    source = _broken_csv(tmp_path / "broken.csv", 3000, seed=5, newline=newline, bom=bom)
    written = _assert_same_batch(tmp_path, source)
    assert b"batch-row-width" in written


def test_a_cell_spanning_lines_hands_the_rest_of_the_file_to_the_usual_reader(
    tmp_path: Path,
) -> None:
    """Rows before it are scored column by column; from it on, csv reads as it always did."""
    source = _broken_csv(tmp_path / "multi.csv", 800, seed=8)
    lines = source.read_bytes().split(b"\n")
    cells = lines[500].split(b",")
    cells[1] = b'"two\nlines"'
    lines[500] = b",".join(cells)
    lines[650] = lines[650] + b'"unclosed'
    source.write_bytes(b"\n".join(lines))
    _assert_same_batch(tmp_path, source)


@pytest.mark.parametrize("spanning", [False, True])
def test_a_csv_read_in_many_small_blocks_is_written_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spanning: bool
) -> None:
    """Blocks of 8 KiB (a few dozen lines each, cut mid-line and carried over), each parsed
    while the one before is scored; with a cell spanning lines in a later block, the blocks
    before it stay scored column by column and the usual reader takes over from it."""
    monkeypatch.setattr("scoring.batch.columnar_csv.BLOCK_BYTES", 8192)
    source = _broken_csv(tmp_path / "blocks.csv", 800, seed=13, newline="\r\n", bom=True)
    if spanning:  # in the 23rd of 29 blocks
        lines = source.read_bytes().split(b"\r\n")
        cells = lines[640].split(b",")
        cells[1] = b'"two\r\nlines"'
        lines[640] = b",".join(cells)
        source.write_bytes(b"\r\n".join(lines))
    written = _assert_same_batch(tmp_path, source)
    assert b"batch-row-width" in written


@pytest.mark.parametrize("first", ["short", "long", "blank"])
def test_a_block_that_starts_with_a_row_of_the_wrong_width_is_read_column_by_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """polars counts columns on a block's first line: a block opening with a row of the wrong
    width (or a blank one) once handed the rest of the file to the usual reader, record by
    record (a 1,000,000-record file took five times as long). Every block is scored column by
    column now, and the output is the usual path's."""
    monkeypatch.setattr("scoring.batch.columnar_csv.BLOCK_BYTES", 4096)
    # 150 rows: 10 or 11 blocks, 4 to 7 of them opening on a changed row (a block costs polars
    # about 70 ms of CPU however short it is; 400 rows took 3 s a case for 12 to 17 such blocks).
    source = generator.write_csv(tmp_path / "ragged.csv", 150, seed=21)
    lines = source.read_bytes().split(b"\r\n")
    for at in range(1, len(lines) - 1, 9):  # many blocks open on one of these
        cells = lines[at].split(b",")
        if first == "short":
            lines[at] = b",".join(cells[:-1])
        elif first == "long":
            lines[at] = b",".join([*cells, b"extra"])
        else:
            lines[at] = b""
    source.write_bytes(b"\r\n".join(lines))
    handed_on: list[int] = []
    original = columnar_csv._Reading.rest
    monkeypatch.setattr(
        columnar_csv._Reading,
        "rest",
        lambda self, number, index: handed_on.append(number) or original(self, number, index),
    )
    _assert_same_batch(tmp_path, source)
    assert handed_on == []


def test_a_gb18030_csv_goes_the_usual_way(tmp_path: Path) -> None:
    source = tmp_path / "gbk.csv"
    utf8 = _broken_csv(tmp_path / "utf8.csv", 200, seed=2)
    source.write_bytes(utf8.read_bytes().decode("utf-8").encode("gb18030"))
    _assert_same_batch(tmp_path, source)


def test_amounts_read_in_every_common_form(tmp_path: Path) -> None:
    """Money cells in the forms read as string operations and the rest: the same scores."""
    header = generator.header()
    rows = [list(row) for row in generator.rows(200, seed=4)]
    forms = [
        "110",
        "110万元",
        "1,100,000元",
        "1100000元",
        "0.011亿元",
        "110.000000万元",
        "1,100,000.55元",
        "-0",
        "0",
        "1,234,567,890,123元",
        "110 万元",
        "¥110万",
        "11000000分",
    ]
    column = header.index("预算资金")
    for index, row in enumerate(rows):
        row[column] = forms[index % len(forms)]
        row[column + 1] = forms[(index + 3) % len(forms)]
    frame = pl.DataFrame(rows, schema=header, orient="row")
    spec = load_spec(SEED_SPEC)
    assert _columnar(spec, frame) == _usual(spec, frame)
