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
from typing import Any

import polars as pl

from ..engine.plan import PlanFallback
from ..numbers.money import MONEY_UNITS, SHORT_MONEY_UNITS, money_factor
from ..spec.compiled import Spec
from .arith import EPS2, WHOLE_LIMIT, Num, exact_float
from .program import Program, Unsupported, program_of

__all__ = ["Scorer"]

# The digits of measure._PLAIN, the unit a group of its own; a mantissa of at most 17 digits
# (an Int64) is read here, anything longer by the plan's reader.
_MONEY = (
    r"^(-?)(0|[1-9][0-9]{0,14}|[1-9][0-9]{0,2}(?:,[0-9]{3}){1,4})(?:\.([0-9]{1,10}))?"
    r"([\x{4e00}-\x{9fff}]{1,4})?$"
)
_MAX_DIGITS = 17
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
            Num(pl.col(f"v{i}v"), pl.col(f"v{i}e"), None, scale)
            for i, scale in enumerate(self.scales)
        ]
        ratings = [
            Num(pl.col(f"r{j}q").cast(pl.Float64), pl.lit(0.0), pl.col(f"r{j}q"), -self.places)
            for j in range(len(plan.rated_ids))
        ]
        self.leaves = self.program.build(values, ratings)  # Unsupported: as above
        self.known: list[dict[Any, tuple[float | None, float, bool]]] = [{} for _ in values]
        # Each money fact's units read here (every spelling of a money unit): the power of ten
        # to its own unit and the reader's limit.
        self.units: list[dict[str, tuple[int, float]]] = []
        for fact_id in plan.fact_ids:
            measure = spec.facts[fact_id].measure
            found = {name: _shift(measure, name) for name in _MONEY_SPELLINGS}
            self.units.append({name: shift for name, shift in found.items() if shift})

    # ---- reading cells ---------------------------------------------------------------------------
    def cells(self, frame: pl.DataFrame, index: int) -> pl.Series:
        if index >= self.cmap.width:  # a column the input lacks: every cell missing
            return pl.Series([None] * frame.height, dtype=pl.String)
        return frame.get_column(self.names[index])

    def facts(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[pl.Expr], pl.Expr]:
        """``frame`` with each fact's value and error (``v<p>v``, ``v<p>e``: value ÷ 10^scale)
        and where its reading declines the row. Three passes over the frame, each one query:
        the common amounts read as strings; the distinct other texts listed, which the plan's
        readers read here, once each (remembered across frames); every cell's value put in."""
        plan, given = self.rows.plan, {fact_id: col for col, fact_id in self.cmap.values}
        column = [self.column(given.get(fact_id, self.cmap.width)) for fact_id in plan.fact_ids]
        money = {
            p: self.money(column[p], fact_id, p)
            for p, fact_id in enumerate(plan.fact_ids)
            if self.spec.facts[fact_id].measure.kind == "money"
        }
        quick = {p: pl.col(f"q{p}") for p in money}
        staged = frame.lazy().with_columns(self.missing(frame))
        for stage in range(3):
            staged = staged.with_columns(c for parts in money.values() for c in parts[stage])
        frame = staged.collect()
        listed = (
            ()
            if not column
            else frame.select(
                *(
                    (c.filter(~quick[p]) if p in quick else c)
                    .drop_nulls()
                    .unique()
                    .implode()
                    .alias(f"k{p}")
                    for p, c in enumerate(column)
                ),
                *(c.is_null().any().alias(f"n{p}") for p, c in enumerate(column)),
            ).row(0)
        )
        values: list[pl.Expr] = []
        declined: list[pl.Expr] = []
        for p, cells in enumerate(column):
            reader, scale, known = self.rows.values[p][1].read, self.scales[p], self.known[p]
            keys = listed[p]
            if len(known) > 4096:  # remembered across frames, bounded
                known.clear()
            for key in keys:
                if key not in known:
                    known[key] = _value(_read(reader, key), scale)
            read = [known[key] for key in keys]
            empty = _value(_read(reader, None), scale) if listed[len(column) + p] else None
            val, err, bad = (
                _lookup(cells, keys, [r[k] for r in read], dtype, default, empty and empty[k])
                for k, (dtype, default) in enumerate(
                    ((pl.Float64, None), (pl.Float64, 0.0), (pl.Boolean, False))
                )
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
            values += [val.alias(f"v{p}v"), err.alias(f"v{p}e")]
            declined.append(bad)
        return frame, values, pl.any_horizontal(declined) if declined else pl.lit(False)

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

    def ratings(self, frame: pl.DataFrame) -> tuple[list[pl.Series], list[pl.Series], pl.Series]:
        """Each rated leaf's score (quanta; null: no rating), where its tier says 不适用, and
        the rows declined."""
        height = frame.height
        scores: list[pl.Series] = [pl.Series([], dtype=pl.Int64)] * len(self.rows.plan.rated_ids)
        not_applicable: list[pl.Series] = [pl.Series([False] * height, dtype=pl.Boolean)] * len(
            self.spec.leaves
        )
        declined = pl.Series([False] * height, dtype=pl.Boolean)
        for index, leaf, columns, column in self.rows.ratings:
            parts = pl.DataFrame({f"p{k}": self.cells(frame, c) for k, c in enumerate(columns)})
            found = parts.unique(maintain_order=False)
            table: dict[str, list[Any]] = {"val": [], "err": [], "q": [], "na": [], "bad": []}
            for cells in found.iter_rows():
                try:
                    rated = column.read(cells)
                except PlanFallback:
                    rated = PlanFallback
                _rating_entry(table, rated, self.places)
            lookup = found.with_columns(
                pl.Series("val", table["val"], dtype=pl.Float64),
                pl.Series("err", table["err"], dtype=pl.Float64),
                pl.Series("q", table["q"], dtype=pl.Int64),
                pl.Series("na", table["na"], dtype=pl.Boolean),
                pl.Series("bad", table["bad"], dtype=pl.Boolean),
            )
            joined = parts.join(
                lookup, on=list(parts.columns), how="left", nulls_equal=True, maintain_order="left"
            )
            scores[index] = joined["q"]  # rounded to the spec's places: exact quanta
            not_applicable[leaf] = joined["na"]
            declined = declined | joined["bad"]
        return scores, not_applicable, declined

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
    def score(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, frozenset[int]]]:
        """``frame`` (columns ``c0``… of text, as the header's) → one row per row: ``declined``,
        ``total_q``, ``grade``, ``top<k>`` (quanta; null where the 一级指标 does not apply),
        ``leaf<i>`` (quanta; null: not applicable) and ``na``, a key of the second value: the
        leaves that do not apply."""
        read, values, facts_declined = self.facts(frame)
        inputs: dict[str, pl.Series] = {}
        ratings, rated_na, declined = self.ratings(frame)
        for j, quanta in enumerate(ratings):
            inputs[f"r{j}q"] = quanta
        na_key, na_sets = self.not_applicable(frame)
        declined = declined | (na_key == "!")
        # Every row's set of leaves that do not apply: the column's, and the tiers' 不适用.
        key = na_key
        rated_flags = [(leaf, flags) for leaf, flags in enumerate(rated_na) if flags.any()]
        if rated_flags:
            extra = pl.select(
                pl.concat_str(
                    [
                        pl.when(pl.lit(flags)).then(pl.lit(f"{leaf},")).otherwise(pl.lit(""))
                        for leaf, flags in rated_flags
                    ]
                )
            ).to_series()
            key = pl.select(
                pl.when(extra == "").then(na_key).otherwise(na_key + "|" + extra)
            ).to_series()
            for combined in key.unique().to_list():
                if combined is None or "|" not in combined or combined.startswith("!"):
                    continue
                base, _, more = combined.partition("|")
                na_sets[combined] = na_sets[base] | {int(x) for x in more.split(",") if x}
        present = set(key.unique().to_list())
        sets = {k: v for k, v in na_sets.items() if k in present}
        everything = len(self.spec.leaves)
        inputs["na"] = key
        inputs["read_declined"] = declined
        leaves = self.leaves
        applies: list[pl.Expr] = []
        for leaf in range(everything):
            hit = [k for k, leaves_out in sets.items() if leaf in leaves_out]
            applies.append(~pl.col("na").is_in(hit) if hit else pl.lit(True))
        columns = []
        problems = [
            leaves.row_declined,
            pl.col("read_declined"),
            pl.col("na") == "!",
            facts_declined,
        ]
        for leaf, score in enumerate(leaves.scores):
            assert score.q is not None
            columns.append(
                pl.when(applies[leaf]).then(score.q).otherwise(None).alias(f"leaf{leaf}")
            )
            problems.append(applies[leaf] & (leaves.declined[leaf] | score.q.is_null()))
        given = read.with_columns(**inputs).lazy().with_columns(values)
        scored = leaves.run(given).select(
            "na", *columns, pl.any_horizontal(problems).fill_null(True).alias("declined")
        )
        return self.roll_up(scored, sets, everything).collect(), sets

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


def _rating_entry(table: dict[str, list[Any]], rated: Any, places: int) -> None:
    if rated is PlanFallback:
        entry: tuple[Any, ...] = (None, 0.0, None, False, True)
    elif rated is None:
        entry = (None, 0.0, None, False, False)  # no rating: the plan's fail()
    elif not isinstance(rated, Decimal):  # the reader's mark of a tier that says 不适用
        entry = (None, 0.0, None, True, False)
    else:
        value, err, bad = _value(rated)
        scaled = rated.scaleb(places)
        q = int(scaled) if scaled == scaled.to_integral_value() else None
        entry = (value, err, q, False, bad or q is None)
    for name, item in zip(("val", "err", "q", "na", "bad"), entry, strict=True):
        table[name].append(item)


def id_column(cells: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The record ids (null: named by the row's number) and where an id must be stripped as
    Python strips it (left to the engine's path)."""
    unstripped = cells.str.contains(_UNSTRIPPED).fill_null(False)
    ids = pl.select(pl.when(cells == "").then(None).otherwise(cells)).to_series()
    return ids, unstripped
