"""How much of a filed table jixiao reads: one number, the cells of one sheet, and what follows.

A filed 自评表 is a few hundred cells. The readers of ``.xlsx``, ``.xls``, ``.docx``, ``.pdf`` and
``.csv`` files refuse anything far beyond that before it costs time or memory, with a located
``table-too-large`` problem, so that a hostile or broken file (a zip bomb, a merged range over a
million rows, a sheet of a million cells) ends in one message instead of minutes and gigabytes.

Every limit derives from ``max_cells`` (``--max-cells N`` on ``jixiao review`` and ``jixiao
import``), so one option raises them all in proportion: the cells of one sheet (rows × columns
of the area in use), the file's size, each unpacked part's size and all parts together, the
shared strings and merged ranges of a sheet, and the pages of a PDF. docs/excel.md lists them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["DEFAULT_MAX_CELLS", "TableLimits", "current_limits", "using_limits"]

DEFAULT_MAX_CELLS = 100_000


@dataclass(frozen=True)
class TableLimits:
    """The limits for one read; ``TableLimits()`` is the default, ``TableLimits(N)`` scales."""

    max_cells: int = DEFAULT_MAX_CELLS

    @property
    def file_bytes(self) -> int:
        """The file on disk (any format): 256 bytes a cell, 25.6 MB by default."""
        return self.max_cells * 256

    @property
    def part_bytes(self) -> int:
        """One unpacked part of an .xlsx/.docx (a sheet's XML, the shared strings)."""
        return self.max_cells * 256

    @property
    def total_bytes(self) -> int:
        """All unpacked parts of an .xlsx/.docx together."""
        return self.max_cells * 1024

    @property
    def zip_entries(self) -> int:
        """Files inside an .xlsx/.docx (a workbook has a few dozen)."""
        return max(1_000, self.max_cells // 10)

    # An unpacked part over 1 MB may be at most this many times its packed size: XML compresses
    # 10 to 50 times, a zip bomb a thousand times or more.
    zip_ratio: int = 200

    @property
    def merges(self) -> int:
        """Merged ranges of one sheet."""
        return self.max_cells // 10

    @property
    def pdf_pages(self) -> int:
        """Pages of a PDF (a 自评表 fills one to three)."""
        return max(1, self.max_cells // 5_000)


_LIMITS: ContextVar[TableLimits | None] = ContextVar("table_limits", default=None)


def current_limits() -> TableLimits:
    """The limits in force: the default, or those a command set with ``using_limits``."""
    return _LIMITS.get() or TableLimits()


@contextlib.contextmanager
def using_limits(limits: TableLimits) -> Iterator[TableLimits]:
    """Read tables under ``limits`` inside the ``with`` block (the command line's --max-cells)."""
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)
