"""Numbers, look-alike characters, files a spec names, and the sizes a spec can reach (issue 14).

Library calls given what a file cannot hold (ints of 5,000 digits, Decimal('sNaN'), a list for
facts, a caller's decimal context of 2 digits); paths in ``extends:`` and case facts that lead
out of the spec's folder, through ``..`` or a symbolic link; and specs with thousands of leaves
or chained derived values, which must load in time linear in their size and score at any size
without reaching the recursion limit. Each refusal is asserted as its whole message. The
command-line forms of the same inputs are cases of tests/bad_inputs/.
"""

from __future__ import annotations

import decimal
import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from security.limits import assert_bounded

from scoring import (
    ScoringError,
    SpecError,
    facts_from_mapping,
    facts_from_record,
    facts_from_values,
    load_facts,
    load_facts_text,
    load_spec,
    load_spec_text,
    score,
    score_totals,
)
from scoring.cli import main
from scoring.engine.scorer import engine_totals
from scoring.engine.spec_tests import run_spec_tests
from scoring.numbers.text import format_number

ROOT = Path(__file__).resolve().parent.parent.parent
SHARED = ROOT / "tests" / "bad_inputs" / "_shared"
SPEC_TEXT = (SHARED / "spec.yaml").read_text(encoding="utf-8")
FACTS_TEXT = (SHARED / "facts.yaml").read_text(encoding="utf-8")
SECRET = "TOP-SECRET-6f1c"  # the content of files a spec must never get to read or quote


def _spec() -> Any:
    return load_spec(SHARED / "spec.yaml")


def _facts(**values: Any) -> dict[str, Any]:
    return {
        "project": {"name": "演示项目", "year": "2021"},
        "values": {"预算资金": "110万元", "实际支出": "109.05万元", "满意度": "96.5%", **values},
        "ratings": {"长效机制": {"tier": "达成", "score": 18}},
    }


def _message(call: Any) -> str:
    with pytest.raises(ScoringError) as caught:
        call()
    return str(caught.value)


# ---- the caller's decimal context ------------------------------------------------------------


def test_a_callers_decimal_context_is_neither_used_nor_changed() -> None:
    """With the caller's context at 2 digits (traps on Inexact too), loading, reading and scoring
    five times (the third and later through the compiled plan) give the default context's
    digits, and the caller's context keeps its precision, traps and (cleared) flags."""
    expected = [score(_spec(), load_facts_text(FACTS_TEXT)).total for _ in range(5)]
    with decimal.localcontext() as caller:
        caller.prec = 2
        caller.traps[decimal.Inexact] = True
        caller.clear_flags()
        spec = _spec()
        facts = load_facts_text(FACTS_TEXT)
        totals = [score(spec, facts).total for _ in range(5)]
        totals.append(score_totals(spec, _facts()).total)
        assert caller.prec == 2
        assert caller.traps[decimal.Inexact]
        assert not any(caller.flags.values())
    assert totals == [*expected, expected[0]] == [Decimal("97.74")] * 6


# ---- library arguments of the wrong type -------------------------------------------------------


def test_wrong_typed_arguments_are_scoring_errors() -> None:
    """A list for the facts, or something that is no Spec, says what was expected."""
    spec = _spec()
    assert _message(lambda: score(spec, [1, 2])) == (  # type: ignore[arg-type]
        "<facts>:1:1: expected a mapping with project: and values:, got a list [facts-shape]"
    )
    assert _message(lambda: score_totals(spec, "facts.yaml")) == (  # type: ignore[arg-type]
        "<facts>:1:1: expected a mapping with project: and values:, got the text 'facts.yaml'"
        " [facts-shape]"
    )
    assert _message(lambda: score({"id": "x"}, _facts())) == (  # type: ignore[arg-type]
        "<input>: score() needs a Spec from load_spec() first, got a value of type dict"
        " [wrong-type]"
    )
    assert _message(lambda: score_totals("spec.yaml", _facts())) == (  # type: ignore[arg-type]
        "<input>: score_totals() needs a Spec from load_spec() first, got the text 'spec.yaml'"
        " [wrong-type]"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: load_spec(123), "load_spec() needs the path of a spec file, got a value of type int"),
        (lambda: load_spec(None), "load_spec() needs the path of a spec file, got None"),
        (lambda: load_spec(SHARED / "spec.yaml", overrides="过程.weight=50"), "load_spec() needs overrides as a list of 'PATH=VALUE' texts, got the text '过程.weight=50'"),
        (lambda: load_spec_text(b"id: x"), "load_spec_text() needs the spec as text (YAML or JSON), got a value of type bytes"),
        (lambda: load_facts(1.5), "load_facts() needs the path of a facts file, got a value of type float"),
        (lambda: load_facts_text(["x"]), "load_facts_text() needs the facts as text (YAML or JSON), got a value of type list"),
        (lambda: facts_from_values([("a", 1)]), "facts_from_values() needs values as a mapping, got a value of type list"),
    ],
    ids=["path-int", "path-none", "overrides-text", "spec-bytes", "facts-path-float", "facts-list", "values-list"],
)  # fmt: skip
def test_every_entry_point_names_the_argument_it_needs(call: Any, message: str) -> None:
    assert _message(call) == f"<input>: {message} [wrong-type]"


def test_a_year_of_5000_digits_is_refused_in_a_short_line() -> None:
    """str() of such an int raises ValueError; the message shows it in scientific form."""
    facts = _facts()
    facts["project"] = {"name": "演示项目", "year": 10**5000}
    assert _message(lambda: score(_spec(), facts)) == (
        "<facts>: project.year: expected text, got '1.000000E+5000' [wrong-type]"
    )


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("-1", "'-1' is not a year: begin with the year evaluated, such as 2021"),
        ("21", "'21' is not a year: begin with the year evaluated, such as 2021"),
        (
            "0" * 40,
            "'00000000000000000000…' is not a year: begin with the year evaluated, such as 2021",
        ),
    ],
)
def test_a_year_must_begin_with_one(year: str, message: str) -> None:
    facts = {"project": {"name": "x", "year": year}, "values": {}}
    assert _message(lambda: facts_from_mapping(facts)) == (
        f"<facts>: project.year: {message} [bad-value]"
    )


@pytest.mark.parametrize("year", ["2021", "2021年", "2021年度", "２０２１年", "2021-04-22"])
def test_a_year_as_forms_write_it_is_kept_as_written(year: str) -> None:
    facts = facts_from_mapping({"project": {"name": "x", "year": year}, "values": {}})
    assert facts.project["year"] == year


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("sNaN"), "'sNaN' is not a finite number: expected an ordinary number such as '110'"),
        (Decimal("-Infinity"), "'-Infinity' is not a finite number: expected an ordinary number such as '110'"),
        (10**5000, "'1.000000E+5000' is too large: at most 15 digits are allowed before the decimal point"),
        (Decimal("1e-400"), "'1E-400' has too many decimal places: at most 10 are allowed"),
        ("5" * 5000, "'" + "5" * 60 + "…' is too large: at most 15 digits are allowed before the decimal point"),
    ],
    ids=["snan", "minus-infinity", "int-5000-digits", "tiny", "text-5000-digits"],
)  # fmt: skip
def test_a_library_value_out_of_bounds_is_located(value: object, message: str) -> None:
    """Values handed over in a mapping go through the same bounded reader as a file's (a float
    is no value type of facts at all: refused as fact-type, tests/test_facts_record.py)."""
    assert _message(lambda: score(_spec(), _facts(实际支出=value))) == (
        f"<facts>: values.实际支出: fact '实际支出': {message} [not-finite]"
        if "finite" in message
        else f"<facts>: values.实际支出: fact '实际支出': {message} "
        + ("[number-too-large]" if "large" in message else "[too-many-decimals]")
    )


def test_rating_and_adjustment_numbers_from_a_library_are_bounded() -> None:
    facts = _facts()
    facts["ratings"] = {"长效机制": {"tier": "达成", "score": Decimal("sNaN")}}
    facts["adjustments"] = [{"indicator": "预算执行率", "points": 10**40, "reason": "复核"}]
    assert _message(lambda: score(_spec(), facts)).split("\n") == [
        (
            "<facts>: adjustments[0].points: '10000000000000000000000000000000000000000' is too"
            " large: at most 15 digits are allowed before the decimal point [number-too-large]"
        ),
        (
            "<facts>: ratings.长效机制.score: 'sNaN' is not a finite number: expected an ordinary"
            " number such as '110' [not-finite]"
        ),
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1e308", "'1e308' is too large: at most 15 digits are allowed before the decimal point [number-too-large]"),
        ("1e-400", "'1e-400' has too many decimal places: at most 10 are allowed [too-many-decimals]"),
        ("⑱", "'⑱' is not a number: '⑱' (CIRCLED NUMBER EIGHTEEN) is not a digit; type 18 [look-alike-character]"),
    ],
)  # fmt: skip
def test_a_batch_rows_rating_score_is_bounded_on_the_fast_path(written: str, message: str) -> None:
    """A batch row's rating was read by Decimal() unbounded: a score of 1e308 reached the tier
    check and was printed 309 digits long. Now the fast path and the full one read alike."""
    record = _facts()
    record["ratings"] = {"长效机制": {"tier": "达成", "score": written}}
    spec = _spec()
    for _ in range(3):  # the engine twice, then the compiled plan
        assert _message(lambda: score_totals(spec, facts_from_record(record))) == (
            f"<record>: ratings.长效机制.score: {message}"
        )


def test_a_mapping_with_a_key_that_is_not_text() -> None:
    """As a file cannot have it (YAML keys are kept as text): each named, none a TypeError."""
    facts: dict[Any, Any] = _facts()
    facts["values"] = {**facts["values"], 7: "1"}
    facts["ratings"] = {**facts["ratings"], 5: {"tier": "达成"}}
    facts[3] = "x"
    assert _message(lambda: score(_spec(), facts)).split("\n") == [
        "<facts>: a key must be text, got '3' [wrong-type]",
        "<facts>: ratings[5]: expected text, got '5' [wrong-type]",
        "<facts>: values[7]: expected text, got '7' [wrong-type]",
    ]


# ---- look-alike digits and letters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("²万元", "'²万元' is not a number with a unit: '²' (SUPERSCRIPT TWO) is not a digit; type 2"),
        ("⑩万元", "'⑩万元' is not a number with a unit: '⑩' (CIRCLED NUMBER TEN) is not a digit; type 10"),
        ("⑽万元", "'⑽万元' is not a number with a unit: '⑽' (PARENTHESIZED NUMBER TEN) is not a digit; type (10)"),
        ("1₀万元", "'1₀万元' is not a number with a unit: '₀' (SUBSCRIPT ZERO) is not a digit; type 0"),
        ("𝟏𝟎万元", "'𝟏𝟎万元' is not a number with a unit: '𝟏' (MATHEMATICAL BOLD DIGIT ONE) is not a digit; type 1"),
        ("١٠٠万元", "'١٠٠万元' is not a number with a unit: '١' (ARABIC-INDIC DIGIT ONE) is not a digit; type 1"),
        ("10𝐰", "'10𝐰' is not a number with a unit: '𝐰' (MATHEMATICAL BOLD SMALL W) is not a letter; type w"),
    ],
)  # fmt: skip
def test_a_look_alike_digit_is_named_not_folded(written: str, message: str) -> None:
    assert _message(lambda: score(_spec(), _facts(实际支出=written))) == (
        f"<facts>: values.实际支出: fact '实际支出': {message} [look-alike-character]"
    )


@pytest.mark.parametrize("written", ["１０９.０５万元", "１０９．０５万元", "109.05 万元"])
def test_full_width_digits_are_still_read(written: str) -> None:
    """What a Chinese IME types (full-width digits and point) reads as ASCII, as before."""
    assert score(_spec(), _facts(实际支出=written)).total == Decimal("97.74")


def test_units_with_a_power_or_a_unit_symbol_are_still_read() -> None:
    """m² is a unit's power, ㎡ a unit symbol: neither is a look-alike digit."""
    spec = load_spec_text(
        "id: a\nname: 面积\nversion: '1'\n"
        "facts:\n  面积: {kind: number, unit: m2}\n"
        "indicators:\n  - id: 面积\n    weight: 100\n"
        "    rule: {kind: positive, actual: 面积, target: '≥100m²'}\n"
    )
    for written in ("120m²", "120㎡", "120m2"):
        facts = {"project": {"name": "x"}, "values": {"面积": written}}
        assert score(spec, facts).total == Decimal(100)


def test_a_formula_name_in_a_mathematical_alphabet_is_refused() -> None:
    text = SPEC_TEXT.replace("实际支出 / 预算资金", "𝐚 / 预算资金").replace(
        "  问题数:", "  a: {label: a, kind: money, unit: 万元}\n  问题数:"
    )
    assert _message(lambda: load_spec_text(text, "s.yaml")) == (
        "s.yaml:12:20: derived.预算执行率.formula: '𝐚' (MATHEMATICAL BOLD SMALL A) is not a"
        " letter; type a (in formula '𝐚 / 预算资金') [look-alike-character]"
    )


# ---- files a spec names ---------------------------------------------------------------------


def _profile(extends: str) -> str:
    return (
        f'id: p\nname: 档案\nversion: "1"\nextends: {extends}\npatch:\n  过程: {{name: 过程管理}}\n'
    )


def _secret(path: Path) -> Path:
    path.write_text(f"{SECRET}: {SECRET}\n", encoding="utf-8")
    return path


def test_extends_inside_the_folder_and_below_is_followed(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "spec.yaml").write_text(SPEC_TEXT, encoding="utf-8")
    (tmp_path / "p.yaml").write_text(_profile("base/../base/spec.yaml"), encoding="utf-8")
    assert load_spec(tmp_path / "p.yaml").nodes["过程"].name == "过程管理"


def test_extends_may_name_a_shipped_system_from_anywhere(tmp_path: Path) -> None:
    shipped = ROOT / "indicators" / "self_evaluation.yaml"
    relative = os.path.relpath(shipped, tmp_path)
    (tmp_path / "p.yaml").write_text(
        f'id: p\nname: 档案\nversion: "1"\nextends: {relative}\n', encoding="utf-8"
    )
    assert load_spec(tmp_path / "p.yaml").id == "p"


@pytest.mark.parametrize("how", ["absolute", "parent", "link", "linked-folder"])
def test_extends_out_of_the_folder_is_refused_unread(tmp_path: Path, how: str) -> None:
    """Whichever way the path leads out, the file is not opened: nothing of it is quoted."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = _secret(outside / "secret.yaml")
    folder = tmp_path / "spec"
    folder.mkdir()
    written = {
        "absolute": str(secret),
        "parent": "../outside/secret.yaml",
        "link": "base.yaml",
        "linked-folder": "shared/secret.yaml",
    }[how]
    (folder / "base.yaml").symlink_to(secret)
    (folder / "shared").symlink_to(outside, target_is_directory=True)
    (folder / "p.yaml").write_text(_profile(written), encoding="utf-8")
    message = _message(lambda: load_spec(folder / "p.yaml"))
    reason = {
        "absolute": "is an absolute path: a spec names files relative to its own folder",
        "parent": "leads outside the spec's folder: a spec reads files in its own folder and"
        " below, or a system shipped with jixiao (indicators/)",
        "link": "is a link to a file outside the spec's folder: a spec reads files in its own"
        " folder and below, or a system shipped with jixiao (indicators/)",
    }
    reason["linked-folder"] = reason["link"]
    assert message == f"{folder / 'p.yaml'}:4:10: extends: {written!r} {reason[how]} [path-outside]"
    assert SECRET not in message


def test_case_facts_out_of_the_folder_are_refused_before_any_case_runs(tmp_path: Path) -> None:
    secret = _secret(tmp_path / "passwd")
    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "facts.yaml").symlink_to(secret)
    text = SPEC_TEXT + f"cases:\n  - name: 满分\n    facts: {secret}\n    expect: {{total: 100}}\n"
    (folder / "spec.yaml").write_text(text, encoding="utf-8")
    (folder / "spec.cases.yaml").write_text(
        "- name: 链接\n  facts: facts.yaml\n  expect: {total: 100}\n", encoding="utf-8"
    )
    spec_path = str(folder / "spec.yaml")
    spec = load_spec(spec_path)
    message = _message(lambda: run_spec_tests(spec, spec_path))
    assert message == (
        f"{folder / 'spec.cases.yaml'}:2:10: cases[链接].facts: 'facts.yaml' is a link to a file"
        " outside the spec's folder: a spec reads files in its own folder and below, or a system"
        " shipped with jixiao (indicators/) [path-outside]"
    )
    (folder / "spec.cases.yaml").unlink()
    message = _message(lambda: run_spec_tests(spec, spec_path))
    assert message == (
        f"{spec_path}: cases[满分].facts: {str(secret)!r} is an absolute path: a spec names files"
        " relative to its own folder [path-outside]"
    )
    assert SECRET not in message


def test_a_cases_file_that_links_out_of_the_folder_is_not_read(tmp_path: Path) -> None:
    """<name>.cases.yaml is found by its name, not named by the spec; a link out is refused too."""
    secret = _secret(tmp_path / "id_rsa")
    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "spec.yaml").write_text(SPEC_TEXT, encoding="utf-8")
    (folder / "spec.cases.yaml").symlink_to(secret)
    spec_path = str(folder / "spec.yaml")
    message = _message(lambda: run_spec_tests(load_spec(spec_path), spec_path))
    assert message == (
        f"{folder / 'spec.cases.yaml'}: 'spec.cases.yaml' is a link to a file outside the spec's"
        " folder: a spec reads files in its own folder and below, or a system shipped with jixiao"
        " (indicators/) [path-outside]"
    )
    assert SECRET not in message


def test_shipped_cases_still_read_the_shipped_examples() -> None:
    """indicators/projects/*.cases.yaml name ../../examples/…: a shipped folder, so allowed."""
    path = ROOT / "indicators" / "projects" / "tianchang_flood_defence_2022.yaml"
    report = run_spec_tests(load_spec(path), str(path))
    assert report.cases
    assert all(case.passed for case in report.cases)


# ---- sizes: leaves, chains, formulas ---------------------------------------------------------


def _leaves(count: int, weight: str) -> str:
    lines = [
        "id: big\nname: 大\nversion: '1'\n",
        "facts:\n  x: {label: x, kind: count, unit: 个, min: 0, default: 0}\n",
        "indicators:\n  - id: 一\n    weight: 100\n    children:\n",
    ]
    for index in range(count):
        lines.append(
            f"      - id: L{index}\n        weight: {weight}\n"
            "        rule: {kind: deduction, actual: x, per_item: 0.001}\n"
        )
    return "".join(lines)


def test_ten_thousand_leaves_under_one_indicator_score_again_and_again() -> None:
    """The third score of a 1,000-leaf 一级指标 raised RecursionError (its sum was one expression
    nested a thousand deep); at 10,000 leaves every score gives the engine's digits: a third
    score is as far as any path ever changed (a call counter, long gone), so three suffice."""
    spec = load_spec_text(_leaves(10_000, "0.01"))
    for x, total in ((4, "100.00"), (6, "0.00"), (5, "100.00")):
        result = score(spec, {"project": {"name": "p"}, "values": {"x": x}})  # 0.01 - 0.00x
        assert result.total == Decimal(total)
    assert len(result.indicators[0].children) == 10_000


def test_a_plan_of_hundreds_of_leaves_adds_as_the_engine_does() -> None:
    """400 leaves: the compiled plan writes the sum as statements of 100 terms each."""
    spec = load_spec_text(_leaves(400, "0.25"))
    facts = {"project": {"name": "p"}, "values": {"x": 7}}
    reference = engine_totals(spec, facts)
    for _ in range(4):
        assert score_totals(spec, facts) == reference
    assert reference.total == Decimal("96.00")  # 400 × (0.25 - 0.007 → 0.24)


def _chain(count: int, reverse: bool = False) -> str:
    derived = ["  d0: {formula: x + 1}\n"]
    derived += [f"  d{i}: {{formula: d{i - 1} + 1}}\n" for i in range(1, count)]
    if reverse:
        derived.reverse()  # each value declared before the one it reads: a deep first walk
    return (
        "id: chain\nname: 链\nversion: '1'\n"
        "facts:\n  x: {label: x, kind: number}\n"
        "derived:\n" + "".join(derived) + "indicators:\n  - id: 一\n    weight: 100\n"
        f"    rule: {{kind: positive, actual: d{count - 1}, target: '≥{count + 1}'}}\n"
    )


def test_chained_derived_values_in_any_order_load_and_score() -> None:
    """1,500 chained values, declared in order and in reverse (ordering them recursed once per
    link: past the recursion limit), scored again and again (the engine: a spec of more than 500
    derived values is not compiled); 400 chained values through the compiled plan, which gives
    the engine's digits."""
    for count, reverse, zero in (
        (1500, False, "99.93"),
        (1500, True, "99.93"),
        (400, True, "99.75"),
    ):
        spec = load_spec_text(_chain(count, reverse))
        for x, total in (("1", "100.00"), ("0", zero), ("1", "100.00"), ("0", zero)):
            facts = {"project": {"name": "p"}, "values": {"x": x}}
            assert score(spec, facts).total == Decimal(total)
            assert score_totals(spec, facts) == engine_totals(spec, facts)


def test_3000_chained_values_load_in_bounds() -> None:
    """Each formula indexed every declared name (NFKC): 3,000 chained values took 7.8 s to load.
    Bounded by CPU time (tests/security/limits.py), not by counting calls to a private helper."""
    text = _chain(3000)
    assert_bounded(lambda: load_spec_text(text), "3,000 chained derived values")


def test_a_spec_of_1000_leaves_loads_in_bounds() -> None:
    text = _leaves(1000, "0.1")
    assert_bounded(lambda: load_spec_text(text), "1,000 leaves under one indicator")


def test_a_formula_of_ten_thousand_terms_is_refused_by_its_length() -> None:
    formula = " + ".join(["实际支出"] * 10_000)
    text = SPEC_TEXT.replace("formula: 实际支出 / 预算资金", f"formula: {formula}")
    assert _message(lambda: load_spec_text(text, "s.yaml")) == (
        "s.yaml:11:20: derived.预算执行率.formula: formula is too long (69997 characters; at"
        " most 1000) [formula-too-long]"
    )
    assert_bounded(lambda: load_spec_text(text, "s.yaml"), "formula of 10,000 terms")


def test_numbers_in_every_spec_field_are_bounded() -> None:
    """Text as well as YAML numbers: pydantic would parse '1e999999' without a limit."""
    for old, new, message in (
        ('version: "1"\n', 'version: "1"\novershoot_ratio: "1e999999"\n', "overshoot_ratio: '1e999999' is too large"),
        ("per_item: 5}", "per_item: 5, max_deduction: 1e-400}", "indicators[过程].children[资金使用合规性].rule.max_deduction: '1E-400' has too many decimal places"),
        ('version: "1"\n', 'version: "1"\ngrades: {优: "9e99999", 差: 0}\n', "grades.优: '9e99999' is too large"),
    ):  # fmt: skip
        with pytest.raises(SpecError) as caught:
            load_spec_text(SPEC_TEXT.replace(old, new, 1), "s.yaml")
        assert message in str(caught.value)
        assert len(str(caught.value)) < 400


def test_a_runaway_formula_result_is_shown_in_a_line_not_a_megabyte(tmp_path: Path) -> None:
    """A power chain the whitelist allows reaches 1E+983040 below the context's exponent limit;
    printed in fixed point it was a 10 MB 实际完成值 cell. Over 1,000 digits it is scientific."""
    (tmp_path / "spec.yaml").write_text(
        "id: p\nname: 幂\nversion: '1'\nfacts:\n  x: {label: x, kind: number}\n"
        "derived:\n  y: {formula: '(((((x ** 8) ** 8) ** 8) ** 8) ** 8) ** 2', kind: number}\n"
        "indicators:\n  - id: 一\n    weight: 100\n"
        "    rule: {kind: positive, actual: y, target: '≥100'}\n",
        encoding="utf-8",
    )
    (tmp_path / "facts.yaml").write_text(
        "project: {name: p}\nvalues: {x: 999999999999999}\n", encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    code = main(["score", str(tmp_path / "spec.yaml"), str(tmp_path / "facts.yaml")], out, err)
    assert (code, err.getvalue()) == (0, "")
    assert "│ 1.000000E+983040 │" in out.getvalue()
    assert len(out.getvalue()) < 5_000
    assert format_number(Decimal("1E+200")) == "1" + "0" * 200  # a long number stays fixed


def test_a_huge_number_in_stated_yaml_is_a_located_error(tmp_path: Path) -> None:
    """review --stated reads stated.yaml's numbers through the bounded reader (1e400 was an
    InvalidOperation traceback)."""
    table = next((ROOT / "tests" / "tables" / "real").glob("27_*")) / "table.xlsx"
    out = tmp_path / "pair"
    assert main(["import", str(table), "-o", str(out)], io.StringIO(), io.StringIO()) == 0
    stated = (out / "stated.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "stated.yaml"
    bad.write_text(stated.replace("  value: 98.62", "  value: 1e400", 1), encoding="utf-8")
    err = io.StringIO()
    argv = ["review", str(out / "spec.yaml"), str(out / "facts.yaml"), "--stated", str(bad)]
    assert main(argv, io.StringIO(), err) == 1
    assert err.getvalue() == (
        f"{bad}: total.value: '1E+400' is too large: at most 15 digits are allowed before the "
        "decimal point [stated-shape]\n"
    )
