"""What a number means: its kind (money, rate, count …) and unit, how to read and show it.

One ``Measure`` serves three jobs that must agree, or a table shows a different number from the one
scored: reading a facts value written as a report writes it ("110万元", "99.14%"), reading a target
("≥95%", "≤90万元") into the same unit, and displaying either in tables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from ..errors import shown
from ..i18n import N_, tr, ui
from .limits import QuantityError
from .money import exact_divide, exact_multiply, money_factor, money_scale
from .quantities import Quantity, has_operator, parse_quantity, parse_target
from .text import format_number, format_percent, places_of

__all__ = ["KINDS", "NUMERIC_KINDS", "Measure", "MeasureError", "ResolvedTarget"]

KINDS = ("money", "number", "count", "rate", "boolean", "text")
# What each kind is called in a message ("missing fact '预算资金' (年度预算资金, money in 万元)").
KIND_LABELS = {
    "money": N_("money"),
    "number": N_("a number"),
    "count": N_("a count"),
    "rate": N_("a rate"),
    "boolean": N_("yes or no"),
    "text": N_("text"),
}
_TRUE_WORDS = frozenset({"是", "有", "已", "true", "True", "TRUE", "yes", "Yes", "YES"})
_FALSE_WORDS = frozenset({"否", "无", "未", "false", "False", "FALSE", "no", "No", "NO"})
_HUNDRED = Decimal(100)
NUMERIC_KINDS = frozenset({"number", "money", "count", "rate"})  # read into a Decimal
_REMEMBERED_UNITS = 32
_REMEMBERED_TEXTS = 1024  # plain texts a measure keeps the reading of
COMPOUND_PLACES = 4  # the fewest places a value in a compound unit (万元/公里) is shown at
_MOST_YUAN = Decimal("1e15")  # 千万亿元: above any budget line (a whole state's is ~10^13 元)
# Plain ASCII numbers within parse_number's limits (thousands grouped by commas, as exports write
# money, or not), then % or a short run of Chinese (a unit).
_PLAIN = re.compile(  # ASCII: \d alone would take ٠ or ５, which Decimal() reads but we refuse
    r"(-?(?:0|[1-9]\d{0,14}|[1-9]\d{0,2}(?:,\d{3}){1,4})(?:\.\d{1,10})?)(%|[\u4e00-\u9fff]{1,4})?",
    re.ASCII,
)


def _plain_number(text: str) -> Decimal:
    """The number of a ``_PLAIN`` match (-0 is 0, as the general parser reads it)."""
    number = Decimal(text.replace(",", "") if "," in text else text)
    return number if number else number.copy_abs()


class _MoneyUnit(NamedTuple):
    """A money unit met in values, as one measure converts it: in one exact step
    (``money.money_scale`` gives what ``convert_money`` gives, digit for digit)."""

    most: Decimal  # 10^15 元 in the unit
    scale: Decimal | None  # None: the measure's own unit
    up: bool  # multiply by ``scale``, else divide

    def amount(self, number: Decimal) -> Decimal:
        """``number`` of this unit in the measure's unit."""
        scale = self.scale
        if scale is None:
            return number
        return exact_multiply(number, scale) if self.up else exact_divide(number, scale)


class MeasureError(ValueError):
    """A value does not fit its measure; ``code`` is stable for docs/errors.md."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ResolvedTarget:
    """A target read into its measure's unit: operator, value, and the text tables show."""

    op: str  # '≥', '≤', '=', '>', '<'
    value: Decimal
    display: str


@dataclass(frozen=True)
class Measure:
    """The kind and unit of one value. Rates are held as ratios (0.9914) and shown as percents."""

    kind: str = "number"
    unit: str = ""
    # Places a computed value is shown at (a rule's actual: the spec's rounding places); None
    # shows every digit. A value with fewer places is shown as it is, never padded.
    places: int | None = field(default=None, compare=False)
    _money_units: dict[str, _MoneyUnit] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # Plain texts read (``read``) into a count, rate or number: a batch's rows repeat them
    # ("16件", "0", "92.5%"); amounts of money hardly ever, and are not kept.
    _texts: dict[str, Decimal] = field(default_factory=dict, init=False, repr=False, compare=False)

    # ---- display -------------------------------------------------------------------------
    def display(self, value: Decimal | bool | str) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, str):
            return value
        if self.kind == "rate":
            return format_percent(value)
        places = self.places
        if places is not None and value.is_finite() and places_of(value) > places:
            # A quotient such as 实际支出 ÷ 公里数 has 28 digits; shown, it is rounded half-up.
            return f"{format_number(value, places)}{self.unit}"
        return f"{format_number(value)}{self.unit}"

    def shown_at(self, places: int) -> Measure:
        """This measure, showing values at ``places`` (at least 4 for a compound unit such as
        万元/公里, whose values are often a small share of one: 0.5675万元/公里, as the cost
        analysis shows them)."""
        if "/" in self.unit:
            places = max(places, COMPOUND_PLACES)
        return replace(self, places=places)

    def describe(self) -> str:
        """The kind and unit, in the current language: "money in 万元", "金额，单位 万元"."""
        unit = "%" if self.kind == "rate" else self.unit
        kind = ui(KIND_LABELS[self.kind])
        return ui("{kind} in {unit}", kind=kind, unit=unit) if unit else kind

    # ---- reading values ------------------------------------------------------------------
    def read(self, raw: object) -> Decimal | bool | str:
        """Read one facts value into this measure, or raise MeasureError saying what was expected."""
        if raw.__class__ is str and self.kind in NUMERIC_KINDS:
            texts = self._texts
            found = texts.get(raw)
            if found is not None:
                return found
            match = _PLAIN.fullmatch(raw)
            if match is not None:  # the common case first: batch reads millions of these
                value = self._read_plain(match, raw)
                if self.kind != "money":
                    if len(texts) >= _REMEMBERED_TEXTS:
                        texts.clear()
                    texts[raw] = value
                return value
        if self.kind == "text":
            if isinstance(raw, str):
                return raw
            raise MeasureError(
                tr("fact-type", "expected text, got {got}", got=shown(raw)), "fact-type"
            )
        if self.kind == "boolean":
            return self._read_boolean(raw)
        if isinstance(raw, float) and math.isfinite(raw):
            # Library callers pass floats; read their shortest text, as a person would write it.
            raw = repr(raw)
        if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
            message = tr(
                "fact-type",
                "expected {expected}, got {got}",
                expected=self._expected(),
                got=shown(raw),
            )
            raise MeasureError(message, "fact-type")
        match = _PLAIN.fullmatch(raw) if type(raw) is str else None
        if match is not None:
            return self._read_plain(match, str(raw))
        try:
            quantity = parse_quantity(raw)
        except QuantityError as exc:
            raise MeasureError(str(exc), exc.code) from exc
        return self._checked(
            self.convert(quantity.number, quantity.unit, quantity.text, "value"), quantity.text
        )

    def read_range(self, raw: object) -> Decimal | None:
        """A value written as a range ("≥90%", "不低于95%", "90%以上", "≤0.6万元"), as 自评表 often
        print an actual: its bound in this measure; None when ``raw`` is not a one-sided range
        (then ``read``'s own error stands). The caller says that the bound was used."""
        if not isinstance(raw, str) or self.kind not in NUMERIC_KINDS or not has_operator(raw):
            return None
        try:
            target = parse_target(raw)
        except QuantityError:
            return None
        if target.op not in ("≥", ">", "≤", "<"):
            return None
        quantity = target.quantity
        try:
            value = self.convert(quantity.number, quantity.unit, quantity.text, "value")
            return self._checked(value, quantity.text)
        except MeasureError:
            return None

    def _read_plain(self, match: re.Match[str], written: str) -> Decimal:
        """The common case ("110万元", "99.14%", "1,100,000元") read without the general parser;
        the two agree on every string ``_PLAIN`` matches (tests/test_plan.py checks)."""
        text, unit = match.groups()
        value = self.convert(_plain_number(text), unit or "", written, "value")
        return self._checked(value, written) if self.kind == "count" else value

    def money_text_reader(self) -> Callable[[str], Decimal | None]:
        """For batch, which reads millions of amounts and never the same one twice: a function
        of a stripped text giving what ``read`` gives for the common case ("110万元",
        "1,100,000元", "405.73", in a unit met before), in one call; None for any other text,
        which ``read`` then reads or words the problem of."""
        if self.kind != "money":
            raise ValueError(f"not a money measure: {self.kind}")
        fullmatch, units = _PLAIN.fullmatch, self._money_units

        def read_money(text: str) -> Decimal | None:
            match = fullmatch(text)
            if match is None:
                return None
            digits, unit = match.groups()
            number = _plain_number(digits)
            if not unit:
                return number
            factors = units.get(unit)  # a unit not met yet is worked out by ``read``
            if factors is None or abs(number) > factors.most:
                return None
            return factors.amount(number)

        return read_money

    def _checked(self, value: Decimal, written: str) -> Decimal:
        if self.kind == "count" and value != value.to_integral_value():
            message = (
                tr(
                    "fact-not-whole",
                    "expected a whole number of {unit}, got {written}",
                    unit=self.unit,
                    written=written,
                )
                if self.unit
                else tr(
                    "fact-not-whole",
                    "expected a whole number of items, got {written}",
                    written=written,
                )
            )
            raise MeasureError(message, "fact-not-whole")
        return value

    def _read_boolean(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip() in _TRUE_WORDS:
            return True
        if isinstance(raw, str) and raw.strip() in _FALSE_WORDS:
            return False
        message = tr(
            "fact-type", "expected yes or no (true/false, 是/否), got {got}", got=shown(raw)
        )
        raise MeasureError(message, "fact-type")

    def from_quantity(self, quantity: Quantity, *, what: str) -> Decimal:
        """Convert a parsed number-with-unit into this measure's unit, exactly."""
        return self.convert(quantity.number, quantity.unit, quantity.text, what)

    def convert(self, number: Decimal, unit: str, written: str, what: str) -> Decimal:
        """``number`` in ``unit`` (as ``written``) into this measure's unit, exactly."""
        if self.kind == "money" and unit:  # first: batch converts millions of amounts
            factors = self._money_units.get(unit) or self._money_factors(unit)
            if factors is None:  # a bad spec unit is reported at the spec; never convert into it
                raise self._unit_error(written, unit, what)
            if abs(number) > factors.most:
                message = tr(
                    "number-too-large",
                    "{written!r} is too large to be an amount of money (more than 10^15 元)",
                    written=written,
                )
                raise MeasureError(message, "number-too-large")
            return factors.amount(number)
        if unit in ("%", "‰"):
            if self.kind in ("money", "count"):
                raise self._unit_error(written, unit, what)
            return number / (_HUNDRED if unit == "%" else Decimal(1000))
        if self.kind == "rate":
            if unit:
                raise self._unit_error(written, unit, what)
            if abs(number) > 1:
                message = tr(
                    "rate-ambiguous",
                    "{written!r} is ambiguous for a rate: write {percent} for a percentage or "
                    "{ratio} for a ratio",
                    written=written,
                    percent=format_number(number) + "%",
                    ratio=format_number(number / _HUNDRED),
                )
                raise MeasureError(message, "rate-ambiguous")
            return number
        if not unit:
            return number
        if self.unit and unit != self.unit:
            raise self._unit_error(written, unit, what)
        return number

    def _money_factors(self, unit: str) -> _MoneyUnit | None:
        """How to convert money in ``unit`` into this measure's unit, or None for a unit that is
        not money. ``convert`` looks in ``_money_units`` first and calls this for a unit not
        remembered yet: batch converts millions of amounts."""
        factor, into = money_factor(unit), money_factor(self.unit)
        if factor is None or into is None:
            return None  # never remembered: reported each time
        # Money units are powers of ten, so the limit in the unit is exact.
        found = _MoneyUnit(_MOST_YUAN.scaleb(-factor.adjusted()), *money_scale(factor, into))
        if len(self._money_units) < _REMEMBERED_UNITS:  # spellings of a handful of units
            self._money_units[unit] = found
        return found

    def _unit_error(self, written: str, unit: str, what: str) -> MeasureError:
        fields = {"written": written, "unit": unit, "expected": self._expected()}
        if what == "target":
            message = tr(
                "unit-mismatch",
                "target {written!r} has unit {unit!r}, which does not fit {expected}",
                **fields,
            )
        elif what == "range bound":
            message = tr(
                "unit-mismatch",
                "range bound {written!r} has unit {unit!r}, which does not fit {expected}",
                **fields,
            )
        else:
            message = tr(
                "unit-mismatch",
                "value {written!r} has unit {unit!r}, which does not fit {expected}",
                **fields,
            )
        return MeasureError(message, "unit-mismatch")

    def _expected(self) -> str:
        if self.kind == "rate":
            # The example a field: '% o' in a msgid would read as a printf conversion to gettext.
            return ui("a rate (e.g. {example} or 0.9914)", example="99.14%")
        if self.kind == "money":
            return ui(
                "an amount of money in {unit} (元/万元/亿元 are converted)", unit=self.unit or "元"
            )
        if self.unit:
            return ui("a number in {unit}", unit=self.unit)
        return ui("a number")

    # ---- reading targets -----------------------------------------------------------------
    def target(self, raw: object, default_op: str) -> ResolvedTarget:
        """Read a target ("≥95%", "=0次", 100) into this measure's unit; no operator → default_op."""
        if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
            message = tr(
                "bad-target",
                "expected a target such as '≥95%' or '≤90万元', got {got}",
                got=shown(raw),
            )
            raise MeasureError(message, "bad-target")
        try:
            parsed = parse_target(raw)
        except QuantityError as exc:
            raise MeasureError(str(exc), exc.code) from exc
        value = self.from_quantity(parsed.quantity, what="target")
        op = parsed.op or default_op
        if self.kind == "rate":
            return ResolvedTarget(op, value, f"{op}{format_percent(value)}")
        # A target is shown as written: every digit, and its unit even where the measure has
        # none (a derived value declared without one), so ≤0.6万元/公里 does not become ≤0.6.
        written = parsed.quantity.unit
        unit = self.unit or (written if self.kind == "number" and written not in ("%", "‰") else "")
        return ResolvedTarget(op, value, f"{op}{format_number(value)}{unit}")
