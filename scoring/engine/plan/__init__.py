"""The fast path of scoring: a spec compiled once into one function, for scoring many projects.

``plan_of(spec)`` builds (once per spec, then cached) a ``Plan`` whose ``totals`` gives the same
``Totals`` as ``engine.engine_totals`` from values already read into their units — or None when
the project has anything the engine must report (a missing or unreadable value, a rating outside
its tier, a division by zero …). The caller then scores that project with the engine, which
finds and words the problem. So the plan never has to phrase an error, and it never decides one
differently: the engine is the reference, and tests/test_plan.py holds the two equal over every
shipped spec, every rule-case file and generated projects. Part of ``engine``: it imports what the
engine may (``spec``, ``rules``, ``formula``, ``numbers``).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence
from decimal import Decimal, getcontext, setcontext

from ...formula.expr import Value, formula_context
from ...rules import InputError
from ...rules.base import RatingParts
from ...spec.compiled import Spec
from ..result import Totals
from ..totals import ZERO, applicable_weights, leaf_score
from .codegen import PlanFallback, build_function

__all__ = ["MAX_PLANNED_LEAVES", "NO_LEAVES", "Plan", "PlanFallback", "plan_of"]

NO_LEAVES: frozenset[int] = frozenset()  # ``na`` when every indicator applies
# A spec with more leaves (or more derived values) is not compiled: its function would take
# seconds to build (about 2 ms a leaf, 0.7 ms a derived value) and tens of megabytes, where real
# indicator systems have tens of leaves and a few derived values. Its plan declines every
# project, so the engine scores them all, in time linear in the spec's size.
MAX_PLANNED_LEAVES = 500
REMEMBERED_SETS = 256
REMEMBERED_RATINGS = 4096
# What the compiled function raises for a project the engine must score: anything it would
# report. Any other exception is a bug and propagates.
_ENGINE_REPORTS = (PlanFallback, InputError, ArithmeticError, TypeError, ValueError)


class Plan:
    """One spec's compiled scoring function and the layout of its inputs."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.fact_ids: tuple[str, ...] = tuple(spec.facts)  # the order of ``values``
        self.fact_position = {fact_id: i for i, fact_id in enumerate(self.fact_ids)}
        rated = [leaf.id for leaf in spec.leaves if leaf.rule and leaf.rule.kind == "qualitative"]
        self.rated_ids = {leaf_id: i for i, leaf_id in enumerate(rated)}  # the order of ``ratings``
        self.leaf_index = {leaf.id: i for i, leaf in enumerate(spec.leaves)}
        self._rated = [(spec.nodes[leaf_id].rule, spec.nodes[leaf_id].weight) for leaf_id in rated]
        self._full = [spec.full_marks[self.leaf_index[leaf_id]] for leaf_id in rated]
        # Remembered, bounded: a batch marks the same few indicators not applicable and repeats
        # its ratings (达成 4.5), so each is worked out once.
        self._leaves_under: dict[tuple[str, ...], frozenset[int]] = {}
        self._rated_scores: dict[tuple[int, RatingParts | None], Decimal] = {}
        self._weights: dict[frozenset[int], tuple[tuple[Decimal, ...], Decimal]] = {}
        # The functions, each compiled when first needed (most projects have every leaf apply,
        # so most callers never pay for the general one): [general, every leaf applies].
        self._functions: list[Callable[..., Totals] | None] = [None, None]
        if max(len(spec.leaves), len(spec.derived)) > MAX_PLANNED_LEAVES:
            self._functions = [_declines, _declines]

    def _function(self, complete: bool) -> Callable[..., Totals]:
        function = self._functions[complete]
        if function is None:  # two threads may both build it: the same function, harmlessly
            function = self._functions[complete] = build_function(
                self.spec, self._applicable, complete
            )
        return function

    def _applicable(self, not_applicable: frozenset[int]) -> tuple[tuple[Decimal, ...], Decimal]:
        """(each 一级指标's applicable weight, their sum), remembered per set (a batch has few)."""
        found = self._weights.get(not_applicable)
        if found is None:
            weights = applicable_weights(self.spec, not_applicable)
            found = (weights, sum(weights, ZERO))
            if len(self._weights) < REMEMBERED_SETS:
                self._weights[not_applicable] = found
        return found

    def leaves_under(self, indicators: tuple[str, ...]) -> frozenset[int]:
        """The indices of the leaves at or under these indicators (remembered: a batch marks
        the same few); PlanFallback for an unknown indicator."""
        found = self._leaves_under.get(indicators)
        if found is None:
            nodes, leaves = self.spec.nodes, set[int]()
            for key in indicators:
                node = nodes.get(key)
                if node is None:
                    raise PlanFallback  # an unknown indicator: the engine suggests the right one
                leaves.update(self.leaf_index[n.id] for n in node.walk() if n.id in self.leaf_index)
            found = frozenset(leaves)
            if len(self._leaves_under) < REMEMBERED_SETS:
                self._leaves_under[indicators] = found
        return found

    def forget_ratings(self) -> None:
        self._rated_scores.clear()

    def rated_score(self, index: int, rating: RatingParts | None) -> Decimal:
        """The score a rating (tier, score, share) gives the ``index``-th rated leaf, clamped
        and rounded; raises PlanFallback when the engine would report the rating (an unknown
        tier, a score outside it …)."""
        key = (index, rating)
        found = self._rated_scores.get(key)
        if found is None:  # ratings repeat (达成 4.5): each is worked out once (bounded)
            rule, weight = self._rated[index]
            try:
                points = rule.rate(rating, weight)[1]  # type: ignore[union-attr]
            except InputError:
                raise PlanFallback from None
            found = leaf_score(self.spec, points, weight)
            full = self._full[index]
            if found == full:
                found = full  # the same digits: the spec's one object, as the plan gives it
            if len(self._rated_scores) >= REMEMBERED_RATINGS:
                self._rated_scores.clear()
            self._rated_scores[key] = found
        return found

    def totals(
        self,
        values: Sequence[Value | None],
        ratings: Sequence[Decimal | None],
        not_applicable: frozenset[int] = NO_LEAVES,
    ) -> Totals | None:
        """The project's totals, or None: the engine must score it (and say what is wrong).

        ``values`` follows ``fact_ids`` (None: not given, and no default); ``ratings`` follows
        ``rated_ids``, each the score ``rated_score`` gave (None: no rating);
        ``not_applicable`` holds leaf indices (parents already expanded).
        """
        return self.totals_each([(values, ratings, not_applicable)])[0]

    def totals_each(
        self,
        inputs: Iterable[tuple[Sequence[Value | None], Sequence[Decimal | None], frozenset[int]]],
        skip: Container[int] = (),
    ) -> list[Totals | None]:
        """``totals`` of many projects (None for each index in ``skip``), under one switch of
        the decimal context."""
        functions, everything = self._functions, len(self.leaf_index)
        results: list[Totals | None] = []
        saved = getcontext()
        setcontext(formula_context())
        try:
            for index, (values, ratings, not_applicable) in enumerate(inputs):
                if index in skip or len(not_applicable) == everything:
                    results.append(None)  # nothing to score: the engine says so
                    continue
                complete = not not_applicable
                run = functions[complete] or self._function(complete)
                try:
                    results.append(run(values, ratings, not_applicable))
                except _ENGINE_REPORTS:
                    results.append(None)
        finally:
            setcontext(saved)
        return results


def _declines(*_: object) -> Totals:
    raise PlanFallback  # a spec too large to compile: the engine scores every project


def plan_of(spec: Spec) -> Plan:
    """The spec's plan, compiled on first use and kept as long as the spec lives."""
    return spec.built("plan", lambda: Plan(spec))
