"""Numbers as Chinese reports write them: "110万元", "99.14%", "≥95%", "1，100，000元", "１１０".

This module owns the text → ``Decimal`` boundary: splitting a number from its unit, target
operators (≥ ≤ = > < and their Chinese words), and percentages as ratios, with one diagnosis for
every text that is not the number expected. It reads text as ``scoring.numbers.cell_text`` normalises it
(``normalize`` and ``is_not_applicable`` live there and can still be imported from here); the way
back to text is ``scoring.numbers.text``, money units are ``scoring.numbers.money``. Everything is
``Decimal``; a float never enters a computation. Pure functions, no I/O; errors are
``QuantityError`` with a complete message, the caller adds file, line and path.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple, NoReturn

from ..i18n import tr, ui
from .cell_text import NOT_APPLICABLE_MARKS, look_alike, normalize
from .limits import CTX, MAX_DECIMAL_PLACES, MAX_INTEGER_DIGITS, QuantityError, show
from .text import format_number

# fmt: off
__all__ = [
    "Quantity", "Target", "has_operator", "parse_number", "parse_quantity", "parse_target",
    "percent_to_ratio",
]
# fmt: on

_TEN_PLACES = Decimal(1).scaleb(-MAX_DECIMAL_PLACES)


@dataclass(frozen=True, slots=True)
class Quantity:
    number: Decimal  # as written: 99.14 for "99.14%", 110 for "110万元"
    unit: str  # normalised unit text; "" when none; "%" and "‰" for percentages
    text: str  # the original text


@dataclass(frozen=True, slots=True)
class Target:
    op: str | None  # one of number_text.OPERATORS; None when the text has no operator
    quantity: Quantity  # its text is the normalised quantity part, e.g. "95%" of "≥ 95 ％"
    text: str  # the original text


class _Kind(NamedTuple):
    """What a parse expects, so one diagnosis serves numbers, quantities and targets alike. Its
    words are made when a message is (in the language chosen then), not at import."""

    name: str  # number, quantity or target
    code: str  # for input that is not a number at all
    empty_code: str  # for missing or empty input

    def what(self) -> str:
        if self.name == "target":
            return ui("a target")
        return ui("a number with a unit") if self.name == "quantity" else ui("a number")

    def examples(self) -> str:
        if self.name == "target":
            return ui(
                "an optional operator (≥ ≤ = > <, or words such as 不低于 and 不超过) and a number "
                "with its unit, such as '≥95%', '≤90万元', '=0次' or '100%'"
            )
        if self.name == "quantity":
            return ui("a number with an optional unit such as '110万元', '99.14%' or '158批次'")
        return ui("a number such as '110' or '1,100,000.50'")

    def missing(self) -> QuantityError:
        """No value at all (None)."""
        if self.name == "target":
            message = tr(
                "bad-target", "the target is missing: expected {examples}", examples=self.examples()
            )
        elif self.name == "quantity":
            message = tr(
                "value-empty", "the value is missing: expected {examples}", examples=self.examples()
            )
        else:
            message = tr(
                "value-empty",
                "the number is missing: expected {examples}",
                examples=self.examples(),
            )
        return QuantityError(message, self.empty_code)

    def empty(self) -> QuantityError:
        """Empty text."""
        if self.name == "target":
            message = tr(
                "bad-target", "the target is empty: expected {examples}", examples=self.examples()
            )
        elif self.name == "quantity":
            message = tr(
                "value-empty", "the value is empty: expected {examples}", examples=self.examples()
            )
        else:
            message = tr(
                "value-empty", "the number is empty: expected {examples}", examples=self.examples()
            )
        return QuantityError(message, self.empty_code)

    def refused(self, value: str, reason: str) -> QuantityError:
        """``value`` (already quoted) is not what was expected, for ``reason``."""
        if self.code == "bad-target":
            message = tr(
                "bad-target",
                "{value} is not {what}: {reason}",
                value=value,
                what=self.what(),
                reason=reason,
            )
        else:
            message = tr(
                "not-a-number",
                "{value} is not {what}: {reason}",
                value=value,
                what=self.what(),
                reason=reason,
            )
        return QuantityError(message, self.code)

    def yes_no(self, value: str) -> QuantityError:
        """``value`` is true or false (YAML reads yes/no/on/off as booleans)."""
        if self.code == "bad-target":
            message = tr(
                "bad-target", "{value} is a yes/no value, not {what}", value=value, what=self.what()
            )
        else:
            message = tr(
                "not-a-number",
                "{value} is a yes/no value, not {what}",
                value=value,
                what=self.what(),
            )
        return QuantityError(message, self.code)

    def not_a(self, what: str) -> QuantityError:
        """A value of another type (a list, a mapping …), ``what`` saying which."""
        if self.code == "bad-target":
            message = tr("bad-target", "{value} is not {what}", value=what, what=self.what())
        else:
            message = tr("not-a-number", "{value} is not {what}", value=what, what=self.what())
        return QuantityError(message, self.code)


_NUMBER = _Kind("number", "not-a-number", "value-empty")
_QUANTITY = _Kind("quantity", "not-a-number", "value-empty")
_TARGET = _Kind("target", "bad-target", "bad-target")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# A unit is one script run (CJK, or letters with an optional power as in m2 after NFKC of m²),
# joined by / or · ("元/人", "人·次"). Mixing scripts without a separator ("万元x") is a typo.
_WORD = rf"(?:[{_CJK}]+|[A-Za-z]+[23]?)"
_UNIT = rf"(?:[%‰]|{_WORD}(?:[/·]{_WORD})*)"
_NUM = r"(?P<num>[+-]?(?=\.?\d)(?P<int>\d[\d,]*)?(?:\.(?P<frac>\d+))?(?:[eE](?P<exp>[+-]?\d+))?)"
# re.ASCII keeps \d to 0-9, so a raw text that matches is already normalised (the fast path).
_NUM_RE = re.compile(_NUM, re.ASCII)
_UNIT_RE = re.compile(_UNIT, re.ASCII)
_NUMBER_START = re.compile(r"[+-]?\.?\d", re.ASCII)
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+", re.ASCII)
# Short plain ASCII numbers, in range by their length alone: ``_decimal``'s fast path, whole.
_PLAIN_NUMBER = re.compile(
    rf"[+-]?\d{{1,{MAX_INTEGER_DIGITS}}}(?:\.\d{{1,{MAX_DECIMAL_PLACES}}})?", re.ASCII
)
# Python's words and YAML's (.inf, .nan), which YAML reads as text here, never as a float.
_NON_FINITE = frozenset({"nan", "snan", "inf", "infinity", "∞", ".inf", ".nan"})
_UNDERSCORE = re.compile(r"[0-9]+(?:_[0-9]+)+", re.ASCII)
_BASE_PREFIX = re.compile(r"[+-]?0[xXoObB][0-9A-Fa-f_]+", re.ASCII)  # 0x10, 0o17, 0b101
_NONE_WORDS = frozenset({"无", "没有", "暂无", "未发生"})

_OP_WORDS = {
    "≥": "≥", "大于等于": "≥", "大于或等于": "≥", "不低于": "≥", "不少于": "≥", "不小于": "≥",
    "≮": "≥",
    "≤": "≤", "小于等于": "≤", "小于或等于": "≤", "不高于": "≤", "不超过": "≤", "不大于": "≤",
    "不多于": "≤", "≯": "≤",
    "=": "=", "等于": "=",
    ">": ">", "大于": ">", "高于": ">", "超过": ">", "多于": ">",
    "<": "<", "小于": "<", "低于": "<", "少于": "<",
}  # fmt: skip
# Longest first: "大于等于" must win over "大于".
_OP_RE = re.compile("|".join(map(re.escape, sorted(_OP_WORDS, key=len, reverse=True))))
# A trailing 以上/以下/以内 restates a direction; it is dropped when it agrees with the operator.
_SUFFIX_RE = re.compile(r"(?:及以上|以上|及以下|以下|以内)$")
_SUFFIX_OPS = {"以上": ("≥", ">"), "以下": ("≤", "<"), "以内": ("≤", "<")}


def parse_number(value: str | float | Decimal) -> Decimal:
    """A plain number: sign, digits, thousands separators grouped by three, decimals."""
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        # The common case first ("2.8", a rating's score in every row of a batch): what
        # ``_split`` and ``_decimal`` give it, without the general pattern (-0 is 0 there too).
        number = Decimal(value)
        return number.copy_abs() if number.is_zero() else number
    if not isinstance(value, str):
        return _from_object(value, _NUMBER)
    number, unit = _split(value, _NUMBER)
    if unit:
        message = tr(
            "unexpected-unit",
            "{value} is not a plain number: it has the unit {unit}; write the number alone, e.g. "
            "{number}",
            value=show(value),
            unit=show(unit),
            number=show(format_number(number)),
        )
        raise QuantityError(message, "unexpected-unit")
    return number


def parse_quantity(value: str | int | Decimal) -> Quantity:
    """A number followed by an optional unit, as in "110万元", "99.14%" or "158批次"."""
    if not isinstance(value, str):
        return Quantity(_from_object(value, _QUANTITY), "", _text_of(value))
    number, unit = _split(value, _QUANTITY)
    return Quantity(number, unit, value)


def parse_target(value: str | int | Decimal) -> Target:
    """An optional operator (symbol or Chinese words) and a quantity, as in "≥95%" or "不超过90万元"."""
    if not isinstance(value, str):
        text = _text_of(value)
        return Target(None, Quantity(_from_object(value, _TARGET), "", text), text)
    if why := look_alike(value, unit_powers=True):  # before NFKC folds ² into 2
        message = tr(
            "look-alike-character", "{value} is not a target: {why}", value=show(value), why=why
        )
        raise QuantityError(message, "look-alike-character")
    text = full = normalize(value)
    op: str | None = None
    if m := _OP_RE.match(text):
        op, text = _OP_WORDS[m[0]], text[m.end() :]
    if m := _SUFFIX_RE.search(text):
        implied = _SUFFIX_OPS[m[0].removeprefix("及")]
        if op is not None and op not in implied:
            detail = tr(
                "bad-target",
                "the operator {operator} contradicts {word}",
                operator=show(op),
                word=show(m[0]),
            )
            raise _bad_target(value, detail)
        op, text = op or implied[0], text[: m.start()]
    if not text and full:
        raise _bad_target(value, tr("bad-target", "there is no number in it"))
    number, unit = _split(text, _TARGET, shown=value)
    return Target(op, Quantity(number, unit, text), value)


def has_operator(text: str) -> bool:
    """Whether ``parse_target`` finds an operator in ``text`` (≥ or 不低于 before the number,
    以上/以下/以内 after it): a text without one is no range, said before the whole parse (and
    the message of a text that is no target, which a caller asking this does not need)."""
    normal = normalize(text)
    return _OP_RE.match(normal) is not None or _SUFFIX_RE.search(normal) is not None


def percent_to_ratio(q: Quantity) -> Decimal:
    """99.14% → 0.9914 and 3.5‰ → 0.0035, exactly."""
    if q.unit == "%":
        return q.number.scaleb(-2, CTX)
    if q.unit == "‰":
        return q.number.scaleb(-3, CTX)
    message = tr(
        "bad-unit",
        "{value} is not a percentage: expected a number ending in {percent} or {permille}, such "
        "as '99.14%'",
        value=show(q.text),
        percent="%",  # a field: '% o' in a msgid would read as a printf conversion to gettext
        permille="‰",
    )
    raise QuantityError(message, "bad-unit")


# --- internals -----------------------------------------------------------------------------------


def _text_of(value: object) -> str:
    # str() of a huge int raises past sys.get_int_max_str_digits(); such values fail the range
    # check anyway, so only the message needs a printable form.
    if isinstance(value, int) and value.bit_length() > 200:
        return format(Decimal(value), ".6E")
    return str(value)


def _from_object(value: object, kind: _Kind) -> Decimal:
    if value is None:
        raise kind.missing()
    if isinstance(value, bool):  # YAML reads yes/no/on/off as booleans
        raise kind.yes_no(str(value))
    if isinstance(value, float):
        # Not in the signature, but a YAML loader that did not keep the text yields floats: repr()
        # is the shortest text giving this float, i.e. what was written if it had ≤ 15 digits.
        return _split(repr(value), kind)[0]
    if isinstance(value, int | Decimal):
        return _checked(Decimal(value), _text_of(value))
    if isinstance(value, (list, tuple)):
        raise kind.not_a(ui("a list"))
    if isinstance(value, dict):
        raise kind.not_a(ui("a mapping of keys to values"))
    raise kind.not_a(ui("a value of type {type}", type=type(value).__name__))


@functools.cache
def _quantity_re() -> re.Pattern[str]:
    """The number and its unit in one pattern, compiled when first needed: building a class of
    the CJK ranges costs about a millisecond at each place a pattern has one (at every start)."""
    return re.compile(rf"{_NUM}(?P<unit>{_UNIT})?", re.ASCII)


def _quantity(text: str) -> tuple[re.Match[str], str] | None:
    """The number (its match) and the unit of a text that is just those two, else None: what
    ``_quantity_re().fullmatch`` finds. The longest number, then the rest as a unit, is the
    split that pattern tries first, and almost always the one; only when it fails does the whole
    pattern try the others ("1e2/m": 1 in e2/m)."""
    number = _NUM_RE.match(text)
    if number is not None:
        end = number.end()
        if end == len(text):
            return number, ""
        unit = _UNIT_RE.fullmatch(text, end)
        if unit is not None:
            return number, unit[0]
    whole = _quantity_re().fullmatch(text)
    return None if whole is None else (whole, whole["unit"] or "")


def _split(text: str, kind: _Kind, shown: str | None = None) -> tuple[Decimal, str]:
    """Split text into a checked number and a unit; ``shown`` is what error messages quote."""
    m = _quantity(text)
    if m is None:
        if why := look_alike(text, unit_powers=True):  # before NFKC folds ² into 2
            quoted = shown if shown is not None else text
            message = tr(
                "look-alike-character",
                "{value} is not {what}: {why}",
                value=show(quoted),
                what=kind.what(),
                why=why,
            )
            raise QuantityError(message, "look-alike-character")
        normal = normalize(text)
        m = _quantity(normal)
        if m is None:
            _diagnose(normal, shown if shown is not None else text, kind)
    return _decimal(m[0], shown if shown is not None else text, kind), m[1]


def _decimal(m: re.Match[str], shown: str, kind: _Kind) -> Decimal:
    digits, frac, exp = m["int"] or "", m["frac"] or "", m["exp"]
    if "," in digits:
        if not _GROUPED.fullmatch(digits):
            message = tr(
                "bad-thousands",
                "{value} is not {what}: thousands separators must group the digits by three, as "
                "in '1,100,000' (the decimal point is '.')",
                value=show(shown),
                what=kind.what(),
            )
            raise QuantityError(message, "bad-thousands")
        digits = digits.replace(",", "")
    try:
        d = Decimal(m["num"].replace(",", ""))
    except InvalidOperation:
        # Only an exponent beyond what Decimal holds gets here: keep its direction so the range
        # check names the right limit.
        huge = "-999999" if exp and exp.startswith("-") else "999999"
        d = Decimal(f"1e{huge}") if (digits + frac).strip("0") else Decimal(0)
    # The fast path: short plain digits are in range by their length alone.
    if exp is None and len(digits) <= MAX_INTEGER_DIGITS and len(frac) <= MAX_DECIMAL_PLACES:
        return d.copy_abs() if d.is_zero() else d
    return _checked(d, shown)


def _checked(d: Decimal, shown: str) -> Decimal:
    """Reject non-finite and out-of-range values; zero → 0; 1E+3 → 1000; drop zeros past 10 places."""
    if not d.is_finite():
        raise _not_finite(shown)
    if d.is_zero():
        return Decimal(0)
    if d.adjusted() >= MAX_INTEGER_DIGITS:
        message = tr(
            "number-too-large",
            "{value} is too large: at most {most} digits are allowed before the decimal point",
            value=show(shown),
            most=MAX_INTEGER_DIGITS,
        )
        raise QuantityError(message, "number-too-large")
    if d.quantize(_TEN_PLACES, context=CTX) != d:
        message = tr(
            "too-many-decimals",
            "{value} has too many decimal places: at most {most} are allowed",
            value=show(shown),
            most=MAX_DECIMAL_PLACES,
        )
        raise QuantityError(message, "too-many-decimals")
    exponent = d.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    if exponent > 0 or exponent < -MAX_DECIMAL_PLACES:
        d = d.quantize(Decimal(1) if exponent > 0 else _TEN_PLACES, context=CTX)
    return d


def _bad_target(shown: str, detail: str) -> QuantityError:
    message = tr(
        "bad-target",
        "{value} is not a target: {detail}; expected {examples}",
        value=show(shown),
        detail=detail,
        examples=_TARGET.examples(),
    )
    return QuantityError(message, "bad-target")


def _not_finite(shown: str) -> QuantityError:
    message = tr(
        "not-finite",
        "{value} is not a finite number: expected an ordinary number such as '110'",
        value=show(shown),
    )
    return QuantityError(message, "not-finite")


def _diagnose(text: str, shown: str, kind: _Kind) -> NoReturn:
    """Explain why normalised ``text`` is not a number with a unit; always raises."""
    if not text:
        raise kind.empty()
    if text.casefold() in NOT_APPLICABLE_MARKS:
        message = tr(
            "not-applicable", "{value} means 'not applicable' and has no number", value=show(shown)
        )
        raise QuantityError(message, "not-applicable")
    if text.lstrip("+-").casefold() in _NON_FINITE:
        raise _not_finite(shown)
    if _BASE_PREFIX.fullmatch(text):
        reason = ui(
            "a prefix such as 0x (hexadecimal) is not read; write the number in decimal digits"
        )
        raise kind.refused(show(shown), reason)
    if _UNDERSCORE.match(text.lstrip("+-")):
        written = _UNDERSCORE.match(text.lstrip("+-"))[0]  # type: ignore[index]
        message = tr(
            "bad-thousands",
            "{value} is not {what}: '_' does not separate digits; write {digits} (or group by "
            "three with ',')",
            value=show(shown),
            what=kind.what(),
            digits=written.replace("_", ""),
        )
        raise QuantityError(message, "bad-thousands")
    if text in _NONE_WORDS and kind is not _TARGET:  # a count of zero, or not applicable?
        reason = ui("write 0 if there were none, or mark the indicator not applicable")
        raise kind.refused(show(shown), reason)
    start = _NUMBER_START.search(text)
    if start is None:
        reason = ui("expected {examples}", examples=kind.examples())
        raise kind.refused(show(shown), reason)
    if start.start() > 0:
        detail = ui("unexpected text {text} before the number", text=show(text[: start.start()]))
    else:
        number = _NUM_RE.match(text)
        assert number is not None  # _NUMBER_START matched here
        _decimal(number, shown, kind)  # a malformed number gets its own, sharper message
        rest = text[number.end() :]
        unit = _UNIT_RE.match(rest)
        if unit is not None:
            extra = show(rest[unit.end() :])
            detail = ui(
                "unexpected text {text} after the unit {unit}", text=extra, unit=show(unit[0])
            )
        else:
            detail = ui("unexpected text {text} after the number", text=show(rest))
    if kind is _TARGET:  # the brief list of accepted forms helps more than a bare complaint
        raise _bad_target(shown, detail)
    raise kind.refused(show(shown), detail)
