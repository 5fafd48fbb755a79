"""`jixiao batch --peers`: every output row gains its percentile ranks among the peers (as a
direct sort gives them), the summary the peers' median and benchmark; workers change nothing."""

from __future__ import annotations

import csv
import io
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from scoring.cli import main

ROOT = Path(__file__).parent.parent
SPEC = str(ROOT / "indicators" / "xinfang_weiwen.yaml")
sys.path.insert(0, str(ROOT / "benchmarks"))
from records import write_csv


def direct_rank(value: Decimal, values: list[Decimal]) -> str:
    lower = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    rank = Decimal(2 * lower + equal) * 50 / Decimal(len(values))
    return format(rank.quantize(Decimal("0.01"), ROUND_HALF_UP), "f")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("peers")
    peers = write_csv(folder / "peers.csv", 300, seed=21)
    projects = write_csv(folder / "projects.csv", 60, seed=22)
    peer_out = folder / "peers_scored.csv"
    assert main(["batch", SPEC, str(peers), "-o", str(peer_out)], io.StringIO(), io.StringIO()) == 0
    return peers, projects, peer_out


def test_ranks_match_a_direct_sort(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    peers, projects, peer_out = files
    out = tmp_path / "out.csv"
    err = io.StringIO()
    argv = ["batch", SPEC, str(projects), "-o", str(out), "--peers", str(peers)]
    assert main(argv, io.StringIO(), err) == 0
    peer_rows = read_rows(peer_out)
    totals = [Decimal(row["total"]) for row in peer_rows]
    rows = read_rows(out)
    assert len(rows) == 60
    header = list(rows[0])
    assert header[:13] == [
        "id", "name", "total", "grade", "决策", "过程", "产出", "效益",
        "total_percentile", "决策百分位", "过程百分位", "产出百分位", "效益百分位",
    ]  # fmt: skip
    for row in rows:
        assert row["total_percentile"] == direct_rank(Decimal(row["total"]), totals)
        tops = [Decimal(peer["产出"]) for peer in peer_rows]
        assert row["产出百分位"] == direct_rank(Decimal(row["产出"]), tops)
    best = max(peer_rows, key=lambda row: Decimal(row["total"]))
    median = sorted(totals)[len(totals) // 2 - 1 : len(totals) // 2 + 1]
    shown_median = format((sum(median) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP), "f")
    assert (
        f"同类比较：{peers} 中 300 个同类项目；总分中位数 {shown_median}，最高 {best['total']}"
        f"（标杆项目 {best['id']}）；各项目的百分位见输出的 total_percentile 与各一级指标百分位列"
    ) in err.getvalue()


def test_workers_and_error_rows(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    peers, projects, _ = files
    broken = tmp_path / "projects.csv"
    with projects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index("预算资金")] = "一百万"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.csv"
        argv = ["batch", SPEC, str(broken), "-o", str(out), "--peers", str(peers), "-j", workers]
        assert main(argv, io.StringIO(), io.StringIO()) == 1
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    failed = read_rows(tmp_path / "out1.csv")[2]
    assert failed["total_percentile"] == failed["决策百分位"] == ""
    assert failed["error"]


def test_xlsx_output_names_the_columns_in_chinese(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    peers, projects, _ = files
    out = tmp_path / "out.xlsx"
    argv = ["batch", SPEC, str(projects), "-o", str(out), "--peers", str(peers)]
    assert main(argv, io.StringIO(), io.StringIO()) == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["项目编号", "项目名称"]
    assert header[8:13] == ["总分百分位", "决策百分位", "过程百分位", "产出百分位", "效益百分位"]
    assert isinstance(sheet.cell(row=2, column=9).value, (int, float))
