"""What ``columnar.fold`` computes when the spec is compiled is what polars computes per block.

A folded constant and a dropped operand are only sound if they give, row for row, what the
polars expression they replace gives: checked here against polars itself, over constants
(random doubles, zeros of both signs, huge and tiny values) and over columns holding the values
a column may hold (null, NaN, infinities, both zeros).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

from scoring.columnar.fold import Col, any_of, max_of, min_of, when

FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([0.0, -0.0, 1.0, 0.5, 2.0**53, 1e-300, 10.0**12]),
)
BINARY: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("+", operator.add),
    ("-", operator.sub),
    ("*", operator.mul),
    ("/", operator.truediv),
    ("%", operator.mod),
    ("<", operator.lt),
    ("<=", operator.le),
    (">", operator.gt),
    (">=", operator.ge),
    ("==", operator.eq),
    ("!=", operator.ne),
]
UNARY: list[tuple[str, Callable[[Any], Any]]] = [
    ("-", operator.neg),
    ("abs", lambda x: x.abs()),
    ("floor", lambda x: x.floor()),
    ("ceil", lambda x: x.ceil()),
    ("is_null", lambda x: x.is_null()),
    ("is_nan", lambda x: x.is_nan()),
    ("fill_null", lambda x: x.fill_null(7.0)),
]
# A column holding what a column of doubles may hold.
EDGES = [None, float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 1.0, -2.5, 3.5, 1e300]
FLAGS = [True, False, None]


def _polars(expr: Any) -> Any:
    """The value of a constant expression, as polars computes it."""
    return pl.select(expr.alias("x")).item()


def _column(frame: Any, expr: Any) -> list[Any]:
    """``expr`` over ``frame``, a constant repeated down its rows."""
    return list(frame.with_columns(expr.alias("y"))["y"].to_list())


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    return type(a) is type(b) and a == b


@given(FLOATS, FLOATS, st.sampled_from(BINARY))
def test_folded_binary_operations_are_what_polars_computes(
    a: float, b: float, op: tuple[str, Callable[[Any, Any], Any]]
) -> None:
    folded = op[1](Col(a), Col(b))
    expected = _polars(op[1](pl.lit(a, pl.Float64), pl.lit(b, pl.Float64)))
    assert _same(_polars(folded.expr), expected), (a, op[0], b)


@given(FLOATS, st.sampled_from(UNARY))
def test_folded_unary_operations_are_what_polars_computes(
    a: float, op: tuple[str, Callable[[Any], Any]]
) -> None:
    folded = op[1](Col(a))
    assert _same(_polars(folded.expr), _polars(op[1](pl.lit(a, pl.Float64)))), (op[0], a)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-(2.0**62), max_value=2.0**62))
def test_folded_casts_truncate_as_polars_does(a: float) -> None:
    assert _polars(Col(a).to_int().expr) == _polars(pl.lit(a, pl.Float64).cast(pl.Int64))
    assert _same(_polars(Col(True).to_float().expr), 1.0)


IDENTITIES: list[tuple[str, Callable[[Any], Any]]] = [
    ("x + 0", lambda x: x + 0.0),
    ("0 + x", lambda x: 0.0 + x),
    ("x - 0", lambda x: x - 0.0),
    ("x * 1", lambda x: x * 1.0),
    ("1 * x", lambda x: 1.0 * x),
    ("x / 1", lambda x: x / 1.0),
    ("x / 0", lambda x: x / 0.0),
]


@pytest.mark.parametrize(("name", "build"), IDENTITIES)
def test_dropped_numeric_operands_keep_every_value(name: str, build: Callable[[Any], Any]) -> None:
    """``x + 0``, ``x * 1``… give x back for null, NaN and infinities; ``x + 0`` differs from
    polars only on -0.0 (which it keeps), a zero's sign nothing scored depends on."""
    frame = pl.DataFrame({"x": pl.Series(EDGES, dtype=pl.Float64)})
    ours = _column(frame, build(Col(pl.col("x"))).expr)
    plain = _column(frame, build(pl.col("x")))
    for got, want in zip(ours, plain, strict=True):
        if name in ("x + 0", "0 + x") and want == 0.0 and got == 0.0:
            continue  # -0.0 + 0.0 is +0.0 in polars; the fold keeps -0.0
        assert (got is None and want is None) or _same(got, want), (name, got, want)


@pytest.mark.parametrize("constant", [True, False])
@pytest.mark.parametrize("op", ["&", "|"])
def test_dropped_flags_follow_kleene_logic(constant: bool, op: str) -> None:
    """``x & True`` is x, ``x & False`` is False, ``x | False`` is x, ``x | True`` is True, for a
    null x too, as polars' three-valued logic has them (either side)."""
    frame = pl.DataFrame({"x": pl.Series(FLAGS, dtype=pl.Boolean)})
    fn = operator.and_ if op == "&" else operator.or_
    for ours in (fn(Col(pl.col("x")), constant), fn(Col(constant), Col(pl.col("x")))):
        got = _column(frame, ours.expr)
        want = _column(frame, fn(pl.col("x"), pl.lit(constant)))
        assert got == want, (op, constant, got, want)


def test_any_of_drops_false_and_settles_on_true() -> None:
    frame = pl.DataFrame({"x": pl.Series(FLAGS, dtype=pl.Boolean)})
    x = Col(pl.col("x"))
    for parts in ([x, Col(False)], [Col(False), x, Col(False)], [x, Col(True)], [Col(False)], []):
        theirs = pl.any_horizontal([p.expr for p in parts]) if parts else pl.lit(False)
        assert _column(frame, any_of(parts).expr) == _column(frame, theirs)


def test_when_with_a_known_condition_or_equal_branches() -> None:
    frame = pl.DataFrame({"c": pl.Series(FLAGS, dtype=pl.Boolean), "x": [1.0, 2.0, 3.0]})
    x, c = Col(pl.col("x")), Col(pl.col("c"))
    assert when(Col(True), x, 0.0).value is x.value
    assert when(Col(False), x, 0.0).value == 0.0
    # The same constant either way: every row, a null condition's too.
    folded = _column(frame, when(c, 5.0, 5.0).expr)
    assert folded == _column(frame, pl.when(pl.col("c")).then(5.0).otherwise(5.0)) == [5.0] * 3
    assert _column(frame, when(c, x, 0.0).expr) == [1.0, 0.0, 0.0]


def test_min_and_max_of_constants_and_columns() -> None:
    assert min_of(Col(3.0), Col(-1.0)).value == -1.0
    assert max_of(Col(3.0), Col(-1.0), Col(0.0)).value == 3.0
    frame = pl.DataFrame({"x": pl.Series([None, 1.0, 5.0], dtype=pl.Float64)})
    ours = frame.select(min_of(Col(pl.col("x")), Col(2.0)).expr.alias("y"))["y"].to_list()
    assert ours == frame.select(pl.min_horizontal(pl.col("x"), 2.0).alias("y"))["y"].to_list()


def test_nan_and_infinity_are_left_to_polars() -> None:
    """Python and polars disagree on NaN comparisons (polars sorts NaN above all), so a NaN or an
    infinity is never folded."""
    nan, other = Col(float("nan")), Col(float("nan"))
    assert not (nan == other).known
    assert not (Col(float("inf")) * 0.0).known
    assert not (Col(1e308) * 10.0).known  # the product would overflow: polars says inf
    not_a_number = pl.lit(float("nan"), pl.Float64)
    assert _polars((nan == other).expr) is _polars(not_a_number.eq(not_a_number))
