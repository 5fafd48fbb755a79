"""A command's start: it loads what it uses and nothing else, and the shortcuts it takes to start
sooner give what the longer way gives.

``jixiao score`` scores one project once and prints all of it, so it scores with the engine alone
(``engine_result``), never compiling the spec's plan; it prints to standard output, so the
machinery of output files is not loaded either. The quantity reader splits a number from its
unit without building the one pattern of both (a CJK class costs a millisecond to compile at
every start), and must split every text as that pattern does.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import load_facts, load_spec, score
from scoring.engine.scorer import engine_result
from scoring.errors import ScoringError
from scoring.numbers.limits import QuantityError
from scoring.numbers.quantities import parse_quantity

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {
    "hengnan_xinfang_2021.yaml": "xinfang_weiwen.yaml",
    "hengnan_xinfang_2022_constructed.yaml": "xinfang_weiwen.yaml",
    "tianchang_flood_defence_2022.yaml": "projects/tianchang_flood_defence_2022.yaml",
    "liangping_forestry_2023.yaml": "projects/liangping_forestry_2023.yaml",
}

_LOADED = """
import io, json, sys
from scoring.cli import main
out, err = io.StringIO(), io.StringIO()
code = main(sys.argv[1:], out, err)
json.dump([code, err.getvalue(), sorted(sys.modules)], sys.stdout)
"""


def _modules_after(*argv: str) -> tuple[int, str, set[str]]:
    """The exit code, what went to stderr and the modules loaded once ``jixiao ARGV`` has run
    in a fresh Python."""
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.stderr == ""
    code, err, modules = json.loads(done.stdout)
    return code, err, set(modules)


def test_the_score_command_loads_only_what_printing_one_result_needs() -> None:
    code, _, modules = _modules_after(
        "score", "jixiao:xinfang_weiwen", "jixiao:hengnan_xinfang_2021"
    )
    assert code == 0
    unused = {
        "scoring.engine.plan",  # scoring one project once: the engine alone
        "scoring.writing.files",  # nothing written to a file
        "scoring.batch",
        "scoring.columnar",
        "scoring.review",
        "scoring.methods",
        "scoring.report.html",
        "scoring.report.xlsx",
        "scoring.report.docx_report",
        "openpyxl",
        "docx",
    }
    assert sorted(unused & modules) == []


def test_the_score_command_loads_the_output_machinery_to_write_a_file(tmp_path: Path) -> None:
    out = tmp_path / "自评表.json"
    code, err, modules = _modules_after(
        "score", "jixiao:xinfang_weiwen", "jixiao:hengnan_xinfang_2021", "-o", str(out)
    )
    assert code == 0
    assert err.splitlines()[-1] == f"wrote {out}: 95.85 优"
    assert "scoring.writing.files" in modules
    assert json.loads(out.read_text(encoding="utf-8"))["grade"] == "优"


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_the_engine_alone_gives_what_score_gives(example: str) -> None:
    """``engine_result`` (what the one-project commands use) is ``score``'s result: the same
    total, grade, tree, warnings and values, in every field of its JSON form."""
    spec = load_spec(ROOT / "indicators" / EXAMPLES[example])
    facts = load_facts(ROOT / "examples" / example)
    planned = score(spec, facts)
    alone = engine_result(spec, facts)
    assert (alone.total, alone.grade) == (planned.total, planned.grade)
    assert alone.to_dict() == planned.to_dict()


def test_the_engine_alone_refuses_what_score_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the facts file named as a user names it, in the message
    spec = load_spec(ROOT / "indicators" / "xinfang_weiwen.yaml")
    facts = load_facts("examples/hengnan_xinfang_2021.yaml")
    facts = dataclasses.replace(facts, values={**facts.values, "到位资金": "abc"})
    messages = []
    for scorer in (score, engine_result):
        with pytest.raises(ScoringError) as caught:
            scorer(spec, facts)
        messages.append(str(caught.value))
    refused = (
        "examples/hengnan_xinfang_2021.yaml:21:5: values.到位资金: fact '到位资金': 'abc' is not "
        "a number with a unit: expected a number with an optional unit such as '110万元', "
        "'99.14%' or '158批次' [not-a-number]"
    )
    assert messages == [refused, refused]


# The grammar of a quantity, written here once more: a number (sign, digits with commas, a
# fraction, an exponent), then a unit (% or ‰, or runs of CJK or of letters with a power 2 or 3,
# joined by / or ·).
_NUMBER = r"[+-]?(?=\.?\d)(?P<int>\d[\d,]*)?(?:\.(?P<frac>\d+))?(?:[eE](?P<exp>[+-]?\d+))?"
_RUN = r"(?:[\u3400-\u4dbf\u4e00-\u9fff]+|[A-Za-z]+[23]?)"
_ONE_PATTERN = re.compile(rf"(?P<num>{_NUMBER})(?P<unit>[%‰]|{_RUN}(?:[/·]{_RUN})*)?", re.ASCII)
_PIECES = st.sampled_from([*"1092.,eE+-%‰mk23/·", "12", "万", "元", "人", "次", "x"])


@given(st.lists(_PIECES, min_size=1, max_size=8).map("".join))
def test_a_quantity_splits_as_the_one_pattern_of_number_and_unit(text: str) -> None:
    """Every text the one pattern reads is read with that pattern's unit (and its number, where
    the number is well formed); a text it does not read is refused."""
    expected = _ONE_PATTERN.fullmatch(text)
    try:
        quantity = parse_quantity(text)
    except QuantityError:
        quantity = None
    if expected is None:
        assert quantity is None
        return
    if quantity is None:  # a malformed number (1,00 or 1e99999): refused for its digits
        return
    assert quantity.unit == (expected["unit"] or "")
    number = expected["num"].replace(",", "")
    assert quantity.number == Decimal(number)


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("110万元", Decimal(110), "万元"),
        ("99.14%", Decimal("99.14"), "%"),
        ("1,100,000元", Decimal(1100000), "元"),
        ("5e", Decimal(5), "e"),
        ("1.5e3m2", Decimal(1500), "m2"),
        ("1e2/m", Decimal(1), "e2/m"),  # the longest number leaves "/m": the shorter one fits
    ],
)
def test_a_quantity_is_split_where_the_pattern_splits_it(
    text: str, number: Decimal, unit: str
) -> None:
    quantity = parse_quantity(text)
    assert (quantity.number, quantity.unit) == (number, unit)
