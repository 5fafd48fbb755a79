"""Reading an old Excel workbook (.xls, BIFF inside an OLE compound file) into ``Sheet`` grids.

Through xlrd with ``formatting_info``, which gives the merged ranges and each cell's number format
(the percent formats read as for .xlsx: 0.9914 shown as 99.14% is "99.14%"; a date cell under the
workbook's 1900 or 1904 date system through openpyxl's conversion, as in ``read_xlsx``, so a time
of day is "12:00:00", not a day of 1899). An .xls keeps only the result of a formula, which is
what the parser wants. ``read_sheets`` has checked the file's size (xlrd reads the whole file);
the cells with values are counted and refused past ``max_cells``, and the area and merges are
sized like every other reader's (``finish_sheet``).
An OLE file that holds an encrypted .xlsx (a password-protected workbook) or no workbook at all is
said to be so, not reported as a damaged file.
"""

from __future__ import annotations

import importlib
from typing import Any

from openpyxl.styles.numbers import is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from ..errors import Problem
from ..i18n import tr
from .sheet import CellValue, Sheet, TableError, finish_sheet, normalise
from .table_limits import TableLimits

__all__ = ["read_xls"]

# What a password-protected .xlsx is: an OLE file with these streams instead of a workbook.
_ENCRYPTED = "EncryptionInfo".encode("utf_16_le")
# Blank formatted cells make xlrd's grid larger than the values; past this many positions a
# grid is no table.
_GRID_FACTOR = 50


def read_xls(file: str, limits: TableLimits) -> list[Sheet]:
    # Through importlib: xlrd ships no type hints; the few calls here are covered by the tests.
    xlrd: Any = importlib.import_module("xlrd")
    try:
        book = xlrd.open_workbook(file, formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, OSError, ValueError, IndexError) as exc:
        raise TableError(_unreadable(file, str(exc))) from None
    except Exception as exc:  # noqa: BLE001 - xlrd fails on damaged files with anything at all
        raise TableError(_unreadable(file, f"{type(exc).__name__}: {exc}")) from None
    try:
        return [_sheet(xlrd, book, index, file, limits) for index in range(book.nsheets)]
    finally:
        book.release_resources()


def _unreadable(file: str, reason: str) -> Problem:
    with open(file, "rb") as handle:
        head = handle.read(1 << 20)
    if _ENCRYPTED in head or "encrypted" in reason.lower():
        return Problem(
            tr(
                "table-format",
                "is a password-protected (encrypted) workbook, which jixiao cannot open; remove "
                "the password (文件 → 信息 → 保护工作簿 → 用密码进行加密, leave it empty) and save "
                "it again",
            ),
            "table-format",
            file=file,
        )
    return Problem(
        tr(
            "table-format",
            "not a readable .xls workbook ({reason}); open it in Excel or WPS and save it as .xlsx",
            reason=reason,
        ),
        "table-format",
        file=file,
    )


def _sheet(xlrd: Any, book: Any, index: int, file: str, limits: TableLimits) -> Sheet:
    try:
        source = book.sheet_by_index(index)
    except Exception as exc:  # noqa: BLE001 - as above: a damaged sheet record
        raise TableError(_unreadable(file, f"{type(exc).__name__}: {exc}")) from None
    sheet = Sheet(str(source.name), file)
    if source.nrows * source.ncols > _GRID_FACTOR * limits.max_cells:
        raise TableError.at(
            tr(
                "table-too-large",
                "has {rows:,} rows × {columns:,} columns of cells, far over the {limit:,}-cell "
                "limit (raise it with --max-cells if the file is genuine)",
                rows=source.nrows,
                columns=source.ncols,
                limit=limits.max_cells,
            ),
            "table-too-large",
            file=file,
            path=sheet.name,
        )
    count = 0
    for r in range(source.nrows):
        types = source.row_types(r)
        values = source.row_values(r)
        for c, (kind, raw) in enumerate(zip(types, values, strict=False)):
            value = _value(xlrd, book, source, r, c, kind, raw)
            if value is None:
                continue
            count += 1
            if count > limits.max_cells:
                message = limits.too_many_cells()
                raise TableError.at(message, "table-too-large", file=file, path=sheet.name)
            sheet.cells[(r + 1, c + 1)] = value
    merges = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in source.merged_cells if r2 > r1]
    book.unload_sheet(index)
    return finish_sheet(sheet, merges, limits)


def _value(xlrd: Any, book: Any, source: Any, r: int, c: int, kind: int, raw: Any) -> CellValue:
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_TEXT:
        return normalise(str(raw), "")
    if kind == xlrd.XL_CELL_BOOLEAN:
        return normalise(bool(raw), "")
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(raw, "#ERROR"))
    number_format = _number_format(book, source, r, c)
    if kind == xlrd.XL_CELL_DATE:
        # xlrd's own xldate_as_datetime makes 0.5 shown as 12:00 "1899-12-31T12:00:00".
        epoch = CALENDAR_MAC_1904 if book.datemode else CALENDAR_WINDOWS_1900
        try:
            moment = from_excel(raw, epoch, timedelta=is_timedelta_format(number_format))
        except (ValueError, OverflowError, TypeError):
            return normalise(raw, "")  # past 9999-12-31: Excel shows ####; the number is kept
        return normalise(moment, number_format)
    return normalise(raw, number_format)


def _number_format(book: Any, source: Any, r: int, c: int) -> str:
    try:
        xf = book.xf_list[source.cell_xf_index(r, c)]
        return str(book.format_map[xf.format_key].format_str)
    except (IndexError, KeyError, AttributeError):
        return ""
