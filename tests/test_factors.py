"""因素分析法 and 比较法 (jixiao compare): the parts of a change add up to it, exactly and as shown.

examples/hengnan_xinfang_2022_constructed.yaml is a CONSTRUCTED second year of the seed project
(its header says so): the figures are made up to exercise the comparison.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import load_facts, load_spec, load_spec_text, score
from scoring.cli import main
from scoring.methods.factors import decompose, shown_parts
from tests.strategies import facts_for, specs

ROOT = Path(__file__).parent.parent
SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
YEAR_1 = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
YEAR_2 = ROOT / "examples" / "hengnan_xinfang_2022_constructed.yaml"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def seed_pair() -> tuple[Any, Any]:
    spec = load_spec(SPEC)
    return score(spec, load_facts(YEAR_1)), score(spec, load_facts(YEAR_2))


def test_seed_year_on_year_decomposition_is_exact() -> None:
    first, second = seed_pair()
    d = decompose(first, second)
    assert (first.total, second.total, d.change) == (
        Decimal("95.85"),
        Decimal("95.40"),
        Decimal("-0.45"),
    )
    assert d.exact_sum() == Fraction(d.change)
    shown = shown_parts(d)
    tops = {part.id: shown[(part.id, "total")] for part in d.parts}
    assert tops == {
        "决策": Decimal("0.20"),
        "过程": Decimal("0.73"),
        "产出": Decimal("-1.19"),
        "效益": Decimal("4.60"),
    }
    # 2021 had no satisfaction survey (not applicable, total rescaled by 100/95); 2022 has one:
    # its 4.60 points are a weight effect, and the end of the rescaling takes 4.79 back.
    assert shown[("服务对象满意度", "weight")] == Decimal("4.60")
    assert shown[("不适用折算", "total")] == Decimal("-4.79")
    assert sum(tops.values()) + shown[("不适用折算", "total")] + shown[
        ("四舍五入", "total")
    ] == Decimal("-0.45")


def test_compare_command_on_the_seed() -> None:
    code, out, _ = run("compare", str(YEAR_1), str(YEAR_2), "--spec", str(SPEC))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "比较法：信访维稳经费 2021–2022 年"
    assert any(
        line.split() == ["全年接访批次", "158批次", "5.00", "131批次", "4.37", "-0.63", "↓"]
        for line in lines
    )
    assert any(line.split() == ["总分", "95.85", "95.40", "-0.45", "↓"] for line in lines)
    assert "因素分析法：总分 95.85（2021）→ 95.40（2022），变化 -0.45" in lines
    assert any(line.split() == ["不适用折算", "-4.79"] for line in lines)
    assert any(line.split() == ["合计", "-0.45"] for line in lines)


def test_compare_json() -> None:
    code, out, _ = run("compare", str(YEAR_2), str(YEAR_1), "--spec", str(SPEC), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [y["year"] for y in data["years"]] == ["2021", "2022"]  # sorted by year
    factors = data["factors"][0]
    assert factors["change"] == "-0.45"
    tops = [p for p in factors["parts"] if p["level"] == 1]
    total = sum(Decimal(p["total"]) for p in tops)
    assert total + Decimal(factors["rescale"]) + Decimal(factors["rounding"]) == Decimal("-0.45")


def test_compare_refuses_two_files_of_one_year_and_a_missing_spec(tmp_path: Path) -> None:
    code, _, err = run("compare", str(YEAR_1), str(YEAR_1), "--spec", str(SPEC))
    assert code == 1
    assert err == (
        f"{YEAR_1}: year 2021 is already given by {YEAR_1}: each year has one facts file only "
        "[compare-year]\n"
    )
    code, _, err = run("compare", str(YEAR_1), str(YEAR_2))
    assert code == 2
    assert err == (
        f"jixiao: error: {YEAR_1} (year 2021) has no indicator system: give --spec or "
        "--spec-for 2021=SPEC\n"
    )
    code, _, err = run("compare", str(YEAR_1), str(YEAR_2), "--spec", str(SPEC), "--rename", "x")
    assert code == 2
    assert err == "jixiao: error: --rename 'x': write it as OLD=NEW\n"


def test_a_renamed_indicator_is_matched(tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.yaml"
    text = SPEC.read_text(encoding="utf-8").replace("id: 接访批次", "id: 接访批次数")
    renamed.write_text(text, encoding="utf-8")
    facts_2 = tmp_path / "2022.yaml"
    facts_text = YEAR_2.read_text(encoding="utf-8")
    facts_2.write_text(
        facts_text.replace("  接访批次: 来访减少", "  接访批次数: 来访减少"), "utf-8"
    )
    spec_1, spec_2 = load_spec(SPEC), load_spec(renamed)
    first = score(spec_1, load_facts(YEAR_1))
    second = score(spec_2, load_facts(facts_2))
    matched = shown_parts(decompose(first, second, {"接访批次": "接访批次数"}))
    assert matched[("接访批次数", "rate")] == Decimal("-0.63")
    assert matched[("接访批次数", "weight")] == Decimal("0.00")
    unmatched = shown_parts(decompose(first, second))
    # Unmatched, the old indicator leaves (−5) and the new one enters (+4.37): weight effects.
    assert unmatched[("接访批次", "weight")] == Decimal("-5.00")
    assert unmatched[("接访批次数", "weight")] == Decimal("4.37")


@st.composite
def reweighted_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    text, leaves = draw(specs())
    data = json.loads(text)
    second = json.loads(text)
    for top in second["indicators"]:
        for child in top["children"]:
            child["weight"] = str(draw(st.integers(1, 40)))
        top["weight"] = str(sum(Decimal(c["weight"]) for c in top["children"]))
    second["total"] = str(sum(Decimal(t["weight"]) for t in second["indicators"]))
    results = []
    for spec_data in (data, second):
        spec = load_spec_text(json.dumps(spec_data, ensure_ascii=False))
        facts = draw(facts_for(leaves))
        dropped = draw(st.sets(st.sampled_from([leaf.id for leaf in leaves])))
        if len(dropped) < len(leaves):
            facts["not_applicable"] = dict.fromkeys(dropped, "本年度不适用")
        results.append(score(spec, facts))
    return results[0], results[1]


@settings(max_examples=examples(120), deadline=None)
@given(reweighted_pairs())
def test_parts_sum_to_the_change_exactly(pair: tuple[Any, Any]) -> None:
    first, second = pair
    d = decompose(first, second)
    assert d.exact_sum() == Fraction(second.total) - Fraction(first.total)
    shown = shown_parts(d)
    tops = sum((shown[(p.id, "total")] for p in d.parts), Decimal(0))
    assert tops + shown[("不适用折算", "total")] + shown[("四舍五入", "total")] == d.change
    for part in (p for top in d.parts for p in top.walk() if p.children):
        children = sum((shown[(c.id, "total")] for c in part.children), Decimal(0))
        assert shown[(part.id, "total")] == children


def test_one_file_of_several_years(tmp_path: Path) -> None:
    """`years:` a list of facts documents compares like one file a year, and a problem in a
    year is located at its line in that file."""

    def year_of(path: Path) -> str:
        lines = [l for l in path.read_text(encoding="utf-8").splitlines() if not l.startswith("#")]
        return "\n".join(
            ("  - " if i == 0 else "    ") + l if l else "" for i, l in enumerate(lines)
        )

    both = tmp_path / "years.yaml"
    both.write_text(f"years:\n{year_of(YEAR_1)}\n{year_of(YEAR_2)}\n", encoding="utf-8")
    code, out, _ = run("compare", str(both), "--spec", str(SPEC))
    assert code == 0
    assert "因素分析法：总分 95.85（2021）→ 95.40（2022），变化 -0.45" in out.splitlines()
    broken = tmp_path / "broken.yaml"
    text = both.read_text(encoding="utf-8").replace("预算资金: 120万元", "预算资金: 一百万", 1)
    broken.write_text(text, encoding="utf-8")
    line = next(n for n, l in enumerate(text.splitlines(), 1) if "一百万" in l)
    code, _, err = run("compare", str(broken), "--spec", str(SPEC))
    assert code == 1
    assert err == (
        f"{broken}:{line}:13: values.预算资金: fact '预算资金': '一百万' is not a number with a "
        "unit: expected a number with an optional unit such as '110万元', '99.14%' or '158批次' "
        "[not-a-number]\n"
    )
