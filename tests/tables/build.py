"""Build filed 自评表 workbooks the way units fill them in, for import and review tests.

``national()`` lays a table out like the 财预〔2020〕10号 附件 form that provinces print: a title,
项目名称 / 主管部门 / 实施单位, the funds block, 年度总体目标, then 绩效指标 with 一级 / 二级 / 三级
merged down over their rows and a 总分 footer. Options move the header, split it over two rows,
leave repeated level names blank instead of merging, or drop the funds block, as real tables do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

Cell = str | int | float | Decimal | None


@dataclass
class Row:
    """One indicator row; an empty level name means "the same as the row above"."""

    level1: str
    level2: str
    level3: str
    target: Cell
    actual: Cell
    weight: Cell
    score: Cell
    deviation: Cell = None


@dataclass
class Funds:
    weight: Cell = 10
    score: Cell = 10
    start: Cell = 50  # 年初预算数
    budget: Cell = 50  # 全年预算数
    spent: Cell = 50  # 全年执行数
    rate: Cell = "100%"
    sources: dict[str, tuple[Cell, Cell, Cell]] = field(default_factory=dict)


# The rows of the table that draws every other finding: a score above its weight, a missed target
# scored in full, execution scored twice, a reverse target scored against its rule and a
# qualitative score outside its tier. tests/test_review.py reviews it; tests/tables/formats/make.py
# prints it in every format review reads.
EVERY_FINDING_ROWS = (
    Row("产出指标", "数量指标", "防汛物资储备批次", "≥2批次", "2批次", 10, 12),
    Row("", "", "水毁工程修复处数", "≥20处", "18处", 10, 10, "部分工程跨年实施"),
    Row("", "时效指标", "年度资金支付完成率100%", "100", "100", 10, 10),
    Row("", "成本指标", "物资采购成本", "≤50万元", "60万元", 10, 10, "物价上涨"),
    Row(
        "效益指标",
        "社会效益指标",
        "人民群众生命财产安全",
        "有效保障",
        "部分达成",
        20,
        19,
        "个别险情处置偏慢",
    ),
    Row("", "可持续影响指标", "防汛应急机制", "长效运行", "达成预期指标", 20, 20),
    Row("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "96%", 10, 10),
)


def national(
    path: Path,
    rows: Sequence[Row],
    *,
    name: str = "水旱灾害防御经费",
    department: str = "天长市水利局",
    unit: str = "天长市水利局",
    year: int = 2022,
    funds: Funds | None = None,
    total_weight: Cell = 100,
    total: Cell = None,
    grade: str | None = None,
    blank_rows_above: int = 0,
    merge_levels: bool = True,
    two_row_header: bool = False,
    sheet_title: str = "Sheet1",
    percent_cells: dict[tuple[int, int], float] | None = None,
) -> dict[str, Any]:
    """Write the workbook; return where things are (``rows`` → sheet row of each indicator …)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title
    r = 1 + blank_rows_above
    ws.cell(r, 1, "项目支出绩效自评表")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=9)
    ws.cell(r + 1, 1, f"（{year}年度）")
    ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=9)
    r += 2
    ws.cell(r, 1, "项目名称")
    ws.cell(r, 2, name)
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=9)
    ws.cell(r + 1, 1, "主管部门")
    ws.cell(r + 1, 2, department)
    ws.merge_cells(start_row=r + 1, start_column=2, end_row=r + 1, end_column=4)
    ws.cell(r + 1, 5, "实施单位")
    ws.cell(r + 1, 6, unit)
    ws.merge_cells(start_row=r + 1, start_column=6, end_row=r + 1, end_column=9)
    r += 2
    where: dict[str, Any] = {}
    if funds is not None:
        ws.cell(r, 1, "项目资金（万元）")
        ws.merge_cells(start_row=r, start_column=1, end_row=r + 4, end_column=1)
        for col, title in enumerate(
            ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), 4
        ):
            ws.cell(r, col, title)
        labels = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")
        for offset, label in enumerate(labels, 1):
            ws.cell(r + offset, 2, label)
            ws.merge_cells(start_row=r + offset, start_column=2, end_row=r + offset, end_column=3)
        ws.cell(r + 1, 4, funds.start)
        ws.cell(r + 1, 5, funds.budget)
        ws.cell(r + 1, 6, funds.spent)
        ws.cell(r + 1, 7, funds.weight)
        ws.cell(r + 1, 8, funds.rate)
        ws.cell(r + 1, 9, funds.score)
        for offset, key in enumerate(("财政拨款", "上年结转", "其他资金"), 2):
            values = funds.sources.get(key, ("/", "/", "/"))
            for col, value in enumerate(values, 4):
                ws.cell(r + offset, col, value)
            for col in (7, 8, 9):
                ws.cell(r + offset, col, "—")
        where["funds_row"] = r + 1
        r += 5
    ws.cell(r, 1, "年度总体目标")
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    ws.cell(r, 2, "预期目标")
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
    ws.cell(r, 6, "实际完成情况")
    ws.merge_cells(start_row=r, start_column=6, end_row=r, end_column=9)
    ws.cell(r + 1, 2, "做好防汛抗旱各项准备，保障人民群众生命财产安全。")
    ws.merge_cells(start_row=r + 1, start_column=2, end_row=r + 1, end_column=5)
    ws.cell(r + 1, 6, "全年未发生人员伤亡，防汛物资储备到位。")
    ws.merge_cells(start_row=r + 1, start_column=6, end_row=r + 1, end_column=9)
    r += 2
    header = r
    titles = (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    )
    if two_row_header:
        ws.cell(r, 1, "绩效指标")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        for col, title in enumerate(titles[3:], 4):
            ws.cell(r, col, title)
            ws.merge_cells(start_row=r, start_column=col, end_row=r + 1, end_column=col)
        for col, title in enumerate(titles[:3], 1):
            ws.cell(r + 1, col, title)
        r += 2
    else:
        for col, title in enumerate(titles, 1):
            ws.cell(r, col, title)
        r += 1
    first = r
    where["rows"] = []
    starts: list[dict[int, int]] = [{}, {}]
    current = ["", ""]
    for index, row in enumerate(rows):
        line = first + index
        where["rows"].append(line)
        for level, text in enumerate((row.level1, row.level2)):
            if text:
                current[level] = text
                if level == 0:
                    current[1] = ""
                ws.cell(line, level + 1, text)
                starts[level][line] = line
        ws.cell(line, 3, row.level3)
        for col, value in enumerate(
            (row.target, row.actual, row.weight, row.score, row.deviation), 4
        ):
            if value is not None:
                ws.cell(line, col, value)
    last = first + len(rows) - 1
    if merge_levels:
        for level in (0, 1):
            lines = sorted(starts[level])
            for position, start in enumerate(lines):
                end = (lines[position + 1] - 1) if position + 1 < len(lines) else last
                if level == 1:
                    # a 二级 block ends where the next 一级 block starts, too
                    later = [s for s in starts[0] if s > start]
                    if later:
                        end = min(end, min(later) - 1)
                if end > start:
                    ws.merge_cells(
                        start_row=start, start_column=level + 1, end_row=end, end_column=level + 1
                    )
    foot = last + 1
    ws.cell(foot, 1, "总分")
    ws.merge_cells(start_row=foot, start_column=1, end_row=foot, end_column=5)
    ws.cell(foot, 6, total_weight)
    if total is not None:
        ws.cell(foot, 7, total)
    where.update(header=header, first=first, foot=foot)
    if grade is not None:
        ws.cell(foot + 1, 1, "自评等级")
        ws.merge_cells(start_row=foot + 1, start_column=1, end_row=foot + 1, end_column=5)
        ws.cell(foot + 1, 6, grade)
        where["grade_row"] = foot + 1
    for (row_no, col), value in (percent_cells or {}).items():
        cell = ws.cell(row_no, col, value)
        cell.number_format = "0.00%"
    wb.save(path)
    return where


def tianchang(path: Path, **options: Any) -> dict[str, Any]:
    """A constructed table in the shape of 天长 水旱灾害防御经费 2022 (安徽, 10/50/30/10): made-up
    rows, every target met, budget fully executed; filed 100. Not the published table, which is
    tests/tables/real/11_anhui_tianchang_2022_shuihan (read by tests/test_real_tables.py)."""
    rows = [
        Row("产出指标", "数量指标", "防汛物资储备批次", "≥2批次", "2批次", 10, 10),
        Row("", "", "水毁工程修复处数", "≥15处", "16处", 10, 10),
        Row("", "质量指标", "修复工程验收合格率", "≥95%", "100%", 10, 10),
        Row("", "时效指标", "汛前准备完成及时率", "=100%", "100%", 10, 10),
        Row("", "成本指标", "物资采购成本", "≤50万元", "49.8万元", 10, 10),
        Row("效益指标", "社会效益指标", "人民群众生命财产安全", "有效保障", "达成预期指标", 15, 15),
        Row("", "可持续影响指标", "防汛应急机制", "长效运行", "达成预期指标", 15, 15),
        Row("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "96%", 10, 10),
    ]
    defaults: dict[str, Any] = {"funds": Funds(), "total": 100, "grade": "优"}
    defaults.update(options)
    return national(path, rows, **defaults)


def liangping(path: Path, **options: Any) -> dict[str, Any]:
    """A constructed table in the shape of 重庆梁平区林业局 部门整体 2023: its 执行率 79.27% → 7.93
    and filed 97.93, with made-up national-form rows (the published table prints other rows, in
    another layout: tests/tables/real/16_chongqing_liangping_2023_linye)."""
    rows = [
        Row("产出指标", "数量指标", "天然林和公益林管护任务完成率", "≥90%", "100%", 10, 10),
        Row("", "质量指标", "森林火灾受害率", "≤0.9%", "0%", 10, 10),
        Row("", "", "主要林业有害生物成灾率", "≤0.4%", "0.1%", 10, 10),
        Row("", "时效指标", "重点任务按时完成率", "≥95%", "100%", 10, 10),
        Row("", "成本指标", "部门支出控制", "≤1000万元", "792.7万元", 10, 10),
        Row("效益指标", "生态效益指标", "森林覆盖率", "≥55%", "55.2%", 10, 10),
        Row("", "社会效益指标", "林区安全稳定", "稳定", "达成预期指标", 10, 10),
        Row("", "可持续影响指标", "管护长效机制", "健全", "健全", 10, 10),
        Row("满意度指标", "服务对象满意度指标", "林农满意度", "≥90%", "95%", 10, 10),
    ]
    defaults: dict[str, Any] = {
        "funds": Funds(weight=10, score=7.93, start=1000, budget=1000, spent=792.7, rate="79.27%"),
        "total": 97.93,
        "grade": "优",
        "name": "梁平区林业局部门整体支出",
        "department": "重庆市梁平区林业局",
        "unit": "重庆市梁平区林业局",
        "year": 2023,
    }
    defaults.update(options)
    return national(path, rows, **defaults)
