"""The engine's path for one record, made cheaper for batch, gives what it gave before.

``jixiao batch`` hands the rows its columnar path declines to the engine one at a time, so the
engine reads a record's ratings, a spec's needs and defaults, and a repeated text once and
keeps them. Each of those is checked here against the reading it stands for: the general number
parser, the full validation of a facts mapping, and scoring from freshly read facts.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import FactsError, facts_from_mapping, facts_from_record, load_spec, score
from scoring.engine.evaluation import evaluate
from scoring.engine.scorer import engine_totals
from scoring.numbers.limits import QuantityError
from scoring.numbers.quantities import _NUMBER, _split, has_operator, parse_number, parse_target

ROOT = Path(__file__).resolve().parent.parent
SPEC = load_spec(ROOT / "indicators" / "xinfang_weiwen.yaml")
QUALITATIVE = [
    leaf.id for leaf in SPEC.leaves if leaf.rule is not None and leaf.rule.kind == "qualitative"
]
VALUES = {
    "预算资金": "110万元",
    "到位资金": "1,100,000元",
    "实际支出": "109.05万元",
    "违规问题数": "1",
    "交办件数": "7",
    "交办件办结数": "7",
    "按期办结数": "6件",
    "接访批次": "158",
    "接访人次": "600",
    "登记建档批次": "150",
    "培训人次": "480",
    "非访次数": "0",
    "满意度": "92.5%",
}


def _general(text: str) -> Decimal:
    """``parse_number`` by the general pattern alone (what the fast path stands for)."""
    number, unit = _split(text, _NUMBER)
    assert not unit
    return number


PLAIN_NUMBERS = st.builds(
    lambda sign, whole, frac: f"{sign}{whole}{frac}",
    st.sampled_from(["", "-", "+"]),
    st.from_regex(r"[0-9]{1,16}", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r"\.[0-9]{1,11}", fullmatch=True)),
)


@given(PLAIN_NUMBERS)
@settings(max_examples=examples(300), deadline=None)
def test_plain_numbers_read_as_the_general_parser_reads_them(text: str) -> None:
    """Digits, exponent and sign of zero all as the general pattern gives them, or its error."""
    try:
        expected: Decimal | str = _general(text)
    except QuantityError as exc:
        expected = f"{exc.code}: {exc}"
    try:
        found: Decimal | str = parse_number(text)
    except QuantityError as exc:
        found = f"{exc.code}: {exc}"
    assert str(found) == str(expected)


@pytest.mark.parametrize("text", ["-0", "-0.00", "+0.0", "000012.50", "123456789012345"])
def test_plain_number_edges(text: str) -> None:
    assert str(parse_number(text)) == str(_general(text))


# Pieces of what a value cell may hold around a range: operators (symbols, words, full-width),
# numbers, units, the suffixes 以上/以下/以内, spaces and look-alike characters.
RANGE_PIECES = st.sampled_from(
    ["≥", "≤", ">", "<", "＞", "=", "不低于", "不超过", "大于", "低于", "以上", "以下", "及以上",
     "以内", "90", "1,00", ".5", "%", "％", "万元", "件", " ", "　", "²", "О", "9０", "x", "-"]
)  # fmt: skip


@given(st.lists(RANGE_PIECES, max_size=5).map("".join))
@settings(max_examples=examples(400), deadline=None)
def test_a_text_without_an_operator_is_no_range(text: str) -> None:
    """has_operator, which spares a value that is no range the whole parse, is never wrong:
    where it finds no operator, parse_target finds none (or refuses the text)."""
    try:
        op = parse_target(text).op
    except QuantityError:
        op = None
    if op is not None:
        assert has_operator(text)


def _record(ratings: dict[str, dict[str, Any]], **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "project": {"name": "测试", "year": "2021"},
        "values": dict(VALUES),
        "ratings": ratings,
    }
    record.update(changes)
    return record


GOOD_RATINGS = {leaf: {"tier": "达成", "score": "0"} for leaf in QUALITATIVE}
for _leaf in SPEC.leaves:
    if _leaf.id in GOOD_RATINGS:
        GOOD_RATINGS[_leaf.id]["score"] = str(_leaf.weight * Decimal("0.9"))

# What a rating's cells may hold: good, out of its tier, not numbers, extra keys, wrong types.
RATING_PARTS = st.one_of(
    st.builds(
        lambda tier, score: {"tier": tier, "score": score},
        st.sampled_from(["达成", "部分达成", "未达成", "满分", "1,00,000元"]),
        st.sampled_from(["0.5", "1.9", "2.70", "abc", "1,00,000元", "110美元", "1e999", "-1"]),
    ),
    st.builds(
        lambda share: {"tier": "达成", "share": share},
        st.sampled_from(["90%", "0.85", "120%", "ninety", "-5%"]),
    ),
    st.sampled_from(
        [
            {"tier": "达成", "score": "2.8", "colour": "red"},
            {"tier": 5, "score": "2.8"},
            {"tier": "达成", "score": ["2.8"]},
            {"tier": "达成", "score": Decimal("2.80")},
            {"tier": "达成", "score": 2},
            {"tier": "达成", "score": "2.8", "narrative": 7},
            "达成",
            None,
            {},
        ]
    ),
)
# Other parts of the record: each sends it to the full validation, or not.
OTHER_PARTS: list[dict[str, Any]] = [
    {},
    {"project": {"name": "测试", "year": "明年"}},
    {"values": {**VALUES, 1: "2"}},  # a library mapping's key that is no text
    {"not_applicable": {"服务对象满意度": "未调查"}},
    {"deviations": {7: "x"}},
]
RECORDS = st.builds(
    lambda changed, extra: _record(
        {**{k: dict(v) for k, v in GOOD_RATINGS.items()}, **changed}, **extra
    ),
    st.dictionaries(st.sampled_from(QUALITATIVE), RATING_PARTS, max_size=4),
    st.sampled_from(OTHER_PARTS),
)


def _outcome(record: dict[str, Any], read: Any) -> str:
    try:
        facts = read(record, file="a.csv:row 3")
    except FactsError as exc:
        return "refused: " + str(exc)
    try:
        return repr(engine_totals(SPEC, facts))
    except FactsError as exc:
        return "scored: " + str(exc)


@given(RECORDS)
@settings(max_examples=examples(250), deadline=None)
def test_records_read_as_the_full_validation_reads_them(record: dict[str, Any]) -> None:
    """facts_from_record refuses what facts_from_mapping refuses, with the same problems (a bad
    rating's own validation included), and scores the rest the same."""
    assert _outcome(record, facts_from_record) == _outcome(record, facts_from_mapping)


def test_two_bad_ratings_are_both_reported() -> None:
    ratings = {k: dict(v) for k, v in GOOD_RATINGS.items()}
    ratings[QUALITATIVE[0]] = {"tier": "达成", "score": "abc"}
    ratings[QUALITATIVE[3]] = {"tier": "达成", "score": "2.8", "colour": "red"}
    with pytest.raises(FactsError) as fast:
        facts_from_record(_record(ratings), file="a.csv:row 3")
    assert [p.code for p in fast.value.problems] == ["wrong-type", "unknown-key"]
    assert str(fast.value).startswith(f"a.csv:row 3: ratings.{QUALITATIVE[0]}.score: ")


def test_rows_share_their_ratings_and_score_as_fresh_ones() -> None:
    """Records read from the same cells share rating objects (read once); each scores as a
    freshly read record does, tree and words included."""
    record = _record({k: dict(v) for k, v in GOOD_RATINGS.items()})
    first, second = facts_from_record(record), facts_from_record(record)
    assert all(first.ratings[k] is second.ratings[k] for k in first.ratings)
    fresh = facts_from_mapping(record)
    assert score(SPEC, first).to_dict() == score(SPEC, fresh).to_dict()
    assert score(SPEC, second).to_dict() == score(SPEC, fresh).to_dict()


def test_scores_written_with_other_digits_keep_their_own() -> None:
    """2.8 and 2.80 are equal ratings of different digits: each record keeps its own."""
    leaf = QUALITATIVE[0]
    shown = []
    for text in ("2.8", "2.80"):
        ratings = {k: dict(v) for k, v in GOOD_RATINGS.items()}
        ratings[leaf] = {"tier": "达成", "score": text}
        state = evaluate_in_private(facts_from_record(_record(ratings)))
        shown.append(str(state.leaves[leaf].outcome.points))
    assert shown == ["2.8", "2.80"]


def evaluate_in_private(facts: Any) -> Any:
    from scoring.engine.scorer import in_private_context

    return in_private_context(evaluate)(SPEC, facts)


def test_a_callers_context_is_the_one_a_direct_evaluation_computes_in() -> None:
    """Outside the private context (a direct call of evaluate), the rules compute under the
    caller's context, as they always did; records sharing a rating do not change that."""
    ratings = {k: dict(v) for k, v in GOOD_RATINGS.items()}
    ratings[QUALITATIVE[0]] = {"tier": "达成", "share": "0.8333"}
    facts = facts_from_record(_record(ratings))
    private = evaluate_in_private(facts).leaves[QUALITATIVE[0]].outcome.points
    with localcontext() as ctx:
        ctx.prec = 3
        coarse = evaluate(SPEC, facts).leaves[QUALITATIVE[0]].outcome.points
    weight = SPEC.nodes[QUALITATIVE[0]].weight
    with localcontext() as ctx:
        ctx.prec = 3
        assert coarse == Decimal("0.8333") * weight
    assert private == Decimal("0.8333") * weight


def test_missing_facts_name_the_leaves_that_apply() -> None:
    """The leaves needing a fact are worked out for the leaves that apply to each record."""
    values = {k: v for k, v in VALUES.items() if k != "交办件数"}
    ratings = {k: dict(v) for k, v in GOOD_RATINGS.items()}
    every = _record(ratings, values=values)
    some = _record(ratings, values=values, not_applicable={"交办件办结率": "无交办件"})
    messages = []
    for record in (every, some, every):
        with pytest.raises(FactsError) as caught:
            score(SPEC, facts_from_record(record))
        messages.append(caught.value.problems[0].message)
    assert "needed by 交办件办结率, 交办件按期办结率" in messages[0]
    assert "needed by 交办件按期办结率" in messages[1]
    assert messages[2] == messages[0]


def test_a_default_is_read_for_every_record_that_leaves_it_out() -> None:
    """违规问题数 defaults to 0: left out, it scores as 0 each time; given, as given."""
    ratings = {k: dict(v) for k, v in GOOD_RATINGS.items()}
    without = {k: v for k, v in VALUES.items() if k != "违规问题数"}
    left_out = [score(SPEC, facts_from_record(_record(ratings, values=without))) for _ in "ab"]
    given_zero = score(
        SPEC, facts_from_record(_record(ratings, values={**without, "违规问题数": "0"}))
    )
    given_two = score(
        SPEC, facts_from_record(_record(ratings, values={**without, "违规问题数": "2"}))
    )
    assert left_out[0].total == left_out[1].total == given_zero.total
    assert given_two.total < given_zero.total


def test_a_text_refused_again_is_worded_in_the_language_of_the_moment() -> None:
    """A score that is no number (达成) is read once; each refusal is still worded afresh, in
    the language messages are made in then."""
    from scoring.i18n import using

    ratings = {k: dict(v) for k, v in GOOD_RATINGS.items()}
    ratings[QUALITATIVE[1]] = {"tier": "达成", "score": "达成"}
    record = _record(ratings)
    worded = []
    for lang in ("en", "zh", "en"):
        with using(lang), pytest.raises(FactsError) as caught:
            facts_from_record(record, file="a.csv:row 3")
        with using(lang), pytest.raises(FactsError) as full:
            facts_from_mapping(record, file="a.csv:row 3")
        assert str(caught.value) == str(full.value)
        worded.append(str(caught.value))
    assert worded[0] == worded[2] != worded[1]
    assert worded[0].endswith("[wrong-type]")


def test_a_value_kept_by_its_text_keeps_its_own_digits() -> None:
    """A repeated text is read once (its value kept by the measure): 480 and 480.0 are equal
    values of different digits, and each record's outcome shows its own."""
    ratings = {k: dict(v) for k, v in GOOD_RATINGS.items()}
    shown = []
    for text in ("480", "480.0", "480", "500"):
        record = _record(ratings, values={**VALUES, "培训人次": text})
        state = evaluate_in_private(facts_from_record(record))
        outcome = state.leaves["培训人次"]
        fresh = evaluate_in_private(facts_from_mapping(record)).leaves["培训人次"]
        assert outcome == fresh
        shown.append(str(outcome.outcome.actual))
    assert shown == ["480", "480.0", "480", "500"]
