"""Expression trees for the compiled plan: making, copying and filling them, and what can be told
of one before it runs.

``codegen`` assembles the plan's function from the formulas' checked trees and from templates,
short expressions of ours ("W if A >= T else max(A, Z) * W / T") whose upper-case names are
parts filled in with trees. ``Known`` then drops what cannot change a number: a ``_num`` check on
a value known to be a number, and a multiplication or division by an exact 1 of a computed value.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ...formula.expr import copied

__all__ = ["LOAD", "STORE", "Known", "all_given", "copied", "filled", "ref", "subscript"]

LOAD, STORE = ast.Load(), ast.Store()
# Names a template may use besides its upper-case parts.
_TEMPLATE_NAMES = {"max": "_f_max", "min": "_f_min", "num": "_num", "fail": "_fail"}


def ref(identifier: str) -> ast.Name:
    """A read of the name ``identifier``."""
    return ast.Name(identifier, LOAD)


def subscript(value: ast.expr, index: int) -> ast.expr:
    return ast.Subscript(value, ast.Constant(index), LOAD)


def all_given(values: list[ast.expr]) -> ast.expr:
    """``a is not None and b is not None …``"""
    tests = [ast.Compare(copied(value), [ast.IsNot()], [ast.Constant(None)]) for value in values]
    return tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=64)
def _parsed_template(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body  # our own fixed text, never a spec's or a project's


def filled(text: str, parts: Mapping[str, ast.expr]) -> ast.expr:
    """The template ``text`` with each upper-case name replaced by a copy of its part."""
    expression: ast.expr = _Parts(parts).visit(copied(_parsed_template(text)))
    return expression


class _Parts(ast.NodeTransformer):
    def __init__(self, parts: Mapping[str, ast.expr]) -> None:
        self.parts = parts

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.parts:
            return copied(self.parts[node.id])
        if node.id in _TEMPLATE_NAMES:
            return ref(_TEMPLATE_NAMES[node.id])
        raise AssertionError(f"template name {node.id!r} has no part")


class Known:
    """What is known of the plan's names before it runs: which locals hold a number whenever
    they hold anything (``numeric``), and the constants in its globals."""

    def __init__(self, numeric: set[str], constants: Mapping[str, Any]) -> None:
        self.numeric = numeric  # shared with the builder, which adds to it as it goes
        self.constants = constants

    def yields_number(self, node: ast.expr) -> bool:
        """Whether ``node`` gives a Decimal whenever it gives anything: arithmetic on numbers
        (a Decimal op a Decimal is a Decimal), never a comparison, a bool or a call but _num."""
        if isinstance(node, ast.Name):
            value = self.constants.get(node.id)
            return node.id in self.numeric or value.__class__ is Decimal
        if isinstance(node, ast.BinOp):
            return self.yields_number(node.left) and self.yields_number(node.right)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, (ast.USub, ast.UAdd)) and self.yields_number(node.operand)
        if isinstance(node, ast.IfExp):
            return self.yields_number(node.body) and self.yields_number(node.orelse)
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_num"
        )

    def is_one(self, node: ast.expr) -> bool:
        """A constant Decimal 1 with exponent 0 (not 1.0, which changes the places)."""
        value = self.constants.get(node.id) if isinstance(node, ast.Name) else None
        return value.__class__ is Decimal and value.as_tuple() == (0, (1,), 0)

    def simplified(self, node: ast.expr) -> ast.expr:
        """``node`` without what cannot change its number (see ``_Simplifier``)."""
        result: ast.expr = _Simplifier(self).visit(node)
        return result


class _Simplifier(ast.NodeTransformer):
    """Drops ``_num(v)`` (the check that a value is a number, not yes/no) around a local known
    to hold a number, or a Decimal constant: only a yes/no fact can be a bool, and a missing one
    stops the leaf before. Writes ``max(a, b)`` and ``min(a, b)`` of two names inline.

    And ``x / 1``, ``x * 1``, ``1 * x`` become ``x`` itself, digit for digit and exponent for
    exponent, when ``x`` is the result of arithmetic: it then already fits the context's
    precision, so dividing or multiplying by 1 neither rounds it nor moves its exponent. (A value
    read from a project could have more digits than the precision: left alone.)"""

    def __init__(self, known: Known) -> None:
        self.known = known

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        function, args = node.func, node.args
        called = function.id if isinstance(function, ast.Name) else ""
        checks = called == "_num" and len(args) == 1 and isinstance(args[0], ast.Name)
        if checks and self.known.yields_number(args[0]):  # a number local, a Decimal constant
            return args[0]
        simple = len(args) == 2 and all(isinstance(a, (ast.Name, ast.Constant)) for a in args)
        if simple and called in ("_f_max", "_f_min"):
            # max(a, b) is a unless b > a; min(a, b) is a unless b < a: inline, without a call.
            a, b = args
            op = ast.Gt() if called == "_f_max" else ast.Lt()
            return ast.IfExp(ast.Compare(b, [op], [copied(a)]), copied(b), a)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        known, left, right = self.known, node.left, node.right
        computed = (ast.BinOp, ast.UnaryOp)
        by_one = isinstance(node.op, (ast.Div, ast.Mult)) and known.is_one(right)
        if by_one and isinstance(left, computed) and known.yields_number(left):
            return left
        one_by = isinstance(node.op, ast.Mult) and known.is_one(left)
        if one_by and isinstance(right, computed) and known.yields_number(right):
            return right
        return node
