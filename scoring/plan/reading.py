"""Raw values → what a ``Plan`` takes, read exactly as the engine binds them, remembered by text.

A column of an export repeats itself (0, 是, 100%, 达成 …), so each fact's reader keeps the values
of the texts it has read; a text read once costs a dictionary lookup after that. Memory stays
bounded: a reader forgets everything when it has remembered ``REMEMBERED`` texts. Anything the
engine would report (an unreadable value, a value out of bounds, a broken default) raises
``PlanFallback``: the project goes to the engine, which says what is wrong.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..binding import blank, out_of_bounds
from ..compiled import Fact, Spec
from ..expr import Value
from ..facts import Facts
from ..measure import MeasureError
from ..result import Totals
from . import Plan, plan_of
from .codegen import PlanFallback

__all__ = [
    "BLANK",
    "REMEMBERED",
    "UNREADABLE",
    "ValueReader",
    "inputs_of",
    "not_applicable_leaves",
    "plan_totals",
    "readers_for",
]

REMEMBERED = 4096  # texts a column remembers before it starts afresh
BLANK: Any = object()  # a blank cell: as if not given (the default applies)
UNREADABLE: Any = object()  # a text the engine will report: never scored by the plan


class ValueReader:
    """Reads one fact's raw values (text, numbers) into its unit, as ``binding`` does."""

    def __init__(self, fact: Fact) -> None:
        self.fact = fact
        self.measure_read = fact.measure.read
        self.bounded = fact.min is not None or fact.max is not None
        self.default: Value | None = None  # what a fact not given holds
        if fact.default is not None:
            try:
                self.default = self.read(fact.default)
            except PlanFallback:
                self.default = UNREADABLE  # reported by the engine for every project

    def read(self, raw: object) -> Any:
        """The value (None for text, which is shown but never computed on), or BLANK; raises
        PlanFallback where ``binding`` reports a problem."""
        if raw.__class__ is str:
            raw = raw.strip()
            if not raw:
                return BLANK
        elif isinstance(raw, dict):
            raise PlanFallback  # itemised: the engine cross-checks the items and warns
        elif blank(raw):
            return BLANK
        try:
            value = self.measure_read(raw)
        except MeasureError:
            raise PlanFallback from None
        if self.bounded and out_of_bounds(self.fact, value) is not None:
            raise PlanFallback
        return None if value.__class__ is str else value

    def read_or_default(self, raw: object) -> Any:
        """``read``, with the fact's default (or None) for a blank value."""
        value = self.read(raw)
        return self.default if value is BLANK else value


def inputs_of(
    plan: Plan, readers: Mapping[str, ValueReader], facts: Facts
) -> tuple[list[Value | None], list[Decimal | None], frozenset[int]]:
    """A ``Facts``' values, ratings and not-applicable leaves as the plan takes them; raises
    PlanFallback for what the engine reports or warns about (adjustments, unknown ids …)."""
    spec = plan.spec
    if facts.adjustments:
        raise PlanFallback  # adjusted scores carry warnings and checks of their own
    values = [readers[fact_id].default for fact_id in plan.fact_ids]
    for name, raw in facts.values.items():
        reader = readers.get(name)
        if reader is None:
            raise PlanFallback  # an unknown fact
        value = reader.read(raw)
        if value is not BLANK:
            values[plan.fact_position[name]] = value
    if any(value is UNREADABLE for value in values):
        raise PlanFallback
    rated = plan.rated_ids
    if not facts.ratings.keys() <= rated.keys() or not facts.deviations.keys() <= spec.nodes.keys():
        raise PlanFallback  # unknown indicators, or a rating for a rule that takes none
    ratings: list[Decimal | None] = [None] * len(rated)
    for leaf_id, rating in facts.ratings.items():
        index = rated[leaf_id]
        ratings[index] = plan.rated_score(index, (rating.tier, rating.score, rating.share))
    return values, ratings, not_applicable_leaves(plan, facts.not_applicable)


def not_applicable_leaves(plan: Plan, reasons: Mapping[str, str]) -> frozenset[int]:
    """The indices of the leaves under each indicator marked not applicable (with a reason)."""
    if not reasons:
        return frozenset()
    nodes = plan.spec.nodes
    leaves: set[int] = set()
    for key, reason in reasons.items():
        node = nodes.get(key)
        if node is None or not reason.strip():
            raise PlanFallback  # unknown indicator, or no reason given
        leaves.update(plan.leaf_index[n.id] for n in node.walk() if n.id in plan.leaf_index)
    return frozenset(leaves)


def readers_for(spec: Spec) -> dict[str, ValueReader]:
    return {fact_id: ValueReader(fact) for fact_id, fact in spec.facts.items()}


_READERS: weakref.WeakKeyDictionary[Spec, dict[str, ValueReader]] = weakref.WeakKeyDictionary()


def plan_totals(spec: Spec, facts: Facts) -> Totals | None:
    """A project's totals through the spec's plan, or None: the engine must score it."""
    readers = _READERS.get(spec)
    if readers is None:
        readers = _READERS[spec] = readers_for(spec)
    plan = plan_of(spec)
    try:
        inputs = inputs_of(plan, readers, facts)
    except PlanFallback:
        return None
    return plan.totals(*inputs)
