"""The batch summary: the same whichever way the records are cut into chunks, and equal to the
numbers worked out one record at a time with exact fractions."""

from __future__ import annotations

import functools
import itertools
from decimal import Decimal
from fractions import Fraction

from conftest import ROOT, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import Spec, load_spec
from scoring.batch.summary import KEEP, Summary
from scoring.engine.result import Totals

CENT = Decimal("0.01")


@functools.cache
def seed_spec() -> Spec:
    return load_spec(ROOT / "indicators" / "xinfang_weiwen.yaml")


_ONE_IN_TEN = st.integers(0, 9)


@functools.cache
def _leaf_cents() -> list[st.SearchStrategy[int]]:
    """Each leaf's score in cents: its whole weight, or anything from 0 to it. Made once: a
    strategy made anew for every draw costs Hypothesis more than the draw itself."""
    return [
        st.one_of(st.just(int(leaf.weight * 100)), st.integers(0, leaf.weight * 100))
        for leaf in seed_spec().leaves
    ]


@st.composite
def totals(draw: st.DrawFn) -> Totals:
    """A scored record of the seed spec: some leaves may not apply (None), the rest score
    between 0 and their weight; the 一级指标 scores and weights follow from the leaves."""
    spec = seed_spec()
    leaf_scores: list[Decimal | None] = []
    for cents_of_leaf in _leaf_cents():
        if draw(_ONE_IN_TEN) == 0:
            leaf_scores.append(None)
            continue
        cents = draw(cents_of_leaf)
        leaf_scores.append(Decimal(cents) * CENT)
    tops, weights = [], []
    for start, stop in spec.top_leaf_ranges:
        given = [(s, spec.leaves[i].weight) for i, s in enumerate(leaf_scores) if start <= i < stop]
        applied = [(s, w) for s, w in given if s is not None]
        tops.append(sum((s for s, _ in applied), Decimal(0)) if applied else None)
        weights.append(sum((w for _, w in applied), Decimal(0)) if applied else Decimal(0))
    complete = None not in leaf_scores
    top_applicable = spec.top_weights if complete else tuple(weights)
    total = sum((t for t in tops if t is not None), Decimal(0))
    grade = spec.grades.grade(total)
    applicable = sum(top_applicable, Decimal(0))
    return Totals(total, grade, applicable, tuple(tops), top_applicable, tuple(leaf_scores))


def summarised(records: list[Totals], cuts: list[int]) -> Summary:
    """The records added in chunks cut at ``cuts``, each chunk its own summary, merged in order
    (as a batch does with chunks scored here or in workers)."""
    spec = seed_spec()
    entries = [(i, f"P{i}", f"项目{i}", f"in.csv:row {i + 2}", r) for i, r in enumerate(records)]
    bounds = sorted({0, len(entries), *(c for c in cuts if 0 < c < len(entries))})
    whole = Summary.empty(spec)
    for start, stop in itertools.pairwise(bounds):
        chunk = Summary.empty(spec)
        chunk.add_many(entries[start:stop])
        whole.merge(chunk)
    return whole


def seen(summary: Summary) -> tuple[object, ...]:
    return (
        summary.records,
        dict(summary.grades),
        summary.mean_total(),
        summary.top_rates(),
        summary.losses(limit=100),
        [(r.total, r.id, r.name) for r in summary.ranked("best")],
        [(r.total, r.id, r.name) for r in summary.ranked("worst")],
        summary.render_text(),
    )


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(totals(), min_size=1, max_size=40), st.lists(st.integers(0, 40), max_size=6))
def test_any_cutting_into_chunks_gives_the_same_summary(
    records: list[Totals], cuts: list[int]
) -> None:
    assert seen(summarised(records, cuts)) == seen(summarised(records, []))


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(totals(), min_size=1, max_size=40), st.lists(st.integers(0, 40), max_size=6))
def test_summary_numbers_are_the_exact_ones(records: list[Totals], cuts: list[int]) -> None:
    """Mean score rates, points lost and the best and worst (ties: the earlier record first)
    against a one-record-at-a-time reckoning in fractions."""
    spec, summary = seed_spec(), summarised(records, cuts)
    for k, (name, rate) in enumerate(summary.top_rates()):
        pairs = [(r.top_scores[k], r.top_applicable[k]) for r in records]
        rates = [Fraction(p) / Fraction(w) for p, w in pairs if p is not None and w]
        assert name == spec.indicators[k].name
        if not rates:
            assert rate is None
        else:
            assert rate is not None
            assert abs(Fraction(rate) - sum(rates) / len(rates)) < Fraction(1, 10**20)
    expected_losses = []
    for i, leaf in enumerate(spec.leaves):
        given_scores = [r.leaf_scores[i] for r in records if r.leaf_scores[i] is not None]
        lost = leaf.weight * len(given_scores) - sum(given_scores, Decimal(0))
        if lost > 0:
            losing = sum(1 for s in given_scores if s != leaf.weight)
            share = Decimal(losing) / len(given_scores)
            expected_losses.append((leaf.name, lost, lost / len(given_scores), share))
    expected_losses.sort(key=lambda row: -row[1])
    assert summary.losses(limit=100) == expected_losses
    order = sorted(range(len(records)), key=lambda i: (-records[i].total, i))
    assert [r.id for r in summary.ranked("best")] == [f"P{i}" for i in order[:KEEP]]
    order = sorted(range(len(records)), key=lambda i: (records[i].total, i))
    assert [r.id for r in summary.ranked("worst")] == [f"P{i}" for i in order[:KEEP]]


def test_a_leaf_that_does_not_apply_is_skipped_even_when_the_weights_look_whole() -> None:
    """A leaf of weight 0 marked not applicable leaves each 一级指标's weight as it was; its None
    score must still be skipped, not added."""
    spec = seed_spec()
    scores = [*spec.full_marks]
    scores[0] = None  # as if this leaf weighed 0 and did not apply
    tops = tuple(
        sum((s for s in scores[start:stop] if s is not None), Decimal(0))
        for start, stop in spec.top_leaf_ranges
    )
    total = sum(tops, Decimal(0))
    same_weights = tuple(Decimal(w) for w in spec.top_weights)  # equal, not the spec's own
    record = Totals(total, "优", spec.total, tops, same_weights, tuple(scores))
    summary = Summary.empty(spec)
    summary.add_many([(0, "P0", "P0", "in.csv:row 2", record)])
    assert summary.records == 1
    assert summary.losses() == []  # every leaf that applies has full marks
    assert summary.leaf_applicable[0] == 0
    assert summary.leaf_applicable[1] == 1


def test_scores_are_shown_to_the_spec_s_places_with_their_trailing_zeros() -> None:
    """As the 自评表 writes them: 76.40 beside 75.78, half-up, never 76.4."""
    summary = Summary.empty(load_spec(ROOT / "indicators" / "xinfang_weiwen.yaml"))
    assert summary.places == 2
    shown = [summary.number(Decimal(text)) for text in ("76.4", "90.805", "5913", "0.6")]
    assert shown == ["76.40", "90.81", "5913.00", "0.60"]
    assert summary.number(None) == "—"
