"""The YAML reader built from parse events: aliases copied with their marks only once the whole
document is paid for, merges that copy what they take, a comma rejoined into a formula, and the
formula compiler that compiles a repeated formula once. (tests/test_yaml_loader.py holds the
reader's traps and messages; these are the cases the event builder adds.)"""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring import load_spec_text, score
from scoring.errors import FormulaError, SpecError
from scoring.formula.checker import DeclaredNames
from scoring.formula.expr import compile_formula
from scoring.yamlio.load import Mark, load_yaml
from tests.test_yaml_loader import backend, error_of  # noqa: F401 (a fixture, by name)

# Every test runs with libyaml's parser (when installed) and PyYAML's pure-Python one.
pytestmark = pytest.mark.usefixtures("backend")


def marks(text: str) -> dict[tuple[str | int, ...], tuple[int, int]]:
    document = load_yaml(text)
    return {path: (mark.line, mark.column) for path, mark in document.value_marks.items()}


# --- aliases ---------------------------------------------------------------------------------


def test_an_alias_inside_an_anchor_is_copied_with_it_and_keeps_its_marks() -> None:
    """Aliasing a value that holds an alias copies both, each part located where written."""
    text = "a: &a [1, {k: &k [2]}]\nb: [*a, *k]\n"
    document = load_yaml(text)
    one, two = Decimal(1), Decimal(2)
    assert document.data == {"a": [one, {"k": [two]}], "b": [[one, {"k": [two]}], [two]]}
    assert document.data["b"][0][1]["k"] is not document.data["a"][1]["k"]
    assert document.data["b"][1] is not document.data["a"][1]["k"]
    assert marks(text) == {
        (): (1, 1),
        ("a",): (1, 4),
        ("a", 0): (1, 8),
        ("a", 1): (1, 11),
        ("a", 1, "k"): (1, 15),
        ("a", 1, "k", 0): (1, 19),
        ("b",): (2, 4),
        ("b", 0): (1, 4),
        ("b", 0, 0): (1, 8),
        ("b", 0, 1): (1, 11),
        ("b", 0, 1, "k"): (1, 15),
        ("b", 0, 1, "k", 0): (1, 19),
        ("b", 1): (1, 15),
        ("b", 1, 0): (1, 19),
    }


def test_an_alias_of_an_alias_of_an_alias_is_copied_in_full() -> None:
    """Three levels of aliases expand to the values they stand for, every copy its own."""
    text = "x: &x [7]\ny: &y [*x, *x]\nz: [*y, *y]\n"
    data = load_yaml(text).data
    seven = [Decimal(7)]
    assert data["z"] == [[seven, seven], [seven, seven]]
    assert len({id(part) for pair in data["z"] for part in pair}) == 4


def test_an_alias_as_a_key_is_its_anchor_s_text() -> None:
    """An aliased scalar used as a key is the text written at the anchor, located there."""
    document = load_yaml("k: &k 名称\n*k : 3\n")
    assert document.data == {"k": "名称", "名称": Decimal(3)}
    assert document.position(("名称",), key=True) == Mark(1, 4)


def test_an_aliased_list_as_a_key_is_refused() -> None:
    """An alias of a list is no key."""
    assert error_of("k: &k [1]\n*k : 3\n") == (
        "f.yaml:2:1: a mapping key must be text, not a list or mapping [yaml-complex-key]"
    )


def test_an_alias_that_nests_past_the_limit_is_refused_at_the_alias() -> None:
    """Nesting that only the expansion of an alias reaches is refused where the alias is."""
    deep, around = "[" * 70 + "]" * 70, "[" * 40 + "*a" + "]" * 40
    assert error_of(f"a: &a {deep}\nb: {around}\n") == (
        "f.yaml:2:44: document nests deeper than 100 levels [yaml-too-deep]"
    )


def test_the_budget_is_paid_before_any_alias_is_copied() -> None:
    """The alias whose expansion passes the budget is named, nothing after it is read."""
    text = "a: &a [1, 2, 3, 4]\nb: [*a, *a]\nc: *a\nd: !!python/name:os.system\n"
    assert error_of(text, max_nodes=17) == (  # 1 + 5 + 1 + 2 * 5, then 5 more for c
        "f.yaml:3:4: document expands to more than 17 nodes (alias bomb?) [yaml-too-large]"
    )
    assert load_yaml(text.replace("d: !!python/name:os.system\n", ""), max_nodes=22).data


# --- merges ----------------------------------------------------------------------------------


def test_a_merged_value_holding_an_alias_is_copied_with_its_marks() -> None:
    """A merged value is a copy (an alias in it copied too), located where it was written."""
    text = "n: &n 5\nbase: &b {w: 10, tags: [x, *n]}\nitem:\n  <<: *b\n  id: a\n"
    document = load_yaml(text)
    assert document.data["item"] == {"w": Decimal(10), "tags": ["x", Decimal(5)], "id": "a"}
    assert document.data["item"]["tags"] is not document.data["base"]["tags"]
    assert document.position(("item", "tags", 1)) == Mark(1, 4)
    assert document.position(("item", "tags"), key=True) == Mark(2, 18)
    assert document.position(("item", "id"), key=True) == Mark(5, 3)


def test_a_merge_of_a_list_written_in_place_keeps_each_source_s_marks() -> None:
    """'<<' followed by mappings written right there: each merged key is located in its own."""
    text = "item:\n  <<: [{a: 1}, {a: 2, b: 3}]\n  c: 4\n"
    document = load_yaml(text)
    assert document.data == {"item": {"a": Decimal(1), "b": Decimal(3), "c": Decimal(4)}}
    assert document.position(("item", "a")) == Mark(2, 12)
    assert document.position(("item", "b")) == Mark(2, 26)
    assert document.position(("item", "b"), key=True) == Mark(2, 23)
    assert ("item", "<<") not in document.value_marks


def test_an_anchor_on_a_merge_key_is_defined() -> None:
    """An anchor on '<<' is an anchor like any other: defining it again is refused."""
    assert error_of("a: {x: 1}\nb: {&m <<: {y: 2}}\nc: &m 3\n") == (
        "f.yaml:3:4: anchor '&m' is already defined at line 2 [yaml-duplicate-anchor]"
    )


def test_what_a_merge_copies_is_paid_for() -> None:
    """Merging copies values, and the copies count against the budget, at the merge."""
    text = "a: &a {x: [1, 2, 3]}\nb: {<<: *a}\n"
    assert load_yaml(text, max_nodes=11).data["b"] == {"x": [Decimal(1), Decimal(2), Decimal(3)]}
    assert error_of(text, max_nodes=10) == (
        "f.yaml:2:9: document expands to more than 10 nodes (alias bomb?) [yaml-too-large]"
    )


# --- commas inside parentheses ---------------------------------------------------------------


def test_a_formula_split_by_its_comma_is_rejoined() -> None:
    """In a flow mapping, a formula's comma inside parentheses stays in the formula."""
    document = load_yaml("x: {formula: round(a / b, 4), kind: number}\n")
    assert document.data == {"x": {"formula": "round(a / b, 4)", "kind": "number"}}
    assert document.position(("x", "formula")) == Mark(1, 14)


def test_parentheses_that_never_close_leave_the_mapping_as_yaml_reads_it() -> None:
    """What was read ahead to look for the closing parenthesis is read again, as YAML wrote
    it, whatever follows (here a key with a list for its value)."""
    document = load_yaml("y: {f: g(a, b, c: [1, 2], d}\n")
    assert document.data == {"y": {"f": "g(a", "b": None, "c": [1, 2], "d": None}}
    assert document.position(("y", "c", 1)) == Mark(1, 23)


# --- formulas compiled once ------------------------------------------------------------------

SPEC = """\
id: demo
name: 演示
version: '1'
facts:
  率: {{kind: rate}}
indicators:
  - {{id: 甲, weight: 50, rule: {{kind: formula, formula: '{formula}'}}}}
  - {{id: 乙, weight: 50, rule: {{kind: formula, formula: '{formula}'}}}}
"""


def test_a_formula_repeated_in_many_leaves_scores_each_with_its_own_weight() -> None:
    """The same text in two leaves is one compiled formula; each leaf gives it its weight."""
    spec = load_spec_text(SPEC.format(formula="w * 率"), "demo.yaml")
    result = score(spec, {"project": {"name": "p"}, "values": {"率": "90%"}})
    assert result.total == Decimal(90)


def test_a_repeated_formula_that_fails_is_reported_where_each_copy_is_written() -> None:
    """A formula that does not compile is reported at every leaf that has it, not once."""
    with pytest.raises(SpecError) as caught:
        load_spec_text(SPEC.format(formula="w * 比率"), "demo.yaml")
    assert str(caught.value) == (
        "demo.yaml:7:61: indicators[甲].rule.formula: unknown name '比率' in formula; did you "
        "mean '率'? (in formula 'w * 比率') [formula-unknown-name]\n"
        "demo.yaml:8:61: indicators[乙].rule.formula: unknown name '比率' in formula; did you "
        "mean '率'? (in formula 'w * 比率') [formula-unknown-name]"
    )


def test_a_formula_compiled_over_other_names_is_checked_against_them() -> None:
    """What was compiled over one set of names is never reused for another."""
    one, two = Decimal(1), Decimal(2)
    assert compile_formula("a + b", DeclaredNames(["a", "b"]))({"a": one, "b": two}) == 3
    with pytest.raises(FormulaError) as caught:
        compile_formula("a + b", DeclaredNames(["a"]))
    assert caught.value.problems[0].code == "formula-unknown-name"
    names = DeclaredNames(["a"])
    assert names.with_local(("b",)) is names.with_local(("b",))
    assert compile_formula("a + b", names.with_local(("b",)))({"a": one, "b": two}) == 3
