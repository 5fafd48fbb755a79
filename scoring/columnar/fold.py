"""Column expressions that compute what the spec fixes once, when the spec is compiled.

The filtered arithmetic (``arith``) states each bound over whole columns, and much of it is over
constants: the error of a constant is 0, a guard is often ``True``, a weight is rescaled by a
power of ten. Left as polars expressions, those constant subtrees are planned and evaluated
again for every block of rows, and on the seed they were most of a block's fixed cost. A
``Col`` is a polars expression or a Python constant: an operation on constants is computed here,
in the same IEEE doubles polars uses, and the few identities that hold for every value, null and
NaN included (``x & True``, ``x | False``, ``x * 1``, ``x + 0`` on the non-negative error
bounds, see ``__add__``), drop the constant operand. Anything else is left to polars as it was
written.

A constant is folded only when it and its operands are finite (a NaN or an infinity is left to
polars, whose comparisons of NaN are not Python's), and a division or modulo only where Python
and polars agree (a divisor that is not 0; operands that are not negative).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable
from typing import Any

import polars as pl

__all__ = ["Col", "any_of", "col", "max_of", "min_of", "when"]

Constant = bool | int | float


def _finite(*values: Any) -> bool:
    return all(isinstance(v, bool) or math.isfinite(v) for v in values)


class Col:
    """A column of values: ``value`` is a polars expression, or a constant (never None: a null
    column stays an expression)."""

    __slots__ = ("value",)

    def __init__(self, value: pl.Expr | Constant | Col) -> None:
        self.value: pl.Expr | Constant = value.value if isinstance(value, Col) else value

    @property
    def known(self) -> bool:
        """Whether the value is a constant, computed already."""
        return not isinstance(self.value, pl.Expr)

    @property
    def expr(self) -> pl.Expr:
        """The polars expression (a constant as a typed literal)."""
        value = self.value
        if isinstance(value, pl.Expr):
            return value
        if isinstance(value, bool):
            return pl.lit(value, pl.Boolean)
        if isinstance(value, int):
            return pl.lit(value, pl.Int64)
        return pl.lit(value, pl.Float64)

    def __repr__(self) -> str:
        return f"Col({self.value!r})"

    # ---- the one place operations are folded -------------------------------------------------
    def _binary(self, other: Any, op: Callable[[Any, Any], Any]) -> Col:
        """``op`` of two columns: computed here when both are constants (the same operator
        computes a Python number and builds a polars expression)."""
        a, b = self.value, _raw(other)
        if isinstance(a, pl.Expr) or isinstance(b, pl.Expr):
            # A constant operand stays a Python value: polars reads it as a literal of the
            # column's type, on the right (a constant on the left meets Python's reflected
            # operator, so ``1 < col`` is built as ``col > 1``).
            return Col(op(a, b))
        if _finite(a, b):
            result = op(a, b)
            if _finite(result):
                return Col(result)
        return Col(op(self.expr, b))

    def _unary(self, py: Callable[[Any], Any], pl_op: Callable[[pl.Expr], pl.Expr]) -> Col:
        a = self.value
        if not isinstance(a, pl.Expr) and _finite(a):
            return Col(py(a))
        return Col(pl_op(self.expr))

    # ---- arithmetic ----------------------------------------------------------------------------
    def __add__(self, other: Any) -> Col:
        # x + 0 is x for every x but -0.0 (+0.0 then): the sign of a zero changes nothing this
        # package computes from it (a division by a zero declines its row).
        if _is(other, 0):
            return self
        if _is(self, 0) and isinstance(other, Col):
            return other
        return self._binary(other, operator.add)

    def __radd__(self, other: Any) -> Col:
        return Col(other) + self

    def __sub__(self, other: Any) -> Col:
        if _is(other, 0):
            return self  # exact, -0.0 - 0 included
        return self._binary(other, operator.sub)

    def __rsub__(self, other: Any) -> Col:
        return Col(other) - self

    def __mul__(self, other: Any) -> Col:
        if _is(other, 1):
            return self
        if _is(self, 1) and isinstance(other, Col):
            return other
        return self._binary(other, operator.mul)

    def __rmul__(self, other: Any) -> Col:
        return Col(other) * self

    def __truediv__(self, other: Any) -> Col:
        if _is(other, 1):
            return self
        if _is(other, 0):
            return Col(self.expr / _raw(other))  # polars' inf or NaN, Python's error
        return self._binary(other, operator.truediv)

    def __rtruediv__(self, other: Any) -> Col:
        return Col(other) / self

    def __mod__(self, other: Any) -> Col:
        a, b = self.value, _raw(other)
        if isinstance(a, pl.Expr) or isinstance(b, pl.Expr) or not (a >= 0 and b > 0):
            return Col(self.expr % (b if isinstance(b, pl.Expr) else Col(b).expr))
        return self._binary(other, operator.mod)

    def __neg__(self) -> Col:
        return self._unary(operator.neg, operator.neg)

    def abs(self) -> Col:
        return self._unary(abs, pl.Expr.abs)

    def floor(self) -> Col:
        return self._unary(lambda v: _signed(math.floor(v), v), pl.Expr.floor)

    def ceil(self) -> Col:
        return self._unary(lambda v: _signed(math.ceil(v), v), pl.Expr.ceil)

    def to_float(self) -> Col:
        return self._unary(float, lambda e: e.cast(pl.Float64))

    def to_int(self) -> Col:
        """Truncated toward zero, as polars casts a Float64 to Int64."""
        value = self.value
        if not isinstance(value, pl.Expr) and _finite(value) and abs(value) < 2.0**62:
            return Col(int(value))
        return Col(self.expr.cast(pl.Int64))

    # ---- comparisons ---------------------------------------------------------------------------
    def __lt__(self, other: Any) -> Col:
        return self._binary(other, operator.lt)

    def __le__(self, other: Any) -> Col:
        return self._binary(other, operator.le)

    def __gt__(self, other: Any) -> Col:
        return self._binary(other, operator.gt)

    def __ge__(self, other: Any) -> Col:
        return self._binary(other, operator.ge)

    def __eq__(self, other: object) -> Col:  # type: ignore[override]
        return self._binary(other, operator.eq)

    def __ne__(self, other: object) -> Col:  # type: ignore[override]
        return self._binary(other, operator.ne)

    __hash__ = None  # type: ignore[assignment]

    # ---- yes/no (Kleene: null & False is False, null | True is True) ---------------------------
    def __and__(self, other: Any) -> Col:
        for x, y in ((self, other), (other, self)):
            if _is(x, True) and isinstance(y, Col):
                return y
            if _is(x, False):
                return Col(False)
        return self._binary(other, operator.and_)

    def __or__(self, other: Any) -> Col:
        for x, y in ((self, other), (other, self)):
            if _is(x, False) and isinstance(y, Col):
                return y
            if _is(x, True):
                return Col(True)
        return self._binary(other, operator.or_)

    __rand__ = __and__
    __ror__ = __or__

    def __invert__(self) -> Col:
        return self._unary(operator.not_, operator.invert)

    def is_null(self) -> Col:
        return Col(False) if self.known else Col(self.expr.is_null())

    def is_not_null(self) -> Col:
        return Col(True) if self.known else Col(self.expr.is_not_null())

    def is_nan(self) -> Col:
        return self._unary(math.isnan, pl.Expr.is_nan)

    def fill_null(self, value: Constant) -> Col:
        return self if self.known else Col(self.expr.fill_null(value))


def _signed(whole: int, of: float) -> float:
    """An IEEE floor or ceiling: a zero keeps the sign of what it came from (ceil(-0.5) is -0.0)."""
    return float(whole) if whole else math.copysign(0.0, of)


def _raw(x: Any) -> Any:
    return x.value if isinstance(x, Col) else x


def _is(x: Any, constant: Constant) -> bool:
    """Whether ``x`` is the constant ``constant`` (True and 1 kept apart)."""
    value = _raw(x)
    return (
        not isinstance(value, pl.Expr)
        and isinstance(value, bool) == isinstance(constant, bool)
        and value == constant
    )


def col(name: str) -> Col:
    return Col(pl.col(name))


def when(condition: Col, then: Col | Constant, otherwise: Col | Constant) -> Col:
    """``then`` where ``condition`` is true, else ``otherwise`` (a null condition: otherwise)."""
    yes, no = Col(then), Col(otherwise)
    if condition.known:
        return yes if condition.value else no
    same = not isinstance(no.value, pl.Expr) and _is(yes, no.value) and _finite(no.value)
    if same:  # the same constant either way
        return yes
    return Col(pl.when(condition.expr).then(yes.expr).otherwise(no.expr))


def _horizontal(
    parts: Iterable[Col], py: Callable[..., Any], polars: Callable[..., pl.Expr]
) -> Col:
    items = list(parts)
    if all(item.known for item in items) and _finite(*(item.value for item in items)):
        return Col(py(item.value for item in items))
    return Col(polars([item.expr for item in items]))


def min_of(*parts: Col) -> Col:
    """The least of ``parts`` in each row (nulls ignored, as polars' min_horizontal)."""
    return _horizontal(parts, min, pl.min_horizontal)


def max_of(*parts: Col) -> Col:
    return _horizontal(parts, max, pl.max_horizontal)


def any_of(conditions: Iterable[Col]) -> Col:
    """Whether any condition holds (Kleene: a constant False drops out, a True settles it); no
    condition at all: False."""
    left = []
    for condition in conditions:
        if _is(condition, True):
            return Col(True)
        if not _is(condition, False):
            left.append(condition)
    if not left:
        return Col(False)
    if len(left) == 1:
        return left[0]
    return Col(pl.any_horizontal([c.expr for c in left]))
