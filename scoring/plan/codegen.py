"""A spec compiled into one Python function that computes every leaf's score of a project.

The function is assembled from trees that were already checked: each formula's own checked tree
(``CompiledFormula.splice``) and each rule's ``emit`` (fixed expressions of ours). No text from
a spec or a project is ever parsed here, and values reach the code only as arguments or as
constants in its globals, which hold nothing else (no builtins). For a spec it writes::

    def plan(vals, ratings, na):   # facts in spec order; each rating's score (Plan.rated_score);
        v0, v1, ... = vals          # na: the indices of the leaves that do not apply
        d0 = <formula> if v0 is not None and v1 is not None else None   # derived values
        if 0 in na:
            s0 = None
        else:
            if not (v0 is not None and v1 is not None): _fail()   # a value the leaf needs
            t1 = <the rule's points>                                # rule.emit
            s0 = (Z if t1 <= 0 else W if W < t1 else t1).quantize(Q, MODE)   # clamp, round
        ...
        scores = (s0, s1, ...)
        if na: <the same, adding 0 for a leaf that does not apply, weights from weights_of(na)>
        o0 = Z + s0 + s1 + ...      # each 一级指标, added as engine.totals_of adds them
        return totals_from_tops(SPEC, Z + o0 + o1 + ..., ALL, (o0, o1, ...), scores)

Anything the engine would report (a missing value, a rating outside its tier, a division by
zero) raises; ``Plan`` then leaves the project to the engine, which says what is wrong.
"""

from __future__ import annotations

import ast
import functools
import types
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from ..compiled import Node, Spec
from ..engine import totals_from_tops
from ..expr import RUNTIME, CompiledFormula
from ..measure import NUMERIC_KINDS
from ..result import Totals
from ..rules.base import ZERO

__all__ = ["PlanFallback", "build_function"]

_Node = TypeVar("_Node")

_LOAD, _STORE = ast.Load(), ast.Store()
# Leaves not applicable → (each 一级指标's applicable weight, their sum).
WeightsOf = Callable[[frozenset[int]], tuple[tuple[Decimal, ...], Decimal]]
# Names a template may use besides its upper-case parts.
_TEMPLATE_NAMES = {"max": "_f_max", "min": "_f_min", "num": "_num", "fail": "_fail"}


class PlanFallback(Exception):
    """The compiled plan cannot score this project; the engine will (and report what is wrong)."""


def _fail() -> Decimal:
    raise PlanFallback


def _copied(node: _Node) -> _Node:
    """A deep copy of an expression tree we built (nodes, lists of nodes and constants): what
    ``copy.deepcopy`` gives, at a fifth of its cost, which was most of compiling a plan."""
    if isinstance(node, ast.AST):
        new = node.__class__()
        for field, value in ast.iter_fields(node):
            setattr(new, field, _copied(value))
        for attribute in node._attributes:
            if hasattr(node, attribute):
                setattr(new, attribute, getattr(node, attribute))
        return new
    if isinstance(node, list):
        return [_copied(item) for item in node]  # type: ignore[return-value]
    return node  # a constant's value, an operator's name: immutable


def _name(identifier: str) -> ast.Name:
    return ast.Name(identifier, _LOAD)


@functools.lru_cache(maxsize=64)
def _parsed_template(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body  # our own fixed text, never a spec's or a project's


class _Parts(ast.NodeTransformer):
    def __init__(self, parts: Mapping[str, ast.expr]) -> None:
        self.parts = parts

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        function, args = node.func, node.args
        simple = len(args) == 2 and all(isinstance(a, (ast.Name, ast.Constant)) for a in args)
        if simple and isinstance(function, ast.Name) and function.id in ("_f_max", "_f_min"):
            # max(a, b) is a unless b > a; min(a, b) is a unless b < a: inline, without a call.
            a, b = args
            op = ast.Gt() if function.id == "_f_max" else ast.Lt()
            return ast.IfExp(ast.Compare(b, [op], [_copied(a)]), _copied(b), a)
        return node

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.parts:
            return _copied(self.parts[node.id])
        if node.id in _TEMPLATE_NAMES:
            return _name(_TEMPLATE_NAMES[node.id])
        raise AssertionError(f"template name {node.id!r} has no part")


class _NumbersKnown(ast.NodeTransformer):
    """Drops ``_num(v)`` (the check that a value is a number, not yes/no) around a fact read as
    a number: only a yes/no fact can be a bool, and a missing one stops the leaf before."""

    def __init__(self, numeric: set[str]) -> None:
        self.numeric = numeric

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        function, args = node.func, node.args
        checks = isinstance(function, ast.Name) and function.id == "_num" and len(args) == 1
        if checks and isinstance(args[0], ast.Name) and args[0].id in self.numeric:
            return args[0]
        return node


class _Builder:
    """Writes the function's statements; the rules write their points through it (``Emitter``)."""

    def __init__(self, spec: Spec, weights_of: WeightsOf, complete: bool = False) -> None:
        self.spec = spec
        self.weights_of = weights_of
        self.complete = complete  # every leaf applies: no ``na`` to look at
        self.globals: dict[str, Any] = {"__builtins__": {}, **RUNTIME, "_fail": _fail}
        self._constants: dict[tuple[str, str], str] = {}
        self.values: dict[str, ast.expr] = {}  # fact or derived id → the local holding it
        self.body: list[ast.stmt] = []
        self.temporaries = 0
        self.rating_index: int | None = None
        self.numeric: set[str] = set()  # locals that hold a Decimal whenever they are not None

    # ---- the Emitter protocol the rules write with -------------------------------------------
    def const(self, value: object) -> ast.expr:
        if isinstance(value, ast.expr):
            return value
        if value is None or isinstance(value, (bool, int, str)):
            return ast.Constant(value)
        # Decimals by their exact text (1.0 and 1.00 differ in what they print); others by id.
        key = (type(value).__name__, str(value) if isinstance(value, Decimal) else str(id(value)))
        name = self._constants.get(key)
        if name is None:
            name = self._constants[key] = f"_c{len(self._constants)}"
            self.globals[name] = value
        return _name(name)

    def formula(self, formula: CompiledFormula, **local: ast.expr | Decimal) -> ast.expr:
        values = {**self.values, **{key: self.const(part) for key, part in local.items()}}
        spliced: ast.expr = _NumbersKnown(self.numeric).visit(formula.splice(values, self.const))
        return self.without_ones(spliced)

    def value(self, formula: CompiledFormula) -> ast.expr:
        expression = self.formula(formula)
        if isinstance(expression, ast.Name) and expression.id in self.numeric:
            return expression  # a number fact, read as one: nothing to check
        return self.bind(ast.Call(_name("_num"), [expression], []))

    def bind(self, expression: ast.expr) -> ast.expr:
        if isinstance(expression, (ast.Name, ast.Constant)):
            return expression
        self.temporaries += 1
        target = f"t{self.temporaries}"
        self.body.append(ast.Assign([ast.Name(target, _STORE)], expression))
        return _name(target)

    def template(self, text: str, **parts: ast.expr | Decimal) -> ast.expr:
        converted = {key: self.const(part) for key, part in parts.items()}
        expression: ast.expr = _Parts(converted).visit(_copied(_parsed_template(text)))
        return self.without_ones(expression)

    # ---- what is known of an expression before it runs ----------------------------------------
    def yields_number(self, node: ast.expr) -> bool:
        """Whether ``node`` gives a Decimal whenever it gives anything: arithmetic on numbers
        (a Decimal op a Decimal is a Decimal), never a comparison, a bool or a call but _num."""
        if isinstance(node, ast.Name):
            value = self.globals.get(node.id)
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
        value = self.globals.get(node.id) if isinstance(node, ast.Name) else None
        return value.__class__ is Decimal and value.as_tuple() == (0, (1,), 0)

    def without_ones(self, node: ast.expr) -> ast.expr:
        """``x / 1``, ``x * 1`` and ``1 * x`` are ``x`` itself, digit for digit and exponent for
        exponent, when ``x`` is the result of arithmetic: it then already fits the context's
        precision, so dividing or multiplying by 1 neither rounds it nor moves its exponent.
        (A value read from a project could have more digits than the precision: left alone.)"""
        builder = self

        class Ones(ast.NodeTransformer):
            def visit_BinOp(self, binop: ast.BinOp) -> ast.expr:
                self.generic_visit(binop)
                left, right = binop.left, binop.right
                computed = (ast.BinOp, ast.UnaryOp)
                by_one = isinstance(binop.op, (ast.Div, ast.Mult)) and builder.is_one(right)
                if by_one and isinstance(left, computed) and builder.yields_number(left):
                    return left
                one_by = isinstance(binop.op, ast.Mult) and builder.is_one(left)
                if one_by and isinstance(right, computed) and builder.yields_number(right):
                    return right
                return binop

        folded: ast.expr = Ones().visit(node)
        return folded

    def call(self, function: Callable[..., Any], *args: ast.expr | Decimal) -> ast.expr:
        return ast.Call(self.const(function), [self.const(arg) for arg in args], [])

    def rating(self) -> ast.expr:
        if self.rating_index is None:
            return ast.Constant(None)
        return _name(f"r{self.rating_index}")

    # ---- the function --------------------------------------------------------------------------
    def build(self) -> ast.Module:
        spec = self.spec
        facts = list(spec.facts)
        for index, fact_id in enumerate(facts):
            self.values[fact_id] = _name(f"v{index}")
            if spec.facts[fact_id].measure.kind in NUMERIC_KINDS:
                self.numeric.add(f"v{index}")  # read as a Decimal, never a yes/no
        if facts:
            targets = [ast.Name(f"v{i}", _STORE) for i in range(len(facts))]
            tuple_target = ast.Tuple(targets, _STORE)  # type: ignore[arg-type]
            self.body.append(ast.Assign([tuple_target], _name("vals")))
        rated = sum(1 for leaf in spec.leaves if leaf.rule and leaf.rule.kind == "qualitative")
        if rated:
            targets = [ast.Name(f"r{i}", _STORE) for i in range(rated)]
            tuple_target = ast.Tuple(targets, _STORE)  # type: ignore[arg-type]
            self.body.append(ast.Assign([tuple_target], _name("ratings")))
        needed = set().union(*(leaf.derived_needed for leaf in spec.leaves))
        for index, derived in enumerate(spec.derived):
            if derived.id in needed:  # as the engine: a value no indicator reads is not computed
                self.derived(index, derived.id, derived.formula)
        qualitative = 0
        for index, leaf in enumerate(spec.leaves):
            assert leaf.rule is not None
            self.rating_index = None
            if leaf.rule.kind == "qualitative":
                self.rating_index, qualitative = qualitative, qualitative + 1
            self.leaf(index, leaf)
        scores = ast.Tuple([_name(f"s{i}") for i in range(len(spec.leaves))], _LOAD)
        self.body.append(ast.Assign([ast.Name("scores", _STORE)], scores))
        if self.complete:
            self.body.extend(self.roll_up())
        else:
            self.body.append(ast.If(_name("na"), self.roll_up(partial=True), self.roll_up()))
        arguments = ast.arguments(
            [], [ast.arg(n) for n in ("vals", "ratings", "na")], None, [], [], None, []
        )
        function = ast.FunctionDef("plan", arguments, self.body, [], None, None)
        return ast.fix_missing_locations(ast.Module([function], []))

    def roll_up(self, partial: bool = False) -> list[ast.stmt]:
        """The totals, each 一级指标's points added as ``engine.totals_of`` does (``sum`` of
        its scores from 0, then the sum of those), without its general bookkeeping. ``partial``:
        some leaves do not apply; a missing score adds 0 (the sum starts at 0, so adding 0
        changes neither the value nor the places), and the weights that apply come from
        ``weights_of(na)``: (each 一级指标's, their sum)."""
        spec, statements = self.spec, list[ast.stmt]()
        if partial:
            weights = ast.Call(self.const(self.weights_of), [_name("na")], [])
            statements.append(ast.Assign([ast.Name("w", _STORE)], weights))
            nothing = self.template("fail() if not W else None", W=_subscript(_name("w"), 1))
            statements.append(ast.Expr(nothing))  # nothing that applies weighs anything
            each, everything = _subscript(_name("w"), 0), _subscript(_name("w"), 1)
        else:
            each, everything = self.const(spec.top_weights), self.const(sum(spec.top_weights, ZERO))
        tops: list[ast.expr] = []
        sums: list[ast.expr] = []
        for k, ((start, stop), weight) in enumerate(
            zip(spec.top_leaf_ranges, spec.top_weights, strict=True)
        ):
            scores: list[ast.expr] = []
            for i in range(start, stop):
                score: ast.expr = _name(f"s{i}")
                if partial:
                    score = self.template("S if S is not None else Z", S=score, Z=ZERO)
                scores.append(score)
            statements.append(ast.Assign([ast.Name(f"o{k}", _STORE)], self.added(scores)))
            if partial:
                applies = _subscript(_copied(each), k)
                tops.append(ast.IfExp(applies, _name(f"o{k}"), ast.Constant(None)))
            else:
                tops.append(_name(f"o{k}") if weight else ast.Constant(None))
            sums.append(_name(f"o{k}"))
        obtained = self.added(sums)
        if partial or sum(spec.top_weights, ZERO) != spec.total:  # rescaled: the engine's way
            arguments = [self.const(spec), obtained, everything, ast.Tuple(tops, _LOAD)]
            arguments += [_name("scores"), _copied(each)]
            statements.append(ast.Return(ast.Call(self.const(totals_from_tops), arguments, [])))
            return statements
        # Everything applies and weighs the spec's total: totals_from_tops, written out. The
        # points obtained are never negative (nor -0), so quantize is all rounding.apply does.
        rounding = spec.rounding
        total = self.template(
            "(O).quantize(Q, MODE)",
            O=obtained,
            Q=rounding.quantum,
            MODE=ast.Constant(rounding.mode_constant),
        )
        statements.append(ast.Assign([ast.Name("total", _STORE)], total))
        # GradeBands.grade, unrolled; the names stay data (a constant tuple), never code.
        bands = spec.grades.bands
        names = self.const(tuple(name for name, _ in bands))
        grade: ast.expr = _subscript(names, len(bands) - 1)
        for index in reversed(range(len(bands) - 1)):
            reached = ast.Compare(_name("total"), [ast.GtE()], [self.const(bands[index][1])])
            grade = ast.IfExp(reached, _subscript(_copied(names), index), grade)
        # Totals(total, grade, applicable_weight, top_scores, top_applicable, leaf_scores)
        fields = [_name("total"), grade, everything, ast.Tuple(tops, _LOAD), each, _name("scores")]
        made = ast.Tuple(fields, _LOAD)
        new = ast.Call(self.const(tuple.__new__), [self.const(Totals), made], [])
        statements.append(ast.Return(new))
        return statements

    def full_marks(self, index: int) -> str:
        """The global holding leaf ``index``'s full marks: the spec's own object (not a copy)."""
        name = f"_full{index}"
        self.globals[name] = self.spec.full_marks[index]
        return name

    def added(self, terms: list[ast.expr]) -> ast.expr:
        """``sum(terms, 0)`` as ``engine.totals_of`` adds, without adding the 0: every term is a
        leaf score or a sum of them, rounded to places ≥ 0, so its exponent is ≤ 0 and 0 + it
        is it, digit for digit."""
        if not terms:
            return self.const(ZERO)
        total = terms[0]
        for term in terms[1:]:
            total = ast.BinOp(total, ast.Add(), term)
        return total

    def derived(self, index: int, identifier: str, formula: CompiledFormula) -> None:
        """``d = formula if every input is given else None``: a leaf needing it checks."""
        local = f"d{index}"
        inputs = [self.values[name] for name in sorted(formula.names)]
        computed = self.formula(formula)
        if self.yields_number(computed):
            self.numeric.add(local)  # a leaf reading it needs no _num check
        if inputs:
            given = _all_given(inputs)
            computed = ast.IfExp(given, computed, ast.Constant(None))
        self.body.append(ast.Assign([ast.Name(local, _STORE)], computed))
        self.values[identifier] = _name(local)

    def leaf(self, index: int, leaf: Node) -> None:
        assert leaf.rule is not None
        outer, self.body = self.body, []
        needed = [self.values[name] for name in sorted(leaf.facts_needed | leaf.derived_needed)]
        if needed:
            missing = ast.UnaryOp(ast.Not(), _all_given(needed))
            self.body.append(ast.If(missing, [ast.Expr(ast.Call(_name("_fail"), [], []))], []))
        points = self.bind(leaf.rule.emit(self, leaf.weight))
        if leaf.rule.emits_score:
            self.body.append(ast.Assign([ast.Name(f"s{index}", _STORE)], points))
            applicable, self.body = self.body, outer
            self.body.extend(self.unless_not_applicable(index, applicable))
            return
        rounding = self.spec.rounding
        # Clamped to [0, weight] and rounded: the engine's apply(0 if p < 0 else min(p, w)).
        # At or below 0 (-0 too) that is apply(0); at or above the weight, apply(weight): both
        # worked out here, once. Between, P.quantize is what apply does (P > 0: never -0.00).
        final = self.template(
            "ZERO if P <= 0 else (FULL if W <= P else P.quantize(Q, MODE))",
            P=points,
            ZERO=rounding.apply(ZERO),
            FULL=_name(self.full_marks(index)),
            W=leaf.weight,
            Q=rounding.quantum,
            MODE=ast.Constant(rounding.mode_constant),  # positional: twice as fast as rounding=
        )
        self.body.append(ast.Assign([ast.Name(f"s{index}", _STORE)], final))
        applicable, self.body = self.body, outer
        self.body.extend(self.unless_not_applicable(index, applicable))

    def unless_not_applicable(self, index: int, applicable: list[ast.stmt]) -> list[ast.stmt]:
        if self.complete:
            return applicable
        not_applicable = ast.Compare(ast.Constant(index), [ast.In()], [_name("na")])
        skip: list[ast.stmt] = [ast.Assign([ast.Name(f"s{index}", _STORE)], ast.Constant(None))]
        return [ast.If(not_applicable, skip, applicable)]


def _subscript(value: ast.expr, index: int) -> ast.expr:
    return ast.Subscript(value, ast.Constant(index), _LOAD)


def _all_given(values: list[ast.expr]) -> ast.expr:
    tests = [ast.Compare(_copied(value), [ast.IsNot()], [ast.Constant(None)]) for value in values]
    return tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests)  # type: ignore[arg-type]


def build_function(spec: Spec, weights_of: WeightsOf, complete: bool = False) -> Callable[..., Any]:
    """The spec's scoring function: ``plan(vals, ratings, na)`` → the project's ``Totals``.
    ``weights_of(na)`` gives the weights that apply when the leaves in ``na`` do not.
    ``complete``: a leaner function for projects where every leaf applies (``na`` empty)."""
    builder = _Builder(spec, weights_of, complete)
    module = builder.build()
    code = compile(module, f"<plan of {spec.id}>", "exec")  # trees we assembled, never text
    function_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    return types.FunctionType(function_code, builder.globals)
