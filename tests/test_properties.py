"""Invariants that hold for any spec and any facts (Hypothesis)."""

from __future__ import annotations

import functools
import random
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import ACTUALS, TARGETS, facts_for, specs

from scoring import load_spec_text, score, score_totals
from scoring.engine.scorer import engine_totals
from scoring.rules import positive, reverse
from scoring.rules.statement import formula
from scoring.spec.compiled import GradeBands


@given(st.data())
def test_scores_stay_within_their_weights(data: st.DataObject) -> None:
    """Every leaf scores within [0, weight]; parents sum their children; the total is within
    [0, total] and is the rounded sum of the leaves."""
    text, leaves = data.draw(specs())
    spec = load_spec_text(text)
    result = score(spec, data.draw(facts_for(leaves)))
    for item in result.walk():
        assert item.score is not None
        assert Decimal(0) <= item.score <= item.weight
        if item.children:
            assert item.score == sum(child.score or 0 for child in item.children)
    assert Decimal(0) <= result.total <= spec.total
    leaf_sum = sum((leaf.score or Decimal(0) for leaf in result.leaves()), Decimal(0))
    assert result.total == spec.rounding.apply(leaf_sum)


@given(st.data())
def test_scoring_is_deterministic_and_ignores_key_order(data: st.DataObject) -> None:
    """The same facts in any key order give the identical result."""
    text, leaves = data.draw(specs())
    spec = load_spec_text(text)
    facts = data.draw(facts_for(leaves))
    items = list(facts["values"].items())
    random.Random(data.draw(st.integers())).shuffle(items)
    shuffled = {"values": dict(items), "project": facts["project"]}
    assert score(spec, facts).to_dict() == score(spec, shuffled).to_dict()


@functools.cache
def _single(kind: str, target: Decimal, formula: str = "t_over_a") -> Any:
    op = "≥" if kind == "positive" else "≤"
    extra = "" if kind == "positive" else f", formula: {formula}"
    return load_spec_text(
        "id: s\nname: s\nversion: '1'\ntotal: 10\ngrades: {优: 0}\nfacts: {a: {kind: number}}\n"
        f"indicators:\n  - {{id: x, weight: 10, rule: {{kind: {kind}, actual: a, target: '{op}{target}'{extra}}}}}\n"
    )


def _leaf_score(spec: Any, actual: Decimal) -> Decimal:
    result = score(spec, {"project": {"name": "p"}, "values": {"a": str(actual)}})
    value = result.find("x").score
    assert value is not None
    return value


@given(TARGETS, ACTUALS, ACTUALS)
def test_positive_rules_are_monotone(target: Decimal, a: Decimal, b: Decimal) -> None:
    """A higher actual never scores lower under a positive (≥) rule."""
    spec = _single("positive", target)
    low, high = sorted((a, b))
    assert _leaf_score(spec, low) <= _leaf_score(spec, high)


@given(TARGETS, ACTUALS, ACTUALS, st.sampled_from(["t_over_a", "linear_to_double"]))
def test_reverse_rules_are_antitone(target: Decimal, a: Decimal, b: Decimal, formula: str) -> None:
    """A higher actual never scores higher under a reverse (≤) rule, whichever formula."""
    spec = _single("reverse", target, formula)
    low, high = sorted((a, b))
    assert _leaf_score(spec, low) >= _leaf_score(spec, high)


@given(st.lists(st.integers(0, 100), min_size=2, max_size=2, unique=True))
def test_grade_is_monotone_in_total(totals: list[int]) -> None:
    """A higher total never gets a lower grade."""
    bands = GradeBands(
        (("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)), ("差", Decimal(0)))
    )
    order = ["差", "中", "良", "优"]
    low, high = sorted(Decimal(t) for t in totals)
    assert order.index(bands.grade(low)) <= order.index(bands.grade(high))


@settings(max_examples=examples(50))
@given(st.data())
def test_one_spec_scores_identically_from_many_threads(data: st.DataObject) -> None:
    """A loaded spec shared by threads gives the same results as scoring one by one."""
    text, leaves = data.draw(specs())
    spec = load_spec_text(text)
    batch = [data.draw(facts_for(leaves)) for _ in range(8)]
    expected = [score(spec, facts).to_dict() for facts in batch]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda facts: score(spec, facts).to_dict(), batch * 4))
    assert got == expected * 4


@given(st.data())
def test_score_totals_agrees_with_score(data: st.DataObject) -> None:
    """The batch path gives exactly the numbers of the full result: total, grade, top-level and
    leaf scores."""
    text, leaves = data.draw(specs())
    spec = load_spec_text(text)
    facts = data.draw(facts_for(leaves))
    full, lean = score(spec, facts), score_totals(spec, facts)
    assert (lean.total, lean.grade, lean.applicable_weight) == (
        full.total,
        full.grade,
        full.applicable_weight,
    )
    assert lean.top_scores == tuple(top.score for top in full.indicators)
    assert lean.top_applicable == tuple(top.applicable_weight for top in full.indicators)
    assert lean.leaf_scores == tuple(leaf.score for leaf in full.leaves())


_PLACES = Decimal("1e-20")
_QUANTITIES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**6), places=2)


@given(_QUANTITIES, _QUANTITIES, _QUANTITIES)
def test_a_worked_sentence_computes_what_its_rule_scores(
    actual: Decimal, target: Decimal, weight: Decimal
) -> None:
    """Where a rule's sentence writes its arithmetic in the form a reader knows (a ÷ t × w, or
    w × (1 − (a − t) ÷ t)) rather than the form computed for exact digits, the two agree."""
    cases = [(positive.PLAIN, actual <= target), (reverse.STATEMENTS["t_over_a"], actual >= target)]
    linear = reverse.STATEMENTS["linear_to_double"]
    cases.append((linear, target <= actual <= 2 * target))
    for statement, applies in cases:
        if not applies:
            continue
        quantities = {"实际值": actual, "指标值": target, "分值": weight}
        assert statement.shown is None or statement.shown != statement.otherwise
        worked = formula(statement.shown or statement.otherwise)(quantities)
        assert isinstance(worked, Decimal)
        computed = formula(statement.otherwise)(quantities)
        assert isinstance(computed, Decimal)
        assert abs(worked - computed) <= _PLACES * max(weight, Decimal(1)), statement


def test_a_rule_sentence_quotes_the_numbers_of_its_arithmetic() -> None:
    spec = _single("reverse", Decimal(100))
    result = score(spec, {"project": {"name": "p"}, "values": {"a": "125"}})
    leaf = result.find("x")
    assert (
        leaf.explanation
        == "实际完成值 125 超过年度指标值 ≤100，按 10 × 100 ÷ 125 计分，得 8 分，扣 2 分。"
    )
    assert leaf.node.rule is not None
    assert (
        leaf.node.rule.describe() == "反向：不超过 ≤100 得满分，超过按 分值 × 指标值 ÷ 实际值 计分"
    )


@given(st.data())
def test_score_is_the_same_on_every_call_and_gives_the_engine_s_numbers(
    data: st.DataObject,
) -> None:
    """score() takes one path on every call: the first result is the third's, and its numbers
    (from the compiled plan) are the engine's alone, digit for digit."""
    text, leaves = data.draw(specs())
    spec = load_spec_text(text)
    facts = data.draw(facts_for(leaves))
    first, second, third = (score(spec, facts) for _ in range(3))
    assert first.to_dict() == second.to_dict() == third.to_dict()
    reference = engine_totals(spec, facts)
    assert (first.total, first.grade, first.applicable_weight) == reference[:3]
    assert tuple(str(leaf.score) for leaf in first.leaves()) == tuple(
        str(s) for s in reference.leaf_scores
    )
