"""A filed table as a grid of plain values, merges kept, from whichever file it came in.

``read_sheets`` decides by the file's content (a zip, an OLE compound file, a PDF, else text),
with its extension as the first check, and hands it to one reader: ``read_xlsx`` (.xlsx/.xlsm),
``read_xls`` (old Excel), ``read_docx`` (each table of a Word document), ``read_pdf`` (the tables
of a PDF with a text layer) or ``read_csv``. Each gives the same ``Sheet`` grid, so the parser does
not know where a table came from; all of them stay within ``TableLimits`` (the file's size here,
the rest in the readers), and every failure is a ``TableError`` naming the file and, where it can,
the part, page or cell.

Values are normalised once here so the parser sees one shape: text stripped (empty → None),
numbers as exact ``Decimal`` (Excel's float digits read back through ``repr``, so 9.8 stays 9.8),
percent-formatted numbers as text ``"99.14%"`` (Excel stores 99.14% as 0.9914), dates as text. A
number beyond what a table can mean (NaN, infinity, 1e308, thousands of digits) stays as its text,
for the parser to report as the unreadable value it is. A formula without a cached result (a
workbook written by a program and never opened in Excel) is a problem naming its cell: its value is
unknown, and is not guessed.
"""

from __future__ import annotations

import datetime
import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..errors import Problem, ScoringError
from ..i18n import N_, tr, ui
from ..numbers.limits import MAX_DECIMAL_PLACES, MAX_INTEGER_DIGITS, QuantityError
from ..numbers.quantities import Quantity, Target, parse_quantity, parse_target
from .table_limits import TableLimits, current_limits

__all__ = [
    "CellValue",
    "Sheet",
    "TableError",
    "cell_ref",
    "column_letter",
    "finish_sheet",
    "named_sheet",
    "normalise",
    "parsed_quantity",
    "parsed_target",
    "read_sheet",
    "read_sheets",
]

CellValue = str | Decimal | None


class TableError(ScoringError):
    """A filed table cannot be read: every problem names its sheet and cell, in table order."""

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        super().__init__(problems)
        # By row, then column (Sheet1!F2 before Sheet1!E10), not by the text of the reference.
        self.problems = tuple(sorted(self.problems, key=_table_order))
        self.args = ("\n".join(str(p) for p in self.problems),)

    @classmethod
    def at(
        cls,
        message: str,
        code: str,
        *,
        file: str | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> TableError:
        """The error of one problem: ``TableError.at(message, code, file=…, path=…)``."""
        return cls(Problem(message, code, file=file, line=line, path=path))


def _range(rng: tuple[int, int, int, int]) -> str:
    return f"{cell_ref(rng[0], rng[1])}:{cell_ref(rng[2], rng[3])}"


def _table_order(problem: Problem) -> tuple[str, str, int, int, str]:
    sheet, _, ref = (problem.path or "").rpartition("!")
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    if not (letters.isalpha() and digits.isdigit()):
        return problem.file or "", problem.path or "", 0, 0, problem.message
    col = 0
    for letter in letters.upper():
        col = col * 26 + ord(letter) - ord("A") + 1
    return problem.file or "", sheet, int(digits), col, ""


def column_letter(col: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_ref(row: int, col: int, sheet: str | None = None) -> str:
    """``F12``, or ``Sheet1!F12`` with a sheet name (quoted when it has spaces or punctuation)."""
    ref = f"{column_letter(col)}{row}"
    if sheet is None:
        return ref
    plain = sheet.replace("_", "a").isalnum()
    return f"{sheet if plain else repr(sheet)}!{ref}"


@dataclass
class Sheet:
    """One sheet's values by (row, column), 1-based; merged ranges as (row1, col1, row2, col2).

    ``place`` names a cell where the sheet name and A1 do not say where it is (a PDF table: the
    page and the row on that page); other sheets name cells ``Sheet1!F12``.
    """

    name: str
    file: str
    cells: dict[tuple[int, int], CellValue] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    max_row: int = 0
    max_col: int = 0
    place: Callable[[int, int], str] | None = None

    def __post_init__(self) -> None:
        self._merge_at: dict[tuple[int, int], tuple[int, int, int, int]] = {}

    def index_merges(self) -> None:
        """Index every cell of the merged ranges. The readers clip the ranges to the area in use
        first (``finish_sheet``), and ranges may not overlap (Excel refuses such a file), so the
        index holds at most one entry per cell of that area."""
        self._merge_at = {}
        for rng in self.merges:
            r1, c1, r2, c2 = rng
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    other = self._merge_at.setdefault((r, c), rng)
                    if other is not rng:
                        raise TableError.at(
                            tr(
                                "table-merge",
                                "merged range {range} overlaps {other} at {cell}; no office "
                                "program writes that: open the file in Excel or WPS, fix the "
                                "merged cells and save it",
                                range=_range(rng),
                                other=_range(other),
                                cell=cell_ref(r, c),
                            ),
                            "table-merge",
                            file=self.file,
                            path=self.ref(r1, c1),
                        )

    def raw(self, row: int, col: int) -> CellValue:
        return self.cells.get((row, col))

    def merge(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        return self._merge_at.get((row, col))

    def value(self, row: int, col: int) -> CellValue:
        """The value shown at (row, col): a merged range shows its top-left value everywhere."""
        rng = self._merge_at.get((row, col))
        return self.cells.get((row, col) if rng is None else (rng[0], rng[1]))

    def text(self, row: int, col: int) -> str:
        value = self.value(row, col)
        if value is None:
            return ""
        return value if isinstance(value, str) else format(value, "f")

    def ref(self, row: int, col: int) -> str:
        if self.place is not None:
            return self.place(row, col)
        return cell_ref(row, col, self.name)

    def is_merge_origin(self, row: int, col: int) -> bool:
        rng = self._merge_at.get((row, col))
        return rng is None or (rng[0], rng[1]) == (row, col)


# Extension → reader; the content decides between them (a .xls saved as .xlsx is still read).
_READERS = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".docx": "docx",
    ".pdf": "pdf",
    ".csv": "csv",
}
READ = N_(".xlsx, .xlsm, .xls, .docx, .pdf (with a text layer) and .csv")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_sheets(path: str | os.PathLike[str], limits: TableLimits | None = None) -> list[Sheet]:
    """Every sheet of a workbook, every table of a .docx or .pdf, or the one table of a .csv."""
    limits = limits or current_limits()
    file = os.fspath(path)
    suffix = Path(file).suffix.lower()
    if suffix not in _READERS:
        raise TableError.at(
            tr(
                "table-format",
                "cannot read {suffix}: jixiao reads {read} files; save .et, .wps, .ods or "
                "other files as .xlsx first (另存为 → Excel 工作簿)",
                suffix=suffix or ui("a file without extension"),
                read=ui(READ),
            ),
            "table-format",
            file=file,
        )
    kind = _sniff(file, suffix, limits)
    # Each reader is imported when its kind of file is read: reading a .csv loads none of
    # openpyxl, xlrd, python-docx and pdfplumber.
    module = importlib.import_module(f".read_{kind}", __package__)
    reader: Callable[[str, TableLimits], list[Sheet]] = getattr(module, f"read_{kind}")
    return reader(file, limits)


def _sniff(file: str, suffix: str, limits: TableLimits) -> str:
    """The reader for the file's content; its size is checked first, before anything is read."""
    try:
        if os.path.isdir(file):
            raise TableError.at(
                tr("table-missing", "is a directory, not a table file"),
                "table-missing",
                file=file,
            )
        size = os.path.getsize(file)
        with open(file, "rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise TableError.at(
            tr("table-missing", "no such file"), "table-missing", file=file
        ) from None
    except OSError as exc:
        raise TableError.at(
            tr("table-missing", "cannot read: {reason}", reason=exc.strerror),
            "table-missing",
            file=file,
        ) from None
    if size > limits.file_bytes:
        raise TableError.at(
            tr(
                "table-too-large",
                "file is {size:.1f} MB, larger than the {limit:.1f} MB limit for a filed "
                "table (raise the limits with --max-cells if the file is genuine)",
                size=size / 1e6,
                limit=limits.file_bytes / 1e6,
            ),
            "table-too-large",
            file=file,
        )
    if size == 0:
        raise TableError.at(tr("table-format", "is empty (0 bytes)"), "table-format", file=file)
    if head.startswith(b"PK"):
        return "docx" if suffix == ".docx" else "xlsx"
    if head == _OLE:
        if suffix == ".docx":
            # An OLE file is an old Word .doc or a password-protected .docx, never a .docx.
            raise TableError.at(
                tr(
                    "table-format",
                    "is an old Word .doc file or a password-protected .docx, which jixiao "
                    "cannot open; save it as .docx (另存为 → Word 文档) without a password",
                ),
                "table-format",
                file=file,
            )
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    if suffix == ".csv":
        return "csv"
    what = {
        "xlsx": N_(".xlsx workbook"),
        "xls": N_(".xls workbook"),
        "docx": N_(".docx document"),
        "pdf": N_("PDF file"),
    }
    raise TableError.at(
        tr(
            "table-format",
            "not a readable {what}: its content is none of the formats jixiao reads "
            "({read}); open it in the program that wrote it and save it again",
            what=ui(what[_READERS[suffix]]),
            read=ui(READ),
        ),
        "table-format",
        file=file,
    )


def read_sheet(
    path: str | os.PathLike[str], name: str | None = None, limits: TableLimits | None = None
) -> Sheet:
    """One sheet by name, or the first one."""
    sheets = read_sheets(path, limits)
    if not sheets:
        raise TableError.at(
            tr("table-no-header", "has no table"), "table-no-header", file=os.fspath(path)
        )
    return sheets[0] if name is None else named_sheet(sheets, name, os.fspath(path))


def named_sheet(sheets: list[Sheet], name: str, file: str) -> Sheet:
    """The sheet called ``name``; a ``table-sheet`` error listing the others if none is."""
    for sheet in sheets:
        if sheet.name == name:
            return sheet
    names = ", ".join(s.name for s in sheets)
    raise TableError.at(
        tr(
            "table-sheet",
            "no sheet named {sheet!r}; the workbook has {names}",
            sheet=name,
            names=names,
        ),
        "table-sheet",
        file=file,
    )


def finish_sheet(
    sheet: Sheet, merges: Iterable[tuple[int, int, int, int]], limits: TableLimits
) -> Sheet:
    """Size the sheet to the area its values use, refuse it over ``max_cells``, clip the merges
    to it and index them: what every reader does last."""
    rows = max((r for r, _ in sheet.cells), default=0)
    cols = max((c for _, c in sheet.cells), default=0)
    if rows * cols > limits.max_cells:
        far_row = max(sheet.cells, key=lambda at: (at[0], at[1]))
        far_col = max(sheet.cells, key=lambda at: (at[1], at[0]))
        raise TableError.at(
            tr(
                "table-too-large",
                "the values in use span A1:{corner} ({rows:,} rows × {cols:,} columns = "
                "{cells:,} cells), over the {limit:,}-cell limit: the farthest are {far_row} "
                "and {far_col}; delete stray values far from the table, or raise the limit "
                "with --max-cells",
                corner=column_letter(cols) + str(rows),
                rows=rows,
                cols=cols,
                cells=rows * cols,
                limit=limits.max_cells,
                far_row=cell_ref(*far_row),
                far_col=cell_ref(*far_col),
            ),
            "table-too-large",
            file=sheet.file,
            path=sheet.name,
        )
    sheet.max_row, sheet.max_col = rows, cols
    sheet.merges = []
    for r1, c1, r2, c2 in merges:
        # A merge reaching past the values is cut at their edge; one wholly outside is nothing.
        clipped = (r1, c1, min(r2, rows), min(c2, cols))
        if r1 <= rows and c1 <= cols and (clipped[2], clipped[3]) != (r1, c1):
            sheet.merges.append(clipped)
    sheet.index_merges()
    return sheet


def parsed_target(text: str) -> Target | None:
    """``text`` as a target ("=0次", "≥95%"), or None when it reads as none."""
    try:
        return parse_target(text)
    except QuantityError:
        return None


def parsed_quantity(text: str) -> Quantity | None:
    """``text`` as a quantity ("95%", "26次"), or None when it reads as none."""
    try:
        return parse_quantity(text)
    except QuantityError:
        return None


def normalise(value: object, number_format: str) -> CellValue:
    """A cell's value as the parser sees it (see the module docstring); ``number_format`` is the
    cell's Excel number format, which makes 0.9914 read "99.14%"."""
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        number = _exact(value)
        if number is None:
            return _unreadable(value)
        if "%" in number_format.replace('"%"', "").replace("\\%", ""):
            return format(_tidy(number * 100), "f") + "%"
        return number
    return str(value).strip() or None


def _exact(value: float | Decimal) -> Decimal | None:
    """The exact decimal, or None for a number no table means (not finite, over 15 digits)."""
    if isinstance(value, int) and value.bit_length() > 64:
        return None  # str() of a 5,000-digit int is refused by Python itself; no need to try
    # repr() is the shortest text giving a float: the digits a person typed in Excel (and "nan"
    # or "inf", which Decimal reads as the values the check below refuses).
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or (number and number.adjusted() >= MAX_INTEGER_DIGITS):
        return None
    return _tidy(number) if isinstance(value, float) else number


def _unreadable(value: float | Decimal) -> str:
    if isinstance(value, int):
        return format(Decimal(value), ".6E")
    return repr(value) if isinstance(value, float) else str(value)


def _tidy(number: Decimal) -> Decimal:
    """Drop float noise past ten decimals (29.999999999999996 → 30) and trailing zeros."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMAL_PLACES:
        number = number.quantize(Decimal(1).scaleb(-MAX_DECIMAL_PLACES))
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()
