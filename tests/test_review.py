"""复核 of filed 自评表: recomputed totals beside stated ones, and each finding with its code and cell."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, Run
from tables.build import EVERY_FINDING_ROWS, Funds, Row, liangping, national, tianchang

from scoring.review import CODES, review_pair, review_table
from scoring.review.checks import CHECKS

Jixiao = Callable[..., Run]
SEED_SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
SEED_FACTS = ROOT / "examples" / "hengnan_xinfang_2021.yaml"


@pytest.fixture(autouse=True)
def _chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings are asserted as a reviewer reads them: in Chinese, the default language."""
    monkeypatch.setenv("JIXIAO_LANG", "zh")


def _codes(findings: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f.code, f.cell) for f in findings]


def test_codes_are_the_issue_s_order_with_additions() -> None:
    """The nine codes of the issue come first-to-last in its order; each code has one check."""
    issue = [
        "score_above_weight",
        "total_mismatch",
        "weights_sum",
        "met_but_deducted",
        "above_proportional",
        "tier_range",
        "double_counted_execution",
        "missing_deviation_reason",
        "grade_mismatch",
    ]
    assert [code for code in CODES if code in issue] == issue
    assert list(CHECKS) == list(CODES)


def test_tianchang_table_reproduces_its_filed_total(tmp_path: Path) -> None:
    """A constructed 天长-shaped table (10/50/30/10, every target met; not the published one):
    recomputed 100 = filed 100, nothing to flag."""
    path = tmp_path / "tianchang.xlsx"
    tianchang(path)
    review = review_table(path)
    assert (review.stated_total, review.recomputed_total) == (Decimal(100), Decimal(100))
    assert (review.stated_grade, review.recomputed_grade) == ("优", "优")
    assert review.findings == []


def test_liangping_table_reproduces_its_filed_total(tmp_path: Path) -> None:
    """A constructed 梁平-shaped table (not the published one): 执行率 79.27% → 7.93 of 10, ≤
    targets met → full; recomputed 97.93 = filed."""
    path = tmp_path / "liangping.xlsx"
    liangping(path)
    review = review_table(path)
    assert (review.stated_total, review.recomputed_total) == (Decimal("97.93"), Decimal("97.93"))
    assert review.findings == []


def test_weights_summing_to_110_while_claiming_100(tmp_path: Path) -> None:
    """Funds 10 + indicators 100 = 110 under a footer that says 100: weights_sum at the footer."""
    path = tmp_path / "110.xlsx"
    rows = [
        Row("产出指标", "数量指标", "防汛物资储备批次", "≥2批次", "2批次", 30, 30),
        Row("", "质量指标", "修复工程验收合格率", "≥95%", "100%", 30, 30),
        Row("效益指标", "社会效益指标", "人民群众生命财产安全", "有效保障", "达成预期指标", 30, 30),
        Row("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "96%", 10, 10),
    ]
    where = national(path, rows, funds=Funds(), total_weight=100, total=110, grade="优")
    review = review_table(path)
    assert _codes(review.findings) == [("weights_sum", f"Sheet1!F{where['foot']}")]
    assert review.findings[0].message == "各项分值合计 110，总分为 100（多 10）"
    assert review.recomputed_total == Decimal(110)


def test_met_target_scored_7_of_10_without_a_reason(tmp_path: Path) -> None:
    """100% against ≥95% scored 7 of 10 with no 偏差原因: met_but_deducted at its 得分 cell."""
    path = tmp_path / "met.xlsx"
    where = tianchang(path, total=97)
    workbook_row = where["rows"][2]
    _set(path, f"G{workbook_row}", 7)
    review = review_table(path)
    assert _codes(review.findings) == [
        ("met_but_deducted", f"Sheet1!G{workbook_row}"),
        ("missing_deviation_reason", f"Sheet1!H{workbook_row}"),
    ]
    assert review.findings[0].message == (
        "修复工程验收合格率：实际完成值 100% 已达到年度指标值 ≥95%，应得满分 10，填报 7 分，未说明扣分原因"
    )
    assert (review.stated_total, review.recomputed_total) == (Decimal(97), Decimal(100))


def test_98_percent_against_100_scored_8_instead_of_9_8(tmp_path: Path) -> None:
    """98% against =100% gives 9.8 by the rule; the table's 8 is below_proportional (9.8 at the
    table's whole points is 10 half-up or 9 truncated, never 8), and with no 偏差原因 the missing
    reason is flagged too, in code order."""
    path = tmp_path / "98.xlsx"
    where = tianchang(path, total=98)
    line = where["rows"][3]
    _set(path, f"E{line}", "98%")
    _set(path, f"G{line}", 8)
    review = review_table(path)
    assert _codes(review.findings) == [
        ("below_proportional", f"Sheet1!G{line}"),
        ("missing_deviation_reason", f"Sheet1!H{line}"),
    ]
    assert review.findings[0].message == (
        "汛前准备完成及时率：实际完成值 98% 未达到年度指标值 =100%，按比例应得 9.8 分，填报 8 分"
    )
    assert review.recomputed_total == Decimal("99.80")


def test_every_other_finding_with_its_cell(tmp_path: Path) -> None:
    """One table with a score above its weight, a wrong total, a missed target scored in full, a
    qualitative score outside its tier, execution scored twice, a reverse target scored against its
    rule, a wrong grade and a wrong 执行率: all flagged, in code order, each at its cell."""
    path = tmp_path / "all.xlsx"
    funds = Funds(weight=10, score=10, start=50, budget=50, spent=50, rate="95%")
    where = national(path, EVERY_FINDING_ROWS, funds=funds, total=95, grade="良")
    r = where["rows"]
    review = review_table(path)
    assert _codes(review.findings) == [
        ("score_above_weight", f"Sheet1!G{r[0]}"),
        ("total_mismatch", f"Sheet1!G{where['foot']}"),
        ("above_proportional", f"Sheet1!G{r[1]}"),
        ("rule_mismatch", f"Sheet1!G{r[3]}"),
        ("tier_range", f"Sheet1!G{r[4]}"),
        ("double_counted_execution", f"Sheet1!G{r[2]}"),
        ("grade_mismatch", f"Sheet1!F{where['grade_row']}"),
        ("execution_rate_mismatch", f"Sheet1!H{where['funds_row']}"),
        ("grade_changes", f"Sheet1!G{where['foot']}"),
    ]
    messages = [f.message for f in review.findings]
    assert messages[0] == "防汛物资储备批次：得分 12 超过分值 10"
    assert messages[1] == "填报总分 95 与各项得分合计 101 不符"
    assert (
        messages[2]
        == "水毁工程修复处数：实际完成值 18处 未达到年度指标值 ≥20处，按比例应得 9 分，填报 10 分"
    )
    assert messages[3].startswith(
        "物资采购成本：按反向规则（实际完成值 60万元 超过年度指标值 ≤50万元"
    )
    assert messages[3].endswith("应得 8.33 分，填报 10 分")
    assert (
        messages[4]
        == "人民群众生命财产安全：评价为“部分达成”（部分达成年度指标并具有一定效果），得分区间 [12, 16) 分（60%–80%），填报 19 分"
    )
    assert (
        messages[5]
        == "预算执行率已在资金栏计分（分值 10，Sheet1!G6），又作为绩效指标“年度资金支付完成率100%”计 10 分"
    )
    assert messages[6] == "填报等级“良”，而填报总分 95 对应等级“优”"
    assert messages[7] == "执行率填报 95%，全年执行数 ÷ 全年预算数 = 100.00%"


def test_grade_changes_when_recomputed_total_crosses_a_band(tmp_path: Path) -> None:
    """Missed targets scored in full lift 84 to 91: the rules say 良, the table says 优."""
    rows = [
        Row("产出指标", "数量指标", "培训人次", "≥100人次", "50人次", 30, 30, "经费不足"),
        Row("", "质量指标", "合格率", "≥95%", "100%", 60, 60),
        Row("满意度指标", "满意度", "满意度", "≥90%", "80%", 10, 10, "宣传不够"),
    ]
    path = tmp_path / "grade.xlsx"
    where = national(path, rows, total=100, grade="优")
    review = review_table(path)
    assert review.recomputed_total == Decimal("83.89")
    assert _codes(review.findings) == [
        ("above_proportional", f"Sheet1!G{where['rows'][0]}"),
        ("above_proportional", f"Sheet1!G{where['rows'][2]}"),
        ("grade_changes", f"Sheet1!G{where['foot']}"),
    ]
    assert review.findings[-1].message == "按规则重算总分 83.89，等级为“良”，填报为“优”"


def test_review_of_an_imported_pair_with_stated_yaml_matches_the_table(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    """jixiao import then review SPEC FACTS --stated gives the same findings as the table."""
    path = tmp_path / "met.xlsx"
    where = tianchang(path, total=97)
    _set(path, f"G{where['rows'][2]}", 7)
    out = tmp_path / "pair"
    assert jixiao("import", str(path), "-o", str(out)).code == 0
    table = jixiao("review", str(path), "--format", "json")
    pair = jixiao(
        "review",
        str(out / "spec.yaml"),
        str(out / "facts.yaml"),
        "--stated",
        str(out / "stated.yaml"),
        "-f",
        "json",
    )
    assert (table.code, pair.code) == (0, 0)
    as_table, as_pair = json.loads(table.out), json.loads(pair.out)
    assert as_pair["findings"] == as_table["findings"]
    assert (as_pair["stated_total"], as_pair["recomputed_total"]) == (97, 100)


def test_review_of_a_pair_takes_adjustments_as_stated_scores(tmp_path: Path) -> None:
    """Without stated.yaml a pair's adjustments are the stated departures: a met 资金到位率 cut by
    1 with no reason is met_but_deducted at its adjustment."""
    facts = SEED_FACTS.read_text(encoding="utf-8") + (
        "\nadjustments:\n  - {indicator: 资金到位率, points: -1, reason: 到位偏晚}\n"
    )
    path = tmp_path / "facts.yaml"
    path.write_text(facts, encoding="utf-8")
    review = review_pair(SEED_SPEC, path)
    assert _codes(review.findings) == [
        ("met_but_deducted", "adjustments[资金到位率]"),
        ("missing_deviation_reason", "deviations[资金到位率]"),
    ]
    assert review.recomputed_total == Decimal("95.85")
    assert review.stated_total == Decimal("94.80")


def test_review_json_has_totals_and_findings(jixiao: Jixiao, tmp_path: Path) -> None:
    """--format json: stated_total, recomputed_total and findings [{code, cell, message}]."""
    path = tmp_path / "98.xlsx"
    where = tianchang(path, total=98)
    line = where["rows"][3]
    _set(path, f"E{line}", "98%")
    _set(path, f"G{line}", 8)
    _set(path, f"H{line}", "个别乡镇检查延后")
    run = jixiao("review", str(path), "--format", "json")
    assert run.code == 0
    data = json.loads(run.out)
    assert data["stated_total"] == 98
    assert (data["recomputed_partial"], data["rows_not_recomputed"]) == (False, [])
    assert data["recomputed_total"] == 99.8
    assert data["findings"] == [
        {
            "code": "below_proportional",
            "cell": f"Sheet1!G{line}",
            "message": "汛前准备完成及时率：实际完成值 98% 未达到年度指标值 =100%，按比例应得 9.8 分，填报 8 分",
        }
    ]


def test_review_table_and_markdown_output(jixiao: Jixiao, tmp_path: Path) -> None:
    """The text report puts stated and recomputed side by side and lists findings as cell: message [code]."""
    path = tmp_path / "met.xlsx"
    where = tianchang(path, total=97)
    _set(path, f"G{where['rows'][2]}", 7)
    run = jixiao("review", str(path))
    assert run.code == 0
    cell = f"Sheet1!G{where['rows'][2]}"
    assert run.out == (
        f"复核：{path}!Sheet1（满分 100）\n"
        "\n"
        "      填报              按规则重算\n"
        "----  ----------------  ------------\n"
        f"总分  97（Sheet1!G{where['foot']}）  100.00\n"
        "等级  优                优\n"
        "\n"
        "发现 2 项问题：\n"
        f"  {cell}: 修复工程验收合格率：实际完成值 100% 已达到年度指标值 ≥95%，应得满分 10，填报 7 分，"
        "未说明扣分原因 [met_but_deducted]\n"
        f"  Sheet1!H{where['rows'][2]}: 修复工程验收合格率：得分 7 低于分值 10，"
        "未填写偏差原因分析及改进措施 [missing_deviation_reason]\n"
    )
    markdown = jixiao("review", str(path), "-f", "markdown")
    assert any(
        line.startswith("| `met_but_deducted`") and f"| {cell} |" in line
        for line in markdown.out.splitlines()
    )
    failing = jixiao("review", str(path), "--fail-on-findings")
    assert failing.code == 3


def test_review_usage_errors(jixiao: Jixiao) -> None:
    """Three inputs, or --stated with a table, are usage errors (exit 2)."""
    run = jixiao("review", "a", "b", "c", "--lang", "en")
    assert (run.code, run.err) == (
        2,
        "jixiao: error: give one filled table (xlsx/csv), or a spec and a facts file\n",
    )
    run = jixiao("review", "t.xlsx", "--stated", "s.yaml", "--lang", "en")
    assert (run.code, run.err) == (
        2,
        "jixiao: error: --stated goes with SPEC FACTS, not with a table\n",
    )


@pytest.mark.parametrize("flag", ["table", "json", "markdown"])
def test_every_review_format_renders_the_seed_pair(jixiao: Jixiao, flag: str) -> None:
    """The seed pair has no stated departures: every format says there is nothing to flag."""
    run = jixiao("review", str(SEED_SPEC), str(SEED_FACTS), "-f", flag)
    assert run.code == 0, run.err
    assert "95.85" in run.out


def _set(path: Path, ref: str, value: object) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws[ref] = value
    wb.save(path)


def test_every_code_is_documented_in_docs_review() -> None:
    """docs/review.md has a table row for each code, in report order."""
    text = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    documented = [line.split("`")[1] for line in text.splitlines() if line.startswith("| `")]
    assert documented == list(CODES)


def test_review_reads_a_csv_table(tmp_path: Path) -> None:
    """A table saved as CSV is reviewed like the workbook; cells are named without a sheet."""
    from scoring import load_facts, load_spec, score
    from scoring.report import RENDERERS

    path = tmp_path / "seed.csv"
    result = score(load_spec(SEED_SPEC), load_facts(SEED_FACTS))
    path.write_text(RENDERERS["csv"](result), encoding="utf-8")
    review = review_table(path)
    assert (review.stated_total, review.recomputed_total) == (Decimal("95.85"), Decimal("91.64"))
    # The 定性 rows the seed rates inside the 达成 tier (2.7 of 3 …) print "达成" and give no
    # reason for the points lost: qualitative_met_but_deducted, before the rule_mismatch.
    assert _codes(review.findings) == [
        ("qualitative_met_but_deducted", f"seed!H{row}") for row in (15, 16, 18, 23, 32, 34)
    ] + [("rule_mismatch", "seed!H21")] + [
        ("missing_deviation_reason", f"seed!I{row}") for row in (15, 16, 18, 23, 32, 34)
    ]
    assert review.findings[0].message == (
        "绩效目标合理性：实际完成值“达成”为达成，应得满分 3，填报 2.7 分，未说明扣分原因"
    )


def test_the_tianchang_example_rendered_scores_execution_twice(tmp_path: Path) -> None:
    """The 天长 2022 example (examples/tianchang_flood_defence_2022.yaml), rendered by our own xlsx
    report, scores 预算执行率 in the funds row and 年度资金支付完成率 again. The published table
    itself is tests/tables/real/11_anhui_tianchang_2022_shuihan, read by test_real_tables.py."""
    from scoring import load_facts, load_spec, score
    from scoring.report import BINARY_RENDERERS

    example = ROOT / "examples" / "tianchang_flood_defence_2022.yaml"
    spec = ROOT / "indicators" / "projects" / "tianchang_flood_defence_2022.yaml"
    if not (example.exists() and spec.exists()):
        pytest.skip("the 天长 example is not in this tree")
    facts = load_facts(example)
    path = tmp_path / "tianchang.xlsx"
    path.write_bytes(BINARY_RENDERERS["xlsx"](score(load_spec(spec), facts)))
    review = review_table(path)
    assert (review.stated_total, review.recomputed_total) == (Decimal(100), Decimal(100))
    assert [f.code for f in review.findings] == ["double_counted_execution"]


def _satisfaction_pair(tmp_path: Path, rule: str, satisfaction: str) -> tuple[Path, Path]:
    """spec.yaml of a 10-point system with one indicator, 服务对象满意度 (weight 10) scored by
    ``rule`` (a YAML flow mapping) over the rate 满意度, and facts.yaml giving 满意度 as
    ``satisfaction``."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"""
id: manyi
name: 满意度
version: "1"
total: 10
grades: {{优: 9, 良: 8, 中: 6, 差: 0}}
facts:
  满意度: {{kind: rate}}
indicators:
  - {{id: 服务对象满意度, weight: 10, rule: {rule}}}
""",
        encoding="utf-8",
    )
    facts = tmp_path / "facts.yaml"
    values = f"project: {{name: 测试}}\nvalues: {{满意度: {satisfaction}}}\n"
    facts.write_text(values, encoding="utf-8")
    return spec, facts


def test_a_formula_rule_whose_target_is_met_exactly_is_not_missed(tmp_path: Path) -> None:
    """分值 × 满意度 against ≥98%, 满意度 98%: 9.8 points by the formula, and the target is met, so
    no reason is asked for a missed target (the formula's points are below the weight, which
    made the outcome read as missed)."""
    spec, facts = _satisfaction_pair(
        tmp_path,
        '{kind: formula, formula: 分值 * 满意度, actual: 满意度, target: "≥98%"}',
        "98%",
    )
    review = review_pair(spec, facts)
    assert review.recomputed_total == Decimal("9.80")
    assert review.findings == []


def test_an_implausible_rate_in_facts_is_not_far_exceeded(tmp_path: Path) -> None:
    """A pair whose facts give 满意度 290% (≥90% misread): implausible_value at the indicator,
    and not the "far exceeded" reason the engine's outcome would ask for."""
    spec, facts = _satisfaction_pair(
        tmp_path,
        '{kind: positive, actual: 满意度, target: "≥90%"}',
        "290%",
    )
    review = review_pair(spec, facts)
    assert [(f.code, f.cell, f.message) for f in review.findings] == [
        (
            "implausible_value",
            "indicators[服务对象满意度]",
            (
                "服务对象满意度：实际完成值 290% 超过 100%，这类比率不可能超过 100%"
                "（可能是录入或识别错误），未按“大幅超过”复核"
            ),
        )
    ]
