"""A comparison (``methods.comparison``) as text for the terminal, an HTML page, or JSON data.

The three share the tables built here: the indicators by year, each decomposition, the peer
standings. The HTML page adds a waterfall chart for each decomposition (``charts``) and is
framed by ``page``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tabulate import tabulate

from ..engine.result import IndicatorResult
from ..methods.comparison import Comparison, PeerGroup
from ..methods.cost import SHOWN_PLACES
from ..methods.factors import Decomposition, shown_parts
from ..methods.peers import shown_rank
from ..numbers.limits import CTX
from ..numbers.text import format_number
from ..writing.channels import html_text
from .charts import waterfall_chart
from .page import data_table, page

__all__ = ["render_html", "render_text", "to_dict"]

Table = tuple[list[str], list[list[str]], list[str]]  # head, rows, each row's level class

PEER_NOTE = "百分位 = 得分更低的同类项目占比，同分的算一半；标杆项目 = 得分最高者，同分取总分高者"
FACTOR_NOTE = "各项之和等于总分变化；不适用折算 = 适用分值变化使总分折算系数改变的影响"


def _score(value: Decimal | None, places: int) -> str:
    return "不适用" if value is None else format_number(value, places)


def signed(value: Decimal, places: int) -> str:
    """A change as shown: +0.20, -1.19, 0.00."""
    text = format_number(value, places)
    return text if text.startswith("-") or not value else "+" + text


def _trend(before: Decimal | None, after: Decimal | None) -> str:
    if before is None or after is None:
        return ""
    return "↑" if after > before else "↓" if after < before else "→"


def title(c: Comparison) -> str:
    name = str(c.years[-1][1].project.get("name") or "")
    if len(c.years) == 1:
        return f"比较法：{name} {c.years[0][0]} 年与同类项目"
    return f"比较法：{name} {c.years[0][0]}–{c.years[-1][0]} 年"


def year_table(c: Comparison) -> Table:
    """Each leaf's actual value and score by year, the change first → last, the trend."""
    first, last = c.years[0][1], c.years[-1][1]
    places = last.spec.rounding.places
    found: dict[str, dict[str, IndicatorResult]] = {}
    for year, result in c.years:
        for leaf in result.leaves():
            found.setdefault(leaf.id, {})[year] = leaf
    head = ["指标"]
    for year, _ in c.years:
        head += [f"{year} 实际", f"{year} 得分"]
    head += ["得分变化", "趋势"]
    rows = []
    for by_year in found.values():
        row = [next(iter(by_year.values())).name]
        scores: list[Decimal | None] = []
        for year, _ in c.years:
            that_year = by_year.get(year)
            if that_year is None:
                row += ["—", "—"]
                scores.append(None)
            else:
                row += [that_year.actual_text or "—", _score(that_year.score, places)]
                scores.append(that_year.score)
        first_score, last_score = scores[0], scores[-1]
        change = (
            "—"
            if first_score is None or last_score is None
            else format_number(last_score - first_score, places)
        )
        rows.append([*row, change, _trend(first_score, last_score)])
    total_row, grade_row = ["总分"], ["等级"]
    for _, result in c.years:
        total_row += ["", format_number(result.total, places)]
        grade_row += ["", result.grade]
    total_row += [format_number(last.total - first.total, places), _trend(first.total, last.total)]
    rows += [total_row, [*grade_row, "", ""]]
    return head, rows, [""] * (len(rows) - 2) + ["level1", "level1"]


COST_NOTE = "成本效益分析法：每单位产出的支出，越低越好；变化为末年相对首年的增减幅度"


def _cost(value: Decimal | None) -> str:
    return "—" if value is None else format_number(value, SHOWN_PLACES)


def cost_year_table(c: Comparison) -> Table | None:
    """Each cost measure by year, the change first → last (a share) and its trend; None when the
    spec declares no measure."""
    years = c.costs
    if not years or not years[-1][1]:
        return None
    head = ["成本效益", *(year for year, _ in years), "变化", "趋势"]
    rows = []
    for index, line in enumerate(years[-1][1]):
        values = [lines[index].value if index < len(lines) else None for _, lines in years]
        first, last = values[0], values[-1]
        change = (
            signed(CTX.divide(last - first, first) * 100, 2) + "%"
            if first is not None and last is not None and first
            else "—"
        )
        label = f"{line.measure.label}（{line.measure.unit}）"
        rows.append([label, *(_cost(v) for v in values), change, _trend(first, last)])
    return head, rows, [""] * len(rows)


def cost_peer_table(g: PeerGroup) -> Table | None:
    """最低成本法: each measure's value, the peers' median and lowest, and who has the lowest."""
    if not g.costs:
        return None
    head = ["成本效益", "本项目", "同类中位数", "最低", "最低成本项目", "更低的同类项目"]
    rows = [
        [
            f"{cost.measure.label}（{cost.measure.unit}）",
            _cost(cost.value),
            _cost(cost.median),
            _cost(cost.lowest),
            cost.lowest_peer or "—",
            f"{cost.cheaper} / {cost.peers}" if cost.value is not None else "—",
        ]
        for cost in g.costs
    ]
    return head, rows, [""] * len(rows)


def factor_heading(before: str, after: str, d: Decomposition) -> str:
    places = d.places
    return (
        f"因素分析法：总分 {format_number(d.before_total, places)}（{before}）→ "
        f"{format_number(d.after_total, places)}（{after}），变化 {signed(d.change, places)}"
    )


def factor_table(d: Decomposition) -> Table:
    """Every indicator that moved (and every 一级指标), then the rescaling, the rounding and the
    sum, at the shown places (they add up: ``factors.shown_parts``)."""
    shown = shown_parts(d)
    places = d.places
    rows, levels = [], []
    for top in d.parts:
        for part in top.walk():
            total = shown[(part.id, "total")]
            if part.level > 1 and not total and not part.weight_effect and not part.rate_effect:
                continue  # did not move: left out below the 一级指标
            rows.append(
                [
                    "· " * (part.level - 1) + part.name,  # tabulate strips leading spaces
                    signed(shown[(part.id, "weight")], places),
                    signed(shown[(part.id, "rate")], places),
                    signed(total, places),
                ]
            )
            levels.append(f"level{part.level}")
    for label in ("不适用折算", "四舍五入"):
        if shown[(label, "total")]:
            rows.append([label, "", "", signed(shown[(label, "total")], places)])
            levels.append("")
    rows.append(["合计", "", "", signed(d.change, places)])
    levels.append("level1")
    return ["指标", "权重变化", "得分率变化", "影响"], rows, levels


def factor_steps(d: Decomposition) -> list[tuple[str, Decimal]]:
    """Each 一级指标's effect, then the rescaling and the rounding where they are not zero."""
    shown = shown_parts(d)
    steps = [(top.name, shown[(top.id, "total")]) for top in d.parts]
    return steps + [
        (k, shown[(k, "total")]) for k in ("不适用折算", "四舍五入") if shown[(k, "total")]
    ]


def factor_chart(before: str, after: str, d: Decomposition) -> str:
    return waterfall_chart(
        f"总分变化的因素分解（{before} → {after}）",
        (before, d.before_total),
        factor_steps(d),
        (after, d.after_total),
        d.places,
    )


def peer_heading(g: PeerGroup) -> list[str]:
    lines = [
        f"比较法（同类项目）：{'、'.join(g.inputs)} 中 {len(g.peers)} 个项目"
        + (f"；另 {len(g.failed)} 个记录无法计分，未计入" if g.failed else "")
    ]
    if g.failed:
        shown = "、".join(f"{rid}（{src}）" for rid, src in g.failed[:10])
        more = f" 等 {len(g.failed)} 个" if len(g.failed) > 10 else ""
        lines.append(f"未计入：{shown}{more}（用 jixiao batch 查看各自的错误）")
    if not g.peers:
        lines.append("没有可比较的同类项目")
    return lines


def peer_table(g: PeerGroup) -> Table:
    places = g.project.spec.rounding.places
    rows, levels = [], []
    for line in g.lines:
        benchmark = line.benchmark or ""
        if line.tied_best:
            benchmark += f" 等 {line.tied_best + 1} 个"
        rows.append(
            [
                ("· " if line.level > 1 else "") + line.name,  # 总分, 一级指标, leaves
                _score(line.score, places),
                shown_rank(line.rank),
                "" if line.median is None else format_number(line.median, places),
                "" if line.best is None else format_number(line.best, places),
                benchmark,
            ]
        )
        levels.append("level1" if line.level <= 1 else "")
    return ["指标", "本项目", "百分位", "中位数", "最高", "标杆项目"], rows, levels


def _text_table(table: Table) -> str:
    head, rows, _ = table
    return tabulate(rows, headers=head, disable_numparse=True)


def _factor_text(before: str, after: str, d: Decomposition) -> str:
    return f"{factor_heading(before, after, d)}\n{_text_table(factor_table(d))}\n（{FACTOR_NOTE}）"


def render_text(c: Comparison) -> str:
    blocks: list[str] = []
    if len(c.years) > 1:
        blocks.append(f"{title(c)}\n\n{_text_table(year_table(c))}")
        costs = cost_year_table(c)
        if costs is not None:
            blocks.append(f"{_text_table(costs)}\n（{COST_NOTE}）")
        blocks += [_factor_text(before, after, d) for before, after, d in c.pairs]
    g = c.peers
    if g is not None:
        text = "\n".join(peer_heading(g))
        if g.peers:
            text += f"\n{_text_table(peer_table(g))}\n（{PEER_NOTE}）"
        blocks.append(text)
        costs = cost_peer_table(g)
        if costs is not None:
            blocks.append(f"最低成本法：\n{_text_table(costs)}")
        if g.middle is not None and g.versus_middle is not None:
            blocks.append(_factor_text(f"中位项目 {g.middle.id}", "本项目", g.versus_middle))
    return "\n\n".join(blocks) + "\n"


def _html_table(table: Table, text_columns: int = 1) -> str:
    """Figures right-aligned: every column but the name, and the last ``text_columns - 1``."""
    head, rows, levels = table
    numeric = range(1, len(head) - (text_columns - 1))
    return data_table(head, rows, numeric=numeric, row_classes=levels)


def _factor_html(before: str, after: str, d: Decomposition, *notes: str) -> list[str]:
    return [
        f"<h2>{html_text(factor_heading(before, after, d))}</h2>",
        f'<div class="charts">{factor_chart(before, after, d)}</div>',
        _html_table(factor_table(d)),
        *notes,
    ]


def render_html(c: Comparison) -> str:
    body: list[str] = []
    if len(c.years) > 1:
        body += ["<h2>逐年比较</h2>", _html_table(year_table(c))]
        costs = cost_year_table(c)
        if costs is not None:
            body += [
                "<h2>成本效益分析法</h2>",
                _html_table(costs),
                f'<p class="note">{html_text(COST_NOTE)}</p>',
            ]
        for before, after, d in c.pairs:
            body += _factor_html(before, after, d, f'<p class="note">{html_text(FACTOR_NOTE)}</p>')
    g = c.peers
    if g is not None:
        body.append("<h2>与同类项目比较（标杆管理）</h2>")
        body += [f"<p>{html_text(line)}</p>" for line in peer_heading(g)]
        if g.peers:
            body += [
                _html_table(peer_table(g), text_columns=2),  # and the benchmark's id
                f'<p class="note">{html_text(PEER_NOTE)}</p>',
            ]
        costs = cost_peer_table(g)
        if costs is not None:
            body += ["<h2>最低成本法</h2>", _html_table(costs, text_columns=3)]
        if g.middle is not None and g.versus_middle is not None:
            body += _factor_html(f"中位项目 {g.middle.id}", "本项目", g.versus_middle)
    return page(title(c), body)


def _factors_dict(before: str, after: str, d: Decomposition) -> dict[str, Any]:
    shown = shown_parts(d)
    return {
        "from": before,
        "to": after,
        "change": d.change,
        "parts": [
            {
                "id": part.id,
                "name": part.name,
                "level": part.level,
                "weight_effect": shown[(part.id, "weight")],
                "rate_effect": shown[(part.id, "rate")],
                "total": shown[(part.id, "total")],
            }
            for top in d.parts
            for part in top.walk()
        ],
        "rescale": shown[("不适用折算", "total")],
        "rounding": shown[("四舍五入", "total")],
    }


def to_dict(c: Comparison) -> dict[str, Any]:
    """The comparison as JSON-ready data (decimals as strings of their digits)."""
    out: dict[str, Any] = {
        "years": [
            {
                "year": year,
                "total": str(result.total),
                "grade": result.grade,
                "indicators": {
                    leaf.id: {
                        "actual": leaf.actual_text or None,
                        "score": None if leaf.score is None else str(leaf.score),
                    }
                    for leaf in result.leaves()
                },
            }
            for year, result in c.years
        ],
        "factors": [_factors_dict(a, b, d) for a, b, d in c.pairs],
        "cost_effectiveness": [
            {
                "year": year,
                "measures": {
                    line.measure.id: {
                        "unit": line.measure.unit,
                        "value": None if line.value is None else _cost(line.value),
                        "reason": line.reason or None,
                    }
                    for line in lines
                },
            }
            for year, lines in c.costs
        ],
    }
    g = c.peers
    if g is not None:
        out["peers"] = {
            "inputs": list(g.inputs),
            "count": len(g.peers),
            "failed": [{"id": rid, "source": src} for rid, src in g.failed],
            "lines": [
                {
                    "id": line.id,
                    "name": line.name,
                    "level": line.level,
                    "score": line.score,
                    "percentile_rank": None if line.rank is None else shown_rank(line.rank),
                    "peers": line.peers,
                    "median": line.median,
                    "best": line.best,
                    "benchmark": line.benchmark,
                    "tied_best": line.tied_best,
                }
                for line in g.lines
            ],
            "median_project": None if g.middle is None else g.middle.id,
            "cost_effectiveness": [
                {
                    "id": cost.measure.id,
                    "unit": cost.measure.unit,
                    "value": None if cost.value is None else _cost(cost.value),
                    "median": None if cost.median is None else _cost(cost.median),
                    "lowest": None if cost.lowest is None else _cost(cost.lowest),
                    "lowest_project": cost.lowest_peer,
                    "cheaper_peers": cost.cheaper,
                    "peers": cost.peers,
                }
                for cost in g.costs
            ],
        }
        if g.versus_middle is not None:
            out["peers"]["versus_median"] = _factors_dict("中位项目", "本项目", g.versus_middle)
    return out


def render_xlsx(c: Comparison) -> bytes:
    """The comparison's tables as a workbook, one sheet each (逐年比较, 成本效益, each
    decomposition, 同类比较, 最低成本法): figures as numbers with two places, text neutralised."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..writing.channels import put_xlsx_value
    from ..writing.files import CREATOR

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    book.properties.creator = CREATOR

    def sheet(name: str, table: Table | None) -> None:
        if table is None:
            return
        head, rows, levels = table
        ws = book.create_sheet(name[:31])
        ws.append(head)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row, level in zip(rows, levels, strict=True):
            ws.append([_cell_value(text) for text in row])
            if level == "level1":
                for cell in ws[ws.max_row]:
                    cell.font = Font(bold=True)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                put_xlsx_value(cell, cell.value)  # text never a formula, as every writer does
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0.00##"
        ws.column_dimensions["A"].width = 28
        for letter in "BCDEFGHIJ"[: len(head) - 1]:
            ws.column_dimensions[letter].width = 14
        ws.freeze_panes = "B2"

    if len(c.years) > 1:
        sheet("逐年比较", year_table(c))
        sheet("成本效益", cost_year_table(c))
        for before, after, d in c.pairs:
            sheet(f"因素分析 {before}-{after}", factor_table(d))
    g = c.peers
    if g is not None:
        sheet("同类比较", peer_table(g) if g.peers else None)
        sheet("最低成本法", cost_peer_table(g))
        if g.versus_middle is not None:
            sheet("因素分析 中位项目", factor_table(g.versus_middle))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_value(text: str) -> Decimal | str:
    """A shown figure ("95.40", "+0.20", "30.10%") as a number, anything else as its text."""
    plain = text.replace("+", "", 1) if text.startswith("+") else text
    try:
        return Decimal(plain) if plain and plain[-1].isdigit() else text
    except ArithmeticError:
        return text
