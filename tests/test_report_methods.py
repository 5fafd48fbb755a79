"""The report's 评价方法与分析: each method's computed result where its data is given, and a plain
statement of what was not applied (and why) where it is not."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import docx
import pytest

from scoring.cli import main

ROOT = Path(__file__).parent.parent
SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
YEAR_1 = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
YEAR_2 = ROOT / "examples" / "hengnan_xinfang_2022_constructed.yaml"
SURVEY = ROOT / "examples" / "satisfaction_survey.csv"
sys.path.insert(0, str(ROOT / "benchmarks"))
from records import write_csv


def report_text(tmp_path: Path, facts: Path, *extra: str) -> str:
    out = tmp_path / "report.docx"
    err = io.StringIO()
    code = main(["report", str(SPEC), str(facts), "-o", str(out), *extra], io.StringIO(), err)
    assert code == 0, err.getvalue()
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += ["|".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(texts)


def section(text: str) -> str:
    start = text.index("（四）评价方法与分析")
    return text[start : text.index("五、综合评价情况及评价结论", start)]


def test_every_method_with_its_data(tmp_path: Path) -> None:
    peers = write_csv(tmp_path / "peers.csv", 100, seed=5)
    text = report_text(
        tmp_path,
        YEAR_2,
        "--previous",
        str(YEAR_1),
        "--peers",
        str(peers),
        "--survey",
        str(SURVEY),
    )
    assert (
        "评价方法：成本效益分析法、比较法（与 2021 年起各年度比较）、因素分析法、比较法（与 100 个"
        "同类项目比较，标杆管理）、最低成本法、公众评判法（有效问卷 398 份），各方法的结果见"
        "“评价方法与分析”。"
    ) in text
    part = section(text)
    assert (
        "本年度每人次接访成本 0.1400万元/人次（1400.50元/人次）；每批次接访成本 0.8595万元/批次"
        "（8595.42元/批次）；每件交办件成本 12.5111万元/件（125111.11元/件）。"
    ) in part
    assert "与 2021 年相比，总分由 95.85 分变为 95.40 分（-0.45 分），等级由“优”变为“优”。" in part
    assert (
        "总分由 95.85 分（2021）变为 95.40 分（2022），变化 -0.45 分，分解为：决策 +0.20；过程 "
        "+0.73；产出 -1.19；效益 +4.60；不适用折算 -4.79。各项之和等于总分变化。"
    ) in part
    assert "在 100 个同类项目中，本项目总分 95.40 分，百分位 " in part
    assert "最低成本法：每人次接访成本 0.1400万元/人次" in part
    assert (
        "回收问卷 400 份，有效 398 份；满意度 82.83%（95% 区间 78.81%–86.22%，Wilson 法）；"
        "无效答案 7 个、无有效答案的答卷 2 份，未计入。"
    ) in part


def test_methods_without_data_are_named_not_applied(tmp_path: Path) -> None:
    part = section(report_text(tmp_path, YEAR_1))
    assert "未提供以前年度的事实（jixiao report --previous），未作逐年比较。" in part
    assert "未提供同类项目（jixiao report --peers），未作同类比较和标杆管理。" in part
    assert "没有可比较的年度或同类项目，未作因素分解。" in part
    assert "本年度未开展服务对象满意度调查，满意度指标不适用，未采用公众评判法。" in part
    assert "本年度每人次接访成本 0.1077万元/人次（1076.51元/人次）" in part


def test_a_previous_year_later_than_the_report_is_refused(tmp_path: Path) -> None:
    err = io.StringIO()
    argv = ["report", str(SPEC), str(YEAR_1), "-o", str(tmp_path / "r.docx")]
    assert main([*argv, "--previous", str(YEAR_2)], io.StringIO(), err) == 2
    assert err.getvalue() == (
        "jixiao: error: the year of --previous (2022) is not before this report's year (2021)\n"
    )


@pytest.mark.parametrize("suffix", [".html"])
def test_the_html_report_has_the_section_too(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"report{suffix}"
    argv = ["report", str(SPEC), str(YEAR_2), "-o", str(out), "--previous", str(YEAR_1)]
    assert main(argv, io.StringIO(), io.StringIO()) == 0
    page = out.read_text(encoding="utf-8")
    assert "（四）评价方法与分析" in page
    assert "与 2021 年相比，总分由 95.85 分变为 95.40 分（-0.45 分）" in page
