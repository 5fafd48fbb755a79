"""The frozen result of scoring one project: the indicator tree with scores, total, grade, warnings.

Explanations are computed on demand (``IndicatorResult.explanation``) so batch scoring does not pay
for Chinese sentences nobody reads. ``Result.to_dict()`` is the data ``--format json`` prints, with
numbers as ``Decimal``; ``Result.to_json()`` is that text, every number written digit for digit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

from .. import __version__
from ..errors import FormulaError
from ..formula.expr import Value
from ..numbers.text import format_number
from ..rules import Outcome
from ..spec.compiled import NextGrade, Node, Spec
from .facts import Adjustment, Facts

__all__ = ["IndicatorResult", "Result", "ScoreWarning", "Totals"]


@dataclass(frozen=True)
class ScoreWarning:
    """Something a reviewer should look at; scoring went ahead. ``code`` is stable (docs/errors.md)."""

    code: str
    message: str
    indicator: str | None = None

    def __str__(self) -> str:
        where = f"{self.indicator}: " if self.indicator else ""
        return f"{where}{self.message} [{self.code}]"


_NO_VALUES: Mapping[str, Value] = MappingProxyType({})


class IndicatorResult(NamedTuple):
    """One indicator's result. ``score`` is None when the indicator is not applicable.

    A named tuple rather than a frozen dataclass: equally immutable, and several times cheaper
    to build, which matters when a batch builds one per indicator per project.
    """

    node: Node
    score: Decimal | None
    applicable_weight: Decimal
    children: tuple[IndicatorResult, ...] = ()
    outcome: Outcome | None = None
    rule_score: Decimal | None = None
    adjustment: Decimal = Decimal(0)
    deviation: str | None = None
    not_applicable: str | None = None
    env: Mapping[str, Value] = _NO_VALUES

    @property
    def id(self) -> str:
        return self.node.id

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def weight(self) -> Decimal:
        return self.node.weight

    @property
    def level(self) -> int:
        return self.node.level

    @property
    def is_leaf(self) -> bool:
        return self.node.is_leaf

    @property
    def lost(self) -> Decimal:
        """Points lost against the applicable weight (0 when not applicable)."""
        return Decimal(0) if self.score is None else self.applicable_weight - self.score

    @property
    def score_rate(self) -> Decimal | None:
        """得分率: score ÷ applicable weight, as a ratio; None when nothing here applies."""
        if self.score is None or not self.applicable_weight:
            return None
        return self.score / self.applicable_weight

    @property
    def target_text(self) -> str:
        return self.node.rule.target_text if self.node.rule else ""

    @property
    def actual_text(self) -> str:
        if self.node.rule is None or self.outcome is None:
            return ""
        return self.node.rule.actual_text(self.outcome.actual)

    @property
    def inputs(self) -> dict[str, Value]:
        """The facts and derived values this leaf's rule read, by name."""
        names = self.node.facts_needed | self.node.derived_needed
        return {name: self.env[name] for name in sorted(names) if name in self.env}

    @property
    def explanation(self) -> str:
        """A plain Chinese sentence saying how the score was reached and why points were lost."""
        if self.not_applicable is not None:
            return f"不适用，不计分：{self.not_applicable}"
        rule, outcome = self.node.rule, self.outcome
        if rule is None or outcome is None or self.rule_score is None or self.score is None:
            lost = self.lost
            return f"得 {format_number(self.score or Decimal(0))} 分" + (
                f"，扣 {format_number(lost)} 分。" if lost else "，满分。"
            )
        text = rule.explain(outcome, self.weight, self.rule_score)
        if self.adjustment:
            verb = "加" if self.adjustment > 0 else "扣"
            text += f"评价人调整：{verb} {format_number(abs(self.adjustment))} 分，最终得 {format_number(self.score)} 分。"
        return text

    def walk(self) -> Iterator[IndicatorResult]:
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        node = self.node
        out: dict[str, Any] = {
            "id": node.id,
            "name": node.name,
            "level": node.level,
            "weight": node.weight,
            "score": self.score,
            "score_rate": _rate(self.score_rate),
        }
        if self.not_applicable is not None:
            out["not_applicable"] = self.not_applicable
        if node.rule is None:
            out["children"] = [child.to_dict() for child in self.children]
            return out
        rule = node.rule
        out.update(
            rule=rule.kind,
            target=rule.target_text,
            actual=self.actual_text,
            actual_value=None
            if self.outcome is None or isinstance(self.outcome.actual, str)
            else self.outcome.actual,
            status=None if self.outcome is None else self.outcome.status,
            rule_score=self.rule_score,
            adjustment=self.adjustment,
            explanation=self.explanation,
            deviation=self.deviation,
            inputs=self.inputs,
        )
        return out


class Totals(NamedTuple):
    """What ``score_totals`` gives a batch: the numbers of a ``Result`` without its tree.

    ``top_scores`` and ``top_applicable`` follow ``spec.indicators``; ``leaf_scores`` follows
    ``spec.leaves``. A score is None where nothing under it applies.
    """

    total: Decimal
    grade: str
    applicable_weight: Decimal
    top_scores: tuple[Decimal | None, ...]
    top_applicable: tuple[Decimal, ...]
    leaf_scores: tuple[Decimal | None, ...]


class Details(NamedTuple):
    """What a ``Result`` holds beside its numbers: the tree, the warnings, the values read."""

    indicators: tuple[IndicatorResult, ...]
    warnings: tuple[ScoreWarning, ...]
    env: Mapping[str, Value]  # as the rules read them


@dataclass(frozen=True, eq=False)
class Result:
    """A scored project. Immutable; render it with ``scoring.report`` or ``to_dict()``.

    ``details`` gives the indicator tree, the warnings and the values read: given at once, or
    worked out on first use (``engine.score`` computes the numbers through the spec's
    compiled plan and leaves the tree to be built only if something reads it).
    """

    spec: Spec
    project: Mapping[str, Any]
    total: Decimal
    applicable_weight: Decimal
    grade: str
    adjustments: tuple[Adjustment, ...]
    details: Callable[[], Details] = field(repr=False)
    facts: Facts | None = field(default=None, repr=False)  # as given, e.g. itemised amounts

    @functools.cached_property
    def _details(self) -> Details:
        return self.details()

    @functools.cached_property
    def next_grade(self) -> NextGrade | None:
        """The next grade up and the points it needs (None at the top grade)."""
        return self.spec.grades.next_grade(self.total)

    @property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        return self._details.indicators

    @property
    def warnings(self) -> tuple[ScoreWarning, ...]:
        return self._details.warnings

    @property
    def env(self) -> Mapping[str, Value]:
        return self._details.env

    @functools.cached_property
    def values(self) -> Mapping[str, Value]:
        """Every fact as read (in its declared unit) and every derived value computable from
        them, including those no applicable indicator needed (for tables and reports)."""
        values = dict(self.env)
        for derived in self.spec.derived:  # dependency order
            if derived.id in values or not derived.formula.names <= values.keys():
                continue
            try:
                values[derived.id] = derived.formula(values)
            except FormulaError:
                continue  # e.g. a zero budget: that figure is simply not available
        return MappingProxyType(values)

    @functools.cached_property
    def items(self) -> Mapping[str, Mapping[str, Decimal]]:
        """Itemised facts (``{total, items}``): fact id → item name → amount in the fact's unit."""
        found: dict[str, Mapping[str, Decimal]] = {}
        for name, raw in (self.facts.values if self.facts else {}).items():
            fact = self.spec.facts.get(name)
            if fact is None or not isinstance(raw, dict) or not isinstance(raw.get("items"), dict):
                continue
            amounts = {key: fact.measure.read(item) for key, item in raw["items"].items()}
            found[name] = {k: v for k, v in amounts.items() if isinstance(v, Decimal)}
        return MappingProxyType(found)

    @property
    def max(self) -> Decimal:
        return self.spec.total

    def walk(self) -> Iterator[IndicatorResult]:
        for top in self.indicators:
            yield from top.walk()

    def leaves(self) -> list[IndicatorResult]:
        return [item for item in self.walk() if item.is_leaf]

    def find(self, indicator_id: str) -> IndicatorResult:
        for item in self.walk():
            if item.id == indicator_id:
                return item
        raise KeyError(indicator_id)

    def to_dict(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "spec": {
                "id": spec.id,
                "name": spec.name,
                "version": spec.version,
                "sha256": spec.sha256,
                # Base first, then each profile laid on it: what exactly produced these numbers.
                "sources": [
                    {"file": s.file, "id": s.id, "version": s.version, "sha256": s.sha256}
                    for s in spec.sources
                ],
            },
            "engine": {"name": "jixiao", "version": __version__},
            "project": dict(self.project),
            "max": spec.total,
            "total": self.total,
            "grade": self.grade,
            "next_grade": None
            if self.next_grade is None
            else {
                "grade": self.next_grade.grade,
                "min": self.next_grade.minimum,
                "points_needed": self.next_grade.points_needed,
            },
            "applicable_weight": self.applicable_weight,
            "indicators": [item.to_dict() for item in self.indicators],
            "adjustments": [
                {
                    "indicator": a.indicator,
                    "points": a.points,
                    "reason": a.reason,
                    "rule_score": self.find(a.indicator).rule_score,
                    "score": self.find(a.indicator).score,
                }
                for a in self.adjustments
            ],
            "warnings": [
                {"code": w.code, "indicator": w.indicator, "message": w.message}
                for w in self.warnings
            ],
        }

    def to_json(self, indent: int = 2) -> str:
        """The JSON text ``jixiao score --format json`` prints (less its final newline).

        ``to_dict()`` holds ``Decimal`` numbers, which ``json.dumps`` refuses and ``float`` would
        change (95.85 is not a float); here each is a JSON number with exactly its digits, keys
        keep their order, and control characters in texts are escaped."""
        from .result_json import dumps  # the report package imports this module

        return dumps(self.to_dict(), indent)


def _rate(value: Decimal | None) -> Decimal | None:
    # Four places: a percentage with two decimals, rounded half-up like every shown number.
    return None if value is None else value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
