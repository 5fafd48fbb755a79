"""The draft 自评报告 as one HTML page: the Word report's sections (``docx_report.ReportWriter``)
written with HTML blocks, plus the two charts of ``charts`` under 项目绩效情况分析.

``jixiao report -o report.html`` writes it; ``jixiao score --format html`` is the 自评表 page
(``html``), a different document. Self-contained like that one: inline CSS and SVG, no script, no
network request; it prints on A4 in the 公文 fonts where the machine has them.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import __version__
from ..engine.result import Result
from ..writing.channels import html_text
from .charts import losses_chart, score_rate_chart
from .docx_blocks import PLACEHOLDER, TableCell
from .docx_report import ReportWriter
from .methods_section import MethodsData

__all__ = ["HtmlBlocks", "render"]

_STYLE = """
body { font-family: 'FangSong','仿宋','STFangsong','Noto Serif CJK SC','Source Han Serif SC',serif;
       font-size: 16pt; line-height: 28pt; color: #000; margin: 2em auto; max-width: 156mm; }
h1 { font-family: '方正小标宋简体','FZXiaoBiaoSong-B05S','SimSun','宋体','Noto Serif CJK SC',serif;
     font-size: 22pt; line-height: 36pt; font-weight: normal; text-align: center;
     white-space: pre-line; margin: 0 0 28pt; }
h2 { font-family: 'SimHei','黑体','Noto Sans CJK SC',sans-serif; font-size: 16pt;
     font-weight: normal; text-indent: 2em; margin: 0; }
h3 { font-family: 'KaiTi','楷体','STKaiti','Noto Serif CJK SC',serif; font-size: 16pt;
     font-weight: normal; text-indent: 2em; margin: 0; }
p { text-indent: 2em; margin: 0; }
p.closing { text-align: right; padding-right: 4em; margin-top: 28pt; white-space: pre-line; }
mark { background: #ffff00; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; line-height: 1.4;
        table-layout: fixed; margin: .5em 0; }
th, td { border: 1px solid #000; padding: .2em .3em; vertical-align: middle; }
th { font-family: 'SimHei','黑体','Noto Sans CJK SC',sans-serif; font-weight: normal; }
td.c, th { text-align: center; }
thead { display: table-header-group; }
.charts svg { display: block; margin: .6em auto; max-width: 100%; height: auto; }
footer { margin-top: 2em; font-size: 10.5pt; line-height: 1.4; color: #555; }
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
@media print { body { margin: 0; max-width: none; } h2, h3 { page-break-after: avoid; } }
"""


class HtmlBlocks:
    """The report's blocks as HTML elements, collected in order."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.page_title = ""

    def title(self, text: str) -> None:
        self.page_title = text.replace("\n", " ")
        self.parts.append(f"<h1>{html_text(text)}</h1>")

    def heading(self, text: str, level: int) -> None:
        tag = "h2" if level <= 1 else "h3"
        self.parts.append(f"<{tag}>{html_text(text)}</{tag}>")

    def para(self, text: str) -> None:
        self.parts.append(f"<p>{html_text(text)}</p>")

    def todo(self, what: str) -> None:
        self.parts.append(f"<p><mark>{html_text(PLACEHOLDER.format(what))}</mark></p>")

    def closing(self, text: str) -> None:
        self.parts.append(f'<p class="closing">{html_text(text)}</p>')

    def charts(self, result: Result) -> None:
        self.parts.append('<div class="charts">')
        self.parts.append(score_rate_chart(result))
        self.parts.append(losses_chart(result))
        self.parts.append("</div>")

    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence[TableCell | None]],
        shares: Sequence[float],
        centred: Sequence[bool],
    ) -> None:
        total = sum(shares)
        out = ["<table>", "<colgroup>"]
        out += [f'<col style="width:{share / total * 100:.1f}%">' for share in shares]
        header = "".join(f"<th>{html_text(text)}</th>" for text in head)
        out += ["</colgroup>", f"<thead><tr>{header}</tr></thead>", "<tbody>"]
        for row in rows:
            cells = []
            for col, item in enumerate(row):
                if item is None:
                    continue
                span = f' rowspan="{item.down}"' if item.down > 1 else ""
                span += f' colspan="{item.across}"' if item.across > 1 else ""
                kind = ' class="c"' if centred[col] else ""
                cells.append(f"<td{kind}{span}>{html_text(item.text)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out += ["</tbody>", "</table>"]
        self.parts.append("\n".join(out))


def render(result: Result, methods: MethodsData | None = None) -> str:
    blocks = HtmlBlocks()
    ReportWriter(result, blocks, methods).write()
    spec = result.spec
    footer = (
        f"<footer>指标体系：{html_text(spec.name)}（{html_text(spec.id)} v{html_text(spec.version)}，"
        f"sha256 {spec.sha256[:12]}）· jixiao {__version__}</footer>"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{html_text(blocks.page_title)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            *blocks.parts,
            footer,
            "</body>",
            "</html>",
            "",
        ]
    )
