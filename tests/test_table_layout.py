"""The 自评表 printed for the terminal is laid out as tabulate lays it out, whichever path draws it.

``report.table`` draws the two tables itself for text whose width on screen is certain, and
leaves any other text to tabulate (with wcwidth); these tests hold the two equal, character for
character, on generated tables: Chinese and ASCII words, spaces, hyphens, long unbroken runs,
cells of several lines, empty cells, and characters outside the certain set.
"""

from __future__ import annotations

import sys

import wcwidth
from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from scoring.report import table

_CERTAIN = [chr(c) for c in range(sys.maxunicode + 1) if table._certain(chr(c))]


def test_every_certain_character_is_as_wide_as_wcwidth_says() -> None:
    wrong = [c for c in _CERTAIN if table._columns(c) != wcwidth.wcswidth(c)]
    assert wrong == []
    assert len(_CERTAIN) > 20_000  # ASCII, the CJK ideographs and their punctuation


_WORDS = [*"abc XYZ 12.5-%,", "　", "\xa0", *"预算执行率偏差原因", *"，。（）：、“”—…≥≤×"]
_OTHERS = ["\n", "\t", "\u0301", "😀", "ｶ", "\u200b"]  # outside the certain set: tabulate
# A table of certain text only (drawn here), or with the other characters too (by tabulate).
_TEXTS = st.sampled_from(
    [
        st.text(alphabet=st.sampled_from(_WORDS), max_size=80),
        st.text(alphabet=st.sampled_from(_WORDS + _OTHERS), max_size=80),
    ]
)


def _tabulated(rows: list[list[str]], headers: list[str], *, grid: bool, wrap: bool) -> str:
    return tabulate(
        rows,
        headers=headers,
        tablefmt="simple_grid" if grid else "simple",
        maxcolwidths=[None] * (len(headers) - 1) + [table.WRAP] if wrap else None,
        disable_numparse=True,
    )


@settings(max_examples=300, deadline=None)
@given(
    st.tuples(st.integers(1, 4), _TEXTS).flatmap(
        lambda drawn: st.tuples(
            st.lists(drawn[1], min_size=drawn[0], max_size=drawn[0]),
            st.lists(st.lists(drawn[1], min_size=drawn[0], max_size=drawn[0]), max_size=5),
        )
    ),
    st.booleans(),
)
def test_a_table_is_drawn_as_tabulate_draws_it(
    table_data: tuple[list[str], list[list[str]]], grid: bool
) -> None:
    headers, rows = table_data
    wrap = grid
    assert table._table(rows, headers, grid=grid, wrap=wrap) == _tabulated(
        rows, headers, grid=grid, wrap=wrap
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from([*"预算执行 a-bc", "　"]), max_size=120), max_size=4)
)
def test_a_long_deviation_wraps_as_tabulate_wraps_it(reasons: list[str]) -> None:
    rows = [["决策", "项目立项", reason] for reason in reasons]
    headers = ["一级指标", "二级指标", "偏差原因分析及改进措施"]
    drawn = table._layout(rows, headers, grid=True, wrap=True)
    assert drawn is not None  # certain text: drawn here, not by tabulate
    assert drawn == _tabulated(rows, headers, grid=True, wrap=True)


def test_cells_tabulate_reads_as_no_text_are_left_to_it() -> None:
    for cell in ("True", "False", "1,000", "12"):
        assert table._layout([["a", cell]], ["h", "i"], grid=True, wrap=True) is None
