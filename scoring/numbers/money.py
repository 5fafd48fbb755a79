"""Money units and exact conversion between them: 元, 千元, 万元, 百万元, 千万元 and 亿元.

Reports state amounts in any of these units, so the engine converts them: in one call
(``convert_money``, ``convert_money_by``), or as a scale worked out once per unit pair and
applied to each amount with ``exact_multiply`` or ``exact_divide`` (``money_scale``). Every unit
is a power of ten and all arithmetic is in ``scoring.numbers.limits.CTX``, so a conversion never
rounds. Pure functions, no I/O; an unknown unit is a ``QuantityError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from ..i18n import tr
from .cell_text import normalize
from .limits import CTX, QuantityError, show

# fmt: off
__all__ = [
    "MONEY_UNITS", "SHORT_MONEY_UNITS", "convert_money", "convert_money_by", "exact_divide",
    "exact_multiply", "money_factor", "money_scale",
]
# fmt: on

_MONEY = {"元": 1, "千元": 10**3, "万元": 10**4, "百万元": 10**6, "千万元": 10**7, "亿元": 10**8}
MONEY_UNITS: Mapping[str, Decimal] = MappingProxyType({u: Decimal(f) for u, f in _MONEY.items()})


# How reports shorten a money unit after an amount ("185万", "1.2亿"): read as that unit in a
# value, never declared as a spec's unit (a spec says 万元, so every table prints the same).
SHORT_MONEY_UNITS: Mapping[str, str] = MappingProxyType({"万": "万元", "亿": "亿元"})


def money_factor(unit: str) -> Decimal | None:
    """How many 元 one of ``unit`` is, or None when ``unit`` is not a money unit."""
    factor = MONEY_UNITS.get(unit)
    if factor is None:
        unit = normalize(unit)
        factor = MONEY_UNITS.get(SHORT_MONEY_UNITS.get(unit, unit))
    return factor


def convert_money(number: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert exactly between 元, 千元, 万元, 百万元, 千万元 and 亿元."""
    return convert_money_by(number, _money(from_unit), _money(to_unit))


def convert_money_by(number: Decimal, from_factor: Decimal, to_factor: Decimal) -> Decimal:
    """``number`` of a unit worth ``from_factor`` 元 in units worth ``to_factor`` 元, exactly."""
    if from_factor == to_factor:
        # Multiplying and dividing by the same power of ten is exact and gives back the
        # dividend's exponent: ``number`` itself, digit for digit (tests/test_quantities.py).
        return number
    return CTX.divide(CTX.multiply(number, from_factor), to_factor)


def money_scale(from_factor: Decimal, to_factor: Decimal) -> tuple[Decimal | None, bool]:
    """(scale, up): an amount in units worth ``from_factor`` 元 is ``exact_multiply(amount,
    scale)`` in units worth ``to_factor`` 元 when ``up``, else ``exact_divide(amount, scale)``;
    scale None when the units are one. Money units are powers of ten, so one step gives what
    ``convert_money_by`` gives, digit for digit (both quotients are exact at the same ideal
    exponent)."""
    if from_factor == to_factor:
        return None, True
    if from_factor > to_factor:
        return CTX.divide(from_factor, to_factor), True
    return CTX.divide(to_factor, from_factor), False


exact_multiply = CTX.multiply  # bound once: a Context's attribute lookup costs more than the sum
exact_divide = CTX.divide


def _money(unit: str) -> Decimal:
    factor = money_factor(unit)
    if factor is None:
        message = tr(
            "bad-unit",
            "{unit} is not a money unit: expected one of {units}",
            unit=show(unit),
            units=", ".join(MONEY_UNITS),
        )
        raise QuantityError(message, "bad-unit")
    return factor
