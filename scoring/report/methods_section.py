"""The report's 评价方法与分析: each evaluation method's result, computed, where its data is given.

``jixiao report`` is given this year's facts and, optionally, earlier years (比较法, 因素分析法),
peers (标杆管理, 最低成本法) and survey answers (公众评判法); the spec may declare cost measures
(成本效益分析法). For each method this writes what was found, with the figures; a method whose data
was not given is named as not applied, with what it would need, instead of boilerplate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..engine.result import Result
from ..methods.comparison import Comparison
from ..methods.cost import cost_lines, shown_cost
from ..methods.peers import shown_rank
from ..methods.survey import SurveyResult
from ..numbers.text import format_number
from .comparison import factor_steps, factor_table, signed
from .docx_blocks import TableCell

if TYPE_CHECKING:  # docx_report imports this module to write the section
    from .docx_report import Blocks

__all__ = ["MethodsData", "methods_used", "write_methods"]


@dataclass(frozen=True)
class MethodsData:
    """What the methods were given besides this year's result."""

    comparison: Comparison | None = None  # earlier years and/or peers, this year last
    survey: SurveyResult | None = None


def methods_used(result: Result, data: MethodsData) -> list[str]:
    """The methods applied, as the 评价方法 paragraph names them."""
    used = []
    if result.spec.cost_measures:
        used.append("成本效益分析法")
    c = data.comparison
    if c is not None and len(c.years) > 1:
        used += [f"比较法（与 {c.years[0][0]} 年起各年度比较）", "因素分析法"]
    if c is not None and c.peers is not None and c.peers.peers:
        used.append(f"比较法（与 {len(c.peers.peers)} 个同类项目比较，标杆管理）")
        if result.spec.cost_measures:
            used.append("最低成本法")
    if data.survey is not None:
        used.append(f"公众评判法（有效问卷 {data.survey.respondents} 份）")
    return used


def write_methods(out: Blocks, result: Result, data: MethodsData) -> None:
    """Append the 评价方法与分析 subsection to a report being written with ``out``'s blocks."""
    places = result.spec.rounding.places
    c = data.comparison
    out.heading("（四）评价方法与分析", 2)
    para = out.para

    def table(head: Sequence[str], rows: Sequence[Sequence[str]], shares: Sequence[float]) -> None:
        cells: list[list[TableCell | None]] = [[TableCell(text) for text in row] for row in rows]
        out.table(head, cells, shares, [False] + [True] * (len(head) - 1))

    para("1、成本效益分析法")
    lines = cost_lines(result.spec, result.values)
    if not lines:
        para("指标体系未设成本效益指标（cost_effectiveness），未作单位成本分析。")
    else:
        texts = [
            f"{line.measure.label} {shown_cost(line.value, line.measure.unit)}"
            if line.value is not None
            else f"{line.measure.label}无法计算（{line.reason}）"
            for line in lines
        ]
        para("本年度" + "；".join(texts) + "。")
        if c is not None and len(c.years) > 1:
            from .comparison import cost_year_table

            costs = cost_year_table(c)
            if costs is not None:
                table(costs[0], costs[1], [6.0] + [3.0] * (len(costs[0]) - 1))

    para("2、比较法")
    if c is not None and len(c.years) > 1:
        first_year, first = c.years[0]
        para(
            f"与 {first_year} 年相比，总分由 {format_number(first.total, places)} 分变为 "
            f"{format_number(result.total, places)} 分（{signed(result.total - first.total, places)} 分），"
            f"等级由“{first.grade}”变为“{result.grade}”。"
        )
        moved = _moved_leaves(first, result)
        if moved:
            head = ["指标", f"{first_year} 年得分", "本年得分", "变化"]
            rows = [
                [name, format_number(a, places), format_number(b, places), signed(b - a, places)]
                for name, a, b in moved
            ]
            table(head, rows, [7.0, 3.0, 3.0, 3.0])
    else:
        para("未提供以前年度的事实（jixiao report --previous），未作逐年比较。")
    g = c.peers if c is not None else None
    if g is not None and g.peers:
        total = g.lines[0]
        para(
            f"在 {len(g.peers)} 个同类项目中，本项目总分 {format_number(result.total, places)} 分，"
            f"百分位 {shown_rank(total.rank)}；同类中位数 "
            f"{format_number(total.median or Decimal(0), places)} 分，最高 "
            f"{format_number(total.best or Decimal(0), places)} 分（标杆项目 {total.benchmark}）。"
        )
        weakest = sorted(
            (line for line in g.lines[1:] if line.rank is not None and line.level > 1),
            key=lambda line: line.rank or Decimal(0),
        )[:3]
        if weakest:
            para(
                "相对同类项目最弱的指标："
                + "；".join(
                    f"{line.name}（百分位 {shown_rank(line.rank)}，标杆 {line.benchmark}）"
                    for line in weakest
                )
                + "。"
            )
        if g.costs:
            texts = [
                f"{cost.measure.label} {shown_cost(cost.value, cost.measure.unit)}，同类最低 "
                f"{shown_cost(cost.lowest, cost.measure.unit)}（{cost.lowest_peer}）、中位数 "
                f"{shown_cost(cost.median, cost.measure.unit)}"
                for cost in g.costs
                if cost.value is not None
            ]
            if texts:
                para("最低成本法：" + "；".join(texts) + "。")
    elif c is not None and c.peers is not None:
        para("所给同类项目均无法计分，未作同类比较。")
    else:
        para("未提供同类项目（jixiao report --peers），未作同类比较和标杆管理。")

    para("3、因素分析法")
    pairs = [(a, b, d) for a, b, d in (c.pairs if c is not None else [])]
    if g is not None and g.middle is not None and g.versus_middle is not None:
        pairs.append((f"中位项目 {g.middle.id}", "本项目", g.versus_middle))
    if not pairs:
        para("没有可比较的年度或同类项目，未作因素分解。")
    for before, after, d in pairs:
        parts = [f"{name} {signed(change, d.places)}" for name, change in factor_steps(d)]
        para(
            f"总分由 {format_number(d.before_total, d.places)} 分（{before}）变为 "
            f"{format_number(d.after_total, d.places)} 分（{after}），变化 "
            f"{signed(d.change, d.places)} 分，分解为：{'；'.join(parts)}。各项之和等于总分变化。"
        )
        head, rows, _ = factor_table(d)
        indented = [[cell.replace("· ", "　") for cell in row] for row in rows]
        table(head, indented, [7.0, 3.0, 3.0, 3.0])

    para("4、公众评判法")
    s = data.survey
    if s is not None:
        low, high = s.shown_interval
        text = (
            f"回收问卷 {s.rows} 份，有效 {s.respondents} 份；满意度 {s.shown_rate}"
            f"（95% 区间 {low}–{high}，Wilson 法）"
        )
        if s.invalid or s.invalid_rows:
            text += (
                f"；无效答案 {len(s.invalid)} 个、无有效答案的答卷 {len(s.invalid_rows)} 份，未计入"
            )
        para(text + "。")
        if s.straddles_target:  # its warning is the last, made in the language of the day
            para(f"注意：{s.warnings[-1]}。")
    elif any(leaf.not_applicable for leaf in result.leaves() if "满意" in leaf.name):
        para("本年度未开展服务对象满意度调查，满意度指标不适用，未采用公众评判法。")
    else:
        para("未提供问卷答卷（jixiao report --survey），满意度按事实文件所填计分。")


def _moved_leaves(first: Result, last: Result) -> list[tuple[str, Decimal, Decimal]]:
    """(name, first year's score, this year's) of each leaf scored both years that moved."""
    before = {leaf.id: leaf.score for leaf in first.leaves()}
    moved = []
    for leaf in last.leaves():
        earlier = before.get(leaf.id)
        if leaf.score is not None and earlier is not None and earlier != leaf.score:
            moved.append((leaf.name, earlier, leaf.score))
    return moved
