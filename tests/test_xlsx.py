"""The 自评表 in and out of Excel: the exported layout and the round trip (LibreOffice renders it
in tests/test_documents.py, which checks the printed pages)."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import ROOT, Run

from scoring import facts_from_mapping, i18n, load_facts, load_spec, load_spec_text, score
from scoring.engine.result import Result
from scoring.report import BINARY_RENDERERS, RENDERERS
from scoring.tabular.convert import Imported, dump_yaml, import_table
from scoring.tabular.result_rows import table_rows
from scoring.tabular.sheet import TableError

SEED_SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
SEED_FACTS = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
Jixiao = Callable[..., Run]
# The seed's warning as the terminal shows it in the tests' English.
UNIT_SLIP = (
    "实际支出资金: the items sum to 89.052万元, not to the total 109.05万元 (a difference of "
    "19.998万元); the total is scored; if the unit of 拨付所属企业维稳费 15元、聘请法律顾问 5元 is "
    "in fact 万元, the items sum to exactly 109.05万元: check the units [items-mismatch]"
)


@pytest.fixture(scope="session")
def seed() -> Result:
    """The seed scored in Chinese, the product's default: its warnings are those of the filed
    自评表. They are made when first read (the details of a result are lazy), so read here."""
    with i18n.using("zh"):
        result = score(load_spec(SEED_SPEC), load_facts(SEED_FACTS))
        assert result.warnings
    return result


@pytest.fixture(scope="session")
def seed_xlsx(seed: Result, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "seed.xlsx"
    path.write_bytes(BINARY_RENDERERS["xlsx"](seed))
    return path


def _values(path: Path) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)["自评表"]
    return {
        cell.coordinate: cell.value
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    }


def test_seed_xlsx_has_the_header_and_funds_block(seed_xlsx: Path) -> None:
    """The sheet opens in openpyxl with title, project lines and the funds block where §6 puts them."""
    cells = _values(seed_xlsx)
    assert cells["A1"] == "项目支出绩效自评表"
    assert cells["A2"] == "（2021年度）"
    assert (cells["A3"], cells["B3"]) == ("项目名称", "信访维稳经费")
    assert (cells["A4"], cells["B4"], cells["E4"], cells["F4"]) == (
        "主管部门",
        "衡南县企业改制服务中心",
        "实施单位",
        "衡南县企业改制服务中心",
    )
    assert [cells[f"{c}5"] for c in "ADEFGHI"] == [
        "项目资金（万元）",
        "年初预算数",
        "全年预算数（A）",
        "全年执行数（B）",
        "分值",
        "执行率（B/A）",
        "得分",
    ]
    assert [cells[f"B{r}"] for r in range(6, 10)] == [
        "年度资金总额",
        "其中：财政拨款",
        "上年结转",
        "其他资金",
    ]
    # Amounts are numbers in 万元; the rate is the ratio, shown as a percentage.
    assert [cells["D6"], cells["E6"], cells["F6"], cells["H6"]] == [110, 110, 109.05, 0.9914]
    # 10号-shaped spec: 预算执行率 is an indicator in the tree, so the funds row is not scored twice.
    assert (cells["G6"], cells["I6"]) == ("—", "—")
    assert (cells["A10"], cells["B10"], cells["E10"]) == (
        "年度总体目标",
        "预期目标",
        "实际完成情况",
    )
    assert str(cells["B11"]).startswith("扎实做好信访维稳工作")


def test_seed_xlsx_indicator_block_and_footer(seed_xlsx: Path) -> None:
    """Indicator header, one row per leaf with targets written with operator and unit, the footer."""
    ws = openpyxl.load_workbook(seed_xlsx)["自评表"]
    assert [ws.cell(12, c).value for c in range(1, 10)] == [
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    assert [ws.cell(21, c).value for c in range(2, 9)] == [
        None,
        None,
        "资金使用合规性",
        "=0个",
        "1个",
        5,
        4,
    ]
    assert ws.cell(21, 5).data_type == "s"  # "=0个" is text, not a formula
    assert [ws.cell(20, c).value for c in range(4, 9)] == ["预算执行率", "≥100%", "99.14%", 5, 4.96]
    assert ws.cell(20, 8).number_format == "0.00"
    assert [ws.cell(35, c).value for c in range(4, 10)] == [
        "服务对象满意度",
        "≥90%",
        "不适用",
        5,
        "—",
        "不适用：本年度未开展服务对象满意度调查，报告无满意度数据。",
    ]
    assert [ws.cell(36, c).value for c in (1, 7, 8, 9)] == [
        "总分",
        100,
        95.85,
        "适用分值 95，得分按 实得分 ÷ 95 × 100 折算",
    ]
    assert [ws.cell(37, c).value for c in (1, 7)] == ["自评等级", "优"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"B13:B18", "C13:C14", "B19:B23", "A12:A35", "A36:F36", "G37:I37"} <= merged


def test_seed_xlsx_prints_on_a4(seed_xlsx: Path) -> None:
    """Page setup: A4, fitted to one page wide, the indicator header repeated on every page."""
    ws = openpyxl.load_workbook(seed_xlsx)["自评表"]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$12:$12"
    assert ws.print_area == "'自评表'!$A$1:$I$39"  # the form and the 提示 block under it
    # The footer (0.3 in above the paper's edge) has room under the table: 0.6 in clipped it.
    assert (ws.page_margins.bottom, ws.page_margins.footer) == (0.9, 0.3)
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_seed_xlsx_warnings_are_under_the_table(seed_xlsx: Path) -> None:
    """The unit-slip warning is on the 自评表 sheet itself, a row apart from 自评等级."""
    ws = openpyxl.load_workbook(seed_xlsx)["自评表"]
    assert [ws.cell(38, c).value for c in (1, 2)] == [None, None]
    assert ws.cell(39, 1).value == "提示"
    assert str(ws.cell(39, 2).value).startswith(
        "实际支出资金：明细合计 89.052万元 与总数 109.05万元 不符"
    )
    assert str(ws.cell(39, 2).value).endswith("请核对单位 [items-mismatch]")
    assert "B39:I39" in {str(r) for r in ws.merged_cells.ranges}


def test_seed_xlsx_rows_are_tall_enough_for_their_wrapped_text(seed_xlsx: Path) -> None:
    """Each row's height holds the lines its longest cell wraps to in Excel's 11-point 宋体
    (a CJK character 2.1 width units, at 16 pt a line): the 年度总体目标 text is four lines in
    its 48 units, the 偏差原因 of 预算执行率 two in 36."""
    ws = openpyxl.load_workbook(seed_xlsx)["自评表"]
    goal = str(ws["B11"].value)
    goal_units = sum(ws.column_dimensions[c].width for c in "BCD")
    assert goal_units == 48
    lines = -(-sum(2.1 if ord(ch) > 0x2E80 else 1.05 for ch in goal) // (goal_units - 0.5))
    assert lines == 4
    assert ws.row_dimensions[11].height >= 16 * lines
    assert ws.row_dimensions[20].height >= 16 * 2
    assert all(ws.row_dimensions[r].height >= 20 for r in range(3, 38))


def test_xlsx_has_a_notes_sheet_with_losses_and_warnings(seed_xlsx: Path) -> None:
    """The 说明 sheet lists points lost (biggest first), warnings and the spec's hash."""
    ws = openpyxl.load_workbook(seed_xlsx)["说明"]
    column_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert column_a[:4] == ["失分说明", "指标", "资金使用合规性", "预算编制科学性"]
    assert "提示" in column_a
    assert any(str(v).startswith("实际支出资金：明细合计 89.052万元") for v in column_a)


def _rows(result: Result) -> list[list[str]]:
    return table_rows(result)


def test_round_trip_through_xlsx_keeps_total_and_rows(seed: Result, seed_xlsx: Path) -> None:
    """score → xlsx → import → score gives the same total, grade and 自评表 rows."""
    imported = import_table(seed_xlsx)
    again = score(load_spec_text(dump_yaml(imported.spec)), facts_from_mapping(imported.facts()))
    assert (again.total, again.grade, again.applicable_weight) == (
        seed.total,
        seed.grade,
        seed.applicable_weight,
    )
    assert _rows(again) == _rows(seed)
    assert again.project["name"] == "信访维稳经费"
    assert again.project["goal"] == dict(seed.project["goal"])


def test_round_trip_through_csv_keeps_total_and_rows(seed: Result, tmp_path: Path) -> None:
    """The CSV export reads back the same way (cells named after the file, e.g. seed!H21)."""
    path = tmp_path / "seed.csv"
    path.write_text(RENDERERS["csv"](seed), encoding="utf-8")
    imported = import_table(path)
    again = score(load_spec_text(dump_yaml(imported.spec)), facts_from_mapping(imported.facts()))
    assert (again.total, again.grade) == (seed.total, seed.grade)
    assert _rows(again) == _rows(seed)


def test_round_trip_keeps_the_rule_scores_apart(seed_xlsx: Path) -> None:
    """Without adjustments the imported pair scores by the rules: 资金使用合规性 (=0个, 1 found) is 0."""
    imported = import_table(seed_xlsx)
    assert imported.adjustments == [
        {
            "indicator": "资金使用合规性",
            "points": Decimal(4),
            "reason": "填报得分 4（自评表!H21），规则计算 0",
        }
    ]
    assert imported.rule_result is not None
    assert imported.rule_result.total == Decimal("91.64")


SELF_EVALUATION = """
id: self_eval
name: 项目支出绩效自评
version: "1"
facts:
  全年预算数: {kind: money, unit: 万元}
  全年执行数: {kind: money, unit: 万元}
  年初预算数: {kind: money, unit: 万元}
  财政拨款全年预算数: {kind: money, unit: 万元}
  财政拨款全年执行数: {kind: money, unit: 万元}
  培训人次: {kind: count, unit: 人次}
  满意度: {kind: rate}
derived:
  执行率: {formula: 全年执行数 / 全年预算数, kind: rate}
indicators:
  - id: 预算执行率
    weight: 10
    rule: {kind: positive, actual: 执行率, target: "≥100%"}
  - id: 产出指标
    weight: 50
    children:
      - id: 数量指标
        weight: 50
        children:
          - id: 培训人次
            weight: 50
            rule: {kind: positive, actual: 培训人次, target: "≥500人次"}
  - id: 效益指标
    weight: 30
    children:
      - id: 社会效益指标
        weight: 30
        children:
          - id: 群众知晓度
            weight: 30
            rule: {kind: qualitative, target: 明显提高}
  - id: 满意度指标
    weight: 10
    children:
      - id: 服务对象满意度指标
        weight: 10
        children:
          - id: 满意度
            name: 参训人员满意度
            weight: 10
            rule: {kind: positive, actual: 满意度, target: "≥90%"}
"""

SELF_FACTS = {
    "project": {"name": "培训项目", "unit": "某局", "department": "某局", "year": "2023"},
    "values": {
        "年初预算数": "100万元",
        "全年预算数": "120万元",
        "全年执行数": "1,140,000元",
        "财政拨款全年预算数": "100万元",
        "财政拨款全年执行数": "95万元",
        "培训人次": "450人次",
        "满意度": "95%",
    },
    "ratings": {"群众知晓度": {"tier": "部分达成", "score": 21, "narrative": "知晓度有所提高"}},
    "deviations": {"培训人次": "疫情停训一期。"},
}


def test_self_evaluation_shape_scores_execution_in_the_funds_row(tmp_path: Path) -> None:
    """A first-level 预算执行率 is drawn in the funds row (分值 10, 执行率 95%, 得分 9.5), not twice."""
    result = score(load_spec_text(SELF_EVALUATION), facts_from_mapping(SELF_FACTS))
    path = tmp_path / "self.xlsx"
    path.write_bytes(BINARY_RENDERERS["xlsx"](result))
    ws = openpyxl.load_workbook(path)["自评表"]
    assert [ws.cell(6, c).value for c in range(4, 10)] == [100, 120, 114, 10, 0.95, 9.5]
    assert [ws.cell(7, c).value for c in range(4, 7)] == [None, 100, 95]
    leaves = [ws.cell(r, 4).value for r in range(13, 16)]
    assert leaves == ["培训人次", "群众知晓度", "参训人员满意度"]
    assert ws.cell(16, 1).value == "总分"
    imported = import_table(path)
    again = score(load_spec_text(dump_yaml(imported.spec)), facts_from_mapping(imported.facts()))
    assert (again.total, again.grade) == (result.total, result.grade) == (Decimal("85.50"), "良")
    assert _rows(again) == _rows(result)
    assert imported.adjustments == []


# ---- tolerance of filed tables ----------------------------------------------------------------


def _workbook(
    rows: list[list[object]], merges: tuple[str, ...] = (), formats: dict[str, str] | None = None
) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


HEAD = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]


def _import(tmp_path: Path, rows: list[list[object]], **options: Any) -> Imported:
    path = tmp_path / "t.xlsx"
    path.write_bytes(_workbook(rows, **options))
    return import_table(path)


def test_operators_in_every_spelling_are_read(tmp_path: Path) -> None:
    """≥ ≧ >= ＞＝ ═ ﹦ = all become the engine's operators; targets keep their units."""
    targets = ["≥95%", "≧95%", ">=95%", "＞＝95%", "═100%", "﹦100%", "=100%", "≤10万元", "=0次"]
    actuals = ["96%", "96%", "96%", "96%", "100%", "100%", "100%", "9万元", "0次"]
    rows: list[list[object]] = [["项目名称", "测试"], HEAD]
    for index, (target, actual) in enumerate(zip(targets, actuals, strict=True)):
        rows.append(
            [
                "产出指标" if index == 0 else None,
                "数量指标" if index == 0 else None,
                f"指标{index}",
                target,
                actual,
                10,
                10,
            ]
        )
    rows.append(["总分", None, None, None, None, 90, 90])
    imported = _import(tmp_path, rows)
    leaves = imported.spec["indicators"][0]["children"][0]["children"]
    assert [(leaf["rule"]["kind"], leaf["rule"]["target"]) for leaf in leaves] == [
        ("positive", "≥95%"),
        ("positive", "≥95%"),
        ("positive", "≥95%"),
        ("positive", "≥95%"),
        ("positive", "=100%"),
        ("positive", "=100%"),
        ("positive", "=100%"),
        ("reverse", "≤10万元"),
        ("zero_target", "=0次"),
    ]
    assert imported.rule_result.total == Decimal(90)


def test_header_anywhere_two_rows_blank_levels_and_text_numbers(tmp_path: Path) -> None:
    """A header split over two rows, low in the sheet; level names left blank under the first;
    numbers stored as text ("10分", " 9.8 "); a percent-formatted cell (0.98 shown as 98%)."""
    rows: list[list[object]] = [
        [],
        ["某项目绩效自评表（2023年度）"],
        ["项目名称：", "乡村道路养护"],
        [
            "绩效指标",
            None,
            None,
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        ["一级指标", "二级指标", "三级指标"],
        ["产出指标", "数量指标", "养护里程", "≥100公里", "100公里", "10分", "10"],
        [None, None, "路面完好率", "≥100%", 0.98, "10", " 9.8 "],
        [None, "质量指标", "验收合格率", "100%", "100%", 10, 10],
        ["合计", None, None, None, None, 30, "29.8"],
    ]
    imported = _import(
        tmp_path,
        rows,
        merges=("A4:C4", "D4:D5", "E4:E5", "F4:F5", "G4:G5", "H4:H5"),
        formats={"E7": "0%"},
    )
    result = imported.rule_result
    assert [leaf.actual_text for leaf in result.leaves()] == ["100公里", "98%", "100%"]
    assert [leaf.score for leaf in result.leaves()] == [Decimal(10), Decimal("9.80"), Decimal(10)]
    assert result.total == Decimal("29.80")
    assert imported.stated.total.value == Decimal("29.8")
    assert imported.table.project["name"].value == "乡村道路养护"
    assert imported.table.project["year"].value == "2023"


def test_units_in_the_indicator_name_not_applicable_and_qualitative_rows(tmp_path: Path) -> None:
    """ "年度资金支付完成率100%" with a bare target takes its unit from the name; "/" rows do not
    apply; worded targets and actuals ("有效", "达成预期指标") are rated by their stated score."""
    rows: list[list[object]] = [
        HEAD,
        ["产出指标", "时效指标", "年度资金支付完成率100%", "100", "100", 10, 10],
        [None, "质量指标", "工程质量", "/", "/", "/", "/", "/"],
        ["效益指标", "社会效益", "群众出行条件", "有效改善", "达成预期指标", 20, 18],
        [None, None, "安全事故", "0起", "0起", 10, 10],
        ["总分", None, None, None, None, 40, 38],
    ]
    imported = _import(tmp_path, rows)
    facts = imported.facts()
    assert facts["values"]["年度资金支付完成率"] == "100%"
    assert facts["not_applicable"] == {"工程质量": "填报表标注为不适用（Sheet!E3）"}
    assert facts["ratings"] == {
        "群众出行条件": {"tier": "达成", "score": 18, "narrative": "达成预期指标"}
    }
    leaves = {leaf.id: leaf for leaf in imported.rule_result.leaves()}
    assert leaves["年度资金支付完成率"].target_text == "≥100%"
    assert leaves["安全事故"].node.rule.kind == "zero_target"  # "0起": none may happen
    assert leaves["安全事故"].target_text == "=0起"
    assert imported.rule_result.total == Decimal(38)


def test_weight_implied_by_a_block_total_is_a_notice(tmp_path: Path) -> None:
    """One empty 分值 under "产出指标（30分）" is the block total minus the others, said aloud."""
    rows: list[list[object]] = [
        HEAD,
        ["产出指标（30分）", "数量指标", "培训人次", "≥100人次", "120人次", 10, 10],
        [None, None, "培训期数", "≥4期", "4期", None, 20],
        ["总分", None, None, None, None, 30, 30],
    ]
    imported = _import(tmp_path, rows)
    notices = [str(n) for n in imported.notices]
    assert (
        "Sheet!F3: 分值 is not filled in; 产出指标 的合计 30 (Sheet!A2) implies it: 20" in notices
    )
    assert imported.rule_result.total == Decimal(30)


def test_unreadable_cells_are_reported_with_sheet_and_cell(tmp_path: Path) -> None:
    """Nothing unreadable is guessed, and nothing refuses the table: each cell that cannot be used
    is a defect naming its cell and code, all in one run; the rows stay imported."""
    rows: list[list[object]] = [
        HEAD,
        ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "十分", 10],
        [None, None, "培训期数", "≥4期", None, 10, 10],
        [None, None, "覆盖率", "≥90%", "0.95", 10, 10],
        [None, None, "培训天数", "≥10天", "12人", 10, 10],
        [None, None, "宣传效果", "明显", "良好", 10, None],
        ["总分", None, None, None, None, 50, 50],
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(_workbook(rows))
    imported = import_table(path)
    assert [str(d) for d in imported.defects] == [
        (
            "Sheet!F2: 分值 “十分” is not a number ('十分' is not a number with a unit: expected a "
            "number with an optional unit such as '110万元', '99.14%' or '158批次') [unreadable_value]"
        ),
        (
            "Sheet!E3: 培训期数: 实际完成值 is empty (年度指标值 ≥4期), so the row cannot be "
            "recomputed under the rules [blank_actual]"
        ),
        (
            "Sheet!E4: 覆盖率: 实际完成值 0.95 is ambiguous against 年度指标值 ≥90%: 0.95% or 95%? "
            "[unreadable_value]"
        ),
        (
            "Sheet!E5: 培训天数: 实际完成值 “12人” is in “人”, 年度指标值 “≥10天” in “天” "
            "[unreadable_value]"
        ),
        (
            "Sheet!G6: 宣传效果: 得分 is empty, so the tier of a qualitative indicator cannot be told "
            "[blank_score]"
        ),
    ]
    # The unreadable 分值 is what the 总分 leaves over; the other four rows are not recomputed.
    assert "Sheet!F2: 分值 is not filled in; 总分 50 (Sheet!F7) implies it: 10" in [
        str(n) for n in imported.notices
    ]
    assert imported.stated.left_out == {
        "培训期数": "blank_actual",
        "覆盖率": "unreadable_value",
        "培训天数": "unreadable_value",
        "宣传效果": "blank_score",
    }


def test_formula_without_a_saved_result_is_a_defect(tmp_path: Path) -> None:
    """A workbook written by a program with =SUM(…) never calculated: its value is not guessed."""
    rows: list[list[object]] = [
        HEAD,
        ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", 10, 10],
        ["总分", None, None, None, None, 10, "=SUM(G2:G2)"],
    ]
    path = tmp_path / "formula.xlsx"
    path.write_bytes(_workbook(rows))
    imported = import_table(path)
    assert [str(d) for d in imported.defects] == [
        (
            "Sheet!G3: formula =SUM(G2:G2) has no saved result; open and save the workbook in "
            "Excel or LibreOffice first [unreadable_value]"
        )
    ]
    assert imported.stated.total is None


def test_a_sheet_without_an_indicator_header_is_refused(tmp_path: Path) -> None:
    """A workbook with no 自评表 in it says so instead of importing nothing."""
    path = tmp_path / "empty.xlsx"
    path.write_bytes(_workbook([["项目名称", "x"]]))
    with pytest.raises(TableError) as info:
        import_table(path)
    assert "no 自评表 found" in str(info.value)


def test_import_command_writes_a_pair_that_scores_to_the_filed_total(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    """jixiao import → spec.yaml, facts.yaml, stated.yaml; jixiao score reproduces 97.93 and 优."""
    from tables.build import liangping

    table = tmp_path / "liangping.xlsx"
    liangping(table)
    out = tmp_path / "pair"
    run = jixiao("import", str(table), "-o", str(out))
    assert run.code == 0, run.err
    assert run.err.endswith("10 indicators; by the rules 97.93 优; filed 97.93\n")
    assert sorted(p.name for p in out.iterdir()) == ["facts.yaml", "spec.yaml", "stated.yaml"]
    scored = jixiao("score", str(out / "spec.yaml"), str(out / "facts.yaml"), "--format", "json")
    assert scored.code == 0, scored.err
    assert '"total": 97.93,' in scored.out
    assert '"grade": "优",' in scored.out


def test_import_reports_unreadable_tables_with_exit_1(jixiao: Jixiao, tmp_path: Path) -> None:
    """A file that is not a workbook is an input error (exit 1), never a traceback."""
    bad = tmp_path / "table.xlsx"
    bad.write_text("not a zip", encoding="utf-8")
    run = jixiao("import", str(bad), "-o", str(tmp_path / "out"))
    assert run.code == 1
    assert run.err.startswith(f"{bad}: not a readable .xlsx workbook")


def test_score_refuses_binary_formats_without_output(jixiao: Jixiao) -> None:
    """xlsx and docx are binary: without -o it is a usage error (exit 2), nothing on stdout."""
    run = jixiao("score", str(SEED_SPEC), str(SEED_FACTS), "--format", "xlsx")
    assert (run.code, run.out) == (2, "")
    assert run.err == "jixiao: error: --format xlsx writes a binary file: give -o FILE\n"


def test_score_writes_xlsx_with_output(jixiao: Jixiao, tmp_path: Path) -> None:
    """With -o the workbook is written as bytes and the total reported on stderr."""
    out = tmp_path / "out.xlsx"
    run = jixiao("score", str(SEED_SPEC), str(SEED_FACTS), "--format", "xlsx", "-o", str(out))
    assert run.code == 0
    # The warning is in the file, and on the terminal too: nobody has opened the file yet.
    assert run.err == f"{SEED_FACTS}: warning: {UNIT_SLIP}\nwrote {out}: 95.85 优\n"
    assert openpyxl.load_workbook(out).sheetnames == ["自评表", "说明"]


def _spec_for(example: Path) -> Path:
    own = ROOT / "indicators" / "projects" / example.name
    return own if own.exists() else SEED_SPEC


@pytest.mark.parametrize(
    "example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem
)
def test_every_example_round_trips_through_xlsx(example: Path, tmp_path: Path) -> None:
    """Each shipped example: xlsx → import → score prints the identical 自评表 (funds rows too)."""
    facts = load_facts(example)
    result = score(load_spec(_spec_for(example)), facts)
    path = tmp_path / "t.xlsx"
    path.write_bytes(BINARY_RENDERERS["xlsx"](result))
    imported = import_table(path)
    again_facts = facts_from_mapping(imported.facts())
    again = score(load_spec_text(dump_yaml(imported.spec)), again_facts)
    csv = RENDERERS["csv"]
    assert csv(again) == csv(result)


def test_itemised_budget_fills_the_source_rows(tmp_path: Path) -> None:
    """全年预算数: {total, items: {财政拨款: …}} fills 其中：财政拨款; import writes it back itemised."""
    example = ROOT / "examples" / "tianchang_flood_defence_2022.yaml"
    if not example.exists():
        pytest.skip("the 天长 example is not in this tree")
    facts = load_facts(example)
    result = score(load_spec(_spec_for(example)), facts)
    path = tmp_path / "t.xlsx"
    path.write_bytes(BINARY_RENDERERS["xlsx"](result))
    ws = openpyxl.load_workbook(path)["自评表"]
    assert [ws.cell(7, c).value for c in range(2, 7)] == ["其中：财政拨款", None, 880, 880, 880]
    imported = import_table(path)
    assert imported.facts()["values"]["全年预算数"] == {
        "total": "880万元",
        "items": {"财政拨款": "880万元"},
    }


@pytest.mark.parametrize("footer", [None, ["总分", None, None, None, None, 20, 19]])
def test_a_weight_cell_merged_over_a_block_is_its_weight_with_or_without_a_footer(
    tmp_path: Path, footer: list[object] | None
) -> None:
    """A 分值 merged over two indicator rows weighs their shared block. Before, a 总分 row below
    ended the reading before merged weights were looked at, and the block weight was lost."""
    from scoring.tabular.parse import read_table

    rows: list[list[object]] = [
        HEAD,
        ["产出指标", "数量指标", "养护里程", "≥100公里", "100公里", 20, 10],
        [None, None, "维修次数", "≥10次", "9次", None, 9],
    ]
    if footer is not None:
        rows.append(footer)
    path = tmp_path / "t.xlsx"
    path.write_bytes(_workbook(rows, merges=("F2:F3",)))
    table = read_table(path)
    assert [(names, weight.value, weight.cell) for names, weight in table.blocks] == [
        (("产出指标", "数量指标"), Decimal(20), "Sheet!F2")
    ]
