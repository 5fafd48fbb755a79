"""Numbers as reports print them: "109.05万元", "99.14%", "≥95%", never "1.1E+6".

The ``Decimal`` → text side of ``scoring.numbers.quantities``: fixed-point formatting with half-up
rounding, percentages from ratios, a number with its unit, and a target with its operator
(``OPERATORS``, the forms ``scoring.numbers.quantities.parse_target`` reads every operator into). Pure
functions, no I/O.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

from ..i18n import tr
from .limits import CTX, QuantityError, show

__all__ = [
    "OPERATORS",
    "format_number",
    "format_percent",
    "format_quantity",
    "format_target",
    "places_of",
]

OPERATORS = ("≥", "≤", "=", ">", "<")


# Digits a number may print to in fixed point. Every value read is bounded far below (15 + 10),
# but a formula may compute up to the exponent limit of its context (1E+999999): printed in full,
# one such value was a 10 MB line. Beyond this it is shown as 1.234568E+983040.
_MAX_FIXED_DIGITS = 1000


def format_number(d: Decimal, places: int | None = None) -> str:
    """Fixed point, never scientific (but for a runaway result of over 1,000 digits); ``places``
    rounds half-up, else trailing zeros are dropped."""
    if not d.is_finite():
        message = tr("not-finite", "{value} is not a finite number", value=show(str(d)))
        raise QuantityError(message, "not-finite")
    if d and abs(d.adjusted()) > _MAX_FIXED_DIGITS:
        return format(d, ".6E")
    if places is None:
        text = format(d, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        if places < 0:
            raise ValueError(f"places must be 0 or more, not {places}")
        # A quantize result needs adjusted() + places + 1 digits; widen the context if ours is short.
        needed = max(d.adjusted(), 0) + places + 2
        ctx = CTX if needed <= CTX.prec else Context(prec=needed, rounding=ROUND_HALF_UP)
        text = format(d.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, ctx), "f")
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def format_percent(ratio: Decimal) -> str:
    """A ratio as reports print it: 0.9914 → "99.14%", 1 → "100%" (two places, half-up)."""
    percent = (ratio * 100).quantize(Decimal("0.01"), ROUND_HALF_UP, CTX)
    return format_number(percent) + "%"


def format_quantity(number: Decimal, unit: str, places: int | None = None) -> str:
    """Number and unit as a report prints them: "109.05万元", "99.14%", "158批次"."""
    return format_number(number, places) + unit


def format_target(op: str | None, number: Decimal, unit: str) -> str:
    """A target as a report prints it: "≥95%", "=0次", or just the quantity without an operator."""
    if op is not None and op not in OPERATORS:
        raise ValueError(f"operator must be one of {' '.join(OPERATORS)} or None, not {op!r}")
    return (op or "") + format_quantity(number, unit)


def places_of(number: Decimal) -> int:
    """The decimal places ``number`` needs, trailing zeros dropped: 1 for 99.50, 0 for a whole
    number (100, 1E+2) and for a value that is not finite."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
