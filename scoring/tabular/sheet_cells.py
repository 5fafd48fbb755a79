"""Reading single cells of a filed 自评表: numbers, amounts and texts, each with its cell.

``CellReader`` is the state one ``parse_sheet`` run shares between the parts that read the header
information, the funds block, the indicator rows and the footer: the sheet, the ``FiledTable``
being filled, and the defects found so far. A cell that cannot be read is a ``Defect`` (a review
finding with its cell and code, e.g. ``unreadable_value``), never a reason to refuse the table,
and it gives no value, never a guessed one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..errors import Problem
from ..i18n import tr
from ..numbers.cell_text import is_not_applicable, normalize
from ..numbers.limits import QuantityError
from ..numbers.money import convert_money
from ..numbers.quantities import parse_quantity
from .filed import Defect, FiledTable, Located
from .sheet import Sheet

__all__ = ["CellReader", "cell_texts", "filled_right_of", "value_right_of"]

# ".32" for 1000.32: a number whose integer part was lost (a cut cell, an OCR slip).
_CUT_NUMBER = re.compile(r"^\s*[.．]\d")


class CellReader:
    """One parse's shared state (sheet, table being filled, defects) and its cell readers."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.table = FiledTable(file=sheet.file, sheet=sheet.name)
        self.problems: list[Problem] = []
        self.defects: list[Defect] = []
        for problem in sheet.problems:
            # A formula without a saved result is one cell whose value is unknown.
            if problem.code == "table-formula" and problem.path:
                row = _row_of(problem.path)
                self.defects.append(Defect("unreadable_value", problem.path, problem.message, row))
            else:
                self.problems.append(problem)

    def defect(self, row: int, col: int, code: str, message: str) -> None:
        self.defects.append(Defect(code, self.sheet.ref(row, col), message, row))

    def located(self, row: int, col: int) -> Located[str | None]:
        text = self.sheet.text(row, col)
        return Located(text or None, self.sheet.ref(row, col))

    def number(self, row: int, col: int, what: str) -> tuple[Decimal | None, bool]:
        """A 分值 or 得分 cell: (value, not-applicable marker), bare or in 分. Problems are
        recorded, never guessed; a negative number is one (no weight or score is below 0)."""
        value = self.sheet.value(row, col)
        if value is None:
            return None, False
        if isinstance(value, Decimal):
            return self._not_negative(row, col, what, value, format(value, "f")), False
        if is_not_applicable(value):
            return None, True
        if _CUT_NUMBER.match(value):
            self.defect(row, col, "unreadable_value", _cut_number(what, value))
            return None, False
        try:
            quantity = parse_quantity(value)
        except QuantityError as exc:
            self.defect(
                row,
                col,
                "unreadable_value",
                tr(
                    "unreadable_value",
                    "{what} “{value}” is not a number ({reason})",
                    what=what,
                    value=value,
                    reason=exc.message,
                ),
            )
            return None, False
        if quantity.unit not in ("", "分"):
            self.defect(
                row,
                col,
                "unreadable_value",
                tr(
                    "unreadable_value",
                    "{what} “{value}” is in “{unit}”; it should be in {allowed}",
                    what=what,
                    value=value,
                    unit=quantity.unit,
                    allowed="分",
                ),
            )
            return None, False
        return self._not_negative(row, col, what, quantity.number, value), False

    def _not_negative(
        self, row: int, col: int, what: str, number: Decimal, shown: str
    ) -> Decimal | None:
        if number < 0:
            self.defect(
                row,
                col,
                "unreadable_value",
                tr(
                    "unreadable_value",
                    "{what} “{value}” is negative: no 分值 or 得分 is below 0",
                    what=what,
                    value=shown,
                ),
            )
            return None
        return number

    def money(self, row: int, col: int, what: str, unit: str) -> Decimal | None:
        """An amount in ``unit``: a bare number is in it; "1,100,000元" is converted exactly."""
        value = self.sheet.value(row, col)
        if value is None or isinstance(value, Decimal) or is_not_applicable(value):
            return value if isinstance(value, Decimal) else None
        if _CUT_NUMBER.match(value):
            self.defect(row, col, "unreadable_value", _cut_number(what, value))
            return None
        try:
            quantity = parse_quantity(value)
            if not quantity.unit:
                return quantity.number
            return convert_money(quantity.number, quantity.unit, unit)
        except QuantityError as exc:
            self.defect(
                row,
                col,
                "unreadable_value",
                tr(
                    "unreadable_value",
                    "{what} “{value}” is not an amount of money ({reason})",
                    what=what,
                    value=value,
                    reason=exc.message,
                ),
            )
            return None


def _cut_number(what: str, value: str) -> str:
    return tr(
        "unreadable_value",
        "{what} “{value}” lacks its integer part (the number was cut off)",
        what=what,
        value=value,
    )


def _row_of(ref: str) -> int:
    """The row number of a reference such as ``Sheet1!G12`` (0 when it names none)."""
    digits = ref.rsplit("!", 1)[-1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ$")
    return int(digits) if digits.isdigit() else 0


def cell_texts(sheet: Sheet, rows: range) -> Iterator[tuple[int, int, str]]:
    """``(row, col, normalised text)`` of each cell of ``rows``, left to right and top down, a
    merged range once (at its top-left cell), blank cells included: where a label is looked for
    anywhere in a block of rows."""
    for row in rows:
        for col in range(1, sheet.max_col + 1):
            if sheet.is_merge_origin(row, col):
                yield row, col, normalize(sheet.text(row, col))


def filled_right_of(sheet: Sheet, row: int, col: int) -> Iterator[int]:
    """The columns of the filled cells right of (row, col), past its own merge, each merged range
    once (at its top-left cell)."""
    rng = sheet.merge(row, col)
    for c in range((rng[3] if rng else col) + 1, sheet.max_col + 1):
        if sheet.value(row, c) is not None and sheet.is_merge_origin(row, c):
            yield c


def value_right_of(
    reader: CellReader, row: int, col: int, labels: tuple[str, ...]
) -> tuple[str, int] | None:
    """The text (and its column) that a label cell labels: the next filled cell to its right.

    It is nothing if the next filled cell is itself one of ``labels`` (an empty field).
    """
    sheet = reader.sheet
    c = next(filled_right_of(sheet, row, col), None)
    if c is None or any(word in normalize(sheet.text(row, c)) for word in labels):
        return None
    return sheet.text(row, c), c
