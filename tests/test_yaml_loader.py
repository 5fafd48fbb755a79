"""Tests for scoring.yamlio.load: the safe, position-recording YAML reader."""

from __future__ import annotations

import contextlib
import os
import threading
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.errors import ScoringError, SpecError
from scoring.yamlio import load as _yaml
from scoring.yamlio.load import Mark, load_yaml, load_yaml_file, read_text

TAB_HINT = "(YAML indentation must use spaces, not tabs)"


@pytest.fixture(params=["libyaml", "python"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test with libyaml's parser (when installed) and with PyYAML's pure-Python one."""
    if request.param == "python":
        monkeypatch.setattr(_yaml, "_HAVE_LIBYAML", False)
    elif not _yaml._HAVE_LIBYAML:
        pytest.skip("PyYAML is installed without libyaml")
    return str(request.param)


def error_of(text: str, max_nodes: int = 200_000) -> str:
    with pytest.raises(ScoringError) as caught:
        load_yaml(text, "f.yaml", max_nodes=max_nodes)
    return str(caught.value)


# --- scalars ---------------------------------------------------------------------------------


def test_decimals_keep_the_written_digits() -> None:
    """Numbers become Decimal built from the source text, never a binary float."""
    data = load_yaml("a: 110.05\nb: -2.50\nc: 0.1\n").data
    assert data == {"a": Decimal("110.05"), "b": Decimal("-2.50"), "c": Decimal("0.1")}
    assert [str(v) for v in data.values()] == ["110.05", "-2.50", "0.1"]
    assert all(type(v) is Decimal for v in data.values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", Decimal(0)),
        ("-17", Decimal(-17)),
        ("+5", Decimal(5)),
        ("1_000_000", "1_000_000"),  # text: '_' separates no digits in a report
        ("1.5", Decimal("1.5")),
        (".5", Decimal("0.5")),
        ("1.", Decimal(1)),
        ("1e3", Decimal("1e3")),
        ("-2.5E-2", Decimal("-0.025")),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("~", None),
        ("", None),
        ("'12'", "12"),
        ("!!str 12", "12"),
        ("!!float 3", Decimal(3)),
        ("!!int 7", Decimal(7)),
        ("!!bool false", False),
        ("!!null ~", None),
        ("! 12", "12"),
        ("<<", "<<"),
    ],
)
def test_scalar_resolution(text: str, expected: object) -> None:
    """Plain scalars resolve to Decimal, bool or None only in their YAML 1.2 core forms."""
    value = load_yaml(f"v: {text}\n").data["v"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "text", ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "OFF", "tRUE"]
)
def test_yaml11_boolean_words_stay_strings(text: str) -> None:
    """yes/no/on/off are text, so the schema can report a clear type error instead of a guess."""
    assert load_yaml(f"v: {text}\n").data == {"v": text}


@pytest.mark.parametrize(
    "text", ["2021-04-22", "2021-04-22T10:00:00Z", "1:30", "0x1F", "0o17", "017", ".nan", ".inf"]
)
def test_dates_and_exotic_numbers_stay_strings(text: str) -> None:
    """Timestamps, sexagesimal, octal, hex, NaN and infinity are not resolved: they stay text."""
    assert load_yaml(f"v: {text}\n").data == {"v": text}


def test_keys_are_their_source_text() -> None:
    """Mapping keys are always str, spelled as written, whatever they look like."""
    data = load_yaml("2021: a\ntrue: b\n1.50: c\n~: d\n").data
    assert data == {"2021": "a", "true": "b", "1.50": "c", "~": "d"}


def test_explicit_number_tag_on_text_is_refused() -> None:
    """!!int or !!float on a value that is not a number is an error, not a silent string."""
    assert error_of("a: !!int abc\nb: !!float .inf\n") == (
        "f.yaml:1:4: 'abc' is not a valid !!int value [yaml-bad-scalar]\n"
        "f.yaml:2:4: '.inf' is not a valid !!float value [yaml-bad-scalar]"
    )


# --- refused constructs ----------------------------------------------------------------------


def test_duplicate_keys_are_all_reported_together() -> None:
    """Every duplicate key in the document is reported at its second occurrence, in one error."""
    text = "名称: 示例\nb: 1\n预算资金: 100\nc:\n  x: 1\n  x: 2\n预算资金: 200\n"
    assert error_of(text) == (
        "f.yaml:6:3: duplicate key 'x' (first defined at line 5) [duplicate-key]\n"
        "f.yaml:7:1: duplicate key '预算资金' (first defined at line 3) [duplicate-key]"
    )


def test_python_tags_are_refused() -> None:
    """Object-building tags are refused with their short form, never executed."""
    assert error_of(
        "a: !!python/object/apply:os.system [echo hi]\nb: !!python/name:os.system\n"
    ) == (
        "f.yaml:1:4: tag '!!python/object/apply:os.system' is not allowed; plain YAML values only"
        " [yaml-tag]\n"
        "f.yaml:2:4: tag '!!python/name:os.system' is not allowed; plain YAML values only [yaml-tag]"
    )


def test_unknown_local_tags_are_refused() -> None:
    """Application tags such as !foo are refused as written."""
    assert error_of("a: !foo bar\n") == (
        "f.yaml:1:4: tag '!foo' is not allowed; plain YAML values only [yaml-tag]"
    )


def test_other_standard_tags_are_refused() -> None:
    """Standard tags outside str/int/float/bool/null/map/seq (e.g. !!binary, !!set) are refused."""
    assert error_of("a: !!binary aGk=\nb: !!map [1]\n") == (
        "f.yaml:1:4: tag '!!binary' is not allowed; plain YAML values only [yaml-tag]\n"
        "f.yaml:2:4: tag '!!map' cannot be used on a list [yaml-tag]"
    )


def test_complex_keys_are_refused() -> None:
    """A list or mapping used as a key is an error."""
    assert error_of("? [a, b]\n: 1\n") == (
        "f.yaml:1:3: a mapping key must be text, not a list or mapping [yaml-complex-key]"
    )


def test_multiple_documents_are_refused() -> None:
    """A second '---' document in one file is an error at its start."""
    assert error_of("a: 1\n---\nb: 2\n") == (
        "f.yaml:2:1: a second YAML document starts here; a file must hold exactly one"
        " [yaml-multiple-documents]"
    )


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_gives_none(text: str) -> None:
    """A file with no document is not an error here: its data is None and it has no positions."""
    document = load_yaml(text)
    assert document.data is None
    assert document.position(["anything"]) is None


@pytest.mark.parametrize("text", ["---\n", "--- ~\n", "---\n...\n"])
def test_empty_document_gives_none(text: str) -> None:
    """A document holding only '---' (or an explicit null) loads as None."""
    assert load_yaml(text).data is None


# --- aliases and merges ----------------------------------------------------------------------


def test_merge_keys_explicit_keys_win_and_earlier_sources_win() -> None:
    """<<: merges mappings; written keys override merged ones and earlier sources override later."""
    text = (
        "base: &base {weight: 10, rule: ratio}\n"
        "extra: &extra {weight: 99, cap: 1}\n"
        "item:\n"
        "  id: a\n"
        "  <<: [*base, *extra]\n"
        "  rule: bands\n"
        "single: {<<: *base}\n"
    )
    data = load_yaml(text).data
    assert data["item"] == {"id": "a", "weight": Decimal(10), "rule": "bands", "cap": Decimal(1)}
    assert list(data["item"]) == ["id", "weight", "cap", "rule"]
    assert data["single"] == {"weight": Decimal(10), "rule": "ratio"}


def test_merged_keys_keep_the_position_where_they_were_written() -> None:
    """A merged key and its value are located in the anchored mapping they came from."""
    document = load_yaml("base: &b\n  weight: 10\nitem:\n  <<: *b\n  id: x\n")
    assert document.position(("item", "weight"), key=True) == Mark(2, 3)
    assert document.position(("item", "weight")) == Mark(2, 11)
    assert document.position(("item", "id"), key=True) == Mark(5, 3)


def test_bad_merge_value_is_refused() -> None:
    """'<<' followed by something other than mappings is an error."""
    assert error_of("a: &a [1]\nb:\n  <<: *a\n") == (
        "f.yaml:1:4: '<<' must be followed by a mapping or a list of mappings,"
        " e.g. <<: *defaults [yaml-merge]"
    )


def test_aliases_are_copied() -> None:
    """An alias yields an independent copy of the anchored value, located at the anchor."""
    document = load_yaml("a: &x [1, 2]\nb: *x\n")
    assert document.data == {"a": [Decimal(1), Decimal(2)], "b": [Decimal(1), Decimal(2)]}
    assert document.data["a"] is not document.data["b"]
    assert document.position(("b", 1)) == Mark(1, 11)


def test_alias_bomb_is_refused() -> None:
    """A 'billion laughs' document (9 levels of 9 aliases) is rejected by the node budget."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    message = error_of("\n".join(lines) + "\n")
    assert message.endswith(
        ": document expands to more than 200000 nodes (alias bomb?) [yaml-too-large]"
    )


def test_node_budget_is_configurable() -> None:
    """max_nodes bounds the expanded size, counting every alias expansion."""
    text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
    assert load_yaml(text, max_nodes=18).data is not None  # 1 + 4 + 1 + 3 * 4 values
    # Located at the alias that tips the expansion over the budget: the third *a.
    assert error_of(text, max_nodes=17) == (
        "f.yaml:2:13: document expands to more than 17 nodes (alias bomb?) [yaml-too-large]"
    )


def test_alias_bomb_is_refused_before_expanding() -> None:
    """A billion-laughs document is refused while composing: in a few hundred kilobytes (no
    timing asserted: memory shows it was never expanded), at the alias where the expansion
    first passes the budget."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    tracemalloc.start()
    try:
        message = error_of("\n".join(lines) + "\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == (
        "f.yaml:6:15: document expands to more than 200000 nodes (alias bomb?) [yaml-too-large]"
    )
    assert peak < 2_000_000


def test_merged_aliases_are_still_paid_for_while_expanding() -> None:
    """Merges are not counted while composing (a lower bound), but expanding them still is."""
    lines = ["a0: &a0 {k0: 0, k1: 1, k2: 2, k3: 3}"]
    for level in range(1, 8):
        keys = ", ".join(f"m{i}: *a{level - 1}" for i in range(4))
        lines.append(f"a{level}: &a{level} {{<<: *a{level - 1}, {keys}}}")
    message = error_of("\n".join(lines) + "\n", max_nodes=5_000)
    assert message.endswith(
        "document expands to more than 5000 nodes (alias bomb?) [yaml-too-large]"
    )


def test_recursive_alias_is_refused() -> None:
    """An alias inside its own anchor is an error, not an endless loop."""
    assert error_of("a: &a [1, *a]\n") == (
        "f.yaml:1:11: alias '*a' is inside its own anchor [yaml-recursive-alias]"
    )


@pytest.mark.usefixtures("backend")
def test_recursive_alias_is_located_at_the_alias_with_the_other_problems() -> None:
    """Inside a nested anchor, the alias is named where it is written (the composed graph keeps
    no position for it), and the rest of the document is still checked."""
    assert error_of("a: &a {b: [1, *a]}\nc: 1\nc: 2\n") == (
        "f.yaml:1:15: alias '*a' is inside its own anchor [yaml-recursive-alias]\n"
        "f.yaml:3:1: duplicate key 'c' (first defined at line 2) [duplicate-key]"
    )


@pytest.mark.usefixtures("backend")
def test_duplicate_anchor_is_refused() -> None:
    """An anchor defined twice is an error at the second, naming the line of the first."""
    assert error_of("a: &d 1\nb: !!str &d 2\n") == (
        "f.yaml:2:4: anchor '&d' is already defined at line 1 [yaml-duplicate-anchor]"
    )


@pytest.mark.usefixtures("backend")
def test_non_specific_tag_keeps_text_also_with_an_anchor() -> None:
    """'!' means "no specific tag": the value is text, anchored or aliased, and a key '! <<' is
    the text '<<', not a merge."""
    data = load_yaml("a: &x ! 12\nb: *x\nc: [! 5, !!int 6]\nd: {! <<: 1}\n").data
    assert data == {"a": "12", "b": "12", "c": ["5", Decimal(6)], "d": {"<<": Decimal(1)}}


@pytest.mark.usefixtures("backend")
def test_second_document_is_reported_with_the_first_documents_problems() -> None:
    """A second document does not hide what is wrong in the first."""
    assert error_of("a: 1\na: 2\n---\nb: 2\n") == (
        "f.yaml:2:1: duplicate key 'a' (first defined at line 1) [duplicate-key]\n"
        "f.yaml:3:1: a second YAML document starts here; a file must hold exactly one"
        " [yaml-multiple-documents]"
    )


@pytest.mark.usefixtures("backend")
def test_alias_bomb_is_located_at_the_alias_by_either_parser() -> None:
    """The alias that crosses the budget is named by its own position, with libyaml or without."""
    assert error_of("a: &a [1, 2, 3]\nb: [*a, *a, *a]\n", max_nodes=17) == (
        "f.yaml:2:13: document expands to more than 17 nodes (alias bomb?) [yaml-too-large]"
    )


def test_undefined_alias_is_refused() -> None:
    """An alias without an earlier anchor is an error."""
    assert error_of("a: *nope\n") == (
        "f.yaml:1:4: alias '*nope' has no anchor '&nope' before it [yaml-undefined-alias]"
    )


@pytest.mark.usefixtures("backend")
def test_deep_nesting_is_refused_without_crashing() -> None:
    """Absurdly deep nesting is an error, not a RecursionError or a crashed interpreter."""
    assert error_of("[" * 50_000 + "]" * 50_000) == (
        "f.yaml:1:101: document nests deeper than 100 levels [yaml-too-deep]"
    )


# --- syntax errors ---------------------------------------------------------------------------


@pytest.mark.usefixtures("backend")
def test_syntax_error_has_position_and_context() -> None:
    """A syntax error gives PyYAML's problem at its 1-based position, whichever parser ran."""
    assert error_of("a: 1\nb: 2\nc\nd: 4\n") == (
        "f.yaml:4:1: could not find expected ':' (while scanning a simple key at line 3, column 1)"
        " [yaml-syntax]"
    )


@pytest.mark.usefixtures("backend")
def test_unclosed_flow_list_is_a_syntax_error() -> None:
    """Brackets that do not close are reported where the parser gave up."""
    assert error_of("a: [1, 2\nb: 3\n") == (
        "f.yaml:2:2: expected ',' or ']', but got ':'"
        " (while parsing a flow sequence at line 1, column 4) [yaml-syntax]"
    )


@pytest.mark.usefixtures("backend")
def test_tab_indentation_gets_a_hint() -> None:
    """A tab used for indentation is reported with a hint to use spaces."""
    assert error_of("indicators:\n  - id: a\n\t  weight: 1\n") == (
        f"f.yaml:3:1: found character '\\t' that cannot start any token {TAB_HINT} [yaml-syntax]"
    )


@pytest.mark.usefixtures("backend")
def test_control_character_is_a_syntax_error() -> None:
    """A control character is reported at its line and column."""
    assert error_of("a: 1\nb: x\x01\n") == (
        "f.yaml:2:5: unacceptable character #x0001: special characters are not allowed"
        " [yaml-syntax]"
    )


def test_error_class_is_the_callers() -> None:
    """Errors are raised as the error_cls the caller passes."""
    with pytest.raises(SpecError):
        load_yaml("a: 1\na: 2\n", error_cls=SpecError)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n-:?,[]{}&*!|>'\"#%@`~<a1.e_", max_size=60))
def test_arbitrary_input_raises_only_scoring_errors(text: str) -> None:
    """Whatever the text, load_yaml returns a Document or raises ScoringError, nothing else."""
    with contextlib.suppress(ScoringError):
        load_yaml(text)


# --- positions -------------------------------------------------------------------------------

SPEC = """\
名称: 示例
indicators:
  - id: 决策
    weight: 20
  - id: 产出
    weight: 30
    children: []
"""


@pytest.mark.usefixtures("backend")
def test_positions_of_nested_values_and_keys() -> None:
    """Every value and every key is located by its path, 1-based, columns counted in characters."""
    document = load_yaml(SPEC)
    assert document.position(()) == Mark(1, 1)
    assert document.position(("名称",)) == Mark(1, 5)
    assert document.position(("名称",), key=True) == Mark(1, 1)
    assert document.position(("indicators", 0, "weight")) == Mark(4, 13)
    assert document.position(("indicators", 0, "weight"), key=True) == Mark(4, 5)
    assert document.position(["indicators", 1]) == Mark(5, 5)
    assert document.position(("indicators", 1, "children")) == Mark(7, 15)


def test_position_falls_back_to_nearest_ancestor() -> None:
    """A path that is not in the document is located at its nearest existing ancestor."""
    document = load_yaml(SPEC)
    assert document.position(("indicators", 1, "formula")) == Mark(5, 5)
    assert document.position(("indicators", 1, "formula"), key=True) == Mark(5, 5)
    assert document.position(("indicators", 7, "weight")) == Mark(3, 3)
    assert document.position(("indicators", 0), key=True) == Mark(3, 5)
    assert document.position(("nothing", "here")) == Mark(1, 1)


@pytest.mark.skipif(not _yaml._HAVE_LIBYAML, reason="the pure-Python parser is ~15x slower")
def test_a_large_document_keeps_every_position() -> None:
    """A 1 MB document of 100k nodes loads with its last node's position exact. (How long it
    takes is not asserted here: unit tests assert no timings. A quadratic cost would show as a
    run of minutes.)"""
    item = "  - id: 项目{0}\n    name: 立项依据充分性\n    weight: 3.5\n    tags: [a, b, c]\n"
    text = "indicators:\n" + "".join(item.format(i) for i in range(12_500))
    document = load_yaml(text)
    assert document.position(("indicators", 12_499, "weight")) == Mark(50_000, 13)


# --- files -----------------------------------------------------------------------------------


def file_error(path: Path, max_bytes: int = 5_000_000) -> str:
    with pytest.raises(ScoringError) as caught:
        load_yaml_file(path, max_bytes=max_bytes)
    return str(caught.value)


def test_load_yaml_file_names_the_file_in_errors(tmp_path: Path) -> None:
    """Errors from a file carry its path as given."""
    path = tmp_path / "spec.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    assert (
        file_error(path)
        == f"{path}:2:1: duplicate key 'a' (first defined at line 1) [duplicate-key]"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "名称: 预算资金\n".encode("utf-8-sig"),
        "\ufeff名称: 预算资金\n".encode("utf-16-le"),
        "\ufeff名称: 预算资金\n".encode("utf-16-be"),
        "名称: 预算资金\n".encode("gb18030"),
        "名称: 预算资金\n".encode("gbk"),
        "\ufeff名称: 预算资金\n".encode("utf-32-le"),
        "\ufeff名称: 预算资金\n".encode("utf-32-be"),
    ],
    ids=["utf8-bom", "utf16-le", "utf16-be", "gb18030", "gbk", "utf32-le", "utf32-be"],
)
def test_encodings_are_decoded(tmp_path: Path, raw: bytes) -> None:
    """UTF-8 with BOM, UTF-16 with BOM and GB18030 (Chinese Windows tools) all read correctly."""
    path = tmp_path / "spec.yaml"
    path.write_bytes(raw)
    assert read_text(path) == "名称: 预算资金\n"
    assert load_yaml_file(path).data == {"名称": "预算资金"}


def test_newlines_are_normalised(tmp_path: Path) -> None:
    """CRLF and lone CR become LF, so lines are counted the same on every platform."""
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"a: 1\r\nb: 2\rc: 3\n")
    assert read_text(path) == "a: 1\nb: 2\nc: 3\n"
    assert load_yaml_file(path).position(("c",)) == Mark(3, 4)


def test_latin1_file_is_refused_with_advice(tmp_path: Path) -> None:
    """A file that is neither UTF-8 nor GB18030 is refused, naming the first bad byte."""
    path = tmp_path / "spec.yaml"
    path.write_bytes("name: café\n".encode("latin-1"))
    assert file_error(path) == (
        f"{path}: file is not UTF-8 (byte 0xe9 at offset 9); save it as UTF-8"
        " (in Excel/WPS/Notepad: 另存为 → 编码 UTF-8) [file-encoding]"
    )


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_refused_with_advice(tmp_path: Path, codec: str) -> None:
    """UTF-16 without a byte-order mark (NUL in every other byte) is named as such, rather than
    read as UTF-8 full of NUL characters or as GB18030 gibberish."""
    path = tmp_path / "spec.yaml"
    path.write_bytes("id: demo\nname: 预算资金\n".encode(codec))
    assert file_error(path) == (
        f"{path}: file looks like UTF-16 without a byte-order mark; save it as UTF-8"
        " (in Excel/WPS/Notepad: 另存为 → 编码 UTF-8) [file-encoding]"
    )


def test_file_too_large_is_refused(tmp_path: Path) -> None:
    """A file over max_bytes is refused with both sizes."""
    path = tmp_path / "spec.yaml"
    path.write_text("a: 1234567890123456\n", encoding="utf-8")
    assert file_error(path, max_bytes=10) == (
        f"{path}: file is 20 bytes, larger than the limit of 10 bytes [file-too-large]"
    )


def test_file_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    """The size is checked with stat, so a huge (here sparse) file is never read into memory."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(7_300_000)
    assert file_error(path) == (
        f"{path}: file is 7.3 MB, larger than the 5.0 MB limit [file-too-large]"
    )


def test_missing_file_is_reported_plainly(tmp_path: Path) -> None:
    """A missing file is a located error, not a traceback."""
    path = tmp_path / "nope.yaml"
    assert file_error(path) == f"{path}: no such file [file-unreadable]"


def test_directory_is_reported_plainly(tmp_path: Path) -> None:
    """A directory passed as a file is a plain error."""
    assert file_error(tmp_path) == f"{tmp_path}: is a directory [file-unreadable]"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_reported_plainly(tmp_path: Path) -> None:
    """A file without read permission is a plain error."""
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    path.chmod(0)
    assert file_error(path) == f"{path}: permission denied [file-unreadable]"


def test_display_name_replaces_the_path(tmp_path: Path) -> None:
    """display_name is the name shown in errors instead of the full path."""
    path = tmp_path / "spec.yaml"
    path.write_text("a: [\n", encoding="utf-8")
    with pytest.raises(ScoringError) as caught:
        load_yaml_file(path, display_name="indicators/spec.yaml")
    assert str(caught.value).startswith("indicators/spec.yaml:2:1: ")


def test_reading_a_small_file_does_not_reserve_the_size_limit(tmp_path: Path) -> None:
    """A 2 kB file is read with about 2 kB of memory, not a buffer the size of the 5 MB limit."""
    path = tmp_path / "spec.yaml"
    path.write_text("名称: 预算资金\n" * 100, encoding="utf-8")
    tracemalloc.start()
    try:
        assert read_text(path) == "名称: 预算资金\n" * 100
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200_000


def test_a_stream_without_a_size_is_read_to_its_end(tmp_path: Path) -> None:
    """A pipe (size 0 to stat) is read to its end, and refused when it passes the limit."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed(data: bytes) -> None:
        with open(fifo, "wb") as handle:
            handle.write(data)

    writer = threading.Thread(target=feed, args=(b"a: 1\n" * 30_000,))
    writer.start()
    assert read_text(fifo) == "a: 1\n" * 30_000
    writer.join()
    writer = threading.Thread(target=feed, args=(b"#" * 2_000,))
    writer.start()
    assert file_error(fifo, max_bytes=1_000) == (
        f"{fifo}: file is larger than the limit of 1000 bytes [file-too-large]"
    )
    writer.join()
