"""The validated, compiled indicator system the engine runs: built once by the loader, then read-only.

Everything derivable is computed here once (leaf order, the facts each leaf needs, the derived
values in dependency order) so that scoring many projects repeats none of it.

The two numeric policies a spec declares are here too, applied with ``decimal`` only, never
``float`` or ``round()``: how scores are rounded (filed tables round differently: two decimals
half-up, one decimal truncated, whole points) and the grade bands (deployments draw them
differently).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from ..formula.expr import CompiledFormula
from ..numbers.measure import Measure
from ..rules import Rule
from ..rules.qualitative import Tier
from .model import CaseSpec
from .overlay import Source

if TYPE_CHECKING:  # a spec holds a scale; the scale module never needs the spec
    from .scale import Scale

__all__ = [
    "ROUNDING_MODES",
    "CostMeasure",
    "Derived",
    "Fact",
    "GradeBands",
    "NextGrade",
    "Node",
    "RoundingPolicy",
    "Spec",
]

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


@dataclass(frozen=True)
class Fact:
    """A declared input: its label, measure, bounds, default and where it usually comes from."""

    id: str
    label: str
    measure: Measure
    min: Decimal | None = None
    max: Decimal | None = None
    default: Any = None
    source: str | None = None


@dataclass(frozen=True)
class Derived:
    """A named formula over facts and other derived values (资金到位率, 预算执行率 …)."""

    id: str
    label: str
    formula: CompiledFormula
    measure: Measure


@dataclass(frozen=True)
class CostMeasure:
    """成本效益分析法: ``cost`` (a money value) over ``output`` (a count or number), per unit of
    output in ``unit`` (万元/人次); lower is better. Computed by ``methods.cost``."""

    id: str
    label: str
    cost: str
    output: str
    unit: str


@dataclass(frozen=True, eq=False)
class Node:
    """One indicator; a leaf has a rule, a parent has children whose weights sum to its own."""

    id: str
    name: str
    weight: Decimal
    level: int  # 1 = 一级指标
    children: tuple[Node, ...] = ()
    rule: Rule | None = None
    standard: str | None = None
    explanation: str | None = None
    # Names of the facts (not derived values) this leaf reads, directly or through derived values.
    facts_needed: frozenset[str] = frozenset()
    derived_needed: frozenset[str] = frozenset()
    inputs: frozenset[str] = field(init=False, repr=False)  # both of the above

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", self.facts_needed | self.derived_needed)

    @property
    def is_leaf(self) -> bool:
        return self.rule is not None

    def walk(self) -> list[Node]:
        """This node and every node below it, depth first, in spec order."""
        nodes = [self]
        for child in self.children:
            nodes.extend(child.walk())
        return nodes


_T = TypeVar("_T")


@dataclass(frozen=True, eq=False)
class Spec:
    """A loaded indicator system. Build it with ``load_spec``; share it freely, it never changes."""

    id: str
    name: str
    version: str
    basis: tuple[str, ...]
    description: str | None
    total: Decimal
    rounding: RoundingPolicy
    grades: GradeBands
    tiers: tuple[Tier, ...]
    facts: Mapping[str, Fact]
    derived: tuple[Derived, ...]  # in dependency order
    indicators: tuple[Node, ...]
    file: str
    sha256: str
    sources: tuple[Source, ...] = ()  # base first, then each profile applied on it
    cases: tuple[CaseSpec, ...] = ()
    application: Mapping[str, str] = field(default_factory=dict)  # grade → 评价结果应用建议
    cost_measures: tuple[CostMeasure, ...] = ()  # 成本效益分析法, in the spec's order
    survey_scale: Scale | None = None  # 公众评判法: the questionnaire's scale, when declared
    nodes: Mapping[str, Node] = field(init=False, repr=False)
    leaves: tuple[Node, ...] = field(init=False, repr=False)
    # For each top-level indicator, the [start, stop) slice of ``leaves`` under it.
    top_leaf_ranges: tuple[tuple[int, int], ...] = field(init=False, repr=False)
    top_weights: tuple[Decimal, ...] = field(init=False, repr=False)  # Σ leaf weights under each
    # Each leaf's full marks as a score (its weight, rounded): one object per leaf, which the
    # compiled plan hands out for every full-marks score, so counting them compares identities.
    full_marks: tuple[Decimal, ...] = field(init=False, repr=False)
    # What scoring builds from the spec, once (``built``): kept on the spec, so it goes with it.
    _built: dict[str, Any] = field(init=False, repr=False, default_factory=dict)

    def built(self, key: str, make: Callable[[], _T]) -> _T:
        """What ``make`` builds from this spec (its compiled plan, a batch's readers…), built on
        first use and kept with the spec. Kept here rather than in a module's dictionary keyed
        by the spec: whatever is built holds the spec, so such a dictionary never let it go."""
        if key not in self._built:
            self._built[key] = make()
        found: _T = self._built[key]
        return found

    def __getstate__(self) -> dict[str, Any]:
        # A spec sent to another process (a Dask or Spark task) builds its own there.
        return {name: value for name, value in self.__dict__.items() if name != "_built"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _built={})

    def __post_init__(self) -> None:
        nodes = [node for top in self.indicators for node in top.walk()]
        object.__setattr__(self, "nodes", {node.id: node for node in nodes})
        object.__setattr__(self, "leaves", tuple(node for node in nodes if node.is_leaf))
        ranges, start = [], 0
        for top in self.indicators:
            stop = start + sum(1 for node in top.walk() if node.is_leaf)
            ranges.append((start, stop))
            start = stop
        object.__setattr__(self, "top_leaf_ranges", tuple(ranges))
        weights = tuple(
            sum((leaf.weight for leaf in self.leaves[start:stop]), Decimal(0))
            for start, stop in ranges
        )
        object.__setattr__(self, "top_weights", weights)
        full = tuple(self.rounding.apply(leaf.weight) for leaf in self.leaves)
        object.__setattr__(self, "full_marks", full)

    def label_of(self, name: str) -> str:
        """The Chinese label of a fact or derived value, for messages."""
        if name in self.facts:
            return self.facts[name].label
        for derived in self.derived:
            if derived.id == name:
                return derived.label
        return name
