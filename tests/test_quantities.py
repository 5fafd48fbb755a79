"""Tests for scoring.numbers.quantities: numbers, units, targets and n/a markers as reports write them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.numbers.cell_text import is_not_applicable, normalize
from scoring.numbers.limits import CTX, QuantityError
from scoring.numbers.measure import Measure, MeasureError
from scoring.numbers.money import (
    MONEY_UNITS,
    convert_money,
    exact_divide,
    exact_multiply,
    money_factor,
    money_scale,
)
from scoring.numbers.quantities import (
    Quantity,
    Target,
    parse_number,
    parse_quantity,
    parse_target,
    percent_to_ratio,
)
from scoring.numbers.text import format_number, format_quantity, format_target

D = Decimal
TARGET_FORMS = (
    "expected an optional operator (≥ ≤ = > <, or words such as 不低于 and 不超过) and a number"
    " with its unit, such as '≥95%', '≤90万元', '=0次' or '100%'"
)
QUANTITY_FORMS = "expected a number with an optional unit such as '110万元', '99.14%' or '158批次'"


# --- normalize --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１１０万元", "110万元"),
        ("99.14％", "99.14%"),
        ("＞＝95%", "≥95%"),
        ("＜＝5", "≤5"),
        (">=95%", "≥95%"),
        ("<=90万元", "≤90万元"),
        ("> = 95 %", "≥95%"),
        ("≧95％", "≥95%"),
        ("≦5起", "≤5起"),
        ("═100%", "=100%"),
        ("﹦0", "=0"),
        ("＝0次", "=0次"),
        ("−5%", "-5%"),
        ("－5%", "-5%"),
        ("110\u3000万元", "110万元"),
        (" 1 100\t\n", "1100"),
        ("\ufeff110\u200b", "110"),
        ("1，100，000", "1,100,000"),
        ("10㎡", "10m2"),
        ("—", "—"),
        ("／", "/"),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    """normalize folds full-width and look-alike characters and drops all whitespace."""
    assert normalize(text) == expected


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    """Normalising twice gives the same text as normalising once."""
    once = normalize(text)
    assert normalize(once) == once


# --- parse_number -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("110", D("110")),
        ("109.05", D("109.05")),
        ("-5", D("-5")),
        ("+5", D("5")),
        ("0", D("0")),
        ("-0", D("0")),
        ("-0.00", D("0")),
        ("007", D("7")),
        (".5", D("0.5")),
        ("1,100,000", D("1100000")),
        ("1，100，000", D("1100000")),
        ("1,100,000.50", D("1100000.50")),
        ("１１０", D("110")),
        (" 110 ", D("110")),
        ("−5", D("-5")),
        ("1e3", D("1000")),
        ("1.5E-3", D("0.0015")),
        ("0e99999999999999999999999", D("0")),
        ("999999999999999", D("999999999999999")),
        ("0.0000000001", D("0.0000000001")),
        ("1.50000000000000", D("1.5")),
        (110, D("110")),
        (0, D("0")),
        (D("99.14"), D("99.14")),
        (D("-0"), D("0")),
        (D("1E+3"), D("1000")),
        (1.5, D("1.5")),
    ],
)
def test_parse_number(value: str | int | Decimal, expected: Decimal) -> None:
    """parse_number reads plain numbers exactly, in every form reports write them."""
    result = parse_number(value)
    assert result == expected
    assert isinstance(result, Decimal)
    assert not (result.is_zero() and result.is_signed())


def test_parse_number_keeps_plain_form() -> None:
    """An exponent is turned into plain digits, so str() of the result is never scientific."""
    assert str(parse_number("1e3")) == "1000"
    assert str(parse_number(D("1E+3"))) == "1000"


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        (
            "",
            "value-empty",
            "the number is empty: expected a number such as '110' or '1,100,000.50'",
        ),
        (
            None,
            "value-empty",
            "the number is missing: expected a number such as '110' or '1,100,000.50'",
        ),
        (True, "not-a-number", "True is a yes/no value, not a number"),
        (False, "not-a-number", "False is a yes/no value, not a number"),
        ([1], "not-a-number", "a list is not a number"),
        ({"a": 1}, "not-a-number", "a mapping of keys to values is not a number"),
        (
            "ten",
            "not-a-number",
            "'ten' is not a number: expected a number such as '110' or '1,100,000.50'",
        ),
        (
            "1,10",
            "bad-thousands",
            (
                "'1,10' is not a number: thousands separators must group the digits by three,"
                " as in '1,100,000' (the decimal point is '.')"
            ),
        ),
        (
            "1,1000",
            "bad-thousands",
            (
                "'1,1000' is not a number: thousands separators must group the digits by three,"
                " as in '1,100,000' (the decimal point is '.')"
            ),
        ),
        (
            "12,34,567",
            "bad-thousands",
            (
                "'12,34,567' is not a number: thousands separators must group the digits by three,"
                " as in '1,100,000' (the decimal point is '.')"
            ),
        ),
        (
            "0,5",
            "bad-thousands",
            (
                "'0,5' is not a number: thousands separators must group the digits by three,"
                " as in '1,100,000' (the decimal point is '.')"
            ),
        ),
        (
            "nan",
            "not-finite",
            "'nan' is not a finite number: expected an ordinary number such as '110'",
        ),
        (
            "NaN",
            "not-finite",
            "'NaN' is not a finite number: expected an ordinary number such as '110'",
        ),
        (
            "inf",
            "not-finite",
            "'inf' is not a finite number: expected an ordinary number such as '110'",
        ),
        (
            "-Infinity",
            "not-finite",
            "'-Infinity' is not a finite number: expected an ordinary number such as '110'",
        ),
        (
            "∞",
            "not-finite",
            "'∞' is not a finite number: expected an ordinary number such as '110'",
        ),
        (
            D("NaN"),
            "not-finite",
            "'NaN' is not a finite number: expected an ordinary number such as '110'",
        ),
        (
            D("Infinity"),
            "not-finite",
            "'Infinity' is not a finite number: expected an ordinary number such as '110'",
        ),
        (
            float("inf"),
            "not-finite",
            "'inf' is not a finite number: expected an ordinary number such as '110'",
        ),
        (
            "1000000000000000",
            "number-too-large",
            "'1000000000000000' is too large: at most 15 digits are allowed before the decimal point",
        ),
        (
            "1e15",
            "number-too-large",
            "'1e15' is too large: at most 15 digits are allowed before the decimal point",
        ),
        (
            "1e99999999999999999999999",
            "number-too-large",
            (
                "'1e99999999999999999999999' is too large: at most 15 digits are allowed before the"
                " decimal point"
            ),
        ),
        (
            10**15,
            "number-too-large",
            "'1000000000000000' is too large: at most 15 digits are allowed before the decimal point",
        ),
        (
            D("-1E+20"),
            "number-too-large",
            "'-1E+20' is too large: at most 15 digits are allowed before the decimal point",
        ),
        (
            "0.12345678901",
            "too-many-decimals",
            "'0.12345678901' has too many decimal places: at most 10 are allowed",
        ),
        (
            "1e-11",
            "too-many-decimals",
            "'1e-11' has too many decimal places: at most 10 are allowed",
        ),
        (
            "1e-99999999999999999999999",
            "too-many-decimals",
            "'1e-99999999999999999999999' has too many decimal places: at most 10 are allowed",
        ),
        (
            0.1 + 0.2,
            "too-many-decimals",
            "'0.30000000000000004' has too many decimal places: at most 10 are allowed",
        ),
        (
            "110万元",
            "unexpected-unit",
            (
                "'110万元' is not a plain number: it has the unit '万元'; write the number alone,"
                " e.g. '110'"
            ),
        ),
        (
            "99.14%",
            "unexpected-unit",
            (
                "'99.14%' is not a plain number: it has the unit '%'; write the number alone,"
                " e.g. '99.14'"
            ),
        ),
        ("5.", "not-a-number", "'5.' is not a number: unexpected text '.' after the number"),
        ("--5", "not-a-number", "'--5' is not a number: unexpected text '-' before the number"),
        ("5-3", "not-a-number", "'5-3' is not a number: unexpected text '-3' after the number"),
        ("—", "not-applicable", "'—' means 'not applicable' and has no number"),
    ],
)
def test_parse_number_errors(value: object, code: str, message: str) -> None:
    """Anything that is not a plain, finite, in-range number fails with a complete message."""
    with pytest.raises(QuantityError) as info:
        parse_number(value)  # type: ignore[arg-type]
    assert (info.value.code, str(info.value)) == (code, message)


def test_huge_int_message_does_not_print_every_digit() -> None:
    """An enormous integer is named in scientific form instead of tripping Python's digit limit."""
    with pytest.raises(QuantityError) as info:
        parse_number(10**10000)
    assert str(info.value) == (
        "'1.000000E+10000' is too large: at most 15 digits are allowed before the decimal point"
    )


numbers_in_range = st.integers(min_value=0, max_value=10).flatmap(
    lambda places: st.decimals(
        min_value=-(10**15) + 1,
        max_value=10**15 - 1,
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )
)


@given(numbers_in_range)
def test_format_then_parse_round_trips(number: Decimal) -> None:
    """Formatting any in-range Decimal and parsing the text gives the same value back."""
    assert parse_number(format_number(number)) == number


@given(numbers_in_range)
def test_parse_accepts_decimal_and_its_text_alike(number: Decimal) -> None:
    """A Decimal and its str() parse to the same value, even when str() uses an exponent."""
    assert parse_number(number) == parse_number(str(number)) == number


# --- parse_quantity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("110万元", D("110"), "万元"),
        ("109.05万元", D("109.05"), "万元"),
        ("1,100,000元", D("1100000"), "元"),
        ("99.14%", D("99.14"), "%"),
        ("158批次", D("158"), "批次"),
        ("1013人", D("1013"), "人"),
        ("735人次", D("735"), "人次"),
        ("0次", D("0"), "次"),
        ("-5%", D("-5"), "%"),
        ("3.5‰", D("3.5"), "‰"),
        ("１１０万元", D("110"), "万元"),
        ("110 万元", D("110"), "万元"),
        ("110万 元", D("110"), "万元"),
        ("99.14 ％", D("99.14"), "%"),
        ("15", D("15"), ""),
        ("5km", D("5"), "km"),
        ("10m²", D("10"), "m2"),
        ("10㎡", D("10"), "m2"),
        ("50个", D("50"), "个"),
        ("1.5万人次", D("1.5"), "万人次"),
        ("500元/人", D("500"), "元/人"),
        ("3人·次", D("3"), "人·次"),
        ("1，100，000元", D("1100000"), "元"),
        ("2亿元", D("2"), "亿元"),
    ],
)
def test_parse_quantity(text: str, number: Decimal, unit: str) -> None:
    """parse_quantity splits a number from the unit that follows it and keeps the original text."""
    assert parse_quantity(text) == Quantity(number, unit, text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (110, Quantity(D("110"), "", "110")),
        (D("99.14"), Quantity(D("99.14"), "", "99.14")),
    ],
)
def test_parse_quantity_from_numbers(value: int | Decimal, expected: Quantity) -> None:
    """A YAML number becomes a quantity without a unit."""
    assert parse_quantity(value) == expected


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        (
            "１１０万元x",
            "not-a-number",
            "'１１０万元x' is not a number with a unit: unexpected text 'x' after the unit '万元'",
        ),
        (
            "约110万元",
            "not-a-number",
            "'约110万元' is not a number with a unit: unexpected text '约' before the number",
        ),
        (
            "第3批",
            "not-a-number",
            "'第3批' is not a number with a unit: unexpected text '第' before the number",
        ),
        (
            "110万元。",
            "not-a-number",
            "'110万元。' is not a number with a unit: unexpected text '。' after the unit '万元'",
        ),
        (
            "110万元（含结转）",
            "not-a-number",
            (
                "'110万元（含结转）' is not a number with a unit: unexpected text '(含结转)' after the"
                " unit '万元'"
            ),
        ),
        (
            "95%以上",
            "not-a-number",
            "'95%以上' is not a number with a unit: unexpected text '以上' after the unit '%'",
        ),
        (
            "12.5.3万元",
            "not-a-number",
            "'12.5.3万元' is not a number with a unit: unexpected text '.3万元' after the number",
        ),
        (
            "元/人",
            "not-a-number",
            f"'元/人' is not a number with a unit: {QUANTITY_FORMS}",
        ),
        ("一百", "not-a-number", f"'一百' is not a number with a unit: {QUANTITY_FORMS}"),
        ("", "value-empty", f"the value is empty: {QUANTITY_FORMS}"),
        ("  ", "value-empty", f"the value is empty: {QUANTITY_FORMS}"),
        (None, "value-empty", f"the value is missing: {QUANTITY_FORMS}"),
        ("不适用", "not-applicable", "'不适用' means 'not applicable' and has no number"),
        (
            "1,10个",
            "bad-thousands",
            (
                "'1,10个' is not a number with a unit: thousands separators must group the digits by"
                " three, as in '1,100,000' (the decimal point is '.')"
            ),
        ),
        (
            "1e20元",
            "number-too-large",
            "'1e20元' is too large: at most 15 digits are allowed before the decimal point",
        ),
        ("a\nb", "not-a-number", f"'a\\nb' is not a number with a unit: {QUANTITY_FORMS}"),
        (
            "x" * 70,
            "not-a-number",
            f"'{'x' * 60}…' is not a number with a unit: {QUANTITY_FORMS}",
        ),
    ],
)
def test_parse_quantity_errors(value: str | None, code: str, message: str) -> None:
    """Text around the number that is not a unit is named in the message."""
    with pytest.raises(QuantityError) as info:
        parse_quantity(value)  # type: ignore[arg-type]
    assert (info.value.code, str(info.value)) == (code, message)


def error_of(parse: Callable[[str], object], text: str) -> QuantityError | None:
    """The QuantityError parse raises on text, or None; any other exception propagates."""
    try:
        parse(text)
    except QuantityError as error:
        return error
    return None


@given(st.text())
def test_parse_quantity_raises_only_quantity_error(text: str) -> None:
    """Arbitrary text either parses or raises QuantityError with a one-line message."""
    error = error_of(parse_quantity, text)
    assert error is None or (error.code and "\n" not in str(error))


report_like = st.text(
    alphabet="0123456789,.+-eE%‰ 　万元个人次/·xX约以上≥≤=<>１２％，．—－", max_size=20
)


@given(report_like)
def test_parsers_raise_only_quantity_error_on_report_like_text(text: str) -> None:
    """Text built from digits, separators, units and operators parses or raises QuantityError."""
    for parse in (parse_number, parse_quantity, parse_target):
        error = error_of(parse, text)
        assert error is None or error.code


@given(st.text())
def test_parse_target_raises_only_quantity_error(text: str) -> None:
    """Arbitrary text given as a target parses or raises QuantityError, never anything else."""
    error = error_of(parse_target, text)
    assert error is None or error.code


# --- not applicable ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["—", "——", "-", "/", "／", "N/A", "n/a", "N / A", "不适用", "无此项", " — ", "―", "――"],
)
def test_not_applicable_markers(value: str) -> None:
    """The markers filed tables use for "not applicable" are recognised."""
    assert is_not_applicable(value)


@pytest.mark.parametrize("value", [None, "", " ", "0", "-5", "无", "NA?", 0, False, "不详"])
def test_not_not_applicable(value: object) -> None:
    """Missing values, numbers and other words are not "not applicable" markers."""
    assert not is_not_applicable(value)


# --- money and percentages --------------------------------------------------------------------


def test_money_units_are_exact() -> None:
    """Each money unit maps to its exact number of 元."""
    assert dict(MONEY_UNITS) == {
        "元": D(1),
        "千元": D(1000),
        "万元": D(10000),
        "百万元": D(1000000),
        "千万元": D(10000000),
        "亿元": D(100000000),
    }


@pytest.mark.parametrize(
    ("unit", "factor"),
    [
        ("元", D(1)),
        ("万元", D(10000)),
        (" 万 元 ", D(10000)),
        ("亿元", D(10**8)),
        ("个", None),
        ("", None),
    ],
)
def test_money_factor(unit: str, factor: Decimal | None) -> None:
    """money_factor gives the 元 in one unit, or None for a unit that is not money."""
    assert money_factor(unit) == factor


@pytest.mark.parametrize(
    ("number", "from_unit", "to_unit", "expected"),
    [
        (D("110"), "万元", "元", D("1100000")),
        (D("1100000"), "元", "万元", D("110")),
        (D("109.05"), "万元", "元", D("1090500")),
        (D("0.95"), "万元", "千元", D("9.5")),
        (D("1.5"), "亿元", "万元", D("15000")),
        (D("15"), "元", "亿元", D("0.00000015")),
        (D("5"), "万元", "万元", D("5")),
    ],
)
def test_convert_money(number: Decimal, from_unit: str, to_unit: str, expected: Decimal) -> None:
    """Money converts exactly between units."""
    assert convert_money(number, from_unit, to_unit) == expected


@pytest.mark.parametrize(
    ("from_unit", "to_unit", "message"),
    [
        (
            "个",
            "元",
            "'个' is not a money unit: expected one of 元, 千元, 万元, 百万元, 千万元, 亿元",
        ),
        (
            "元",
            "%",
            "'%' is not a money unit: expected one of 元, 千元, 万元, 百万元, 千万元, 亿元",
        ),
    ],
)
def test_convert_money_rejects_other_units(from_unit: str, to_unit: str, message: str) -> None:
    """Converting from or to a unit that is not money is a bad-unit error."""
    with pytest.raises(QuantityError) as info:
        convert_money(D(1), from_unit, to_unit)
    assert (info.value.code, str(info.value)) == ("bad-unit", message)


@given(numbers_in_range, st.sampled_from(sorted(MONEY_UNITS)))
def test_money_round_trip_is_identity(number: Decimal, unit: str) -> None:
    """Converting 元 → any money unit → 元 gives back the same amount."""
    assert convert_money(convert_money(number, "元", unit), unit, "元") == number
    assert convert_money(convert_money(number, "元", "万元"), "万元", "元") == number


@given(numbers_in_range, st.sampled_from(sorted(MONEY_UNITS)))
def test_money_into_its_own_unit_is_the_same_number_digit_for_digit(
    number: Decimal, unit: str
) -> None:
    """No conversion (万元 → 万元) gives what multiplying and dividing gives: same digits, same
    exponent (53.20 stays 53.20), so the shortcut is never seen in a table."""
    factor = MONEY_UNITS[unit]
    worked = CTX.divide(CTX.multiply(number, factor), factor)
    assert repr(convert_money(number, unit, unit)) == repr(worked) == repr(number)


@given(numbers_in_range, st.sampled_from(sorted(MONEY_UNITS)), st.sampled_from(sorted(MONEY_UNITS)))
def test_money_in_one_step_is_money_multiplied_and_divided_digit_for_digit(
    number: Decimal, from_unit: str, to_unit: str
) -> None:
    """``money_scale`` (one multiplication or division, which batch uses for amounts) gives what
    ``convert_money`` gives: same digits, same exponent."""
    scale, up = money_scale(MONEY_UNITS[from_unit], MONEY_UNITS[to_unit])
    if scale is None:
        one_step = number
    else:
        one_step = exact_multiply(number, scale) if up else exact_divide(number, scale)
    assert repr(one_step) == repr(convert_money(number, from_unit, to_unit))


@pytest.mark.parametrize(
    ("text", "ratio"),
    [("99.14%", D("0.9914")), ("100%", D("1")), ("3.5‰", D("0.0035")), ("-5%", D("-0.05"))],
)
def test_percent_to_ratio(text: str, ratio: Decimal) -> None:
    """Percentages and per-mille values become exact ratios."""
    assert percent_to_ratio(parse_quantity(text)) == ratio


def test_percent_to_ratio_rejects_other_units() -> None:
    """A quantity that is not a percentage cannot become a ratio."""
    with pytest.raises(QuantityError) as info:
        percent_to_ratio(parse_quantity("110万元"))
    assert (info.value.code, str(info.value)) == (
        "bad-unit",
        "'110万元' is not a percentage: expected a number ending in % or ‰, such as '99.14%'",
    )


# --- targets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op", "number", "unit"),
    [
        ("≥95%", "≥", D("95"), "%"),
        ("≤90万元", "≤", D("90"), "万元"),
        ("=0次", "=", D("0"), "次"),
        ("≥735人次", "≥", D("735"), "人次"),
        (">=95%", "≥", D("95"), "%"),
        ("<=5起", "≤", D("5"), "起"),
        ("≧95％", "≥", D("95"), "%"),
        ("≦5起", "≤", D("5"), "起"),
        ("＞＝95%", "≥", D("95"), "%"),
        ("═100%", "=", D("100"), "%"),
        ("﹦0", "=", D("0"), ""),
        ("＝0次", "=", D("0"), "次"),
        ("＜5起", "<", D("5"), "起"),
        (">0", ">", D("0"), ""),
        ("100%", None, D("100"), "%"),
        ("≥ 50 个", "≥", D("50"), "个"),
        ("大于等于95%", "≥", D("95"), "%"),
        ("不低于95%", "≥", D("95"), "%"),
        ("不少于50个", "≥", D("50"), "个"),
        ("不小于50个", "≥", D("50"), "个"),
        ("不高于5%", "≤", D("5"), "%"),
        ("不超过90万元", "≤", D("90"), "万元"),
        ("不大于3起", "≤", D("3"), "起"),
        ("小于等于2次", "≤", D("2"), "次"),
        ("等于0起", "=", D("0"), "起"),
        ("大于1", ">", D("1"), ""),
        ("小于1", "<", D("1"), ""),
        ("≥50个以上", "≥", D("50"), "个"),
        ("＞50个以上", ">", D("50"), "个"),
        ("95%以上", "≥", D("95"), "%"),
        ("95%及以上", "≥", D("95"), "%"),
        ("≤5起以下", "≤", D("5"), "起"),
        ("5起以下", "≤", D("5"), "起"),
        ("10%以内", "≤", D("10"), "%"),
        ("不超过10%以内", "≤", D("10"), "%"),
        ("≥-5%", "≥", D("-5"), "%"),
        ("≥1,100,000元", "≥", D("1100000"), "元"),
    ],
)
def test_parse_target(text: str, op: str | None, number: Decimal, unit: str) -> None:
    """A target is an optional operator (symbol or words) and a quantity; 以上/以下 agree with it."""
    target = parse_target(text)
    assert (target.op, target.quantity.number, target.quantity.unit, target.text) == (
        op,
        number,
        unit,
        text,
    )


def test_parse_target_from_number() -> None:
    """A bare YAML number is a target without an operator."""
    assert parse_target(95) == Target(None, Quantity(D(95), "", "95"), "95")


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("", "bad-target", f"the target is empty: {TARGET_FORMS}"),
        (None, "bad-target", f"the target is missing: {TARGET_FORMS}"),
        ("abc", "bad-target", f"'abc' is not a target: {TARGET_FORMS}"),
        ("≥abc", "bad-target", f"'≥abc' is not a target: {TARGET_FORMS}"),
        ("≥", "bad-target", f"'≥' is not a target: there is no number in it; {TARGET_FORMS}"),
        ("以上", "bad-target", f"'以上' is not a target: there is no number in it; {TARGET_FORMS}"),
        (
            "≥约95%",
            "bad-target",
            f"'≥约95%' is not a target: unexpected text '约' before the number; {TARGET_FORMS}",
        ),
        (
            "≥≥95%",
            "bad-target",
            f"'≥≥95%' is not a target: unexpected text '≥' before the number; {TARGET_FORMS}",
        ),
        (
            "达到95%",
            "bad-target",
            f"'达到95%' is not a target: unexpected text '达到' before the number; {TARGET_FORMS}",
        ),
        (
            "≥95%左右",
            "bad-target",
            f"'≥95%左右' is not a target: unexpected text '左右' after the unit '%'; {TARGET_FORMS}",
        ),
        (
            "=5个以上",
            "bad-target",
            f"'=5个以上' is not a target: the operator '=' contradicts '以上'; {TARGET_FORMS}",
        ),
        (
            "≤5个以上",
            "bad-target",
            f"'≤5个以上' is not a target: the operator '≤' contradicts '以上'; {TARGET_FORMS}",
        ),
        (
            "≥5%以内",
            "bad-target",
            f"'≥5%以内' is not a target: the operator '≥' contradicts '以内'; {TARGET_FORMS}",
        ),
        (True, "bad-target", "True is a yes/no value, not a target"),
        (
            "≥1,10个",
            "bad-thousands",
            (
                "'≥1,10个' is not a target: thousands separators must group the digits by three,"
                " as in '1,100,000' (the decimal point is '.')"
            ),
        ),
        (
            "≥1e20",
            "number-too-large",
            "'≥1e20' is too large: at most 15 digits are allowed before the decimal point",
        ),
        ("—", "not-applicable", "'—' means 'not applicable' and has no number"),
        ("≥nan%", "bad-target", f"'≥nan%' is not a target: {TARGET_FORMS}"),
    ],
)
def test_parse_target_errors(value: object, code: str, message: str) -> None:
    """A malformed target names what was written and lists the accepted forms."""
    with pytest.raises(QuantityError) as info:
        parse_target(value)  # type: ignore[arg-type]
    assert (info.value.code, str(info.value)) == (code, message)


# --- formatting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "places", "text"),
    [
        (D("110"), None, "110"),
        (D("110.00"), None, "110"),
        (D("109.05"), None, "109.05"),
        (D("0.95"), None, "0.95"),
        (D("0.9500"), None, "0.95"),
        (D("1E+3"), None, "1000"),
        (D("1.1E+2"), None, "110"),
        (D("1E-7"), None, "0.0000001"),
        (D("-0"), None, "0"),
        (D("-0.00"), None, "0"),
        (D("-5.50"), None, "-5.5"),
        (D("89.985"), 2, "89.99"),
        (D("80.125"), 2, "80.13"),
        (D("80.124"), 2, "80.12"),
        (D("-80.125"), 2, "-80.13"),
        (D("-0.001"), 2, "0.00"),
        (D("99.5"), 0, "100"),
        (D("110"), 2, "110.00"),
        (D("1E+3"), 1, "1000.0"),
        (D("1E+200"), 2, "1" + "0" * 200 + ".00"),
    ],
)
def test_format_number(number: Decimal, places: int | None, text: str) -> None:
    """format_number prints fixed point, rounds half-up when asked, and drops trailing zeros."""
    assert format_number(number, places) == text


def test_format_number_rejects_non_finite() -> None:
    """A NaN cannot be printed as a number."""
    with pytest.raises(QuantityError) as info:
        format_number(D("NaN"))
    assert (info.value.code, str(info.value)) == ("not-finite", "'NaN' is not a finite number")


def test_format_number_rejects_negative_places() -> None:
    """A negative number of places is a programming error."""
    with pytest.raises(ValueError, match="places must be 0 or more, not -1"):
        format_number(D(1), -1)


@pytest.mark.parametrize(
    ("number", "unit", "places", "text"),
    [
        (D("109.05"), "万元", None, "109.05万元"),
        (D("99.14"), "%", None, "99.14%"),
        (D("158"), "批次", None, "158批次"),
        (D("99.136"), "%", 2, "99.14%"),
        (D("5"), "", None, "5"),
    ],
)
def test_format_quantity(number: Decimal, unit: str, places: int | None, text: str) -> None:
    """format_quantity writes the number followed by its unit."""
    assert format_quantity(number, unit, places) == text


@pytest.mark.parametrize(
    ("op", "number", "unit", "text"),
    [
        ("≥", D("95"), "%", "≥95%"),
        ("=", D("0"), "次", "=0次"),
        ("≤", D("90.0"), "万元", "≤90万元"),
        (None, D("100"), "%", "100%"),
    ],
)
def test_format_target(op: str | None, number: Decimal, unit: str, text: str) -> None:
    """format_target writes the operator before the quantity."""
    assert format_target(op, number, unit) == text


def test_format_target_rejects_unknown_operator() -> None:
    """Only the five normalised operators can be printed."""
    with pytest.raises(ValueError, match="operator must be one of ≥ ≤ = > < or None, not '>='"):
        format_target(">=", D(1), "")


@pytest.mark.parametrize("text", ["≥95%", "≤90万元", "=0次", "100%", ">0", "<5起"])
def test_target_format_round_trips(text: str) -> None:
    """A normalised target prints back to the text it was parsed from."""
    target = parse_target(text)
    assert format_target(target.op, target.quantity.number, target.quantity.unit) == text


@pytest.mark.parametrize("word", ["无", "没有", "暂无", "未发生"])
def test_none_words_ask_for_zero_or_not_applicable(word: str) -> None:
    """'无' written for a value is ambiguous (zero problems? does not apply?): the message names
    both ways to write it rather than guess."""
    with pytest.raises(QuantityError) as caught:
        parse_quantity(word)
    assert (caught.value.code, caught.value.message) == (
        "not-a-number",
        (
            f"'{word}' is not a number with a unit: write 0 if there were none, or mark the"
            " indicator not applicable"
        ),
    )


@pytest.mark.parametrize(
    ("unit", "written", "expected"),
    [
        ("万元", "100000000000万元", Decimal(100000000000)),  # 10^15 元: the most there is
        ("万元", "10000000亿元", Decimal(100000000000)),
        ("元", "999,999,999,999,999元", Decimal(999999999999999)),
        ("亿元", "999999999999999.99元", Decimal("9999999.9999999999")),
        ("万元", "100000000000.0001万元", None),
        ("万元", "10000000.00000001亿元", None),
        ("元", "-100000000000.01万元", None),
    ],
)
def test_money_above_ten_to_the_fifteen_yuan_is_refused_in_any_unit(
    unit: str, written: str, expected: Decimal | None
) -> None:
    """At most 10^15 元 (千万亿元), whichever unit the amount is written in or converted to."""
    measure = Measure("money", unit)
    if expected is not None:
        assert measure.read(written) == expected
        return
    with pytest.raises(MeasureError) as raised:
        measure.read(written)
    assert str(raised.value) == (
        f"{written!r} is too large to be an amount of money (more than 10^15 元)"
    )
    assert raised.value.code == "number-too-large"


def test_money_units_are_powers_of_ten() -> None:
    """Measure checks the 10^15 元 limit in the amount's own unit; exact only for powers of ten."""
    assert all(factor == 10 ** factor.adjusted() for factor in MONEY_UNITS.values())


@pytest.mark.parametrize(
    ("written", "wan"),
    [("185万", Decimal(185)), ("1.2亿", Decimal(12000)), ("0.5 万", Decimal("0.5"))],
)
def test_wan_and_yi_alone_are_money_units_in_values(written: str, wan: Decimal) -> None:
    """Reports shorten 万元 to 万 after an amount ("185万"); a value reads it as 万元 (and 亿 as
    亿元), in the engine and in the batch's one-call reader alike."""
    measure = Measure("money", "万元")
    assert measure.read(written) == wan
    quick = measure.money_text_reader()(written.replace(" ", ""))
    assert quick in (None, wan)  # None: left to read, which gives the same
