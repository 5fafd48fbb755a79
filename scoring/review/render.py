"""A review as text (one finding per line, ``cell: message [code]``), JSON or Markdown."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from tabulate import tabulate

from ..engine.result_json import dumps
from ..numbers.text import format_number
from .findings import Review

__all__ = ["RENDERERS", "left_out_line", "number_text"]


def number_text(value: Decimal | None) -> str:
    """A number as the reports show it, "—" for none."""
    return "—" if value is None else format_number(value)


def _summary(review: Review, tablefmt: str) -> str:
    """The stated total and grade beside the recomputed ones."""
    where = f"（{review.stated_total_cell}）" if review.stated_total_cell else ""
    recomputed = review.recomputed_total
    shown = "—" if recomputed is None else format_number(recomputed, 2)
    if review.partial and recomputed is not None:
        shown += "（部分）"
    rows = [
        ("总分", number_text(review.stated_total) + where, shown),
        ("等级", review.stated_grade or "—", review.recomputed_grade or "—"),
    ]
    headers = ["", "填报", "按规则重算"]
    return tabulate(rows, headers=headers, tablefmt=tablefmt, disable_numparse=True)


def left_out_line(review: Review) -> str:
    """Which rows the recomputed total leaves out, in one sentence (empty when none)."""
    if not review.partial:
        return ""
    rows = "、".join(
        f"{row['name']}（{row['cell']}，{row['code']}）" for row in review.rows_not_recomputed
    )
    return f"按规则重算未含 {len(review.rows_not_recomputed)} 行（无法重算）：{rows}"


def render_table(review: Review) -> str:
    lines = [f"复核：{review.source}（满分 {format_number(review.max)}）", ""]
    lines += [_summary(review, "simple"), ""]
    if review.partial:
        lines += [left_out_line(review), ""]
    if review.findings:
        lines.append(f"发现 {len(review.findings)} 项问题：")
        lines += [f"  {finding}" for finding in review.findings]
    else:
        lines.append("未发现问题。")
    if review.notices:
        lines.append("")
        lines.append("导入说明：")
        lines += [f"  - {notice}" for notice in review.notices]
    return "\n".join(lines) + "\n"


def render_json(review: Review) -> str:
    return dumps(review.to_dict()) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(review: Review) -> str:
    out = [f"# 复核：{_cell(review.source)}", "", _summary(review, "pipe")]
    if review.partial:
        out += ["", _cell(left_out_line(review))]
    out += ["", f"## 发现的问题（{len(review.findings)}）", ""]
    if review.findings:
        rows = [[f"`{f.code}`", f.cell, _cell(f.message)] for f in review.findings]
        out.append(
            tabulate(
                rows, headers=["代码", "单元格", "说明"], tablefmt="pipe", disable_numparse=True
            )
        )
    else:
        out.append("未发现问题。")
    if review.notices:
        out += ["", "## 导入说明", ""]
        out += [f"- {n.cell}：{_cell(n.message)}" for n in review.notices]
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[[Review], str]] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
}
