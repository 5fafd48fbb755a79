"""The jixiao command: exit codes, whole outputs and whole error messages."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, Run

from scoring.cli import main
from scoring.commands import COMMANDS

SPEC = "indicators/xinfang_weiwen.yaml"
FACTS = "examples/hengnan_xinfang_2021.yaml"
DATA = Path(__file__).resolve().parent / "data"

Jixiao = Callable[..., Run]


def test_validate_ok_exits_zero(jixiao: Jixiao) -> None:
    """A valid spec validates with exit 0 and a one-line summary on stdout."""
    run = jixiao("validate", SPEC)
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "indicators/xinfang_weiwen.yaml: ok (信访维稳经费项目支出绩效评价指标体系 v2021.1: "
        "39 indicators, 23 scored, total 100)\n"
    )


def test_validate_reports_every_problem_in_one_run(jixiao: Jixiao) -> None:
    """Duplicate keys, unknown keys, bad grades, formula names and constructs, cycles, band gaps and
    overlaps, unknown rule kinds and weight sums all come out of one run, located, in line order."""
    run = jixiao("validate", "tests/data/every_problem.yaml")
    assert run.code == 1
    assert run.out == ""
    assert run.err == (DATA / "every_problem.expected").read_text(encoding="utf-8")
    codes = [line.rsplit("[", 1)[1].rstrip("]") for line in run.err.splitlines()]
    assert codes == [
        "grade-order",
        "duplicate-key",
        "unknown-key",
        "formula-unknown-name",
        "formula-forbidden",
        "derived-cycle",
        "weight-sum",
        "band-overlap",
        "band-gap",
        "bad-rule-kind",
        "weight-sum",
    ]


def test_validate_several_files_reports_each(jixiao: Jixiao) -> None:
    """With several specs, good ones are confirmed on stdout and bad ones reported on stderr."""
    run = jixiao("validate", SPEC, "tests/data/every_problem.yaml")
    assert run.code == 1
    assert run.out.startswith("indicators/xinfang_weiwen.yaml: ok")
    assert run.err.startswith("tests/data/every_problem.yaml:5:20: grades.良:")


def test_validate_yaml_syntax_error(jixiao: Jixiao, tmp_path: Path) -> None:
    """A YAML syntax error is reported with its position and no traceback."""
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: x\nindicators: [\n  {id: a\n", encoding="utf-8")
    run = jixiao("validate", str(bad))
    assert run.code == 1
    assert "Traceback" not in run.err
    assert run.err.startswith(f"{bad}:4:1: ")
    assert run.err.endswith("[yaml-syntax]\n")


def test_validate_missing_file(jixiao: Jixiao) -> None:
    """A spec path that does not exist is an input error (exit 1), not a crash."""
    run = jixiao("validate", "indicators/nope.yaml")
    assert run.code == 1
    assert run.err == "indicators/nope.yaml: no such file [file-unreadable]\n"


def test_score_table_is_the_filed_form(jixiao: Jixiao) -> None:
    """The default output is the 自评表 with total and grade at the foot."""
    run = jixiao("score", SPEC, FACTS)
    assert run.code == 0
    assert "│ 一级指标   │ 二级指标   │ 三级指标" in run.out
    assert "自评得分 95.85　自评等级 优" in run.out


def test_score_json_prints_grade(jixiao: Jixiao) -> None:
    """--format json prints the result with total, grade, max, spec and the indicator tree."""
    run = jixiao("score", SPEC, FACTS, "--format", "json")
    assert run.code == 0
    data = json.loads(run.out)
    assert (data["grade"], data["total"], data["max"]) == ("优", 95.85, 100)
    assert data["spec"]["id"] == "xinfang_weiwen"
    assert len(data["spec"]["sha256"]) == 64
    assert [top["id"] for top in data["indicators"]] == ["决策", "过程", "产出", "效益"]
    assert {"adjustments", "warnings", "project"} <= data.keys()


def test_score_output_file(jixiao: Jixiao, tmp_path: Path) -> None:
    """-o writes the output to a file and says so on stderr, after the warnings."""
    out = tmp_path / "r.md"
    run = jixiao("score", SPEC, FACTS, "-f", "markdown", "-o", str(out))
    assert run.code == 0
    assert run.out == ""
    assert run.err.startswith(f"{FACTS}: warning: 实际支出资金: the items sum to 89.052万元, not ")
    assert run.err.endswith(f"check the units [items-mismatch]\nwrote {out}: 95.85 优\n")
    assert out.read_text(encoding="utf-8").startswith("# 信访维稳经费 绩效自评表")


def test_score_reports_every_facts_problem(jixiao: Jixiao) -> None:
    """Missing facts (with the indicators needing them), wrong units, an ambiguous rate, an unknown
    fact, missing ratings and tier mismatches are all reported at once, located."""
    run = jixiao("score", SPEC, "tests/data/facts_problems.yaml")
    assert run.code == 1
    assert run.out == ""
    assert run.err == (DATA / "facts_problems.expected").read_text(encoding="utf-8")


def test_explain_lists_losses(jixiao: Jixiao) -> None:
    """explain lists the lost points biggest first."""
    run = jixiao("explain", SPEC, FACTS)
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[1] == "共失分 3.94 分（9 项指标）；按失分从多到少："
    assert lines[3] == "1. 过程 / 资金管理 / 资金使用合规性  扣 1.00 / 5 分"


def test_explain_one_indicator(jixiao: Jixiao) -> None:
    """explain with an indicator id shows its rule, target, actual, inputs and explanation."""
    run = jixiao("explain", SPEC, FACTS, "预算执行率")
    assert run.code == 0
    assert run.out.splitlines()[:7] == [
        "过程 / 资金管理 / 预算执行率（预算执行率）",
        "分值 5，得分 4.96",
        "评分标准：实际支出 ÷ 实际到位资金 × 100%；执行率 × 分值。",
        "规则：正向：达到 ≥100% 得满分，未达到按 实际值 ÷ 指标值 × 分值 计分",
        "年度指标值：≥100%",
        "实际完成值：99.14%",
        "  实际到位资金（到位资金）= 110万元",
    ]


def test_explain_unknown_indicator_is_usage_error(jixiao: Jixiao) -> None:
    """An unknown indicator id is a usage error with a suggestion."""
    run = jixiao("explain", SPEC, FACTS, "预算执行")
    assert run.code == 2
    assert run.err == (
        "jixiao: error: unknown indicator '预算执行' in indicators/xinfang_weiwen.yaml; "
        "did you mean '预算执行率'?\n"
    )


def test_explain_takes_an_indicator_by_its_name_as_the_table_shows_it(jixiao: Jixiao) -> None:
    """The 自评表 shows names (满意度指标), the spec keys ids (满意度): either works, and a
    near miss of a name suggests the id it belongs to."""
    by_name = jixiao("explain", SPEC, FACTS, "满意度指标")
    assert (by_name.code, by_name.err) == (0, "")
    assert by_name.out == jixiao("explain", SPEC, FACTS, "满意度").out
    near = jixiao("explain", SPEC, FACTS, "信访业务培训人次")
    assert near.code == 2
    assert near.err == (
        "jixiao: error: unknown indicator '信访业务培训人次' in indicators/xinfang_weiwen.yaml; "
        "did you mean '培训人次' (信访维稳业务培训人次)?\n"
    )


def test_explain_refuses_a_name_that_several_indicators_share(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    """Two indicators named alike (数量指标): the name is refused with both ids, each id works."""
    shared = ROOT / "tests" / "bad_inputs" / "_shared"
    text = (shared / "spec.yaml").read_text(encoding="utf-8")
    for leaf in ("预算执行率", "服务对象满意度"):
        text = text.replace(f"- id: {leaf}\n", f"- id: {leaf}\n        name: 数量指标\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    facts = str(shared / "facts.yaml")
    by_id = jixiao("explain", str(spec), facts, "服务对象满意度")
    assert (by_id.code, by_id.err) == (0, "")
    assert by_id.out.startswith("效益 / 数量指标（服务对象满意度）\n")
    by_name = jixiao("explain", str(spec), facts, "数量指标")
    assert (by_name.code, by_name.out) == (2, "")
    assert by_name.err == (
        f"jixiao: error: '数量指标' is the name of 2 indicators in {spec} (预算执行率, "
        "服务对象满意度); give the id\n"
    )


def test_points_out_of_their_tier_under_a_profile_say_a_share_carries_over(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    """The seed facts rate in points against the seed system's weights; under a profile with
    other weights those points fall outside their tiers, and the message says what carries over.
    A rating given as a share is not told so."""
    profile = "indicators/profiles/xinfang_weiwen_process_heavy.yaml"
    run = jixiao("score", profile, FACTS)
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        f"{FACTS}:74:5: ratings.管理制度健全性: score 5 is outside tier 达成 (达成年度指标) [5.6, 7] "
        "分（80%–100%）; choose the tier that matches the score or change the score; this spec is "
        f"a profile of {SPEC}: points given against another weighting do not carry over, a share "
        "of the weight does (share: 90%) [tier-range]"
    )
    facts = tmp_path / "facts.yaml"
    text = (ROOT / FACTS).read_text(encoding="utf-8")
    facts.write_text(text.replace("tier: 达成\n    score: 5\n", "tier: 达成\n    share: 50%\n", 1))
    first = jixiao("score", profile, str(facts)).err.splitlines()[0]
    assert first.endswith(
        "share 50% is outside tier 达成 (达成年度指标) [5.6, 7] 分（80%–100%）; "
        "choose the tier that matches the score or change the score [tier-range]"
    )


def test_usage_errors_exit_two(jixiao: Jixiao) -> None:
    """No command, or a bad option value, is a usage error: exit 2, usage on stderr."""
    assert jixiao().code == 2
    run = jixiao("score", SPEC, FACTS, "--format", "pdf")
    assert run.code == 2
    assert "invalid choice: 'pdf'" in run.err


def test_schema_is_json_schema(jixiao: Jixiao) -> None:
    """schema prints a JSON Schema that names the rule kinds; --facts the facts file's."""
    spec_schema = json.loads(jixiao("schema").out)
    assert spec_schema["$schema"].endswith("2020-12/schema")
    assert "indicators" in spec_schema["properties"]
    text = json.dumps(spec_schema, ensure_ascii=False)
    for kind in (
        "positive",
        "reverse",
        "zero_target",
        "qualitative",
        "bands",
        "deduction",
        "formula",
    ):
        assert f'"const": "{kind}"' in text
    facts_schema = json.loads(jixiao("schema", "--facts").out)
    assert {"project", "values", "ratings"} <= facts_schema["properties"].keys()


def test_python_dash_m_is_the_same_command() -> None:
    """`python -m scoring` runs the same CLI as `jixiao`."""
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "score", SPEC, FACTS, "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["grade"] == "优"


def test_review_formats_are_its_renderers() -> None:
    """The review command offers exactly the formats its renderers provide."""
    from scoring.commands.review import FORMATS
    from scoring.review.render import RENDERERS as REVIEW_RENDERERS

    assert tuple(sorted(REVIEW_RENDERERS)) == FORMATS


_FRESH = """
import os, sys
import scoring
import scoring.cli
assert "pydantic" not in sys.modules, "importing the command loaded the engine"
assert set(scoring.__all__) <= set(dir(scoring))
try:
    scoring.no_such_name
except AttributeError as exc:
    print(exc)
code = scoring.cli.main(["validate", "indicators/xinfang_weiwen.yaml"])
print(code, os.environ.get("PYDANTIC_DISABLE_PLUGINS"))
from scoring import Spec, load_spec, score, score_many
print(score(load_spec("indicators/xinfang_weiwen.yaml"), scoring.load_facts("examples/hengnan_xinfang_2021.yaml")).total)
"""


def test_the_package_loads_its_names_when_asked_and_the_command_skips_pydantic_plugins() -> None:
    """``import scoring`` loads nothing heavy: the command sets pydantic up before it is loaded
    (no plugin scan); every public name still loads when asked for."""
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    run = _fresh_python(env)
    assert run.stderr == ""
    assert run.stdout.splitlines() == [
        "module 'scoring' has no attribute 'no_such_name'",
        (
            "indicators/xinfang_weiwen.yaml: ok (信访维稳经费项目支出绩效评价指标体系 v2021.1: "
            "39 indicators, 23 scored, total 100)"
        ),
        "0 __all__",
        "95.85",
    ]
    env["PYDANTIC_DISABLE_PLUGINS"] = "0"  # the user's own setting is kept
    assert _fresh_python(env).stdout.splitlines()[2] == "0 0"


def _fresh_python(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _FRESH],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_of_every_command(command: str | None) -> None:
    """``jixiao --help`` and each ``jixiao CMD --help`` print their usage and exit 0 (argparse
    formats help text with %, so a stray percent sign in a help string is a crash)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*(() if command is None else (command,)), "--help"])
    assert code == 0
    assert out.getvalue().startswith("usage: jixiao")


def test_test_command_skips_links_out_of_the_folder(tmp_path: Path) -> None:
    """`jixiao test DIR` does not read a file in DIR that links to a file outside it."""
    (tmp_path / "outside.yaml").symlink_to(ROOT / "indicators" / "xinfang_weiwen.yaml")
    out, err = io.StringIO(), io.StringIO()
    code = main(["test", str(tmp_path)], out, err)
    assert code == 1
    assert err.getvalue() == (
        f"{tmp_path / 'outside.yaml'}: skipped: a link to a file outside the folder named "
        "[path-outside]\n"
    )
    assert out.getvalue() == ""
