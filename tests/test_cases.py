"""Data-driven scoring cases: every ``tests/cases/*.yaml`` file becomes one pytest param per case.

A case file is a mapping::

    spec: |                 # optional: the spec every case in the file uses by default
      id: t
      ...
    specs:                  # optional: more specs, by name
      hubei: |
        ...
    cases:
      - name: target met exactly gets the full weight    # unique within the file
        spec: hubei         # optional: a name from specs:, or a whole spec text (has a newline)
        facts: {values: {r: "90%"}}     # project: {name: 测试项目} is added when missing
        expect:
          total: "10.00"                # str(result.total), digit for digit
          grade: 优
          next_grade: {grade: 优, min: "90", points_needed: "0.01"}   # or null
          applicable_weight: "80"
          scores: {x: "10.00", parent: "12.50", dropped: null}         # null: not applicable
          rule_scores: {x: "10.00"}     # the rule's score before evaluator adjustments
          status: {x: met}              # met / missed / exceeded / rated / rated_below
          warnings: [deviation-missing]           # the codes, in order; [] = none at all
          warning_texts: ["x: ... [deviation-missing]"]   # str() of each warning, in order
          explanation: {x: ["substring", "another"]}      # substrings of the leaf's sentence
      - name: a bad value is refused
        facts: {values: {r: "99.14"}}
        expect: {error: "<facts>: values.r: ... [rate-ambiguous]"}   # whole str(FactsError)
      - name: a spec that must not load
        spec: |
          ...
        expect_spec_error: "<spec>:8:31: ... [reverse-formula-missing]"   # whole str(SpecError)
      - name: a known engine bug
        xfail: "why"        # pytest.mark.xfail(strict=True): expect holds what domain.md demands
        ...

``expect.error_codes`` (the problem codes of the FactsError, in order) or ``expect.error_contains``
(a substring of it) may stand in for ``expect.error`` where the engine raises no error today, so
the exact message is not known yet (xfail cases).
Case files are read with floats as ``Decimal`` (``score: 4.5`` stays exact) and duplicate keys
refused, so a typo cannot silently drop an expectation; unknown keys are refused for the same reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from scoring import (
    FactsError,
    Result,
    Spec,
    SpecError,
    facts_from_mapping,
    load_spec_text,
    score,
)

CASES_DIR = Path(__file__).resolve().parent / "cases"
DEFAULT_PROJECT = {"name": "测试项目"}

FILE_KEYS = {"spec", "specs", "cases"}
CASE_KEYS = {"name", "spec", "facts", "expect", "expect_spec_error", "xfail"}
EXPECT_KEYS = {
    "total",
    "grade",
    "next_grade",
    "applicable_weight",
    "scores",
    "rule_scores",
    "status",
    "warnings",
    "warning_texts",
    "explanation",
    "error",
    "error_codes",
    "error_contains",
}


class _CaseLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's parser where PyYAML has it: every test process reads the
    cases when it collects them) with exact decimals and no silently repeated keys."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", ""))


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    written: set[Any] = set()
    for key_node, _ in node.value:  # keys written here; a `<<: *base` merge may be overridden
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if key in written:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        written.add(key)
    loader.flatten_mapping(node)
    return {
        loader.construct_object(key_node, deep=True): loader.construct_object(value_node, deep=True)
        for key_node, value_node in node.value
    }


_CaseLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_CaseLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    spec_text: str
    facts: Mapping[str, Any]
    expect: Mapping[str, Any]
    expect_spec_error: str | None
    xfail: str | None

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"


def _unknown(keys: Any, allowed: set[str], where: str) -> None:
    extra = sorted(set(keys) - allowed)
    if extra:
        raise ValueError(f"{where}: unknown keys {extra}; allowed: {sorted(allowed)}")


def _load_file(path: Path) -> list[Case]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_CaseLoader)
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise TypeError(f"{path.name}: expected a mapping with a 'cases:' list")
    _unknown(data, FILE_KEYS, path.name)
    specs: dict[str, str] = dict(data.get("specs") or {})
    default_spec = data.get("spec")
    cases: list[Case] = []
    names: set[str] = set()
    used: set[str | None] = set()
    for raw in data["cases"]:
        where = f"{path.name}::{raw.get('name', '<no name>')}"
        _unknown(raw, CASE_KEYS, where)
        _unknown(raw.get("expect") or {}, EXPECT_KEYS, f"{where}: expect")
        name = raw["name"]
        if name in names:
            raise ValueError(f"{where}: duplicate case name")
        names.add(name)
        spec = raw.get("spec", default_spec)
        if spec is None:
            raise ValueError(f"{where}: no spec (give spec: in the case or the file)")
        if "\n" not in spec:
            if spec not in specs:
                raise ValueError(f"{where}: no spec named {spec!r} under specs:")
            spec = specs[spec]
        if ("expect" in raw) == ("expect_spec_error" in raw):
            raise ValueError(f"{where}: give exactly one of expect: and expect_spec_error:")
        if "expect" in raw and not raw["expect"]:
            raise ValueError(f"{where}: expect: asserts nothing")
        facts = dict(raw.get("facts") or {})
        facts.setdefault("project", DEFAULT_PROJECT)
        used.add(raw.get("spec"))
        cases.append(
            Case(
                file=path.stem,
                name=name,
                spec_text=spec,
                facts=facts,
                expect=raw.get("expect") or {},
                expect_spec_error=raw.get("expect_spec_error"),
                xfail=raw.get("xfail"),
            )
        )
    unused = sorted(set(specs) - used)
    if unused:
        raise ValueError(f"{path.name}: specs {unused} are used by no case")
    return cases


def _all_cases() -> list[Case]:
    return [case for path in sorted(CASES_DIR.glob("*.yaml")) for case in _load_file(path)]


CASES = _all_cases()


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


def _text(value: Any) -> str | None:
    """An expected number as written in the case file, as the Decimal string it must equal."""
    return None if value is None else str(value)


def _check_result(result: Result, expect: Mapping[str, Any]) -> None:
    if "total" in expect:
        assert str(result.total) == _text(expect["total"])
    if "grade" in expect:
        assert result.grade == expect["grade"]
    if "applicable_weight" in expect:
        assert str(result.applicable_weight) == _text(expect["applicable_weight"])
    if "next_grade" in expect:
        wanted = expect["next_grade"]
        got = result.next_grade
        if wanted is None:
            assert got is None
        else:
            assert got is not None
            shown = {
                "grade": got.grade,
                "min": str(got.minimum),
                "points_needed": str(got.points_needed),
            }
            assert shown == {key: str(value) for key, value in wanted.items()}
    for key, attribute in (("scores", "score"), ("rule_scores", "rule_score")):
        for indicator, wanted in (expect.get(key) or {}).items():
            got = getattr(result.find(indicator), attribute)
            assert _text(got) == _text(wanted), f"{key}[{indicator}]"
    for indicator, wanted in (expect.get("status") or {}).items():
        outcome = result.find(indicator).outcome
        assert (outcome.status if outcome else None) == wanted, f"status[{indicator}]"
    if "warnings" in expect:
        assert [w.code for w in result.warnings] == list(expect["warnings"])
    if "warning_texts" in expect:
        assert [str(w) for w in result.warnings] == list(expect["warning_texts"])
    for indicator, parts in (expect.get("explanation") or {}).items():
        sentence = result.find(indicator).explanation
        for part in [parts] if isinstance(parts, str) else parts:
            assert part in sentence, f"explanation[{indicator}] lacks {part!r}: {sentence}"


@pytest.mark.parametrize("case", [_param(case) for case in CASES], ids=lambda c: c.id)
def test_case(case: Case) -> None:
    """The case's spec and facts score to exactly the numbers, statuses and messages it expects."""
    if case.expect_spec_error is not None:
        with pytest.raises(SpecError) as caught:
            load_spec_text(case.spec_text)
        assert str(caught.value) == case.expect_spec_error
        return
    spec: Spec = load_spec_text(case.spec_text)
    expect = case.expect
    if {"error", "error_codes", "error_contains"} & set(expect):
        # Shape problems (a share above 100%, a missing reason) are found while reading the facts.
        with pytest.raises(FactsError) as caught:
            score(spec, facts_from_mapping(case.facts))
        if "error" in expect:
            assert str(caught.value) == expect["error"]
        if "error_codes" in expect:
            assert caught.value.codes == list(expect["error_codes"])
        if "error_contains" in expect:
            assert expect["error_contains"] in str(caught.value)
        return
    _check_result(score(spec, facts_from_mapping(case.facts)), expect)


def test_case_files_are_found() -> None:
    """Every case file under tests/cases loads and holds at least one case with a unique id."""
    files = sorted(CASES_DIR.glob("*.yaml"))
    assert files
    for path in files:
        assert _load_file(path), path.name
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
