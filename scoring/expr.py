"""The safe formula compiler: the only module that knows ``ast``.

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
"""

from __future__ import annotations

import ast
import copy
import decimal
import difflib
import re
import threading
import types
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation, Overflow, getcontext, setcontext
from typing import Any, Literal, NoReturn, TypeAlias

from .errors import FormulaError

__all__ = ["FUNCTIONS", "RUNTIME", "CompiledFormula", "Value", "compile_formula", "formula_context"]

Value: TypeAlias = Decimal | bool
_Kind: TypeAlias = Literal["num", "bool", "any"]  # "any": a fact, known only at run time

MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_POWER, MAX_PLACES, MAX_DIGITS = 1000, 300, 100, 8, 10, 20
_LARGEST, _SMALLEST = Decimal("1e15"), Decimal("1e-15")
_ARITH = "formula-arithmetic"
_INVALID = "invalid operation (such as 0 ** 0, or rounding a number of over 28 digits)"
_OUT_OF_RANGE = f"out of range: at most {MAX_DIGITS} significant digits, from 1e-15 to 1e15 in size"

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
        raise ValueError(f"round() places must be a whole number from 0 to {MAX_PLACES}")
    return _unsigned_zero(x.quantize(_QUANTA[places], rounding=decimal.ROUND_HALF_UP))


def _floor(x: Decimal) -> Decimal:
    return _unsigned_zero(x.to_integral_value(rounding=decimal.ROUND_FLOOR))


def _ceil(x: Decimal) -> Decimal:
    return _unsigned_zero(x.to_integral_value(rounding=decimal.ROUND_CEILING))


def _clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    if lo > hi:
        raise ValueError(f"clamp() lower bound {lo} is above upper bound {hi}")
    return max(lo, min(x, hi))


# Inside a formula these run under its private context; called directly, under the caller's.
_TABLE: dict[str, Callable[..., Decimal]] = {"min": _min, "max": _max, "abs": _abs}
_TABLE |= {"round": _round, "floor": _floor, "ceil": _ceil, "clamp": _clamp}
FUNCTIONS: Mapping[str, Callable[..., Decimal]] = types.MappingProxyType(_TABLE)
# What a compiled formula's code calls besides its constants: the globals it runs with.
RUNTIME: Mapping[str, Callable[..., Any]] = types.MappingProxyType(
    {"_num": Decimal.canonical} | {f"_f_{name}": fn for name, fn in _TABLE.items()}
)
_ARITY = {"min": (1, MAX_NODES), "max": (1, MAX_NODES), "abs": (1, 1), "round": (1, 2)}
_ARITY |= {"floor": (1, 1), "ceil": (1, 1), "clamp": (3, 3)}
_USAGE = {"min": "min(a, b, ...)", "max": "max(a, b, ...)", "abs": "abs(x)", "floor": "floor(x)"}
_USAGE |= {"ceil": "ceil(x)", "round": "round(x) or round(x, places)", "clamp": "clamp(x, lo, hi)"}
_CALLABLE = "formulas can call " + ", ".join(sorted(FUNCTIONS))

_NORMALISE = str.maketrans({"（": "(", "）": ")", "，": ",", "×": "*", "÷": "/", "\u3000": " "})
_NORMALISE[0xA0] = " "  # the no-break space Word and Excel paste between words
_PUNCTUATION = {"、": ",", "。": ".", "＋": "+", "－": "-", "−": "-", "＊": "*", "／": "/"}
_PUNCTUATION |= {"＝": "==", "＜": "<", "＞": ">", "≤": "<=", "≥": ">=", "≠": "!="}
_PUNCTUATION |= {"【": "(", "】": ")", "［": "(", "］": ")"}
_PERCENT = re.compile(r"(?<![\w.])(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)\s*[%％]")
_ASSIGNMENT = re.compile(r":=|(?<![=<>!:])=(?![=<>])")

_REFUSED_OPERATORS: dict[type[ast.AST], tuple[str, str]] = {
    ast.Mod: ("%", "'%' (modulo) is not allowed in formulas"),
    ast.FloorDiv: ("//", "'//' is not allowed in formulas; use floor(a / b)"),
    ast.BitXor: ("^", "'^' is not allowed in formulas; use '**' for powers"),
    ast.BitAnd: ("&", "'&' is not allowed in formulas; use 'and'"),
    ast.BitOr: ("|", "'|' is not allowed in formulas; use 'or'"),
    ast.Is: ("is", "'is' is not allowed in formulas; use '==' to compare"),
    ast.IsNot: ("is", "'is not' is not allowed in formulas; use '!=' to compare"),
}
_PLAIN = [(ast.MatMult, "@"), (ast.LShift, "<<"), (ast.RShift, ">>"), (ast.In, "in")]
_REFUSED_OPERATORS |= {op: (s, f"'{s}' is not allowed in formulas") for op, s in _PLAIN}
_REFUSED_OPERATORS[ast.NotIn] = ("not", "'not in' is not allowed in formulas")
_REFUSED_NODES: dict[type[ast.AST], str] = {
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
_REFUSED_NODES |= dict.fromkeys([ast.Subscript, ast.Slice], _SUBSCRIPTS)
_COMPREHENSIONS = [ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp]
_REFUSED_NODES |= dict.fromkeys(_COMPREHENSIONS, "comprehensions are not allowed in formulas")
_REFUSED_CONSTANTS = {str: "strings are", bytes: "bytes are", complex: "complex numbers are"}
# A statement where an expression belongs: Python's own "invalid syntax" says nothing useful.
_STATEMENT = re.compile(
    r"(import|from|def|class|return|del|pass|raise|global|nonlocal|assert|for|while|with|try"
    r"|print|exec)\b"
)
_MAX_QUOTED = 40  # characters of a name or fragment quoted in a message
_MAX_LISTED = 5  # unknown names listed in one message
_REFUSED_CONSTANTS |= {type(None): "None is", type(...): "'...' is"}


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
    # The checked, rewritten tree and the constants it names, for ``splice``.
    _body: ast.expr = field(repr=False)
    _constants: Mapping[str, Decimal] = field(repr=False)

    def __call__(self, env: Mapping[str, Value]) -> Value:
        saved = getcontext() if self._arithmetic else None
        if saved is not None:  # the switch and restore are ~0.3 µs, most of a call's overhead
            setcontext(formula_context())
        try:
            return self._fn(env)
        except KeyError as exc:
            message = f"missing value for '{exc.args[0]}' in '{self.source}'"
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
        one function (``scoring.plan``). The copy calls ``_num`` and ``_f_<function>``: run it
        with ``RUNTIME`` in its globals and, when it does arithmetic, under ``formula_context()``.
        """
        spliced: ast.expr = _Splicer(values, constant, self._constants).visit(
            copy.deepcopy(self._body)
        )
        return spliced

    def __reduce__(self) -> tuple[Any, ...]:
        # The compiled function cannot be pickled; recompiling the text gives the same one back.
        return compile_formula, (self.source, self.names)

    def _failure(self, exc: Exception, env: Mapping[str, Value]) -> FormulaError:
        conditions = exc.args[0] if exc.args and isinstance(exc.args[0], list) else [type(exc)]
        code, source = "formula-arithmetic", self.source
        if any(isinstance(c, type) and issubclass(c, ZeroDivisionError) for c in conditions):
            zeros = ", ".join(f"{n} = {env[n]}" for n in self._divisors if _is_zero(env, n))
            message = f"division by zero in '{source}'" + (f" ({zeros})" if zeros else "")
            return FormulaError(message, code="division-by-zero", formula=source)
        if isinstance(exc, TypeError):
            for name in (*self._numeric, *sorted(self.names)):
                value = env.get(name)
                if isinstance(value, bool):
                    message = f"'{name}' is a yes/no value ({value}), not a number, in '{source}'"
                    return FormulaError(message, code="formula-not-a-number", formula=source)
                if value is not None and type(value) is not Decimal:
                    message = f"'{name}' is {value!r}, not a Decimal, in '{source}'"
                    return FormulaError(message, code="formula-not-a-number", formula=source)
        reason = "a number grew too large" if isinstance(exc, Overflow) else str(exc)
        if isinstance(exc, InvalidOperation):
            reason = _INVALID
        return FormulaError(f"cannot compute '{source}': {reason}", code=code, formula=source)


class _Splicer(ast.NodeTransformer):
    def __init__(
        self,
        values: Mapping[str, ast.expr],
        constant: Callable[[Decimal], ast.expr],
        constants: Mapping[str, Decimal],
    ) -> None:
        self.values, self.constant, self.constants = values, constant, constants

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        # Only value reads are subscripts in a checked tree: _env['name'].
        key = node.slice.value if isinstance(node.slice, ast.Constant) else None
        assert isinstance(key, str), "not a checked formula tree"
        return copy.deepcopy(self.values[key])

    def visit_Name(self, node: ast.Name) -> ast.expr:
        value = self.constants.get(node.id)
        return node if value is None else self.constant(value)


def formula_context() -> Context:
    """This thread's private decimal context, the one formulas compute under."""
    try:
        context: Context = _LOCAL.context
    except AttributeError:
        context = _LOCAL.context = _CONTEXT.copy()
    return context


def _quote(text: str) -> str:
    """A name or fragment quoted for a message, shortened so a message stays one readable line."""
    return f"'{text[:_MAX_QUOTED]}…'" if len(text) > _MAX_QUOTED else f"'{text}'"


def _is_zero(env: Mapping[str, Value], name: str) -> bool:
    value = env.get(name)
    return isinstance(value, Decimal) and value.is_zero()


def _percent(number: str) -> str:
    """'95' -> '0.95': what a spreadsheet user meant by 95%."""
    sign, digits, exponent = Decimal(number.replace("_", "")).as_tuple()
    return f"{Decimal((sign, digits, int(exponent) - 2)):f}"


def _nfkc(name: str) -> str:
    return unicodedata.normalize("NFKC", name)  # what the parser does to every identifier


def _small_int(node: ast.expr, high: int) -> int | None:
    """The value of an int literal from 0 to ``high`` (True is not 1 here), else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int and 0 <= node.value <= high:
        return node.value
    return None


def _merge(kinds: Iterable[_Kind]) -> _Kind:
    distinct = set(kinds)
    return distinct.pop() if len(distinct) == 1 else "any"


def compile_formula(source: str, allowed_names: Collection[str]) -> CompiledFormula:
    """Check ``source`` against the whitelist and ``allowed_names``, and compile it once."""
    if not isinstance(source, str):
        message = f"formula must be text, got {type(source).__name__}"
        raise FormulaError(message, code="formula-type", formula="")
    if len(source) > MAX_LENGTH:  # before anything reads the text: a 2 MB bomb costs nothing
        message = f"formula is too long ({len(source)} characters; at most {MAX_LENGTH})"
        raise FormulaError(message, code="formula-too-long", formula=source)
    if not source.strip():
        raise FormulaError("formula is empty", code="formula-empty", formula=source)
    return _Compiler(source, allowed_names).compile()


class _Compiler:
    """Checks and rewrites one formula; each ``visit_X`` handles one allowed node type."""

    def __init__(self, source: str, allowed_names: Collection[str]) -> None:
        self.source = source
        self.text = source.translate(_NORMALISE)
        self.body = self.text.lstrip()  # eval mode refuses leading indentation; eval() strips it
        shift = len(self.text) - len(self.body)
        ends = [m.end() for m in re.finditer(r"\r\n|\r|\n", self.body)]
        self.line_starts = [shift + start for start in (0, *ends)]  # as the tokenizer counts
        self.declared: dict[str, list[str]] = {}
        for name in allowed_names:
            self.declared.setdefault(_nfkc(name), []).append(name)
        self.name_of: dict[ast.AST, str] = {}  # each Name node read -> the declared name
        self.unknown: dict[str, int] = {}  # as written -> offset of first use
        self.constants: dict[str, Decimal] = {}
        self.divisors: list[str] = []
        self.numeric: list[str] = []
        self.arithmetic = False
        self.rewritten: dict[ast.expr, ast.expr] = {}  # each node visited -> its checked rewrite
        self.divisor_nodes: set[ast.expr] = set()  # right operands of '/'

    def compile(self) -> CompiledFormula:
        tree = self.parse()
        if sum(isinstance(node, ast.expr) for node in ast.walk(tree)) > MAX_NODES:
            message = f"formula is too complex (more than {MAX_NODES} parts)"
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
        args = ast.arguments([], [ast.arg("_env")], None, [], [], None, [])
        lambda_tree = ast.fix_missing_locations(ast.Expression(ast.Lambda(args, body)))
        code = compile(lambda_tree, "<formula>", "eval")  # only ever a checked, rewritten tree
        namespace: dict[str, Any] = {"__builtins__": {}, **RUNTIME, **self.constants}
        lambda_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
        return types.FunctionType(lambda_code, namespace)

    def check_constant_parts(self, root: ast.expr) -> None:
        """Compute every largest part that reads no value, once, now: a part that fails for all
        facts (1 / 0, a power tower that overflows) is a spec error, reported at load."""
        read = set(self.name_of)
        stack = [root]
        while stack:
            node = stack.pop()
            if any(part in read for part in ast.walk(node)):
                stack.extend(c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr))
            elif node in self.rewritten:  # (a called function's name is never rewritten)
                self.check_constant(node)

    def check_constant(self, node: ast.expr) -> None:
        text = _quote(" ".join(self.written(node).split()))
        if isinstance(node, ast.Constant) and node not in self.divisor_nodes:
            return  # a literal was checked when visited
        try:
            with decimal.localcontext(_CONTEXT):
                value = self.function(self.rewritten[node])({})
        except ZeroDivisionError:
            self.fail(node, f"division by zero in {text}", "division-by-zero")
        except Overflow:
            self.fail(node, f"{text} cannot be computed: the number grows too large", _ARITH)
        except InvalidOperation:
            self.fail(node, f"{text} cannot be computed: {_INVALID}", _ARITH)
        except TypeError:  # _num() refused True/False
            message = f"{text} gives a yes/no value where a number is needed"
            self.fail(node, message, "formula-not-a-number")
        except ValueError as exc:  # round() places, clamp() bounds
            self.fail(node, f"{text} cannot be computed: {exc}", _ARITH)
        if node in self.divisor_nodes and isinstance(value, Decimal) and value.is_zero():
            self.fail(node, f"division by zero: the divisor {text} is always 0", "division-by-zero")

    def parse(self) -> ast.Expression:
        lines = re.split(r"\r\n|\r|\n", self.body)
        if all(not line.strip() or line.lstrip().startswith("#") for line in lines):
            message = "formula is empty: it holds only a comment"
            raise FormulaError(message, code="formula-empty", formula=self.source)
        if "\0" in self.text:  # Python's own message for it differs between versions
            at = self.text.index("\0")
            message = "formulas cannot contain NUL characters"
            raise FormulaError(message, code="formula-syntax", formula=self.source, offset=at)
        try:
            return ast.parse(self.body, mode="eval")
        except SyntaxError as exc:  # exc.offset counts characters from 1 in line exc.lineno
            line = min(max((exc.lineno or 1) - 1, 0), len(self.line_starts) - 1)
            at = self.line_starts[line] + exc.offset - 1 if exc.offset else len(self.source)
            at = min(max(at, 0), len(self.source))
            message, at = self.syntax_hint(f"syntax error: {exc.msg}", at)
        except (ValueError, RecursionError, MemoryError) as exc:  # e.g. a lone surrogate
            message, at = self.syntax_hint(f"syntax error: {str(exc) or 'too deeply nested'}", 0)
        raise FormulaError(message, code="formula-syntax", formula=self.source, offset=at)

    def syntax_hint(self, message: str, at: int) -> tuple[str, int]:
        """The likely slip of a spreadsheet user, in place of Python's own message."""
        if percent := _PERCENT.search(self.text):
            number = _percent(percent.group(1))
            return (
                f"'{percent.group(0)}' is not a number in formulas; write {number}",
                percent.start(),
            )
        char = self.text[at] if at < len(self.text) else ""
        if statement := _STATEMENT.match(self.body):
            word = statement.group(1)
            return (
                f"'{word}' starts a statement; a formula is one expression, such as 'a / b * 100'",
                len(self.text) - len(self.body),
            )
        if char == ";":
            return "';' is not allowed in formulas: a formula is one expression", at
        if char in _PUNCTUATION:
            return f"character '{char}' is not allowed in formulas; use '{_PUNCTUATION[char]}'", at
        if char and not char.isascii() and "character" in message:
            if unicodedata.category(char)[0] in "CZ":  # invisible: quoting it would hide it
                name = unicodedata.name(char, "unnamed")
                message = (
                    f"invisible character U+{ord(char):04X} ({name}) is not allowed in formulas"
                )
                return f"{message}; delete it", at
            return f"character '{char}' (U+{ord(char):04X}) is not allowed in formulas", at
        if assignment := _ASSIGNMENT.search(self.text):
            sign = assignment.group(0)
            return (
                f"assignment ('{sign}') is not allowed in formulas; use '==' to compare",
                assignment.start(),
            )
        return message, at

    def offset(self, lineno: int, col: int) -> int:
        """Character offset in the source of an AST position, whose column counts UTF-8 bytes."""
        start = self.line_starts[lineno - 1]
        return start + len(self.text[start : start + col].encode()[:col].decode("utf-8", "ignore"))

    def start(self, node: ast.expr) -> int:
        return self.offset(node.lineno, node.col_offset)

    def end(self, node: ast.expr) -> int:
        return self.offset(node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)

    def written(self, node: ast.expr) -> str:
        return self.text[self.start(node) : self.end(node)]

    def fail(
        self, where: ast.expr | int, message: str, code: str = "formula-forbidden"
    ) -> NoReturn:
        at = where if isinstance(where, int) else self.start(where)
        raise FormulaError(message, code=code, formula=self.source, offset=at)

    def fail_unknown(self) -> NoReturn:
        candidates = {key: names[0] for key, names in self.declared.items()}
        candidates |= {name: name for name in FUNCTIONS}
        parts = []
        for name in self.unknown:
            close = difflib.get_close_matches(_nfkc(name), list(candidates), n=1)
            parts.append((name, f"did you mean '{candidates[close[0]]}'?" if close else ""))
        if len(parts) == 1:
            name, hint = parts[0]
            message = f"unknown name {_quote(name)} in formula" + (f"; {hint}" if hint else "")
        else:
            listed = [_quote(name) + (f" ({hint})" if hint else "") for name, hint in parts]
            if len(listed) > _MAX_LISTED:
                listed[_MAX_LISTED:] = [f"and {len(listed) - _MAX_LISTED} more"]
            message = "unknown names in formula: " + ", ".join(listed)
        self.fail(min(self.unknown.values()), message, "formula-unknown-name")

    def visit(self, node: ast.expr, depth: int) -> tuple[ast.expr, _Kind]:
        if depth > MAX_DEPTH:
            message = f"formula is nested too deeply (more than {MAX_DEPTH} levels)"
            self.fail(node, message, "formula-too-complex")
        visitor = getattr(self, f"visit_{type(node).__name__}", None)
        if visitor is None:
            name = type(node).__name__
            self.fail(node, _REFUSED_NODES.get(type(node), f"{name} is not allowed in formulas"))
        new, kind = visitor(node, depth)
        self.rewritten[node] = ast.copy_location(new, node)
        return self.rewritten[node], kind

    def number(self, node: ast.expr, depth: int) -> ast.expr:
        """Visit an operand that must be a number; a fact's value is checked when called."""
        new, kind = self.visit(node, depth)
        if kind == "bool":
            text = self.written(node)
            if len(text) > _MAX_QUOTED:
                self.fail(node, f"{_quote(text)} is a yes/no value, not a number")
            self.fail(node, f"'{text}' is a yes/no value, not a number; use '(1 if {text} else 0)'")
        if kind == "num":
            return new
        if node in self.name_of:
            self.numeric.append(self.name_of[node])
        return ast.copy_location(ast.Call(ast.Name("_num", ast.Load()), [new], []), node)

    def visit_Constant(self, node: ast.Constant, depth: int) -> tuple[ast.expr, _Kind]:
        if isinstance(node.value, bool):
            return node, "bool"
        if not isinstance(node.value, (int, float)):
            what = _REFUSED_CONSTANTS.get(type(node.value), f"{type(node.value).__name__} is")
            self.fail(node, f"{what} not allowed in formulas")
        text = self.written(node)
        try:  # from the text, so 0.1 is exactly Decimal('0.1'); ints may be hex, so by value
            is_int = isinstance(node.value, int)
            value = Decimal(node.value) if is_int else Decimal(text.replace("_", ""))
        except (ArithmeticError, ValueError):
            value = Decimal("NaN")
        digits = "".join(map(str, value.as_tuple().digits)).rstrip("0")
        size = value.copy_abs()
        if not value.is_finite() or len(digits) > MAX_DIGITS or size > _LARGEST:
            self.fail(node, f"number {_quote(text)} is {_OUT_OF_RANGE}", "formula-number")
        if size and size < _SMALLEST:  # 1e-999999999 would vanish into a 0 or a subnormal
            self.fail(node, f"number {_quote(text)} is {_OUT_OF_RANGE}", "formula-number")
        name = next((k for k, v in self.constants.items() if str(v) == str(value)), None)
        name = name or f"_k{len(self.constants)}"
        self.constants[name] = value
        return ast.Name(name, ast.Load()), "num"

    def visit_Name(self, node: ast.Name, depth: int) -> tuple[ast.expr, _Kind]:
        declared = self.resolve(node)
        if declared is None:
            if node.id in FUNCTIONS:
                self.fail(node, f"'{node.id}' is a function; call it like {_USAGE[node.id]}")
            self.unknown.setdefault(self.written(node), self.start(node))
            return ast.Constant(None), "any"
        self.name_of[node] = declared
        env = ast.Name("_env", ast.Load())
        return ast.Subscript(env, ast.Constant(declared), ast.Load()), "any"

    def resolve(self, node: ast.Name) -> str | None:
        """The declared name that ``node`` reads; an exact spelling beats an NFKC match."""
        matches, written = self.declared.get(node.id, []), self.written(node)
        if len(matches) > 1 and written not in matches:  # 'Ｋ值' and 'K值' are one identifier
            listed = " or ".join(f"'{m}'" for m in matches)
            self.fail(
                node,
                f"name '{written}' is ambiguous: it could be {listed}",
                "formula-ambiguous-name",
            )
        return written if written in matches else matches[0] if matches else None

    def visit_Attribute(self, node: ast.Attribute, depth: int) -> NoReturn:
        at = self.end(node) - len(node.attr)
        attr = _quote("." + node.attr)
        self.fail(at, f"attribute access ({attr}) is not allowed in formulas")

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> tuple[ast.expr, _Kind]:
        if isinstance(node.op, ast.Not):
            operand, _ = self.visit(node.operand, depth + 1)
            return ast.UnaryOp(ast.Not(), operand), "bool"
        if isinstance(node.op, ast.Invert):
            self.fail(node, "'~' is not allowed in formulas; use 'not'")
        self.arithmetic = True
        return ast.UnaryOp(node.op, self.number(node.operand, depth + 1)), "num"

    def visit_BinOp(self, node: ast.BinOp, depth: int) -> tuple[ast.expr, _Kind]:
        op, left = type(node.op), node.left
        if op not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
            symbol, message = _REFUSED_OPERATORS.get(op, ("", f"{op.__name__} is not allowed"))
            if (
                op is ast.Mod
                and isinstance(left, ast.Constant)
                and type(left.value) in (int, float)
            ):
                message += f"; for {self.written(left)}% write {_percent(self.written(left))}"
            self.fail(self.operator_offset(left, node.right, symbol), message)
        self.arithmetic = True
        new_left = self.number(left, depth + 1)
        if op is ast.Pow:
            power = _small_int(node.right, MAX_POWER)
            if power is None:
                message = f"'**' needs a whole-number exponent from 0 to {MAX_POWER}, e.g. 'x ** 2'"
                self.fail(self.operator_offset(left, node.right, "**"), message)
            return ast.BinOp(new_left, node.op, ast.Constant(power)), "num"
        new_right = self.number(node.right, depth + 1)
        if op is ast.Div and node.right in self.name_of:
            self.divisors.append(self.name_of[node.right])
        if op is ast.Div:
            self.divisor_nodes.add(node.right)
        return ast.BinOp(new_left, node.op, new_right), "num"

    def operator_offset(self, left: ast.expr, right: ast.expr, symbol: str) -> int:
        at = self.text.find(symbol, self.end(left), self.start(right)) if symbol else -1
        return at if at >= 0 else self.start(left)

    def visit_BoolOp(self, node: ast.BoolOp, depth: int) -> tuple[ast.expr, _Kind]:
        visited = [self.visit(value, depth + 1) for value in node.values]
        return ast.BoolOp(node.op, [new for new, _ in visited]), _merge(k for _, k in visited)

    def visit_Compare(self, node: ast.Compare, depth: int) -> tuple[ast.expr, _Kind]:
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            if type(op) in _REFUSED_OPERATORS:
                symbol, message = _REFUSED_OPERATORS[type(op)]
                self.fail(self.operator_offset(operands[i], operands[i + 1], symbol), message)
        new = [self.visit(operand, depth + 1)[0] for operand in operands]
        return ast.Compare(new[0], node.ops, new[1:]), "bool"

    def visit_IfExp(self, node: ast.IfExp, depth: int) -> tuple[ast.expr, _Kind]:
        (test, _), (body, body_kind), (orelse, orelse_kind) = (
            self.visit(part, depth + 1) for part in (node.test, node.body, node.orelse)
        )
        return ast.IfExp(test, body, orelse), _merge([body_kind, orelse_kind])

    def visit_Call(self, node: ast.Call, depth: int) -> tuple[ast.expr, _Kind]:
        func = node.func
        if not isinstance(func, ast.Name):
            self.visit(func, depth + 1)  # names the construct when it is a refused one
            self.fail(func, f"only functions can be called; {_CALLABLE}")
        if func.id not in FUNCTIONS:
            written = self.written(func)
            if self.resolve(func) is not None:
                self.fail(func, f"{_quote(written)} is a value, not a function; {_CALLABLE}")
            close = difflib.get_close_matches(func.id, list(FUNCTIONS), n=1)
            hint = f"did you mean '{close[0]}'?" if close else _CALLABLE
            self.fail(
                func,
                f"unknown function {_quote(written)} in formula; {hint}",
                "formula-unknown-name",
            )
        starred = [arg for arg in node.args if isinstance(arg, ast.Starred)]
        if starred:
            self.fail(starred[0], _REFUSED_NODES[ast.Starred])
        if node.keywords:
            self.fail(node.keywords[0].value, "keyword arguments are not allowed in formulas")
        (low, high), count = _ARITY[func.id], len(node.args)
        if not low <= count <= high:
            usage = _USAGE[func.id]
            self.fail(node, f"wrong number of arguments for {func.id}(): got {count}; use {usage}")
        self.arithmetic |= func.id in ("round", "floor", "ceil")  # these use the context
        if func.id == "round" and count == 2:  # places stays an int: quantize needs no Decimal
            places = _small_int(node.args[1], MAX_PLACES)
            if places is None:
                message = f"round() places must be a whole number from 0 to {MAX_PLACES}"
                self.fail(node.args[1], f"{message}, e.g. round(x, 2)")
            args = [self.number(node.args[0], depth + 1), ast.Constant(places)]
        else:
            args = [self.number(arg, depth + 1) for arg in node.args]
        return ast.Call(ast.Name(f"_f_{func.id}", ast.Load()), args, []), "num"
