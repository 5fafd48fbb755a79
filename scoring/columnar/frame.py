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
from ..numbers.money import money_factor
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

    # ---- reading cells ---------------------------------------------------------------------------
    def cells(self, frame: pl.DataFrame, index: int) -> pl.Series:
        if index >= self.cmap.width:  # a column the input lacks: every cell missing
            return pl.Series([None] * frame.height, dtype=pl.String)
        return frame.get_column(self.names[index])

    def fact(self, cells: pl.Series, position: int) -> tuple[pl.Series, pl.Series, pl.Series]:
        """Fact ``position`` (of ``plan.fact_ids``) as (value ÷ 10^scale, error, declined)."""
        _, column = self.rows.values[position]
        fact = self.spec.facts[self.rows.plan.fact_ids[position]]
        scale = self.scales[position]
        height = len(cells)
        if fact.measure.kind == "money":
            quick, mantissa, exponent = self.money(cells, fact)
        else:
            quick = pl.Series([False] * height, dtype=pl.Boolean)
            mantissa = pl.Series([0] * height, dtype=pl.Int64)
            exponent = pl.Series([0] * height, dtype=pl.Int32)
        known = self.known[position]
        keys = cells.filter(~quick).drop_nulls().unique().to_list()
        if len(known) > 4096:  # remembered across frames, bounded
            known.clear()
        for key in keys:
            if key not in known:
                known[key] = _value(_read(column.read, key), scale)
        read = [known[key] for key in keys]
        val = cells.replace_strict(
            keys, [r[0] for r in read], default=None, return_dtype=pl.Float64
        )
        err = cells.replace_strict(keys, [r[1] for r in read], default=0.0, return_dtype=pl.Float64)
        bad = cells.replace_strict(
            keys, [r[2] for r in read], default=False, return_dtype=pl.Boolean
        )
        empty = (
            _value(_read(column.read, None), scale) if cells.null_count() else (None, 0.0, False)
        )
        # Amounts read here: mantissa × 10^(exponent − scale); whole below 2^53 is exact.
        frame = pl.DataFrame(
            {
                "quick": quick,
                "missing": cells.is_null(),
                "val": val,
                "err": err,
                "bad": bad,
                "m": mantissa.cast(pl.Float64),
                "up": exponent - scale,
            }
        )
        shifted = (
            pl.when(pl.col("up") >= 0)
            .then(pl.col("m") * pl.lit(10.0).pow(pl.col("up")))
            .otherwise(pl.col("m") / pl.lit(10.0).pow(-pl.col("up")))
        )
        exact = (pl.col("up") >= 0) & (shifted.abs() < WHOLE_LIMIT)
        done = frame.select(
            pl.when("quick")
            .then(shifted)
            .when("missing")
            .then(pl.lit(empty[0], pl.Float64))
            .otherwise("val")
            .alias("val"),
            pl.when("quick")
            .then(pl.when(exact).then(0.0).otherwise(shifted.abs() * (2 * EPS2)))
            .when("missing")
            .then(empty[1])
            .otherwise("err")
            .alias("err"),
            (~pl.col("quick") & pl.when("missing").then(empty[2]).otherwise("bad")).alias("bad"),
        )
        return done["val"], done["err"], done["bad"]

    def money(self, cells: pl.Series, fact: Any) -> tuple[pl.Series, pl.Series, pl.Series]:
        """The common forms of amounts, vectorised: (read here, mantissa, exponent): the
        amount in the fact's unit is mantissa × 10^exponent."""
        parts = cells.str.extract_groups(_MONEY)
        sign, whole, decimals, unit = (parts.struct.field(n) for n in ("1", "2", "3", "4"))
        digits = whole.str.replace_all(",", "", literal=True) + decimals.fill_null("")
        places = decimals.str.len_chars().fill_null(0).cast(pl.Int32)
        shifts: dict[str, int] = {}
        limits: dict[str, float] = {}
        for name in unit.drop_nulls().unique().to_list():
            found = _shift(fact.measure, name)
            if found is not None:
                shifts[name], limits[name] = found
        shift = unit.replace_strict(
            list(shifts), list(shifts.values()), default=None, return_dtype=pl.Int32
        )
        if unit.null_count():
            shift = pl.select(pl.when(unit.is_null()).then(0).otherwise(shift)).to_series()
        ok = (
            whole.is_not_null() & shift.is_not_null() & (digits.str.len_chars() <= _MAX_DIGITS)
        ).fill_null(False)
        mantissa = pl.select(
            pl.when(ok).then(digits).otherwise(pl.lit("0")).cast(pl.Int64)
        ).to_series()
        mantissa = pl.select(pl.when(sign == "-").then(-mantissa).otherwise(mantissa)).to_series()
        exponent = shift - places  # the value is mantissa × 10^exponent, in the fact's unit
        frame = pl.DataFrame({"m": mantissa, "e": exponent})
        value = frame.select(
            pl.when(pl.col("e") >= 0)
            .then(pl.col("m").cast(pl.Float64) * pl.lit(10.0).pow(pl.col("e")))
            .otherwise(pl.col("m").cast(pl.Float64) / pl.lit(10.0).pow(-pl.col("e")))
        ).to_series()
        # The fact's bounds: an amount that is, or may be, outside them is left to the reader
        # (a zero against a bound of 0 is exactly on it: inside).
        inside = pl.Series([True] * len(cells), dtype=pl.Boolean)
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
        most = unit.replace_strict(
            list(limits), list(limits.values()), default=None, return_dtype=pl.Float64
        )
        if unit.null_count():
            most = pl.select(pl.when(unit.is_null()).then(float("inf")).otherwise(most)).to_series()
        written = mantissa.abs().cast(pl.Float64) / pl.select(pl.lit(10.0).pow(places)).to_series()
        small = (written < most * 0.999).fill_null(False)
        quick = pl.select(ok & inside & small & cells.is_not_null() & (exponent >= -12)).to_series()
        return quick.fill_null(False), mantissa, exponent.fill_null(0)

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
        plan = self.rows.plan
        given = {fact_id: col for col, fact_id in self.cmap.values}
        inputs: dict[str, pl.Series] = {}
        declined = pl.Series([False] * frame.height, dtype=pl.Boolean)
        for position, fact_id in enumerate(plan.fact_ids):
            cells = self.cells(frame, given.get(fact_id, self.cmap.width))
            val, err, bad = self.fact(cells, position)
            inputs[f"v{position}v"], inputs[f"v{position}e"] = val, err
            declined = declined | bad
        ratings, rated_na, rating_bad = self.ratings(frame)
        for j, quanta in enumerate(ratings):
            inputs[f"r{j}q"] = quanta
        declined = declined | rating_bad
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
        problems = [leaves.row_declined, pl.col("read_declined"), pl.col("na") == "!"]
        for leaf, score in enumerate(leaves.scores):
            assert score.q is not None
            columns.append(
                pl.when(applies[leaf]).then(score.q).otherwise(None).alias(f"leaf{leaf}")
            )
            problems.append(applies[leaf] & (leaves.declined[leaf] | score.q.is_null()))
        scored = leaves.run(pl.DataFrame(inputs).lazy()).select(
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
