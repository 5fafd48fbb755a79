"""The shipped indicator systems, profiles and project profiles under indicators/: each loads, its
cases pass with the coverage CI asks for, the two published tables reproduce their totals,
`jixiao diff` shows a profile's changes, and `jixiao init` templates report every missing value
and score once filled."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Run

from scoring import ScoringError, facts_from_mapping, load_facts, load_spec, score
from scoring.cli import main
from scoring.engine.spec_tests import run_spec_tests
from scoring.yamlio.load import load_yaml, load_yaml_file

Jixiao = Callable[..., Run]

INDICATORS = ROOT / "indicators"
EXAMPLES = ROOT / "examples"
# The figure CI passes as `jixiao test indicators/ --fail-under`: every shipped spec meets it.
FAIL_UNDER = Decimal(95)
SPECS = sorted(path for path in INDICATORS.rglob("*.yaml") if not path.name.endswith(".cases.yaml"))
# Specs whose facts come from a published report under examples/; the others take their facts
# from their first case.
SPEC_EXAMPLES = {
    "xinfang_weiwen.yaml": "hengnan_xinfang_2021.yaml",
    "projects/tianchang_flood_defence_2022.yaml": "tianchang_flood_defence_2022.yaml",
    "projects/liangping_forestry_2023.yaml": "liangping_forestry_2023.yaml",
}
TIANCHANG = ("projects/tianchang_flood_defence_2022.yaml", "tianchang_flood_defence_2022.yaml")
LIANGPING = ("projects/liangping_forestry_2023.yaml", "liangping_forestry_2023.yaml")


def _name(path: Path) -> str:
    return path.relative_to(INDICATORS).as_posix()


def test_every_standard_system_and_profile_is_shipped() -> None:
    """The national shapes, the provincial conventions and the two published tables are all there."""
    assert {_name(path) for path in SPECS} >= {
        "self_evaluation.yaml",
        "evaluation_framework.yaml",
        "department_overall.yaml",
        "xinfang_weiwen.yaml",
        "profiles/self_evaluation_hubei.yaml",
        "profiles/evaluation_framework_grades_80_70_60.yaml",
        "profiles/self_evaluation_linear_to_double.yaml",
        "profiles/self_evaluation_satisfaction_rate.yaml",
        "profiles/self_evaluation_initial_budget.yaml",
        "profiles/xinfang_weiwen_process_heavy.yaml",
        *SPEC_EXAMPLES,
    }


@pytest.mark.parametrize("path", SPECS, ids=_name)
def test_spec_loads_and_its_cases_pass_with_ci_coverage(path: Path) -> None:
    """Each spec or profile loads, carries cases, all pass, and rule-branch coverage meets CI's gate."""
    report = run_spec_tests(load_spec(path), str(path))
    assert report.cases, f"{_name(path)} has no cases"
    failures = [f"{case.name}: {f}" for case in report.cases for f in case.failures]
    assert failures == []
    assert report.coverage.leaf_percent == 100
    assert report.coverage.branch_percent >= FAIL_UNDER, report.missing_branches


def test_jixiao_test_gates_every_shipped_spec(jixiao: Jixiao) -> None:
    """`jixiao test indicators/ --fail-under 95` (the CI command) passes, one line per spec."""
    run = jixiao("test", "indicators/", "--fail-under", str(FAIL_UNDER))
    assert (run.code, run.err) == (0, "")
    lines = run.out.splitlines()
    assert len(lines) == len(SPECS)
    assert all(" passed; coverage: indicators " in line for line in lines)
    assert "indicators/xinfang_weiwen.yaml: 11 cases, 11 passed" in run.out


def _score(spec: str, example: str) -> Any:
    return score(load_spec(INDICATORS / spec), load_facts(EXAMPLES / example))


def test_tianchang_2022_reproduces_its_published_total() -> None:
    """天长市水利局 水旱灾害防御经费 2022: every target met, 880 of 880 万元 spent — total 100, 优."""
    result = _score(*TIANCHANG)
    assert (result.total, result.grade) == (Decimal(100), "优")
    assert [top.score for top in result.indicators] == [10, 50, 30, 10]
    assert result.find("预算执行率").actual_text == "100%"


def test_liangping_2023_reproduces_its_published_total_and_rows() -> None:
    """梁平区林业局 部门整体 2023: 执行率 79.27% → 7.93, the three published rows 10 each, total 97.93."""
    result = _score(*LIANGPING)
    assert (result.total, result.grade) == (Decimal("97.93"), "优")
    rows = {
        "预算执行率": ("79.27%", "7.93"),
        "森林火灾受害率": ("0%", "10"),  # ≤0.9% with actual 0: a reverse rule at zero
        "有害生物成灾率": ("0.1%", "10"),
        "管护任务完成率": ("100%", "10"),
    }
    for ident, (actual, points) in rows.items():
        leaf = result.find(ident)
        assert (leaf.actual_text, leaf.score) == (actual, Decimal(points)), ident
    assert result.find("绩效指标").score == 90


def test_diff_shows_what_moving_ten_points_to_process_changes(jixiao: Jixiao) -> None:
    """`jixiao diff` of the 信访维稳 system and its process-heavy profile on the seed report lists the
    re-weighted indicators with both weights and scores, and the total and grade."""
    run = jixiao(
        "diff",
        "indicators/xinfang_weiwen.yaml",
        "indicators/profiles/xinfang_weiwen_process_heavy.yaml",
        "examples/hengnan_xinfang_2021.yaml",
    )
    assert (run.code, run.err) == (0, "")
    rows = {line.split()[0]: line.split()[1:] for line in run.out.splitlines() if line.strip()}
    assert rows["过程"] == ["25", "35", "23.46", "33.11", "+9.65"]
    assert rows["预算执行率"] == ["5", "10", "4.96", "9.91", "+4.95"]
    assert rows["效益"] == ["25", "15", "19", "11.4", "-7.6"]
    assert rows["赴省进京零非访"] == ["5", "3", "5", "3", "-2"]
    assert rows["服务对象满意度"] == ["5", "3", "—", "—"]  # not applicable under both
    assert {"决策", "产出"}.isdisjoint(rows)  # unchanged: listed only with --all
    assert run.out.splitlines()[-1] == "total 95.85 → 95.99 (+0.14), grade 优 (unchanged)"


def test_diff_through_main_with_streams() -> None:
    """The same diff through scoring.cli.main with explicit streams names both specs in its header."""
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "diff",
            str(INDICATORS / "xinfang_weiwen.yaml"),
            str(INDICATORS / "profiles" / "xinfang_weiwen_process_heavy.yaml"),
            str(EXAMPLES / "hengnan_xinfang_2021.yaml"),
        ],
        out,
        err,
    )
    assert (code, err.getvalue()) == (0, "")
    head = out.getvalue().splitlines()[:2]
    assert head == [
        "A: 信访维稳经费项目支出绩效评价指标体系 (xinfang_weiwen v2021.1)",
        "B: 信访维稳经费项目支出绩效评价指标体系（过程加权） (xinfang_weiwen_process_heavy v2021.1-p1)",
    ]


# ---- jixiao init: templates ------------------------------------------------------------------


def _template(jixiao: Jixiao, spec: Path, tmp_path: Path) -> Path:
    out = tmp_path / "template.yaml"
    run = jixiao("init", str(spec), "-o", str(out))
    assert run.code == 0, run.err
    return out


@pytest.mark.parametrize("path", SPECS, ids=_name)
def test_untouched_template_reports_every_missing_value(
    jixiao: Jixiao, path: Path, tmp_path: Path
) -> None:
    """Scoring an untouched `jixiao init` template fails with one problem per empty fact (those
    an indicator reads and without a default) and one per qualitative indicator, all in one run."""
    spec = load_spec(path)
    facts = load_facts(_template(jixiao, path, tmp_path))
    with pytest.raises(ScoringError) as caught:
        score(spec, facts)
    problems = caught.value.problems
    used = {name for leaf in spec.leaves for name in leaf.facts_needed}
    empty = [name for name, fact in spec.facts.items() if fact.default is None and name in used]
    rated = [leaf.id for leaf in spec.leaves if leaf.rule and leaf.rule.kind == "qualitative"]
    assert sorted(p.code for p in problems) == sorted(
        ["fact-empty"] * len(empty) + ["rating-missing"] * len(rated)
    )
    assert {p.path for p in problems if p.code == "fact-empty"} == {f"values.{n}" for n in empty}


def _source_facts(path: Path) -> tuple[dict[str, Any], str]:
    """A facts mapping for the spec: its published example, else its first case's facts."""
    example = SPEC_EXAMPLES.get(_name(path))
    if example is not None:
        file = EXAMPLES / example
        return load_yaml_file(file).data, str(file)
    cases_file = path.with_name(path.stem + ".cases.yaml")
    facts = load_yaml_file(cases_file).data["cases"][0]["facts"]
    if isinstance(facts, str):
        file = (path.parent / facts).resolve()
        return load_yaml_file(file).data, str(file)
    return facts, str(cases_file)


@pytest.mark.parametrize("path", SPECS, ids=_name)
def test_template_filled_from_an_example_scores_as_the_example(
    jixiao: Jixiao, path: Path, tmp_path: Path
) -> None:
    """A template filled with an example's values and ratings scores exactly as the example does
    (lines the example leaves out are removed, as a user deletes facts none of their indicators
    use, and defaulted facts it gives are uncommented)."""
    spec = load_spec(path)
    source, where = _source_facts(path)
    template_file = _template(jixiao, path, tmp_path)
    template = load_yaml(template_file.read_text(encoding="utf-8"), str(template_file)).data
    # Optional facts (a default applies, or no indicator reads them) are commented-out lines.
    used = {name for leaf in spec.leaves for name in leaf.facts_needed}
    defaulted = [
        name for name, fact in spec.facts.items() if fact.default is not None or name not in used
    ]
    offered = {"values": [*(template["values"] or {}), *defaulted], "ratings": template["ratings"]}
    filled: dict[str, Any] = {"project": source["project"]}
    for section in ("values", "ratings"):
        given = source.get(section) or {}
        filled[section] = {key: given[key] for key in offered[section] or () if key in given}
        assert set(given) <= set(offered[section] or ()), f"{section} the template lacks"
    for section in ("not_applicable", "deviations", "adjustments"):
        if section in source:
            filled[section] = source[section]
    expected = score(spec, facts_from_mapping(source, file=where))
    result = score(spec, facts_from_mapping(filled, file=str(template_file)))
    assert (result.total, result.grade) == (expected.total, expected.grade)
    assert [leaf.score for leaf in result.leaves()] == [leaf.score for leaf in expected.leaves()]
