"""Reports people read: HTML with inline SVG charts, the draft 自评报告 (.docx), CSV."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from conftest import ROOT, Run

from scoring import facts_from_mapping, load_facts, load_spec, load_spec_text, score
from scoring.report import RENDERERS, render
from scoring.report.advice import APPLICATION_RULES, application_advice
from scoring.report.charts import losses_chart, score_rate_chart
from scoring.report.docx_report import SECTIONS, build
from scoring.result import Result
from scoring.tabular.funds import money_summary

Jixiao = Callable[..., Run]
SEED_SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
SEED_FACTS = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
# The seed report's key figures, each computed from the facts (none is typed in a template).
KEY_FIGURES = (
    "110 万元",
    "到位率 100%",
    "109.05 万元",
    "执行率 99.14%",
    "结余 0.95 万元",
    "95.85",
    "“优”",
)


@pytest.fixture(scope="module")
def seed() -> Result:
    return score(load_spec(SEED_SPEC), load_facts(SEED_FACTS))


def test_money_summary_computes_the_seed_figures(seed: Result) -> None:
    """到位 110, 到位率 100%, 支出 109.05, 执行率 99.14%, 结余 0.95 — from facts and derived values."""
    money = money_summary(seed)
    assert (money.budget, money.received, money.spent, money.balance) == (
        Decimal(110),
        Decimal(110),
        Decimal("109.05"),
        Decimal("0.95"),
    )
    assert (money.arrival_rate, money.execution_rate) == (Decimal("1.0000"), Decimal("0.9914"))


def test_html_report_has_the_table_charts_and_key_figures(seed: Result) -> None:
    """One self-contained page: the 自评表, two inline SVG charts, losses, warnings, the figures."""
    page = RENDERERS["html"](seed)
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    for figure in (
        "资金到位 110 万元，到位率 100%",
        "实际支出 109.05 万元，执行率 99.14%",
        "结余 0.95 万元",
    ):
        assert figure in page
    assert "总分 100　自评得分 95.85　自评等级 优" in page
    assert page.count("<svg ") == 2
    assert "<script" not in page
    assert re.findall(r"(?:https?:)?//[^\"' ]+", page) == ["http://www.w3.org/2000/svg"] * 2
    assert '<td class="label" rowspan="6">决策</td>' in page
    assert "实际支出资金：明细合计 89.052万元" in page  # the warning


def test_html_is_available_through_score(jixiao: Jixiao) -> None:
    """jixiao score --format html prints the page."""
    run = jixiao("score", str(SEED_SPEC), str(SEED_FACTS), "--format", "html")
    assert run.code == 0
    assert run.out == render(score(load_spec(SEED_SPEC), load_facts(SEED_FACTS)), "html")


def test_charts_are_well_formed_deterministic_svg(seed: Result) -> None:
    """Each chart parses as XML, has one bar per 一级指标 (or per loss), and is byte-stable."""
    ns = "{http://www.w3.org/2000/svg}"
    rates = ET.fromstring(score_rate_chart(seed))
    bars = rates.findall(f"{ns}rect")
    assert len(bars) == 4
    # 产出 35/35 spans the whole bar area; 决策 13.6/15 = 90.67% of 340 px.
    assert [bar.get("width") for bar in bars] == ["308.3", "319.1", "340", "323"]
    losses = ET.fromstring(losses_chart(seed))
    assert len(losses.findall(f"{ns}rect")) == 8
    assert score_rate_chart(seed) == score_rate_chart(seed)


def test_docx_report_follows_the_seed_sections_with_computed_figures(
    seed: Result, tmp_path: Path
) -> None:
    """一 … 八 in the seed's order; the key figures filled in; human prose marked 【待填写】."""
    path = tmp_path / "report.docx"
    build(seed).save(str(path))
    document = docx.Document(str(path))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert headings == list(SECTIONS)
    text = "\n".join(p.text for p in document.paragraphs)
    for figure in KEY_FIGURES:
        assert figure in text, figure
    assert "2021年度共计到位资金 110 万元（预算 110 万元），到位率 100%。" in text
    assert "2021年度共计支出 109.05 万元，预算执行率 99.14%，结余 0.95 万元。" in text
    assert "综合评价得分 95.85 分，评价等级为“优”。" in text
    assert "【待填写：绩效评价目的】" in text
    highlighted = [
        run.text
        for p in document.paragraphs
        for run in p.runs
        if run.font.highlight_color is not None
    ]
    assert highlighted
    assert all(t.startswith("【待填写：") for t in highlighted)
    assert seed.spec.application["优"] in text  # the spec's own rule wins over the default
    # The indicator table is the 自评表's block.
    assert document.tables[0].rows[0].cells[0].text == "一级指标"


def test_docx_problems_list_the_indicators_that_lost_points(seed: Result) -> None:
    """存在的问题: each indicator that lost points, biggest first, with its deviation explanation."""
    document = build(seed)
    texts = [p.text for p in document.paragraphs]
    start = texts.index("（二）存在的问题")
    problems = [t for t in texts[start + 1 :] if re.match(r"\d+、", t)]
    assert problems[0] == (
        "1、过程 / 资金管理 / 资金使用合规性（扣 1.00 分）：发现问题 1个，每项扣 1 分（最低 0 分），"
        "得 4 分，扣 1 分。偏差原因分析及改进措施：严禁超范围、超标准列支，杜绝经费互相挤占。"
    )
    assert problems[1].startswith("2、决策 / 资金投入 / 预算编制科学性（扣 0.50 分）")
    assert len([t for t in problems if "扣 " in t and "分）：" in t]) == 9


def test_report_command_writes_docx_and_html(jixiao: Jixiao, tmp_path: Path) -> None:
    """jixiao report SPEC FACTS -o report.docx (or .html); another suffix is a usage error."""
    out = tmp_path / "report.docx"
    run = jixiao("report", str(SEED_SPEC), str(SEED_FACTS), "-o", str(out))
    assert (run.code, run.err) == (0, f"wrote {out}: 95.85 优\n")
    assert docx.Document(str(out)).paragraphs[0].text.startswith("衡南县企业改制服务中心")
    page = tmp_path / "report.html"
    assert jixiao("report", str(SEED_SPEC), str(SEED_FACTS), "-o", str(page)).code == 0
    assert "<svg " in page.read_text(encoding="utf-8")
    bad = jixiao("report", str(SEED_SPEC), str(SEED_FACTS), "-o", str(tmp_path / "r.txt"))
    assert (bad.code, bad.err) == (
        2,
        f"jixiao: error: -o {tmp_path / 'r.txt'}: the report is written as .docx or .html\n",
    )


GRADES = """
id: g
name: g
version: "1"
grades: {A: 85, B: 70, C: 0}
facts:
  x: {kind: rate}
indicators:
  - id: 完成率
    weight: 100
    rule: {kind: positive, actual: x, target: "≥100%"}
"""


@pytest.mark.parametrize(
    ("rate", "grade", "advice"),
    [
        ("100%", "A", APPLICATION_RULES["优"].replace("“优”", "“A”")),
        ("75%", "B", APPLICATION_RULES["中"].replace("“中”", "“B”")),
        ("10%", "C", APPLICATION_RULES["差"].replace("“差”", "“C”")),
    ],
)
def test_application_advice_follows_the_grade_band(rate: str, grade: str, advice: str) -> None:
    """Other grade names take the default rule of the same band position (best → 优, worst → 差)."""
    spec = load_spec_text(GRADES)
    result = score(spec, facts_from_mapping({"project": {"name": "p"}, "values": {"x": rate}}))
    assert result.grade == grade
    assert application_advice(result) == advice


def test_csv_export_is_the_form_grid(seed: Result) -> None:
    """CSV: a BOM for Excel, the same rows as the sheet (merged cells empty), CRLF line ends."""
    text = RENDERERS["csv"](seed)
    assert text.startswith("\ufeff项目支出绩效自评表\r\n（2021年度）\r\n项目名称,信访维稳经费\r\n")
    lines = text.split("\r\n")
    assert (
        lines[11]
        == "绩效指标,一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分,偏差原因分析及改进措施"
    )
    assert lines[12] == ",决策,项目立项,立项依据充分性,依据充分,达成,3,3.00"
    assert lines[35] == "总分,,,,,,100,95.85,适用分值 95，得分按 实得分 ÷ 95 × 100 折算"
    assert lines[36] == "自评等级,,,,,,优"
