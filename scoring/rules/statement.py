"""A rule kind's arithmetic, stated once, in the formula language a spec's own formulas use.

A ``Statement`` is three formulas over the rule's named quantities (实际值, 指标值, 分值 …):
``met``, whether the target is reached; ``full``, the points then; ``otherwise``, the points when
it is not (and, for a kind that has one, ``requires``: what a project's value must satisfy, or
the rule reports it). Everything that scores or explains derives from it:

* the engine computes ``points`` (the formula ``full if met else otherwise``) and ``reached``;
* the compiled plan (``scoring.engine.plan``) splices the same checked formula into its function;
* the explanation quotes ``worked``: the arithmetic of ``shown`` (by default ``otherwise``)
  written out with the project's numbers, "5 × 100% ÷ 99.14%"; ``describe`` the same with the
  quantities' names, "分值 × 指标值 ÷ 实际值".

``shown`` differs from ``otherwise`` only where the arithmetic is arranged for exact digits
(one division, last) and the sentence keeps the form a reader knows: tests/test_properties.py holds
the two equal. Formulas are compiled once per text, whatever the number of leaves.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..formula.expr import CompiledFormula, DeclaredNames, Value, compile_formula

if TYPE_CHECKING:
    from .base import Emitter

__all__ = ["QUANTITIES", "Statement", "formula", "written"]

# Every quantity a built-in kind's arithmetic may name: the words a spec's own formulas use
# for the same things (positive's overshoot_formula reads 实际值, 指标值 and 分值 too).
QUANTITIES = DeclaredNames(
    ("实际值", "指标值", "分值", "超额得分", "复核阈值", "每次扣分", "每项扣分", "最多扣分")
)
_SYMBOLS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}


@functools.cache
def formula(text: str) -> CompiledFormula:
    """``text`` checked and compiled by the spec's own formula compiler, once per text."""
    return compile_formula(text, QUANTITIES)


@dataclass(frozen=True)
class Statement:
    """How one rule scores: ``full if met else otherwise``, over named quantities."""

    met: str
    full: str | None  # None: the points are ``otherwise`` either way
    otherwise: str
    shown: str | None = None  # the arithmetic as the explanation writes it; default otherwise
    requires: str | None = None

    @functools.cached_property
    def score(self) -> CompiledFormula:
        if self.full is None:
            return formula(self.otherwise)
        return formula(f"{self.full} if {self.met} else {self.otherwise}")

    def allows(self, quantities: Mapping[str, Value]) -> bool:
        """Whether the quantities satisfy ``requires`` (the rule reports them when not)."""
        return self.requires is None or formula(self.requires)(quantities) is True

    def points(self, quantities: Mapping[str, Value]) -> Decimal:
        """The unclamped points for these quantities (a formula that reads a quantity not given
        is a bug of ours)."""
        points = self.score(quantities)
        assert isinstance(points, Decimal), "a statement gives points"
        return points

    def reached(self, quantities: Mapping[str, Value]) -> bool:
        return bool(formula(self.met)(quantities))

    def emit(self, gen: Emitter, **parts: ast.expr | Decimal) -> ast.expr:
        """The points as one expression of the plan: the same formula, spliced (and where
        ``requires`` fails, the plan declines: the engine reports it)."""
        points = gen.formula(self.score, **parts)
        if self.requires is None:
            return points
        allowed = gen.formula(formula(self.requires), **parts)
        return gen.template("P if G else fail()", P=points, G=allowed)

    def worked(self, texts: Mapping[str, str]) -> str:
        """The arithmetic written out, each quantity as ``texts`` shows it."""
        return written(self.shown or self.otherwise, texts)


@functools.cache
def _parsed(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body  # our own statement's text, never a spec's


def written(text: str, texts: Mapping[str, str]) -> str:
    """The arithmetic ``text`` (names, numbers, + − × ÷, parentheses) as a sentence writes it:
    each name replaced by its text, operators by the signs a reader uses."""
    return _written(_parsed(text), texts, 0)


def _written(node: ast.expr, texts: Mapping[str, str], outer: int, right: bool = False) -> str:
    if isinstance(node, ast.Name):
        return texts[node.id]
    if isinstance(node, ast.Constant):
        return str(node.value)
    assert isinstance(node, ast.BinOp), "a shown statement is plain arithmetic"
    level = _PRECEDENCE[type(node.op)]
    text = (
        f"{_written(node.left, texts, level)} {_SYMBOLS[type(node.op)]} "
        f"{_written(node.right, texts, level, True)}"
    )
    # Parentheses where the reading would otherwise change: a looser operation inside a tighter
    # one, or an equal one on the right of − or ÷ (a − (b − c)).
    return f"({text})" if level < outer or (right and level == outer) else text
