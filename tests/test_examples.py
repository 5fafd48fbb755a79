"""Every shipped spec loads; every shipped example scores; the seed example matches its golden files."""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from scoring import i18n, load_facts, load_spec, score
from scoring.report import RENDERERS

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SPECS = sorted(
    p for p in (ROOT / "indicators").rglob("*.yaml") if not p.name.endswith(".cases.yaml")
)
SEED_SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
SEED_FACTS = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
# Which spec scores which example: examples name their spec in this table.
EXAMPLES = {
    "hengnan_xinfang_2021.yaml": "xinfang_weiwen.yaml",
    "hengnan_xinfang_2022_constructed.yaml": "xinfang_weiwen.yaml",  # made up, for compare
    "tianchang_flood_defence_2022.yaml": "projects/tianchang_flood_defence_2022.yaml",
    "liangping_forestry_2023.yaml": "projects/liangping_forestry_2023.yaml",
}


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_spec_loads(path: Path) -> None:
    """Each file under indicators/ validates and compiles without a problem."""
    spec = load_spec(path)
    assert spec.leaves


def test_every_example_is_listed() -> None:
    """A new example file must say which spec scores it, so it is tested too."""
    assert sorted(EXAMPLES) == sorted(p.name for p in (ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize(("example", "spec"), sorted(EXAMPLES.items()))
def test_every_example_scores(example: str, spec: str) -> None:
    """Each example scores under its spec with no error."""
    result = score(load_spec(ROOT / "indicators" / spec), load_facts(ROOT / "examples" / example))
    assert Decimal(0) <= result.total <= result.max


def test_seed_example_reproduces_the_reports_grade() -> None:
    """The 衡南 2021 report graded itself 优; the engine agrees, with the figures in its text."""
    result = score(load_spec(SEED_SPEC), load_facts(SEED_FACTS))
    assert result.grade == "优"
    assert result.total == Decimal("95.85")
    env = result.find("预算执行率").inputs
    assert env["到位资金"] == Decimal(110)
    assert env["实际支出"] == Decimal("109.05")
    assert result.find("预算执行率").actual_text == "99.14%"
    assert result.find("资金到位率").actual_text == "100%"
    assert result.find("预算执行率").score == Decimal("4.96")
    assert [w.code for w in result.warnings] == ["items-mismatch"]


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_seed_example_matches_golden_output(fmt: str) -> None:
    """Each output format of the seed example is byte-for-byte the reviewed golden file.

    Regenerate after a deliberate change with JIXIAO_REGENERATE=1 and review the diff. Made in
    Chinese, the product's default, whatever the language of the test run: the goldens are the
    自评表 a user gets, its warnings included.
    """
    with i18n.using("zh"):
        result = score(load_spec(SEED_SPEC), load_facts(SEED_FACTS))
        text = RENDERERS[fmt](result).replace(str(SEED_SPEC), "indicators/xinfang_weiwen.yaml")
    # Content hashes change with every comment edited in the spec; they are tested elsewhere.
    text = re.sub(r'"sha256": "[0-9a-f]{64}"', '"sha256": "…"', text)
    text = re.sub(r"sha256 [0-9a-f]{12}", "sha256 …", text)  # the HTML footer's short form
    golden = (
        GOLDEN
        / f"hengnan_xinfang_2021.{ {'json': 'json', 'markdown': 'md', 'table': 'txt', 'csv': 'csv', 'html': 'html'}[fmt] }"
    )
    if os.environ.get("JIXIAO_REGENERATE"):
        golden.write_bytes(text.encode("utf-8"))  # bytes: the csv's CRLF must survive
    assert text == golden.read_bytes().decode("utf-8")


def _as_decimals(value: object) -> object:
    if isinstance(value, dict):
        return {k: _as_decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_decimals(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def test_json_output_is_exactly_to_dict() -> None:
    """The JSON text parses back (numbers as Decimal) to exactly Result.to_dict(), digits kept."""
    result = score(load_spec(SEED_SPEC), load_facts(SEED_FACTS))
    text = RENDERERS["json"](result)
    parsed = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    assert parsed == _as_decimals(result.to_dict())
    assert '"score": 13.60,' in text  # fixed places as the spec declares, not 13.6
