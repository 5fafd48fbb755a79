"""The batch summary as one self-contained HTML page: tables plus charts drawn as inline SVG.

No script, no stylesheet or font from the network: the page opens the same offline, in a mail
client or an intranet that blocks everything. Every text from the inputs is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..writing.channels import html_text
from .summary import Summary, pct

__all__ = ["render_html"]

_FONT = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',sans-serif"
_BAR = "#3b6ea5"
_GRADE_COLOURS = ("#2e7d32", "#1565c0", "#f9a825", "#c62828")

_STYLE = f"""
body {{ font-family: {_FONT}; margin: 2em auto; max-width: 60em; color: #222; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.15em; margin-top: 1.8em; }}
table {{ border-collapse: collapse; margin: .5em 0; }}
th, td {{ border: 1px solid #ccc; padding: .25em .6em; text-align: left; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
.meta td {{ border: none; padding: .1em .8em .1em 0; }}
.err {{ font-family: monospace; white-space: pre-wrap; font-size: .9em; }}
"""


def render_html(
    summary: Summary,
    *,
    spec_name: str,
    spec_version: str,
    inputs: Sequence[str],
    output: str,
    seconds: float,
    notes: Sequence[str] = (),
) -> str:
    s = summary
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>批量评分汇总 — {html_text(spec_name)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>批量评分汇总：{html_text(spec_name)}（v{html_text(spec_version)}）</h1>",
        '<table class="meta">',
        _meta("输入", "、".join(inputs)),
        _meta("结果文件", output),
        _meta("记录数", f"{s.records:,}（评分 {s.scored:,}，失败 {s.failed:,}）"),
        _meta("平均总分", s.number(s.mean_total())),
        _meta("用时", f"{seconds:.1f} 秒"),
        "</table>",
        *(f"<p>{html_text(note)}</p>" for note in notes),
    ]
    if s.scored:
        parts += ["<h2>等级分布</h2>", _grade_chart(s), _grade_table(s)]
        rates = s.top_rates()
        parts += [
            "<h2>一级指标平均得分率</h2>",
            _hbars(rates, [pct(rate) for _, rate in rates]),
        ]
        losses = s.losses()
        if losses:
            biggest = losses[0][1]
            parts += [
                "<h2>失分最多的指标</h2>",
                _hbars(
                    [(name, lost / biggest) for name, lost, _, _ in losses],
                    [s.number(lost) for _, lost, _, _ in losses],
                ),
                _table(
                    ("指标", "累计失分", "平均每项目失分", "失分项目占比"),
                    [
                        (name, s.number(lost), s.number(mean), pct(share))
                        for name, lost, mean, share in losses
                    ],
                    numeric=(1, 2, 3),
                ),
            ]
        for which, title in (("best", "得分最高的项目"), ("worst", "得分最低的项目")):
            parts += [
                f"<h2>{title}</h2>",
                _table(
                    ("项目", "总分", "等级", "位置"),
                    [(r.id, s.number(r.total), r.grade, r.source) for r in s.ranked(which)],
                    numeric=(1,),
                ),
            ]
    if s.failed:
        parts += [
            "<h2>失败记录</h2>",
            _table(
                ("错误代码", "记录数"),
                [(code, f"{count:,}") for code, count in s.error_codes.most_common()],
                numeric=(1,),
            ),
            "<p>最先出现的错误：</p>",
            "".join(
                f'<div class="err">{html_text(message)}</div>' for _, message in s.first_errors
            ),
        ]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _meta(label: str, value: str) -> str:
    return f"<tr><td>{html_text(label)}</td><td>{html_text(value)}</td></tr>"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    out = ["<table><tr>", *(f"<th>{html_text(h)}</th>" for h in head), "</tr>"]
    for row in rows:
        out.append("<tr>")
        out += [
            f'<td class="n">{html_text(c)}</td>' if i in numeric else f"<td>{html_text(c)}</td>"
            for i, c in enumerate(row)
        ]
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _grade_table(s: Summary) -> str:
    return _table(
        ("等级", "项目数", "占比"),
        [
            (name, f"{s.grades[name]:,}", pct(Decimal(s.grades[name]) / s.scored))
            for name in s.grade_names
        ],
        numeric=(1, 2),
    )


def _grade_chart(s: Summary) -> str:
    """A vertical bar per grade, best grade first, its count above it."""
    width, height, bar, gap, top, bottom = 420, 220, 60, 30, 24, 28
    counts = [s.grades[name] for name in s.grade_names]
    highest = max(counts) or 1
    plot = height - top - bottom
    shapes = []
    for i, (name, count) in enumerate(zip(s.grade_names, counts, strict=True)):
        x = gap + i * (bar + gap)
        h = round(plot * count / highest)
        y = top + plot - h
        colour = _GRADE_COLOURS[i] if i < len(_GRADE_COLOURS) else _BAR
        shapes += [
            f'<rect x="{x}" y="{y}" width="{bar}" height="{h}" fill="{colour}"/>',
            f'<text x="{x + bar / 2}" y="{y - 6}" text-anchor="middle">{count:,}</text>',
            f'<text x="{x + bar / 2}" y="{height - 8}" text-anchor="middle">{html_text(name)}</text>',
        ]
    width = max(width, gap + len(counts) * (bar + gap))
    axis = top + plot
    shapes.append(
        f'<line x1="{gap // 2}" y1="{axis}" x2="{width - gap // 2}" y2="{axis}" stroke="#888"/>'
    )
    return _svg(width, height, shapes, "等级分布")


def _hbars(items: Sequence[tuple[str, Decimal | None]], labels: Sequence[str]) -> str:
    """A horizontal bar per item, 0–1 of the full width, with its label and value."""
    row, label_w, plot_w, value_w = 26, 180, 360, 90
    shapes = []
    for i, (name, value) in enumerate(items):
        y = 8 + i * row
        share = min(max(value or Decimal(0), Decimal(0)), Decimal(1))
        w = round(plot_w * share)
        shown = labels[i]
        shapes += [
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{html_text(name)}</text>',
            f'<rect x="{label_w}" y="{y + 3}" width="{plot_w}" height="16" fill="#eee"/>',
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="16" fill="{_BAR}"/>',
            f'<text x="{label_w + plot_w + 8}" y="{y + 15}">{html_text(shown)}</text>',
        ]
    return _svg(label_w + plot_w + value_w, 16 + len(items) * row, shapes, "")


def _svg(width: int, height: int, shapes: Sequence[str], title: str) -> str:
    label = f' aria-label="{html_text(title)}"' if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"{label} font-size="13" '
        f'font-family="{html_text(_FONT)}">' + "".join(shapes) + "</svg>"
    )
