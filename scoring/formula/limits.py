"""What the formula checker refuses, and what it says instead: the terms of the whitelist.

Kept apart from the walk that applies them (``scoring.formula.checker``) so the whole policy
reads in one place: the cost limits that keep any formula cheap to compile and run, the message
for each construct a spreadsheet user might try (naming what to write instead where there is
one), and how many arguments each function of ``scoring.formula.expr.FUNCTIONS`` takes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from decimal import Decimal

from ..i18n import tr

__all__ = [
    "ARITY",
    "LARGEST",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_LENGTH",
    "MAX_NODES",
    "MAX_PLACES",
    "MAX_POWER",
    "REFUSED_CONSTANTS",
    "REFUSED_NODES",
    "REFUSED_OPERATORS",
    "SMALLEST",
    "USAGE",
    "out_of_range",
    "refused",
]

# Characters, expression nodes, nesting levels, largest power, round() places, literal digits.
MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_POWER, MAX_PLACES, MAX_DIGITS = 1000, 300, 100, 8, 10, 20
LARGEST, SMALLEST = Decimal("1e15"), Decimal("1e-15")

# Each function's (fewest, most) arguments, and how to call it, for the arity message.
ARITY = {"min": (1, MAX_NODES), "max": (1, MAX_NODES), "abs": (1, 1), "round": (1, 2)}
ARITY |= {"floor": (1, 1), "ceil": (1, 1), "clamp": (3, 3)}
USAGE = {"min": "min(a, b, ...)", "max": "max(a, b, ...)", "abs": "abs(x)", "floor": "floor(x)"}
USAGE |= {"ceil": "ceil(x)", "round": "round(x) or round(x, places)", "clamp": "clamp(x, lo, hi)"}

# The messages are functions: they are made in the language chosen when one is shown, which is
# after this module is imported.
_Message = Callable[[], str]


def out_of_range(text: str) -> str:
    """The message for a numeric literal out of range (``text`` quoted as written)."""
    return tr(
        "formula-number",
        "number {text} is out of range: at most {digits} significant digits, from 1e-15 to 1e15 "
        "in size",
        text=text,
        digits=MAX_DIGITS,
    )


def _plain(symbol: str) -> _Message:
    return lambda: tr("formula-forbidden", "'{symbol}' is not allowed in formulas", symbol=symbol)


# Operators outside + - * / ** and the comparisons: (the symbol, to point at it; the message).
REFUSED_OPERATORS: dict[type[ast.AST], tuple[str, _Message]] = {
    ast.Mod: ("%", lambda: tr("formula-forbidden", "'%' (modulo) is not allowed in formulas")),
    ast.FloorDiv: (
        "//",
        lambda: tr("formula-forbidden", "'//' is not allowed in formulas; use floor(a / b)"),
    ),
    ast.BitXor: (
        "^",
        lambda: tr("formula-forbidden", "'^' is not allowed in formulas; use '**' for powers"),
    ),
    ast.BitAnd: ("&", lambda: tr("formula-forbidden", "'&' is not allowed in formulas; use 'and'")),
    ast.BitOr: ("|", lambda: tr("formula-forbidden", "'|' is not allowed in formulas; use 'or'")),
    ast.Is: (
        "is",
        lambda: tr("formula-forbidden", "'is' is not allowed in formulas; use '==' to compare"),
    ),
    ast.IsNot: (
        "is",
        lambda: tr("formula-forbidden", "'is not' is not allowed in formulas; use '!=' to compare"),
    ),
}
_PLAIN = [(ast.MatMult, "@"), (ast.LShift, "<<"), (ast.RShift, ">>"), (ast.In, "in")]
REFUSED_OPERATORS |= {op: (s, _plain(s)) for op, s in _PLAIN}
REFUSED_OPERATORS[ast.NotIn] = (
    "not",
    lambda: tr("formula-forbidden", "'not in' is not allowed in formulas"),
)
# Node types with no visitor that a user might plausibly write; any other gets a generic message.
_YIELD = _plain("yield")
REFUSED_NODES: dict[type[ast.AST], _Message] = {
    ast.Lambda: lambda: tr("formula-forbidden", "lambda is not allowed in formulas"),
    ast.Await: _plain("await"),
    ast.Yield: _YIELD,
    ast.YieldFrom: _YIELD,
    ast.JoinedStr: lambda: tr("formula-forbidden", "f-strings are not allowed in formulas"),
    ast.Starred: lambda: tr("formula-forbidden", "starred arguments are not allowed in formulas"),
    ast.NamedExpr: lambda: tr(
        "formula-forbidden", "assignment (':=') is not allowed in formulas; use '==' to compare"
    ),
    ast.Tuple: lambda: tr(
        "formula-forbidden",
        "tuples are not allowed in formulas; ',' only separates a function's arguments",
    ),
    ast.List: lambda: tr("formula-forbidden", "lists ([...]) are not allowed in formulas"),
    ast.Set: lambda: tr("formula-forbidden", "sets ({{...}}) are not allowed in formulas"),
    ast.Dict: lambda: tr("formula-forbidden", "dicts ({{...}}) are not allowed in formulas"),
}
_SUBSCRIPTS: _Message = lambda: tr(
    "formula-forbidden", "subscripts ([...]) are not allowed in formulas"
)
REFUSED_NODES |= dict.fromkeys([ast.Subscript, ast.Slice], _SUBSCRIPTS)
_COMPREHENSIONS = [ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp]
REFUSED_NODES |= dict.fromkeys(
    _COMPREHENSIONS, lambda: tr("formula-forbidden", "comprehensions are not allowed in formulas")
)
# Literals that are not numbers.
REFUSED_CONSTANTS: dict[type, _Message] = {
    str: lambda: tr("formula-forbidden", "strings are not allowed in formulas"),
    bytes: lambda: tr("formula-forbidden", "bytes are not allowed in formulas"),
    complex: lambda: tr("formula-forbidden", "complex numbers are not allowed in formulas"),
    type(None): lambda: tr("formula-forbidden", "None is not allowed in formulas"),
    type(...): lambda: tr("formula-forbidden", "'...' is not allowed in formulas"),
}


def refused(name: str) -> str:
    """The message for any other construct, named by its node or literal type."""
    return tr("formula-forbidden", "{name} is not allowed in formulas", name=name)
