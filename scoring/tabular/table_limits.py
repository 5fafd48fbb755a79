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

import argparse
import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from ..i18n import tr, ui

__all__ = ["DEFAULT_MAX_CELLS", "TableLimits", "add_max_cells", "current_limits", "using_limits"]

DEFAULT_MAX_CELLS = 10_000


@dataclass(frozen=True)
class TableLimits:
    """The limits for one read; ``TableLimits()`` is the default, ``TableLimits(N)`` scales.

    The figures in the docstrings are those of the default, 10,000 cells: twenty times the
    largest 自评表 seen, and small enough that a file at every limit is read in well under a
    second.
    """

    max_cells: int = DEFAULT_MAX_CELLS

    @property
    def file_bytes(self) -> int:
        """The file on disk, any format (a .docx or .pdf may carry pictures): 20.5 MB."""
        return self.max_cells * 2048

    @property
    def part_bytes(self) -> int:
        """One unpacked part of an .xlsx/.docx (a sheet's XML, the shared strings): 5.1 MB."""
        return self.max_cells * 512

    @property
    def total_bytes(self) -> int:
        """All unpacked parts of an .xlsx/.docx together (pictures included): 20.5 MB."""
        return self.max_cells * 2048

    @property
    def zip_entries(self) -> int:
        """Files inside an .xlsx/.docx (a workbook has a few dozen): 1,000."""
        return max(100, min(self.max_cells // 10, 10_000))

    # An unpacked part over 1 MB may be at most this many times its packed size: XML compresses
    # 10 to 50 times, a zip bomb a thousand times or more.
    zip_ratio: int = 200

    @property
    def xml_elements(self) -> int:
        """XML elements in all the parts of an .xlsx read (a cell takes two to four): 60,000."""
        return self.max_cells * 6

    @property
    def merges(self) -> int:
        """Merged ranges of one sheet: 1,000."""
        return max(100, self.max_cells // 10)

    @property
    def pdf_pages(self) -> int:
        """Pages of a PDF (a 自评表 fills one to three; a whole 自评报告 a few dozen): 20."""
        return max(1, self.max_cells // 500)

    def too_many_cells(self) -> str:
        """What a reader says of a sheet with more than ``max_cells`` values (``table-too-large``)."""
        return tr(
            "table-too-large",
            "more than {limit:,} cells hold values; a 自评表 has a few hundred (raise the limit "
            "with --max-cells if the file is genuine)",
            limit=self.max_cells,
        )


def add_max_cells(parser: argparse.ArgumentParser) -> None:
    """The ``--max-cells N`` option of the commands that read filed tables."""
    parser.add_argument(
        "--max-cells",
        type=_positive,
        default=DEFAULT_MAX_CELLS,
        metavar="N",
        help=ui(
            "read tables of up to N cells a sheet (default {cells:,}); the size limits of the "
            "file grow with it (docs/excel.md)",
            cells=DEFAULT_MAX_CELLS,
        ),
    )


def _positive(text: str) -> int:
    try:
        number = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(
            ui("expected a whole number of cells above 0, got {text!r}", text=text)
        )
    return number


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
