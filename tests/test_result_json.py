"""``Result.to_json()``: the library's way to the JSON ``--format json`` prints, byte for byte,
with every Decimal of ``to_dict()`` a JSON number of exactly its digits."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scoring import i18n, load_facts, load_spec, score
from scoring.engine import result_json as json_format
from scoring.engine.result import Result

ROOT = Path(__file__).resolve().parent.parent


def seed_result() -> Result:
    spec = load_spec(ROOT / "indicators" / "xinfang_weiwen.yaml")
    return score(spec, load_facts(ROOT / "examples" / "hengnan_xinfang_2021.yaml"))


def test_to_json_is_what_format_json_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte for byte the golden --format json of the seed (its sha256 digests stored as …), in
    the default language the golden files are written in."""
    monkeypatch.chdir(ROOT)
    golden = (ROOT / "tests" / "golden" / "hengnan_xinfang_2021.json").read_text(encoding="utf-8")
    with i18n.using("zh"):  # warnings are worded when first read
        spec = load_spec("indicators/xinfang_weiwen.yaml")
        result = score(spec, load_facts("examples/hengnan_xinfang_2021.yaml"))
        assert json_format.render(result) == result.to_json() + "\n"
        shown = re.sub(r'"sha256": "[0-9a-f]{64}"', '"sha256": "…"', result.to_json())
    assert shown + "\n" == golden


def test_to_json_reads_back_to_to_dict_with_exact_numbers() -> None:
    result = seed_result()
    data = json.loads(result.to_json(), parse_float=Decimal)
    assert data["total"] == result.total == Decimal("95.85")
    assert str(data["total"]) == "95.85"  # not 95.84999… through a float
    assert data == json.loads(json_format.dumps(result.to_dict()), parse_float=Decimal)
    leaf = next(item for item in result.walk() if item.id == "预算执行率")
    found = [i for top in data["indicators"] for i in _walk(top) if i["id"] == "预算执行率"]
    assert [Decimal(str(i["score"])) for i in found] == [leaf.score]


def test_to_json_indent() -> None:
    result = seed_result()
    assert result.to_json(indent=4).startswith('{\n    "spec": {\n        "id": "xinfang_weiwen"')
    assert json.loads(result.to_json(indent=4)) == json.loads(result.to_json())


def _walk(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [item, *(x for child in item.get("children", []) for x in _walk(child))]
