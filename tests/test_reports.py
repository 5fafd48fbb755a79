"""Reports people read: HTML with inline SVG charts, the draft 自评报告 (.docx), CSV."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from conftest import ROOT, Run
from docx.document import Document

from scoring import facts_from_mapping, load_facts, load_spec, load_spec_text, score
from scoring.engine.result import Result
from scoring.errors import ScoringError
from scoring.report import RENDERERS, render, report_html
from scoring.report.advice import APPLICATION_RULES, application_advice
from scoring.report.charts import losses_chart, score_rate_chart
from scoring.report.docx_report import SECTIONS, build
from scoring.report.pdf import docx_to_pdf, find_converter
from scoring.tabular.funds import money_summary

Jixiao = Callable[..., Run]
UNIT_SLIP = (
    "实际支出资金: the items sum to 89.052万元, not to the total 109.05万元 (a difference of "
    "19.998万元); the total is scored; if the unit of 拨付所属企业维稳费 15元、聘请法律顾问 5元 is "
    "in fact 万元, the items sum to exactly 109.05万元: check the units [items-mismatch]"
)
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


def seed_result() -> Result:
    return score(load_spec(SEED_SPEC), load_facts(SEED_FACTS))


@pytest.fixture(scope="session")
def seed() -> Result:
    return seed_result()


@pytest.fixture(scope="session")
def seed_report(seed: Result) -> Document:
    """The seed's Word report, built once (a second each time) for the tests that read it."""
    return build(seed)


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
    assert "实际支出资金: the items sum to 89.052万元" in page  # the warning


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
    seed: Result, seed_report: Document, tmp_path: Path
) -> None:
    """一 … 八 in the seed's order; the key figures filled in; human prose marked 【待填写】."""
    path = tmp_path / "report.docx"
    seed_report.save(str(path))
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


def test_docx_report_has_the_gongwen_look(seed_report: Document) -> None:
    """GB/T 9704: A4, margins 37/35/28/26 mm; title 小标宋 二号, headings 黑体/楷体 三号, body
    仿宋 三号, all black, set as East Asian fonts; page numbers in the footer."""
    document = seed_report
    section = document.sections[0]
    assert [round(x.mm) for x in (section.page_width, section.page_height)] == [210, 297]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    expected = {"Title": ("方正小标宋简体", 22), "Heading 1": ("黑体", 16)}
    expected |= {"Heading 2": ("楷体", 16), "Normal": ("仿宋", 16)}
    for name, (font, size) in expected.items():
        style = document.styles[name]
        fonts = style.element.find(f"{w}rPr/{w}rFonts")
        assert fonts is not None, name
        assert fonts.get(f"{w}eastAsia") == font, name
        assert fonts.get(f"{w}asciiTheme") is None  # a theme font would win over the name
        assert (style.font.size.pt, style.font.bold, str(style.font.color.rgb)) == (
            size,
            False,
            "000000",
        ), name
    assert document.paragraphs[0].style.name == "Title"
    footer = section.footer.paragraphs[0]._p
    assert [f.get(f"{w}instr") for f in footer.iter(f"{w}fldSimple")] == ["PAGE"]
    # Word substitutes 宋体 where 方正小标宋简体 is not installed.
    font_table = next(
        rel.target_part.blob
        for rel in document.part.rels.values()
        if rel.reltype.endswith("/fontTable")
    ).decode("utf-8")
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in font_table


def test_docx_indicator_table_merges_parents_and_repeats_its_header(
    seed_report: Document,
) -> None:
    """一级/二级 names merged down over their leaves; 偏差原因 the widest column; the header row
    repeated on every page; the prose says score ranges in words, not interval notation."""
    document = seed_report
    table = document.tables[0]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert table.rows[0]._tr.find(f"{w}trPr/{w}tblHeader") is not None
    column = [cell.text for cell in table.columns[0].cells]
    assert column[1:7] == ["决策"] * 6  # one merged cell seen from each of its rows
    assert table.cell(1, 0)._tc is table.cell(6, 0)._tc
    assert table.cell(1, 1)._tc is table.cell(2, 1)._tc  # 项目立项 over its two leaves
    assert table.cell(1, 1)._tc is not table.cell(3, 1)._tc
    widths = [cell.width for cell in table.rows[1].cells]
    assert widths[-1] == max(widths)
    assert round(sum(x.mm for x in widths)) == 156  # the text width: 210 − 28 − 26
    text = "\n".join(p.text for p in document.paragraphs)
    assert re.search(r"[\[(]\d+(\.\d+)?, \d+(\.\d+)?[\])] 分", text) is None
    assert "部分达成年度指标并具有一定效果，1.2 分以上、不足 1.6 分（60%–80%）" in text
    assert "达成年度指标，4 分至 5 分（80%–100%）" in text


UNEVEN = """
id: u
name: u
version: "1"
facts:
  x: {kind: rate}
indicators:
  - id: A
    weight: 60
    children:
      - id: A1
        weight: 30
        children:
          - {id: A1a, weight: 10, rule: {kind: positive, actual: x, target: "≥100%"}}
          - id: A1b
            weight: 20
            children:
              - {id: A1b1, weight: 20, rule: {kind: positive, actual: x, target: "≥100%"}}
      - {id: A2, weight: 30, rule: {kind: positive, actual: x, target: "≥100%"}}
  - {id: B, weight: 40, rule: {kind: positive, actual: x, target: "≥100%"}}
"""


def test_docx_table_of_an_uneven_tree_spans_the_empty_levels() -> None:
    """A leaf above the deepest level spans the level columns it leaves empty; parents merge down
    over exactly their own leaves."""
    spec = load_spec_text(UNEVEN)
    result = score(spec, facts_from_mapping({"project": {"name": "p"}, "values": {"x": "90%"}}))
    table = build(result).tables[0]
    rows = [[cell.text for cell in row.cells][:4] for row in table.rows]
    assert rows == [
        ["一级指标", "二级指标", "三级指标", "四级指标"],
        ["A", "A1", "A1a", "A1a"],
        ["A", "A1", "A1b", "A1b1"],
        ["A", "A2", "A2", "A2"],
        ["B", "B", "B", "B"],
    ]
    assert table.cell(1, 0)._tc is table.cell(3, 0)._tc  # A over its three leaves
    assert table.cell(1, 1)._tc is table.cell(2, 1)._tc  # A1 over two
    assert table.cell(1, 2)._tc is table.cell(1, 3)._tc  # A1a across 三级 and 四级
    assert table.cell(3, 1)._tc is table.cell(3, 3)._tc  # A2 across three levels
    assert table.cell(4, 0)._tc is table.cell(4, 3)._tc  # B across all four


def test_docx_problems_list_the_indicators_that_lost_points(seed_report: Document) -> None:
    """存在的问题: each indicator that lost points, biggest first, with its deviation explanation."""
    document = seed_report
    texts = [p.text for p in document.paragraphs]
    start = texts.index("（二）存在的问题")
    problems = [t for t in texts[start + 1 :] if re.match(r"\d+、", t)]
    assert problems[0] == (
        "1、过程 / 资金管理 / 资金使用合规性（扣 1.00 分）：发现问题 1个，每项扣 1 分（最低 0 分），"
        "得 4 分，扣 1 分。偏差原因分析及改进措施：严禁超范围、超标准列支，杜绝经费互相挤占。"
    )
    assert problems[1].startswith("2、决策 / 资金投入 / 预算编制科学性（扣 0.50 分）")
    assert len([t for t in problems if "扣 " in t and "分）：" in t]) == 9


def test_report_command_writes_docx_html_and_pdf(
    jixiao: Jixiao, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """jixiao report SPEC FACTS -o report.docx, .html (the report, not the 自评表) or .pdf; the
    warnings on stderr; another suffix is a usage error."""
    out = tmp_path / "report.docx"
    run = jixiao("report", str(SEED_SPEC), str(SEED_FACTS), "-o", str(out))
    assert (run.code, run.err) == (
        0,
        f"{SEED_FACTS}: warning: {UNIT_SLIP}\nwrote {out}: 95.85 优\n",
    )
    assert docx.Document(str(out)).paragraphs[0].text.startswith("衡南县企业改制服务中心")
    page = tmp_path / "report.html"
    assert jixiao("report", str(SEED_SPEC), str(SEED_FACTS), "-o", str(page)).code == 0
    assert page.read_text(encoding="utf-8") == report_html.render(seed_result())
    bad = jixiao("report", str(SEED_SPEC), str(SEED_FACTS), "-o", str(tmp_path / "r.txt"))
    assert (bad.code, bad.err) == (
        2,
        f"jixiao: error: -o {tmp_path / 'r.txt'}: the report is written as .docx, .pdf or .html\n",
    )
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no LibreOffice to be found
    pdf = tmp_path / "report.pdf"
    missing = jixiao("report", str(SEED_SPEC), str(SEED_FACTS), "-o", str(pdf))
    assert missing.code == 1
    assert missing.err == (
        f"{pdf}: cannot write a PDF: LibreOffice (soffice) is not installed; install it "
        "(e.g. apt-get install libreoffice-writer-nogui) or write -o report.docx and export it "
        "as PDF from Word [pdf-converter-missing]\n"
    )
    assert not pdf.exists()


@pytest.mark.skipif(find_converter() is None, reason="LibreOffice (soffice) is not installed")
def test_report_command_writes_pdf_through_libreoffice(jixiao: Jixiao, tmp_path: Path) -> None:
    """-o report.pdf: the Word report converted by LibreOffice, A4 pages."""
    pdf = tmp_path / "report.pdf"
    run = jixiao("report", str(SEED_SPEC), str(SEED_FACTS), "-o", str(pdf))
    assert (run.code, run.err.splitlines()[-1]) == (0, f"wrote {pdf}: 95.85 优")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", data)
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}


def test_pdf_conversion_failure_is_a_located_error(tmp_path: Path) -> None:
    """A LibreOffice that fails (here: a stand-in that exits 1) is one located error, no file."""
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    old = os.environ["PATH"]
    os.environ["PATH"] = str(fake.parent)
    try:
        with pytest.raises(ScoringError) as caught:
            docx_to_pdf(b"not a docx", "out/report.pdf")
    finally:
        os.environ["PATH"] = old
    assert str(caught.value) == (
        "out/report.pdf: cannot write a PDF: LibreOffice exited with status 1 (Error: source file "
        "could not be loaded); write -o report.docx and export it as PDF from Word or LibreOffice "
        "[pdf-conversion-failed]"
    )


def test_score_with_output_puts_warnings_on_stderr(jixiao: Jixiao, tmp_path: Path) -> None:
    """score -o FILE: the file is written and the terminal still shows the warnings."""
    out = tmp_path / "seed.json"
    run = jixiao("score", str(SEED_SPEC), str(SEED_FACTS), "--format", "json", "-o", str(out))
    assert (run.code, run.out) == (0, "")
    assert run.err == f"{SEED_FACTS}: warning: {UNIT_SLIP}\nwrote {out}: 95.85 优\n"
    # Without -o the warnings are in the printed table, and stderr stays empty.
    plain = jixiao("score", str(SEED_SPEC), str(SEED_FACTS))
    assert (plain.err, UNIT_SLIP in plain.out) == ("", True)


def test_html_report_has_the_sections_charts_and_merged_table(seed: Result) -> None:
    """-o report.html: the Word report's sections as a page, the two charts, the merged table."""
    page = report_html.render(seed)
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert re.findall(r"<h2>([^<]*)</h2>", page) == list(SECTIONS)
    assert "<h1>衡南县企业改制服务中心\n信访维稳经费绩效自评报告</h1>" in page
    assert page.count("<svg ") == 2
    assert "<script" not in page
    assert "综合评价得分 95.85 分，评价等级为“优”。" in page
    assert "<mark>【待填写：绩效评价目的】</mark>" in page
    assert '<td class="c" rowspan="6">决策</td>' in page
    assert '<td class="c" rowspan="2">项目立项</td>' in page
    assert "<thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th>" in page
    assert "项目支出绩效自评表" not in page  # that is score --format html


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
