"""``jixiao explain``: where each point went, biggest losses first, and the way to the next grade.

Printed on a terminal: the text goes through ``channels.terminal`` (escape sequences in names and
reasons are shown, not run).
"""

from __future__ import annotations

from decimal import Decimal

from ..engine.result import Result
from ..numbers.text import format_number
from ..tabular.result_rows import indicator_path, next_grade_line, score_text, total_line
from ..writing.channels import terminal
from .charts import biggest_losses

__all__ = ["render_explain", "render_indicator"]


def render_explain(result: Result) -> str:
    lines = [total_line(result)]
    scale = result.max / result.applicable_weight if result.applicable_weight else Decimal(1)
    lost = biggest_losses(result, limit=None)
    total_lost = sum((item.lost for item in lost), Decimal(0))
    lines.append(
        f"共失分 {score_text(result, total_lost)} 分（{len(lost)} 项指标）；按失分从多到少："
    )
    lines.append("")
    for rank, item in enumerate(lost, 1):
        lines.append(
            f"{rank}. {indicator_path(result, item)}  扣 {score_text(result, item.lost)} / {format_number(item.weight)} 分"
        )
        lines.append(f"   {item.explanation}")
        if item.deviation:
            lines.append(f"   偏差原因：{item.deviation}")
    step = next_grade_line(result)
    if step:
        lines.append("")
        lines.append(step + "。")
        assert result.next_grade is not None
        needed = result.next_grade.points_needed
        gained = Decimal(0)
        plan = []
        for item in lost:
            plan.append(item)
            gained += item.lost * scale
            if gained >= needed:
                break
        if gained >= needed:
            names = "、".join(i.name for i in plan)
            lines.append(
                f"最少需在以下 {len(plan)} 项指标上挽回失分：{names}（可挽回 {score_text(result, gained)} 分）。"
            )
        else:
            lines.append("即使所有失分指标都得满分也达不到该等级。")
    if result.warnings:
        lines.append("")
        lines.append("提示：")
        lines += [f"  - {w}" for w in result.warnings]
    return terminal("\n".join(lines) + "\n")


def render_indicator(result: Result, indicator_id: str) -> str:
    item = result.find(indicator_id)
    node = item.node
    lines = [
        f"{indicator_path(result, item)}（{node.id}）",
        f"分值 {format_number(item.weight)}，得分 {score_text(result, item.score)}",
    ]
    if node.explanation:
        lines.append(f"指标解释：{node.explanation}")
    if node.standard:
        lines.append(f"评分标准：{node.standard}")
    if node.rule is not None:
        lines.append(f"规则：{node.rule.describe()}")
        if item.target_text:
            lines.append(f"年度指标值：{item.target_text}")
        if item.actual_text:
            lines.append(f"实际完成值：{item.actual_text}")
        for name, value in item.inputs.items():
            fact = result.spec.facts.get(name)
            measure = (
                fact.measure
                if fact
                else next(d.measure for d in result.spec.derived if d.id == name)
            )
            lines.append(f"  {result.spec.label_of(name)}（{name}）= {measure.display(value)}")
        lines.append(item.explanation)
        if item.deviation:
            lines.append(f"偏差原因：{item.deviation}")
    else:
        for child in item.children:
            lines.append(
                f"  {child.name}：{score_text(result, child.score)} / {format_number(child.weight)}"
            )
    for warning in result.warnings:
        if warning.indicator == item.id:
            lines.append(f"提示：{warning.message}")
    return terminal("\n".join(lines) + "\n")
