"""A filled spreadsheet as a grid of plain values: xlsx (openpyxl) or csv, merges kept.

Values are normalised once here so the parser sees one shape: text stripped (empty → None),
numbers as exact ``Decimal`` (Excel's float digits read back through ``repr``, so 9.8 stays 9.8),
percent-formatted numbers as text ``"99.14%"`` (Excel stores 99.14% as 0.9914), dates as text.
A formula without a cached result (a workbook written by a program and never opened in Excel) is a
problem naming its cell: its value is unknown, and is not guessed.
"""

from __future__ import annotations

import csv
import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..errors import Problem, ScoringError
from ..number_limits import QuantityError
from ..quantities import parse_target

__all__ = [
    "CellValue",
    "Sheet",
    "TableError",
    "cell_ref",
    "column_letter",
    "read_sheet",
    "read_sheets",
]

CellValue = str | Decimal | None
_MAX_PLACES = 10


class TableError(ScoringError):
    """A filed table cannot be read: every problem names its sheet and cell, in table order."""

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        super().__init__(problems)
        # By row, then column (Sheet1!F2 before Sheet1!E10), not by the text of the reference.
        self.problems = tuple(sorted(self.problems, key=_table_order))
        self.args = ("\n".join(str(p) for p in self.problems),)


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
    """One sheet's values by (row, column), 1-based; merged ranges as (row1, col1, row2, col2)."""

    name: str
    file: str
    cells: dict[tuple[int, int], CellValue] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    max_row: int = 0
    max_col: int = 0

    def __post_init__(self) -> None:
        self._merge_at: dict[tuple[int, int], tuple[int, int, int, int]] = {}

    def index_merges(self) -> None:
        self._merge_at = {}
        for rng in self.merges:
            r1, c1, r2, c2 = rng
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self._merge_at[(r, c)] = rng

    def raw(self, row: int, col: int) -> CellValue:
        return self.cells.get((row, col))

    def merge(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        return self._merge_at.get((row, col))

    def value(self, row: int, col: int) -> CellValue:
        """The value shown at (row, col): a merged range shows its top-left value everywhere."""
        rng = self._merge_at.get((row, col))
        if rng is not None:
            return self.cells.get((rng[0], rng[1]))
        return self.cells.get((row, col))

    def text(self, row: int, col: int) -> str:
        value = self.value(row, col)
        if value is None:
            return ""
        return value if isinstance(value, str) else format(value, "f")

    def ref(self, row: int, col: int) -> str:
        return cell_ref(row, col, self.name)

    def is_merge_origin(self, row: int, col: int) -> bool:
        rng = self._merge_at.get((row, col))
        return rng is None or (rng[0], rng[1]) == (row, col)


def read_sheets(path: str | os.PathLike[str]) -> list[Sheet]:
    """Every sheet of an xlsx workbook (or the one table of a csv file), values normalised."""
    file = os.fspath(path)
    suffix = Path(file).suffix.lower()
    if suffix == ".csv":
        return [_read_csv(file)]
    if suffix not in (".xlsx", ".xlsm"):
        raise TableError(
            Problem(
                f"cannot read {suffix or 'a file without extension'}: expected an .xlsx workbook "
                "(save .xls/.et/.wps files as .xlsx first) or a .csv file",
                "table-format",
                file=file,
            )
        )
    return _read_xlsx(file)


def read_sheet(path: str | os.PathLike[str], name: str | None = None) -> Sheet:
    """One sheet by name, or the first one."""
    sheets = read_sheets(path)
    if name is None:
        return sheets[0]
    for sheet in sheets:
        if sheet.name == name:
            return sheet
    names = ", ".join(s.name for s in sheets)
    raise TableError(
        Problem(
            f"no sheet named {name!r}; the workbook has {names}",
            "table-sheet",
            file=os.fspath(path),
        )
    )


def _read_xlsx(file: str) -> list[Sheet]:
    import zipfile

    import openpyxl

    try:
        values = openpyxl.load_workbook(file, data_only=True)
        formulas = openpyxl.load_workbook(file, data_only=False)
    except FileNotFoundError:
        raise TableError(Problem("no such file", "table-missing", file=file)) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(
            Problem(f"not a readable .xlsx workbook ({exc})", "table-format", file=file)
        ) from None
    sheets = []
    for ws in values.worksheets:
        sheet = Sheet(ws.title, file, max_row=ws.max_row, max_col=ws.max_column)
        source = formulas[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                r, c = cell.row, cell.column
                if r is None or c is None:  # pragma: no cover - only for cells never placed
                    continue
                if cell.value is None:
                    written = source.cell(row=r, column=c).value
                    if isinstance(written, str) and _is_target(written):
                        # "=0次" stored as a formula by a program: it is the target as typed.
                        sheet.cells[(r, c)] = written
                    elif isinstance(written, str) and written.startswith("="):
                        sheet.problems.append(
                            Problem(
                                f"formula {written} has no saved result; open and save the "
                                "workbook in Excel or LibreOffice first",
                                "table-formula",
                                file=file,
                                path=cell_ref(r, c, ws.title),
                            )
                        )
                    continue
                value = _normalise(cell.value, str(cell.number_format or ""))
                if value is not None:
                    sheet.cells[(r, c)] = value
        for rng in ws.merged_cells.ranges:
            sheet.merges.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
        sheet.index_merges()
        sheets.append(sheet)
    return sheets


def _read_csv(file: str) -> Sheet:
    try:
        raw = Path(file).read_bytes()
    except OSError as exc:
        raise TableError(
            Problem(f"cannot read: {exc.strerror}", "table-missing", file=file)
        ) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise TableError(Problem("not UTF-8 or GB18030 text", "table-format", file=file))
    sheet = Sheet(Path(file).stem, file)
    for r, row in enumerate(csv.reader(text.splitlines()), start=1):
        for c, value in enumerate(row, start=1):
            normal = _normalise(value, "")
            if normal is not None:
                sheet.cells[(r, c)] = normal
                sheet.max_col = max(sheet.max_col, c)
        sheet.max_row = r
    sheet.index_merges()
    return sheet


def _is_target(text: str) -> bool:
    try:
        parse_target(text)
    except QuantityError:
        return False
    return True


def _normalise(value: object, number_format: str) -> CellValue:
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
        if "%" in number_format.replace('"%"', "").replace("\\%", ""):
            return format(_tidy(number * 100), "f") + "%"
        return number
    return str(value).strip() or None


def _exact(value: float | Decimal) -> Decimal:
    if isinstance(value, float):
        # repr() is the shortest text giving this float: the digits a person typed in Excel.
        return _tidy(Decimal(repr(value)))
    return Decimal(value)


def _tidy(number: Decimal) -> Decimal:
    """Drop float noise past ten decimals (29.999999999999996 → 30) and trailing zeros."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_MAX_PLACES:
        number = number.quantize(Decimal(1).scaleb(-_MAX_PLACES))
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()
