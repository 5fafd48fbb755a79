"""区间/阶梯 rules: value ranges mapped to points or a share of the weight, first match wins.

Local scoring standards such as "追加预算比例 0 → 5, (0,10%] → 4, (10,20%] → 3, (20,30%] → 2,
>30% → 0". Ranges are written as intervals ("(0, 10%]", "[90%, 100%)", ">30%", "≤0", "=0") in
the unit of the value; at load they are checked to leave no gap and no overlap between the lowest
and the highest bound, so "first match" and "the only match" agree. A value outside every range is
an input error, not zero points.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..formula.expr import Value
from ..i18n import tr
from ..numbers.cell_text import look_alike, normalize
from ..numbers.limits import QuantityError
from ..numbers.measure import Measure, MeasureError
from ..numbers.quantities import parse_quantity
from .base import (
    CompileContext,
    Emitter,
    InputError,
    MeasuredParams,
    Number,
    Outcome,
    ParamsBase,
    Rating,
    Rule,
    Share,
    as_number,
    fmt,
    lost_sentence,
)

if TYPE_CHECKING:
    import ast

_INTERVAL = re.compile(r"^([\[(])([^,]*),([^\])]*)([\])])$")
_COMPARISON = re.compile(r"^(≥|≤|>|<|=)(.+)$")


class BandParams(ParamsBase):
    range: str | Decimal = Field(
        description="interval such as '(0, 10%]', '>30%', '=0', '[90%, +∞)'"
    )
    points: Number | None = Field(None, ge=0, description="points for this range")
    share: Share | None = Field(None, description="or: share of the weight, e.g. 0.8 or '80%'")


class Params(MeasuredParams):
    """``actual`` is the value banded."""

    kind: Literal["bands"]
    bands: list[BandParams] = Field(min_length=1)
    target: str | Decimal | None = Field(None, description="年度指标值 shown on the form")


@dataclass(frozen=True)
class Band:
    low: Decimal | None  # None = -∞
    low_closed: bool
    high: Decimal | None  # None = +∞
    high_closed: bool
    points: Decimal | None
    share: Decimal | None
    text: str

    def contains(self, value: Decimal) -> bool:
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_closed)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_closed))
        )

    def points_for(self, weight: Decimal) -> Decimal:
        return self.points if self.points is not None else weight * (self.share or 0)


def parse_band(
    raw: str | Decimal, measure: Measure
) -> tuple[Decimal | None, bool, Decimal | None, bool]:
    """Read an interval written in the value's unit; raise ValueError with a message if unreadable."""
    if not isinstance(raw, Decimal) and (why := look_alike(str(raw), unit_powers=True)):
        raise ValueError(why)  # before NFKC folds ² into 2
    text = normalize(str(raw)) if not isinstance(raw, Decimal) else str(raw)

    def bound(part: str) -> Decimal | None:
        return _bound(part, measure)

    match = _INTERVAL.match(text)
    if match:
        opening, low, high, closing = match.groups()
        return bound(low), opening == "[", bound(high), closing == "]"
    match = _COMPARISON.match(text)
    op, rest = (match.group(1), match.group(2)) if match else ("=", text)
    value = bound(rest)
    if value is None:
        raise ValueError(tr("band-range", "range {range!r} needs a number", range=raw))
    return {
        "=": (value, True, value, True),
        "≥": (value, True, None, False),
        ">": (value, False, None, False),
        "≤": (None, False, value, True),
        "<": (None, False, value, False),
    }[op]


def _bound(text: str, measure: Measure) -> Decimal | None:
    if text in ("", "+∞", "∞", "-∞", "inf", "+inf", "-inf"):
        return None
    try:
        return measure.from_quantity(parse_quantity(text), what="range bound")
    except (QuantityError, MeasureError) as exc:
        raise ValueError(str(exc)) from exc


class BandsRule(Rule):
    kind = "bands"
    label = "区间"

    def __init__(self, params: Params, ctx: CompileContext) -> None:
        self.read_actual(params, ctx)
        self.display_target = "" if params.target is None else str(params.target)
        bands: list[Band] = []
        for index, band in enumerate(params.bands):
            where = f"bands.{index}.range"
            try:
                low, low_closed, high, high_closed = parse_band(band.range, self.measure)
            except ValueError as exc:
                message = tr(
                    "band-range",
                    "cannot read range {range!r}: {problem}",
                    range=str(band.range),
                    problem=exc,
                )
                ctx.problem(where, message, "band-range")
                continue
            if (
                low is not None
                and high is not None
                and (low > high or (low == high and not (low_closed and high_closed)))
            ):
                message = tr("band-range", "range {range!r} is empty", range=band.range)
                ctx.problem(where, message, "band-range")
                continue
            if (band.points is None) == (band.share is None):
                message = tr("band-points", "give either points or share for each band")
                ctx.problem(f"bands.{index}", message, "band-points")
                continue
            if band.points is not None and band.points > ctx.settings["weight"]:
                ctx.problem(
                    f"bands.{index}.points",
                    tr(
                        "band-points",
                        "band {range!r} gives {points} points, more than the indicator's weight "
                        "{weight}",
                        range=band.range,
                        points=fmt(band.points),
                        weight=fmt(ctx.settings["weight"]),
                    ),
                    "band-points",
                )
            bands.append(
                Band(low, low_closed, high, high_closed, band.points, band.share, str(band.range))
            )
        self.bands = tuple(bands)
        self._check_cover(ctx)
        self.max_points = max((b.points for b in bands if b.points is not None), default=None)

    def _check_cover(self, ctx: CompileContext) -> None:
        def start(b: Band) -> tuple[int, Decimal, int]:
            return (0, Decimal(0), 0) if b.low is None else (1, b.low, 0 if b.low_closed else 1)

        ordered = sorted(self.bands, key=start)
        for lower, upper in itertools.pairwise(ordered):
            if (
                lower.high is None
                or (
                    upper.low is not None
                    and (
                        lower.high > upper.low
                        or (lower.high == upper.low and lower.high_closed and upper.low_closed)
                    )
                )
                or upper.low is None
            ):
                message = tr(
                    "band-overlap",
                    "ranges {lower} and {upper} overlap",
                    lower=lower.text,
                    upper=upper.text,
                )
                ctx.problem("bands", message, "band-overlap")
            elif lower.high < upper.low or (not lower.high_closed and not upper.low_closed):
                ctx.problem(
                    "bands",
                    tr(
                        "band-gap",
                        "ranges {lower} and {upper} leave a gap: no points are defined between them",
                        lower=lower.text,
                        upper=upper.text,
                    ),
                    "band-gap",
                )

    @property
    def target_text(self) -> str:
        return self.display_target

    @property
    def branches(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.bands)

    def branch_of(self, outcome: Outcome) -> str:
        return str(outcome.detail[0].text)  # the range the value fell in

    def evaluate(self, env: Mapping[str, Value], weight: Decimal, rating: Rating | None) -> Outcome:
        assert self.actual is not None
        value = as_number(self.actual(env), "区间取值")
        band = self.band_of(value)
        points = band.points_for(weight)
        status = "met" if points >= weight else "missed"
        return Outcome(points, value, status, (band,))

    def emit(self, gen: Emitter, weight: Decimal) -> ast.expr:
        assert self.actual is not None
        return gen.call(self.band_points, gen.value(self.actual), weight)

    def band_points(self, value: Decimal, weight: Decimal) -> Decimal:
        return self.band_of(value).points_for(weight)

    def band_of(self, value: Decimal) -> Band:
        """The band ``value`` falls in (first match); InputError when it falls in none."""
        for band in self.bands:
            if band.contains(value):
                return band
        covered = "、".join(b.text for b in self.bands)
        raise InputError(
            tr(
                "band-none",
                "value {value} falls in none of the ranges {ranges}",
                value=self.measure.display(value),
                ranges=covered,
            ),
            "band-none",
        )

    def explain(self, outcome: Outcome, weight: Decimal, score: Decimal) -> str:
        (band,) = outcome.detail
        assert isinstance(outcome.actual, Decimal)
        return (
            f"实际值 {self.measure.display(outcome.actual)} 落在区间 {band.text}，"
            f"该区间 {fmt(band.points_for(weight))} 分，"
        ) + lost_sentence(weight, score)

    def describe(self) -> str:
        return "区间：" + "；".join(
            f"{b.text} → {fmt(b.points) if b.points is not None else fmt((b.share or Decimal(0)) * 100) + '%'}"
            for b in self.bands
        )


RULE = BandsRule
