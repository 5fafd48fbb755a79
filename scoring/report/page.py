"""The frame of jixiao's HTML pages: one stylesheet and one skeleton.

A page is self-contained (inline CSS, inline SVG charts from ``charts``, no script, no network
request), so it opens offline, prints on A4 and can be mailed. Every page that is made with
``page()`` looks the same: headings, data tables with figures right-aligned, charts, a footer
naming the jixiao version. Text from the inputs must already be escaped (``channels.html_text``)
when it is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .. import __version__
from ..writing.channels import html_text

__all__ = ["STYLE", "data_table", "meta_table", "page"]

STYLE = """
body { font-family: 'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif;
       margin: 2em auto; max-width: 1000px; color: #212121; line-height: 1.5; }
h1 { font-size: 1.5em; text-align: center; }
h2 { font-size: 1.15em; border-bottom: 1px solid #bdbdbd; padding-bottom: .2em; margin-top: 1.6em; }
table.data { border-collapse: collapse; font-size: .9em; margin: .6em 0; }
table.data td, table.data th { border: 1px solid #9e9e9e; padding: .25em .5em; }
table.data th { background: #f2f2f2; font-weight: bold; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data tr.level1 td { font-weight: bold; }
p.note { font-size: .85em; color: #616161; }
table.meta td { border: none; padding: .1em .8em .1em 0; }
.err { font-family: monospace; white-space: pre-wrap; font-size: .9em; }
.charts svg { display: block; margin: 1em 0; max-width: 100%; height: auto; }
footer { margin-top: 2em; font-size: .8em; color: #757575; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
@page { size: A4; margin: 15mm; }
"""


def page(title: str, body: Iterable[str], *, heading: str | None = None) -> str:
    """A whole HTML document: ``title`` (plain text) as its title and, unless ``heading`` is
    given, its heading; ``body`` (HTML)."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{html_text(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            f"<h1>{html_text(title if heading is None else heading)}</h1>",
            *body,
            f"<footer>jixiao {__version__}</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def data_table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    row_classes: Sequence[str] | None = None,
) -> str:
    """A table of plain text cells (escaped here); columns in ``numeric`` right-aligned."""
    out = ['<table class="data">', "<tr>" + "".join(f"<th>{html_text(h)}</th>" for h in head)]
    for index, row in enumerate(rows):
        css = f' class="{row_classes[index]}"' if row_classes and row_classes[index] else ""
        cells = "".join(
            f'<td class="num">{html_text(c)}</td>' if i in numeric else f"<td>{html_text(c)}</td>"
            for i, c in enumerate(row)
        )
        out.append(f"<tr{css}>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def meta_table(items: Iterable[tuple[str, str]]) -> str:
    """Label–value lines without borders (what was read, where it was written, how long)."""
    rows = "".join(f"<tr><td>{html_text(k)}</td><td>{html_text(v)}</td></tr>" for k, v in items)
    return f'<table class="meta">{rows}</table>'
