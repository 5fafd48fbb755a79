"""比较法 against peers and 标杆管理 (jixiao compare --peers): ranks, medians and benchmarks
checked against a direct sort of 1,000 generated projects."""

from __future__ import annotations

import bisect
import csv
import io
import json
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from scoring import load_facts, load_spec, score
from scoring.batch.core import score_inputs
from scoring.cli import main
from scoring.methods.factors import Scores, decompose, shown_parts
from scoring.methods.peers import Peer, median_peer, standings

ROOT = Path(__file__).parent.parent
SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
SEED = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
sys.path.insert(0, str(ROOT / "benchmarks"))
from records import write_csv


@pytest.fixture(scope="session")
def peers_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv(tmp_path_factory.mktemp("peers") / "peers.csv", 1000, seed=7)


@pytest.fixture(scope="session")
def peers(peers_csv: Path) -> list[Peer]:
    spec = load_spec(SPEC)
    out = []
    for record_id, _, totals in score_inputs(spec, [str(peers_csv)]):
        assert not isinstance(totals, Exception), totals
        out.append(Peer(record_id, totals))
    return out


def direct_rank(value: Decimal, values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    below = bisect.bisect_left(ordered, value)
    equal = bisect.bisect_right(ordered, value) - below
    return Decimal(2 * below + equal) * 50 / Decimal(len(values))


def test_ranks_medians_and_benchmarks_match_a_direct_sort(peers: list[Peer]) -> None:
    spec = load_spec(SPEC)
    result = score(spec, load_facts(SEED))
    own = Scores.of(result)
    project = peers[0].totals._replace(
        total=result.total,
        top_scores=tuple(top.score for top in result.indicators),
        leaf_scores=tuple(own.leaf_scores[leaf.id] for leaf in spec.leaves),
    )
    lines = standings(spec, project, peers)
    assert len(peers) == 1000
    assert len(lines) == 1 + len(spec.indicators) + len(spec.leaves)
    leaf_index = {leaf.id: i for i, leaf in enumerate(spec.leaves)}
    top_index = {top.id: i for i, top in enumerate(spec.indicators)}
    for line in lines:
        if line.id == "总分":
            column = [(p.id, p.totals.total, p.totals.total) for p in peers]
        elif line.id in top_index:
            i = top_index[line.id]
            column = [(p.id, p.totals.top_scores[i], p.totals.total) for p in peers]
        else:
            i = leaf_index[line.id]
            column = [(p.id, p.totals.leaf_scores[i], p.totals.total) for p in peers]
        values = [v for _, v, _ in column if v is not None]
        assert line.peers == len(values)
        ordered = sorted(values)
        n = len(ordered)
        median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
        assert line.median == median
        assert line.best == ordered[-1]
        at_best = [(pid, total) for pid, v, total in column if v == ordered[-1]]
        best_total = max(total for _, total in at_best)
        assert line.benchmark == next(pid for pid, total in at_best if total == best_total)
        assert line.tied_best == len(at_best) - 1
        if line.score is None:
            assert line.rank is None
        else:
            assert line.rank is not None
            assert line.rank.quantize(Decimal("1e-20")) == direct_rank(line.score, values).quantize(
                Decimal("1e-20")
            )


def test_difference_from_the_median_project_sums_exactly(peers: list[Peer]) -> None:
    spec = load_spec(SPEC)
    result = score(spec, load_facts(SEED))
    middle = median_peer(peers)
    totals = sorted(p.totals.total for p in peers)
    assert middle.totals.total == totals[(len(totals) - 1) // 2]
    d = decompose(Scores.of_totals(spec, middle.totals), result)
    assert d.exact_sum() == Fraction(result.total) - Fraction(middle.totals.total)
    shown = shown_parts(d)
    parts = sum((shown[(p.id, "total")] for p in d.parts), Decimal(0))
    assert parts + shown[("不适用折算", "total")] + shown[("四舍五入", "total")] == d.change


def test_compare_with_peers_on_the_command_line(peers_csv: Path, tmp_path: Path) -> None:
    broken = tmp_path / "peers.csv"
    with peers_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:51]
    rows[5][rows[0].index("预算资金")] = "一百万"  # one record that cannot be scored
    with broken.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out, err = io.StringIO(), io.StringIO()
    code = main(["compare", str(SEED), "--spec", str(SPEC), "--peers", str(broken)], out, err)
    assert code == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    assert lines[0] == f"比较法（同类项目）：{broken} 中 49 个项目；另 1 个记录无法计分，未计入"
    assert lines[1] == f"未计入：{rows[5][0]}（{broken}:row 6）（用 jixiao batch 查看各自的错误）"
    assert any(line.startswith("因素分析法：总分 ") and "（本项目）" in line for line in lines)
    out = io.StringIO()
    code = main(
        ["compare", str(SEED), "--spec", str(SPEC), "--peers", str(broken), "--format", "json"],
        out,
        io.StringIO(),
    )
    data = json.loads(out.getvalue())["peers"]
    assert data["count"] == 49
    assert data["failed"] == [{"id": rows[5][0], "source": f"{broken}:row 6"}]
    assert data["lines"][0]["id"] == "总分"


def test_compare_html_page(peers_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "比较.html"
    year_2 = ROOT / "examples" / "hengnan_xinfang_2022_constructed.yaml"
    argv = ["compare", str(SEED), str(year_2), "--spec", str(SPEC), "--peers", str(peers_csv)]
    err = io.StringIO()
    assert main([*argv, "-o", str(out)], io.StringIO(), err) == 0
    assert err.getvalue() == f"wrote {out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<h1>比较法：信访维稳经费 2021–2022 年</h1>" in page
    assert "<h2>因素分析法：总分 95.85（2021）→ 95.40（2022），变化 -0.45</h2>" in page
    assert "<h2>与同类项目比较（标杆管理）</h2>" in page
    assert page.count("<svg ") == 2  # a waterfall for the years, one against the median project
    assert "<title>总分变化的因素分解（2021 → 2022）</title>" in page
    assert "<script" not in page


def test_compare_a_folder_of_years_into_a_workbook(peers_csv: Path, tmp_path: Path) -> None:
    import shutil

    import openpyxl

    years = tmp_path / "years"
    years.mkdir()
    for name in ("hengnan_xinfang_2021.yaml", "hengnan_xinfang_2022_constructed.yaml"):
        shutil.copy(ROOT / "examples" / name, years / name)
    out = tmp_path / "比较.xlsx"
    argv = ["compare", str(years), "--spec", str(SPEC), "--peers", str(peers_csv), "-o", str(out)]
    assert main(argv, io.StringIO(), io.StringIO()) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "逐年比较",
        "成本效益",
        "因素分析 2021-2022",
        "同类比较",
        "最低成本法",
        "因素分析 中位项目",
    ]
    rows = list(book["逐年比较"].iter_rows(values_only=True))
    assert rows[-2][:5] == ("总分", None, 95.85, None, 95.4)
    factors = list(book["因素分析 2021-2022"].iter_rows(values_only=True))
    assert factors[-1] == ("合计", None, None, -0.45)
    assert book.properties.creator == "jixiao"
