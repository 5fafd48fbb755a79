"""Numbers as people write them (issue 17): an actual shown at the spec's places with its unit, a
target with the unit it was written in, a warning for a compound actual with no unit, and commas
inside an unquoted formula in a ``{…}`` mapping."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from scoring import SpecError, load_facts_text, load_spec_text, score
from scoring.cli import main
from scoring.numbers.measure import Measure
from scoring.yamlio.load import Mark, load_yaml

SPEC = """\
id: t
name: 农村公路养护
version: "1"
reverse_formula: t_over_a
facts:
  实际支出: {kind: money, unit: 万元}
  公里数: {kind: number, unit: 公里}
  到位资金: {kind: money, unit: 万元}
derived:
  每公里成本: {formula: 实际支出 / 公里数, kind: number, unit: 万元/公里}
  无单位成本: {formula: 实际支出 / 公里数, kind: number}
  执行率: {formula: 实际支出 / 到位资金, kind: rate}
indicators:
  - id: 每公里养护成本
    weight: 40
    rule: {kind: reverse, actual: 每公里成本, target: "≤0.6万元/公里"}
  - id: 成本无单位
    weight: 30
    rule: {kind: reverse, actual: 无单位成本, target: "≤0.6万元/公里"}
  - id: 预算执行率
    weight: 30
    rule: {kind: positive, actual: 执行率, target: "≥90%"}
"""

FACTS = """\
project: {name: 某县农村公路养护, year: 2023}
values: {实际支出: 92.5万元, 公里数: 163, 到位资金: 100万元}
"""


def leaves(spec_text: str, facts_text: str = FACTS) -> dict[str, tuple[str, str, str]]:
    result = score(load_spec_text(spec_text), load_facts_text(facts_text))
    return {
        leaf.node.id: (leaf.target_text, leaf.actual_text, leaf.explanation)
        for leaf in result.leaves()
    }


def test_a_cost_per_km_is_shown_at_four_places_with_its_unit() -> None:
    target, actual, explanation = leaves(SPEC)["每公里养护成本"]
    # 92.5 ÷ 163 = 0.567484662576687116564417177914…: scored exactly, shown half-up.
    assert (target, actual) == ("≤0.6万元/公里", "0.5675万元/公里")
    assert explanation == "实际完成值 0.5675万元/公里 达到年度指标值 ≤0.6万元/公里，得满分 40 分。"


def test_a_target_keeps_its_unit_where_the_actual_has_none() -> None:
    target, actual, _ = leaves(SPEC)["成本无单位"]
    assert (target, actual) == ("≤0.6万元/公里", "0.57")  # the spec's 2 places: no compound unit


def test_the_score_uses_the_exact_value_not_the_shown_one() -> None:
    over = SPEC.replace(
        '≤0.6万元/公里"}\n  - id: 成本无单位', '≤0.5万元/公里"}\n  - id: 成本无单位'
    )
    result = score(load_spec_text(over), load_facts_text(FACTS))
    leaf = next(leaf for leaf in result.leaves() if leaf.node.id == "每公里养护成本")
    # 40 × 0.5 ÷ (92.5 ÷ 163) = 35.2432…, from the exact quotient (0.5675 would give 35.2423)
    assert leaf.score == Decimal("35.24")
    assert leaf.actual_text == "0.5675万元/公里"
    assert leaf.explanation == (
        "实际完成值 0.5675万元/公里 超过年度指标值 ≤0.5万元/公里，"
        "按 40 × 0.5万元/公里 ÷ 0.5675万元/公里 计分，得 35.24 分，扣 4.76 分。"
    )


def test_rates_show_two_places_of_a_percentage_and_short_values_are_not_padded() -> None:
    assert leaves(SPEC)["预算执行率"][:2] == ("≥90%", "92.5%")
    facts = FACTS.replace("公里数: 163", "公里数: 185")  # 0.5 exactly: shown as 0.5, not 0.5000
    assert leaves(SPEC, facts)["每公里养护成本"][1] == "0.5万元/公里"


def test_the_spec_places_set_the_shown_places() -> None:
    spec = SPEC.replace(
        "reverse_formula: t_over_a\n", "reverse_formula: t_over_a\nrounding: {places: 1}\n"
    )
    shown = leaves(spec)
    assert shown["成本无单位"][1] == "0.6"
    assert shown["每公里养护成本"][1] == "0.5675万元/公里"  # a compound unit: never under 4


def test_the_table_shows_them(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "f.yaml").write_text(FACTS, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["score", str(tmp_path / "s.yaml"), str(tmp_path / "f.yaml")], out, err) == 0
    rows = [line for line in out.getvalue().splitlines() if "每公里养护成本" in line]
    cells = [cell.strip() for cell in rows[0].split("│")[1:-1]]
    assert cells[1:5] == ["≤0.6万元/公里", "0.5675万元/公里", "40", "40.00"]
    assert "0.56748" not in out.getvalue()


def test_measure_display_rounds_only_past_its_places() -> None:
    measure = Measure("number", "万元/公里").shown_at(2)
    assert measure.places == 4
    assert measure.display(Decimal("92.5") / Decimal(163)) == "0.5675万元/公里"
    assert measure.display(Decimal("0.5")) == "0.5万元/公里"
    assert Measure("money", "万元").shown_at(2).display(Decimal("3963.505")) == "3963.51万元"
    assert (
        Measure("money", "万元").display(Decimal("3963.505")) == "3963.505万元"
    )  # a fact: as read
    assert Measure("number", "").target("≤5%", "≤").display == "≤0.05"  # % is converted, not kept


# ---- validate: compound-unit-missing ---------------------------------------------------------


def validate(tmp_path: Path, text: str, *options: str) -> tuple[int, str, str]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main([*options, "validate", str(path)], out, err)
    return code, out.getvalue(), err.getvalue().replace(str(path), "spec.yaml")


def test_validate_warns_of_a_derived_compound_without_a_unit(tmp_path: Path) -> None:
    code, out, err = validate(tmp_path, SPEC)
    assert code == 0
    assert out.endswith(": ok (农村公路养护 v1: 3 indicators, 3 scored, total 100)\n")
    assert err == (
        "spec.yaml:11:10: derived.无单位成本: “无单位成本” is money 实际支出 divided by 公里数, a "
        "compound quantity, but declares no unit: the 自评表 will show it as a bare number; write "
        "unit: 万元/公里 [compound-unit-missing]\n"
    )


def test_validate_warns_of_an_inline_compound_actual(tmp_path: Path) -> None:
    spec = SPEC.replace("actual: 无单位成本", "actual: 实际支出 / 公里数")
    code, _, err = validate(tmp_path, spec, "--lang", "zh")
    assert code == 0
    assert err == (
        "spec.yaml:19:35: indicators[成本无单位].rule.actual: “成本无单位”的实际完成值由金额 实际支出 "
        "除以 公里数 得出，是复合量，却未声明单位：自评表将显示没有单位的数；请写上 unit: 万元/公里 "
        "[compound-unit-missing]\n"
    )


def test_validate_is_quiet_with_the_unit_declared(tmp_path: Path) -> None:
    spec = SPEC.replace(
        "{formula: 实际支出 / 公里数, kind: number}",
        "{formula: 实际支出 / 公里数, kind: number, unit: 万元/公里}",
    )
    assert validate(tmp_path, spec)[::2] == (0, "")


def test_validate_is_quiet_for_a_rate_and_a_difference(tmp_path: Path) -> None:
    spec = SPEC.replace(
        "{formula: 实际支出 / 公里数, kind: number}", "{formula: 实际支出 - 到位资金, kind: number}"
    )
    assert validate(tmp_path, spec)[::2] == (0, "")


# ---- commas inside an unquoted formula in a {…} mapping --------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("{formula: round(实际支出 / 公里数, 4), kind: number}", "round(实际支出 / 公里数, 4)"),
        ("{formula: clamp(a, 0, 1), kind: number}", "clamp(a, 0, 1)"),
        (
            "{formula: max(0,\n     分值 - 2 * ceil((1 - 完成率) / 0.05)), kind: number}",
            "max(0, 分值 - 2 * ceil((1 - 完成率) / 0.05))",
        ),
        ("{formula: max(0,a), kind: number}", "max(0,a)"),
    ],
)
def test_a_comma_in_a_formula_stays_in_it(written: str, read: str) -> None:
    document = load_yaml(f"x: {written}\n")
    assert document.data == {"x": {"formula": read, "kind": "number"}}
    assert document.value_marks[("x", "formula")] == Mark(1, 14)
    assert document.key_marks[("x", "kind")].line == written.count("\n") + 1


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # a key with a value, a quoted piece, parentheses that never close: as YAML reads them
        (
            "{formula: round(a, 4: 3), kind: number}",
            {"formula": "round(a", "4": "3)", "kind": "number"},
        ),
        (
            '{formula: "round(a", 4), kind: number}',
            {"formula": "round(a", "4)": None, "kind": "number"},
        ),
        ("{formula: round(a, 4}", {"formula": "round(a", "4": None}),
        ("{formula: round(a), b}", {"formula": "round(a)", "b": None}),
    ],
)
def test_what_is_not_a_split_formula_is_left_alone(written: str, read: object) -> None:
    assert load_yaml(f"x: {written}\n").data == {"x": read}


def test_a_list_is_not_rejoined() -> None:
    assert load_yaml("x: [round(a, 4)]\n").data == {"x": ["round(a", "4)"]}


def test_an_alias_is_never_rejoined() -> None:
    document = load_yaml("a: &p round(x\nx: {formula: *p, 4), k: 1}\n")
    assert document.data["x"] == {"formula": "round(x", "4)": None, "k": Decimal(1)}


def test_the_spec_with_round_unquoted_scores(tmp_path: Path) -> None:
    spec = SPEC.replace(
        "{formula: 实际支出 / 公里数, kind: number, unit: 万元/公里}",
        "{formula: round(实际支出 / 公里数, 3), kind: number, unit: 万元/公里}",
    )
    target, actual, _ = leaves(spec)["每公里养护成本"]
    assert (target, actual) == ("≤0.6万元/公里", "0.567万元/公里")


def test_a_formula_left_open_is_reported_where_it_is() -> None:
    spec = SPEC.replace(
        "{formula: 实际支出 / 公里数, kind: number, unit: 万元/公里}",
        "{formula: round(实际支出 / 公里数, 4, kind: number, unit: 万元/公里}",
    )
    with pytest.raises(SpecError) as refused:
        load_spec_text(spec)
    assert str(refused.value).startswith(
        "<spec>:10:38: derived.每公里成本.4: unknown key '4'; expected one of: label, formula, kind, unit "
        "[unknown-key]"
    )
