"""Plain-text 自评表 for the terminal: header, indicator block, total and grade, warnings.

Text from the inputs is made harmless for a terminal (``channels.terminal``: escape sequences
and bidi overrides shown as escapes, not run) cell by cell before the layout, so that column
widths are those of what is printed, and the whole text once more at the end. The wrapped
deviation column shows at most ``CELL_LIMIT`` characters of a cell, with a note of how long it is:
tabulate's wrapping of CJK text costs time quadratic in a cell's length (a 160,000-character
reason took 21 s), and a terminal page of one reason is no use; the full text is in every other
format.

The two tables are laid out here as tabulate lays them out (``simple_grid`` with the deviation
column wrapped at 30 columns, and ``simple``), for text whose width on screen is certain:
printable ASCII, Chinese and the punctuation around it (``_RUNS``). Importing tabulate and
wcwidth took about a third of ``jixiao score``'s start; a table holding any other character
(combining marks, emoji, scripts whose width wcwidth decides) is still laid out by tabulate, so
what is printed never depends on which path drew it (tests/test_table_layout.py holds the two
equal).
"""

from __future__ import annotations

import bisect
import re
import textwrap
from collections.abc import Sequence

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


def _shown(text: str) -> str:
    if len(text) <= CELL_LIMIT:
        return text
    return text[:CELL_LIMIT] + f"…（共 {len(text):,} 字，全文见 --format json、csv 或 xlsx）"


# Characters whose width on a terminal is certain, and the same in every wcwidth version: one
# column for printable ASCII and the Latin-1, punctuation, letter-like, arrow, mathematical and
# enclosed signs around Chinese text (≥ ≤ × ÷ — … “ ” ℃ ①), two for CJK punctuation (、。《》「」【】),
# the CJK ideographs and the full-width forms (，：（）％): every wide run starts at U+3000 or
# above, every narrow one below it. No control, combining or zero-width character, and no line
# separator but the ``\n`` that wrapping puts in. Runs of code points, not a regular expression:
# compiling a class of 30,000 characters took longer than laying out the table.
_RUNS = (
    (0x20, 0x7E),
    (0xA0, 0xAC),
    (0xAE, 0xFF),
    (0x2010, 0x2027),
    (0x2030, 0x205E),
    (0x2100, 0x214F),
    (0x2190, 0x22FF),
    (0x2460, 0x24FF),
    (0x3000, 0x3029),
    (0x3030, 0x303E),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xFF01, 0xFF60),
    (0xFFE0, 0xFFE6),
)
_FIRSTS = [first for first, _ in _RUNS]


def _certain(text: str) -> bool:
    """Whether every character of ``text`` is one whose width is certain (``_RUNS``)."""
    for char in set(text):
        code = ord(char)
        at = bisect.bisect_right(_FIRSTS, code) - 1
        if at < 0 or code > _RUNS[at][1]:
            return False
    return True


def _columns(text: str) -> int:
    """Display width of a text of certain width: one column a character, two from U+3000 up."""
    return len(text) + sum(char >= "\u3000" for char in text)


# A cell tabulate would read as something else before wrapping it ("True" becomes a bool, and
# "1,000" a number it cannot parse): left to tabulate, whatever it does with them.
_NOT_TEXT = re.compile("True|False|[-+0-9,.]*[0-9][-+0-9,.]*")
WRAP = 30  # columns of the wrapped deviation column


def _wrapped(cell: str, width: int) -> str:
    """``cell`` in lines of at most ``width`` columns, as tabulate's ``maxcolwidths`` wraps it:
    textwrap's chunks (words and the spaces between them, split after hyphens), as many to a
    line as fit, a chunk wider than a line cut where the line is full; the spaces at the start of
    a line but the first, and at its end, dropped; a blank line dropped."""
    splitter = textwrap.TextWrapper(width=width)
    out: list[str] = []
    for text in cell.splitlines():
        if not text.strip():
            continue
        chunks = splitter._split_chunks(text)[::-1]  # a stack: the next chunk last
        lines: list[str] = []
        while chunks:
            line: list[str] = []
            used = 0
            if lines and not chunks[-1].strip():
                chunks.pop()
            while chunks and used + _columns(chunks[-1]) <= width:
                used += _columns(chunks[-1])
                line.append(chunks.pop())
            if chunks and _columns(chunks[-1]) > width and used < width:
                # As much of it as fits (possibly nothing: a wide character in one column)
                # ends this line.
                chunk, room, cut = chunks[-1], width - used, 0
                while cut < len(chunk) and _columns(chunk[cut]) <= room:
                    room -= _columns(chunk[cut])
                    cut += 1
                line.append(chunk[:cut])
                chunks[-1] = chunk[cut:]
            if line and not line[-1].strip():
                line.pop()
            if line:
                lines.append("".join(line))
        out.append("\n".join(lines))
    return "\n".join(out)


def _layout(
    rows: Sequence[Sequence[str]], headers: Sequence[str], *, grid: bool, wrap: bool = False
) -> str | None:
    """The table as tabulate draws it (``simple_grid``, or ``simple`` without ``grid``; the last
    column wrapped at ``WRAP`` with ``wrap``), or None when a text holds a character outside
    ``_RUNS`` or a cell tabulate reads as no text: then tabulate draws it."""
    if any(len(row) != len(headers) for row in rows) or not all(
        _certain(text) for text in (*headers, *(c for r in rows for c in r))
    ):
        return None
    cells = [list(row) for row in rows]
    if wrap:
        for row in cells:
            if _NOT_TEXT.fullmatch(row[-1]):
                return None
            row[-1] = _wrapped(row[-1], WRAP)
    multiline = any("\n" in cell for row in cells for cell in row)
    # A cell is stripped as a whole, then shown as its lines; with any cell of several lines,
    # an empty cell has no line at all (a row of empty cells none), as tabulate has it.
    lined = [
        [[] if multiline and not cell.strip() else cell.strip().split("\n") for cell in row]
        for row in cells
    ]
    widths = [_columns(header) + 2 for header in headers]
    for lined_row in lined:
        for index, shown in enumerate(lined_row):
            widths[index] = max([widths[index], *map(_columns, shown)])
    pad = 1 if grid else 0
    begin, sep, end = ("│", "│", "│") if grid else ("", "  ", "")

    def rule(left: str, middle: str, right: str, fill: str) -> str:
        return (left + middle.join(fill * (w + 2 * pad) for w in widths) + right).rstrip()

    def lines_of(row: Sequence[Sequence[str]]) -> list[str]:
        height = max((len(lines) for lines in row), default=0)
        return [
            (
                begin
                + sep.join(
                    " " * pad
                    + (lines[at] if at < len(lines) else "")
                    + " " * (w - (_columns(lines[at]) if at < len(lines) else 0) + pad)
                    for lines, w in zip(row, widths, strict=True)
                )
                + end
            ).rstrip()
            for at in range(height)
        ]

    out = [rule("┌", "┬", "┐", "─")] if grid else []
    out += lines_of([[header] for header in headers])
    out.append(rule("├", "┼", "┤", "─") if grid else rule("", "  ", "", "-"))
    for index, lined_row in enumerate(lined):
        if grid and index:
            out.append(rule("├", "┼", "┤", "─"))
        out += lines_of(lined_row)
    if grid:
        out.append(rule("└", "┴", "┘", "─"))
    return "\n".join(out)


def _table(rows: list[list[str]], headers: list[str], *, grid: bool, wrap: bool = False) -> str:
    laid = _layout(rows, headers, grid=grid, wrap=wrap)
    if laid is not None:
        return laid
    from tabulate import tabulate  # text of uncertain width: wcwidth measures it

    return tabulate(
        rows,
        headers=headers,
        tablefmt="simple_grid" if grid else "simple",
        maxcolwidths=[None] * (len(headers) - 1) + [WRAP] if wrap else None,
        disable_numparse=True,
    )


def render(result: Result) -> str:
    lines = [f"{result.spec.name} — 绩效自评表", ""]
    lines += [f"{label}：{value}" for label, value in project_lines(result)]
    lines.append("")
    rows = [[terminal(cell) for cell in row] for row in table_rows(result)]
    for row in rows:
        row[-1] = _shown(row[-1])
    lines.append(_table(rows, headers(result), grid=True, wrap=True))
    lines.append("")
    lines.append(
        _table(
            [[terminal(cell) for cell in row] for row in level_summary(result)],
            ["一级指标", "分值", "得分", "得分率"],
            grid=False,
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
