"""A frame of batch rows (text cells, the columns of a batch header) → scores, column by column.

Cells are read exactly as the compiled plan's row reader reads them (``batch.fastrows``), but
once per *distinct* text of a column rather than once per cell: ratings, counts, rates and the
not-applicable column repeat down an export. Amounts of money hardly repeat, so their common
forms (``110万元``, ``1,100,000元``, ``405.73``: ``measure._PLAIN`` in a unit a power of ten away
from the fact's) are read as vectorised string operations into an integer mantissa and a power
of ten; every other text is read by the plan's own reader. A cell that reader refuses declines
its row.

The program (``program``) then gives each leaf's score as a count of quanta; the roll-up adds
them as integers (exact), rescales a row where indicators do not apply by the exact fraction
total ÷ applicable weight (declining an exact tie, which the engine's 28-digit quotient may put
on either side), and grades. Column ``declined`` marks the rows the detailed engine must score.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from functools import partial
from typing import Any

import polars as pl

from ..engine.plan import PlanFallback
from ..numbers.money import MONEY_UNITS, SHORT_MONEY_UNITS, money_factor
from ..spec.compiled import Spec
from .arith import EPS2, WHOLE_LIMIT, Num, exact_float
from .fold import Col, col
from .program import Program, Unsupported, program_of

__all__ = ["Scorer"]

# The digits of measure._PLAIN, the unit a group of its own; a mantissa of at most 17 digits
# (an Int64) is read here, anything longer by the plan's reader.
_MONEY = (
    r"^(-?)(0|[1-9][0-9]{0,14}|[1-9][0-9]{0,2}(?:,[0-9]{3}){1,4})(?:\.([0-9]{1,10}))?"
    r"([\x{4e00}-\x{9fff}]{1,4})?$"
)
_MAX_DIGITS = 17
# Blocks are in memory already: polars' streaming engine (its default) costs a third more here,
# most of it in planning a query of some hundreds of columns again for every block.
ENGINE: Any = "in-memory"
_SEP = "\x1f"  # joins a rating's cells into one key
_FACT_TYPES = (pl.Float64, pl.Float64, pl.Boolean)  # value, error, declined
_RATING_TYPES = (pl.Int64, pl.Boolean, pl.Boolean)  # quanta, 不适用, declined
_MONEY_SPELLINGS = (*MONEY_UNITS, *SHORT_MONEY_UNITS)
# What str.strip() removes (every character whose isspace() is true; a test checks the list):
# an id with one of these at either end goes the engine's way.
SPACE_CLASS = r"[\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
_UNSTRIPPED = f"^{SPACE_CLASS}|{SPACE_CLASS}$"


class Scorer:
    """Scores frames of rows under one spec and one header (``ColumnMap``)."""

    def __init__(self, spec: Spec, cmap: Any, rows: Any) -> None:
        """``cmap``: the header's ``ColumnMap``; ``rows``: the batch's row reader under it
        (``batch.fastrows.RowPlan``), whose cell readers this scorer calls once per distinct
        text (the batch hands both: this layer reads no file and knows no header)."""
        self.spec = spec
        self.cmap = cmap
        self.program: Program = program_of(spec)  # Unsupported: the engine scores this spec
        self.rows = rows
        if not self.rows.usable:
            raise Unsupported("a default the engine cannot read")
        if any(start == stop for start, stop in spec.top_leaf_ranges):
            raise Unsupported("a 一级指标 without leaves")
        self.places = spec.rounding.places
        self.names = [f"c{i}" for i in range(cmap.width)]
        self.full_q = [int(full.scaleb(self.places)) for full in spec.full_marks]
        plan = self.rows.plan
        # Each fact counted in a fixed power of ten: amounts and rates to 10^-6 are whole
        # numbers (an amount in 元 to the 分 is 0.000001 万元), counts are.
        self.scales = [
            0 if spec.facts[fact_id].measure.kind == "count" else -6 for fact_id in plan.fact_ids
        ]
        values = [
            Num(col(f"v{i}v"), col(f"v{i}e"), None, scale) for i, scale in enumerate(self.scales)
        ]
        ratings = [
            Num(col(f"r{j}q").to_float(), Col(0.0), col(f"r{j}q"), -self.places)
            for j in range(len(plan.rated_ids))
        ]
        self.leaves = self.program.build(values, ratings)  # Unsupported: as above
        self.known: list[dict[Any, tuple[float | None, float, bool]]] = [{} for _ in values]
        self.rated: list[dict[str, tuple[Any, ...]]] = [{} for _ in self.rows.ratings]
        # Each money fact's units read here (every spelling of a money unit): the power of ten
        # to its own unit and the reader's limit.
        self.units: list[dict[str, tuple[int, float]]] = []
        for fact_id in plan.fact_ids:
            measure = spec.facts[fact_id].measure
            found = {name: _shift(measure, name) for name in _MONEY_SPELLINGS}
            self.units.append({name: shift for name, shift in found.items() if shift})
        # What ``read`` computes of every frame, the same for each: built once.
        given = {fact_id: col for col, fact_id in cmap.values}
        self.fact_cells = [self.column(given.get(fact_id, cmap.width)) for fact_id in plan.fact_ids]
        self.amounts = {
            p: self.money(self.fact_cells[p], fact_id, p)
            for p, fact_id in enumerate(plan.fact_ids)
            if spec.facts[fact_id].measure.kind == "money"
        }
        # A rating's cells as one key: a missing cell reads as an empty one (both are no entry).
        self.rating_keys = [
            pl.concat_str([self.column(c).fill_null("") for c in columns], separator=_SEP).alias(
                f"rk{n}"
            )
            for n, (_, _, columns, _) in enumerate(self.rows.ratings)
        ]

    # ---- reading cells ---------------------------------------------------------------------------
    def cells(self, frame: pl.DataFrame, index: int) -> pl.Series:
        if index >= self.cmap.width:  # a column the input lacks: every cell missing
            return pl.Series([None] * frame.height, dtype=pl.String)
        return frame.get_column(self.names[index])

    def column(self, index: int) -> pl.Expr:
        """Column ``index`` of the header; a column the input lacks: every cell missing."""
        return pl.col(self.names[index] if index < self.cmap.width else "absent")

    def missing(self, frame: pl.DataFrame) -> list[pl.Expr]:
        return [] if "absent" in frame.columns else [pl.lit(None, pl.String).alias("absent")]

    def money(self, cells: pl.Expr, fact_id: str, p: int) -> list[list[pl.Expr]]:
        """The common forms of an amount, as string operations, in three stages (each reads the
        columns of the one before, so no step is computed twice): ``q<p>`` (read here), ``m<p>``
        and ``e<p>``: the amount in the fact's unit is mantissa × 10^exponent."""
        fact = self.spec.facts[fact_id]
        units = self.units[p]
        parts = pl.col(f"g{p}")
        sign, whole, decimals, unit = (parts.struct.field(n) for n in ("1", "2", "3", "4"))
        digits = whole.str.replace_all(",", "", literal=True) + decimals.fill_null("")
        places = decimals.str.len_chars().fill_null(0).cast(pl.Int32)
        shift = (
            pl.when(unit.is_null())
            .then(0)
            .otherwise(_lookup(unit, list(units), [s for s, _ in units.values()], pl.Int32, None))
        )
        most = (
            pl.when(unit.is_null())
            .then(float("inf"))
            .otherwise(_lookup(unit, list(units), [m for _, m in units.values()], pl.Float64, None))
        )
        ok = (
            whole.is_not_null() & shift.is_not_null() & (digits.str.len_chars() <= _MAX_DIGITS)
        ).fill_null(False)
        magnitude = pl.when(ok).then(digits).otherwise(pl.lit("0")).cast(pl.Int64)
        mantissa, exponent = pl.col(f"m{p}"), pl.col(f"e{p}")
        value = (
            pl.when(exponent >= 0)
            .then(mantissa.cast(pl.Float64) * pl.lit(10.0).pow(exponent))
            .otherwise(mantissa.cast(pl.Float64) / pl.lit(10.0).pow(-exponent))
        )
        # The fact's bounds: an amount that is, or may be, outside them is left to the reader
        # (a zero against a bound of 0 is exactly on it: inside).
        inside = pl.lit(True)
        for bound, below in ((fact.min, True), (fact.max, False)):
            if bound is None:
                continue
            limit = float(bound)
            gap = (value - limit) if below else (limit - value)
            tolerance = (value.abs() + abs(limit)) * 1e-12
            clear = (gap > tolerance) | ((mantissa == 0) & (limit == 0))
            inside = inside & clear.fill_null(False)
        # money_text_reader's own limit: 10^15 元 in the unit written (with a margin: nearer
        # to it, the reader decides).
        written = mantissa.abs().cast(pl.Float64) / pl.lit(10.0).pow(f"places{p}")
        small = (written < pl.col(f"most{p}") * 0.999).fill_null(False)
        quick = pl.col(f"ok{p}") & inside & small & cells.is_not_null() & (exponent >= -12)
        return [
            [cells.str.extract_groups(_MONEY).alias(f"g{p}")],
            [
                ok.alias(f"ok{p}"),
                pl.when(sign == "-").then(-magnitude).otherwise(magnitude).alias(f"m{p}"),
                (shift - places).fill_null(0).alias(f"e{p}"),
                places.alias(f"places{p}"),
                most.alias(f"most{p}"),
            ],
            [quick.fill_null(False).alias(f"q{p}")],
        ]

    def not_applicable(self, frame: pl.DataFrame) -> tuple[pl.Series, dict[str, frozenset[int]]]:
        """Each row's not_applicable cell as a key of the leaves it marks; keys → leaves."""
        cells = self.cells(frame, self.cmap.not_applicable)
        read = self.rows.not_applicable.read
        keys: dict[str | None, str] = {}
        sets: dict[str, frozenset[int]] = {"": frozenset()}
        for text in cells.unique().to_list():
            try:
                leaves = frozenset() if text is None else read(text)
            except PlanFallback:
                keys[text] = "!"  # declined
                continue
            key = ",".join(map(str, sorted(leaves)))
            keys[text] = key
            sets[key] = leaves
        mapped = cells.replace_strict(
            [k for k in keys if k is not None],
            [v for k, v in keys.items() if k is not None],
            default=None,
            return_dtype=pl.String,
        )
        if None in keys:
            mapped = mapped.fill_null(keys[None])
        return mapped, sets

    # ---- scoring -------------------------------------------------------------------------------------
    def read(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[pl.Expr], pl.Expr, list[Any]]:
        """Every fact's value and error (``v<p>v``, ``v<p>e``: value ÷ 10^scale) and every
        rating's quanta (``r<j>q``) as expressions over the returned frame, where a reading
        declines the row, and for each leaf, where its tier says 不适用 (None: nowhere).

        Two queries: the first reads the common amounts as strings (``money``) and joins each
        rating's cells into one key; the second lists the distinct other texts, which the
        plan's own readers read here, once each (remembered across frames). A cell's value is
        then its text's place in that list, looked up once and gathered from the readings."""
        column, money = self.fact_cells, self.amounts
        staged = frame.lazy().with_columns(self.missing(frame))
        for stage in range(3):
            staged = staged.with_columns(c for parts in money.values() for c in parts[stage])
        staged = staged.with_columns(self.rating_keys)
        # Only the stages' results stay: q, m and e of each amount, the ratings' keys.
        scratch = [f"{part}{p}" for p in money for part in ("g", "ok", "places", "most")]
        frame = staged.drop(scratch).collect(engine=ENGINE)
        quick = {p: pl.col(f"q{p}") for p in money}
        listing = [
            *(
                (c.filter(~quick[p]) if p in quick else c).drop_nulls().unique().implode()
                for p, c in enumerate(column)
            ),
            *(c.is_null().any() for c in column),
            *(pl.col(f"rk{n}").unique().implode() for n in range(len(self.rows.ratings))),
        ]
        listed = frame.select(e.alias(f"l{k}") for k, e in enumerate(listing)).row(0)
        exprs: list[pl.Expr] = []
        declined: list[pl.Expr] = []
        for p, cells in enumerate(column):
            reader, scale, keys = self.rows.values[p][1].read, self.scales[p], listed[p]
            readings = _remembered(self.known[p], keys, partial(_scaled, reader, scale))
            val, err, bad = _gathered(cells, keys, readings, _FACT_TYPES)
            if listed[len(column) + p]:  # missing cells: the reader's default
                empty = _scaled(reader, scale, None)
                missing = cells.is_null()
                val, err, bad = (
                    pl.when(missing).then(pl.lit(e, d)).otherwise(x)
                    for x, e, d in zip((val, err, bad), empty, _FACT_TYPES, strict=True)
                )
            if p in quick:
                # Amounts read here: mantissa × 10^(exponent − scale); whole below 2^53: exact.
                up = pl.col(f"e{p}") - scale
                m = pl.col(f"m{p}").cast(pl.Float64)
                shifted = (
                    pl.when(up >= 0)
                    .then(m * pl.lit(10.0).pow(up))
                    .otherwise(m / pl.lit(10.0).pow(-up))
                )
                exact = (up >= 0) & (shifted.abs() < WHOLE_LIMIT)
                val = pl.when(quick[p]).then(shifted).otherwise(val)
                err = (
                    pl.when(quick[p])
                    .then(pl.when(exact).then(0.0).otherwise(shifted.abs() * (2 * EPS2)))
                    .otherwise(err)
                )
                bad = ~quick[p] & bad
            exprs += [val.alias(f"v{p}v"), err.fill_null(0.0).alias(f"v{p}e")]
            declined.append(bad.fill_null(False))
        not_applicable: list[Any] = [None] * len(self.spec.leaves)
        start = 2 * len(column)
        for n, (index, leaf, columns, reader) in enumerate(self.rows.ratings):
            keys = listed[start + n]
            rate = partial(_rating, reader.read, parts=len(columns), places=self.places)
            readings = _remembered(self.rated[n], keys, rate)
            q, na, bad = _gathered(pl.col(f"rk{n}"), keys, readings, _RATING_TYPES)
            exprs.append(q.alias(f"r{index}q"))  # rounded to the spec's places: exact quanta
            declined.append(bad)
            if any(reading[1] for reading in readings):
                not_applicable[leaf] = na
        return (
            frame,
            exprs,
            pl.any_horizontal(declined) if declined else pl.lit(False),
            not_applicable,
        )

    def score(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, frozenset[int]]]:
        """``frame`` (columns ``c0``… of text, as the header's) → one row per row: ``declined``,
        ``total_q``, ``grade``, ``top<k>`` (quanta; null where the 一级指标 does not apply),
        ``leaf<i>`` (quanta; null: not applicable) and ``na``, a key of the second value: the
        leaves that do not apply."""
        read, inputs, read_declined, rated_na = self.read(frame)
        na_key, na_sets = self.not_applicable(frame)
        # Every row's set of leaves that do not apply: the column's, and the tiers' 不适用.
        key = na_key
        rated_flags = [(leaf, flags) for leaf, flags in enumerate(rated_na) if flags is not None]
        if rated_flags:
            extra = pl.concat_str(
                [
                    pl.when(flags).then(pl.lit(f"{leaf},")).otherwise(pl.lit(""))
                    for leaf, flags in rated_flags
                ]
            )
            key = read.select(
                pl.when(extra == "").then(pl.lit(na_key)).otherwise(pl.lit(na_key) + "|" + extra)
            ).to_series()
            for combined in key.unique().to_list():
                if combined is None or "|" not in combined or combined.startswith("!"):
                    continue
                base, _, more = combined.partition("|")
                na_sets[combined] = na_sets[base] | {int(x) for x in more.split(",") if x}
        present = set(key.unique().to_list())
        sets = {k: v for k, v in na_sets.items() if k in present}
        everything = len(self.spec.leaves)
        leaves = self.leaves
        applies: list[pl.Expr] = []
        for leaf in range(everything):
            hit = [k for k, leaves_out in sets.items() if leaf in leaves_out]
            applies.append(~pl.col("na").is_in(hit) if hit else pl.lit(True))
        columns = []
        problems = [leaves.row_declined, pl.col("read_declined"), pl.col("na") == "!"]
        for leaf, score in enumerate(leaves.scores):
            assert score.q is not None
            q = score.q.expr
            columns.append(pl.when(applies[leaf]).then(q).otherwise(None).alias(f"leaf{leaf}"))
            problems.append(applies[leaf] & (leaves.declined[leaf] | q.is_null()))
        given = read.lazy().with_columns(*inputs, read_declined.alias("read_declined"), na=key)
        scored = leaves.run(given).select(
            "na", *columns, pl.any_horizontal(problems).fill_null(True).alias("declined")
        )
        return self.roll_up(scored, sets, everything).collect(engine=ENGINE), sets

    def roll_up(
        self, out: pl.LazyFrame, sets: dict[str, frozenset[int]], everything: int
    ) -> pl.LazyFrame:
        spec, places = self.spec, self.places
        tops = []
        for k, (start, stop) in enumerate(spec.top_leaf_ranges):
            terms = [pl.col(f"leaf{i}").fill_null(0) for i in range(start, stop)]
            tops.append(pl.sum_horizontal(terms).alias(f"sum{k}"))
        out = out.with_columns(tops)
        obtained = pl.sum_horizontal([pl.col(f"sum{k}") for k in range(len(tops))])
        total = obtained
        top_columns = [pl.col(f"sum{k}") for k in range(len(tops))]
        declined = pl.col("declined")
        weights_of = self.rows.plan._applicable
        for key, leaves_out in sets.items():
            if not leaves_out or key == "!":
                continue
            here = pl.col("na") == key
            if len(leaves_out) >= everything:
                declined = declined | here  # nothing applies: the engine says so
                continue
            each, applicable = weights_of(leaves_out)
            if not applicable:
                declined = declined | here
                continue
            for k, weight in enumerate(each):
                if not weight:
                    top_columns[k] = pl.when(here).then(None).otherwise(top_columns[k])
            if applicable == spec.total:
                continue
            # total = obtained ÷ applicable × total, rounded: in quanta, obtained_q × c, with c
            # = total ÷ applicable exactly; the engine's two 28-digit roundings move it by far
            # less than the gap to a rounding boundary, unless it lies on one (declined).
            ratio = Fraction(spec.total) / Fraction(applicable)
            if ratio.denominator > 10**9 or ratio.numerator > 10**9:
                declined = declined | here
                continue
            scaled, tie = _rescaled(obtained, ratio, spec.rounding.mode)
            total = pl.when(here).then(scaled).otherwise(total)
            declined = declined | (here & tie)
        for k, weight in enumerate(spec.top_weights):
            if not weight:
                top_columns[k] = pl.lit(None, pl.Int64)
        grade = pl.lit(spec.grades.bands[-1][0])
        for name, minimum in reversed(spec.grades.bands[:-1]):
            floor = minimum.scaleb(places).to_integral_value(rounding=ROUND_CEILING)
            grade = pl.when(pl.col("total_q") >= int(floor)).then(pl.lit(name)).otherwise(grade)
        out = out.with_columns(
            total.alias("total_q"), *(c.alias(f"top{k}") for k, c in enumerate(top_columns))
        )
        return out.with_columns(grade.alias("grade"), declined.alias("declined"))


def _rescaled(obtained: pl.Expr, ratio: Fraction, mode: str) -> tuple[pl.Expr, pl.Expr]:
    """obtained × ratio rounded to a whole count of quanta by ``mode``, and where the exact value
    lies on a rounding boundary (a tie, or for down/up a whole number)."""
    product = obtained * ratio.numerator  # quanta of a total ≤ 10^9 × a numerator ≤ 10^9
    den = ratio.denominator
    whole, rest = product // den, product % den
    if mode in ("half_up", "half_even"):
        twice = rest * 2
        tie = twice == den
        up = (twice > den) | (tie & (pl.lit(mode == "half_up") | (whole % 2 == 1)))
        return whole + up.cast(pl.Int64), tie
    if mode == "down":
        return whole, rest == 0
    return whole + (rest > 0).cast(pl.Int64), rest == 0  # up


def _shift(measure: Any, unit: str) -> tuple[int, float] | None:
    """(the power of ten from money in ``unit`` to the fact's unit, the reader's limit in
    ``unit``) when the measure converts by a power of ten (``_money_factors``); None: the
    plan's reader reads such cells."""
    try:
        factors = measure._money_factors(unit)
    except Exception:  # noqa: BLE001 (a unit the measure cannot convert: the reader words it)
        return None
    if factors is None or money_factor(unit) is None:
        return None
    if factors.scale is None:
        return 0, float(factors.most)
    exponent = factors.scale.normalize().as_tuple()
    if exponent.digits != (1,) or not isinstance(exponent.exponent, int):
        return None
    power = exponent.exponent
    return (power if factors.up else -power), float(factors.most)


def _lookup(
    cells: pl.Expr, keys: list[Any], values: list[Any], dtype: Any, default: Any, empty: Any = None
) -> pl.Expr:
    """Each cell's value among ``keys`` → ``values`` (``default`` for another text, ``empty``
    for a missing cell)."""
    found = (
        cells.replace_strict(keys, values, default=default, return_dtype=dtype)
        if keys
        else pl.lit(default, dtype)
    )
    return (
        found
        if empty is None
        else pl.when(cells.is_null()).then(pl.lit(empty, dtype)).otherwise(found)
    )


def _remembered(known: dict[Any, Any], keys: list[Any], read: Callable[[Any], Any]) -> list[Any]:
    """Each key's reading, read once and remembered across frames (at most 4,096 a column)."""
    if len(known) > 4096:
        known.clear()
    for key in keys:
        if key not in known:
            known[key] = read(key)
    return [known[key] for key in keys]


def _scaled(read: Callable[[Any], Any], scale: int, cell: Any) -> tuple[float | None, float, bool]:
    return _value(_read(read, cell), scale)


def _read(read: Callable[[Any], Any], cell: Any) -> Any:
    try:
        return read(cell)
    except PlanFallback:
        return PlanFallback


def _value(result: Any, scale: int = 0) -> tuple[float | None, float, bool]:
    """A reader's result as (value ÷ 10^scale, error, declined)."""
    if result is None:
        return None, 0.0, False
    if isinstance(result, Decimal) and result.is_finite():
        as_float = float(result.scaleb(-scale))
        exact = exact_float(result, scale) is not None
        return as_float, 0.0 if exact else abs(as_float) * EPS2, False
    return None, 0.0, True  # a yes/no or text value, a default the engine reports, PlanFallback


def _rating(read: Callable[[Any], Any], key: str, parts: int, places: int) -> tuple[Any, ...]:
    """A rating's joined cells → (its quanta or None, whether its tier says 不适用, declined)."""
    cells = key.split(_SEP)
    if len(cells) != parts:  # a cell holding the separator: the engine reads it
        return None, False, True
    rated = _read(read, tuple(cell or None for cell in cells))
    if rated is PlanFallback:
        return None, False, True
    if rated is None:
        return None, False, False  # no rating: the plan's fail()
    if not isinstance(rated, Decimal):  # the reader's mark of a tier that says 不适用
        return None, True, False
    scaled = rated.scaleb(places)
    whole = scaled == scaled.to_integral_value()
    return (int(scaled) if whole else None), False, not whole


def _gathered(
    cells: pl.Expr, keys: list[Any], readings: list[tuple[Any, ...]], types: tuple[Any, ...]
) -> list[pl.Expr]:
    """Each cell's reading, part by part: its text's place among ``keys``, found once, then
    each part gathered from the readings (null for a text not among them)."""
    if not keys:
        return [pl.lit(None, dtype) for dtype in types]
    place = cells.replace_strict(keys, range(len(keys)), default=None, return_dtype=pl.UInt32)
    return [
        pl.lit(pl.Series([reading[k] for reading in readings], dtype=dtype)).gather(place)
        for k, dtype in enumerate(types)
    ]


def id_column(cells: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The record ids (null: named by the row's number) and where an id must be stripped as
    Python strips it (left to the engine's path)."""
    unstripped = cells.str.contains(_UNSTRIPPED).fill_null(False)
    ids = pl.select(pl.when(cells == "").then(None).otherwise(cells)).to_series()
    return ids, unstripped
