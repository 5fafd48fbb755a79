"""The what-if over a population (``jixiao diff SPEC_A SPEC_B INPUT``) as text, JSON and a page.

In ``batch``, beside the batch summary's own page (``summary_html``): a report of batch results
may draw on ``report``, which may not import ``batch`` (docs/architecture.md).

Three views of one ``PopulationDiff``: ``render_text`` for the terminal (Chinese first, tables
by tabulate), ``to_dict`` for tools (numbers as exact decimal strings) and ``render_html``, a page
in the shared frame (``report.page``) with three inline SVG charts drawn with the report charts'
own parts (``report.charts``): the grade-transition heatmap, each 一级指标's change as a box
(quartiles, extremes, mean) on an axis through zero, and the projects that move most
(``bar_chart``). Every record that failed is listed in each view with its located error(s): a
failure is never dropped to keep a page short.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tabulate import tabulate

from ..errors import ScoringError
from ..numbers.text import format_number
from ..report.charts import _BAR_W, _LABEL_W, _ROW_H, _TOP, Bar, _frame, _label, _px, bar_chart
from ..report.charts import GRADE_COLOURS as _COLOURS
from ..report.comparison import signed
from ..report.page import data_table, page
from ..spec.compiled import Spec
from ..writing.channels import html_text
from .population_diff import TOTAL, Failure, PopulationDiff, Spread

__all__ = ["render_html", "render_text", "to_dict"]

SPREAD_HEAD = (
    "变化（B − A）",
    "项目数",
    "平均",
    "标准差",
    "最小",
    "下四分位",
    "中位数",
    "上四分位",
    "最大",
)
MOVER_HEAD = ("项目", "名称", "总分 A", "总分 B", "变化", "等级 A", "等级 B")
SPREAD_NOTE = (
    "变化为 B 的得分减 A 的得分，只计两版都能评分、且该指标在两版都适用的项目；"
    "标准差为总体标准差（除以项目数）；四分位为最近秩，均为实际出现过的变化。"
)


def _places(d: PopulationDiff) -> int:
    return max(d.spec_a.rounding.places, d.spec_b.rounding.places)


def _spec_line(label: str, spec: Spec) -> str:
    return f"{label}: {spec.name} ({spec.id} v{spec.version})"


def _counts_line(d: PopulationDiff, inputs: Sequence[str]) -> str:
    failed = len(d.failures)
    text = f"输入: {'、'.join(inputs)}（{d.records:,} 条记录，两版均已评分 {d.scored:,} 条"
    return text + (f"，出错 {failed:,} 条）" if failed else "）")


def _grades_line(d: PopulationDiff) -> str:
    up, down, same = d.grade_moves()
    changed = up + down
    if not d.scored:
        return "等级变化：没有两版都能评分的项目"
    return f"等级变化：{changed:,} 个项目等级改变（升 {up:,}，降 {down:,}），{same:,} 个不变"


def transition_rows(d: PopulationDiff) -> tuple[list[str], list[list[str]]]:
    """The grade-transition table: A's grades down, B's across, the count in each cell."""
    names_a, names_b = d.grade_names()
    head = ["A ＼ B", *names_b, "合计"]
    rows = []
    for grade_a in names_a:
        counts = [d.transitions.get((grade_a, grade_b), 0) for grade_b in names_b]
        rows.append([grade_a, *(f"{n:,}" for n in counts), f"{sum(counts):,}"])
    totals = [sum(d.transitions.get((a, b), 0) for a in names_a) for b in names_b]
    rows.append(["合计", *(f"{n:,}" for n in totals), f"{sum(totals):,}"])
    return head, rows


def _mean(value: Decimal | None, places: int) -> str:
    """A mean or spread shown two places finer than the scores (rounded half-up)."""
    if value is None:
        return "—"
    shown = value.quantize(Decimal(1).scaleb(-(places + 2)), rounding=ROUND_HALF_UP)
    return signed(shown, places + 2) if shown else format_number(shown, places + 2)


def _change(value: Decimal | None, places: int) -> str:
    return "—" if value is None else signed(value, places)


def spread_rows(d: PopulationDiff) -> list[list[str]]:
    places = _places(d)
    rows = []
    for s in d.spreads():
        quartiles: Sequence[Decimal | None] = s.quartiles or (None, None, None)
        std = "—" if s.std is None else _mean(s.std, places).lstrip("+")
        rows.append(
            [
                s.name,
                f"{s.count:,}",
                _mean(s.mean, places),
                std,
                _change(s.minimum, places),
                *(_change(q, places) for q in quartiles),
                _change(s.maximum, places),
            ]
        )
    return rows


def mover_rows(d: PopulationDiff) -> list[list[str]]:
    places = _places(d)
    return [
        [
            m.id,
            m.name,
            format_number(m.total_a, places),
            format_number(m.total_b, places),
            signed(m.change, places),
            m.grade_a,
            m.grade_b,
        ]
        for m in d.movers()
    ]


def failure_lines(failure: Failure) -> list[str]:
    """A failed record: where it is, then each spec's error (once when both are the same)."""
    out = [f"{failure.id}（{failure.source}）"]
    for label, error in _errors(failure):
        out += [f"  {label}: {line}" for line in str(error).splitlines()]
    return out


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return tabulate(rows, headers=list(head), tablefmt="simple", disable_numparse=True)


def render_text(d: PopulationDiff, inputs: Sequence[str]) -> str:
    out = [_spec_line("A", d.spec_a), _spec_line("B", d.spec_b), _counts_line(d, inputs), ""]
    out.append(_grades_line(d))
    if d.scored:
        out += [_table(*transition_rows(d)), "", _table(SPREAD_HEAD, spread_rows(d))]
        movers = mover_rows(d)
        if movers:
            out += ["", f"变化最大的 {len(movers)} 个项目", _table(MOVER_HEAD, movers)]
    if d.failures:
        out += ["", f"出错的记录（{len(d.failures):,} 条，两版各自的错误）"]
        for failure in d.failures:
            out += failure_lines(failure)
    return "\n".join(out) + "\n"


# ---- JSON ---------------------------------------------------------------------------------------
def _spec_dict(spec: Spec) -> dict[str, str]:
    return {"id": spec.id, "name": spec.name, "version": spec.version, "file": spec.file}


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format_number(value)


def _spread_dict(s: Spread, places: int) -> dict[str, Any]:
    fine = Decimal(1).scaleb(-(places + 4))  # a mean or spread: four places finer than a score
    quartiles = s.quartiles or (None, None, None)
    return {
        "id": None if s.key == TOTAL else s.key,
        "name": s.name,
        "count": s.count,
        "mean": None if s.mean is None else format_number(s.mean.quantize(fine, ROUND_HALF_UP)),
        "std": None if s.std is None else format_number(s.std.quantize(fine, ROUND_HALF_UP)),
        "min": _decimal(s.minimum),
        "lower_quartile": _decimal(quartiles[0]),
        "median": _decimal(quartiles[1]),
        "upper_quartile": _decimal(quartiles[2]),
        "max": _decimal(s.maximum),
    }


def _error_list(error: ScoringError | None) -> list[dict[str, Any]] | None:
    if error is None:
        return None
    return [
        {
            "file": p.file,
            "line": p.line,
            "column": p.column,
            "path": p.path,
            "message": p.message,
            "code": p.code,
            "text": str(p),
        }
        for p in error.problems
    ]


def to_dict(d: PopulationDiff, inputs: Sequence[str]) -> dict[str, Any]:
    names_a, names_b = d.grade_names()
    up, down, same = d.grade_moves()
    places = _places(d)
    return {
        "a": _spec_dict(d.spec_a),
        "b": _spec_dict(d.spec_b),
        "inputs": list(inputs),
        "records": d.records,
        "scored": d.scored,
        "failed": len(d.failures),
        "grades": {
            "a": list(names_a),
            "b": list(names_b),
            "changed": up + down,
            "up": up,
            "down": down,
            "unchanged": same,
            "transitions": [
                {"a": a, "b": b, "count": d.transitions.get((a, b), 0)}
                for a in names_a
                for b in names_b
            ],
        },
        "changes": [_spread_dict(s, places) for s in d.spreads()],
        "movers": [
            {
                "id": m.id,
                "name": m.name,
                "source": m.source,
                "total_a": format_number(m.total_a),
                "total_b": format_number(m.total_b),
                "change": format_number(m.change),
                "grade_a": m.grade_a,
                "grade_b": m.grade_b,
            }
            for m in d.movers()
        ],
        "failures": [
            {
                "id": f.id,
                "source": f.source,
                "a": _error_list(f.error_a),
                "b": _error_list(f.error_b),
            }
            for f in d.failures
        ],
    }


# ---- HTML ---------------------------------------------------------------------------------------
_HEAT_W = 90  # a cell of the grade-transition heatmap


def transition_chart(d: PopulationDiff) -> str:
    """The grade-transition heatmap: a cell per (A's grade, B's grade), darker the more projects
    in it; blue where the grade stays, green where it rises, red where it falls."""
    names_a, names_b = d.grade_names()
    most = max(d.transitions.values(), default=0) or 1
    body: list[str] = []
    for column, grade_b in enumerate(names_b):
        x = _LABEL_W + column * _HEAT_W + _HEAT_W // 2
        body.append(
            f'<text x="{x}" y="{_TOP + 19}" text-anchor="middle">B：{html_text(grade_b)}</text>'
        )
    for row, grade_a in enumerate(names_a, 1):
        y = _TOP + row * _ROW_H
        body.append(_label(f"A：{grade_a}", y))
        for column, grade_b in enumerate(names_b):
            count = d.transitions.get((grade_a, grade_b), 0)
            rank_a = names_a.index(grade_a)
            colour = _COLOURS[1] if column == rank_a else _COLOURS[0 if column < rank_a else 3]
            shade = _px(Decimal("0.08") + Decimal("0.92") * count / most) if count else "0"
            x = _LABEL_W + column * _HEAT_W
            ink = "#ffffff" if count * 2 > most else "#212121"
            tip = f"A {grade_a} → B {grade_b}：{count:,} 个项目"
            body.append(
                f'<rect x="{x}" y="{y + 2}" width="{_HEAT_W - 4}" height="{_ROW_H - 4}" '
                f'fill="{colour}" fill-opacity="{shade}" stroke="#bdbdbd">'
                f"<title>{html_text(tip)}</title></rect>"
            )
            body.append(
                f'<text x="{x + _HEAT_W // 2 - 2}" y="{y + 19}" text-anchor="middle" '
                f'fill="{ink}">{count:,}</text>'
            )
    return _frame("等级变化（A → B）", len(names_a) + 1, body, [])


def _scale(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    """An axis around zero from ``low`` to ``high``, with room either side."""
    low, high = min(low, Decimal(0)), max(high, Decimal(0))
    span = high - low or Decimal(1)
    return low - span / 20, high + span / 20


def _zero_line(x: str, rows: int) -> str:
    bottom = _TOP + rows * _ROW_H
    return f'<line x1="{x}" y1="{_TOP - 4}" x2="{x}" y2="{bottom}" stroke="#9e9e9e"/>'


def spread_chart(d: PopulationDiff) -> str:
    """Each 一级指标's change and the total's: a line from the smallest to the largest change, a box
    over the middle half (quartiles), a tick at the median and a dot at the mean."""
    spreads = [s for s in d.spreads() if s.count]
    places = _places(d)
    if not spreads:
        return _frame(
            "各一级指标得分变化的分布", 1, [f'<text x="0" y="{_TOP + 19}">没有数据。</text>'], []
        )
    low, high = _scale(
        min(s.minimum for s in spreads if s.minimum is not None),
        max(s.maximum for s in spreads if s.maximum is not None),
    )

    def x(value: Decimal) -> str:
        return _px(_LABEL_W + (value - low) / (high - low) * _BAR_W)

    body = [_zero_line(x(Decimal(0)), len(spreads))]
    for index, s in enumerate(spreads):
        assert s.minimum is not None
        assert s.maximum is not None
        assert s.quartiles is not None
        assert s.mean is not None
        y = _TOP + index * _ROW_H
        middle = y + _ROW_H // 2
        q1, median, q3 = s.quartiles
        tip = (
            f"{s.name}：平均 {_mean(s.mean, places)}，最小 {_change(s.minimum, places)}，"
            f"中位数 {_change(median, places)}，最大 {_change(s.maximum, places)}"
        )
        body.append(_label(s.name, y))
        body.append(
            f'<line x1="{x(s.minimum)}" y1="{middle}" x2="{x(s.maximum)}" y2="{middle}" '
            f'stroke="{_COLOURS[1]}"/>'
        )
        box_left = Decimal(x(q1))
        box_width = max(Decimal(x(q3)) - box_left, Decimal("1.5"))
        body.append(
            f'<rect x="{_px(box_left)}" y="{y + 7}" width="{_px(box_width)}" '
            f'height="{_ROW_H - 14}" fill="{_COLOURS[1]}" fill-opacity="0.35" '
            f'stroke="{_COLOURS[1]}"><title>{html_text(tip)}</title></rect>'
        )
        body.append(
            f'<line x1="{x(median)}" y1="{y + 5}" x2="{x(median)}" y2="{y + _ROW_H - 5}" '
            f'stroke="{_COLOURS[1]}" stroke-width="2"/>'
        )
        body.append(f'<circle cx="{x(s.mean)}" cy="{middle}" r="3" fill="#212121"/>')
        text = f"平均 {_mean(s.mean, places)}"
        body.append(f'<text x="{_LABEL_W + _BAR_W + 8}" y="{y + 19}">{html_text(text)}</text>')
    return _frame("各一级指标得分变化的分布（B − A）", len(spreads), body, [])


def movers_chart(d: PopulationDiff) -> str:
    """The projects that move most: each bar the size of its change of total against the
    largest, green up, red down."""
    movers = d.movers()
    places = _places(d)
    biggest = max((abs(m.change) for m in movers), default=Decimal(0)) or Decimal(1)
    bars = [
        Bar(
            m.id if m.name == m.id else f"{m.id} {m.name}",
            abs(m.change) / biggest,
            f"{signed(m.change, places)}（{m.grade_a} → {m.grade_b}）",
            _COLOURS[0] if m.change >= 0 else _COLOURS[3],
        )
        for m in movers
    ]
    return bar_chart("总分变化最大的项目", bars)


def render_html(d: PopulationDiff, inputs: Sequence[str]) -> str:
    body = [
        f"<p>{html_text(_spec_line('A', d.spec_a))}<br>{html_text(_spec_line('B', d.spec_b))}</p>",
        f"<p>{html_text(_counts_line(d, inputs))}</p>",
        "<h2>等级变化</h2>",
        f"<p>{html_text(_grades_line(d))}</p>",
    ]
    if d.scored:
        head, rows = transition_rows(d)
        body += [
            f'<div class="charts">{transition_chart(d)}</div>',
            data_table(head, rows, numeric=range(1, len(head))),
            "<h2>各一级指标与总分的变化</h2>",
            f'<div class="charts">{spread_chart(d)}</div>',
            data_table(SPREAD_HEAD, spread_rows(d), numeric=range(1, len(SPREAD_HEAD))),
            f'<p class="note">{html_text(SPREAD_NOTE)}</p>',
        ]
        movers = mover_rows(d)
        if movers:
            body += [
                f"<h2>变化最大的 {len(movers)} 个项目</h2>",
                f'<div class="charts">{movers_chart(d)}</div>',
                data_table(MOVER_HEAD, movers, numeric=(2, 3, 4)),
            ]
    if d.failures:
        rows = [
            [f.id, f.source, label, str(error)] for f in d.failures for label, error in _errors(f)
        ]
        body += [
            f"<h2>出错的记录（{len(d.failures):,} 条）</h2>",
            data_table(("项目", "位置", "指标体系", "错误"), rows),
        ]
    return page("权重调整的影响（全部项目）", body)


def _errors(f: Failure) -> list[tuple[str, ScoringError]]:
    """Each spec's error, labelled; once when both are the same."""
    a, b = f.error_a, f.error_b
    if a is not None and b is not None and str(a) == str(b):
        return [("A、B", a)]
    return [(label, e) for label, e in (("A", a), ("B", b)) if e is not None]
