"""Find the 自评表 in a sheet and read it into a ``FiledTable``, every value with its cell.

Tolerates what filed tables do: the header rows anywhere (found by their words, 一级指标 …
年度指标值 … 分值 … 得分), headers split over two rows, merged level cells or names left blank
under the first one, block weights printed in a name ("产出指标（50分）"), in a 小计 row or in a
分值 cell merged over the block, numbers stored as text ("10分", "9.8"), "/" or "—" for not
applicable. A cell that cannot be read is a defect naming its cell and code (a review finding,
never a refusal); nothing is guessed.

The parts of the table are read by their own modules, in table order: ``sheet_header`` finds the
indicator header, ``sheet_blocks`` reads the project information, funds block and goal above it,
``sheet_rows`` the indicator rows below it, and ``sheet_footer`` the total and grade; all of them
read cells through one ``sheet_cells.CellReader``, which collects the problems.
"""

from __future__ import annotations

import os

from ..i18n import tr, ui
from .filed import FiledTable, Notice
from .sheet import Sheet, TableError, named_sheet, read_sheets
from .sheet_blocks import read_funds, read_goal, read_project
from .sheet_cells import CellReader
from .sheet_footer import read_footer
from .sheet_header import find_header
from .sheet_rows import read_rows

__all__ = ["parse_sheet", "read_table"]


def read_table(path: str | os.PathLike[str], sheet: str | None = None) -> FiledTable:
    """Read a filed 自评表 (xlsx or csv); the first sheet that has an indicator header, or ``sheet``."""
    sheets = read_sheets(path)
    if sheet is not None:
        return parse_sheet(named_sheet(sheets, sheet, os.fspath(path)))
    for candidate in sheets:
        if find_header(candidate) is not None:
            return parse_sheet(candidate)
    raise TableError.at(
        tr(
            "table-no-header",
            "no 自评表 found: no sheet has an indicator header row (三级指标 | 年度指标值 | "
            "实际完成值 | 分值 | 得分)",
        ),
        "table-no-header",
        file=os.fspath(path),
    )


def parse_sheet(sheet: Sheet) -> FiledTable:
    """Read one sheet; a cell that cannot be used is listed in ``table.defects`` with its cell.

    Raises ``TableError`` only when there is no indicator header at all.
    """
    header = find_header(sheet)
    if header is None:
        raise TableError.at(
            tr(
                "table-no-header",
                "no indicator header row found (三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分)",
            ),
            "table-no-header",
            file=sheet.file,
            path=sheet.name,
        )
    reader = CellReader(sheet)
    table = reader.table
    table.header_cell = sheet.ref(header.first_row, header.levels[0])
    table.columns = tuple(header.fields)
    for col in header.unlabelled:
        table.notices.append(
            Notice(
                sheet.ref(header.last_row, col),
                ui(
                    "this header cell is empty (lost in recognition or typing?) and the rows "
                    "under it hold names: read as the next level of indicators"
                ),
            )
        )
    read_project(reader, header.first_row)
    read_funds(reader, header.first_row)
    read_goal(reader, header.first_row)
    foot = read_rows(reader, header)
    read_footer(reader, header, foot)
    table.problems = reader.problems
    table.defects = reader.defects
    return table
