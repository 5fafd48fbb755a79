"""An actual written as a range ("≥90%", "不低于95%", "90%以上"), as filed tables often print one,
is scored at its bound with an ``actual-range`` warning, in facts files, mappings and batch rows."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from scoring import FactsError, load_facts_text, load_spec, score
from scoring.cli import main

ROOT = Path(__file__).parent.parent
SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
YEAR_2 = ROOT / "examples" / "hengnan_xinfang_2022_constructed.yaml"


def facts_with_satisfaction(text: str) -> str:
    lines = YEAR_2.read_text(encoding="utf-8").splitlines()
    out = [f"  满意度: {text!r}" if line.startswith("  满意度:") else line for line in lines]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(
    ("written", "bound", "score_"),
    [
        ("≥85%", "85%", Decimal("4.72")),
        ("不低于85%", "85%", Decimal("4.72")),
        ("85%以上", "85%", Decimal("4.72")),
        ("≥95%", "95%", Decimal(5)),
    ],
)
def test_a_range_is_scored_at_its_bound(written: str, bound: str, score_: Decimal) -> None:
    result = score(load_spec(SPEC), load_facts_text(facts_with_satisfaction(written)))
    assert result.find("服务对象满意度").score == score_
    assert [str(w) for w in result.warnings if w.code == "actual-range"] == [
        (
            f"服务对象满意度: the actual value is written as the range '{written}' and is scored "
            f"at its bound {bound}; fill in the value achieved [actual-range]"
        )
    ]


def test_an_equals_sign_is_no_range_and_is_still_refused() -> None:
    with pytest.raises(FactsError) as refused:
        score(load_spec(SPEC), load_facts_text(facts_with_satisfaction("=85%")))
    assert str(refused.value) == (
        "<facts>:20:8: values.满意度: fact '满意度': '=85%' is not a number with a unit: "
        "unexpected text '=' before the number [not-a-number]"
    )


def test_a_range_bound_out_of_the_facts_bounds_is_refused() -> None:
    with pytest.raises(FactsError) as refused:
        score(load_spec(SPEC), load_facts_text(facts_with_satisfaction("≥120%")))
    assert refused.value.codes == ["fact-out-of-range"]


def test_the_command_shows_the_warning(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(facts_with_satisfaction("90%以上"), encoding="utf-8")
    out = io.StringIO()
    assert main(["score", str(SPEC), str(facts)], out, io.StringIO()) == 0
    assert (
        "服务对象满意度: the actual value is written as the range '90%以上' and is scored at its "
        "bound 90%; fill in the value achieved [actual-range]" in out.getvalue()
    )
