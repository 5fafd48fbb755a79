"""A readable HTML report of a scored project: the 自评表, charts, losses, adjustments, warnings.

One self-contained file: inline CSS and inline SVG charts, no script, no network request, so it
opens offline, prints on A4 and can be mailed. The 自评表 is the same grid as the Excel sheet
(``tabular.form``), merged cells drawn with rowspan/colspan.
"""

from __future__ import annotations

from ..engine.result import Result
from ..numbers.text import format_number
from ..tabular.form import Form, build_form
from ..tabular.funds import money_summary, percent_text
from ..tabular.result_rows import next_grade_line, score_text, total_line
from ..writing.channels import html_text
from .charts import biggest_losses, losses_chart, score_rate_chart
from .page import page, spec_footer

__all__ = ["render"]


def _form_table(form: Form) -> str:
    # A merge is drawn by its top-left cell with a rowspan/colspan; its other cells are left out.
    spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in form.merges}
    covered = {
        (r, c)
        for r1, c1, r2, c2 in form.merges
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
    } - spans.keys()
    lines = ['<table class="form">']
    for row in range(1, form.last_row + 1):
        cells = []
        for col in range(1, form.width + 1):
            if (row, col) in covered:
                continue
            cell = form.cells.get((row, col))
            kind = cell.kind if cell is not None else "text"
            tag = "th" if kind == "header" else "td"
            rows, cols = spans.get((row, col), (1, 1))
            span = f' rowspan="{rows}"' if rows > 1 else ""
            span += f' colspan="{cols}"' if cols > 1 else ""
            text = html_text(form.text(row, col)).replace("\n", "<br>")
            cells.append(f'<{tag} class="{kind}"{span}>{text}</{tag}>')
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _money_lines(result: Result) -> list[str]:
    money = money_summary(result)
    out = []
    if money.received is not None:
        text = f"资金到位 {format_number(money.received)} 万元"
        if money.arrival_rate is not None:
            text += f"，到位率 {percent_text(money.arrival_rate)}"
        out.append(text)
    if money.spent is not None:
        text = f"实际支出 {format_number(money.spent)} 万元"
        if money.execution_rate is not None:
            text += f"，执行率 {percent_text(money.execution_rate)}"
        out.append(text)
    if money.balance is not None:
        out.append(f"结余 {format_number(money.balance)} 万元")
    return out


def render(result: Result) -> str:
    name = str(result.project.get("name", ""))
    title = f"{name} 绩效自评表"
    out = [
        _form_table(build_form(result)),
        f'<p class="total">{html_text(total_line(result))}</p>',
    ]
    step = next_grade_line(result)
    if step:
        out.append(f"<p>{html_text(step)}</p>")
    money = _money_lines(result)
    if money:
        out.append("<h2>资金情况</h2>")
        out.append("<p>" + html_text("；".join(money)) + "。</p>")
    out.append('<h2>得分情况</h2>\n<div class="charts">')
    out.append(score_rate_chart(result))
    out.append(losses_chart(result))
    out.append("</div>")
    lost = biggest_losses(result, limit=None)
    if lost:
        out.append("<h2>失分说明</h2>\n<ol>")
        for leaf in lost:
            text = f"{leaf.name}（扣 {score_text(result, leaf.lost)} 分）：{leaf.explanation}"
            if leaf.deviation:
                text += f" 偏差原因：{leaf.deviation}"
            out.append(f"<li>{html_text(text)}</li>")
        out.append("</ol>")
    if result.adjustments:
        out.append("<h2>评价人调整</h2>\n<ul>")
        for adj in result.adjustments:
            found = result.find(adj.indicator)
            out.append(
                "<li>"
                + html_text(
                    f"{found.name}：规则得分 {score_text(result, found.rule_score)} → "
                    f"{score_text(result, found.score)}（{adj.points:+}）。理由：{adj.reason}"
                )
                + "</li>"
            )
        out.append("</ul>")
    if result.warnings:
        out.append('<h2>提示</h2>\n<ul class="warnings">')
        out += [f"<li>{html_text(str(w))}</li>" for w in result.warnings]
        out.append("</ul>")
    return page(title, out, footer=spec_footer(result.spec))
