"""Bugs this suite found in modules outside its owner's files, one test each.

Each test states the input and what a user should get. An open bug is a strict xfail whose
reason says where the fix lies; when a fix lands, strict xfail reports the pass and the marker
comes off, so the test then guards the fix. Most of these were fixed while this suite was being
written (their docstrings say where); the crash among them is also skipped by the fuzz targets
(tests/test_fuzz.py KNOWN_CRASHES) so a long run goes on to find new ones.
"""

from __future__ import annotations

import pytest

from scoring import FactsError, SpecError, load_facts_text, load_spec_text, score

SPEC = """id: demo
name: 演示指标体系
version: "1"
facts:
  支出: {kind: money, unit: 万元}
indicators:
  - id: 支出
    weight: 100
    rule: {kind: positive, actual: 支出, target: "≥100万元"}
"""


def score_text(spec_text: str, facts_text: str) -> None:
    score(load_spec_text(spec_text), load_facts_text(facts_text, "facts.yaml"))


def spec_error(text: str) -> str:
    with pytest.raises(SpecError) as caught:
        load_spec_text(text, "demo.yaml")
    return str(caught.value)


def test_money_fact_with_a_non_money_unit_is_reported_not_crashed() -> None:
    """`unit: 万` (for 万元) on a money fact whose rule has a money target is one unit problem.
    (It crashed `jixiao validate` with a QuantityError traceback from measure.from_quantity
    until that was fixed during this work; the second problem is what remains.)"""
    text = SPEC.replace("unit: 万元}", "unit: 万}")
    assert spec_error(text) == (
        "demo.yaml:5:27: facts.支出.unit: money needs a unit of 元, 千元, 万元, 百万元 or 亿元, "
        "got '万' [unit-kind]"
    )


def test_huge_adjustment_points_are_refused() -> None:
    """An adjustment of 1e400 points is refused at its position. (It crashed scoring with
    decimal.InvalidOperation in binding, then was accepted and clamped with a warning printing
    1.000000000000000000000000000E+400; fixed in facts/binding during this work.)"""
    facts = (
        "project: {name: p}\nvalues: {支出: 100万元}\n"
        "adjustments:\n  - {indicator: 支出, points: 1e400, reason: 加分}\n"
    )
    with pytest.raises(FactsError) as caught:
        score_text(SPEC, facts)
    assert str(caught.value) == (
        "facts.yaml:4:29: adjustments[0].points: '1E+400' is too large: at most 15 digits are "
        "allowed before the decimal point [number-too-large]"
    )


def test_an_adjustment_beyond_the_weight_is_refused() -> None:
    """An adjustment of more points than the indicator weighs is refused, not clamped."""
    spec = load_spec_text(SPEC)
    facts = load_facts_text(
        "project: {name: p}\nvalues: {支出: 100万元}\n"
        "adjustments:\n  - {indicator: 支出, points: -120, reason: 扣分}\n",
        "facts.yaml",
    )
    with pytest.raises(FactsError) as caught:
        score(spec, facts)
    assert str(caught.value) == (
        "facts.yaml:4:29: adjustments[0].points: must be between -100 and 100 (the weight of 支出), "
        "got -120 [out-of-range]"
    )


def test_a_leaf_never_scores_above_its_weight_whatever_the_rounding() -> None:
    """A 2.5-point leaf in a spec rounded to whole points: full marks must not become 3 (and the
    total 3 out of 2.5), as it did when the engine clamped before rounding: the loader now
    refuses such a weight (weight-places)."""
    text = (
        'id: t\nname: 测试\nversion: "1"\ntotal: 2.5\ngrades: {合格: 0}\nrounding: {places: 0}\n'
        "facts:\n  a: {kind: number}\nindicators:\n"
        '  - id: x\n    weight: 2.5\n    rule: {kind: positive, actual: a, target: "≥1"}\n'
    )
    with pytest.raises(SpecError) as caught:
        load_spec_text(text)
    assert caught.value.codes == ["weight-places"]


def test_a_weight_too_large_to_be_a_score_is_refused_plainly() -> None:
    """`weight: 1e400` is refused where it is written, in one bounded line. (Two weight-sum
    messages printed a 401-digit number each until weights were bounded in spec.py.)"""
    text = SPEC.replace("weight: 100", "weight: 1e400")
    assert spec_error(text) == (
        "demo.yaml:8:13: indicators[支出].weight: '1E+400' is too large: at most 15 digits are "
        "allowed before the decimal point [number-too-large]"
    )


def test_nan_weight_is_refused_in_our_own_words() -> None:
    """`weight: NaN` reads like `weight: .nan` does. (pydantic's 'Input should be a finite
    number' came through until pydantic_errors learnt the wording.)"""
    text = SPEC.replace("weight: 100", "weight: NaN")
    assert spec_error(text) == (
        "demo.yaml:8:13: indicators[支出].weight: expected a finite number, got 'NaN' [wrong-type]"
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [("演示指标体系\n", "the text '演示指标体系'"), ("100\n", "the number 100")],
    ids=["text", "number"],
)
def test_a_lone_scalar_file_is_described_as_written(text: str, shown: str) -> None:
    """A file holding one line of text or one number says so in the user's terms. (It said
    'got a str' / 'got a Decimal' until loader.run was changed.)"""
    assert spec_error(text) == (
        f"demo.yaml:1:1: expected a mapping of spec keys (id, name, indicators …), got {shown} "
        "[spec-shape]"
    )


def test_a_facts_list_is_one_problem_not_a_cascade() -> None:
    """`facts:` written as a list is reported once, not again as an unknown name in every
    formula that uses a fact (as it was until the loader's declared names were fixed)."""
    text = SPEC.replace("facts:\n  支出: {kind: money, unit: 万元}\n", "facts:\n  - 支出\n")
    assert spec_error(text) == (
        "demo.yaml:5:3: facts: expected a mapping (key: value lines), got a list [wrong-type]"
    )


def test_children_of_the_wrong_type_are_one_problem() -> None:
    """`children:` written as a mapping is reported once, as a wrong type (it also drew a false
    'neither children nor a rule' until loader.check_indicator was fixed)."""
    text = SPEC.replace(
        '    rule: {kind: positive, actual: 支出, target: "≥100万元"}\n',
        "    children: {甲: 50, 乙: 50}\n",
    )
    assert spec_error(text) == (
        "demo.yaml:9:15: indicators[支出].children: expected a list, got a mapping [wrong-type]"
    )


def test_a_huge_rating_score_gives_a_bounded_message() -> None:
    """score: 1e400 for a qualitative indicator is refused in a message of ordinary length (it
    was printed in full, 401 digits, until rating scores were bounded)."""
    spec = SPEC.replace(
        'rule: {kind: positive, actual: 支出, target: "≥100万元"}', "rule: {kind: qualitative}"
    )
    with pytest.raises(FactsError) as caught:
        score_text(spec, "project: {name: p}\nratings:\n  支出: {tier: 达成, score: 1e400}\n")
    assert len(str(caught.value)) < 300
    assert caught.value.codes == ["number-too-large"]


def test_money_too_large_after_conversion_is_refused() -> None:
    """999,999,999,999,999 亿元 (about 10²³ 元) is refused as too large to be money: the 15-digit
    bound applies to the amount in 元, not only to the digits as written."""
    spec = load_spec_text(SPEC)
    facts = load_facts_text("project: {name: p}\nvalues: {支出: 999999999999999亿元}\n", "f.yaml")
    with pytest.raises(FactsError) as caught:
        score(spec, facts)
    assert caught.value.codes == ["number-too-large"]


def test_default_grades_on_a_small_total_say_how_to_fix_it() -> None:
    """A spec with total 10 and no grades: the message says to declare grades (it only said
    'grade 优 needs 90, above the total 10')."""
    message = spec_error(SPEC.replace("weight: 100", "weight: 10") + "total: 10\n")
    assert "grades:" in message.split("[grade-range]")[0].split(": ", 2)[-1]


def test_a_boolean_id_is_located_by_index() -> None:
    """`id: true` is located as indicators[0].id (it read indicators[True].id)."""
    text = SPEC.replace("  - id: 支出\n", "  - id: true\n")
    assert spec_error(text).startswith("demo.yaml:7:9: indicators[0].id: ")


def test_a_bad_band_share_is_located_at_the_share() -> None:
    """`share: 90个` in the first band is reported at that share, not at the whole bands list."""
    text = SPEC.replace(
        'rule: {kind: positive, actual: 支出, target: "≥100万元"}',
        "rule: {kind: bands, actual: 支出, bands: [{range: '<10万元', share: 90个}, "
        "{range: '≥10万元', points: 100}]}",
    )
    assert spec_error(text).startswith("demo.yaml:9:69: indicators[支出].rule.bands[0].share: ")
