"""Plain-text 自评表 for the terminal: header, indicator block, total and grade, warnings."""

from __future__ import annotations

from tabulate import tabulate

from ..result import Result
from .common import headers, level_summary, next_grade_line, project_lines, table_rows, total_line

__all__ = ["render"]


def render(result: Result) -> str:
    lines = [f"{result.spec.name} — 绩效自评表", ""]
    lines += [f"{label}：{value}" for label, value in project_lines(result)]
    lines.append("")
    lines.append(
        tabulate(
            table_rows(result),
            headers=headers(result),
            tablefmt="simple_grid",
            maxcolwidths=[None] * (len(headers(result)) - 1) + [30],
            disable_numparse=True,
        )
    )
    lines.append("")
    lines.append(
        tabulate(
            level_summary(result),
            headers=["一级指标", "分值", "得分", "得分率"],
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    lines.append("")
    lines.append(total_line(result))
    step = next_grade_line(result)
    if step:
        lines.append(step)
    if result.adjustments:
        lines.append("")
        lines.append("评价人调整：")
        for item in result.adjustments:
            found = result.find(item.indicator)
            lines.append(
                f"  {item.indicator}：规则得分 {found.rule_score} → {found.score}（{item.points:+}）理由：{item.reason}"
            )
    if result.warnings:
        lines.append("")
        lines.append("提示：")
        lines += [f"  - {warning}" for warning in result.warnings]
    return "\n".join(lines) + "\n"
