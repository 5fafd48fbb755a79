"""Rebuild the .xls files of tests/test_table_cell_kinds.py: every kind of cell an old workbook holds.

``python tests/tables/cell_kinds/make.py`` writes, with openpyxl, a workbook of booleans, error
values (typed, and as the results of formulas), dates, times and numbers, once under the 1900
date system and once under the 1904 one (Excel for Mac's), and converts each to .xls with
LibreOffice (``soffice --headless --convert-to xls``): kinds1900.xls and kinds1904.xls, which are
committed. No Python package writes .xls here (xlwt is not a dependency), and LibreOffice writes
the records Excel does: BOOLERR for a typed boolean or error, FORMULA with its cached result,
NUMBER/RK under a date format, and DATEMODE for the 1904 system. ``workbook`` is also what the
test builds as .xlsx, to check that both readers give the same cells.
"""

from __future__ import annotations

import datetime
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

HERE = Path(__file__).resolve().parent

ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
# (cell, value, number format): rows 1 to 6 of the sheet; row 3 holds formulas.
CELLS: list[tuple[str, bool | float | str | datetime.date | datetime.time, str]] = [
    ("A1", True, ""),
    ("B1", False, ""),
    *((f"{col}2", error, "") for col, error in zip("ABCDEFG", ERRORS, strict=True)),
    ("A3", "=1/0", ""),
    ("B3", "=NA()", ""),
    ("C3", "=1=1", ""),
    ("D3", "=DATE(2021,1,1)", "yyyy-mm-dd"),
    ("E3", '="达"&"成"', ""),
    ("F3", "=0.5*2", "0%"),
    ("A4", datetime.date(2021, 1, 1), "yyyy-mm-dd"),
    ("B4", datetime.datetime(2021, 3, 15, 14, 30), "yyyy-mm-dd hh:mm"),
    ("C4", datetime.time(12, 0), "hh:mm"),
    ("D4", 44197, 'yyyy"年"m"月"d"日"'),
    ("E4", 45000, "m/d/yy"),
    ("F4", 0.5, "[h]:mm:ss"),
    ("G4", 1.5, "h:mm"),
    ("A5", 60, "yyyy-mm-dd"),
    ("B5", 61, "yyyy-mm-dd"),
    ("C5", 1, "yyyy-mm-dd"),
    ("D5", 0, "yyyy-mm-dd"),
    ("E5", 3000000, "yyyy-mm-dd"),
    ("A6", 0.9914, "0.00%"),
    ("B6", 9.8, ""),
]


def workbook(path: Path, *, mac: bool) -> None:
    """The cells above, under the 1904 date system when ``mac``."""
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904 if mac else CALENDAR_WINDOWS_1900
    sheet = book.active
    assert sheet is not None
    for ref, value, number_format in CELLS:
        sheet[ref] = value
        if number_format:
            sheet[ref].number_format = number_format
    book.save(path)


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        sources = []
        for name, mac in (("kinds1900", False), ("kinds1904", True)):
            sources.append(Path(temp) / f"{name}.xlsx")
            workbook(sources[-1], mac=mac)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{temp}/profile",
                "--headless",
                "--convert-to",
                "xls",
                "--outdir",
                str(HERE),
                *map(str, sources),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
