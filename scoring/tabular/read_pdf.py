"""Reading the ruled tables of a PDF with a text layer into ``Sheet`` grids, each cell traced to
its page.

Through pdfplumber: on each page the tables drawn with lines are found, and each cell's rectangle
is placed on a grid of the table's column and row edges, so a cell spanning columns or rows is a
merged range, as in the spreadsheet the PDF was printed from. A table that runs on over a page
break (the last table of a page and the first of the next, on the same column lines) is one sheet.
Sheets are named 表1, 表2, … in order; a cell is named by its page and its place in that page's
part of the table: ``第2页!F3`` is the third row of the table on page 2, column F (``第2页表2!F3``
when page 2 holds parts of two tables). A cell's text lines are joined as the wrapped line they
were (no break between Chinese characters, a space between words).

A PDF whose pages have no text at all is a scan: it is reported as such (``table-scanned``),
not read as an empty table. The pages are counted from the document catalogue before any page is
parsed, and refused past ``TableLimits.pdf_pages``; ``read_sheets`` has checked the file's size.
"""

from __future__ import annotations

import bisect
import importlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from ..i18n import tr
from .sheet import Sheet, TableError, column_letter, finish_sheet, normalise
from .table_limits import TableLimits

__all__ = ["read_pdf"]

_TOLERANCE = 2.0  # points: edges closer than this are one grid line
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass
class _Part:
    """One table as found on one page: its column edges, its rows, and each cell as (first row,
    last row, left x, right x, text). Columns are placed when the table is assembled, against
    the edges of its first part: on a continuation page a column of cells merged down from the
    page before has no top or bottom line, so it is not found as cells there."""

    page: int
    edges: list[float]
    rows: int
    boxes: list[tuple[int, int, float, float, str]] = field(default_factory=list)

    @property
    def columns(self) -> int:
        return max(0, len(self.edges) - 1)


def read_pdf(file: str, limits: TableLimits) -> list[Sheet]:
    # Through importlib: pdfplumber's types are not needed for the few calls here (tested).
    pdfplumber: Any = importlib.import_module("pdfplumber")
    try:
        pdf = pdfplumber.open(file)
    except Exception as exc:  # noqa: BLE001 - pdfminer fails on damaged files many ways
        raise TableError(_unreadable(file, exc)) from None
    with pdf:
        count = _page_count(pdf)
        if count > limits.pdf_pages:
            raise TableError.at(
                tr(
                    "table-too-large",
                    "has {count:,} pages, over the {limit}-page limit for a filed table "
                    "(raise the limits with --max-cells if the file is genuine)",
                    count=count,
                    limit=limits.pdf_pages,
                ),
                "table-too-large",
                file=file,
            )
        try:
            parts, has_text = _parts(pdf, limits, file)
        except TableError:
            raise
        except Exception as exc:  # noqa: BLE001 - as above, while reading a page
            raise TableError(_unreadable(file, exc)) from None
    if count == 0:
        raise TableError.at(
            tr("table-format", "not a readable PDF file: it has no pages"),
            "table-format",
            file=file,
        )
    if not has_text:
        raise TableError.at(
            tr(
                "table-scanned",
                "has no text layer (its {count} pages are images, a scan): jixiao reads the "
                "text of a PDF, not pictures of it; review the .xlsx or .docx the table was "
                "printed from, or run OCR on the scan first",
                count=count,
            )
            if count > 1
            else tr(
                "table-scanned",
                "has no text layer (its 1 page are images, a scan): jixiao reads the text of "
                "a PDF, not pictures of it; review the .xlsx or .docx the table was printed "
                "from, or run OCR on the scan first",
            ),
            "table-scanned",
            file=file,
        )
    return _sheets(_joined(parts), file, limits)


def _unreadable(file: str, exc: Exception) -> Problem:
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name:
        return Problem(
            tr(
                "table-format",
                "is a password-protected PDF, which jixiao cannot open; save a copy without the "
                "password",
            ),
            "table-format",
            file=file,
        )
    return Problem(
        tr("table-format", "not a readable PDF file ({kind}: {reason})", kind=name, reason=exc),
        "table-format",
        file=file,
    )


def _page_count(pdf: Any) -> int:
    """The page count the catalogue states (no page is parsed for it)."""
    try:
        pages = pdf.doc.catalog["Pages"].resolve()
        return int(pages["Count"])
    except Exception:  # noqa: BLE001 - a damaged catalogue: count the pages themselves
        return len(pdf.pages)


def _parts(pdf: Any, limits: TableLimits, file: str) -> tuple[list[_Part], bool]:
    parts: list[_Part] = []
    has_text = False
    positions = 0
    for number, page in enumerate(pdf.pages, 1):
        has_text = has_text or bool(page.chars)
        for table in page.find_tables():
            part = _part(table, number)
            positions += part.rows * part.columns
            if positions > limits.max_cells:
                raise TableError.at(
                    tr(
                        "table-too-large",
                        "its tables have more than {limit:,} cells; a 自评表 has a few "
                        "hundred (raise the limit with --max-cells if the file is genuine)",
                        limit=limits.max_cells,
                    ),
                    "table-too-large",
                    file=file,
                    path=f"第{number}页",
                )
            parts.append(part)
    return parts, has_text


def _part(table: Any, page: int) -> _Part:
    boxes = [cell for row in table.rows for cell in row.cells if cell is not None]
    xs = _edges([x for box in boxes for x in (box[0], box[2])])
    ys = _edges([y for box in boxes for y in (box[1], box[3])])
    part = _Part(page, xs, max(0, len(ys) - 1))
    texts = table.extract()
    for row, line in zip(table.rows, texts, strict=False):
        for box, text in zip(row.cells, line, strict=False):
            if box is not None:
                r1, r2 = _span(ys, box[1], box[3])
                part.boxes.append((r1, r2, box[0], box[2], _unwrap(text or "")))
    return part


def _edges(values: list[float]) -> list[float]:
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > _TOLERANCE:
            edges.append(value)
    return edges


def _span(edges: list[float], low: float, high: float) -> tuple[int, int]:
    """Grid positions (1-based) from the edge nearest ``low`` to the one nearest ``high``."""
    first = _nearest(edges, low)
    last = _nearest(edges, high)
    return first + 1, max(first + 1, last)


def _nearest(edges: list[float], value: float) -> int:
    at = bisect.bisect_left(edges, value)
    if at > 0 and (at == len(edges) or value - edges[at - 1] < edges[at] - value):
        return at - 1
    return at


def _unwrap(text: str) -> str:
    """Lines wrapped in a cell → one line: no break between Chinese characters, else a space."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        close = _CJK.match(joined[-1]) or _CJK.match(line[0])
        joined += line if close else " " + line
    return joined


def _joined(parts: list[_Part]) -> list[list[_Part]]:
    """Tables: a part continues the previous one when it opens a page, the previous one closed
    the page before, and its column edges are edges of the table (it may lack some: a column
    merged down from the page before)."""
    tables: list[list[_Part]] = []
    for index, part in enumerate(parts):
        # Parts come in page order, so the one before a part on the next page closed its page.
        previous = parts[index - 1] if index else None
        if (
            previous is not None
            and previous.page == part.page - 1
            and all(_near(edge, tables[-1][0].edges) for edge in part.edges)
        ):
            tables[-1].append(part)
        else:
            tables.append([part])
    return tables


def _near(value: float, edges: list[float]) -> bool:
    return any(abs(value - edge) <= _TOLERANCE for edge in edges)


def _sheets(tables: list[list[_Part]], file: str, limits: TableLimits) -> list[Sheet]:
    per_page = Counter(part.page for table in tables for part in table)
    seen: dict[int, int] = {}
    sheets = []
    for index, table in enumerate(tables, 1):
        sheet = Sheet(f"表{index}", file)
        # global row → (page label, row on that page)
        where: list[tuple[str, int]] = []
        merges: list[tuple[int, int, int, int]] = []
        for part in table:
            seen[part.page] = seen.get(part.page, 0) + 1
            label = f"第{part.page}页"
            if per_page[part.page] > 1:
                label += f"表{seen[part.page]}"
            offset = len(where)
            where.extend((label, row) for row in range(1, part.rows + 1))
            edges = table[0].edges
            for r1, r2, left, right, text in part.boxes:
                c1, c2 = _span(edges, left, right)
                value = normalise(text, "")
                if value is not None:
                    sheet.cells[(offset + r1, c1)] = value
                if (r2, c2) != (r1, c1):
                    merges.append((offset + r1, c1, offset + r2, c2))

        def place(row: int, col: int, where: list[tuple[str, int]] = where) -> str:
            if 1 <= row <= len(where):
                label, local = where[row - 1]
                return f"{label}!{column_letter(col)}{local}"
            return f"{column_letter(col)}{row}"

        sheet.place = place
        sheets.append(finish_sheet(sheet, merges, limits))
    return sheets
