"""Raw values → what a ``Plan`` takes, read exactly as the engine binds them, remembered by text.

A column of an export repeats itself (0, 是, 100%, 达成 …), so each fact's reader keeps the values
of the texts it has read; a text read once costs a dictionary lookup after that. Memory stays
bounded: a reader forgets everything when it has remembered ``REMEMBERED`` texts. Anything the
engine would report (an unreadable value, a value out of bounds, a broken default) raises
``PlanFallback``: the project goes to the engine, which says what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ...formula.expr import Value
from ...numbers.measure import MeasureError
from ...spec.compiled import Fact, Spec
from ..binding import blank, out_of_bounds
from ..facts import Facts
from ..result import Totals
from . import Plan, plan_of
from .codegen import PlanFallback

__all__ = [
    "BLANK",
    "REMEMBERED",
    "UNREADABLE",
    "FactsReader",
    "ValueReader",
    "facts_reader",
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
        self.remembered: dict[str, Any] = {}  # text → value, for ``read_text``
        self.measure_read = fact.measure.read
        self.bounded = fact.min is not None or fact.max is not None
        self.default: Value | None = None  # what a fact not given holds
        if fact.default is not None:
            try:
                self.default = self.read(fact.default)
            except PlanFallback:
                self.default = UNREADABLE  # reported by the engine for every project

    def read(self, raw: object, if_blank: Any = BLANK) -> Any:
        """The value (None for text, which is shown but never computed on), or ``if_blank``;
        raises PlanFallback where ``binding`` reports a problem."""
        if raw.__class__ is str:
            raw = raw.strip()
            if not raw:
                return if_blank
        elif isinstance(raw, dict):
            return self.itemised(raw)
        elif blank(raw):
            return if_blank
        try:
            value = self.measure_read(raw)
        except MeasureError:
            raise PlanFallback from None
        if value.__class__ is Decimal:
            if self.bounded and out_of_bounds(self.fact, value) is not None:
                raise PlanFallback
            return value
        return None if value.__class__ is str else value

    def read_text(self, raw: object) -> Any:
        """``read``, remembering what each text gave (bounded): projects repeat their texts."""
        if raw.__class__ is not str:
            return self.read(raw)
        found = self.remembered.get(raw, UNREADABLE)
        if found is UNREADABLE:
            found = self.read(raw)  # raises for what the engine reports: never remembered
            if len(self.remembered) >= REMEMBERED:
                self.remembered.clear()
            self.remembered[raw] = found
        return found

    def quick_reader(self) -> Callable[[Any], Any] | None:
        """For a money fact, whose amounts never repeat (remembering them is wasted): a function
        of a cell giving what ``read`` gives for the common case, at a third of the cost, and
        None for anything else (a blank, a number, an unusual text, a value out of bounds),
        which ``read`` must then read. None for other facts."""
        measure = self.fact.measure
        if measure.kind != "money":
            return None
        read_money, least, most = measure.money_text_reader(), self.fact.min, self.fact.max

        def quick(cell: Any) -> Any:
            if cell.__class__ is not str:
                return None
            value = read_money(cell.strip())
            if value is None or (least is not None and value < least):
                return None
            return None if most is not None and value > most else value

        return quick

    def read_or_default(self, raw: object) -> Any:
        """``read``, with the fact's default (or None) for a blank value."""
        return self.read(raw, self.default)

    def itemised(self, raw: Mapping[str, Any]) -> Decimal:
        """An itemised value, as ``binding`` reads it: the stated total, else the items' sum.
        (Whether they agree is a warning, worked out with the rest of the result's details.)"""
        items = raw.get("items")
        if raw.keys() - {"total", "items"} or not isinstance(items, dict):
            raise PlanFallback
        if self.fact.measure.kind not in ("money", "number", "count"):
            raise PlanFallback
        amounts = [self.read_text(item) for item in items.values()]
        for amount in amounts:
            if amount.__class__ is not Decimal:
                raise PlanFallback  # a blank item: the engine reports it
        if "total" not in raw:
            return sum(amounts, Decimal(0))
        total = self.read_text(raw["total"])
        if not isinstance(total, Decimal):
            raise PlanFallback
        return total


class FactsReader:
    """Reads a ``Facts`` into what its spec's plan takes, with the spec's value readers (which
    remember the texts they have read)."""

    def __init__(self, plan: Plan, readers: Mapping[str, ValueReader]) -> None:
        self.plan = plan
        self.readers = readers
        self.defaults = [readers[fact_id].default for fact_id in plan.fact_ids]  # copied per use
        self.broken_default = UNREADABLE in self.defaults  # reported by the engine every time
        self.rated = plan.rated_ids
        self.indicators = plan.spec.nodes.keys()

    def inputs(
        self, facts: Facts
    ) -> tuple[list[Value | None], list[Decimal | None], frozenset[int]]:
        """The values, ratings and not-applicable leaves as the plan takes them; raises
        PlanFallback for what the engine reports or warns about (adjustments, unknown ids …)."""
        if facts.adjustments or self.broken_default:
            raise PlanFallback  # adjusted scores carry warnings and checks of their own
        plan, readers, values = self.plan, self.readers, self.defaults.copy()
        position = plan.fact_position
        for name, raw in facts.values.items():
            reader = readers.get(name)
            if reader is None:
                raise PlanFallback  # an unknown fact
            # What the reader remembers of this text, looked up here: a call less per value.
            value = reader.remembered.get(raw, UNREADABLE) if raw.__class__ is str else UNREADABLE
            if value is UNREADABLE:
                value = reader.read_text(raw)
            if value is not BLANK:
                values[position[name]] = value
        rated = self.rated
        if (
            not facts.ratings.keys() <= rated.keys()
            or not facts.deviations.keys() <= self.indicators
        ):
            raise PlanFallback  # unknown indicators, or a rating for a rule that takes none
        ratings: list[Decimal | None] = [None] * len(rated)
        rated_score = plan.rated_score
        for leaf_id, rating in facts.ratings.items():
            index = rated[leaf_id]
            ratings[index] = rated_score(index, (rating.tier, rating.score, rating.share))
        return values, ratings, not_applicable_leaves(plan, facts.not_applicable)

    def totals(self, facts: Facts) -> Totals | None:
        """The project's totals through the plan, or None: the engine must score it."""
        try:
            inputs = self.inputs(facts)
        except PlanFallback:
            return None
        return self.plan.totals(*inputs)


def not_applicable_leaves(plan: Plan, reasons: Mapping[str, str]) -> frozenset[int]:
    """The indices of the leaves under each indicator marked not applicable (with a reason)."""
    if not reasons:
        return frozenset()
    for reason in reasons.values():
        if not reason.strip():
            raise PlanFallback  # no reason given: the engine asks for one
    return plan.leaves_under(tuple(reasons))


def readers_for(spec: Spec) -> dict[str, ValueReader]:
    return {fact_id: ValueReader(fact) for fact_id, fact in spec.facts.items()}


def facts_reader(spec: Spec) -> FactsReader:
    """The spec's plan and value readers, kept (with what they remember) as long as the spec."""
    return spec.built("facts reader", lambda: FactsReader(plan_of(spec), readers_for(spec)))


def plan_totals(spec: Spec, facts: Facts) -> Totals | None:
    """A project's totals through the spec's plan, or None: the engine must score it."""
    return facts_reader(spec).totals(facts)
