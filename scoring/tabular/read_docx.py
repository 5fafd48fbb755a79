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

from ..i18n import tr, ui
from .sheet import Sheet, TableError, finish_sheet, normalise
from .table_limits import TableLimits
from .zip_guard import open_zip, refuse_dtd

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(file: str, limits: TableLimits) -> list[Sheet]:
    with open_zip(file, limits, ui(".docx document")) as archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise TableError.at(
                tr("table-format", "not a readable .docx document: it has no word/document.xml"),
                "table-format",
                file=file,
            )
        refuse_dtd(archive, file)
    # Through importlib so that type checking needs no stubs for the parts used here.
    docx: Any = importlib.import_module("docx")
    try:
        document = docx.Document(file)
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml fail on damaged files many ways
        raise TableError.at(
            tr(
                "table-format",
                "not a readable .docx document ({kind}: {reason}); open it in Word or WPS "
                "and save it again",
                kind=type(exc).__name__,
                reason=exc,
            ),
            "table-format",
            file=file,
        ) from None
    tables = list(document.element.body.iter(f"{_W}tbl"))
    return [_table(tbl, f"表{index}", file, limits) for index, tbl in enumerate(tables, 1)]


def _table(tbl: Any, name: str, file: str, limits: TableLimits) -> Sheet:
    sheet = Sheet(name, file)
    merges: list[list[int]] = []
    open_down: dict[int, list[int]] = {}  # grid column → the vertical merge running down it
    positions = 0
    # The XML is walked directly (lxml): python-docx's properties run an XPath query each, which
    # is most of the time on a large table.
    for r, tr_element in enumerate(tbl.iterchildren(f"{_W}tr"), 1):
        col = 1 + _number(tr_element.find(f"{_W}trPr/{_W}gridBefore"), 0)
        for tc in tr_element.iterchildren(f"{_W}tc"):
            properties = tc.find(f"{_W}tcPr")
            span = max(
                1, _number(None if properties is None else properties.find(f"{_W}gridSpan"), 1)
            )
            positions += span
            if positions > limits.max_cells:
                raise TableError.at(
                    tr(
                        "table-too-large",
                        "has more than {limit:,} cells; a 自评表 has a few hundred "
                        "(raise the limit with --max-cells if the file is genuine)",
                        limit=limits.max_cells,
                    ),
                    "table-too-large",
                    file=file,
                    path=name,
                )
            down = None if properties is None else properties.find(f"{_W}vMerge")
            # <w:vMerge/> without a value continues the merge above; "restart" opens one.
            merge = None if down is None else down.get(f"{_W}val", "continue")
            if merge == "continue" and col in open_down:
                open_down[col][2] = r
            else:
                value = normalise("\n".join(_text(p) for p in tc.iterchildren(f"{_W}p")), "")
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


def _text(paragraph: Any) -> str:
    """A paragraph's text: its runs' text, tabs and line breaks (not nested tables' text)."""
    parts: list[str] = []
    for element in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if element.tag == f"{_W}t":
            parts.append(element.text or "")
        else:
            parts.append("\t" if element.tag == f"{_W}tab" else "\n")
    return "".join(parts)


def _number(element: Any, default: int) -> int:
    """The integer ``w:val`` of an element such as ``<w:gridSpan w:val="2"/>``."""
    if element is None:
        return default
    try:
        return int(element.get(f"{_W}val", default))
    except (TypeError, ValueError):
        return default
