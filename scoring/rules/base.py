"""What every rule kind shares: its parameter model base, the compile context, and the outcome.

A rule kind is one module in this package that defines a pydantic ``Params`` model (its YAML
shape) and a compiled ``Rule`` subclass; the registry in ``__init__`` maps ``kind:`` to both.
Rules are compiled once at load and then evaluated for many projects, so ``evaluate`` does only
arithmetic and leaves the Chinese explanation to ``explain``, which is called on demand. A kind
that reads one value states its arithmetic once (``StatedRule`` over a ``statement.Statement``),
and its ``evaluate``, ``emit`` and worked sentences all derive from that statement.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, NamedTuple, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ..formula.expr import CompiledFormula, Value
from ..i18n import tr
from ..numbers.limits import CTX, QuantityError
from ..numbers.measure import Measure, ResolvedTarget
from ..numbers.quantities import parse_number, parse_quantity
from ..numbers.text import format_number, format_percent
from .statement import Statement

if TYPE_CHECKING:
    import ast

__all__ = [
    "CompileContext",
    "Emitter",
    "InputError",
    "MeasuredParams",
    "Number",
    "Outcome",
    "ParamsBase",
    "Rating",
    "RatingParts",
    "Rule",
    "Share",
    "StatedRule",
    "as_number",
    "fmt",
    "lost_sentence",
    "percent",
    "shown_measure",
]

ZERO = Decimal(0)


# What pydantic itself calls a text that is no number: kept, so its message stays the same.
_NOT_NUMBERS = {
    "not-a-number": "decimal_parsing",
    "value-empty": "decimal_parsing",
    "unexpected-unit": "decimal_parsing",
    "not-applicable": "decimal_parsing",
    "not-finite": "finite_number",
}

# Texts that are no number at all, by the pydantic error they give (a batch's rows repeat them).
_NOT_NUMBER_TEXTS: dict[str, str] = {}
_NOT_NUMBER_KEPT = 1024


def bounded_number(value: object) -> object:
    """Every number a spec, a facts file or a library mapping gives a model field goes through the
    one bounded reader, ``quantities.parse_number``: YAML numbers arrive as exact Decimals of any
    size, library callers pass ints, floats and Decimals of any size (sNaN too), and text such as
    '1e999999' would otherwise be parsed by pydantic without a limit. Out of bounds is a
    ``QuantityError`` with its code (number-too-large, too-many-decimals …); a text that is not a
    number at all keeps pydantic's own wording (expected a number)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return value  # pydantic says what type was expected
    refused = _NOT_NUMBER_TEXTS.get(value) if value.__class__ is str else None
    if refused is not None:  # a text met before (达成 in a score column), not parsed again
        raise PydanticCustomError(refused, "not a number")
    try:
        return parse_number(value)
    except QuantityError as exc:
        kind = _NOT_NUMBERS.get(exc.code)
        if kind is None or not isinstance(value, str):
            raise
        if value.__class__ is str:
            if len(_NOT_NUMBER_TEXTS) >= _NOT_NUMBER_KEPT:
                _NOT_NUMBER_TEXTS.clear()
            _NOT_NUMBER_TEXTS[value] = kind
        raise PydanticCustomError(kind, "not a number") from None


Number = Annotated[Decimal, BeforeValidator(bounded_number)]


def _share(value: object) -> object:
    """Shares of a weight are written as 0.8 or '80%' in specs; both mean the same."""
    if not isinstance(value, str):
        return bounded_number(value)
    if isinstance(value, str):
        try:
            quantity = parse_quantity(value)
        except QuantityError as exc:
            raise ValueError(str(exc)) from exc
        if quantity.unit == "%":
            return quantity.number.scaleb(-2, CTX)  # exact, in no caller's context
        if quantity.unit:
            raise ValueError(
                tr("bad-value", "expected a share such as 0.8 or '80%', got {value!r}", value=value)
            )
        return quantity.number
    return value


Share = Annotated[Decimal, BeforeValidator(_share), Field(ge=0, le=1)]


class ParamsBase(BaseModel):
    """Fields every rule accepts besides its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasuredParams(ParamsBase):
    """Fields of the rules that read one value (实际完成值) and compare it with a target."""

    actual: str = Field(description="实际完成值: a fact, derived value or formula")
    unit: str | None = Field(None, description="unit of a compound `actual` formula")


@dataclass(frozen=True)
class Rating:
    """An evaluator's qualitative rating of one indicator (定性评价): a tier and a score or share."""

    tier: str
    score: Decimal | None = None
    share: Decimal | None = None
    narrative: str = ""


RatingParts = tuple[str, Decimal | None, Decimal | None]  # (tier, score, share): what scoring reads


class Outcome(NamedTuple):
    """What a rule found: the unclamped points, the actual value, and how it relates to the target.

    ``status`` is one of ``met``, ``missed``, ``exceeded`` (met, but far above target: review the
    target) or ``rated`` (qualitative, at the top tier) / ``rated_below`` (qualitative, lower tier).
    ``detail`` holds the intermediate numbers the explanation needs. A named tuple: immutable,
    and built once per indicator per project, so cheap construction matters.
    """

    points: Decimal
    actual: Value | str | None  # str: the tier a qualitative rating chose
    status: str
    detail: tuple[Any, ...] = ()


@dataclass
class CompileContext:
    """What a rule needs from the loader while compiling: formulas, measures, targets, settings.

    ``compile`` and ``resolve_target`` report problems themselves (located at the given YAML key)
    and return None, so a rule can keep going and the loader collects every problem in one run.
    """

    compile: Callable[[str, str], CompiledFormula | None]
    compile_local: Callable[[str, str, tuple[str, ...]], CompiledFormula | None]
    measure_of: Callable[[CompiledFormula | None, str | None], Measure]
    resolve_target: Callable[[Any, Measure, str, tuple[str, ...]], ResolvedTarget | None]
    problem: Callable[[str, str, str], None]  # (field, message, code)
    settings: Mapping[str, Any]


class Emitter(Protocol):
    """What a rule writes its points with when the spec is compiled into one scoring function
    (``scoring.engine.plan``). Expressions are ``ast`` trees; a ``Decimal`` part becomes a constant."""

    def formula(self, formula: CompiledFormula, **local: ast.expr | Decimal) -> ast.expr:
        """``formula`` inline, reading the project's values (and ``local`` names, e.g. ``w``)."""
        ...

    def value(self, formula: CompiledFormula) -> ast.expr:
        """``formula``'s value as a number (as ``as_number`` checks), computed once."""
        ...

    def bind(self, expression: ast.expr) -> ast.expr:
        """``expression`` computed once, here; its value wherever the result is used."""
        ...

    def template(self, text: str, **parts: ast.expr | Decimal) -> ast.expr:
        """A fixed expression of ours (``W if A >= T else max(A, Z) * W / T``) with each
        upper-case name replaced by its part. ``fail()`` raises: the engine must report."""
        ...

    def call(self, function: Callable[..., Any], *args: ast.expr | Decimal) -> ast.expr:
        """``function(*args)``, a Python callable of ours (a rule's own method)."""
        ...

    def rating(self) -> ast.expr:
        """The points this indicator's rating gives, or None when it has none. (The plan's
        caller works them out from the rating with the rule's ``rate``, once per rating.)"""
        ...


class Rule(ABC):
    """A compiled rule: evaluate on one project's values, explain on demand."""

    kind: ClassVar[str]
    label: ClassVar[str]  # the Chinese name shown in reports (正向, 反向, …)

    actual: CompiledFormula | None = None
    measure: Measure = Measure()
    target: ResolvedTarget | None = None

    @abstractmethod
    def __init__(self, params: Any, ctx: CompileContext) -> None:
        """Compile ``params`` (this kind's validated Params); report problems through ``ctx``."""

    def read_actual(
        self,
        params: MeasuredParams,
        ctx: CompileContext,
        target: Any = None,
        ops: tuple[str, ...] = (),
    ) -> None:
        """Compile ``actual``, learn its measure, and read ``target`` in it (ops[0] when the
        target has no operator; any other operator than ``ops`` is a problem)."""
        self.actual = ctx.compile(params.actual, "actual")
        self.measure = shown_measure(ctx, ctx.measure_of(self.actual, params.unit))
        if target is not None:
            self.target = ctx.resolve_target(target, self.measure, ops[0], ops)

    def require_target(self, ctx: CompileContext, valid: bool, message: str, code: str) -> None:
        """Report a target the rule cannot use (e.g. a zero positive target) and drop it."""
        if self.target is not None and not valid:
            ctx.problem("target", message, code)
            self.target = None

    @property
    def needs(self) -> frozenset[str]:
        """Fact and derived-value names this rule reads."""
        return self.actual.names if self.actual is not None else frozenset()

    @property
    def target_text(self) -> str:
        return self.target.display if self.target is not None else ""

    def actual_text(self, value: Value | str | None) -> str:
        return "" if value is None else self.measure.display(value)

    @abstractmethod
    def evaluate(
        self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None
    ) -> Outcome: ...

    emits_score: ClassVar[bool] = False  # True: ``emit`` gives the leaf's final score

    @abstractmethod
    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        """The unclamped points as one expression of the spec's compiled scoring function: the
        same arithmetic as ``evaluate``, from the same statement or function (tests/test_plan.py
        holds the two equal). Whatever ``evaluate`` reports as an error must raise here too;
        the engine then scores the project the slow way to say what is wrong."""

    @abstractmethod
    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str: ...

    def describe(self) -> str:
        """One line saying how this rule scores, for reports and ``explain``."""
        return self.label

    @property
    def branches(self) -> tuple[str, ...]:
        """The ways this rule can score (for `jixiao test` coverage): see ``branch_of``."""
        return ("met", "missed")

    def branch_of(self, outcome: Outcome) -> str:
        """Which of ``branches`` an outcome took."""
        return outcome.status


class StatedRule(Rule):
    """A rule that reads one value and states its arithmetic as a ``Statement`` over named
    quantities (实际值 the value, 指标值 the target, 分值 the weight, and its own ``constants``):
    the engine evaluates the statement and the plan splices it, so the two cannot differ."""

    statement: Statement
    constants: Mapping[str, Decimal] = MappingProxyType({})  # e.g. 每项扣分, set by the kind
    what: ClassVar[str] = "实际完成值"  # the value's name where it must be a number

    def quantities(self, value: Any, weight: Decimal) -> dict[str, Any]:
        """The statement's quantities: ``value`` is the project's (or, in the plan, the
        expression that reads it)."""
        quantities = {"实际值": value, "分值": weight, **self.constants}
        if self.target is not None:
            quantities["指标值"] = self.target.value
        return quantities

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.actual is not None
        value = as_number(self.actual(env), self.what)
        quantities = self.quantities(value, weight)
        if not self.statement.allows(quantities):
            raise self.refused(value)
        status = "met" if self.statement.reached(quantities) else "missed"
        return Outcome(self.statement.points(quantities), value, status)

    def refused(self, value: Decimal) -> InputError:
        """Why a value the statement ``requires`` otherwise is refused (kinds that require)."""
        raise NotImplementedError(self.kind)

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        assert self.actual is not None
        return self.statement.emit(gen, **self.quantities(gen.value(self.actual), weight))

    def worked(self, value: Decimal, weight: Decimal) -> str:
        """The statement's arithmetic written out with this project's numbers."""
        shown = self.measure.display
        texts = {"实际值": shown(value), "分值": fmt(weight)}
        if self.target is not None:
            texts["指标值"] = shown(self.target.value)
        return self.statement.worked(texts)

    def formula_text(self) -> str:
        """The statement's arithmetic in words, for ``describe``: 分值 × 指标值 ÷ 实际值."""
        return self.statement.worked({name: name for name in ("实际值", "指标值", "分值")})


class InputError(Exception):
    """A project's input does not fit the rule (e.g. a score outside its tier); the engine locates it."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def shown_measure(ctx: CompileContext, measure: Measure) -> Measure:
    """A rule's measure, showing its actual at the spec's rounding places: the value scored stays
    exact, but the 实际完成值 on the form is 0.5675万元/公里, not a 28-digit quotient."""
    places = ctx.settings.get("places")
    return measure if places is None else measure.shown_at(places)


def as_number(value: Value, what: str) -> Decimal:
    """A rule's input must be a number: a yes/no formula result here is a spec mistake to report."""
    if isinstance(value, bool):
        message = tr(
            "not-a-number",
            "{what} must be a number, but the formula gave a yes/no value",
            what=what,
        )
        raise InputError(message, "not-a-number")
    return value


fmt = format_number  # fixed point, trailing zeros dropped, never scientific notation
percent = format_percent  # a ratio as a percentage, two places half-up


def lost_sentence(weight: Decimal, score: Decimal) -> str:
    lost = weight - score
    if lost <= 0:
        return f"得满分 {fmt(weight)} 分。"
    return f"得 {fmt(score)} 分，扣 {fmt(lost)} 分。"
