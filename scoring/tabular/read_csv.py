"""Reading a .csv table into a ``Sheet`` grid: UTF-8 (with or without BOM) or GB18030 text.

A CSV has no merged cells and no number formats: every cell is text, normalised like any other.
``read_sheets`` has checked the file's size; the cells with values are counted as they are read
and refused past ``max_cells``, and a line the csv module cannot split (a field over its 128 KB
limit, an unclosed quote swallowing the file) is a problem naming that line, not a traceback.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..i18n import tr
from ..writing.channels import spreadsheet_unquote
from .sheet import Sheet, TableError, finish_sheet, normalise
from .table_limits import TableLimits

__all__ = ["read_csv"]


def read_csv(file: str, limits: TableLimits) -> list[Sheet]:
    try:
        raw = Path(file).read_bytes()
    except OSError as exc:
        raise TableError.at(
            tr("table-missing", "cannot read: {reason}", reason=exc.strerror),
            "table-missing",
            file=file,
        ) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # GB18030 does not decode every byte string (0xFF starts no character of it)
        raise TableError.at(
            tr("table-format", "not UTF-8 or GB18030 text"), "table-format", file=file
        )
    sheet = Sheet(Path(file).stem, file)
    reader = csv.reader(text.splitlines())
    count = 0
    try:
        for r, row in enumerate(reader, start=1):
            for c, value in enumerate(row, start=1):
                # jixiao's CSV puts "'" before formula-like text (channels.spreadsheet_cell)
                normal = normalise(spreadsheet_unquote(value), "")
                if normal is None:
                    continue
                count += 1
                if count > limits.max_cells:
                    message = limits.too_many_cells()
                    raise TableError.at(message, "table-too-large", file=file, line=r)
                sheet.cells[(r, c)] = normal
    except csv.Error as exc:
        raise TableError.at(
            tr(
                "table-format",
                "cannot be split into cells ({reason}); save the table again as CSV",
                reason=exc,
            ),
            "table-format",
            file=file,
            line=reader.line_num,
        ) from None
    return [finish_sheet(sheet, (), limits)]
