"""The draft 自评报告 as one HTML page: the Word report's sections (``docx_report.ReportWriter``)
written with HTML blocks, plus the two charts of ``charts`` under 项目绩效情况分析.

``jixiao report -o report.html`` writes it; ``jixiao score --format html`` is the 自评表 page
(``html``), a different document. Self-contained like that one: inline CSS and SVG, no script, no
network request; it prints on A4 in the 公文 fonts where the machine has them.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.result import Result
from ..writing.channels import html_text
from .charts import losses_chart, score_rate_chart
from .docx_blocks import PLACEHOLDER, TableCell
from .docx_report import ReportWriter
from .methods_section import MethodsData
from .page import DOCUMENT_STYLE, page, spec_footer

__all__ = ["HtmlBlocks", "render"]


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
    return page(
        blocks.page_title,
        blocks.parts,
        heading="",  # the report's title block is its heading
        style=DOCUMENT_STYLE,
        footer=spec_footer(result.spec),
    )
