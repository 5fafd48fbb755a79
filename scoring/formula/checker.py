"""The whitelist walk: every node of a parsed formula is checked, then rewritten to safe code.

Only node types with a ``visit_X`` method are allowed; anything else is refused with the message
``scoring.formula.limits`` gives for it. The walk is pre-order, so an outer construct is reported
before the ones inside it. While walking it infers whether each part is a number, a yes/no value
or a fact known only at run time (``_Kind``), so a yes/no value used as a number is refused here
when it can be, and checked by ``_num`` at run time when it cannot. Names are matched to the
declared ones as the parser matches identifiers (NFKC), and an unknown one gets a suggestion.
"""

from __future__ import annotations

import ast
import difflib
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Literal, NoReturn, TypeAlias

from ..i18n import tr, ui
from .limits import (
    ARITY,
    LARGEST,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_PLACES,
    MAX_POWER,
    REFUSED_CONSTANTS,
    REFUSED_NODES,
    REFUSED_OPERATORS,
    SMALLEST,
    USAGE,
    out_of_range,
    refused,
)
from .text import MAX_QUOTED, FormulaText, percent_as_decimal, quote

__all__ = ["DeclaredNames", "WhitelistChecker"]

_Kind: TypeAlias = Literal["num", "bool", "any"]  # "any": a fact, known only at run time
_MAX_LISTED = 5  # unknown names listed in one message


# A node the rewrite adds is placed on line 1, as ``compile`` requires, when it is made: placing
# them by a walk afterwards was a quarter of compiling a formula. The nodes of the parsed text
# keep their own places, and the checker's rewrite of each takes its place (``visit``).
_LOAD = ast.Load()


def _name(name: str) -> ast.Name:
    return ast.Name(name, _LOAD, lineno=1, col_offset=0, end_lineno=1, end_col_offset=0)


def _constant(value: str | int) -> ast.Constant:
    return ast.Constant(value, lineno=1, col_offset=0, end_lineno=1, end_col_offset=0)


def _nfkc(name: str) -> str:
    return unicodedata.normalize("NFKC", name)  # what the parser does to every identifier


class DeclaredNames:
    """The names a formula may read, indexed as the parser matches identifiers (NFKC), built once
    per spec: a spec of thousands of derived values must not index every name for every formula.
    ``with_local`` layers a rule's own variables (w, a, t …) over it without copying it."""

    def __init__(self, names: Iterable[str], base: DeclaredNames | None = None) -> None:
        self.index: dict[str, list[str]] = {}
        for name in names:
            self.index.setdefault(_nfkc(name), []).append(name)
        self.base = base
        self.layers: dict[tuple[str, ...], DeclaredNames] = {}
        # Formulas compiled over these names, by source: a spec repeats many (every leaf reading
        # one fact, a rule's formula copied down a list), and a compiled formula is immutable.
        self.compiled: dict[str, Any] = {}

    def with_local(self, names: Iterable[str]) -> DeclaredNames:
        key = tuple(names)
        if key not in self.layers:
            self.layers[key] = DeclaredNames(key, self)
        return self.layers[key]

    def get(self, key: str) -> list[str]:
        """The declared spellings the identifier ``key`` (already NFKC) reads, without repeats."""
        own = self.index.get(key, [])
        below = self.base.get(key) if self.base is not None else []
        return list(dict.fromkeys(own + below)) if own and below else own or below

    def candidates(self) -> dict[str, str]:
        """NFKC form → one declared spelling, for 'did you mean' (only when a formula fails)."""
        found = self.base.candidates() if self.base is not None else {}
        return found | {key: names[0] for key, names in self.index.items()}


def _small_int(node: ast.expr, high: int) -> int | None:
    """The value of an int literal from 0 to ``high`` (True is not 1 here), else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int and 0 <= node.value <= high:
        return node.value
    return None


def _merge(kinds: Iterable[_Kind]) -> _Kind:
    distinct = set(kinds)
    return distinct.pop() if len(distinct) == 1 else "any"


class WhitelistChecker(FormulaText):
    """Checks and rewrites one formula; each ``visit_X`` handles one allowed node type."""

    # The functions a formula may call, by name. Set by ``scoring.formula.expr``, which defines them and
    # imports this module, so this module cannot import them.
    functions: ClassVar[Mapping[str, Callable[..., Decimal]]]

    def __init__(self, source: str, allowed_names: Collection[str] | DeclaredNames) -> None:
        super().__init__(source)
        self.declared = (
            allowed_names
            if isinstance(allowed_names, DeclaredNames)
            else DeclaredNames(allowed_names)
        )
        self.name_of: dict[ast.AST, str] = {}  # each Name node read -> the declared name
        self.unknown: dict[str, int] = {}  # as written -> offset of first use
        self.constants: dict[str, Decimal] = {}
        self.divisors: list[str] = []
        self.numeric: list[str] = []
        self.arithmetic = False
        self.rewritten: dict[ast.expr, ast.expr] = {}  # each node visited -> its checked rewrite
        self.divisor_nodes: set[ast.expr] = set()  # right operands of '/'
        self.reading: set[ast.expr] = set()  # nodes visited that read a value

    @property
    def callable_hint(self) -> str:
        """What a formula can call: the end of every message refusing a call."""
        return ui("formulas can call {functions}", functions=", ".join(sorted(self.functions)))

    def fail_unknown(self) -> NoReturn:
        candidates = self.declared.candidates()
        candidates |= {name: name for name in self.functions}
        parts = []
        for name in self.unknown:
            close = difflib.get_close_matches(_nfkc(name), list(candidates), n=1)
            hint = (
                tr("formula-unknown-name", "did you mean '{name}'?", name=candidates[close[0]])
                if close
                else ""
            )
            parts.append((name, hint))
        if len(parts) == 1:
            name, hint = parts[0]
            message = (
                tr(
                    "formula-unknown-name",
                    "unknown name {name} in formula; {hint}",
                    name=quote(name),
                    hint=hint,
                )
                if hint
                else tr("formula-unknown-name", "unknown name {name} in formula", name=quote(name))
            )
        else:
            listed = [quote(name) + (f" ({hint})" if hint else "") for name, hint in parts]
            if len(listed) > _MAX_LISTED:
                more = len(listed) - _MAX_LISTED
                listed[_MAX_LISTED:] = [tr("formula-unknown-name", "and {count} more", count=more)]
            message = tr(
                "formula-unknown-name", "unknown names in formula: {names}", names=", ".join(listed)
            )
        self.fail(min(self.unknown.values()), message, "formula-unknown-name")

    def visit(self, node: ast.expr, depth: int) -> tuple[ast.expr, _Kind]:
        if depth > MAX_DEPTH:
            message = tr(
                "formula-too-complex",
                "formula is nested too deeply (more than {depth} levels)",
                depth=MAX_DEPTH,
            )
            self.fail(node, message, "formula-too-complex")
        visitor = getattr(self, f"visit_{type(node).__name__}", None)
        if visitor is None:
            name = type(node).__name__
            refusal = REFUSED_NODES.get(type(node))
            self.fail(node, refusal() if refusal is not None else refused(name))
        names = len(self.name_of)
        new, kind = visitor(node, depth)
        if len(self.name_of) > names:
            self.reading.add(node)
        self.rewritten[node] = ast.copy_location(new, node)
        return self.rewritten[node], kind

    def number(self, node: ast.expr, depth: int) -> ast.expr:
        """Visit an operand that must be a number; a fact's value is checked when called."""
        new, kind = self.visit(node, depth)
        if kind == "bool":
            text = self.written(node)
            if len(text) > MAX_QUOTED:
                self.fail(
                    node,
                    tr(
                        "formula-forbidden",
                        "{text} is a yes/no value, not a number",
                        text=quote(text),
                    ),
                )
            self.fail(
                node,
                tr(
                    "formula-forbidden",
                    "'{text}' is a yes/no value, not a number; use '(1 if {text} else 0)'",
                    text=text,
                ),
            )
        if kind == "num":
            return new
        if node in self.name_of:
            self.numeric.append(self.name_of[node])
        return ast.copy_location(ast.Call(_name("_num"), [new], []), node)

    def visit_Constant(self, node: ast.Constant, depth: int) -> tuple[ast.expr, _Kind]:
        if isinstance(node.value, bool):
            return node, "bool"
        if not isinstance(node.value, (int, float)):
            message = REFUSED_CONSTANTS.get(type(node.value))
            self.fail(node, message() if message else refused(type(node.value).__name__))
        text = self.written(node)
        try:  # from the text, so 0.1 is exactly Decimal('0.1'); ints may be hex, so by value
            is_int = isinstance(node.value, int)
            value = Decimal(node.value) if is_int else Decimal(text.replace("_", ""))
        except (ArithmeticError, ValueError):
            value = Decimal("NaN")
        digits = "".join(map(str, value.as_tuple().digits)).rstrip("0")
        size = value.copy_abs()
        if not value.is_finite() or len(digits) > MAX_DIGITS or size > LARGEST:
            self.fail(node, out_of_range(quote(text)), "formula-number")
        if size and size < SMALLEST:  # 1e-999999999 would vanish into a 0 or a subnormal
            self.fail(node, out_of_range(quote(text)), "formula-number")
        name = next((k for k, v in self.constants.items() if str(v) == str(value)), None)
        name = name or f"_k{len(self.constants)}"
        self.constants[name] = value
        return _name(name), "num"

    def visit_Name(self, node: ast.Name, depth: int) -> tuple[ast.expr, _Kind]:
        declared = self.resolve(node)
        if declared is None:
            if node.id in self.functions:
                self.fail(
                    node,
                    tr(
                        "formula-forbidden",
                        "'{name}' is a function; call it like {usage}",
                        name=node.id,
                        usage=USAGE[node.id],
                    ),
                )
            self.unknown.setdefault(self.written(node), self.start(node))
            return ast.Constant(None), "any"
        self.name_of[node] = declared
        return ast.Subscript(_name("_env"), _constant(declared), _LOAD), "any"

    def resolve(self, node: ast.Name) -> str | None:
        """The declared name that ``node`` reads; an exact spelling beats an NFKC match."""
        matches, written = self.declared.get(node.id), self.written(node)
        if len(matches) > 1 and written not in matches:  # 'Ｋ值' and 'K值' are one identifier
            listed = tr("formula-ambiguous-name", " or ").join(f"'{m}'" for m in matches)
            self.fail(
                node,
                tr(
                    "formula-ambiguous-name",
                    "name '{name}' is ambiguous: it could be {listed}",
                    name=written,
                    listed=listed,
                ),
                "formula-ambiguous-name",
            )
        return written if written in matches else matches[0] if matches else None

    def visit_Attribute(self, node: ast.Attribute, depth: int) -> NoReturn:
        at = self.end(node) - len(node.attr)
        attr = quote("." + node.attr)
        self.fail(
            at,
            tr(
                "formula-forbidden",
                "attribute access ({attr}) is not allowed in formulas",
                attr=attr,
            ),
        )

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> tuple[ast.expr, _Kind]:
        if isinstance(node.op, ast.Not):
            operand, _ = self.visit(node.operand, depth + 1)
            return ast.UnaryOp(ast.Not(), operand), "bool"
        if isinstance(node.op, ast.Invert):
            self.fail(node, tr("formula-forbidden", "'~' is not allowed in formulas; use 'not'"))
        self.arithmetic = True
        return ast.UnaryOp(node.op, self.number(node.operand, depth + 1)), "num"

    def visit_BinOp(self, node: ast.BinOp, depth: int) -> tuple[ast.expr, _Kind]:
        op, left = type(node.op), node.left
        if op not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
            symbol, refusal = REFUSED_OPERATORS.get(op, ("", None))
            message = refusal() if refusal else refused(op.__name__)
            if (
                op is ast.Mod
                and isinstance(left, ast.Constant)
                and type(left.value) in (int, float)
            ):
                message += tr(
                    "formula-forbidden",
                    "; for {number}% write {ratio}",
                    number=self.written(left),
                    ratio=percent_as_decimal(self.written(left)),
                )
            self.fail(self.operator_offset(left, node.right, symbol), message)
        self.arithmetic = True
        new_left = self.number(left, depth + 1)
        if op is ast.Pow:
            power = _small_int(node.right, MAX_POWER)
            if power is None:
                message = tr(
                    "formula-forbidden",
                    "'**' needs a whole-number exponent from 0 to {most}, e.g. 'x ** 2'",
                    most=MAX_POWER,
                )
                self.fail(self.operator_offset(left, node.right, "**"), message)
            return ast.BinOp(new_left, node.op, _constant(power)), "num"
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
            if type(op) in REFUSED_OPERATORS:
                symbol, refusal = REFUSED_OPERATORS[type(op)]
                self.fail(self.operator_offset(operands[i], operands[i + 1], symbol), refusal())
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
            self.fail(
                func,
                tr(
                    "formula-forbidden",
                    "only functions can be called; {functions}",
                    functions=self.callable_hint,
                ),
            )
        if func.id not in self.functions:
            written = self.written(func)
            if self.resolve(func) is not None:
                self.fail(
                    func,
                    tr(
                        "formula-forbidden",
                        "{name} is a value, not a function; {functions}",
                        name=quote(written),
                        functions=self.callable_hint,
                    ),
                )
            close = difflib.get_close_matches(func.id, list(self.functions), n=1)
            hint = (
                tr("formula-unknown-name", "did you mean '{name}'?", name=close[0])
                if close
                else self.callable_hint
            )
            self.fail(
                func,
                tr(
                    "formula-unknown-name",
                    "unknown function {name} in formula; {hint}",
                    name=quote(written),
                    hint=hint,
                ),
                "formula-unknown-name",
            )
        starred = [arg for arg in node.args if isinstance(arg, ast.Starred)]
        if starred:
            self.fail(starred[0], REFUSED_NODES[ast.Starred]())
        if node.keywords:
            self.fail(
                node.keywords[0].value,
                tr("formula-forbidden", "keyword arguments are not allowed in formulas"),
            )
        (low, high), count = ARITY[func.id], len(node.args)
        if not low <= count <= high:
            usage = USAGE[func.id]
            self.fail(
                node,
                tr(
                    "formula-forbidden",
                    "wrong number of arguments for {function}(): got {count}; use {usage}",
                    function=func.id,
                    count=count,
                    usage=usage,
                ),
            )
        self.arithmetic |= func.id in ("round", "floor", "ceil")  # these use the context
        if func.id == "round" and count == 2:  # places stays an int: quantize needs no Decimal
            places = _small_int(node.args[1], MAX_PLACES)
            if places is None:
                message = tr(
                    "formula-forbidden",
                    "round() places must be a whole number from 0 to {most}, e.g. round(x, 2)",
                    most=MAX_PLACES,
                )
                self.fail(node.args[1], message)
            args = [self.number(node.args[0], depth + 1), _constant(places)]
        else:
            args = [self.number(arg, depth + 1) for arg in node.args]
        return ast.Call(_name(f"_f_{func.id}"), args, []), "num"
