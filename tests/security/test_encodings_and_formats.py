"""Encodings and number formats real users produce: UTF-8 with BOM, CRLF, GBK/GB18030 and UTF-16
files read exactly like UTF-8; files that cannot be read say so and how to fix it; full-width
digits and symbols, thousands separators, n/a markers, NaN/Infinity/-0 and numbers too large to
be money are read or refused, each with its exact message, in facts files and in spec targets.
"""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from security.limits import assert_bounded

from scoring import (
    FactsError,
    ScoringError,
    SpecError,
    load_facts,
    load_facts_text,
    load_spec,
    load_spec_text,
    score,
)

ROOT = Path(__file__).resolve().parents[2]
SEED_SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
SEED_FACTS = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
ADVICE = "save it as UTF-8 (in Excel/WPS/Notepad: 另存为 → 编码 UTF-8)"


def without_source(result: Any) -> dict[str, Any]:
    """A result as data, minus the spec's file name and hash (they differ by encoding)."""
    data: dict[str, Any] = result.to_dict()
    data.pop("spec")
    return data


ENCODINGS = {
    "utf-8-bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "bare-cr": lambda text: text.replace("\n", "\r").encode("utf-8"),
    "bom-and-crlf": lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"),
    "gbk": lambda text: text.encode("gbk"),
    "gb18030": lambda text: text.encode("gb18030"),
    "gbk-crlf": lambda text: text.replace("\n", "\r\n").encode("gbk"),
    "utf-16-le-bom": lambda text: text.encode("utf-16"),
    "utf-16-be-bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-32-bom": lambda text: text.encode("utf-32"),
}


@pytest.mark.parametrize("encode", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_seed_files_in_any_windows_encoding_score_the_same(encode: Any, tmp_path: Path) -> None:
    """The seed spec and facts saved by a Windows tool (BOM, CRLF, GBK, GB18030, UTF-16/32 with
    BOM) give exactly the result the UTF-8 files give."""
    expected = without_source(score(load_spec(SEED_SPEC), load_facts(SEED_FACTS)))
    spec_path, facts_path = tmp_path / "spec.yaml", tmp_path / "facts.yaml"
    spec_path.write_bytes(encode(SEED_SPEC.read_text(encoding="utf-8")))
    facts_path.write_bytes(encode(SEED_FACTS.read_text(encoding="utf-8")))
    assert without_source(score(load_spec(spec_path), load_facts(facts_path))) == expected
    assert_bounded(lambda: score(load_spec(spec_path), load_facts(facts_path)), "seed encoded")


def test_crlf_files_report_the_same_lines_and_columns(tmp_path: Path) -> None:
    """A CRLF (or GBK) file's problems are located exactly where the LF file's are."""
    text = "id: demo\nname: 演示\nversion: '1'\nindicators:\n  - id: 甲\n    weight: yes\n"
    expected = "{}:6:13: indicators[甲].weight: expected a number, got 'yes' [wrong-type]"
    for name, raw in (
        ("lf.yaml", text.encode()),
        ("crlf.yaml", text.replace("\n", "\r\n").encode()),
        ("gbk.yaml", codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode()),
        ("gbk-crlf.yaml", text.replace("\n", "\r\n").encode("gbk")),
    ):
        path = tmp_path / name
        path.write_bytes(raw)
        with pytest.raises(SpecError) as caught:
            load_spec(path)
        assert str(caught.value) == expected.format(path)


UNREADABLE = {
    "latin-1": (
        "id: café\nname: x\n".encode("latin-1"),
        f"file is not UTF-8 (byte 0xe9 at offset 7); {ADVICE} [file-encoding]",
    ),
    "utf-16-without-bom": (
        "id: demo\nname: 演示\n".encode("utf-16-le"),
        f"file looks like UTF-16 without a byte-order mark; {ADVICE} [file-encoding]",
    ),
    "utf-8-bom-on-gbk-bytes": (
        codecs.BOM_UTF8 + "id: 演示\n".encode("gbk"),
        "file has a UTF-8 byte-order mark but is not UTF-8 (offset 4) [file-encoding]",
    ),
    "utf-16-bom-on-odd-bytes": (
        codecs.BOM_UTF16_LE + "id: demo\n".encode("utf-16-le") + b"\x00\xd8",
        "file has a UTF-16-LE byte-order mark but is not UTF-16-LE (offset 18) [file-encoding]",
    ),
    "nul-bytes": (b"id: de\x00mo\n", "1:7: unacceptable character #x0000: special characters are not allowed [yaml-syntax]"),
}  # fmt: skip


@pytest.mark.parametrize(("raw", "message"), UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_files_say_what_they_are_and_how_to_fix_it(
    raw: bytes, message: str, tmp_path: Path
) -> None:
    """A file that is not text in a known encoding is refused by both loaders with the reason
    and, where it helps, how to save it as UTF-8; never decoded into wrong characters."""
    for load in (load_spec, load_facts):
        path = tmp_path / "input.yaml"
        path.write_bytes(raw)
        with pytest.raises(ScoringError) as caught:
            load(path)
        separator = ":" if message[0].isdigit() else ": "
        assert str(caught.value) == f"{path}{separator}{message}"
        assert_bounded(lambda load=load, path=path: load(path), f"encoding {message[:30]}")


# ---- numbers as reports write them, in facts files ----------------------------------------------

SPEC = load_spec_text(
    """id: demo
name: 演示指标体系
version: "1"
facts:
  支出: {kind: money, unit: 万元}
  满意度: {kind: rate}
  件数: {kind: count, unit: 件}
indicators:
  - id: 支出
    weight: 40
    rule: {kind: positive, actual: 支出, target: "≥200万元"}
  - id: 满意度
    weight: 30
    rule: {kind: positive, actual: 满意度, target: "≥100%"}
  - id: 件数
    weight: 30
    rule: {kind: positive, actual: 件数, target: "≥20件"}
""",
    "demo.yaml",
)


def facts_text(money: str = "110万元", rate: str = "95%", count: str = "12件") -> str:
    return f"project: {{name: 演示项目}}\nvalues:\n  支出: {money}\n  满意度: {rate}\n  件数: {count}\n"


def read(**values: str) -> dict[str, Decimal]:
    result = score(SPEC, load_facts_text(facts_text(**values), "facts.yaml"))
    return {leaf.id: leaf.outcome.actual for leaf in result.leaves() if leaf.outcome}  # type: ignore[misc]


SAME_AMOUNT = {
    "full-width digits": "１１０万元",
    "thousands separators": "1,100,000元",
    "full-width commas": "1，100，000元",
    "full-width digits and commas": "１，１００，０００元",
    "full-width decimal point": "１１０．０万元",
    "spaces between number and unit": "110 万元",
    "spaces as thousands separators": "1 100 000元",
    "yi yuan": "0.011亿元",
    "quoted with spaces": "'  110万元  '",
}
SAME_RATE = {
    "full-width digits and percent": "９５％",
    "full-width percent": "95％",
    "space before percent": "95 %",
    "ratio": "0.95",
    "per mille": "950‰",
}


@pytest.mark.parametrize("written", SAME_AMOUNT.values(), ids=SAME_AMOUNT.keys())
def test_an_amount_written_any_usual_way_is_the_same_number(written: str) -> None:
    """Full-width digits, thousands separators (ASCII or full-width), spaces and other money
    units all give exactly 110 万元."""
    assert read(money=written)["支出"] == Decimal(110)


@pytest.mark.parametrize("written", SAME_RATE.values(), ids=SAME_RATE.keys())
def test_a_rate_written_any_usual_way_is_the_same_ratio(written: str) -> None:
    """９５％, 95％, 95 %, 0.95 and 950‰ are all exactly the ratio 0.95."""
    assert read(rate=written)["满意度"] == Decimal("0.95")


def test_minus_zero_is_zero() -> None:
    """-0 and +0 are plain zero (never a negative zero shown as -0)."""
    assert read(money="-0", count="+0") == {"支出": 0, "满意度": Decimal("0.95"), "件数": 0}
    assert str(read(money="-0万元")["支出"]) == "0"


NA = "(not applicable): mark the indicators that use it under not_applicable instead [fact-not-applicable]"
REFUSED_VALUES: dict[str, tuple[dict[str, str], str]] = {
    "em-dash": ({"money": "—"}, f"3:7: values.支出: fact '支出' is written as '—' {NA}"),
    "double-em-dash": ({"money": "——"}, f"3:7: values.支出: fact '支出' is written as '——' {NA}"),
    "slash": ({"money": "/"}, f"3:7: values.支出: fact '支出' is written as '/' {NA}"),
    "n-a": ({"money": "N/A"}, f"3:7: values.支出: fact '支出' is written as 'N/A' {NA}"),
    "bu-shi-yong": ({"rate": "不适用"}, f"4:8: values.满意度: fact '满意度' is written as '不适用' {NA}"),
    "nan": ({"money": "NaN"}, "3:7: values.支出: fact '支出': 'NaN' is not a finite number: expected an ordinary number such as '110' [not-finite]"),
    "yaml-nan": ({"money": ".nan"}, "3:7: values.支出: fact '支出': '.nan' is not a finite number: expected an ordinary number such as '110' [not-finite]"),
    "infinity": ({"money": "Infinity"}, "3:7: values.支出: fact '支出': 'Infinity' is not a finite number: expected an ordinary number such as '110' [not-finite]"),
    "minus-infinity-sign": ({"count": "-∞"}, "5:7: values.件数: fact '件数': '-∞' is not a finite number: expected an ordinary number such as '110' [not-finite]"),
    "too-large-to-be-money": ({"money": "1e20万元"}, "3:7: values.支出: fact '支出': '1e20万元' is too large: at most 15 digits are allowed before the decimal point [number-too-large]"),
    "sixteen-digit-yuan": ({"money": "1000000000000000元"}, "3:7: values.支出: fact '支出': '1000000000000000元' is too large: at most 15 digits are allowed before the decimal point [number-too-large]"),
    "too-many-decimals": ({"money": "0.00000000001万元"}, "3:7: values.支出: fact '支出': '0.00000000001万元' has too many decimal places: at most 10 are allowed [too-many-decimals]"),
    "bad-grouping": ({"money": "1,00万元"}, "3:7: values.支出: fact '支出': '1,00万元' is not a number with a unit: thousands separators must group the digits by three, as in '1,100,000' (the decimal point is '.') [bad-thousands]"),
    "european-grouping": ({"money": "1.100.000元"}, "3:7: values.支出: fact '支出': '1.100.000元' is not a number with a unit: unexpected text '.000元' after the number [not-a-number]"),
    "currency-sign": ({"money": "¥110万元"}, "3:7: values.支出: fact '支出': '¥110万元' is not a number with a unit: unexpected text '¥' before the number [not-a-number]"),
    "none-word": ({"count": "无"}, "5:7: values.件数: fact '件数': '无' is not a number with a unit: write 0 if there were none, or mark the indicator not applicable [not-a-number]"),
    "bare-percentage-number": ({"rate": "９５"}, "4:8: values.满意度: fact '满意度': '９５' is ambiguous for a rate: write 95% for a percentage or 0.95 for a ratio [rate-ambiguous]"),
    "percent-for-money": ({"money": "110%"}, "3:7: values.支出: fact '支出': value '110%' has unit '%', which does not fit an amount of money in 万元 (元/万元/亿元 are converted) [unit-mismatch]"),
    # "110万" is read as 110万元 (issue 17: reports shorten the unit): tests/test_quantities.py
    "wan-for-a-count": ({"count": "3万"}, "5:7: values.件数: fact '件数': value '3万' has unit '万', which does not fit a number in 件 [unit-mismatch]"),
    "fraction-of-a-count": ({"count": "１２.５件"}, "5:7: values.件数: fact '件数': expected a whole number of 件, got １２.５件 [fact-not-whole]"),
}  # fmt: skip


@pytest.mark.parametrize(("values", "message"), REFUSED_VALUES.values(), ids=REFUSED_VALUES.keys())
def test_a_value_that_is_not_a_number_is_refused_with_its_message(
    values: dict[str, str], message: str
) -> None:
    """n/a markers, NaN, Infinity, numbers too large or too fine, broken separators, foreign signs
    and wrong units in a facts file are each refused with this exact located message."""
    with pytest.raises(FactsError) as caught:
        read(**values)
    assert str(caught.value) == f"facts.yaml:{message}"


# ---- targets in specs -----------------------------------------------------------------------------


def target_spec(target: str, kind: str = "money", unit: str = "万元") -> str:
    fact = f"{{kind: {kind}, unit: {unit}}}" if unit else f"{{kind: {kind}}}"
    return (
        f"id: demo\nname: 演示\nversion: '1'\nfacts:\n  值: {fact}\nindicators:\n"
        f"  - id: 甲\n    weight: 100\n    rule: {{kind: positive, actual: 值, target: '{target}'}}\n"
    )


SAME_TARGET = {
    "ascii": ("≥100万元", "money", "万元"),
    "geqq": ("≧100万元", "money", "万元"),
    "full-width-greater-equal": ("＞＝100万元", "money", "万元"),
    "ascii-greater-equal": (">=100万元", "money", "万元"),
    "full-width-digits": ("≥１００万元", "money", "万元"),
    "words": ("不低于100万元", "money", "万元"),
    "suffix": ("100万元以上", "money", "万元"),
    "in-yuan-with-separators": ("≥1,000,000元", "money", "万元"),
    "full-width-commas": ("≥1，000，000元", "money", "万元"),
    "spaced": ("≥ 100 万元", "money", "万元"),
}


@pytest.mark.parametrize(("target", "kind", "unit"), SAME_TARGET.values(), ids=SAME_TARGET.keys())
def test_a_target_written_any_usual_way_is_the_same_target(
    target: str, kind: str, unit: str
) -> None:
    """≧, ＞＝, >=, 不低于, 以上, full-width digits and 元 with separators all read as ≥100万元."""
    spec = load_spec_text(target_spec(target, kind, unit))
    assert spec.leaves[0].rule.target_text == "≥100万元"  # type: ignore[union-attr]


def test_full_width_percent_targets_read_as_ratios() -> None:
    """'≥９５％' on a rate reads as the ratio 0.95, shown as ≥95%."""
    spec = load_spec_text(target_spec("≥９５％", "rate", ""))
    rule = spec.leaves[0].rule
    assert rule is not None
    assert rule.target is not None
    assert (rule.target.value, rule.target_text) == (Decimal("0.95"), "≥95%")


TARGET_WHERE = "demo.yaml:9:47: indicators[甲].rule.target: "
EXAMPLES = (
    "expected an optional operator (≥ ≤ = > <, or words such as 不低于 and 不超过) and a number "
    "with its unit, such as '≥95%', '≤90万元', '=0次' or '100%'"
)
REFUSED_TARGETS: dict[str, tuple[str, str]] = {
    "em-dash": ("—", "'—' means 'not applicable' and has no number [not-applicable]"),
    "slash": ("/", "'/' means 'not applicable' and has no number [not-applicable]"),
    "operator-then-dash": ("≥—", "'≥—' means 'not applicable' and has no number [not-applicable]"),
    "nan": ("≥NaN", "'≥NaN' is not a finite number: expected an ordinary number such as '110' [not-finite]"),
    "infinity": ("≥∞", "'≥∞' is not a finite number: expected an ordinary number such as '110' [not-finite]"),
    "minus-zero": ("≥-0", "a positive target must be above 0, got ≥0万元; use kind: zero_target for '=0' targets [target-not-positive]"),
    "too-large-to-be-money": ("≥1e20万元", "'≥1e20万元' is too large: at most 15 digits are allowed before the decimal point [number-too-large]"),
    "operator-only": ("≥", f"'≥' is not a target: there is no number in it; {EXAMPLES} [bad-target]"),
    "contradiction": ("≥100万元以下", f"'≥100万元以下' is not a target: the operator '≥' contradicts '以下'; {EXAMPLES} [bad-target]"),
    "full-width-semicolon": ("≥100万元；", f"'≥100万元；' is not a target: unexpected text ';' after the unit '万元'; {EXAMPLES} [bad-target]"),
    "percent-on-money": ("≥100%", "target '100%' has unit '%', which does not fit an amount of money in 万元 (元/万元/亿元 are converted) [unit-mismatch]"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("target", "message"), REFUSED_TARGETS.values(), ids=REFUSED_TARGETS.keys()
)
def test_a_target_that_is_not_a_number_is_refused_with_its_message(
    target: str, message: str
) -> None:
    """n/a markers, NaN, ∞, -0, numbers too large and malformed targets are each refused at load
    with this exact located message."""
    with pytest.raises(SpecError) as caught:
        load_spec_text(target_spec(target), "demo.yaml")
    assert str(caught.value) == TARGET_WHERE + message


def test_full_width_weights_are_read_as_their_digits() -> None:
    """A weight typed with a Chinese IME (１００) is the number 100, not an error or a string."""
    spec = load_spec_text(target_spec("≥100万元").replace("weight: 100", "weight: １００"))
    assert spec.leaves[0].weight == Decimal(100)
