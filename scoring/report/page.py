"""The frame of jixiao's HTML pages: the stylesheets and one skeleton.

A page is self-contained (inline CSS, inline SVG charts from ``charts``, no script, no network
request), so it opens offline, prints on A4 and can be mailed. Every page that is made with
``page()`` looks the same: headings, data tables with figures right-aligned, charts, a footer
naming the jixiao version. Text from the inputs must already be escaped (``channels.html_text``)
when it is passed in.

Two looks, both defined here: ``STYLE`` for the working pages (the 自评表, the batch and review
summaries, comparisons) and ``DOCUMENT_STYLE`` for the 自评报告, which follows the 公文 layout of
GB/T 9704 (仿宋 三号 body, 小标宋 title, 黑体/楷体 headings, black) like its Word version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .. import __version__
from ..spec.compiled import Spec
from ..writing.channels import html_text

__all__ = ["DOCUMENT_STYLE", "STYLE", "data_table", "meta_table", "page", "spec_footer"]

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
p.total { font-size: 1.1em; font-weight: bold; }
ul.warnings li { color: #b71c1c; }
table.form { border-collapse: collapse; width: 100%; font-size: .9em; }
table.form td, table.form th { border: 1px solid #424242; padding: .3em .4em; vertical-align: middle; }
table.form th { background: #f2f2f2; font-weight: bold; }
table.form td.title { border: none; text-align: center; font-size: 1.3em; font-weight: bold; }
table.form td.subtitle { border: none; text-align: center; }
td.center, td.label, td.weight, td.score, td.money, td.rate { text-align: center; }
td.text { text-align: left; }
table.meta td { border: none; padding: .1em .8em .1em 0; }
.err { font-family: monospace; white-space: pre-wrap; font-size: .9em; }
.charts svg { display: block; margin: 1em 0; max-width: 100%; height: auto; }
footer { margin-top: 2em; font-size: .8em; color: #757575; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
@page { size: A4; margin: 15mm; }
"""

DOCUMENT_STYLE = """
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


def page(
    title: str,
    body: Iterable[str],
    *,
    heading: str | None = None,
    style: str = STYLE,
    footer: str | None = None,
) -> str:
    """A whole HTML document: ``title`` (plain text) as its title and, unless ``heading`` is
    given (``""``: the body has its own), its heading; ``body`` and ``footer`` (HTML; the
    footer always ends with the jixiao version)."""
    shown = title if heading is None else heading
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{html_text(title)}</title>",
            f"<style>{style}</style>",
            "</head>",
            "<body>",
            *([f"<h1>{html_text(shown)}</h1>"] if shown else []),
            *body,
            f"<footer>{footer + ' · ' if footer else ''}jixiao {__version__}</footer>",
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


def spec_footer(spec: Spec) -> str:
    """The footer of a page about one project: which indicator system scored it, exactly."""
    return (
        f"指标体系：{html_text(spec.name)}（{html_text(spec.id)} v{html_text(spec.version)}，"
        f"sha256 {spec.sha256[:12]}）"
    )
