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
        o0 = Z + s0 + s1 + ...      # each 一级指标, added as totals.totals_of adds them
        return totals_from_tops(SPEC, Z + o0 + o1 + ..., ALL, (o0, o1, ...), scores)

Anything the engine would report (a missing value, a rating outside its tier, a division by
zero) raises; ``Plan`` then leaves the project to the engine, which says what is wrong.

The trees are made, copied and filled by the helpers at the top of this module. A template is a
short expression of ours ("W if A >= T else max(A, Z) * W / T") whose upper-case names are parts
filled in with trees; ``Known`` then drops what cannot change a number: a ``_num`` check on a
value known to be a number, and a multiplication or division by an exact 1 of a computed value.
"""

from __future__ import annotations

import ast
import functools
import types
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ...formula.expr import RUNTIME, CompiledFormula, copied, located
from ...numbers.measure import NUMERIC_KINDS
from ...rules.base import ZERO
from ...spec.compiled import Node, Spec
from ..result import Totals
from ..totals import totals_from_tops

__all__ = ["PlanFallback", "build_function"]

# ---- trees: made, copied, filled, and what can be told of one before it runs ----------------
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


# ---- the plan's function ---------------------------------------------------------------------

# Leaves not applicable → (each 一级指标's applicable weight, their sum).
WeightsOf = Callable[[frozenset[int]], tuple[tuple[Decimal, ...], Decimal]]


# Terms added in one expression: each '+' nests the expression one level deeper, and compile()
# recurses once per level (a 1,000-leaf 一级指标 as one expression exceeded the recursion limit).
_TERMS = 100


class PlanFallback(Exception):
    """The compiled plan cannot score this project; the engine will (and report what is wrong)."""


def _fail() -> Decimal:
    raise PlanFallback


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
        self.known = Known(self.numeric, self.globals)

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
        return ref(name)

    def formula(self, formula: CompiledFormula, **local: ast.expr | Decimal) -> ast.expr:
        values = {**self.values, **{key: self.const(part) for key, part in local.items()}}
        return self.known.simplified(formula.splice(values, self.const))

    def value(self, formula: CompiledFormula) -> ast.expr:
        expression = self.formula(formula)
        if isinstance(expression, ast.Name) and expression.id in self.numeric:
            return expression  # a number fact, read as one: nothing to check
        return self.bind(ast.Call(ref("_num"), [expression], []))

    def bind(self, expression: ast.expr) -> ast.expr:
        if isinstance(expression, (ast.Name, ast.Constant)):
            return expression
        self.temporaries += 1
        target = f"t{self.temporaries}"
        self.body.append(ast.Assign([ast.Name(target, STORE)], expression))
        return ref(target)

    def template(self, text: str, **parts: ast.expr | Decimal) -> ast.expr:
        converted = {key: self.const(part) for key, part in parts.items()}
        return self.known.simplified(filled(text, converted))

    def call(self, function: Callable[..., Any], *args: ast.expr | Decimal) -> ast.expr:
        return ast.Call(self.const(function), [self.const(arg) for arg in args], [])

    def rating(self) -> ast.expr:
        if self.rating_index is None:
            return ast.Constant(None)
        return ref(f"r{self.rating_index}")

    # ---- the function --------------------------------------------------------------------------
    def build(self) -> ast.Module:
        spec = self.spec
        facts = list(spec.facts)
        for index, fact_id in enumerate(facts):
            self.values[fact_id] = ref(f"v{index}")
            if spec.facts[fact_id].measure.kind in NUMERIC_KINDS:
                self.numeric.add(f"v{index}")  # read as a Decimal, never a yes/no
        if facts:
            targets = [ast.Name(f"v{i}", STORE) for i in range(len(facts))]
            tuple_target = ast.Tuple(targets, STORE)  # type: ignore[arg-type]
            self.body.append(ast.Assign([tuple_target], ref("vals")))
        rated = sum(1 for leaf in spec.leaves if leaf.rule and leaf.rule.kind == "qualitative")
        if rated:
            targets = [ast.Name(f"r{i}", STORE) for i in range(rated)]
            tuple_target = ast.Tuple(targets, STORE)  # type: ignore[arg-type]
            self.body.append(ast.Assign([tuple_target], ref("ratings")))
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
        scores = ast.Tuple([ref(f"s{i}") for i in range(len(spec.leaves))], LOAD)
        self.body.append(ast.Assign([ast.Name("scores", STORE)], scores))
        if self.complete:
            self.body.extend(self.roll_up())
        else:
            self.body.append(ast.If(ref("na"), self.roll_up(partial=True), self.roll_up()))
        arguments = ast.arguments(
            [], [ast.arg(n) for n in ("vals", "ratings", "na")], None, [], [], None, []
        )
        function = ast.FunctionDef("plan", arguments, self.body, [], None, None)
        return located(ast.Module([function], []))

    def roll_up(self, partial: bool = False) -> list[ast.stmt]:
        """The totals, each 一级指标's points added as ``totals.totals_of`` does (``sum`` of
        its scores from 0, then the sum of those), without its general bookkeeping. ``partial``:
        some leaves do not apply; a missing score adds 0 (the sum starts at 0, so adding 0
        changes neither the value nor the places), and the weights that apply come from
        ``weights_of(na)``: (each 一级指标's, their sum)."""
        spec, statements = self.spec, list[ast.stmt]()
        if partial:
            weights = ast.Call(self.const(self.weights_of), [ref("na")], [])
            statements.append(ast.Assign([ast.Name("w", STORE)], weights))
            nothing = self.template("fail() if not W else None", W=subscript(ref("w"), 1))
            statements.append(ast.Expr(nothing))  # nothing that applies weighs anything
            each, everything = subscript(ref("w"), 0), subscript(ref("w"), 1)
        else:
            each, everything = self.const(spec.top_weights), self.const(sum(spec.top_weights, ZERO))
        tops: list[ast.expr] = []
        sums: list[ast.expr] = []
        for k, ((start, stop), weight) in enumerate(
            zip(spec.top_leaf_ranges, spec.top_weights, strict=True)
        ):
            scores: list[ast.expr] = []
            for i in range(start, stop):
                score: ast.expr = ref(f"s{i}")
                if partial:
                    score = self.template("S if S is not None else Z", S=score, Z=ZERO)
                scores.append(score)
            statements.extend(self.added(f"o{k}", scores))
            if partial:
                applies = subscript(copied(each), k)
                tops.append(ast.IfExp(applies, ref(f"o{k}"), ast.Constant(None)))
            else:
                tops.append(ref(f"o{k}") if weight else ast.Constant(None))
            sums.append(ref(f"o{k}"))
        statements.extend(self.added("total", sums))  # the points obtained, then rounded
        obtained = ref("total")
        if partial:  # rescaled to the weight that applies: the engine's own function
            arguments = [self.const(spec), obtained, everything, ast.Tuple(tops, LOAD)]
            arguments += [ref("scores"), copied(each)]
            statements.append(ast.Return(ast.Call(self.const(totals_from_tops), arguments, [])))
            return statements
        # Everything applies, and the weights make the spec's total (the loader's weight-sum
        # check): totals_from_tops written out. The points obtained are never negative (nor -0),
        # so quantize is all that rounding.apply does.
        assert sum(spec.top_weights, ZERO) == spec.total, "weights checked at load"
        rounding = spec.rounding
        total = self.template(
            "(O).quantize(Q, MODE)",
            O=obtained,
            Q=rounding.quantum,
            MODE=ast.Constant(rounding.mode_constant),
        )
        statements.append(ast.Assign([ast.Name("total", STORE)], total))
        # GradeBands.grade, unrolled; the names stay data (a constant tuple), never code.
        bands = spec.grades.bands
        names = self.const(tuple(name for name, _ in bands))
        grade: ast.expr = subscript(names, len(bands) - 1)
        if len(bands) > _TERMS:  # unrolled, it would nest one level per grade
            grade = ast.Call(self.const(spec.grades.grade), [ref("total")], [])
        for index in reversed(range(len(bands) - 1) if len(bands) <= _TERMS else ()):
            reached = ast.Compare(ref("total"), [ast.GtE()], [self.const(bands[index][1])])
            grade = ast.IfExp(reached, subscript(copied(names), index), grade)
        # Totals(total, grade, applicable_weight, top_scores, top_applicable, leaf_scores)
        fields = [ref("total"), grade, everything, ast.Tuple(tops, LOAD), each, ref("scores")]
        made = ast.Tuple(fields, LOAD)
        new = ast.Call(self.const(tuple.__new__), [self.const(Totals), made], [])
        statements.append(ast.Return(new))
        return statements

    def full_marks(self, index: int) -> str:
        """The global holding leaf ``index``'s full marks: the spec's own object (not a copy)."""
        name = f"_full{index}"
        self.globals[name] = self.spec.full_marks[index]
        return name

    def added(self, target: str, terms: list[ast.expr]) -> list[ast.stmt]:
        """``target = sum(terms, 0)`` as ``totals.totals_of`` adds, without adding the 0: every
        term is a leaf score or a sum of them, rounded to places ≥ 0, so its exponent is ≤ 0 and
        0 + it is it, digit for digit. A long sum is written as several statements, each adding
        at most ``_TERMS`` terms to the last: the same additions in the same order, but no
        expression nested thousands deep (which ``compile`` cannot take)."""
        if not terms:
            return [ast.Assign([ast.Name(target, STORE)], self.const(ZERO))]
        statements: list[ast.stmt] = []
        for start in range(0, len(terms), _TERMS):
            total = ref(target) if start else terms[0]
            for term in terms[start or 1 : start + _TERMS]:
                total = ast.BinOp(total, ast.Add(), term)
            statements.append(ast.Assign([ast.Name(target, STORE)], total))
        return statements

    def derived(self, index: int, identifier: str, formula: CompiledFormula) -> None:
        """``d = formula if every input is given else None``: a leaf needing it checks."""
        local = f"d{index}"
        inputs = [self.values[name] for name in sorted(formula.names)]
        computed = self.formula(formula)
        if self.known.yields_number(computed):
            self.numeric.add(local)  # a leaf reading it needs no _num check
        if inputs:
            given = all_given(inputs)
            computed = ast.IfExp(given, computed, ast.Constant(None))
        self.body.append(ast.Assign([ast.Name(local, STORE)], computed))
        self.values[identifier] = ref(local)

    def leaf(self, index: int, leaf: Node) -> None:
        assert leaf.rule is not None
        outer, self.body = self.body, []
        needed = [self.values[name] for name in sorted(leaf.facts_needed | leaf.derived_needed)]
        if needed:
            missing = ast.UnaryOp(ast.Not(), all_given(needed))
            self.body.append(ast.If(missing, [ast.Expr(ast.Call(ref("_fail"), [], []))], []))
        points = self.bind(leaf.rule.emit(self, leaf.weight))
        if leaf.rule.emits_score:
            self.body.append(ast.Assign([ast.Name(f"s{index}", STORE)], points))
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
            FULL=ref(self.full_marks(index)),
            W=leaf.weight,
            Q=rounding.quantum,
            MODE=ast.Constant(rounding.mode_constant),  # positional: twice as fast as rounding=
        )
        self.body.append(ast.Assign([ast.Name(f"s{index}", STORE)], final))
        applicable, self.body = self.body, outer
        self.body.extend(self.unless_not_applicable(index, applicable))

    def unless_not_applicable(self, index: int, applicable: list[ast.stmt]) -> list[ast.stmt]:
        if self.complete:
            return applicable
        not_applicable = ast.Compare(ast.Constant(index), [ast.In()], [ref("na")])
        skip: list[ast.stmt] = [ast.Assign([ast.Name(f"s{index}", STORE)], ast.Constant(None))]
        return [ast.If(not_applicable, skip, applicable)]


def build_function(spec: Spec, weights_of: WeightsOf, complete: bool = False) -> Callable[..., Any]:
    """The spec's scoring function: ``plan(vals, ratings, na)`` → the project's ``Totals``.
    ``weights_of(na)`` gives the weights that apply when the leaves in ``na`` do not.
    ``complete``: a leaner function for projects where every leaf applies (``na`` empty)."""
    builder = _Builder(spec, weights_of, complete)
    module = builder.build()
    code = compile(module, f"<plan of {spec.id}>", "exec")  # trees we assembled, never text
    function_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    return types.FunctionType(function_code, builder.globals)
