"""facts_from_record (the batch fast path) builds the same facts as the full validation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scoring import (
    FactsError,
    facts_from_mapping,
    facts_from_record,
    load_spec,
    score,
    score_totals,
)

ROOT = Path(__file__).resolve().parent.parent
SPEC = load_spec(ROOT / "indicators" / "xinfang_weiwen.yaml")
VALUES = {
    "预算资金": "110万元",
    "到位资金": "1,100,000元",
    "实际支出": "109.05万元",
    "交办件数": "7",
    "交办件办结数": "7",
    "按期办结数": "6件",
    "接访批次": "158",
    "登记建档批次": "150",
    "培训人次": "480",
    "非访次数": "0",
}
RATINGS = {
    leaf.id: {"tier": "达成", "score": str(leaf.weight * Decimal("0.9"))}
    for leaf in SPEC.leaves
    if leaf.rule is not None and leaf.rule.kind == "qualitative"
}


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "project": {"name": "测试", "year": "2021"},
        "values": dict(VALUES),
        "ratings": {k: dict(v) for k, v in RATINGS.items()},
        "not_applicable": {"服务对象满意度": "未调查"},
    }
    record.update(changes)
    return record


@pytest.mark.parametrize(
    "record",
    [
        _record(),
        _record(ratings={**RATINGS, "立项依据充分性": {"tier": "部分达成", "share": "70%"}}),
        _record(project={"name": "有目标", "goal": {"expected": "x"}}),  # not simple: full path
        _record(deviations={"预算执行率": "结余"}),
    ],
    ids=["plain", "share", "goal", "deviation"],
)
def test_fast_facts_score_exactly_as_validated_facts(record: dict[str, Any]) -> None:
    """Scoring facts_from_record gives the same result as facts_from_mapping, lean or full."""
    fast, slow = facts_from_record(record), facts_from_mapping(record)
    assert score(SPEC, fast).to_dict() == score(SPEC, slow).to_dict()
    assert score_totals(SPEC, fast) == score_totals(SPEC, slow)


@pytest.mark.parametrize(
    "ratings",
    [
        {"立项依据充分性": {"tier": "达成", "score": "abc"}},
        {"立项依据充分性": {"tier": "达成", "score": "2.8", "colour": "red"}},
        {"立项依据充分性": {"tier": 5, "score": "2.8"}},
        {"立项依据充分性": {"score": "abc"}},  # an empty tier cell: the score is still read
    ],
    ids=["bad-score", "unknown-key", "tier-not-text", "bad-score-without-tier"],
)
def test_fast_facts_fall_back_to_the_full_messages(ratings: dict[str, Any]) -> None:
    """A record the fast path cannot read is refused with the full validation's own message."""
    record = _record(ratings={**RATINGS, **ratings})
    with pytest.raises(FactsError) as fast:
        facts_from_record(record, file="a.csv:row 3")
    with pytest.raises(FactsError) as slow:
        facts_from_mapping(record, file="a.csv:row 3")
    assert str(fast.value) == str(slow.value)


def test_a_bad_score_beside_an_empty_tier_cell_is_named() -> None:
    """A row whose tier cell is empty but whose score cell is not a number is refused for the
    score, as a facts file is, not as a rating that was never given."""
    record = _record(ratings={**RATINGS, "立项依据充分性": {"score": "abc"}})
    with pytest.raises(FactsError) as refused:
        facts_from_record(record, file="a.csv:row 3")
    assert str(refused.value) == (
        "a.csv:row 3: ratings.立项依据充分性.score: expected a number, got 'abc' [wrong-type]"
    )
