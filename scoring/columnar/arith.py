"""Filtered arithmetic: a column of Decimals computed in float64, with a bound on the error.

The engine computes in ``Decimal`` (28 digits, ``formula_context``); a column computed in
float64 differs from it by a few units in the last place of a double. That never changes a
rounded score, a comparison or a grade unless the value lies within that error of a rounding
boundary or of what it is compared with. So every number here is a ``Num``: its float value
and ``err``, an upper bound of |value − the engine's Decimal|. Where a result depends on which
side of a boundary the Decimal lies and the bound does not tell (a value within ``err`` of it),
the row is marked *undecided* and goes to the detailed engine, which computes it exactly: the
columnar path never decides a row differently, it declines it.

A column is counted in a power of ten (``Num.scale``): amounts to 10^-6 万元 are whole numbers
there. ``err`` is 0 exactly when the float *is* the engine's Decimal: exact operands whose
result is a whole number below 2^53 (arithmetic on whole doubles that gives one is exact, and
Decimal holds such a number exactly too). Exact values compare and round exactly: 405.73 ÷
405.73 is 1 and reaches a target of 100%.

Bounds (a ≈ the float, A the engine's Decimal, |a − A| ≤ ea; ε = 2^-53 for a double, the
Decimal's own rounding, 10^-27 relative, is far below it):
  a ± b: ea + eb + |r|·2ε        a × b: |a|·eb + |b|·ea + ea·eb + |r|·2ε
  a ÷ b: (|a|·eb + |b|·ea) ÷ (|b|·(|b| − eb)) + |r|·2ε, and undecided where |b| ≤ eb
each computed bound widened by 2^-40 relative, which covers the rounding of the bound itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .fold import Col, min_of, when

__all__ = [
    "WHOLE_LIMIT",
    "Flag",
    "Num",
    "aligned",
    "compared",
    "exact_float",
    "num_of",
    "rounded",
    "whole",
]

EPS2 = 2.0**-52  # two rounding errors of a double, relative
SLACK = 1.0 + 2.0**-40  # widens a computed bound past the rounding of its own arithmetic
WHOLE_LIMIT = 2.0**53
QUOTIENT_PLACES = 6  # see ``divide``


@dataclass(frozen=True)
class Num:
    """A column of numbers: ``val`` (Float64, null where the engine has None), ``err`` (the
    bound; 0: exact), ``scale``, the power of ten the column is counted in, and, for scores
    rounded to the spec's places, ``q``: the Int64 count of quanta, which the totals add
    exactly."""

    val: Col
    err: Col
    q: Col | None = None
    scale: int = 0  # the number is val × 10^scale (and its error err × 10^scale)


@dataclass(frozen=True)
class Flag:
    """A column of yes/no (Boolean, null where the engine has None)."""

    val: Col


def exact_float(value: Decimal, scale: int = 0) -> float | None:
    """``value`` ÷ 10^scale as a float when that is a whole number below 2^53 (exact)."""
    shifted = value.scaleb(-scale)
    if shifted != shifted.to_integral_value() or abs(shifted) >= Decimal(2**53):
        return None
    return float(shifted)


def scale_of(value: Decimal) -> int:
    """The power of ten ``value`` is a whole number of (0.01 for 4.75), at most 10^-12."""
    exponent = value.as_tuple().exponent
    return max(min(exponent, 0), -12) if isinstance(exponent, int) else 0


def num_of(value: Decimal, places: int | None = None) -> Num:
    """A constant, counted in its own power of ten. ``places``: also its count of quanta when
    it is a multiple of the quantum."""
    scale = scale_of(value)
    as_float = float(value.scaleb(-scale))
    exact = exact_float(value, scale) is not None
    err = 0.0 if exact else abs(as_float) * EPS2
    q = None
    if places is not None:
        quanta = value.scaleb(places)
        if quanta == quanta.to_integral_value():
            q = Col(int(quanta))
    return Num(Col(as_float), Col(err), q, scale)


def whole(x: Col) -> Col:
    """Whether a double is a whole number below 2^53."""
    return (x.abs() < WHOLE_LIMIT) & (x.floor() == x)


def _result(r: Col, bound: Col, exact: Col, scale: int) -> Num:
    err = when(exact, 0.0, bound * SLACK + r.abs() * EPS2)
    return Num(r, err, None, scale)


def rescaled(a: Num, scale: int) -> Num:
    """``a`` counted in 10^scale (scale ≤ a.scale): val × 10^(a.scale − scale)."""
    if scale == a.scale:
        return a
    factor = 10.0 ** (a.scale - scale)  # exact up to 10^22
    r = a.val * factor
    moved = _result(r, a.err * factor, (a.err == 0) & whole(r), scale)
    return Num(moved.val, moved.err, a.q, scale)


def aligned(a: Num, b: Num) -> tuple[Num, Num]:
    scale = min(a.scale, b.scale)
    return rescaled(a, scale), rescaled(b, scale)


def add(a: Num, b: Num, sign: float = 1.0) -> Num:
    a, b = aligned(a, b)
    r = a.val + b.val if sign > 0 else a.val - b.val
    return _result(r, a.err + b.err, (a.err == 0) & (b.err == 0) & whole(r), a.scale)


def multiply(a: Num, b: Num) -> Num:
    r = a.val * b.val
    bound = a.val.abs() * b.err + b.val.abs() * a.err + a.err * b.err
    return _result(r, bound, (a.err == 0) & (b.err == 0) & whole(r), a.scale + b.scale)


def divide(a: Num, b: Num) -> tuple[Num, Col]:
    """a ÷ b, and where the row is undecided: a divisor that is, or may be, 0. The quotient is
    counted in 10^-QUOTIENT_PLACES more than a ÷ b's scale, so that one that ends within those
    places is a whole number there, exact, as the engine's Decimal quotient is (37 ÷ 40 is
    925000 × 10^-6, and 5 × 0.925 = 4.625 then rounds as the tie it is). Exact when b divides
    a so: a whole quotient whose product with b gives a × 10^places back (exactly, being
    whole)."""
    shift = 10.0**QUOTIENT_PLACES
    dividend = a.val * shift  # exact when a is whole and the product below 2^53
    r = dividend / b.val
    size = b.val.abs()
    # The error carried in, and the rounding of a × 10^places (one more of a double, relative).
    bound = (a.val.abs() * b.err + size * a.err) / (size * (size - b.err)) * shift + r.abs() * EPS2
    exact = (a.err == 0) & (b.err == 0) & whole(dividend) & whole(r) & (r * b.val == dividend)
    return _result(r, bound, exact, a.scale - b.scale - QUOTIENT_PLACES), compared(
        size, "<=", b.err
    )


def negate(a: Num) -> Num:
    return Num(-a.val, a.err, None, a.scale)


def compare(a: Num, b: Num, op: str) -> tuple[Flag, Col]:
    """a OP b, and where it is undecided: the two within their errors of each other (unless both
    are exact, when the float comparison is the Decimal one)."""
    a, b = aligned(a, b)
    result = compared(a.val, op, b.val)
    gap = (a.val - b.val).abs()
    margin = (a.err + b.err) * SLACK + gap * EPS2
    decided = ((a.err == 0) & (b.err == 0)) | (gap > margin)
    return Flag(result), ~decided


_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def compared(a: Col, op: str, b: Col) -> Col:
    """a OP b, a constant written on the right: polars' in-memory engine (2.1) takes
    ``constant < column`` for a single value when the column is a when/then of a constant."""
    if not a.known and not a.expr.meta.root_names() and not b.known and b.expr.meta.root_names():
        a, b, op = b, a, _MIRRORED[op]
    return {
        "<": Col.__lt__,
        "<=": Col.__le__,
        ">": Col.__gt__,
        ">=": Col.__ge__,
        "==": Col.__eq__,
        "!=": Col.__ne__,
    }[op](a, b)


def rounded(x: Num, places: int, mode: str) -> tuple[Num, Col]:
    """``x.quantize(10^-places, mode)`` (modes as ``RoundingPolicy``: half_up, half_even, down,
    up; and floor, for the formulas' ``floor``), with its count of quanta; undecided where x
    may lie on the other side of a boundary."""
    shift = x.scale + places  # the quanta are val × 10^shift
    if shift >= 0:
        factor = 10.0**shift
        s = x.val * factor
        es = x.err * factor * SLACK + s.abs() * EPS2
    else:
        divisor = 10.0**-shift
        s = x.val / divisor
        es = x.err / divisor * SLACK + s.abs() * EPS2
    # Exact: x exact and s still whole, or x exact and divisible by 5^k (then x ÷ 10^k is
    # x ÷ 5^k ÷ 2^k, a double exactly: 4875 ÷ 10 is 487.5, a tie seen as one).
    five = 5.0 ** max(-shift, 0)  # exact: at most 5^22 < 2^53
    exact = (x.err == 0) & (whole(s) | ((shift < 0) & (x.val % five == 0)))
    if mode in ("up", "floor"):  # ROUND_CEILING, ROUND_FLOOR: signed
        n = s.ceil() if mode == "up" else s.floor()
        frac = (n - s).abs()  # below 1; a value within the error of an integer is undecided
        dist = min_of(frac, 1.0 - frac)
    else:  # symmetric modes work on |s|, the sign put back after
        a = s.abs()
        floor = a.floor()
        frac = a - floor
        if mode == "down":
            magnitude = floor
            dist = min_of(frac, 1.0 - frac)
        elif mode == "half_up":
            magnitude = floor + (frac >= 0.5).to_float()
            dist = (frac - 0.5).abs()
        else:  # half_even
            odd = (floor % 2.0) == 1.0
            up = (frac > 0.5) | ((frac == 0.5) & odd)
            magnitude = floor + up.to_float()
            dist = (frac - 0.5).abs()
        n = when(s < 0, -magnitude, magnitude)
    decided = exact | (dist > es)
    q = n.to_int()
    # The quanta are whole numbers below 2^52: exact, counted in 10^-places.
    value = Num(n, Col(0.0), q, -places)
    return value, ~decided | (s.abs() >= 2.0**52) | s.is_nan()
