"""The spec's compiled plan, read as column expressions: one definition of each rule's arithmetic.

The plan (``scoring.engine.plan``) assembles one Python function per spec from each rule kind's
``Statement`` and each formula's checked tree. This module does not state any rule's arithmetic
again: it takes that same function's tree — the lean one, for projects where every indicator
applies — and reads each statement as polars expressions over whole columns, with the filtered
arithmetic of ``arith``. Leaf by leaf it gives the score (a count of quanta) and where the row is
*declined*: where the plan would raise (a missing value, a division by zero, a rating outside its
tier, ``fail()``) or where the float bound cannot decide a comparison or a rounding. A declined
row is scored by the detailed engine.

The tree holds only what the plan's builder writes (``codegen``); a construct not read here (a
rule calling its own Python function, as ``bands`` does) raises ``Unsupported`` once, when the
spec is compiled, and the batch then scores every row the detailed way.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from ..engine.plan import plan_of
from ..engine.plan.codegen import _Builder
from ..spec.compiled import Spec
from . import arith
from .arith import Flag, Num
from .fold import Col, any_of, max_of, min_of, when

__all__ = ["Program", "Unsupported", "program_of"]

Term = Num | Flag | None  # None: the constant None
_MODES = {
    "ROUND_HALF_UP": "half_up",
    "ROUND_HALF_EVEN": "half_even",
    "ROUND_DOWN": "down",
    "ROUND_CEILING": "up",
}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_TRUE = Col(True)
_NO_NUMBER = Col(pl.lit(None, pl.Float64))


class Unsupported(Exception):
    """The plan holds a construct the columnar path does not read: the engine scores the spec."""


@dataclass
class Leaves:
    """What ``Program.run`` gives: each leaf's score, where each leaf declines, and where the
    whole row declines (a derived value the plan could not compute)."""

    scores: list[Num]
    declined: list[pl.Expr]
    row_declined: pl.Expr
    stages: list[list[pl.Expr]]  # named columns, each stage reading only earlier ones

    def run(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        for stage in self.stages:
            frame = frame.with_columns(stage)
        return frame


@dataclass
class Program:
    """One spec's plan function, ready to be read over columns."""

    spec: Spec
    statements: list[ast.stmt]
    constants: dict[str, Any]
    places: int
    owners: list[int | None]  # the leaf each statement computes (None: a derived value)

    def build(self, values: Sequence[Num], ratings: Sequence[Num]) -> Leaves:
        """The leaves' scores over the facts' columns (in ``plan.fact_ids`` order) and the rated
        leaves' scores (``Plan.rated_score``), as stages of named columns: built once per
        spec and header, run on every frame (``Leaves.run``)."""
        reader = _Reader(self, values, ratings)
        scores: list[Num | None] = [None] * len(self.spec.leaves)
        declined: list[list[Col]] = [[] for _ in self.spec.leaves]
        row: list[Col] = []
        for statement, leaf in zip(self.statements, self.owners, strict=True):
            target = _target(statement)
            if not target:
                continue  # the unpacking of vals and ratings: given as columns
            reader.bad = []
            if isinstance(statement, ast.If):  # if not (all given): _fail()
                missing = reader.flag(statement.test, _TRUE)
                reader.fail_where(_TRUE, missing.val.fill_null(True))
            else:
                assert isinstance(statement, ast.Assign)
                reader.env[target] = reader.term(statement.value, _TRUE)
            bad = reader.statement_declines()
            if leaf is None:
                row.extend(bad)  # a derived value: the plan computes it for every row
                continue
            declined[leaf].extend(bad)
            if target == f"s{leaf}":
                found = reader.env[target]
                if not isinstance(found, Num) or found.q is None:
                    raise Unsupported(f"leaf {leaf}'s score has no count of quanta")
                scores[leaf] = found
        done = [score for score in scores if score is not None]
        if len(done) != len(scores):
            raise Unsupported("a leaf without a score")
        return Leaves(
            scores=done,
            declined=[_any(each).expr for each in declined],
            row_declined=_any(row).expr,
            stages=[stage for stage in reader.stages if stage],
        )


def _target(statement: ast.stmt) -> str:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        found = statement.targets[0]
        if isinstance(found, ast.Name):
            return found.id
        return ""
    if isinstance(statement, ast.If):
        return "if"
    raise Unsupported(f"statement {type(statement).__name__}")


def _any(conditions: list[Col]) -> Col:
    return any_of(conditions).fill_null(True)


class _Reader:
    """Reads the plan's expressions as columns. ``bad`` collects, for the statement being read,
    the conditions under which the plan would raise or the bound cannot decide, each already
    limited to the rows that reach it (``guard``: the branch an expression sits in)."""

    def __init__(self, program: Program, values: Sequence[Num], ratings: Sequence[Num]) -> None:
        self.stages: list[list[pl.Expr]] = [[]]
        self.depth: dict[str, int] = {}  # a computed column → its stage
        self.constants = program.constants
        self.places = program.places
        self.env: dict[str, Term] = {}
        for index, value in enumerate(values):
            self.env[f"v{index}"] = value
        for index, rating in enumerate(ratings):
            self.env[f"r{index}"] = rating
        self.bad: list[Col] = []

    def fail_where(self, guard: Col, condition: Col) -> None:
        self.bad.append(guard & condition)

    def statement_declines(self) -> list[Col]:
        """Where the statement just read declines its row, as one computed column (none where
        it never does)."""
        (found,) = self.column(_any(self.bad))
        return [] if found.known and not found.value else [found]

    def column(self, *parts: Col) -> list[Col]:
        """``parts`` as named columns of the stage after every column they read (an expression
        reads its operands several times, the error-free transformations above all: nested
        uncomputed, they would grow exponentially); a constant stays one."""
        exprs = [part.expr for part in parts if not part.known]
        roots = [root for expr in exprs for root in expr.meta.root_names()]
        depth = 1 + max((self.depth.get(root, 0) for root in roots), default=0)
        while len(self.stages) <= depth:
            self.stages.append([])
        columns = []
        for part in parts:
            if part.known:
                columns.append(part)
                continue
            name = f"_k{len(self.depth)}"
            self.depth[name] = depth
            self.stages[depth].append(part.expr.alias(name))
            columns.append(Col(pl.col(name)))
        return columns

    # ---- numbers -------------------------------------------------------------------------------
    def num(self, node: ast.expr, guard: Col) -> Num:
        """``node`` as a number; where it is None (or yes/no) there, the plan raises."""
        found = self.term(node, guard)
        if found is None:
            self.fail_where(guard, _TRUE)
            return Num(_NO_NUMBER, Col(0.0))
        if isinstance(found, Flag):
            raise Unsupported("a yes/no value used as a number")
        self.fail_where(guard, found.val.is_null() | found.val.is_nan())
        return found

    def flag(self, node: ast.expr, guard: Col) -> Flag:
        found = self.term(node, guard)
        if isinstance(found, Num):  # a number's truth: not zero
            result, undecided = arith.compare(found, arith.num_of(Decimal(0)), "!=")
            self.fail_where(guard, undecided | found.val.is_null())
            return result
        if found is None:
            return Flag(Col(False))
        return found

    def term(self, node: ast.expr, guard: Col) -> Term:
        method: Callable[[Any, Col], Term] | None = getattr(self, "t_" + type(node).__name__, None)
        if method is None:
            raise Unsupported(f"expression {type(node).__name__}")
        found = method(node, guard)
        if isinstance(node, (ast.Name, ast.Constant)) or found is None:
            return found
        return self.computed(found)

    def computed(self, found: Num | Flag) -> Num | Flag:
        """``found`` as computed columns."""
        if isinstance(found, Flag):
            (val,) = self.column(found.val)
            return Flag(val)
        if found.q is None:
            val, err = self.column(found.val, found.err)
            return Num(val, err, None, found.scale)
        val, err, q = self.column(found.val, found.err, found.q)
        return Num(val, err, q, found.scale)

    def t_Name(self, node: ast.Name, guard: Col) -> Term:
        if node.id in self.env:
            return self.env[node.id]
        return self.constant(self.constants.get(node.id, _MISSING), node.id)

    def t_Constant(self, node: ast.Constant, guard: Col) -> Term:
        return self.constant(node.value, repr(node.value))

    def constant(self, value: object, name: str) -> Term:
        if value is None:
            return None
        if isinstance(value, bool):
            return Flag(Col(value))
        if isinstance(value, int):
            value = Decimal(value)
        if isinstance(value, Decimal) and value.is_finite():
            return arith.num_of(value, self.places)
        raise Unsupported(f"constant {name}")

    def t_BinOp(self, node: ast.BinOp, guard: Col) -> Term:
        a, b = self.num(node.left, guard), self.num(node.right, guard)
        if isinstance(node.op, ast.Add):
            return arith.add(a, b)
        if isinstance(node.op, ast.Sub):
            return arith.add(a, b, -1.0)
        if isinstance(node.op, ast.Mult):
            return arith.multiply(a, b)
        if isinstance(node.op, ast.Div):
            quotient, undecided = arith.divide(a, b)
            self.fail_where(guard, undecided)
            return quotient
        raise Unsupported(f"operator {type(node.op).__name__}")

    def t_UnaryOp(self, node: ast.UnaryOp, guard: Col) -> Term:
        if isinstance(node.op, ast.Not):
            inner = self.term(node.operand, guard)
            if inner is None:
                return Flag(Col(True))
            if isinstance(inner, Flag):
                self.fail_where(guard, inner.val.is_null())
                return Flag(~inner.val)
            return Flag(~self.flag(node.operand, guard).val)
        value = self.num(node.operand, guard)
        if isinstance(node.op, ast.USub):
            return arith.negate(value)
        if isinstance(node.op, ast.UAdd):
            return value
        raise Unsupported(f"operator {type(node.op).__name__}")

    def t_BoolOp(self, node: ast.BoolOp, guard: Col) -> Term:
        # Python's and/or stop at the first operand that settles it: a later one is computed
        # (and may raise) only where the earlier ones did not.
        is_and = isinstance(node.op, ast.And)
        result: Col | None = None
        reach = guard
        for value in node.values:
            found = self.term(value, reach)
            if not isinstance(found, Flag):
                raise Unsupported("and/or over numbers")
            self.fail_where(reach, found.val.is_null())
            item = found.val.fill_null(False)
            result = item if result is None else (result & item if is_and else result | item)
            reach = reach & (item if is_and else ~item)
        assert result is not None
        return Flag(result)

    def t_Compare(self, node: ast.Compare, guard: Col) -> Term:
        result: Col | None = None
        left = node.left
        reach = guard
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, (ast.Is, ast.IsNot)):
                if not (isinstance(right, ast.Constant) and right.value is None):
                    raise Unsupported("'is' with anything but None")
                found = self.term(left, reach)
                given = Col(False) if found is None else found.val.is_not_null()
                item = given if isinstance(op, ast.IsNot) else ~given
            elif type(op) in _COMPARE:
                a, b = self.term(left, reach), self.term(right, reach)
                if isinstance(a, Flag) and isinstance(b, Flag) and type(op) in (ast.Eq, ast.NotEq):
                    self.fail_where(reach, a.val.is_null() | b.val.is_null())
                    item = arith.compared(a.val, "==" if isinstance(op, ast.Eq) else "!=", b.val)
                else:
                    x, y = self.num(left, reach), self.num(right, reach)
                    flag, undecided = arith.compare(x, y, _COMPARE[type(op)])
                    self.fail_where(reach, undecided)
                    item = flag.val
            else:
                raise Unsupported(f"comparison {type(op).__name__}")
            item = item.fill_null(False)
            result = item if result is None else result & item
            reach = reach & item  # a chain stops at its first false link
            left = right
        assert result is not None
        return Flag(result)

    def t_IfExp(self, node: ast.IfExp, guard: Col) -> Term:
        test = self.flag(node.test, guard).val
        self.fail_where(guard, test.is_null())
        taken = test.fill_null(False)
        body = self.term(node.body, guard & taken)
        orelse = self.term(node.orelse, guard & ~taken)
        if body is None and orelse is None:
            return None
        if isinstance(body, Flag) or isinstance(orelse, Flag):
            if isinstance(body, Num) or isinstance(orelse, Num):
                raise Unsupported("a branch of numbers and yes/no")
            no_flag = Col(pl.lit(None, pl.Boolean))
            yes = body.val if isinstance(body, Flag) else no_flag
            no = orelse.val if isinstance(orelse, Flag) else no_flag
            return Flag(when(taken, yes, no))
        scale = min(x.scale for x in (body, orelse) if isinstance(x, Num))
        nothing = Num(_NO_NUMBER, Col(0.0), Col(pl.lit(None, pl.Int64)), scale)
        a, b = arith.aligned(body or nothing, orelse or nothing)
        q = None
        if a.q is not None and b.q is not None:
            q = when(taken, a.q, b.q)
        return Num(when(taken, a.val, b.val), when(taken, a.err, b.err), q, a.scale)

    def t_Call(self, node: ast.Call, guard: Col) -> Term:
        function = node.func
        if node.keywords:
            raise Unsupported("keyword arguments")
        if isinstance(function, ast.Attribute) and function.attr == "quantize":
            quantum, mode = node.args
            value = self.num(function.value, guard)
            return self.quantize(value, quantum, mode, guard)
        if not isinstance(function, ast.Name) or function.id in self.env:
            raise Unsupported("a call of a value")
        name = function.id
        if name == "_fail":
            self.fail_where(guard, _TRUE)
            return None
        args = [self.num(arg, guard) for arg in node.args]
        if name == "_num":
            return args[0]
        if name in ("_f_min", "_f_max") and args:
            result = args[0]
            for given in args[1:]:
                result, other = arith.aligned(result, given)
                # The smaller (larger) of two values within their errors of each other is
                # either one: its error is at most the larger of the two errors.
                pick = arith.compared(other.val, "<" if name == "_f_min" else ">", result.val)
                result = Num(
                    when(pick, other.val, result.val),
                    when(pick | arith.compared(result.err, "<", other.err), other.err, result.err),
                    None,
                    result.scale,
                )
            return result
        if name == "_f_abs" and len(args) == 1:
            return Num(args[0].val.abs(), args[0].err, None, args[0].scale)
        if name in ("_f_round", "_f_floor", "_f_ceil"):
            return self.formula_rounding(name, node.args, args, guard)
        if name == "_f_clamp" and len(args) == 3:
            x, lo = arith.aligned(args[0], args[1])
            x, hi = arith.aligned(x, args[2])
            lo, hi = arith.aligned(lo, hi)
            x, lo = arith.aligned(x, lo)
            wrong, undecided = arith.compare(lo, hi, ">")
            self.fail_where(guard, wrong.val | undecided)
            low = max_of(x.val, lo.val)
            return Num(min_of(low, hi.val), max_of(x.err, lo.err, hi.err), None, x.scale)
        raise Unsupported(f"function {name}")

    def formula_rounding(
        self, name: str, nodes: list[ast.expr], args: list[Num], guard: Col
    ) -> Num:
        places = 0
        if name == "_f_round" and len(nodes) == 2:
            given = nodes[1]
            value = self.constants.get(given.id) if isinstance(given, ast.Name) else None
            if isinstance(given, ast.Constant):
                value = given.value
            if not isinstance(value, (int, Decimal)) or value != int(value) or not 0 <= value <= 6:
                raise Unsupported("round() with places that are not a small constant")
            places = int(value)
        elif len(nodes) != 1:
            raise Unsupported(f"{name} with {len(nodes)} arguments")
        mode = {"_f_round": "half_up", "_f_floor": "floor", "_f_ceil": "up"}[name]
        result, undecided = arith.rounded(args[0], places, mode)
        self.fail_where(guard, undecided)
        return Num(result.val, result.err, None, result.scale)  # not the spec's quanta

    def quantize(self, value: Num, quantum: ast.expr, mode: ast.expr, guard: Col) -> Num:
        step = self.constants.get(quantum.id) if isinstance(quantum, ast.Name) else None
        if not isinstance(mode, ast.Constant) or mode.value not in _MODES:
            raise Unsupported("a rounding mode")
        if not isinstance(step, Decimal) or step != Decimal(1).scaleb(-self.places):
            raise Unsupported("a quantum that is not the spec's")
        result, undecided = arith.rounded(value, self.places, _MODES[mode.value])
        self.fail_where(guard, undecided)
        return result


_MISSING = object()


def program_of(spec: Spec) -> Program:
    """The spec's plan function (every indicator applying), as a ``Program``; ``Unsupported``
    when it holds what the columnar path does not read."""
    plan = plan_of(spec)
    builder = _Builder(spec, plan._applicable, True)
    module = builder.build()
    function = module.body[0]
    assert isinstance(function, ast.FunctionDef)
    statements: list[ast.stmt] = []
    for statement in function.body:
        if _target(statement) == "scores":
            break  # the roll-up: the columnar path adds the quanta itself
        statements.append(statement)
    # Each statement after the derived values belongs to the next leaf score assigned.
    owners: list[int | None] = []
    leaf = 0
    for statement in statements:
        target = _target(statement)
        if target.startswith("d") or not target:  # a derived value, the unpacking of inputs
            owners.append(None)
            continue
        owners.append(leaf)
        if target == f"s{leaf}":
            leaf += 1
    if leaf != len(spec.leaves):
        raise Unsupported("the plan's leaves are not in order")
    places = spec.rounding.places
    return Program(spec, statements, dict(builder.globals), places, owners)
