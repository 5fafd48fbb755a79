"""Rounding of scores and grade bands: the two numeric policies a spec declares.

Filed tables round differently (two decimals half-up, one decimal truncated, whole points) and
deployments use different grade bands, so both are data; this module applies them with ``decimal``
only, never ``float`` or ``round()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

__all__ = ["ROUNDING_MODES", "GradeBands", "NextGrade", "RoundingPolicy"]

# Spec spelling → decimal rounding constant. 'down' is truncation (截位), seen on some filed forms;
# 'up' rounds away from zero for positive scores, which is all a score can be.
ROUNDING_MODES: Mapping[str, str] = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_CEILING,
}


@dataclass(frozen=True)
class RoundingPolicy:
    """How every leaf score and the total are rounded: decimal places plus a rounding mode."""

    places: int = 2
    mode: str = "half_up"
    # Precomputed once: apply() is on the hot path of batch scoring (and the plan inlines them).
    quantum: Decimal = field(init=False, repr=False, compare=False)  # 0.01 for 2 places
    mode_constant: str = field(init=False, repr=False, compare=False)  # decimal.ROUND_HALF_UP …

    def __post_init__(self) -> None:
        object.__setattr__(self, "quantum", Decimal(1).scaleb(-self.places))
        object.__setattr__(self, "mode_constant", ROUNDING_MODES[self.mode])

    def apply(self, value: Decimal) -> Decimal:
        result = value.quantize(self.quantum, rounding=self.mode_constant)
        # -0.00 would print as a negative score; a score is never negative.
        return result if result else abs(result)

    def describe(self) -> str:
        names = {"half_up": "四舍五入", "half_even": "银行家舍入", "down": "截位", "up": "进位"}
        return f"保留 {self.places} 位小数（{names[self.mode]}）"


@dataclass(frozen=True)
class NextGrade:
    """The next grade up and how many points the total lacks to reach it."""

    grade: str
    minimum: Decimal
    points_needed: Decimal


@dataclass(frozen=True)
class GradeBands:
    """Grade names with their minimum totals, highest first; the last minimum is 0.

    Bands are checked at load (strictly descending, lowest at 0, highest within the total), so
    there are no gaps or overlaps by construction: each band is ``[minimum, next minimum)``.
    """

    bands: tuple[tuple[str, Decimal], ...]

    def grade(self, total: Decimal) -> str:
        for name, minimum in self.bands:
            if total >= minimum:
                return name
        return self.bands[-1][0]

    def next_grade(self, total: Decimal) -> NextGrade | None:
        above: tuple[str, Decimal] | None = None
        for name, minimum in self.bands:
            if total >= minimum:
                break
            above = (name, minimum)
        if above is None:
            return None
        return NextGrade(above[0], above[1], above[1] - total)

    def describe(self) -> str:
        return "，".join(f"{name} ≥ {minimum}" for name, minimum in self.bands)


DEFAULT_GRADES: tuple[tuple[str, Decimal], ...] = (
    ("优", Decimal(90)),
    ("良", Decimal(80)),
    ("中", Decimal(60)),
    ("差", Decimal(0)),
)
