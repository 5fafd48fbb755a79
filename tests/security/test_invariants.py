"""Invariants over generated specs of every rule kind and facts with n/a, ratings and adjustments
(Hypothesis, strategies in tests/strategies.py).

tests/test_properties.py already checks, on simpler specs, that leaf scores stay in their weights,
scoring is deterministic and independent of the order of facts values, positive rules are
monotone, reverse rules antitone, grades monotone, and threads agree. This module adds what needs
the richer generators: the same bounds with qualitative, bands and formula rules, not-applicable
indicators and adjustments; the total as the rounded, rescaled sum; independence from key order
anywhere in either file; numbers written any usual way; load → dump → load; monotone deduction
and zero-target rules; inputs left untouched; and any YAML-ish text raising only ScoringError.
"""

from __future__ import annotations

import contextlib
import copy
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    SpecCase,
    dump_yaml,
    facts_cases,
    spec_cases,
    value_for,
    written_value,
    yamlish_text,
)

from scoring import ScoringError, Spec, load_facts_text, load_spec_text, score
from scoring.yamlio.load import load_yaml

ROOT = Path(__file__).resolve().parents[2]
SEED = load_spec_text((ROOT / "indicators" / "xinfang_weiwen.yaml").read_text(encoding="utf-8"))
ZERO = Decimal(0)


def without_source(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = result.to_dict()
    data.pop("spec")  # file name and hash differ between equivalent texts
    return data


def signature(spec: Spec) -> tuple[Any, ...]:
    """Everything a loaded spec means, leaving out only where its text came from."""
    facts = tuple((f.id, f.label, f.measure, f.min, f.max, f.default) for f in spec.facts.values())
    derived = tuple((d.id, d.label, d.formula.source, d.measure) for d in spec.derived)
    nodes = tuple(
        (
            n.id,
            n.name,
            n.weight,
            n.level,
            n.rule.kind if n.rule else None,
            n.rule.describe() if n.rule else None,
            n.rule.target_text if n.rule else None,
        )
        for n in spec.nodes.values()
    )
    return (
        spec.id,
        spec.name,
        spec.version,
        spec.total,
        spec.rounding,
        spec.grades,
        spec.tiers,
        facts,
        derived,
        nodes,
    )


def shuffled(data: Any, rng: random.Random, ordered: bool = False) -> Any:
    """The same data with the keys of every mapping in a new order, except where the order is
    meaning: lists, and the grades mapping (listed highest first)."""
    if isinstance(data, dict):
        items = list(data.items())
        if not ordered:
            rng.shuffle(items)
        return {key: shuffled(value, rng, key == "grades") for key, value in items}
    if isinstance(data, list):
        return [shuffled(item, rng) for item in data]
    return data


# ---- bounds and the total -----------------------------------------------------------------------


@settings(max_examples=examples(50))
@given(st.data())
def test_every_rule_kind_stays_within_bounds_and_the_total_is_the_rescaled_rounded_sum(
    data: st.DataObject,
) -> None:
    """With qualitative, bands and formula rules, n/a indicators and adjustments: each applicable
    leaf scores within [0, weight] and each n/a one scores nothing; an adjusted leaf is its rule
    score plus the adjustment, clamped and rounded; parents sum their children; the total is
    Σ obtained ÷ Σ applicable × total, rounded once, within [0, total]; the grade is the band the
    total falls in."""
    case = data.draw(spec_cases())
    spec = load_spec_text(case.text)
    facts = data.draw(facts_cases(case))
    result = score(spec, facts)
    adjustments: dict[str, Decimal] = {}
    for item in facts.get("adjustments", []):
        adjustments[item["indicator"]] = adjustments.get(item["indicator"], ZERO) + item["points"]
    for item in result.walk():
        if item.not_applicable is not None:
            assert item.score is None
            continue
        assert item.score is not None
        assert ZERO <= item.score <= item.weight
        if item.children:
            assert item.score == sum((c.score or ZERO for c in item.children), ZERO)
            continue
        assert item.rule_score is not None
        assert ZERO <= item.rule_score <= item.weight
        expected = item.rule_score + adjustments.get(item.id, ZERO)
        expected = min(max(expected, ZERO), item.weight)
        assert item.score == spec.rounding.apply(expected)
    leaves = [leaf for leaf in result.leaves() if leaf.score is not None]
    obtained = sum((leaf.score for leaf in leaves), ZERO)  # type: ignore[misc]
    applicable = sum((leaf.weight for leaf in leaves), ZERO)
    assert result.applicable_weight == applicable
    raw = obtained if applicable == spec.total else obtained / applicable * spec.total
    assert result.total == spec.rounding.apply(raw)
    assert ZERO <= result.total <= spec.total
    bands = spec.grades.bands
    assert result.grade == next(name for name, minimum in bands if result.total >= minimum)


@settings(max_examples=examples(50))
@given(st.data())
def test_qualitative_ratings_keep_the_evaluators_score(data: st.DataObject) -> None:
    """A rating inside its tier is scored as given (a share as share × weight), rounded by the
    spec's policy: the engine never moves a rating."""
    case = data.draw(spec_cases())
    spec = load_spec_text(case.text)
    facts = data.draw(facts_cases(case))
    result = score(spec, facts)
    for leaf_id, rating in facts.get("ratings", {}).items():
        item = result.find(leaf_id)
        if "score" in rating:
            given_points = Decimal(rating["score"])
        else:
            given_points = Decimal(rating["share"].rstrip("%")) / 100 * item.weight
        assert item.rule_score == spec.rounding.apply(given_points)


# ---- independence from how the files are written ------------------------------------------------


@settings(max_examples=examples(50))
@given(st.data())
def test_results_do_not_depend_on_key_order_anywhere(data: st.DataObject) -> None:
    """Reordering the keys of every mapping, in the spec and in the facts, changes nothing in
    the result (lists, the order of the form, and grades, listed highest first, keep theirs)."""
    case = data.draw(spec_cases())
    facts = data.draw(facts_cases(case))
    rng = random.Random(data.draw(st.integers()))
    expected = without_source(score(load_spec_text(case.text), facts))
    spec = load_spec_text(dump_yaml(shuffled(case.data, rng)))
    assert without_source(score(spec, shuffled(facts, rng))) == expected


@settings(max_examples=examples(50))
@given(st.data())
def test_a_number_written_any_usual_way_scores_the_same(data: st.DataObject) -> None:
    """The same facts with every value written another way (万元 or 元 with separators,
    full-width digits, percent or ratio, with or without the unit) give the same result."""
    case = data.draw(spec_cases())
    spec = load_spec_text(case.text)
    first = data.draw(facts_cases(case))
    second = copy.deepcopy(first)
    for leaf in case.leaves:
        if leaf.fact is None or leaf.fact_kind is None:
            continue
        value = value_for(data.draw, leaf.fact_kind)
        first["values"][leaf.fact] = data.draw(written_value(leaf.fact_kind, value))
        second["values"][leaf.fact] = data.draw(written_value(leaf.fact_kind, value))
    assert score(spec, first).to_dict() == score(spec, second).to_dict()


@settings(max_examples=examples(50))
@given(st.data())
def test_a_spec_round_trips_through_load_dump_load(data: st.DataObject) -> None:
    """A spec loaded, dumped by a standard YAML emitter and loaded again means the same thing and
    scores the same, and its data come back unchanged: no number, text or yes/no word is changed
    on the way. JSON text of the same data means the same as the YAML."""
    case = data.draw(spec_cases())
    text = dump_yaml(case.data)
    first = load_spec_text(text, "first.yaml")
    document = load_yaml(text).data
    again = dump_yaml(document)
    assert load_yaml(again).data == document
    second = load_spec_text(again, "second.yaml")
    assert signature(second) == signature(first)
    assert signature(load_spec_text(json.dumps(document, default=str))) == signature(first)
    facts = data.draw(facts_cases(case))
    assert without_source(score(second, facts)) == without_source(score(first, facts))


@settings(max_examples=examples(50))
@given(st.data())
def test_facts_as_a_file_and_as_a_mapping_score_the_same(data: st.DataObject) -> None:
    """A facts file (YAML text) and the same facts given as a Python mapping give one result."""
    case = data.draw(spec_cases())
    spec = load_spec_text(case.text)
    facts = data.draw(facts_cases(case))
    from_text = score(spec, load_facts_text(dump_yaml(facts), "facts.yaml"))
    assert from_text.to_dict() == score(spec, facts).to_dict()


# ---- monotone rules the other property module does not cover -------------------------------------


def _single(kind: str, extra: str) -> Spec:
    return load_spec_text(
        'id: s\nname: s\nversion: "1"\ntotal: 10\ngrades: {优: 0}\n'
        "facts: {n: {kind: count, unit: 个}}\n"
        f"indicators:\n  - {{id: x, weight: 10, rule: {{kind: {kind}, actual: n{extra}}}}}\n"
    )


DEDUCTION = _single("deduction", ", per_item: 1.5, max_deduction: 8")
ZERO_TARGET = _single("zero_target", ", per_occurrence: 3")
STRICT_ZERO = _single("zero_target", "")


@given(st.integers(0, 50), st.integers(0, 50))
def test_more_problems_never_score_more(a: int, b: int) -> None:
    """Deduction (扣分制) and zero-target rules, with or without a per-occurrence deduction,
    never give more points for more problems or incidents."""
    low, high = sorted((a, b))
    for spec in (DEDUCTION, ZERO_TARGET, STRICT_ZERO):
        scores = [
            score(spec, {"project": {"name": "p"}, "values": {"n": f"{n}个"}}).total
            for n in (low, high)
        ]
        assert scores[0] >= scores[1]


# ---- inputs, and arbitrary text ---------------------------------------------------------------


@settings(max_examples=examples(50))
@given(st.data())
def test_scoring_leaves_its_inputs_untouched(data: st.DataObject) -> None:
    """score() changes neither the facts mapping it is given nor the spec it shares."""
    case: SpecCase = data.draw(spec_cases())
    spec = load_spec_text(case.text)
    facts = data.draw(facts_cases(case))
    before = copy.deepcopy(facts)
    first = score(spec, facts).to_dict()
    assert facts == before
    assert score(spec, facts).to_dict() == first


@given(st.one_of(yamlish_text(), st.text(max_size=200)))
def test_arbitrary_text_to_the_spec_loader_raises_only_scoring_errors(text: str) -> None:
    """Any text at all either loads as a spec or raises a ScoringError."""
    with contextlib.suppress(ScoringError):
        load_spec_text(text, "any.yaml")


@given(st.one_of(yamlish_text(), st.text(max_size=200)))
def test_arbitrary_text_to_the_facts_loader_raises_only_scoring_errors(text: str) -> None:
    """Any text at all, read as the facts of the seed spec, scores or raises a ScoringError."""
    with contextlib.suppress(ScoringError):
        score(SEED, load_facts_text(text, "any.yaml"))
