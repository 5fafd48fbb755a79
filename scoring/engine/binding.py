"""Read a project's facts against a spec: every reference checked, every value in its unit.

All problems are collected (unknown ids with suggestions, missing facts with the indicators that
need them, wrong kinds and units, values out of bounds) so a user fixes a facts file in one pass.
What a record's reading needs of its spec (which facts each leaf reads, the defaults read) is
worked out once per spec (``needs_of``), not per record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from ..errors import Problem, did_you_mean
from ..formula.expr import Value
from ..i18n import tr, ui
from ..numbers.cell_text import is_not_applicable
from ..numbers.measure import MeasureError
from ..numbers.quantities import parse_quantity
from ..numbers.text import format_number, places_of
from ..spec.compiled import Fact, Node, Spec
from .facts import Facts
from .result import ScoreWarning

__all__ = ["Needs", "bind_values", "blank", "check_references", "needs_of", "out_of_bounds"]


def check_references(
    spec: Spec, facts: Facts, problems: list[Problem], rated: frozenset[str] | None = None
) -> dict[str, str]:
    """Check every indicator id the facts mention; return leaf id → not-applicable reason.
    ``rated``: the spec's leaves rated by a qualitative rule (``Needs.rated_leaves``), when the
    caller has them."""
    nodes = spec.nodes
    if (
        rated is not None
        and not facts.not_applicable
        and not facts.adjustments
        and facts.ratings.keys() <= rated
        and facts.deviations.keys() <= nodes.keys()
    ):
        return {}  # as most records are: every id it names is known, and takes what it is given
    for section in ("ratings", "not_applicable", "deviations"):
        for key in getattr(facts, section):
            if key not in nodes:
                problems.append(
                    facts.problem(
                        (section, key),
                        tr(
                            "unknown-indicator",
                            "unknown indicator {id!r}{hint}",
                            id=key,
                            hint=did_you_mean(key, nodes),
                        ),
                        "unknown-indicator",
                        key=True,
                    )
                )
    for key in facts.ratings:
        node = nodes.get(key)
        if node is not None and (node.rule is None or node.rule.kind != "qualitative"):
            message = (
                tr(
                    "rating-not-qualitative",
                    "indicator {id!r} is scored by rule {kind}, not qualitative: it takes no rating",
                    id=key,
                    kind=node.rule.kind,
                )
                if node.rule
                else tr(
                    "rating-not-qualitative",
                    "indicator {id!r} is scored by rule a parent, not qualitative: it takes no "
                    "rating",
                    id=key,
                )
            )
            problems.append(
                facts.problem(
                    ("ratings", key),
                    message,
                    "rating-not-qualitative",
                    key=True,
                )
            )
    for index, item in enumerate(facts.adjustments):
        node = nodes.get(item.indicator)
        if node is None:
            problems.append(
                facts.problem(
                    ("adjustments", index, "indicator"),
                    tr(
                        "unknown-indicator",
                        "unknown indicator {id!r}{hint}",
                        id=item.indicator,
                        hint=did_you_mean(item.indicator, nodes),
                    ),
                    "unknown-indicator",
                )
            )
        elif not node.is_leaf:
            problems.append(
                facts.problem(
                    ("adjustments", index, "indicator"),
                    tr(
                        "adjustment-not-leaf",
                        "adjust a leaf indicator, not {id!r} which has children",
                        id=item.indicator,
                    ),
                    "adjustment-not-leaf",
                )
            )
        elif abs(item.points) > node.weight:
            problems.append(
                facts.problem(
                    ("adjustments", index, "points"),
                    tr(
                        "out-of-range",
                        "must be between -{weight} and {weight} (the weight of {id}), got {points}",
                        weight=format_number(node.weight),
                        id=node.id,
                        points=format_number(item.points),
                    ),
                    "out-of-range",
                )
            )
        elif places_of(item.points) > spec.rounding.places:
            problems.append(
                facts.problem(
                    ("adjustments", index, "points"),
                    tr(
                        "adjustment-places",
                        "adjustment {points} has more than {places} decimal places",
                        points=item.points,
                        places=spec.rounding.places,
                    ),
                    "adjustment-places",
                )
            )
    expanded: dict[str, str] = {}
    for key, reason in facts.not_applicable.items():
        node = nodes.get(key)
        if node is None:
            continue
        if not reason.strip():
            problems.append(
                facts.problem(
                    ("not_applicable", key),
                    tr("not-applicable-reason", "give the reason this indicator does not apply"),
                    "not-applicable-reason",
                )
            )
        for below in node.walk():
            expanded[below.id] = reason
    for index, item in enumerate(facts.adjustments):
        if item.indicator in expanded:
            problems.append(
                facts.problem(
                    ("adjustments", index, "indicator"),
                    tr(
                        "adjustment-not-applicable",
                        "indicator {id!r} is marked not applicable; it cannot be adjusted",
                        id=item.indicator,
                    ),
                    "adjustment-not-applicable",
                )
            )
    return expanded


def bind_values(
    spec: Spec,
    facts: Facts,
    leaves: Sequence[Node],
    problems: list[Problem],
    warnings: list[ScoreWarning],
    needs: Needs | None = None,
) -> dict[str, Value]:
    """Every provided value read into its unit, plus defaults; missing needed facts reported.
    ``needs``: ``needs_of(spec, leaves)``, when the caller has it."""
    env: dict[str, Value] = {}
    known = spec.facts
    if needs is None:
        needs = needs_of(spec, leaves)
    needed = needs.needed
    given: set[str] = set()
    value: Value | str | None
    for name, raw in facts.values.items():
        fact = known.get(name)
        if fact is None:
            hint = (
                tr("unknown-fact", " (a derived value is computed, not given)")
                if name in needs.derived
                else did_you_mean(name, known)
            )
            message = tr("unknown-fact", "unknown fact {name!r}{hint}", name=name, hint=hint)
            problems.append(facts.problem(("values", name), message, "unknown-fact", key=True))
            continue
        if blank(raw) and (name not in needed or fact.default is not None):
            continue  # a template line left empty: the same as leaving it out
        given.add(name)
        value = _read(fact, raw, facts, ("values", name), problems, warnings)
        if value is not None and not isinstance(value, str):  # text is shown, never computed on
            env[name] = value
    for name, fact in needs.rest:  # in the spec's order: a default, or a fact a leaf needs
        if name in given:
            continue
        if fact.default is not None:
            value = needs.defaults.get(name)
            if value is None:
                value = _default(name, fact, needs.defaults, facts, problems, warnings)
            if value is not None and not isinstance(value, str):
                env[name] = value
        else:
            problems.append(
                facts.problem(
                    ("values",),
                    tr(
                        "missing-fact",
                        "missing fact {name!r} ({label}, {measure}), needed by {users}",
                        name=name,
                        label=fact.label,
                        measure=fact.measure.describe(),
                        users=", ".join(needed[name]),
                    ),
                    "missing-fact",
                )
            )
    return env


class Needs(NamedTuple):
    """What evaluating a record reads of its spec, for one set of applicable leaves."""

    needed: Mapping[str, tuple[str, ...]]  # fact id → the leaves (ids, in order) that read it
    rest: tuple[tuple[str, Fact], ...]  # facts with a default or needed, in the spec's order
    derived: frozenset[str]  # the derived values' ids (given as a fact, they are named so)
    derived_needed: frozenset[str]  # the derived values the leaves read
    rated_leaves: frozenset[str]  # the spec's leaves rated by a qualitative rule
    defaults: dict[str, Value | str]  # the spec's defaults read so far (``_default``)


def needs_of(spec: Spec, leaves: Sequence[Node]) -> Needs:
    """The ``Needs`` of ``leaves`` (the spec's applicable leaves, in order): when they are all
    of them (as in most records), worked out once and kept with the spec; for fewer, made for
    the record, sharing the spec's ``defaults``."""
    found = spec.built("needs", lambda: _needs(spec, spec.leaves, {}))
    if len(leaves) == len(spec.leaves):
        return found
    return _needs(spec, leaves, found.defaults)


def _needs(spec: Spec, leaves: Sequence[Node], defaults: dict[str, Value | str]) -> Needs:
    needed: dict[str, list[str]] = {}
    for leaf in leaves:
        for name in leaf.facts_needed:
            needed.setdefault(name, []).append(leaf.id)
    rest = tuple(
        (name, fact)
        for name, fact in spec.facts.items()
        if fact.default is not None or name in needed
    )
    derived = frozenset(d.id for d in spec.derived)
    derived_needed = frozenset().union(*(leaf.derived_needed for leaf in leaves))
    needed_by = {name: tuple(ids) for name, ids in needed.items()}
    rated = frozenset(
        leaf.id for leaf in spec.leaves if leaf.rule is not None and leaf.rule.kind == "qualitative"
    )
    return Needs(needed_by, rest, derived, derived_needed, rated, defaults)


def _default(
    name: str,
    fact: Fact,
    read: dict[str, Value | str],
    facts: Facts,
    problems: list[Problem],
    warnings: list[ScoreWarning],
) -> Value | str | None:
    """A fact's default, read as a given value is; kept in ``read`` when that reports nothing
    (a default that does not read is reported at each record, as a given value is)."""
    reported = len(problems), len(warnings)
    value = _read(fact, fact.default, facts, (), problems, warnings)
    if value is not None and (len(problems), len(warnings)) == reported:
        read[name] = value
    return value


def blank(raw: Any) -> bool:
    return raw is None or (raw.__class__ is str and (not raw or raw.isspace()))


def _read(
    fact: Fact,
    raw: Any,
    facts: Facts,
    loc: tuple[str | int, ...],
    problems: list[Problem],
    warnings: list[ScoreWarning],
) -> Value | str | None:
    if isinstance(raw, dict):
        return _read_itemised(fact, raw, facts, loc, problems, warnings)
    if blank(raw):
        problems.append(
            facts.problem(
                loc,
                tr(
                    "fact-empty",
                    "fact {name!r} is empty; give a value ({measure}) or remove the line",
                    name=fact.id,
                    measure=fact.measure.describe(),
                ),
                "fact-empty",
            )
        )
        return None
    try:
        value = fact.measure.read(raw)
    except MeasureError as exc:
        bound = fact.measure.read_range(raw)
        if bound is not None:  # "≥90%": the actual is only known to lie beyond its bound
            warnings.append(
                ScoreWarning(
                    "actual-range",
                    tr(
                        "actual-range",
                        "{label}: the actual value is written as the range {raw!r} and is scored "
                        "at its bound {bound}; fill in the value achieved",
                        label=fact.label,
                        raw=raw,
                        bound=fact.measure.display(bound),
                    ),
                )
            )
            return _within_bounds(fact, bound, facts, loc, problems)
        if is_not_applicable(raw):
            message = tr(
                "fact-not-applicable",
                "fact {name!r} is written as {raw!r} (not applicable): mark the indicators that use "
                "it under not_applicable instead",
                name=fact.id,
                raw=raw,
            )
            problems.append(facts.problem(loc, message, "fact-not-applicable"))
        else:
            message = ui("fact {name!r}: {problem}", name=fact.id, problem=exc.message)
            problems.append(facts.problem(loc, message, exc.code))
        return None
    return _within_bounds(fact, value, facts, loc, problems)


def _within_bounds(
    fact: Fact,
    value: Value | str,
    facts: Facts,
    loc: tuple[str | int, ...],
    problems: list[Problem],
) -> Value | str | None:
    """``value``, or None with a problem when it lies outside the fact's min/max."""
    beyond = out_of_bounds(fact, value)
    if beyond is not None:
        _, bound = beyond
        fields = {
            "name": fact.id,
            "value": fact.measure.display(value),
            "bound": fact.measure.display(bound),
        }
        message = (
            tr("fact-out-of-range", "fact {name!r} is {value}, below the minimum {bound}", **fields)
            if isinstance(value, Decimal) and value < bound
            else tr(
                "fact-out-of-range", "fact {name!r} is {value}, above the maximum {bound}", **fields
            )
        )
        problems.append(facts.problem(loc, message, "fact-out-of-range"))
        return None
    return value


def out_of_bounds(fact: Fact, value: Value | str) -> tuple[str, Decimal] | None:
    """("below the minimum", min) or ("above the maximum", max) when a number is out of bounds."""
    if isinstance(value, Decimal):
        if fact.min is not None and value < fact.min:
            return "below the minimum", fact.min
        if fact.max is not None and value > fact.max:
            return "above the maximum", fact.max
    return None


def _read_itemised(
    fact: Fact,
    raw: Mapping[str, Any],
    facts: Facts,
    loc: tuple[str | int, ...],
    problems: list[Problem],
    warnings: list[ScoreWarning],
) -> Value | None:
    """A value given as items (and optionally their stated total): the items are cross-checked."""
    unknown = set(raw) - {"total", "items"}
    if unknown or "items" not in raw or not isinstance(raw["items"], dict):
        problems.append(
            facts.problem(
                loc,
                tr(
                    "fact-items",
                    "fact {name!r}: an itemised value has 'items:' (name: amount) and optionally "
                    "'total:'",
                    name=fact.id,
                ),
                "fact-items",
            )
        )
        return None
    if fact.measure.kind not in ("money", "number", "count"):
        problems.append(
            facts.problem(
                loc,
                tr(
                    "fact-items",
                    "fact {name!r} is a {kind}; only amounts and counts can be itemised",
                    name=fact.id,
                    kind=fact.measure.kind,
                ),
                "fact-items",
            )
        )
        return None
    items: dict[str, Decimal] = {}
    for name, item in raw["items"].items():
        value = _read(fact, item, facts, (*loc, "items", name), problems, warnings)
        if isinstance(value, Decimal):
            items[name] = value
    if len(items) != len(raw["items"]):
        return None
    item_sum = sum(items.values(), Decimal(0))
    if "total" not in raw:
        return item_sum
    total = _read(fact, raw["total"], facts, (*loc, "total"), problems, warnings)
    if not isinstance(total, Decimal):
        return None
    if total != item_sum:
        shown = fact.measure.display
        message = tr(
            "items-mismatch",
            "{label}: the items sum to {items}, not to the total {total} (a difference of "
            "{difference}); the total is scored",
            label=fact.label,
            items=shown(item_sum),
            total=shown(total),
            difference=shown(total - item_sum),
        )
        message += _unit_slip_hint(fact, raw["items"], items, total)
        warnings.append(ScoreWarning("items-mismatch", message))
    return total


def _unit_slip_hint(
    fact: Fact, written: Mapping[str, Any], items: Mapping[str, Decimal], total: Decimal
) -> str:
    """Reports mix 元 and 万元 in one list; name the items whose unit would make the sum match."""
    unit = fact.measure.unit
    if fact.measure.kind != "money" or not unit:
        return ""
    slipped = [
        name
        for name, text in written.items()
        if isinstance(text, str) and text.strip().endswith("元") and not text.strip().endswith(unit)
    ]
    if not slipped:
        return ""
    fixed = sum(
        (
            parse_quantity(written[name]).number if name in slipped else items[name]
            for name in items
        ),
        Decimal(0),
    )
    if fixed != total:
        return ""
    listed = "、".join(f"{name} {written[name]}" for name in slipped)
    return tr(
        "items-mismatch",
        "; if the unit of {listed} is in fact {unit}, the items sum to exactly {total}{unit}: "
        "check the units",
        listed=listed,
        unit=unit,
        total=format_number(total),
    )
