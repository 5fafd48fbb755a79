"""成本效益分析法 and 最低成本法: cost measures declared in a spec, computed exactly, compared by
year and against peers; bad declarations refused with located messages."""

from __future__ import annotations

import csv
import io
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from scoring import SpecError, load_facts, load_spec, load_spec_text, score
from scoring.batch.peer_columns import scored_peers
from scoring.cli import main
from scoring.methods.comparison import peer_group
from scoring.methods.cost import cost_lines, shown_cost

ROOT = Path(__file__).parent.parent
SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
YEAR_1 = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
YEAR_2 = ROOT / "examples" / "hengnan_xinfang_2022_constructed.yaml"
sys.path.insert(0, str(ROOT / "benchmarks"))
from records import write_csv


def test_the_seed_cost_per_visitor_both_years() -> None:
    spec = load_spec(SPEC)
    first = {
        line.measure.id: line for line in cost_lines(spec, score(spec, load_facts(YEAR_1)).values)
    }
    second = {
        line.measure.id: line for line in cost_lines(spec, score(spec, load_facts(YEAR_2)).values)
    }
    assert first["每人次接访成本"].value == Decimal("109.05") / Decimal(1013) or abs(
        first["每人次接访成本"].value - Decimal("109.05") / Decimal(1013)  # type: ignore[operator]
    ) < Decimal("1e-25")
    assert (
        shown_cost(first["每人次接访成本"].value, "万元/人次")
        == "0.1077万元/人次（1076.51元/人次）"
    )
    assert (
        shown_cost(second["每人次接访成本"].value, "万元/人次")
        == "0.1400万元/人次（1400.50元/人次）"
    )
    assert (
        shown_cost(first["每件交办件成本"].value, "万元/件") == "15.5786万元/件（155785.71元/件）"
    )


def test_compare_reports_cost_by_year() -> None:
    out = io.StringIO()
    assert main(["compare", str(YEAR_1), str(YEAR_2), "--spec", str(SPEC)], out, io.StringIO()) == 0
    rows = [line.split() for line in out.getvalue().splitlines()]
    assert ["每人次接访成本（万元/人次）", "0.1077", "0.1400", "+30.10%", "↑"] in rows
    assert ["每件交办件成本（万元/件）", "15.5786", "12.5111", "-19.69%", "↓"] in rows


def test_lowest_cost_peer_matches_a_direct_minimum(tmp_path: Path) -> None:
    peers_csv = write_csv(tmp_path / "peers.csv", 200, seed=3)
    spec = load_spec(SPEC)
    project = score(spec, load_facts(YEAR_1))
    group = peer_group(project, [str(peers_csv)], scored_peers(spec, [str(peers_csv)]))
    assert len(group.peers) == 200
    cheapest = next(cost for cost in group.costs if cost.measure.id == "每人次接访成本")
    with peers_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    spend, visits = spec.facts["实际支出"].measure, spec.facts["接访人次"].measure
    per_visitor = sorted(  # the same division, by a direct sort of the CSV's rows
        (Decimal(spend.read(row["实际支出"])) / Decimal(visits.read(row["接访人次"])), row["id"])
        for row in rows
    )
    assert cheapest.lowest_peer == per_visitor[0][1]
    assert cheapest.lowest is not None
    assert abs(cheapest.lowest - per_visitor[0][0]) < Decimal("1e-20")
    own = Decimal("109.05") / Decimal(1013)
    assert cheapest.cheaper == sum(1 for value, _ in per_visitor if value < own)


SPEC_BASE = """
id: t
name: 测试
version: "1"
facts:
  支出: {kind: money, unit: 万元}
  人次: {kind: count, unit: 人次}
  执行率: {kind: rate}
indicators:
  - id: 甲
    weight: 100
    rule: {kind: positive, actual: 执行率, target: "≥90%"}
cost_effectiveness:
"""


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "  每人次: {cost: 支岀, output: 人次}\n",
            (
                "<spec>:14:15: cost_effectiveness.每人次.cost: unknown fact or derived value '支岀'; "
                "did you mean '支出'? [formula-unknown-name]"
            ),
        ),
        (
            "  每人次: {cost: 人次, output: 支出}\n",
            (
                "<spec>:14:15: cost_effectiveness.每人次.cost: '人次' is a count in 人次: the cost "
                "must be an amount of money [cost-measure-kind]\n"
                "<spec>:14:27: cost_effectiveness.每人次.output: '支出' is money in 万元: the "
                "output must be a count or a number [cost-measure-kind]"
            ),
        ),
        (
            "  每人次: {cost: 支出, output: 执行率}\n",
            (
                "<spec>:14:27: cost_effectiveness.每人次.output: '执行率' is a rate in %: the "
                "output must be a count or a number [cost-measure-kind]"
            ),
        ),
    ],
)
def test_bad_cost_measures(entry: str, message: str) -> None:
    with pytest.raises(SpecError) as refused:
        load_spec_text(SPEC_BASE + entry)
    assert str(refused.value) == message
