"""The safe formula compiler: formulas in, checked and compiled functions out.

A formula is parsed with :func:`ast.parse`, walked against a whitelist (anything not listed is
refused with a message naming the construct; the walk is pre-order, so an outer construct is
reported before the ones inside it), rewritten and compiled once into a plain function:

* numeric literals become exact ``Decimal`` constants read from the source text, never floats;
* a name becomes ``_env['declared name']``, so identifiers never reach globals or builtins;
* an operand that may hold a yes/no fact is wrapped in ``Decimal.canonical``, which refuses
  anything but a ``Decimal``: True/False never silently count as 1/0;
* arithmetic runs under a private per-thread decimal context, switched in only for formulas that
  do arithmetic, so a result never depends on the caller's decimal context.

Nothing from the formula text is ever given to ``eval`` or ``exec``. Chinese IME punctuation
（ ） ， × ÷ and the ideographic space are replaced by ( ) , * / and a space before parsing, one
character for one, so every offset still points into the source as written (a no-break space
pasted from Word counts as a space too); other full-width punctuation is refused with the ASCII
character to type instead, and invisible characters are named by code point, never quoted.

This module is the public entry and the run time: the functions a formula can call, its decimal
context, ``compile_formula`` and ``CompiledFormula``. The checking is split by concern:
``formula_text`` reads the text and points into it, ``formula_limits`` holds the whitelist's terms
(limits, refusal messages, arities) and ``formula_checker`` walks the tree. The one call to
``compile`` stays here, where the security tests expect it, on a tree the checker rewrote.
"""

from __future__ import annotations

import ast
import decimal
import keyword
import operator
import threading
import types
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation, Overflow, getcontext, setcontext
from typing import Any, TypeAlias, TypeVar

from ..errors import FormulaError
from ..i18n import tr
from ..numbers.cell_text import look_alike
from .checker import DeclaredNames, WhitelistChecker
from .limits import MAX_LENGTH, MAX_NODES, MAX_PLACES
from .text import quote

__all__ = [
    "FUNCTIONS",
    "RUNTIME",
    "CompiledFormula",
    "DeclaredNames",
    "Value",
    "compile_formula",
    "formula_context",
    "located",
]

Value: TypeAlias = Decimal | bool
_Node = TypeVar("_Node")

_ARITH = "formula-arithmetic"
_CACHED = 10_000  # compiled formulas kept by one set of declared names


def _invalid() -> str:
    return tr(
        "formula-arithmetic",
        "invalid operation (such as 0 ** 0, or rounding a number of over 28 digits)",
    )


# Emax/Emin bound every intermediate result, so no formula can grow a number without limit.
_CONTEXT = Context(prec=28, Emax=999_999, Emin=-999_999, traps=[InvalidOperation, Overflow])
_CONTEXT.traps[decimal.DivisionByZero] = True
_LOCAL = threading.local()  # .context: one per thread, as status flags are written on every call
_QUANTA = tuple(Decimal((0, (1,), -places)) for places in range(MAX_PLACES + 1))


def _unsigned_zero(x: Decimal) -> Decimal:
    return x if x else x.copy_abs()  # round(-0.001, 2) must print 0.00, not -0.00


def _min(*args: Decimal) -> Decimal:
    return min(args)


def _max(*args: Decimal) -> Decimal:
    return max(args)


def _abs(x: Decimal) -> Decimal:
    return x.copy_abs()  # exact, where abs() would round to the context's precision


def _round(x: Decimal, places: int = 0) -> Decimal:
    """四舍五入: a tie goes away from zero (2.675 -> 2.68), never to the even neighbour."""
    if type(places) is not int or not 0 <= places <= MAX_PLACES:
        raise ValueError(
            tr(
                "formula-arithmetic",
                "round() places must be a whole number from 0 to {most}",
                most=MAX_PLACES,
            )
        )
    return _unsigned_zero(x.quantize(_QUANTA[places], rounding=decimal.ROUND_HALF_UP))


def _floor(x: Decimal) -> Decimal:
    return _unsigned_zero(x.to_integral_value(rounding=decimal.ROUND_FLOOR))


def _ceil(x: Decimal) -> Decimal:
    return _unsigned_zero(x.to_integral_value(rounding=decimal.ROUND_CEILING))


def _clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    if lo > hi:
        raise ValueError(
            tr(
                "formula-arithmetic",
                "clamp() lower bound {lo} is above upper bound {hi}",
                lo=lo,
                hi=hi,
            )
        )
    return max(lo, min(x, hi))


# Inside a formula these run under its private context; called directly, under the caller's.
_TABLE: dict[str, Callable[..., Decimal]] = {"min": _min, "max": _max, "abs": _abs}
_TABLE |= {"round": _round, "floor": _floor, "ceil": _ceil, "clamp": _clamp}
FUNCTIONS: Mapping[str, Callable[..., Decimal]] = types.MappingProxyType(_TABLE)
# What a compiled formula's code calls besides its constants: the globals it runs with.
RUNTIME: Mapping[str, Callable[..., Any]] = types.MappingProxyType(
    {"_num": Decimal.canonical} | {f"_f_{name}": fn for name, fn in _TABLE.items()}
)


@dataclass(frozen=True, eq=False, slots=True)
class CompiledFormula:
    """A checked formula compiled once; calling it with the facts gives a Decimal or a bool.

    Safe to call from many threads at once: a call keeps its state in its frame and its thread.
    """

    source: str
    names: frozenset[str]  # the declared names it reads, as declared
    bare_name: str | None  # set when the whole formula is one name
    _fn: Callable[[Mapping[str, Value]], Value] = field(repr=False)
    _arithmetic: bool = field(repr=False)  # False: no step depends on the decimal context
    _divisors: tuple[str, ...] = field(repr=False)  # names divided by, to explain a zero
    _numeric: tuple[str, ...] = field(repr=False)  # names used as numbers, to explain a bool
    # The checked, rewritten tree (None for one bare name) and the constants it names, for
    # ``splice``.
    _body: ast.expr | None = field(repr=False)
    _constants: Mapping[str, Decimal] = field(repr=False)

    def __call__(self, env: Mapping[str, Value]) -> Value:
        saved = getcontext() if self._arithmetic else None
        if saved is not None:  # the switch and restore are ~0.3 µs, most of a call's overhead
            setcontext(formula_context())
        try:
            return self._fn(env)
        except KeyError as exc:
            message = tr(
                "formula-missing-value",
                "missing value for '{name}' in '{formula}'",
                name=exc.args[0],
                formula=self.source,
            )
            raise FormulaError(message, code="formula-missing-value", formula=self.source) from exc
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise self._failure(exc, env) from exc
        finally:
            if saved is not None:
                setcontext(saved)

    def splice(
        self, values: Mapping[str, ast.expr], constant: Callable[[Decimal], ast.expr]
    ) -> ast.expr:
        """A fresh copy of the checked tree with each value read replaced by ``values[name]`` and
        each numeric literal by ``constant(value)``, for a caller assembling many formulas into
        one function (``scoring.engine.plan``). The copy calls ``_num`` and ``_f_<function>``: run it
        with ``RUNTIME`` in its globals and, when it does arithmetic, under ``formula_context()``.
        """
        if self._body is None:
            return copied(values[self.source])
        return _spliced(self._body, values, constant, self._constants)  # type: ignore[no-any-return]

    def __reduce__(self) -> tuple[Any, ...]:
        # The compiled function cannot be pickled; recompiling the text gives the same one back.
        return compile_formula, (self.source, self.names)

    def _failure(self, exc: Exception, env: Mapping[str, Value]) -> FormulaError:
        conditions = exc.args[0] if exc.args and isinstance(exc.args[0], list) else [type(exc)]
        code, source = "formula-arithmetic", self.source
        if any(isinstance(c, type) and issubclass(c, ZeroDivisionError) for c in conditions):
            zeros = ", ".join(f"{n} = {env[n]}" for n in self._divisors if _is_zero(env, n))
            message = (
                tr(
                    "division-by-zero",
                    "division by zero in '{formula}' ({zeros})",
                    formula=source,
                    zeros=zeros,
                )
                if zeros
                else tr("division-by-zero", "division by zero in '{formula}'", formula=source)
            )
            return FormulaError(message, code="division-by-zero", formula=source)
        if isinstance(exc, TypeError):
            for name in (*self._numeric, *sorted(self.names)):
                value = env.get(name)
                if isinstance(value, bool):
                    message = tr(
                        "formula-not-a-number",
                        "'{name}' is a yes/no value ({value}), not a number, in '{formula}'",
                        name=name,
                        value=value,
                        formula=source,
                    )
                    return FormulaError(message, code="formula-not-a-number", formula=source)
                if value is not None and type(value) is not Decimal:
                    message = tr(
                        "formula-not-a-number",
                        "'{name}' is {value!r}, not a Decimal, in '{formula}'",
                        name=name,
                        value=value,
                        formula=source,
                    )
                    return FormulaError(message, code="formula-not-a-number", formula=source)
        if isinstance(exc, Overflow):
            reason = tr("formula-arithmetic", "a number grew too large")
        else:
            reason = _invalid() if isinstance(exc, InvalidOperation) else str(exc)
        message = tr(
            "formula-arithmetic",
            "cannot compute '{formula}': {reason}",
            formula=source,
            reason=reason,
        )
        return FormulaError(message, code=code, formula=source)


def _spliced(
    node: Any,
    values: Mapping[str, ast.expr],
    constant: Callable[[Decimal], ast.expr],
    constants: Mapping[str, Decimal],
) -> Any:
    """A copy of ``node`` with values and constants replaced, in one pass (a copy first and a
    transformer after walked every tree twice, most of the time a plan took to build)."""
    if isinstance(node, ast.Subscript):  # only value reads are subscripts in a checked tree
        key = node.slice.value if isinstance(node.slice, ast.Constant) else None
        assert isinstance(key, str), "not a checked formula tree"
        return copied(values[key])
    if isinstance(node, ast.Name) and node.id in constants:
        return constant(constants[node.id])
    if isinstance(node, ast.AST):
        new = node.__class__()
        for name, value in ast.iter_fields(node):
            setattr(new, name, _spliced(value, values, constant, constants))
        return new
    if isinstance(node, list):
        return [_spliced(item, values, constant, constants) for item in node]
    return node


def copied(node: _Node) -> _Node:
    """A deep copy of an expression tree (nodes, lists of nodes and constants): what
    ``copy.deepcopy`` gives, at a fifth of its cost, which was most of compiling a plan."""
    if isinstance(node, ast.AST):
        new = node.__class__()
        for name, value in ast.iter_fields(node):
            setattr(new, name, copied(value))
        for attribute in node._attributes:
            if hasattr(node, attribute):
                setattr(new, attribute, getattr(node, attribute))
        return new
    if isinstance(node, list):
        return [copied(item) for item in node]  # type: ignore[return-value]
    return node  # a constant's value, an operator's name: immutable


_Tree = TypeVar("_Tree", bound=ast.AST)


def located(tree: _Tree) -> _Tree:
    """``tree`` with every statement and expression that has no place put on line 1, as
    ``compile`` requires: what ``ast.fix_missing_locations`` does, without its recursion and
    its look at each parent (a third of building a plan, a quarter of compiling a formula went
    there; the lines of these trees are never shown to anyone)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if (
            isinstance(node, (ast.expr, ast.stmt, ast.arg))
            and getattr(node, "lineno", None) is None
        ):
            node.lineno = node.end_lineno = 1
            node.col_offset = node.end_col_offset = 0
        for _, value in ast.iter_fields(node):
            if isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return tree


def formula_context() -> Context:
    """This thread's private decimal context, the one formulas compute under."""
    try:
        context: Context = _LOCAL.context
    except AttributeError:
        context = _LOCAL.context = _CONTEXT.copy()
    return context


def _is_zero(env: Mapping[str, Value], name: str) -> bool:
    value = env.get(name)
    return isinstance(value, Decimal) and value.is_zero()


def compile_formula(source: str, allowed_names: Collection[str] | DeclaredNames) -> CompiledFormula:
    """Check ``source`` against the whitelist and ``allowed_names``, and compile it once (a
    caller compiling many formulas over the same names indexes them once: ``DeclaredNames``)."""
    if not isinstance(source, str):
        message = tr("formula-type", "formula must be text, got {type}", type=type(source).__name__)
        raise FormulaError(message, code="formula-type", formula="")
    if len(source) > MAX_LENGTH:  # before anything reads the text: a 2 MB bomb costs nothing
        message = tr(
            "formula-too-long",
            "formula is too long ({length} characters; at most {most})",
            length=len(source),
            most=MAX_LENGTH,
        )
        raise FormulaError(message, code="formula-too-long", formula=source)
    if not source.strip():
        message = tr("formula-empty", "formula is empty")
        raise FormulaError(message, code="formula-empty", formula=source)
    declared = (
        allowed_names if isinstance(allowed_names, DeclaredNames) else DeclaredNames(allowed_names)
    )
    formula = declared.compiled.get(source)
    if formula is None:
        formula = _bare_name(source, declared) or _Compiler(source, declared).compile()
        if len(declared.compiled) < _CACHED:
            declared.compiled[source] = formula
    return formula


def _bare_name(source: str, declared: DeclaredNames) -> CompiledFormula | None:
    """The formula that is one declared name written exactly as declared (most ``actual:``
    values of a spec), as the checker would compile it, without parsing and compiling Python:
    that was most of loading a spec of thousands of leaves. None for anything else."""
    if (
        not source.isidentifier()
        or keyword.iskeyword(source)
        or look_alike(source) is not None  # refused by the full path, with its message
        or source not in declared.get(unicodedata.normalize("NFKC", source))
    ):
        return None
    return CompiledFormula(
        source=source,
        names=frozenset((source,)),
        bare_name=source,
        _fn=operator.itemgetter(source),  # _env[name], a KeyError naming it when missing
        _arithmetic=False,
        _divisors=(),
        _numeric=(),
        _body=None,
        _constants={},
    )


class _Compiler(WhitelistChecker):
    """Compiles the checked, rewritten tree, and computes its constant parts once, at load."""

    functions = FUNCTIONS

    def compile(self) -> CompiledFormula:
        tree = self.parse()
        if sum(isinstance(node, ast.expr) for node in ast.walk(tree)) > MAX_NODES:
            message = tr(
                "formula-too-complex",
                "formula is too complex (more than {most} parts)",
                most=MAX_NODES,
            )
            self.fail(0, message, "formula-too-complex")
        body, _ = self.visit(tree.body, 1)
        if self.unknown:
            self.fail_unknown()
        self.check_constant_parts(tree.body)
        return CompiledFormula(
            source=self.source,
            names=frozenset(self.name_of.values()),
            bare_name=self.name_of.get(tree.body),
            _fn=self.function(body),
            _arithmetic=self.arithmetic,
            _divisors=tuple(dict.fromkeys(self.divisors)),
            _numeric=tuple(dict.fromkeys(self.numeric)),
            _body=body,
            _constants=dict(self.constants),
        )

    def function(self, body: ast.expr) -> Callable[[Mapping[str, Value]], Value]:
        """``lambda _env: body`` as a function whose globals hold only our names, no builtins."""
        arg = ast.arg("_env", lineno=1, col_offset=0, end_lineno=1, end_col_offset=0)
        args = ast.arguments([], [arg], None, [], [], None, [])
        lam = ast.Lambda(args, body, lineno=1, col_offset=0, end_lineno=1, end_col_offset=0)
        code = compile(ast.Expression(lam), "<formula>", "eval")  # a checked, rewritten tree
        namespace: dict[str, Any] = {"__builtins__": {}, **RUNTIME, **self.constants}
        lambda_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
        return types.FunctionType(lambda_code, namespace)

    def check_constant_parts(self, root: ast.expr) -> None:
        """Compute every largest part that reads no value, once, now: a part that fails for all
        facts (1 / 0, a power tower that overflows) is a spec error, reported at load."""
        stack = [root]
        while stack:
            node = stack.pop()
            if node in self.reading:
                stack.extend(c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr))
            elif node in self.rewritten:  # (a called function's name is never rewritten)
                self.check_constant(node)

    def check_constant(self, node: ast.expr) -> None:
        text = quote(" ".join(self.written(node).split()))
        if isinstance(node, ast.Constant) and node not in self.divisor_nodes:
            return  # a literal was checked when visited
        try:
            with decimal.localcontext(_CONTEXT):
                value = self.function(self.rewritten[node])({})
        except ZeroDivisionError:
            message = tr("division-by-zero", "division by zero in {text}", text=text)
            self.fail(node, message, "division-by-zero")
        except Overflow:
            message = tr(
                "formula-arithmetic",
                "{text} cannot be computed: the number grows too large",
                text=text,
            )
            self.fail(node, message, _ARITH)
        except InvalidOperation:
            message = tr(
                "formula-arithmetic",
                "{text} cannot be computed: {reason}",
                text=text,
                reason=_invalid(),
            )
            self.fail(node, message, _ARITH)
        except TypeError:  # _num() refused True/False
            message = tr(
                "formula-not-a-number",
                "{text} gives a yes/no value where a number is needed",
                text=text,
            )
            self.fail(node, message, "formula-not-a-number")
        except ValueError as exc:  # round() places, clamp() bounds
            message = tr(
                "formula-arithmetic", "{text} cannot be computed: {reason}", text=text, reason=exc
            )
            self.fail(node, message, _ARITH)
        if node in self.divisor_nodes and isinstance(value, Decimal) and value.is_zero():
            message = tr(
                "division-by-zero", "division by zero: the divisor {text} is always 0", text=text
            )
            self.fail(node, message, "division-by-zero")
