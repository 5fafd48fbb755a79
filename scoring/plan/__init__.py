"""The fast path of scoring: a spec compiled once into one function, for scoring many projects.

``plan_of(spec)`` builds (once per spec, then cached) a ``Plan`` whose ``totals`` gives the same
``Totals`` as ``engine.score_totals`` from values already read into their units — or None when
the project has anything the engine must report (a missing or unreadable value, a rating outside
its tier, a division by zero …). The caller then scores that project with the engine, which
finds and words the problem. So the plan never has to phrase an error, and it never decides one
differently: the engine is the reference, and tests/test_plan.py holds the two equal over every
shipped spec, every rule-case file and generated projects.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from decimal import Decimal, getcontext, setcontext

from ..compiled import Spec
from ..engine import totals_of
from ..expr import Value, formula_context
from ..result import Totals
from ..rules import InputError
from ..rules.base import RatingParts
from .codegen import PlanFallback, build_function

__all__ = ["NO_LEAVES", "Plan", "PlanFallback", "plan_of"]

NO_LEAVES: frozenset[int] = frozenset()  # ``na`` when every indicator applies
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
        self._function: Callable[..., tuple[Decimal | None, ...]] = build_function(spec)

    def totals(
        self,
        values: Sequence[Value | None],
        ratings: Sequence[RatingParts | None],
        not_applicable: frozenset[int] = NO_LEAVES,
    ) -> Totals | None:
        """The project's totals, or None: the engine must score it (and say what is wrong).

        ``values`` follows ``fact_ids`` (None: not given, and no default); ``ratings`` follows
        ``rated_ids``; ``not_applicable`` holds leaf indices (parents already expanded).
        """
        if len(not_applicable) == len(self.leaf_index):
            return None  # nothing to score: the engine says so
        saved = getcontext()
        setcontext(formula_context())  # one switch for the whole project
        try:
            scores = self._function(values, ratings, not_applicable)
        except _ENGINE_REPORTS:
            return None
        finally:
            setcontext(saved)
        return totals_of(self.spec, scores, complete=not not_applicable)


_PLANS: weakref.WeakKeyDictionary[Spec, Plan] = weakref.WeakKeyDictionary()


def plan_of(spec: Spec) -> Plan:
    """The spec's plan, compiled on first use and kept as long as the spec lives."""
    plan = _PLANS.get(spec)
    if plan is None:
        plan = _PLANS[spec] = Plan(spec)
    return plan
