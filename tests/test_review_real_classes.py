"""复核 of real filed 自评表, one test per class of issue 13: what made review refuse a table, and
what it got wrong on tables it read.

Each test reads a real published table of tests/tables/real/ (PROVENANCE.md in each folder), or a
copy of one with a few cells changed (``_edited``: the rows are the real table's, the change is
the class under test). Messages are asserted whole; totals and left-out rows exactly.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import Run

from scoring.review import Review, review_pair, review_table
from scoring.tabular.convert import dump_yaml, import_table
from scoring.tabular.stated import to_mapping

Jixiao = Callable[..., Run]

REAL = Path(__file__).parent / "tables" / "real"


@pytest.fixture(autouse=True)
def _chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings are asserted as a reviewer reads them: in Chinese, the default language."""
    monkeypatch.setenv("JIXIAO_LANG", "zh")


def _table(name: str) -> Path:
    folder = next(REAL.glob(f"{name}_*"))
    return next(p for p in folder.iterdir() if p.name.startswith("table."))


def _edited(tmp_path: Path, name: str, cells: dict[str, Any]) -> Path:
    """A copy of a real xlsx table with some cells changed."""
    path = tmp_path / f"{name}.xlsx"
    shutil.copy(_table(name), path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    for ref, value in cells.items():
        sheet[ref] = value
    workbook.save(path)
    return path


def _found(review: Review, code: str) -> dict[str, str]:
    return {f.cell: f.message for f in review.findings if f.code == code}


def _notices(review: Review) -> list[str]:
    return [str(n) for n in review.notices]


# ---- what made review refuse a table --------------------------------------------------------


def test_blank_actual_and_target_are_findings_and_the_rows_are_left_out() -> None:
    """天长 2022 (11): several rows print a 分值 and 得分 but no 年度指标值 or 实际完成值."""
    review = review_table(_table("11"))
    assert review.stated_total == Decimal(100)
    assert _found(review, "blank_target")["Sheet1!E17"] == (
        "指标1:工程质量合格：年度指标值为空，无法按规则重算（按填报得分导入）"
    )
    assert _found(review, "blank_actual")["Sheet1!F17"] == (
        "指标1:工程质量合格：实际完成值为空，无法按规则重算"
    )
    # The 总分 row and the rows that could be recomputed still are.
    assert review.partial
    left_out = {row["cell"]: row["code"] for row in review.rows_not_recomputed}
    assert left_out["Sheet1!D17"] == "blank_target"
    assert review.to_dict()["recomputed_partial"] is True


def test_a_name_carrying_the_target_is_still_a_blank_target() -> None:
    """天长 2022 (11): "年度资金支付完成率100%" with an empty 年度指标值 takes the target from its
    name (said); its 实际完成值 is empty too, so it is left out all the same."""
    review = review_table(_table("11"))
    assert _found(review, "blank_target")["Sheet1!E20"] == (
        "指标1:年度资金支付完成率100%：年度指标值为空（按指标名称中的 100% 重算）"
    )
    assert _found(review, "blank_actual")["Sheet1!F20"] == (
        "指标1:年度资金支付完成率100%：实际完成值为空（年度指标值 100%），无法按规则重算"
    )


def test_blank_score_on_a_measured_row_is_never_full_marks(tmp_path: Path) -> None:
    """永德 2022 (21) with one 得分 erased: the row is recomputed under its rule, the sum of the
    stated scores leaves it out and says so, and the total check names the blank."""
    path = _edited(tmp_path, "21", {"I13": None})
    review = review_table(path)
    assert _found(review, "blank_score") == {
        "Sheet1!I13": "学生受资助人数：得分为空（按规则应得分见重算；填报得分合计不含此项）"
    }
    assert _found(review, "total_mismatch") == {
        "Sheet1!I24": "填报总分 96 与各项得分合计 86（1 项得分为空，未计入） 不符"
    }
    assert review.recomputed_total == Decimal("99.80")
    assert not review.partial


def test_weights_not_printed_inferable_from_a_block_and_from_a_section() -> None:
    """广水 2021 (12): 数量指标 15 分 over one row gives it 15; 黄冈 2020 (19): 年度绩效目标2
    (40分) over two rows gives 20 each. Each is said as a notice naming its source, and the row
    is still a weight_not_printed finding (the form asks for the 分值)."""
    guangshui = review_table(_table("12"))
    assert guangshui.stated_total == Decimal(95)
    assert (
        "Sheet1!C19: 分值未填，由 项目绩效85分产出指标 / 数量指标 的合计 15（Sheet1!B19）推出：15"
        in (_notices(guangshui))
    )
    assert _found(guangshui, "weight_not_printed")["Sheet1!C19"] == (
        "乡村道路建设 养护里程：分值未填（由表中合计推出 15，见导入说明）"
    )
    huanggang = review_table(_table("19"))
    assert (
        "Sheet1!C16、Sheet1!C17: 分值未填，年度绩效目标2 的合计 40（Sheet1!A14）按 2 项平均分配：每项 20"
        in _notices(huanggang)
    )


def test_weights_not_printed_and_not_inferable_leave_the_rows_out() -> None:
    """萧县 2023 (8): the 其中… breakdown lines print no 分值, and the 产出 block's 50 is used up
    by the ★ rows: nothing fixes their weight."""
    review = review_table(_table("08"))
    assert _found(review, "weight_not_printed")["Sheet1!E13"] == (
        "其中桃树种植面积：分值未填，表中也没有能唯一推出它的合计（分块合计或总分）"
    )
    left_out = {row["cell"]: row["code"] for row in review.rows_not_recomputed}
    assert left_out["Sheet1!D13"] == "weight_not_printed"
    assert review.recomputed_grade is None  # their weights unknown: the grade cannot be known


def test_weights_split_equally_from_the_total_row(tmp_path: Path) -> None:
    """永德 2022 (21) with every 分值 erased: the 总分 row's 100, less the funds row's 10, over the
    nine rows is 10 each, exactly: inferred, said, and the table recomputes as before."""
    cells: dict[str, object] = {f"H{row}": None for row in (13, 14, 15, 16, 17, 18, 20, 21, 22)}
    review = review_table(_edited(tmp_path, "21", cells))
    notice = next(n for n in _notices(review) if "平均分配" in n)
    assert notice.endswith("分值未填，总分 90（Sheet1!H24）按 9 项平均分配：每项 10")
    assert review.recomputed_total == Decimal("99.80")
    assert len(_found(review, "weight_not_printed")) == 9


def test_a_bare_number_execution_rate_is_read_as_a_percentage() -> None:
    """梁平林业局 2023 (16): 执行率 printed 79.27 (no %), 权重 10, 得分 7.93: read as 79.27%, the
    funds row recomputes to 7.93 and nothing is flagged there."""
    review = review_table(_table("16"))
    assert "Sheet1!E5: 执行率“79.27”没有 % 号：读作 79.27%" in _notices(review)
    assert not any(f.cell in ("Sheet1!E5", "Sheet1!G5") for f in review.findings)


def test_cut_and_unnamed_rows() -> None:
    """棠溪 2022 (1): a 二级 with no indicator (D23) and the copy ending inside 公众满 (D24)."""
    review = review_table(_table("01"))
    assert _found(review, "unnamed_row") == {
        "Sheet1!D23": "第 23 行只有二级指标“经济效益指标”，没有指标名称和数值"
    }
    assert _found(review, "truncated_row") == {
        "Sheet1!D24": "公众满：表格在此行后结束（没有总分行），本行得分为空：该行可能被截断"
    }
    # The funds row prints 0 / 0 / 0 for its amounts: it cannot be recomputed either.
    assert [row["cell"] for row in review.rows_not_recomputed] == ["Sheet1!A6", "Sheet1!D24"]


def test_template_placeholders_are_unnamed_rows() -> None:
    """银川 2021 (4): "指标2:" and "指标L" slots left in the form are rows without a name."""
    review = review_table(_table("04"))
    assert _found(review, "unnamed_row")["Sheet1!C18"] == (
        "第 18 行只有模板占位“指标2:”，没有指标名称和数值"
    )
    assert "Sheet1!C29" in _found(review, "unnamed_row")


# ---- what review got wrong on tables it read ------------------------------------------------


def test_scores_rounded_to_the_places_the_table_prints_are_consistent(tmp_path: Path) -> None:
    """廊坊 2019 (10): 37.24 of 43.2 is 86.20%, 10 × 0.8620 = 8.62 printed as 9 in a table of
    whole points (half-up): not above_proportional. 永德 (21) with a row at 71.4% of its target
    scored 1.4 of 2 (2 × 0.714 = 1.428) in a table printing one place: not below_proportional.
    Truncation counts too: 永德 (21) as published prints whole points only, and its 政策知晓率
    98% of =100% (10 × 0.98 = 9.8) is filed 9; 稷山 (28) files its funds 9.91 as 9."""
    langfang = review_table(_table("10"))
    assert "Sheet1!I8" not in _found(langfang, "above_proportional")
    assert "Sheet1!H15" not in _found(langfang, "above_proportional")
    assert "Sheet1!I18" not in _found(review_table(_table("21")), "below_proportional")
    assert "Sheet1!I6" not in _found(review_table(_table("28")), "below_proportional")
    cells: dict[str, object] = {"G14": "71.4%", "H14": 2, "I14": 1.4, "H13": 18, "I13": 18.5}
    cells["J14"] = "部分学生转学"
    yongde = review_table(_edited(tmp_path, "21", cells))
    assert "Sheet1!I14" not in _found(yongde, "below_proportional")
    assert "Sheet1!I14" not in _found(yongde, "above_proportional")


def test_a_score_off_by_more_than_rounding_is_still_flagged(tmp_path: Path) -> None:
    """The same 71.4% row scored 1.2: neither rounding of 1.428 to one place gives 1.2. Now
    that the table prints one place, its 政策知晓率 9 for 9.8 is no rounding either."""
    cells: dict[str, object] = {"G14": "71.4%", "H14": 2, "I14": 1.2, "H13": 18, "I13": 18.5}
    cells["J14"] = "部分学生转学"
    review = review_table(_edited(tmp_path, "21", cells))
    assert _found(review, "below_proportional") == {
        "Sheet1!I14": "营养改善计划覆盖率：实际完成值 71.4% 未达到年度指标值 ≥100%，按比例应得 1.43 分，填报 1.2 分",
        "Sheet1!I18": "政策知晓率：实际完成值 98% 未达到年度指标值 =100%，按比例应得 9.8 分，填报 9 分",
    }


def test_the_table_s_places_are_its_own_not_the_row_s(tmp_path: Path) -> None:
    """永德 (21) with one other row's 分值 and 得分 printed to one place (学生受资助人数 9.5 of
    9.5): the table now prints tenths, so 政策知晓率's whole 9 for 9.8 is no rounding, though
    that row itself prints no decimal. A weight alone shows the places too (学生受资助人数 分值
    10.5, its 得分 left at 10)."""
    scored = review_table(_edited(tmp_path, "21", {"H13": 9.5, "I13": 9.5}))
    assert _found(scored, "below_proportional") == {
        "Sheet1!I18": "政策知晓率：实际完成值 98% 未达到年度指标值 =100%，按比例应得 9.8 分，填报 9 分",
    }
    weighed = review_table(_edited(tmp_path, "21", {"H13": 10.5}))
    assert set(_found(weighed, "below_proportional")) == {"Sheet1!I18"}


def test_footer_rows_are_not_indicator_rows(tmp_path: Path) -> None:
    """衡山 (3) ends its rows with "说明 | 无", 永德 (21) with "其他需要说明事项 | 无": neither is an
    unnamed row or an unreadable value. Nor is a 填报人 / 联系电话 line there (21 with its note row
    rewritten so)."""
    for review in (review_table(_table("03")), review_table(_table("21"))):
        assert not [f for f in review.findings if f.cell in ("table!A27", "Sheet1!A23")]
        assert not [f for f in review.findings if f.cell in ("table!B27", "Sheet1!B23")]
    signed = review_table(
        _edited(tmp_path, "21", {"A23": "填报人：（略）", "B23": "联系电话：(电话略)"})
    )
    assert [f for f in signed.findings if f.cell.endswith("23")] == []
    assert (signed.stated_total, signed.recomputed_total) == (Decimal(96), Decimal("99.80"))


def test_the_funds_weight_printed_only_in_the_block_title() -> None:
    """保山 (29), 黄冈 (19) and 长江禁捕 (30) print the funds weight only in the titles,
    "预算执行情况(万元)(20分)" and "得分(20分*执行率)", with one 预算数(A) column: the funds row
    weighs 20, its 得分 counts in the total, and the grade bands are not rescaled to 80."""
    baoshan = review_table(_table("29"))
    assert (baoshan.stated_total, baoshan.recomputed_total) == (Decimal(100), Decimal(100))
    assert (baoshan.stated_grade, baoshan.recomputed_grade) == ("优", "优")
    assert _found(baoshan, "total_mismatch") == {}
    assert "Sheet1!A8: 资金栏没有分值列：分值 20 取自标题“预算执行情况(万元)(20分)”" in _notices(
        baoshan
    )
    assert not [n for n in _notices(baoshan) if "等级线按比例折算" in n]
    for name in ("19", "30"):
        assert _found(review_table(_table(name)), "total_mismatch") == {}


def test_a_level_column_whose_header_cell_is_lost() -> None:
    """长江禁捕 (30): the 一级指标 header cell is empty (the OCR lost it), column A still names
    产出 / 效益 / 满意度 (garbled) beside the 二级 names: it is read as the 一级 column, so the
    效益 row with no indicator under it is an unnamed row at its 三级 cell."""
    review = review_table(_table("30"))
    assert _found(review, "unnamed_row") == {
        "Sheet1!C13": "第 13 行只有一级指标“益标效指”，没有指标名称和数值"
    }
    assert "Sheet1!A9: 表头此格为空（识别或录入时丢失？），其下各行写有名称：按上一级指标读" in (
        _notices(review)
    )


def test_qualitative_met_but_deducted() -> None:
    """银川 2021 (4): "2021年12月完成" as targeted, scored 4 of 5 with no reason."""
    review = review_table(_table("04"))
    assert _found(review, "qualitative_met_but_deducted")["Sheet1!G21"] == (
        "公用经费完成时间：实际完成值“2021年12月完成”与年度指标值相同，应得满分 5，填报 4 分，未说明扣分原因"
    )


def test_double_counting_by_value(tmp_path: Path) -> None:
    """廊坊 2019 (10): "指标1工程资金金额" 43.2 → 37.24 is the funds row's 全年预算数 → 全年执行数
    again. 永德 (21) with an indicator whose actual is the funds row's 执行率 (86.2%)."""
    langfang = review_table(_table("10"))
    assert _found(langfang, "double_counted_execution") == {
        "Sheet1!H15": "预算执行率已在资金栏计分（分值 10，Sheet1!G8），绩效指标“指标1工程资金金额”的"
        "年度指标值 43.2 和实际完成值 37.24 就是资金栏的全年预算数和全年执行数，又计 10 分"
    }
    cells: dict[str, object] = {"F5": 334166.91, "H5": "86.2%", "I5": 8.62, "G16": "86.2%"}
    cells.update({"I16": 8.62, "J16": "部分资金未支付", "I24": 94.24})
    yongde = review_table(_edited(tmp_path, "21", cells))
    assert _found(yongde, "double_counted_execution") == {
        "Sheet1!I16": "预算执行率已在资金栏计分（分值 10，Sheet1!G5），绩效指标“生均补助标准达标率”的"
        "实际完成值 86.2% 就是资金栏的执行率，又计 10 分"
    }


def test_a_repeated_funds_score_is_double_counting() -> None:
    """濉溪 2019 (9): the 其中:本年财政拨款 row repeats 分值 10 and 得分 10."""
    review = review_table(_table("09"))
    assert _found(review, "double_counted_execution")["table!H7"] == (
        "预算执行率已在资金栏计分（分值 10，table!F6），资金栏的“其中”行又计得分 10"
    )


def test_both_grade_vocabularies_are_one_scale(tmp_path: Path) -> None:
    """永德 2022 (21) prints 优 after its total with no label; as 优秀 it is the same grade, and
    as 良好 under a total of 96 the one finding names both words, with no contradiction."""
    assert review_table(_table("21")).stated_grade == "优"
    as_word = review_table(_edited(tmp_path, "21", {"J24": "优秀"}))
    assert (as_word.stated_grade, as_word.stated_grade_cell) == ("优秀", "Sheet1!J24")
    assert not _found(as_word, "grade_mismatch")
    assert not _found(as_word, "grade_changes")
    wrong = review_table(_edited(tmp_path, "21", {"J24": "良好"}))
    assert _found(wrong, "grade_mismatch") == {
        "Sheet1!J24": "填报等级“良好”，而填报总分 96 对应等级“优”"
    }
    assert _found(wrong, "grade_changes") == {
        "Sheet1!I24": "按规则重算总分 99.8，等级为“优”，填报为“良好”"
    }


def test_a_pair_whose_grades_are_named_in_words(tmp_path: Path) -> None:
    """永德 2022 (21) imported, its spec's grades renamed 优秀/良好/中等/较差, reviewed against the
    stated 优: one scale, so neither grade finding (the message said "填报 优秀, 对应 优秀")."""
    imported = import_table(_table("21"))
    words = {"优": "优秀", "良": "良好", "中": "中等", "差": "较差"}
    spec = dict(imported.spec)
    spec["grades"] = {words[name]: minimum for name, minimum in spec["grades"].items()}
    files = {
        "spec.yaml": spec,
        "facts.yaml": imported.facts(),
        "stated.yaml": to_mapping(imported.stated),
    }
    for name, data in files.items():
        (tmp_path / name).write_text(dump_yaml(data), encoding="utf-8")
    review = review_pair(tmp_path / "spec.yaml", tmp_path / "facts.yaml", tmp_path / "stated.yaml")
    assert (review.stated_grade, review.recomputed_grade) == ("优", "优秀")
    assert not _found(review, "grade_mismatch")
    assert not _found(review, "grade_changes")


def test_a_range_as_the_actual_is_scored_at_its_bound() -> None:
    """中江 2022 (7): every 全年实际值 is printed as the target's range ("≥266米"): accepted,
    scored at the bound, with a notice; the table's only findings are its own."""
    review = review_table(_table("07"))
    assert "Sheet1!G12: 实际完成值“≥266米”是一个范围：按其界值 266米 计分" in _notices(review)
    assert not review.partial
    assert review.recomputed_total == Decimal(110)


def test_an_implausible_rate_is_not_far_exceeded() -> None:
    """衡山 2020 (3): a 市民满意度 target of 290% (≥90% misread); 原州 2022 (23): an actual 290%."""
    hengshan = review_table(_table("03"))
    assert _found(hengshan, "implausible_value") == {
        "table!E26": "市民满意度调查：年度指标值 290% 超过 100%，这类比率不可能超过 100%"
        "（可能是录入或识别错误），无法按规则重算"
    }
    yuanzhou = review_table(_table("23"))
    assert "Sheet1!F16" in _found(yuanzhou, "implausible_value")
    assert not any("大幅超过" in f.message for f in yuanzhou.findings)


def test_two_printed_totals_that_disagree_are_said(tmp_path: Path) -> None:
    """永德 (21) with a 自评总分 of 95 printed above the block while its 总分 row says 96: the
    总分 row's total is taken, and the disagreement is a total_mismatch at the other cell."""
    review = review_table(_edited(tmp_path, "21", {"J1": "自评总分：95"}))
    assert review.stated_total_cell == "Sheet1!I24"
    assert _found(review, "total_mismatch") == {
        "Sheet1!J1": "表头的自评总分 95 与总分行的 96（Sheet1!I24）不一致"
    }


def test_ocr_garble_is_unreadable_not_words() -> None:
    """重庆科学城 2021 (17), an OCR'd table: 执行率 "O76%", 指标性质 "性标定指", 指标值 "第O份",
    度量单位 "tot扁" are each an unreadable_value at their cell; none is rated as words."""
    found = _found(review_table(_table("17")), "unreadable_value")
    assert found["Sheet1!E5"] == "执行率“O76%”不是百分比（如 99.14%）：无法重算预算执行率"
    assert found["Sheet1!D18"] == "指标性质“性标定指”不是运算符或指标类别"
    assert found["Sheet1!E25"] == (
        "制作宣传品数量：年度指标值“第O份”夹有不属于数值的字符（录入或识别错误？），无法按规则重算"
    )
    assert found["Sheet1!C26"] == "度量单位“tot扁”夹有不属于单位的字符"


def test_a_stray_character_before_a_quantity_is_unreadable(tmp_path: Path) -> None:
    """重庆科学城 (17) 年度指标值 "到0次", 原州 (23) "工5%" in both value cells: one character that is
    no operator and no word put before an amount. 永德 (21) with 学生满意度 filed "约100%" and
    家长满意度 "达100%" (words a filed value uses) reads them as words, not garble."""
    assert _found(review_table(_table("17")), "unreadable_value")["Sheet1!E24"] == (
        "组织宣传活动次数：年度指标值“到0次”夹有不属于数值的字符（录入或识别错误？），无法按规则重算"
    )
    yuanzhou = _found(review_table(_table("23")), "unreadable_value")
    assert {cell: yuanzhou[cell] for cell in ("Sheet1!E19", "Sheet1!F19")} == {
        "Sheet1!E19": "指标1种薯亩均收入较鲜薯亩均收入：年度指标值“工5%”夹有不属于数值的字符"
        "（录入或识别错误？），无法按规则重算",
        "Sheet1!F19": "指标1种薯亩均收入较鲜薯亩均收入：实际完成值“工5%”夹有不属于数值的字符"
        "（录入或识别错误？），无法按规则重算",
    }
    worded = review_table(_edited(tmp_path, "21", {"G21": "约100%", "G22": "达100%"}))
    assert _found(worded, "unreadable_value") == {}


def test_the_stated_total_is_read_above_the_block() -> None:
    """银川 2021 (4) prints 自评得分 98 beside the project name; 广水 (12) 自评总分: 95."""
    assert (
        review_table(_table("04")).stated_total_cell,
        review_table(_table("12")).stated_total,
    ) == (
        "Sheet1!F3",
        Decimal(95),
    )


def test_a_grade_is_read_wherever_it_is_printed(tmp_path: Path) -> None:
    """梁平林业局 (16) prints its 自评总分 in the header block: a 自评等级 beside it is read there;
    永德 (21) prints 优 after the total with no label, and 原州 (23) none at all."""
    path = _edited(tmp_path, "16", {"I2": "自评等级：优秀"})
    review = review_table(path)
    assert (review.stated_grade, review.stated_grade_cell) == ("优秀", "Sheet1!I2")
    assert review_table(_table("21")).stated_grade_cell == "Sheet1!J24"
    assert review_table(_table("23")).stated_grade is None


def test_the_command_reviews_a_real_table_with_cell_findings(jixiao: Jixiao) -> None:
    """jixiao review on 天长 (11): exit 0, the findings listed, the rows left out named; with
    --fail-on-findings exit 3; JSON says recomputed_partial and which rows."""
    table = str(_table("11"))
    run = jixiao("review", table)
    assert run.code == 0, run.err
    assert "按规则重算未含" in run.out
    assert (
        "Sheet1!E17: 指标1:工程质量合格：年度指标值为空，无法按规则重算（按填报得分导入） [blank_target]"
        in run.out
    )
    assert jixiao("review", table, "--fail-on-findings").code == 3
    data = json.loads(jixiao("review", table, "-f", "json").out)
    assert data["recomputed_partial"] is True
    assert {
        "id": "指标1工程质量合格",
        "name": "指标1:工程质量合格",
        "cell": "Sheet1!D17",
        "code": "blank_target",
    } in data["rows_not_recomputed"]


def test_a_negative_weight_is_a_finding_not_a_refusal(tmp_path: Path) -> None:
    """A 分值 of -3 on a real table (27, 普陀 2022, one cell changed) is unreadable_value at its
    cell; the table is still reviewed."""
    table = _edited(tmp_path, "27", {"G13": -3})
    review = review_table(table)
    assert _found(review, "unreadable_value") == {
        "Sheet1!G13": "分值“-3”是负数：分值和得分不能小于 0"
    }
