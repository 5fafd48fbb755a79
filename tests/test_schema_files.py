"""`jixiao schema` accepts every shipped file, as an editor or check-jsonschema reads it, and numeric
years are read everywhere a facts mapping comes from (facts files, JSON Lines, library mappings).

The files are read with PyYAML's safe loader, as editors read YAML (numbers are numbers, and a
bare date is turned into its ISO text, as check-jsonschema does), not with jixiao's own reader.
"""

from __future__ import annotations

import datetime
import functools
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from scoring.cli import main
from scoring.engine.facts import facts_from_mapping, facts_from_record, load_facts_text
from scoring.errors import FactsError

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra")

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted(
    p for p in (ROOT / "indicators").rglob("*.yaml") if not p.name.endswith(".cases.yaml")
)
CASES = sorted((ROOT / "indicators").rglob("*.cases.yaml"))
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@functools.cache
def schema(*options: str) -> Any:
    """The validator of what `jixiao schema OPTIONS` prints (checked to be a valid schema)."""
    out = io.StringIO()
    assert main(["schema", *options], stdout=out, stderr=io.StringIO()) == 0
    value = json.loads(out.getvalue())
    jsonschema.Draft202012Validator.check_schema(value)
    return jsonschema.Draft202012Validator(value)


def as_editor_reads(path: Path) -> Any:
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value.isoformat() if isinstance(value, datetime.date) else value

    return plain(yaml.safe_load(path.read_text(encoding="utf-8")))


def errors(validator: Any, data: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    ]


def test_the_shipped_files_are_all_found() -> None:
    assert len(SPECS) >= 12
    assert len(CASES) == len(SPECS)
    assert len(EXAMPLES) >= 4
    assert any("extends" in as_editor_reads(p) for p in SPECS)  # profiles are among them


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_shipped_spec_and_profile_is_valid(path: Path) -> None:
    assert errors(schema(), as_editor_reads(path)) == []


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_shipped_cases_file_is_valid(path: Path) -> None:
    assert errors(schema("--cases"), as_editor_reads(path)) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_example_is_valid_facts(path: Path) -> None:
    assert errors(schema("--facts"), as_editor_reads(path)) == []


def test_the_spec_schema_still_refuses_what_the_loader_refuses() -> None:
    """Accepting profiles did not open the schema to anything: each mistake is named."""
    validator = schema()
    system = {"id": "a", "name": "b", "version": "1", "indicators": [{"id": "x", "weight": 100}]}
    assert errors(validator, system) == []
    assert errors(validator, {**system, "patch": {}}) == [": False schema does not allow {}"]
    assert errors(validator, {"extends": "base.yaml", "indicators": []}) == [
        "indicators: [] should be non-empty",
        ": False schema does not allow []",
    ]
    assert errors(validator, {"extends": "base.yaml", "colour": 1}) == [
        ": Additional properties are not allowed ('colour' was unexpected)"
    ]
    assert errors(validator, {"extends": "jixiao:self_evaluation", "remove": ["x"]}) == []
    assert errors(validator, {"name": "b"}) == [
        ": 'id' is a required property",
        ": 'version' is a required property",
        ": 'indicators' is a required property",
    ]


def test_the_facts_schema_takes_a_year_as_number_or_text() -> None:
    validator = schema("--facts")
    for year in (2021, "2021", "2021年度"):
        assert errors(validator, {"project": {"year": year}}) == []
    assert errors(validator, {"project": {"year": 20.5}}) == [
        "project/year: 20.5 is not valid under any of the given schemas"
    ]


@pytest.mark.parametrize("read", [facts_from_mapping, facts_from_record])
def test_a_numeric_year_is_read_as_its_digits(read: Any) -> None:
    assert read({"project": {"name": "x", "year": 2021}, "values": {}}).project["year"] == "2021"


def test_a_numeric_year_from_a_json_line_is_read() -> None:
    """JSON Lines give ints (the batch reader keeps them exact); YAML gives the loader's Decimal."""
    from scoring.batch.records import JsonLineConverter
    from scoring.spec.loader import load_spec

    spec = load_spec(ROOT / "indicators" / "xinfang_weiwen.yaml")
    line = '{"project": {"name": "x", "year": 2021}, "values": {}}'
    name, record = JsonLineConverter("in.jsonl").convert(spec, 1, line)
    assert name == "x"
    assert facts_from_record(record).project == {"name": "x", "year": "2021"}
    facts = load_facts_text("project: {name: x, year: 2021}\nvalues: {}\n", "f.yaml")
    assert facts.project["year"] == "2021"


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (True, "<record>: project.year: expected text, got true [wrong-type]"),
        (
            123,
            (
                "<record>: project.year: '123' is not a year: begin with the year evaluated,"
                " such as 2021 [bad-value]"
            ),
        ),
    ],
)
def test_a_number_that_is_no_year_is_still_refused(year: object, message: str) -> None:
    with pytest.raises(FactsError) as caught:
        facts_from_record({"project": {"year": year}, "values": {}})
    assert str(caught.value) == message


def test_a_number_where_text_is_expected_is_valid_as_the_loader_reads_it() -> None:
    """`version: 2021.1` and `id: 2021` load (as their text), so editors must not flag them."""
    system = {"id": 2021, "name": "b", "version": 2021.1, "indicators": [{"id": 7, "weight": 100}]}
    assert errors(schema(), system) == []
    assert errors(schema(), {**system, "version": [1]}) == [
        "version: [1] is not valid under any of the given schemas"
    ]
