"""Tests for scoring.formula.expr: the whitelist formula compiler and its run-time behaviour."""

from __future__ import annotations

import ast
import contextlib
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.errors import FormulaError
from scoring.formula.expr import FUNCTIONS, CompiledFormula, compile_formula

D = Decimal
NAMES = ["实际支出", "到位资金", "计划成本", "实际成本", "分值", "a", "t", "w", "x"]
NAMES += ["制度健全", "执行有效", "满意度", "零", "缺失", "大数"]
ENV: dict[str, Decimal | bool] = {
    "实际支出": D("90"),
    "到位资金": D("100"),
    "计划成本": D("200"),
    "实际成本": D("150"),
    "分值": D("10"),
    "a": D("0.93"),
    "t": D("1"),
    "w": D("20"),
    "x": D("0.5"),
    "制度健全": True,
    "执行有效": False,
    "满意度": D("89.985"),
    "零": D("0"),
    "大数": D("1e200000"),
}
# The context the engine promises: what a formula's arithmetic must agree with.
REFERENCE = Context(prec=28, Emax=999_999, Emin=-999_999, traps=[InvalidOperation, Overflow])
REFERENCE.traps[DivisionByZero] = True


def run(source: str, env: dict[str, Decimal | bool] | None = None) -> Decimal | bool:
    return compile_formula(source, NAMES)(ENV if env is None else env)


GOOD = [
    ("实际支出 / 到位资金", D("0.9")),
    ("(计划成本 - 实际成本) / 计划成本", D("0.25")),
    ("max(0, 分值 - 2 * ceil((1 - a) / 0.05))", D("6")),
    ("10 if 制度健全 and 执行有效 else 5", D("5")),
    ("10 if 制度健全 or 执行有效 else 5", D("10")),
    ("round(a / t * w, 2)", D("18.60")),
    ("0 < x <= 1", True),
    ("0 < x <= 0.4", False),
    ("实际支出 >= 90 and 实际成本 < 计划成本", True),
    ("实际支出 == 90", True),
    ("实际支出 != 90", False),
    ("not 制度健全", False),
    ("a if 制度健全 else 执行有效", D("0.93")),
    ("True", True),
    ("round(2.675, 2)", D("2.68")),
    ("round(89.985, 2)", D("89.99")),
    ("round(满意度, 2)", D("89.99")),
    ("round(-2.675, 2)", D("-2.68")),
    ("round(2.5)", D("3")),
    ("round(-0.001, 2)", D("0.00")),
    ("floor(2.7)", D("2")),
    ("floor(-2.1)", D("-3")),
    ("ceil(2.1)", D("3")),
    ("ceil(-0.5)", D("0")),
    ("clamp(a, 0, 0.5)", D("0.5")),
    ("clamp(-1, 0, 1)", D("0")),
    ("clamp(x, 0, 1)", D("0.5")),
    ("abs(实际成本 - 计划成本)", D("50")),
    ("min(a, x, 1)", D("0.5")),
    ("x ** 2", D("0.25")),
    ("(1 + x) ** 3", D("3.375")),
    ("x ** 0", D("1")),
    ("-x", D("-0.5")),
    ("+x", D("0.5")),
    ("0.1 + 0.2", D("0.3")),
    ("1 / 3", D("0.3333333333333333333333333333")),
    ("1_000 + 0x10", D("1016")),
    ("（实际支出 + 10）× 2 ÷ 4", D("50")),
    ("max(实际支出，到位资金)", D("100")),
    ("  实际支出", D("90")),
    ("(实际支出 +\n 10)", D("100")),
    ("(实际支出 +\r\n 10) / 零 if 零 else 1", D("1")),
]


@pytest.mark.parametrize(("source", "expected"), GOOD)
def test_good_formulas_give_exact_results(source: str, expected: Decimal | bool) -> None:
    """Each whitelisted formula evaluates to exactly the expected Decimal (digits and exponent) or bool."""
    result = run(source)
    assert type(result) is type(expected)
    assert repr(result) == repr(expected)


LONG_NESTING = "(" * 400 + "a" + ")" * 400
BAD = [
    # (source, code, message, offset)
    ("().__class__.__bases__", "formula-forbidden", "attribute access ('.__bases__') is not allowed in formulas", 13),
    ("x.real", "formula-forbidden", "attribute access ('.real') is not allowed in formulas", 2),
    ("__import__('os')", "formula-unknown-name", "unknown function '__import__' in formula; formulas can call abs, ceil, clamp, floor, max, min, round", 0),
    ("open('x')", "formula-unknown-name", "unknown function 'open' in formula; formulas can call abs, ceil, clamp, floor, max, min, round", 0),
    ("(lambda: 1)()", "formula-forbidden", "lambda is not allowed in formulas", 1),
    ("[x for x in 分值]", "formula-forbidden", "comprehensions are not allowed in formulas", 0),
    ("(x for x in 分值)", "formula-forbidden", "comprehensions are not allowed in formulas", 0),
    ("{x: 1 for x in 分值}", "formula-forbidden", "comprehensions are not allowed in formulas", 0),
    ("'a'.ljust(10**8)", "formula-forbidden", "attribute access ('.ljust') is not allowed in formulas", 4),
    ("'%0100000000d' % 1", "formula-forbidden", "'%' (modulo) is not allowed in formulas", 15),
    ("'abc'", "formula-forbidden", "strings are not allowed in formulas", 0),
    ("b'abc'", "formula-forbidden", "bytes are not allowed in formulas", 0),
    ("f'{a}'", "formula-forbidden", "f-strings are not allowed in formulas", 0),
    ("None", "formula-forbidden", "None is not allowed in formulas", 0),
    ("...", "formula-forbidden", "'...' is not allowed in formulas", 0),
    ("1j", "formula-forbidden", "complex numbers are not allowed in formulas", 0),
    ("4000000**4000000", "formula-forbidden", "'**' needs a whole-number exponent from 0 to 8, e.g. 'x ** 2'", 7),
    ("x ** 0.5", "formula-forbidden", "'**' needs a whole-number exponent from 0 to 8, e.g. 'x ** 2'", 2),
    ("x ** 9", "formula-forbidden", "'**' needs a whole-number exponent from 0 to 8, e.g. 'x ** 2'", 2),
    ("x ** -1", "formula-forbidden", "'**' needs a whole-number exponent from 0 to 8, e.g. 'x ** 2'", 2),
    ("x ** a", "formula-forbidden", "'**' needs a whole-number exponent from 0 to 8, e.g. 'x ** 2'", 2),
    ("x ** True", "formula-forbidden", "'**' needs a whole-number exponent from 0 to 8, e.g. 'x ** 2'", 2),
    ("9999999999999999999*9999999999999999999*9999999999999999999", "formula-number", "number '9999999999999999999' is out of range: at most 20 significant digits, from 1e-15 to 1e15 in size", 0),
    ("1e999", "formula-number", "number '1e999' is out of range: at most 20 significant digits, from 1e-15 to 1e15 in size", 0),
    ("a + 1e-20", "formula-number", "number '1e-20' is out of range: at most 20 significant digits, from 1e-15 to 1e15 in size", 4),
    ("0.1234567890123456789012", "formula-number", "number '0.1234567890123456789012' is out of range: at most 20 significant digits, from 1e-15 to 1e15 in size", 0),
    ("a % 3", "formula-forbidden", "'%' (modulo) is not allowed in formulas", 2),
    ("95 % a", "formula-forbidden", "'%' (modulo) is not allowed in formulas; for 95% write 0.95", 3),
    ("a // 2", "formula-forbidden", "'//' is not allowed in formulas; use floor(a / b)", 2),
    ("a @ w", "formula-forbidden", "'@' is not allowed in formulas", 2),
    ("a ^ 2", "formula-forbidden", "'^' is not allowed in formulas; use '**' for powers", 2),
    ("a & t", "formula-forbidden", "'&' is not allowed in formulas; use 'and'", 2),
    ("a | t", "formula-forbidden", "'|' is not allowed in formulas; use 'or'", 2),
    ("a << 2", "formula-forbidden", "'<<' is not allowed in formulas", 2),
    ("~a", "formula-forbidden", "'~' is not allowed in formulas; use 'not'", 0),
    ("a is None", "formula-forbidden", "'is' is not allowed in formulas; use '==' to compare", 2),
    ("a is not t", "formula-forbidden", "'is not' is not allowed in formulas; use '!=' to compare", 2),
    ("a in w", "formula-forbidden", "'in' is not allowed in formulas", 2),
    ("a not in w", "formula-forbidden", "'not in' is not allowed in formulas", 2),
    ("weight = 5", "formula-syntax", "assignment ('=') is not allowed in formulas; use '==' to compare", 7),
    ("(a := 5)", "formula-forbidden", "assignment (':=') is not allowed in formulas; use '==' to compare", 1),
    ("x := 5", "formula-syntax", "assignment (':=') is not allowed in formulas; use '==' to compare", 2),
    ("max(*a)", "formula-forbidden", "starred arguments are not allowed in formulas", 4),
    ("max(a, *w)", "formula-forbidden", "starred arguments are not allowed in formulas", 7),
    ("round(a, places=2)", "formula-forbidden", "keyword arguments are not allowed in formulas", 16),
    ("max(a, **w)", "formula-forbidden", "keyword arguments are not allowed in formulas", 9),
    ("round(a, 11)", "formula-forbidden", "round() places must be a whole number from 0 to 10, e.g. round(x, 2)", 9),
    ("round(a, True)", "formula-forbidden", "round() places must be a whole number from 0 to 10, e.g. round(x, 2)", 9),
    ("round(a, t)", "formula-forbidden", "round() places must be a whole number from 0 to 10, e.g. round(x, 2)", 9),
    ("clamp(a, 1)", "formula-forbidden", "wrong number of arguments for clamp(): got 2; use clamp(x, lo, hi)", 0),
    ("max()", "formula-forbidden", "wrong number of arguments for max(): got 0; use max(a, b, ...)", 0),
    ("abs(a, t)", "formula-forbidden", "wrong number of arguments for abs(): got 2; use abs(x)", 0),
    ("round(a, 1, 2)", "formula-forbidden", "wrong number of arguments for round(): got 3; use round(x) or round(x, places)", 0),
    ("a(1)", "formula-forbidden", "'a' is a value, not a function; formulas can call abs, ceil, clamp, floor, max, min, round", 0),
    ("max + 1", "formula-forbidden", "'max' is a function; call it like max(a, b, ...)", 0),
    ("max(a)(t)", "formula-forbidden", "only functions can be called; formulas can call abs, ceil, clamp, floor, max, min, round", 0),
    ("a[0]", "formula-forbidden", "subscripts ([...]) are not allowed in formulas", 0),
    ("[a, t]", "formula-forbidden", "lists ([...]) are not allowed in formulas", 0),
    ("(a, t)", "formula-forbidden", "tuples are not allowed in formulas; ',' only separates a function's arguments", 0),
    ("a，t", "formula-forbidden", "tuples are not allowed in formulas; ',' only separates a function's arguments", 0),
    ("{a, t}", "formula-forbidden", "sets ({...}) are not allowed in formulas", 0),
    ("{a: t}", "formula-forbidden", "dicts ({...}) are not allowed in formulas", 0),
    ("True + 1", "formula-forbidden", "'True' is a yes/no value, not a number; use '(1 if True else 0)'", 0),
    ("(a > 1) * 5", "formula-forbidden", "'a > 1' is a yes/no value, not a number; use '(1 if a > 1 else 0)'", 1),
    ("max(a > t, 1)", "formula-forbidden", "'a > t' is a yes/no value, not a number; use '(1 if a > t else 0)'", 4),
    ("实际支岀 / 到位资金", "formula-unknown-name", "unknown name '实际支岀' in formula; did you mean '实际支出'?", 0),
    ("a + 实际支岀 / 到位资全 + 完全无关", "formula-unknown-name", "unknown names in formula: '实际支岀' (did you mean '实际支出'?), '到位资全' (did you mean '到位资金'?), '完全无关'", 4),
    ("b + 1", "formula-unknown-name", "unknown name 'b' in formula", 0),
    ("rond(a)", "formula-unknown-name", "unknown function 'rond' in formula; did you mean 'round'?", 0),
    ("95%", "formula-syntax", "'95%' is not a number in formulas; write 0.95", 0),
    ("a >= 95%", "formula-syntax", "'95%' is not a number in formulas; write 0.95", 5),
    ("a >= 12.5％", "formula-syntax", "'12.5％' is not a number in formulas; write 0.125", 5),
    ("a、t", "formula-syntax", "character '、' is not allowed in formulas; use ','", 1),
    ("a ＋ t", "formula-syntax", "character '＋' is not allowed in formulas; use '+'", 2),
    ("a ≤ t", "formula-syntax", "character '≤' is not allowed in formulas; use '<='", 2),
    ("a § t", "formula-syntax", "character '§' (U+00A7) is not allowed in formulas", 2),
    ("a +", "formula-syntax", "syntax error: invalid syntax", 3),
    ("max(a,", "formula-syntax", "syntax error: '(' was never closed", 3),
    ("a\x00", "formula-syntax", "formulas cannot contain NUL characters", 1),
    (LONG_NESTING, "formula-syntax", "syntax error: too many nested parentheses", 200),
    ("-" * 120 + "a", "formula-too-complex", "formula is nested too deeply (more than 100 levels)", 100),
    ("+a" * 200, "formula-too-complex", "formula is too complex (more than 300 parts)", 0),
    ("", "formula-empty", "formula is empty", 0),
    (" \u3000\n", "formula-empty", "formula is empty", 0),
    ("x" * 1001, "formula-too-long", "formula is too long (1001 characters; at most 1000)", 0),
    ("(" * 10_000 + "1" + ")" * 10_000, "formula-too-long", "formula is too long (20001 characters; at most 1000)", 0),
    ("a" * 2_000_000, "formula-too-long", "formula is too long (2000000 characters; at most 1000)", 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "code", "message", "offset"), BAD, ids=[s[:30] for s, *_ in BAD]
)
def test_bad_formulas_are_refused_with_exact_message(
    source: str, code: str, message: str, offset: int
) -> None:
    """Each refused formula raises one FormulaError with this exact message, code and offset."""
    with pytest.raises(FormulaError) as caught:
        compile_formula(source, NAMES)
    assert (caught.value.message, caught.value.codes, caught.value.offset) == (
        message,
        [code],
        offset,
    )
    assert str(caught.value) == f"<input>: {message} [{code}]"


def test_non_text_formula_is_refused() -> None:
    """A formula that is not a str is refused with formula-type before anything else."""
    with pytest.raises(FormulaError) as caught:
        compile_formula(12, NAMES)  # type: ignore[arg-type]
    assert (caught.value.message, caught.value.codes) == (
        "formula must be text, got int",
        ["formula-type"],
    )


RUNTIME_BAD = [
    ("实际支出 / 零", "division-by-zero", "division by zero in '实际支出 / 零' (零 = 0)"),
    ("实际支出 / (零 * 2)", "division-by-zero", "division by zero in '实际支出 / (零 * 2)'"),
    ("零 / 零", "division-by-zero", "division by zero in '零 / 零' (零 = 0)"),
    ("实际支出 / 缺失", "formula-missing-value", "missing value for '缺失' in '实际支出 / 缺失'"),
    ("制度健全 * 5", "formula-not-a-number", "'制度健全' is a yes/no value (True), not a number, in '制度健全 * 5'"),
    ("(执行有效 or 制度健全) + 1", "formula-not-a-number", "'制度健全' is a yes/no value (True), not a number, in '(执行有效 or 制度健全) + 1'"),
    ("clamp(x, 1, 0)", "formula-arithmetic", "cannot compute 'clamp(x, 1, 0)': clamp() lower bound 1 is above upper bound 0"),
    ("大数 ** 8", "formula-arithmetic", "cannot compute '大数 ** 8': a number grew too large"),
    ("round(大数, 2)", "formula-arithmetic", "cannot compute 'round(大数, 2)': invalid operation (such as 0 ** 0, or rounding a number of over 28 digits)"),
    ("零 ** 0", "formula-arithmetic", "cannot compute '零 ** 0': invalid operation (such as 0 ** 0, or rounding a number of over 28 digits)"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "code", "message"), RUNTIME_BAD)
def test_runtime_failures_raise_formula_error(source: str, code: str, message: str) -> None:
    """A formula that compiles but cannot be computed for these facts raises one exact FormulaError."""
    formula = compile_formula(source, NAMES)
    with pytest.raises(FormulaError) as caught:
        formula(ENV)
    assert (caught.value.message, caught.value.codes) == (message, [code])


def test_lone_surrogate_is_a_syntax_error() -> None:
    """Text that cannot be encoded (a lone surrogate, which st.text() never draws) is refused."""
    with pytest.raises(FormulaError) as caught:
        compile_formula("a\ud800", NAMES)
    assert caught.value.codes == ["formula-syntax"]


def test_float_in_facts_is_refused() -> None:
    """A fact that is not a Decimal (a float slipped past the caller) is refused, not mixed in."""
    with pytest.raises(FormulaError) as caught:
        compile_formula("a + 1", ["a"])({"a": 0.5})  # type: ignore[dict-item]
    assert (caught.value.message, caught.value.codes) == (
        "'a' is 0.5, not a Decimal, in 'a + 1'",
        ["formula-not-a-number"],
    )


def test_names_are_reported_as_declared() -> None:
    """`names` lists the declared names read and `bare_name` is set only for a lone name."""
    assert compile_formula("实际支出 / 到位资金 + 实际支出", NAMES).names == {
        "实际支出",
        "到位资金",
    }
    assert compile_formula("(实际支出)", NAMES).bare_name == "实际支出"
    assert compile_formula("实际支出 + 0", NAMES).bare_name is None
    assert compile_formula("max(1, 2)", NAMES).names == frozenset()


def test_nfkc_identifiers_map_back_to_declared_names() -> None:
    """A name the parser NFKC-normalises still reads the fact under its declared spelling."""
    formula = compile_formula("K值 * 2 + ｂ", ["Ｋ值", "ｂ"])
    assert formula.names == {"Ｋ值", "ｂ"}
    assert formula({"Ｋ值": D("1.5"), "ｂ": D("1")}) == D("4.0")
    assert compile_formula("ｂ", ["ｂ"]).bare_name == "ｂ"


def test_names_equal_after_nfkc_are_ambiguous_unless_spelt_exactly() -> None:
    """Two declared names that NFKC merges are told apart by exact spelling, else refused."""
    declared = ["K值", "Ｋ值"]
    assert compile_formula("Ｋ值", declared).bare_name == "Ｋ值"
    assert compile_formula("K值", declared).bare_name == "K值"
    with pytest.raises(FormulaError) as caught:  # a third spelling is not folded into either
        compile_formula("𝐊值", declared)
    assert caught.value.message == "'𝐊' (MATHEMATICAL BOLD CAPITAL K) is not a letter; type K"
    assert caught.value.codes == ["look-alike-character"]


def test_unknown_name_suggestion_compares_nfkc_forms() -> None:
    """A near miss is matched against NFKC forms but reported as written and as declared."""
    with pytest.raises(FormulaError) as caught:
        compile_formula("ｓｃｏｒｅ２ + 1", ["Ｓcore", "score1"])
    assert caught.value.message == "unknown name 'ｓｃｏｒｅ２' in formula; did you mean 'score1'?"


def test_declared_name_may_shadow_a_function_as_a_value() -> None:
    """A fact named like a function is read as a value and the function is still callable."""
    assert compile_formula("max(max, 1)", ["max"])({"max": D("3")}) == D("3")


def test_result_ignores_and_keeps_the_callers_decimal_context() -> None:
    """Arithmetic uses the private 28-digit context whatever the caller set, which is restored."""
    formula = compile_formula("1 / 3 + a", ["a"])
    with localcontext() as caller:
        caller.prec = 3
        caller.traps[InvalidOperation] = False
        assert formula({"a": D("0")}) == D("0.3333333333333333333333333333")
        with pytest.raises(FormulaError):
            compile_formula("a / 0", ["a"])({"a": D(1)})
        assert (caller.prec, caller.traps[InvalidOperation]) == (3, False)
        assert D(1) / D(3) == D("0.333")


def test_compiled_code_sees_no_builtins() -> None:
    """The compiled function's globals hold an empty builtins table, the functions and constants."""
    formula = compile_formula("max(a, 0.5)", ["a"])
    namespace = formula._fn.__globals__  # private on purpose: the sandbox is what is tested
    assert namespace["__builtins__"] == {}
    assert set(namespace) == {"__builtins__", "_num", "_k0", *(f"_f_{n}" for n in FUNCTIONS)}
    assert namespace["_k0"] == D("0.5")


def test_compiled_formula_pickles_by_recompiling() -> None:
    """A compiled formula survives pickling (for process pools) and computes the same value."""
    formula = compile_formula("round(实际支出 / 到位资金, 2)", NAMES)
    copy = pickle.loads(pickle.dumps(formula))
    assert isinstance(copy, CompiledFormula)
    assert (copy.source, copy.names, copy(ENV)) == (formula.source, formula.names, formula(ENV))


def test_many_threads_share_one_formula() -> None:
    """One compiled formula gives the right answers when called from many threads at once."""
    formula = compile_formula("round((a - b) / b * 100, 4) if b else 0", ["a", "b"])
    envs = [{"a": D(i), "b": D(i % 7)} for i in range(4000)]
    with localcontext(REFERENCE):
        expected = [round((e["a"] - e["b"]) / e["b"] * 100, 4) if e["b"] else D(0) for e in envs]
    barrier = threading.Barrier(8)

    def work(chunk: int) -> list[Decimal | bool]:
        barrier.wait()
        return [formula(env) for env in envs[chunk::8]]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    for chunk, got in enumerate(results):
        assert got == expected[chunk::8]


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("round", (D("2.675"), 2), D("2.68")),
        ("round", (D("0.5"),), D("1")),
        ("floor", (D("-0.5"),), D("-1")),
        ("ceil", (D("-0.5"),), D("0")),
        ("clamp", (D("5"), D("0"), D("1")), D("1")),
        ("min", (D("2"),), D("2")),
        ("max", (D("2"), D("3"), D("1")), D("3")),
        ("abs", (D("-1.50"),), D("1.50")),
    ],
)
def test_function_table_returns_decimals(
    name: str, args: tuple[object, ...], expected: Decimal
) -> None:
    """Each entry of FUNCTIONS can be called directly and returns the exact Decimal."""
    result = FUNCTIONS[name](*args)
    assert type(result) is Decimal
    assert repr(result) == repr(expected)


@settings(max_examples=examples(300))
@given(st.text())
def test_arbitrary_text_raises_only_formula_error(source: str) -> None:
    """Any text at all either compiles or raises FormulaError, never another exception."""
    with contextlib.suppress(FormulaError):
        compile_formula(source, NAMES)


FORMULA_ALPHABET = [
    *"()+-*/%<>=!.,:'\"[]{}^&|~@#\\ \n\t0123456789eEjx_",
    "a",
    "实际支出",
    "max",
    "round",
    "lambda",
    " if ",
    " else ",
    " and ",
    " not ",
    "**",
    "（",
    "，",
    "×",
    "％",
]


@settings(max_examples=examples(500))
@given(st.lists(st.sampled_from(FORMULA_ALPHABET), max_size=40).map("".join))
def test_formula_like_text_raises_only_formula_error(source: str) -> None:
    """Text built from formula tokens compiles and runs, or raises FormulaError, nothing else."""
    try:
        formula = compile_formula(source, NAMES)
    except FormulaError:
        return
    try:
        result = formula(ENV)
    except FormulaError:
        return
    assert type(result) in (Decimal, bool)


DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15)


@given(DECIMALS, DECIMALS, DECIMALS)
def test_sum_of_product_matches_decimal_arithmetic(a: Decimal, b: Decimal, c: Decimal) -> None:
    """For any Decimals, the compiled `a + b * c` equals the same Decimal arithmetic at 28 digits."""
    with localcontext(REFERENCE):
        expected = a + b * c
    assert compile_formula("a + b * c", ["a", "b", "c"])({"a": a, "b": b, "c": c}) == expected


SAFE_FORMULAS = [
    "实际支出 / 到位资金",
    "(计划成本 - 实际成本) / 计划成本",
    "a * w + t",
    "max(0, 分值 - 2 * w)",
    "min(a, x)",
    "abs(实际成本 - 计划成本)",
    "10 if 制度健全 and 执行有效 else 5",
    "0 < x <= 1",
    "x ** 2 + a ** 3",
    "-a + 3",
    "not 制度健全 or x > 0",
    "实际支出 / 3",
    "max(实际支出, 到位资金, 计划成本) - min(实际成本, 分值)",
]


@pytest.mark.parametrize("source", SAFE_FORMULAS)
def test_agrees_with_simpleeval(source: str) -> None:
    """For safe formulas the compiled result equals simpleeval's on the same Decimal inputs."""
    simpleeval = pytest.importorskip("simpleeval")
    with localcontext(REFERENCE):
        expected = simpleeval.simple_eval(
            source, names=dict(ENV), functions={"max": max, "min": min, "abs": abs}
        )
    assert run(source) == expected


LOAD_TIME_ARITHMETIC = [
    # (source, code, message, offset): parts that read no value are computed once, when loading
    ("1 / 0", "division-by-zero", "division by zero in '1 / 0'", 0),
    ("a / (1 - 1)", "division-by-zero", "division by zero: the divisor '1 - 1' is always 0", 5),
    ("a / 0", "division-by-zero", "division by zero: the divisor '0' is always 0", 4),
    ("a + 0 ** 0", "formula-arithmetic", "'0 ** 0' cannot be computed: invalid operation (such as 0 ** 0, or rounding a number of over 28 digits)", 4),
    ("clamp(a, 2, 1) + clamp(1, 2, 1)", "formula-arithmetic", "'clamp(1, 2, 1)' cannot be computed: clamp() lower bound 2 is above upper bound 1", 17),
    ("(((((((999999999999999 ** 8) ** 8) ** 8) ** 8) ** 8) ** 8) ** 8)", "formula-arithmetic", "'((((((999999999999999 ** 8) ** 8) ** 8) …' cannot be computed: the number grows too large", 1),
    ("a if t else 1 / 0", "division-by-zero", "division by zero in '1 / 0'", 12),
]  # fmt: skip


@pytest.mark.parametrize(("source", "code", "message", "offset"), LOAD_TIME_ARITHMETIC)
def test_parts_that_read_no_value_are_computed_when_loading(
    source: str, code: str, message: str, offset: int
) -> None:
    """A part of a formula that uses no fact fails for every project alike, so it is reported
    when the spec loads (even in a branch not taken: it is a mistake either way)."""
    with pytest.raises(FormulaError) as caught:
        compile_formula(source, NAMES)
    assert (caught.value.message, caught.value.codes, caught.value.offset) == (
        message,
        [code],
        offset,
    )


def test_constant_parts_that_compute_are_left_alone() -> None:
    """Constant parts that compute (and divisors that are not zero) compile as before."""
    assert run("a / (2 - 1) + 1 / 4 + round(2.675, 2)") == D("3.86")


HINTS = [
    ("import os", "'import' starts a statement; a formula is one expression, such as 'a / b * 100'", 0),
    ("for x in a: 1", "'for' starts a statement; a formula is one expression, such as 'a / b * 100'", 0),
    ("a; t", "';' is not allowed in formulas: a formula is one expression", 1),
    ("a\u200b + 1", "invisible character U+200B (ZERO WIDTH SPACE) is not allowed in formulas; delete it", 1),
    ("\u202ea + 1", "invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed in formulas; delete it", 0),
]  # fmt: skip


@pytest.mark.parametrize(("source", "message", "offset"), HINTS)
def test_syntax_errors_get_a_plain_hint(source: str, message: str, offset: int) -> None:
    """Statements, ';' and invisible characters pasted from Word get a message saying what to do;
    an invisible character is named by code point, never printed (it would hide or reorder the
    message)."""
    with pytest.raises(FormulaError) as caught:
        compile_formula(source, NAMES)
    assert (caught.value.message, caught.value.codes, caught.value.offset) == (
        message,
        ["formula-syntax"],
        offset,
    )


@pytest.mark.parametrize("source", ["# only a comment", "  # one\n# two", "# a\r# b"])
def test_a_formula_of_comments_only_is_empty(source: str) -> None:
    """A formula holding only comments is reported as empty, whatever its line ends."""
    with pytest.raises(FormulaError) as caught:
        compile_formula(source, NAMES)
    assert (caught.value.message, caught.value.codes) == (
        "formula is empty: it holds only a comment",
        ["formula-empty"],
    )


def test_a_comment_before_a_bare_cr_does_not_hide_the_formula() -> None:
    """A lone CR ends a line for Python too: the formula after it is read."""
    assert run("# 注释\rx") == D("0.5")


def test_a_no_break_space_counts_as_a_space() -> None:
    """The no-break space Word and Excel paste between words is read as a space."""
    assert run("x\u00a0+\u00a01") == D("1.5")


@pytest.mark.parametrize(("source", "word"), [("await a", "await"), ("(yield a)", "yield")])
def test_await_and_yield_are_named_in_words(source: str, word: str) -> None:
    """await and yield are refused in words, not by their AST class names."""
    with pytest.raises(FormulaError) as caught:
        compile_formula(source, NAMES)
    assert caught.value.message == f"'{word}' is not allowed in formulas"


def test_long_names_and_many_unknown_names_keep_the_message_short() -> None:
    """A 999-character name is shortened in the message, and past five unknown names the rest
    are counted, so a message stays one readable line."""
    with pytest.raises(FormulaError) as caught:
        compile_formula("q" * 999, NAMES)
    assert caught.value.message == f"unknown name '{'q' * 40}…' in formula"
    with pytest.raises(FormulaError) as caught:
        compile_formula(" + ".join(f"未知{i}" for i in range(8)), NAMES)
    assert caught.value.message == (
        "unknown names in formula: '未知0', '未知1', '未知2', '未知3', '未知4', and 3 more"
    )


def test_a_long_sum_is_not_mistaken_for_deep_nesting() -> None:
    """A sum of 100 items (a left-nested chain of 99 additions) compiles; nesting is bounded at
    100 levels so that the compiler's recursion stays far from Python's limit."""
    formula = compile_formula(" + ".join(["x"] * 100), NAMES)
    assert formula(ENV) == D("50.0")


NAME_PARTS = ["实际支出", "Ｋ值", "K值", "w", "x1", "_a", "sum", "𝐰", "²", "if", "None", "满意度"]
names_of_parts = st.lists(st.sampled_from(NAME_PARTS), min_size=1, max_size=2).map("".join)


@given(names_of_parts, st.lists(names_of_parts, max_size=4))
def test_a_formula_of_one_name_compiles_as_that_name_in_parentheses(
    name: str, declared: list[str]
) -> None:
    """A formula of one name (most ``actual:`` values) compiles to what the same name in
    parentheses compiles to: the same declared name read, or a refusal with the same code."""
    outcomes: list[tuple[object, ...]] = []
    for source in (name, f"({name})"):
        try:
            formula = compile_formula(source, declared)
        except FormulaError as exc:
            outcomes.append(("refused", exc.problems[0].code, exc.message))
            continue
        assert formula.bare_name is not None
        read = formula({formula.bare_name: Decimal("7.5")})
        spliced = formula.splice({formula.bare_name: ast.Constant(1)}, ast.Constant)
        outcomes.append((formula.names, formula.bare_name, read, ast.dump(spliced)))
    assert outcomes[0] == outcomes[1]
