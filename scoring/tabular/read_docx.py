"""Reading the tables of a Word document (.docx) into ``Sheet`` grids: 表1, 表2, … in order.

A 自评表 is often filed inside the 自评报告, as a Word table. Each table of the document (nested
tables too, after the table holding them) becomes one sheet named 表N, its cells named like a
spreadsheet's (``表1!C5``: the fifth row, third grid column). A cell's paragraphs are joined with a
newline. Merged cells come from the table XML itself: ``gridSpan`` (across) and ``vMerge`` (down,
"restart" then "continue"), walked once over the rows, so a vertical merge over thousands of rows
costs one step a row (python-docx's own cell lookup walks back up the merge for every cell).

The zip is checked by ``zip_guard`` first, like an .xlsx, and a DTD in the document part is
refused; python-docx parses with lxml without resolving entities, and lxml refuses text nodes and
nesting beyond its default limits. Grid columns and cells are bounded by ``max_cells``.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..errors import Problem
from .sheet import Sheet, TableError, finish_sheet, normalise
from .table_limits import TableLimits
from .zip_guard import open_zip, refuse_dtd

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(file: str, limits: TableLimits) -> list[Sheet]:
    with open_zip(file, limits, ".docx document") as archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise TableError(
                Problem(
                    "not a readable .docx document: it has no word/document.xml",
                    "table-format",
                    file=file,
                )
            )
        refuse_dtd(archive, file)
    # Through importlib so that type checking needs no stubs for the parts used here.
    docx: Any = importlib.import_module("docx")
    try:
        document = docx.Document(file)
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml fail on damaged files many ways
        raise TableError(
            Problem(
                f"not a readable .docx document ({type(exc).__name__}: {exc}); open it in Word "
                "or WPS and save it again",
                "table-format",
                file=file,
            )
        ) from None
    tables = list(document.element.body.iter(f"{_W}tbl"))
    return [_table(tbl, f"表{index}", file, limits) for index, tbl in enumerate(tables, 1)]


def _table(tbl: Any, name: str, file: str, limits: TableLimits) -> Sheet:
    sheet = Sheet(name, file)
    merges: list[list[int]] = []
    open_down: dict[int, list[int]] = {}  # grid column → the vertical merge running down it
    positions = 0
    for r, tr in enumerate(tbl.tr_lst, 1):
        col = 1 + _int(tr.grid_before)
        for tc in tr.tc_lst:
            span = max(1, _int(tc.grid_span))
            positions += span
            if positions > limits.max_cells:
                raise TableError(
                    Problem(
                        f"has more than {limits.max_cells:,} cells; a 自评表 has a few hundred "
                        "(raise the limit with --max-cells if the file is genuine)",
                        "table-too-large",
                        file=file,
                        path=name,
                    )
                )
            merge = tc.vMerge
            if merge == "continue" and col in open_down:
                open_down[col][2] = r
            else:
                value = normalise("\n".join(p.text for p in tc.p_lst), "")
                if value is not None:
                    sheet.cells[(r, col)] = value
                rng = [r, col, r, col + span - 1]
                if span > 1 or merge == "restart":
                    merges.append(rng)
                for c in range(col, col + span):
                    open_down.pop(c, None)
                if merge == "restart":
                    open_down[col] = rng
            col += span
    ranges = [(r1, c1, r2, c2) for r1, c1, r2, c2 in merges if (r2, c2) != (r1, c1)]
    return finish_sheet(sheet, ranges, limits)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
