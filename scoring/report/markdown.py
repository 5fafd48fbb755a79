"""Markdown report: the 自评表 as a pipe table plus where every point went.

Every text from the inputs goes through ``channels.markdown_text`` (``_cell``): it shows as
written — never HTML (``<script>``), a link, emphasis, a new table column (``|``) or a new line.
"""

from __future__ import annotations

from tabulate import tabulate

from ..engine.result import Result
from ..tabular.result_rows import (
    headers,
    level_summary,
    next_grade_line,
    project_lines,
    score_text,
    table_rows,
    total_line,
)
from ..writing.channels import markdown_text as _cell
from .charts import biggest_losses

__all__ = ["render"]


def render(result: Result) -> str:
    out = [f"# {_cell(str(result.project.get('name', '')))} 绩效自评表", ""]
    out += [f"- **{label}**：{_cell(value)}" for label, value in project_lines(result)]
    out += ["", "## 指标得分", ""]
    rows = [[_cell(c) for c in row] for row in table_rows(result)]
    out.append(tabulate(rows, headers=headers(result), tablefmt="pipe", disable_numparse=True))
    out += ["", "## 一级指标", ""]
    out.append(
        tabulate(
            [[_cell(c) for c in row] for row in level_summary(result)],
            headers=["一级指标", "分值", "得分", "得分率"],
            tablefmt="pipe",
            disable_numparse=True,
        )
    )
    out += ["", f"**{total_line(result)}**", ""]
    step = next_grade_line(result)
    if step:
        out += [step, ""]
    lost = biggest_losses(result, limit=None)
    if lost:
        out += ["## 失分说明", ""]
        for item in lost:
            out.append(
                f"- **{_cell(item.name)}**（扣 {score_text(result, item.lost)} 分）：{_cell(item.explanation)}"
            )
        out.append("")
    if result.adjustments:
        out += ["## 评价人调整", ""]
        for adj in result.adjustments:
            found = result.find(adj.indicator)
            out.append(
                f"- **{_cell(found.name)}**：规则得分 {score_text(result, found.rule_score)} → {score_text(result, found.score)}（{adj.points:+}）。理由：{_cell(adj.reason)}"
            )
        out.append("")
    if result.warnings:
        out += ["## 提示", ""]
        out += [f"- {_cell(str(w))}" for w in result.warnings]
        out.append("")
    return "\n".join(out)
