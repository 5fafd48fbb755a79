"""Reading an .xlsx workbook into ``Sheet`` grids: once, streaming, within ``TableLimits``.

The workbook's parts are read straight from the zip (after ``zip_guard`` has checked its sizes)
through expat (``xml_parts``): the relationships to find the sheets, the shared strings, the
number formats of the cell styles, and each sheet's cells and merged ranges. One pass gives both
what a cell shows (its cached ``<v>``) and its formula (``<f>``), so the workbook is read once, not
once for values and once for formulas as openpyxl would need. Only cells that hold something are
kept; a sheet with more of them than ``max_cells`` is refused at the first one over, and the
area in use (A1 to the farthest value) must fit ``max_cells`` too, since the parser walks it.
Merged ranges are kept as ranges, clipped to that area (a merge down to row 1,048,576 below a
30-row table costs nothing), never expanded here.

Dates, percent formats and exact decimals follow openpyxl's conventions through ``sheet.
normalise_number``, so a workbook reads the same as before this reader.
"""

from __future__ import annotations

import contextlib
import datetime
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from ..errors import Problem
from ..i18n import tr, ui
from .sheet import CellValue, Sheet, TableError, cell_ref, finish_sheet, normalise, parsed_target
from .table_limits import TableLimits
from .xml_parts import Budget, XmlRefused, parse_part, unescape
from .zip_guard import open_zip

__all__ = ["MAX_COLUMN", "MAX_ROW", "parse_ref", "read_xlsx"]

MAX_ROW = 1_048_576
MAX_COLUMN = 16_384  # XFD
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_NUMBER_TEXT = 64  # a <v> longer than this is no number a person typed: kept as text


def read_xlsx(file: str, limits: TableLimits) -> list[Sheet]:
    archive = open_zip(file, limits, ui(".xlsx workbook"))
    with archive:
        budget = Budget(limits.xml_elements)
        book = _Book(archive, file, budget)
        return [_SheetReader(book, name, part, limits).read() for name, part in book.sheet_parts()]


def parse_ref(ref: str) -> tuple[int, int] | None:
    """``B12`` → (12, 2); None for anything that is not a cell of an Excel sheet."""
    match = _REF.fullmatch(ref.strip())
    if match is None:
        return None
    col = column_index_from_string(match[1].upper())
    row = int(match[2])
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COLUMN):
        return None
    return row, col


class _Book:
    """The workbook-wide parts: where the sheets are, the shared strings, the number formats."""

    def __init__(self, archive: zipfile.ZipFile, file: str, budget: Budget) -> None:
        self.archive = archive
        self.file = file
        self.budget = budget
        names = set(archive.namelist())
        main = self._relations("_rels/.rels", "").get("officeDocument", [("", "xl/workbook.xml")])
        self.workbook = main[0][1]
        if self.workbook not in names:
            raise TableError.at(
                tr(
                    "table-format",
                    "not an .xlsx workbook: it has no workbook part (xl/workbook.xml)",
                ),
                "table-format",
                file=file,
            )
        folder = posixpath.dirname(self.workbook)
        rels = posixpath.join(folder, "_rels", posixpath.basename(self.workbook) + ".rels")
        self.related = self._relations(rels, folder) if rels in names else {}
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id)
        self.epoch = CALENDAR_WINDOWS_1900
        self.parse(self.workbook, self._workbook_element)
        strings = self.related.get("sharedStrings", [])
        self.shared = _shared_strings(self, strings[0][1]) if strings else []
        styles = self.related.get("styles", [])
        self.formats = _styles(self, styles[0][1]) if styles else []

    def parse(
        self,
        part: str,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
    ) -> None:
        parse_part(self.archive, self.file, part, self.budget, start, end, text)

    def _workbook_element(self, name: str, attrs: dict[str, str]) -> None:
        if name == "sheet":
            self.sheets.append(
                (attrs.get("name", f"Sheet{len(self.sheets) + 1}"), attrs.get("id", ""))
            )
        elif name == "workbookPr" and attrs.get("date1904", "0").lower() in ("1", "true"):
            self.epoch = CALENDAR_MAC_1904

    def _relations(self, part: str, folder: str) -> dict[str, list[tuple[str, str]]]:
        """Relationship type (last word) → [(id, target part)] of a .rels part."""
        found: dict[str, list[tuple[str, str]]] = {}

        def element(name: str, attrs: dict[str, str]) -> None:
            if name == "Relationship" and attrs.get("TargetMode") != "External":
                kind = attrs.get("Type", "").rpartition("/")[2]
                target = attrs.get("Target", "")
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join(folder, target))
                found.setdefault(kind, []).append((attrs.get("Id", ""), target))

        if part in self.archive.namelist():
            self.parse(part, element)
        return found

    def sheet_parts(self) -> list[tuple[str, str]]:
        """(sheet name, part) of every worksheet in tab order (chart sheets have no cells)."""
        worksheets = dict(self.related.get("worksheet", []))
        return [(name, worksheets[rid]) for name, rid in self.sheets if rid in worksheets]


def _shared_strings(book: _Book, part: str) -> list[str]:
    """``<si>`` texts: plain ``<t>`` or rich-text runs, phonetic guides (``<rPh>``) left out."""
    strings: list[str] = []
    parts: list[str] = []
    open_elements: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        open_elements.append(name)
        if name == "si":
            parts.clear()

    def end(name: str) -> None:
        open_elements.pop()
        if name == "si":
            strings.append(unescape("".join(parts)))

    def text(data: str) -> None:
        if open_elements[-1:] == ["t"] and "rPh" not in open_elements:
            parts.append(data)

    book.parse(part, start, end, text)
    return strings


def _styles(book: _Book, part: str) -> list[str]:
    """The number format code of each cell style (``<cellXfs>`` in order)."""
    custom: dict[int, str] = {}
    formats: list[str] = []
    inside = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            inside[0] = True
        elif name == "xf" and inside[0]:
            try:
                number = int(attrs.get("numFmtId", "0"))
            except ValueError:
                number = 0
            formats.append(custom.get(number, BUILTIN_FORMATS.get(number, "General")))

    def end(name: str) -> None:
        if name == "cellXfs":
            inside[0] = False

    book.parse(part, start, end)
    return formats


@dataclass
class _Cell:
    row: int
    col: int
    kind: str
    style: int
    value: list[str] = field(default_factory=list)
    formula: list[str] | None = None


class _SheetReader:
    """One worksheet part: cells with values, formulas without a saved result, merged ranges."""

    def __init__(self, book: _Book, name: str, part: str, limits: TableLimits) -> None:
        self.book = book
        self.part = part
        self.limits = limits
        self.sheet = Sheet(name, book.file)
        self.row = 0
        self.col = 0
        self.cell: _Cell | None = None
        self.collect: list[str] | None = None
        self.phonetic = 0
        self.count = 0
        self.merges: list[tuple[int, int, int, int]] = []

    def read(self) -> Sheet:
        self.book.parse(self.part, self.start, self.end, self.text)
        return finish_sheet(self.sheet, self.merges, self.limits)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "row":
            self.row = self._number(attrs.get("r"), self.row + 1, MAX_ROW)
            self.col = 0
        elif name == "c":
            self._start_cell(attrs)
        elif self.cell is not None:
            if name == "v":
                self.collect = self.cell.value
            elif name == "f":
                self.cell.formula = []
                self.collect = self.cell.formula
            elif name == "rPh":
                self.phonetic += 1
            elif name == "t" and not self.phonetic:
                self.collect = self.cell.value
        elif name == "mergeCell":
            self._merge(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        if name in ("v", "f", "t"):
            self.collect = None
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "c" and self.cell is not None:
            self._end_cell(self.cell)
            self.cell = None

    def text(self, data: str) -> None:
        if self.collect is not None:
            self.collect.append(data)

    def _number(self, text: str | None, default: int, top: int) -> int:
        if text is None:
            return default
        try:
            number = int(text)
        except ValueError:
            number = 0
        if not 1 <= number <= top:
            raise XmlRefused(
                tr(
                    "table-xml",
                    "row number {text!r} is outside a sheet (1 to {top:,})",
                    text=text,
                    top=top,
                ),
                path=self.part,
            )
        return number

    def _start_cell(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r")
        if ref is not None:
            where = parse_ref(ref)
            if where is None:
                raise XmlRefused(
                    tr(
                        "table-xml",
                        "cell reference {ref!r} is not a cell of a sheet (A1 to XFD1048576)",
                        ref=ref[:40],
                    ),
                    path=self.part,
                )
            self.row, self.col = where
        else:
            self.col += 1
            if self.row == 0 or self.col > MAX_COLUMN:
                raise XmlRefused(
                    tr("table-xml", "a cell without a reference outside a row or past XFD"),
                    path=self.part,
                )
        try:
            style = int(attrs.get("s", "0"))
        except ValueError:
            style = 0
        self.cell = _Cell(self.row, self.col, attrs.get("t", "n"), style)

    def _end_cell(self, cell: _Cell) -> None:
        value = self._value(cell)
        if value is None:
            return
        self.count += 1
        if self.count > self.limits.max_cells:
            message = self.limits.too_many_cells()
            raise XmlRefused(message, "table-too-large", path=self.sheet.name)
        self.sheet.cells[(cell.row, cell.col)] = value

    def _value(self, cell: _Cell) -> CellValue:
        raw = "".join(cell.value)
        if not raw and cell.kind != "inlineStr":
            if cell.formula is not None:
                self._formula_without_value(cell)
            return None
        kind = cell.kind
        if kind == "s":
            try:
                return normalise(self.book.shared[int(raw)], "")
            except (ValueError, IndexError):
                raise XmlRefused(
                    tr(
                        "table-xml",
                        "cell {cell} refers to shared string {index!r}, which does not exist "
                        "(the workbook has {count:,})",
                        cell=cell_ref(cell.row, cell.col),
                        index=raw[:20],
                        count=len(self.book.shared),
                    ),
                    path=self.part,
                ) from None
        if kind in ("str", "inlineStr", "e"):
            return normalise(unescape(raw), "")
        if kind == "b":
            return normalise(raw.strip() in ("1", "true"), "")
        if kind == "d":
            return _iso_date(raw)
        return self._number_cell(raw, cell.style)

    def _number_cell(self, raw: str, style: int) -> CellValue:
        text = raw.strip()
        number_format = self.book.formats[style] if 0 <= style < len(self.book.formats) else ""
        if len(text) > _NUMBER_TEXT:
            return text
        try:
            number = float(text)
        except ValueError:
            return normalise(text, "")
        if is_date_format(number_format):
            try:
                moment = from_excel(
                    number, self.book.epoch, timedelta=is_timedelta_format(number_format)
                )
            except (OverflowError, ValueError, TypeError):
                return text
            return normalise(moment, number_format)
        value = normalise(number, number_format)
        # A number out of bounds (NaN, 1e308, 5000 digits) stays as the text written, so the
        # parser reports it as the unreadable value it is.
        return text if isinstance(value, str) and not value.endswith("%") else value

    def _formula_without_value(self, cell: _Cell) -> None:
        text = "".join(cell.formula or [])
        written = "=" + text
        ref = cell_ref(cell.row, cell.col, self.sheet.name)
        if text and parsed_target(written) is not None:
            # "=0次" stored as a formula by a program: it is the target as typed.
            self.count += 1
            self.sheet.cells[(cell.row, cell.col)] = written
            return
        message = (
            tr(
                "table-formula",
                "formula {formula} has no saved result; open and save the workbook in Excel or "
                "LibreOffice first",
                formula=written,
            )
            if text
            else tr(
                "table-formula",
                "a shared formula has no saved result; open and save the workbook in Excel or "
                "LibreOffice first",
            )
        )
        self.sheet.problems.append(Problem(message, "table-formula", file=self.book.file, path=ref))

    def _merge(self, ref: str) -> None:
        first, _, last = ref.partition(":")
        corner = parse_ref(first)
        other = parse_ref(last) if last else corner
        if corner is None or other is None:
            raise XmlRefused(
                tr("table-xml", "merged range {ref!r} is not a range of cells", ref=ref[:40]),
                path=self.part,
            )
        if len(self.merges) >= self.limits.merges:
            raise XmlRefused(
                tr(
                    "table-too-large",
                    "more than {limit:,} merged ranges; a 自评表 has a few dozen (raise "
                    "the limit with --max-cells if the file is genuine)",
                    limit=self.limits.merges,
                ),
                "table-too-large",
                path=self.sheet.name,
            )
        (r1, c1), (r2, c2) = corner, other
        self.merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))


def _iso_date(text: str) -> CellValue:
    try:
        moment = datetime.datetime.fromisoformat(text.strip().rstrip("Z"))
    except ValueError:
        return normalise(text, "")
    return normalise(moment, "")
