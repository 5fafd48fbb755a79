"""What the formula checker refuses, and what it says instead: the terms of the whitelist.

Kept apart from the walk that applies them (``scoring.formula.checker``) so the whole policy
reads in one place: the cost limits that keep any formula cheap to compile and run, the message
for each construct a spreadsheet user might try (naming what to write instead where there is
one), and how many arguments each function of ``scoring.formula.expr.FUNCTIONS`` takes.
"""

from __future__ import annotations

import ast
from decimal import Decimal

__all__ = [
    "ARITY",
    "LARGEST",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_LENGTH",
    "MAX_NODES",
    "MAX_PLACES",
    "MAX_POWER",
    "OUT_OF_RANGE",
    "REFUSED_CONSTANTS",
    "REFUSED_NODES",
    "REFUSED_OPERATORS",
    "SMALLEST",
    "USAGE",
]

# Characters, expression nodes, nesting levels, largest power, round() places, literal digits.
MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_POWER, MAX_PLACES, MAX_DIGITS = 1000, 300, 100, 8, 10, 20
LARGEST, SMALLEST = Decimal("1e15"), Decimal("1e-15")
OUT_OF_RANGE = f"out of range: at most {MAX_DIGITS} significant digits, from 1e-15 to 1e15 in size"

# Each function's (fewest, most) arguments, and how to call it, for the arity message.
ARITY = {"min": (1, MAX_NODES), "max": (1, MAX_NODES), "abs": (1, 1), "round": (1, 2)}
ARITY |= {"floor": (1, 1), "ceil": (1, 1), "clamp": (3, 3)}
USAGE = {"min": "min(a, b, ...)", "max": "max(a, b, ...)", "abs": "abs(x)", "floor": "floor(x)"}
USAGE |= {"ceil": "ceil(x)", "round": "round(x) or round(x, places)", "clamp": "clamp(x, lo, hi)"}

# Operators outside + - * / ** and the comparisons: (the symbol, to point at it; the message).
REFUSED_OPERATORS: dict[type[ast.AST], tuple[str, str]] = {
    ast.Mod: ("%", "'%' (modulo) is not allowed in formulas"),
    ast.FloorDiv: ("//", "'//' is not allowed in formulas; use floor(a / b)"),
    ast.BitXor: ("^", "'^' is not allowed in formulas; use '**' for powers"),
    ast.BitAnd: ("&", "'&' is not allowed in formulas; use 'and'"),
    ast.BitOr: ("|", "'|' is not allowed in formulas; use 'or'"),
    ast.Is: ("is", "'is' is not allowed in formulas; use '==' to compare"),
    ast.IsNot: ("is", "'is not' is not allowed in formulas; use '!=' to compare"),
}
_PLAIN = [(ast.MatMult, "@"), (ast.LShift, "<<"), (ast.RShift, ">>"), (ast.In, "in")]
REFUSED_OPERATORS |= {op: (s, f"'{s}' is not allowed in formulas") for op, s in _PLAIN}
REFUSED_OPERATORS[ast.NotIn] = ("not", "'not in' is not allowed in formulas")
# Node types with no visitor that a user might plausibly write; any other gets a generic message.
REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Lambda: "lambda is not allowed in formulas",
    ast.Await: "'await' is not allowed in formulas",
    ast.Yield: "'yield' is not allowed in formulas",
    ast.YieldFrom: "'yield' is not allowed in formulas",
    ast.JoinedStr: "f-strings are not allowed in formulas",
    ast.Starred: "starred arguments are not allowed in formulas",
    ast.NamedExpr: "assignment (':=') is not allowed in formulas; use '==' to compare",
    ast.Tuple: "tuples are not allowed in formulas; ',' only separates a function's arguments",
    ast.List: "lists ([...]) are not allowed in formulas",
    ast.Set: "sets ({...}) are not allowed in formulas",
    ast.Dict: "dicts ({...}) are not allowed in formulas",
}
_SUBSCRIPTS = "subscripts ([...]) are not allowed in formulas"
REFUSED_NODES |= dict.fromkeys([ast.Subscript, ast.Slice], _SUBSCRIPTS)
_COMPREHENSIONS = [ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp]
REFUSED_NODES |= dict.fromkeys(_COMPREHENSIONS, "comprehensions are not allowed in formulas")
# Literals that are not numbers: "<what> not allowed in formulas".
REFUSED_CONSTANTS = {str: "strings are", bytes: "bytes are", complex: "complex numbers are"}
REFUSED_CONSTANTS |= {type(None): "None is", type(...): "'...' is"}
