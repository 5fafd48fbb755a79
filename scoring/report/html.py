"""A readable HTML report of a scored project: the 自评表, charts, losses, adjustments, warnings.

One self-contained file: inline CSS and inline SVG charts, no script, no network request, so it
opens offline, prints on A4 and can be mailed. The 自评表 is the same grid as the Excel sheet
(``tabular.form``), merged cells drawn with rowspan/colspan.
"""

from __future__ import annotations

from .. import __version__
from ..engine.result import Result
from ..numbers.text import format_number
from ..tabular.form import Form, build_form
from ..tabular.funds import money_summary, percent_text
from ..tabular.result_rows import next_grade_line, score_text, total_line
from ..writing.channels import html_text
from .charts import biggest_losses, losses_chart, score_rate_chart

__all__ = ["render"]

_STYLE = """
body { font-family: 'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif;
       margin: 2em auto; max-width: 1000px; color: #212121; line-height: 1.5; }
h1 { font-size: 1.5em; text-align: center; }
h2 { font-size: 1.15em; border-bottom: 1px solid #bdbdbd; padding-bottom: .2em; margin-top: 1.6em; }
table.form { border-collapse: collapse; width: 100%; font-size: .9em; }
table.form td, table.form th { border: 1px solid #424242; padding: .3em .4em; vertical-align: middle; }
table.form th { background: #f2f2f2; font-weight: bold; }
table.form td.title { border: none; text-align: center; font-size: 1.3em; font-weight: bold; }
table.form td.subtitle { border: none; text-align: center; }
td.center, td.label, td.weight, td.score, td.money, td.rate { text-align: center; }
td.text { text-align: left; }
p.total { font-size: 1.1em; font-weight: bold; }
ul.warnings li { color: #b71c1c; }
.charts svg { display: block; margin: 1em 0; max-width: 100%; height: auto; }
footer { margin-top: 2em; font-size: .8em; color: #757575; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
@page { size: A4; margin: 15mm; }
"""


def _form_table(form: Form) -> str:
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    origins: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in form.merges:
        origins[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    covered[(r, c)] = (r1, c1)
    lines = ['<table class="form">']
    for row in range(1, form.last_row + 1):
        cells = []
        for col in range(1, form.width + 1):
            if (row, col) in covered:
                continue
            cell = form.cells.get((row, col))
            kind = cell.kind if cell is not None else "text"
            tag = "th" if kind == "header" else "td"
            span = ""
            if (row, col) in origins:
                rows, cols = origins[(row, col)]
                span += f' rowspan="{rows}"' if rows > 1 else ""
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
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html_text(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{html_text(title)}</h1>",
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
    lost = biggest_losses(result, limit=len(result.leaves()))
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
    spec = result.spec
    out.append(
        f"<footer>指标体系：{html_text(spec.name)}（{html_text(spec.id)} v{html_text(spec.version)}，"
        f"sha256 {spec.sha256[:12]}）· jixiao {__version__}</footer>"
    )
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
