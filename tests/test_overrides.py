"""`--set PATH=VALUE`: a one-off change to the spec for a quick what-if, with whole messages for
what cannot be changed that way."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from scoring import load_facts, load_spec, score
from scoring.cli import main

ROOT = Path(__file__).parent.parent
SPEC = str(ROOT / "indicators" / "xinfang_weiwen.yaml")
FACTS = str(ROOT / "examples" / "hengnan_xinfang_2021.yaml")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_readme_what_if_moves_points_between_two_indicators() -> None:
    spec = load_spec(SPEC, overrides=["预算执行率.weight=7", "资金使用合规性.weight=3"])
    result = score(spec, load_facts(FACTS))
    assert result.find("预算执行率").weight == Decimal(7)
    assert result.find("资金使用合规性").weight == Decimal(3)
    code, out, _ = run(
        "score", SPEC, FACTS, "--set", "预算执行率.weight=7", "--set", "资金使用合规性.weight=3"
    )
    assert code == 0
    assert "总分 100" in out


def test_an_indicator_without_a_field_says_what_to_write() -> None:
    code, _, err = run("score", SPEC, FACTS, "--set", "预算执行率=7")
    assert code == 1
    assert err == (
        "--set: --set '预算执行率=7': name the field of '预算执行率' to change, e.g. "
        "预算执行率.weight=7; a score is not set here (give the facts, or an adjustment with its "
        "reason in the facts file) [override-syntax]\n"
    )


def test_a_weight_that_breaks_a_sum_is_located_in_the_spec_with_the_overrides_named() -> None:
    code, _, err = run("score", SPEC, FACTS, "--set", "预算执行率.weight=10")
    assert code == 1
    note, problem = err.splitlines()
    assert note == (
        "--set: the spec was changed by --set 预算执行率.weight=10 when these problems arose "
        "[override-effect]"
    )
    line = next(
        number
        for number, text in enumerate(Path(SPEC).read_text(encoding="utf-8").splitlines(), 1)
        if "id: 资金管理" in text
    )
    assert problem == (
        f"{SPEC}:{line + 1}:17: indicators[过程].children[资金管理].weight: weights of the "
        "children of '资金管理' sum to 20, but its weight is 15 (off by +5) [weight-sum]"
    )


def test_validate_a_folder_checks_specs_and_their_cases_files() -> None:
    code, out, err = run("validate", str(ROOT / "indicators"))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    cases = ROOT / "indicators" / "xinfang_weiwen.cases.yaml"
    assert any(line.startswith(f"{cases}: ok (") for line in lines)
    assert all(line.split(": ")[1].startswith("ok (") for line in lines)


def test_validate_a_cases_file_without_its_spec(tmp_path: Path) -> None:
    orphan = tmp_path / "x.cases.yaml"
    orphan.write_text("cases: []\n", encoding="utf-8")
    code, _, err = run("validate", str(orphan))
    assert code == 1
    assert err == (
        f"{orphan}: a cases file belongs beside its spec: x.yaml is missing [cases-without-spec]\n"
    )
