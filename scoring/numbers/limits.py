"""What every number module shares: the range of a value, the exact context, and the error.

``scoring.numbers.quantities`` reads numbers from text, ``scoring.numbers.text`` writes them and
``scoring.numbers.money`` converts between money units. All three compute in ``CTX``, so no caller's
thread context rounds their results, and all three fail with ``QuantityError``, quoting the
offending text with ``show``. This module imports nothing from its siblings, so each of them can
build on it without an import cycle.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, localcontext
from typing import ParamSpec, TypeVar

__all__ = [
    "CTX",
    "MAX_DECIMAL_PLACES",
    "MAX_INTEGER_DIGITS",
    "QuantityError",
    "in_exact_context",
    "show",
]

_P = ParamSpec("_P")
_T = TypeVar("_T")

MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 10

# Our own context, so a caller's changed thread context cannot round our results. 100 digits
# holds any in-range value (15 + 10) shifted by any money factor, so conversions stay exact.
CTX = Context(prec=100, rounding=ROUND_HALF_UP)


def in_exact_context(function: Callable[_P, _T]) -> Callable[_P, _T]:
    """Run ``function`` under a copy of ``CTX``, whatever the caller's thread context: a library
    caller's ``getcontext().prec = 2`` must neither round a weight sum while a spec loads nor make
    reading a share inexact, and the caller's context is left as it was (flags included)."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with localcontext(CTX):
            return function(*args, **kwargs)

    return wrapper


class QuantityError(ValueError):
    """Raised with a complete, user-facing message (the caller adds file/line/path).

    ``code`` is a stable kebab-case name: value-empty, not-a-number, not-applicable, not-finite,
    bad-thousands, number-too-large, too-many-decimals, unexpected-unit, bad-unit, bad-target.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def show(text: str) -> str:
    """Quote text for a one-line message: escape control characters, shorten long text."""
    if not text.isprintable():
        text = repr(text)[1:-1]
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"
