"""Charts as inline SVG text: the score rate of each 一级指标 and the biggest point losses.

Plain SVG 1.1 (no script, no external font or stylesheet), deterministic to the byte, so a report
that embeds it works offline, prints, and diffs cleanly. Bars are coloured by the grade band the
rate falls in (the spec's bands as shares of its total), with a dashed line at each band's edge.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..engine.result import IndicatorResult, Result
from ..numbers.text import format_number
from ..writing.channels import html_text

__all__ = [
    "GRADE_COLOURS",
    "Bar",
    "bar_chart",
    "count_chart",
    "losses_chart",
    "score_rate_chart",
    "text_width",
    "waterfall_chart",
]

FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
GRADE_COLOURS = ("#2e7d32", "#1565c0", "#ef6c00", "#c62828")  # best band first
_NA = "#9e9e9e"
_LABEL_W, _BAR_W, _VALUE_W = 170, 340, 150
_ROW_H, _TOP, _BOTTOM = 30, 34, 30
_TITLE_H = 24  # the band the chart's own title takes above the bars
_WIDTH = _LABEL_W + _BAR_W + _VALUE_W


def _px(value: Decimal) -> str:
    return format_number(value.quantize(Decimal("0.1")))


def text_width(text: str) -> int:
    """Display width in half-width columns (an Excel column unit): a CJK character is two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _short(text: str, limit: int = 22) -> str:
    """Cut a label to ``limit`` half-width columns (a CJK character counts two)."""
    if text_width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch) > limit - 2:
            break
        out += ch
    return out + "…"


def _band_colour(result: Result, rate: Decimal) -> str:
    bands = result.spec.grades.bands
    for index, (_name, minimum) in enumerate(bands):
        if rate * result.max >= minimum:
            return GRADE_COLOURS[min(index, len(GRADE_COLOURS) - 1)]
    return GRADE_COLOURS[-1]


def _frame(title: str, rows: int, body: list[str], axis: list[str], titled: bool = True) -> str:
    """The chart's SVG. Untitled (a page's heading right above says the same), the title is
    kept for screen readers and the band it would take is cut off the top by the viewBox."""
    top = 0 if titled else _TITLE_H
    height = _TOP + rows * _ROW_H + _BOTTOM - top
    shown = [f'<text x="0" y="18" font-size="15" font-weight="bold">{html_text(title)}</text>']
    return "\n".join(
        [
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
                f'viewBox="0 {top} {_WIDTH} {height}" role="img" aria-label="{html_text(title)}" '
                f'font-family="{html_text(FONT)}" font-size="13">'
            ),
            f"<title>{html_text(title)}</title>",
            *(shown if titled else []),
            *axis,
            *body,
            "</svg>",
        ]
    )


def _guides(result: Result, rows: int) -> list[str]:
    """Dashed lines at each grade band's edge (named above the bars), solid at 0% and 100%;
    the percentages under the axis."""
    bottom = _TOP + rows * _ROW_H
    out = []
    marks: dict[Decimal, str] = {Decimal(0): "", Decimal(1): ""}
    for name, minimum in result.spec.grades.bands:
        if minimum:
            marks[minimum / result.max] = name
    for share, name in sorted(marks.items()):
        x = _px(_LABEL_W + share * _BAR_W)
        dash = "" if share in (0, 1) else ' stroke-dasharray="4 3"'
        percent = format_number(share * 100, 0) + "%"
        out.append(
            f'<line x1="{x}" y1="{_TOP - 4}" x2="{x}" y2="{bottom}" stroke="#bdbdbd"{dash}/>'
        )
        out.append(
            f'<text x="{x}" y="{bottom + 16}" text-anchor="middle" font-size="11" '
            f'fill="#616161">{percent}</text>'
        )
        if name:
            out.append(
                f'<text x="{x}" y="{_TOP - 7}" text-anchor="middle" font-size="11" '
                f'fill="#616161">{html_text(name)}</text>'
            )
    return out


@dataclass(frozen=True)
class Bar:
    """One bar: ``share`` of the full length (0–1, cut to that; None: no bar, ``shown`` greyed),
    the text written after it, and the tooltip (default: label and text)."""

    label: str
    share: Decimal | None
    shown: str
    colour: str = GRADE_COLOURS[1]
    tip: str | None = None


def bar_chart(
    title: str, bars: Sequence[Bar], axis: Sequence[str] = (), *, titled: bool = True
) -> str:
    """A horizontal bar per item, the one chart shape of every jixiao page; ``titled=False``
    where the page's heading right above it is the title."""
    if not bars:
        return _frame(title, 1, [f'<text x="0" y="{_TOP + 19}">没有数据。</text>'], [], titled)
    body: list[str] = []
    for index, bar in enumerate(bars):
        y = _TOP + index * _ROW_H
        body.append(_label(bar.label, y))
        if bar.share is None:
            body.append(
                f'<text x="{_LABEL_W + 6}" y="{y + 19}" fill="{_NA}">{html_text(bar.shown)}</text>'
            )
            continue
        length = _px(min(max(bar.share, Decimal(0)), Decimal(1)) * _BAR_W)
        tip = bar.tip if bar.tip is not None else f"{bar.label}：{bar.shown}"
        body.append(
            f'<rect x="{_LABEL_W}" y="{y + 6}" width="{length}" height="{_ROW_H - 12}" '
            f'fill="{bar.colour}"><title>{html_text(tip)}</title></rect>'
        )
        body.append(f'<text x="{_LABEL_W + _BAR_W + 8}" y="{y + 19}">{html_text(bar.shown)}</text>')
    return _frame(title, len(bars), body, list(axis), titled)


def score_rate_chart(result: Result) -> str:
    """得分率 of each 一级指标: score ÷ applicable weight, one bar each."""
    places = result.spec.rounding.places
    bars = []
    for top in result.indicators:
        rate = top.score_rate
        if rate is None:
            bars.append(Bar(top.name, None, "不适用"))
            continue
        score = top.score or Decimal(0)
        bars.append(
            Bar(
                top.name,
                rate,
                f"{format_number(rate * 100, 2)}%（{format_number(score, places)}"
                f"/{format_number(top.applicable_weight)}）",
                _band_colour(result, rate),
                f"{top.name}：{format_number(score, 2)} / {format_number(top.applicable_weight)}",
            )
        )
    return bar_chart("一级指标得分率", bars, _guides(result, len(bars)))


def _label(name: str, y: int) -> str:
    return (
        f'<text x="{_LABEL_W - 8}" y="{y + 19}" text-anchor="end">{html_text(_short(name))}'
        f"<title>{html_text(name)}</title></text>"
    )


def biggest_losses(result: Result, limit: int | None = 8) -> list[IndicatorResult]:
    """Leaves that lost points, biggest loss first (ties in table order); None: all of them."""
    lost = [leaf for leaf in result.leaves() if leaf.score is not None and leaf.lost > 0]
    return sorted(lost, key=lambda leaf: -leaf.lost)[:limit]


def losses_chart(result: Result, limit: int = 8) -> str:
    """The biggest point losses: each bar is the points lost, against the largest loss shown."""
    losses = biggest_losses(result, limit)
    if not losses:
        body = [f'<text x="0" y="{_TOP + 19}">没有失分的指标。</text>']
        return _frame("失分最多的指标", 1, body, [])
    biggest = max(leaf.lost for leaf in losses)
    places = result.spec.rounding.places
    bars = [
        Bar(
            leaf.name,
            leaf.lost / biggest,
            f"扣 {format_number(leaf.lost, places)} / {format_number(leaf.weight)} 分",
            GRADE_COLOURS[3],
            leaf.explanation,
        )
        for leaf in losses
    ]
    return bar_chart("失分最多的指标", bars)


def count_chart(title: str, items: Sequence[tuple[str, int]], unit: str = "") -> str:
    """A bar per item, its length its count against the largest (e.g. the tables with each
    finding code in a folder review); the count written after the bar."""
    biggest = max((count for _label_text, count in items), default=0) or 1
    return bar_chart(
        title, [Bar(name, Decimal(count) / biggest, f"{count:,}{unit}") for name, count in items]
    )


def waterfall_chart(
    title: str,
    start: tuple[str, Decimal],
    steps: Sequence[tuple[str, Decimal]],
    end: tuple[str, Decimal],
    places: int = 2,
) -> str:
    """A waterfall: the starting total, each step's change as a bar from the running total (green
    up, red down), and the final total (e.g. 因素分析法: last year's total, each 一级指标's
    effect, this year's). The axis spans the running totals only, so small steps show."""
    running = [start[1]]
    for _name, change in steps:
        running.append(running[-1] + change)
    low = min(*running, end[1])
    high = max(*running, end[1])
    span = high - low or Decimal(1)
    low, high = low - span / 4, high + span / 4  # room either side of the bars

    def x(value: Decimal) -> Decimal:
        return _LABEL_W + (value - low) / (high - low) * _BAR_W

    body: list[str] = []
    # (name, change, is a total): a total's "change" is the total itself.
    rows = [(start[0], start[1], True), *((n, c, False) for n, c in steps), (end[0], end[1], True)]
    level = start[1]
    for index, (name, change, is_total) in enumerate(rows):
        y = _TOP + index * _ROW_H
        body.append(_label(name, y))
        if is_total:  # a grey bar from the axis's left end
            left, right, colour, text = low, change, _NA, format_number(change, places)
        else:
            left, right = sorted((level, level + change))
            colour = GRADE_COLOURS[0] if change >= 0 else GRADE_COLOURS[3]
            text = ("+" if change > 0 else "") + format_number(change, places)
            level += change
        width = max(x(right) - x(left), Decimal("1.5"))  # a zero step still shows as a line
        body.append(
            f'<rect x="{_px(x(left))}" y="{y + 6}" width="{_px(width)}" height="{_ROW_H - 12}" '
            f'fill="{colour}"><title>{html_text(name)}：{html_text(text)}</title></rect>'
        )
        body.append(f'<text x="{_LABEL_W + _BAR_W + 8}" y="{y + 19}">{html_text(text)}</text>')
    return _frame(title, len(rows), body, [])
