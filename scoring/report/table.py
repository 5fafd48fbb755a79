"""Plain-text 自评表 for the terminal: header, indicator block, total and grade, warnings.

Text from the inputs is made harmless for a terminal (``channels.terminal``: escape sequences
and bidi overrides shown as escapes, not run) cell by cell before the layout, so that column
widths are those of what is printed, and the whole text once more at the end. The wrapped
deviation column shows at most ``CELL_LIMIT`` characters of a cell, with a note of how long it is:
tabulate's wrapping of CJK text costs time quadratic in a cell's length (a 160,000-character
reason took 21 s), and a terminal page of one reason is no use; the full text is in every other
format. The column is wrapped here (``_wrapped``), not by tabulate's ``maxcolwidths``: tabulate
0.10 parses the cells of a wrapped column as numbers whatever ``disable_numparse`` says
(python-tabulate#428), so a reason written "1,000" stopped ``jixiao score`` with a ValueError
and one written "False" printed as True.
"""

from __future__ import annotations

import re

from tabulate import tabulate
from wcwidth import wcswidth

from ..engine.result import Result
from ..tabular.result_rows import (
    headers,
    level_summary,
    next_grade_line,
    project_lines,
    table_rows,
    total_line,
)
from ..writing.channels import terminal

__all__ = ["CELL_LIMIT", "render"]

CELL_LIMIT = 1000  # characters of a wrapped cell shown (about 70 lines of the 30-wide column)
WRAP = 30  # columns of the deviation column


def _shown(text: str) -> str:
    if len(text) > CELL_LIMIT:
        text = text[:CELL_LIMIT] + f"…（共 {len(text):,} 字，全文见 --format json、csv 或 xlsx）"
    return _wrapped(text)


def _width(text: str) -> int:
    return max(wcswidth(text), 0)  # a character wcwidth cannot place: as wide as nothing


def _wrapped(cell: str, width: int = WRAP) -> str:
    """``cell`` in lines of at most ``width`` columns, as textwrap fills them but counting
    columns (two for a Chinese character): a word that fits on a line is not split, a longer one
    (a Chinese sentence is one word) fills the line it starts on; no spaces at a line's start
    or end, no blank lines."""
    lines: list[str] = []
    for paragraph in cell.splitlines():
        line, used = "", 0
        for word in re.findall(r"\S+|\s+", paragraph):
            size = _width(word)
            if word.isspace():
                if line:
                    line, used = line + word, used + size
                continue
            if used + size > width and size <= width and line.strip():
                lines.append(line.rstrip())  # a word that fits a line starts the next one
                line, used = "", 0
            for char in word if size > width - used else (word,):  # a longer one fills this
                step = _width(char)
                if used + step > width and line:
                    lines.append(line.rstrip())
                    line, used = "", 0
                line, used = line + char, used + step
        if line.strip():
            lines.append(line.rstrip())
    return "\n".join(lines)


def render(result: Result) -> str:
    lines = [f"{result.spec.name} — 绩效自评表", ""]
    lines += [f"{label}：{value}" for label, value in project_lines(result)]
    lines.append("")
    rows = [[terminal(cell) for cell in row] for row in table_rows(result)]
    for row in rows:
        row[-1] = _shown(row[-1])
    lines.append(
        tabulate(
            rows,
            headers=headers(result),
            tablefmt="simple_grid",
            disable_numparse=True,
        )
    )
    lines.append("")
    lines.append(
        tabulate(
            [[terminal(cell) for cell in row] for row in level_summary(result)],
            headers=["一级指标", "分值", "得分", "得分率"],
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    lines.append("")
    lines.append(total_line(result))
    step = next_grade_line(result)
    if step:
        lines.append(step)
    if result.adjustments:
        lines.append("")
        lines.append("评价人调整：")
        for item in result.adjustments:
            found = result.find(item.indicator)
            lines.append(
                f"  {item.indicator}：规则得分 {found.rule_score} → {found.score}（{item.points:+}）理由：{item.reason}"
            )
    if result.warnings:
        lines.append("")
        lines.append("提示：")
        lines += [f"  - {warning}" for warning in result.warnings]
    return terminal("\n".join(lines) + "\n")
