"""Reading single cells of a filed 自评表: numbers, amounts and texts, each with its cell.

``CellReader`` is the state one ``parse_sheet`` run shares between the parts that read the header
information, the funds block, the indicator rows and the footer: the sheet, the ``FiledTable``
being filled, and the problems found so far. Problems are collected rather than raised, so that one
run lists every unreadable cell; a cell that cannot be read gives no value, never a guessed one.
"""

from __future__ import annotations

from decimal import Decimal

from ..cell_text import is_not_applicable, normalize
from ..errors import Problem
from ..money import convert_money
from ..number_limits import QuantityError
from ..quantities import parse_quantity
from .filed import FiledTable, Located
from .sheet import Sheet

__all__ = ["CellReader", "value_right_of"]


class CellReader:
    """One parse's shared state (sheet, table being filled, problems) and its cell readers."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.table = FiledTable(file=sheet.file, sheet=sheet.name)
        self.problems: list[Problem] = list(sheet.problems)

    def problem(self, row: int, col: int, message: str, code: str) -> None:
        self.problems.append(
            Problem(message, code, file=self.sheet.file, path=self.sheet.ref(row, col))
        )

    def located(self, row: int, col: int) -> Located[str | None]:
        text = self.sheet.text(row, col)
        return Located(text or None, self.sheet.ref(row, col))

    def number(
        self, row: int, col: int, what: str, units: tuple[str, ...] = ("", "分")
    ) -> tuple[Decimal | None, bool]:
        """A number cell: (value, not-applicable marker). Problems are recorded, never guessed."""
        value = self.sheet.value(row, col)
        if value is None:
            return None, False
        if isinstance(value, Decimal):
            return value, False
        if is_not_applicable(value):
            return None, True
        try:
            quantity = parse_quantity(value)
        except QuantityError as exc:
            self.problem(row, col, f"{what}: {exc.message}", "table-number")
            return None, False
        if quantity.unit not in units:
            allowed = "、".join(u for u in units if u) or "none"
            self.problem(
                row,
                col,
                f"{what} {value!r} has the unit {quantity.unit!r}; expected {allowed}",
                "table-number",
            )
            return None, False
        return quantity.number, False

    def money(self, row: int, col: int, what: str, unit: str) -> Decimal | None:
        return _money(self, row, col, what, unit)


def _money(reader: CellReader, row: int, col: int, what: str, unit: str) -> Decimal | None:
    """An amount in ``unit``: a bare number is in it; "1,100,000元" is converted exactly."""
    value = reader.sheet.value(row, col)
    if value is None or isinstance(value, Decimal) or is_not_applicable(value):
        return value if isinstance(value, Decimal) else None
    try:
        quantity = parse_quantity(value)
        if not quantity.unit:
            return quantity.number
        return convert_money(quantity.number, quantity.unit, unit)
    except QuantityError as exc:
        reader.problem(row, col, f"{what}: {exc.message}", "table-number")
        return None


def value_right_of(
    reader: CellReader, row: int, col: int, labels: tuple[str, ...]
) -> tuple[str, int] | None:
    """The text (and its column) that a label cell labels: the next filled cell to its right.

    The search starts past the label's own merge and skips the covered parts of other merges;
    it stops at nothing if the next filled cell is itself one of ``labels`` (an empty field).
    """
    sheet = reader.sheet
    rng = sheet.merge(row, col)
    start = (rng[3] if rng else col) + 1
    for c in range(start, sheet.max_col + 1):
        text = sheet.text(row, c)
        if not text:
            continue
        if sheet.merge(row, c) and not sheet.is_merge_origin(row, c):
            continue
        if any(word in normalize(text) for word in labels):
            return None
        return text, c
    return None
