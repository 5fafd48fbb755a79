"""The 自评表 as CSV: the same grid as the Excel sheet, one line per row, merged cells left empty.

UTF-8 with a byte-order mark, because Excel on a Chinese Windows reads a CSV without one as GBK.
``jixiao import`` reads this file back like the workbook (cells are named ``seed!F12`` after the file).
Every cell goes through ``channels.spreadsheet_cell``: text a spreadsheet would run as a formula
(a target such as ``=0次``, a name ``=HYPERLINK(…)``) gets a leading ``'``; numbers stay numbers.
The import reader takes that ``'`` off again (``channels.spreadsheet_unquote``).
"""

from __future__ import annotations

import csv
import io

from ..engine.result import Result
from ..tabular.form import build_form
from ..writing.channels import spreadsheet_cell

__all__ = ["BOM", "render"]

BOM = "\ufeff"


def render(result: Result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in build_form(result).rows():
        while row and not row[-1]:
            row.pop()
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return BOM + buffer.getvalue()
