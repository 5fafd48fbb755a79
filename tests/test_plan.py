"""The compiled plan (scoring.engine.plan) against the engine it stands in for, and its batch front end.

The plan is the fast path of batch scoring; the engine is the reference. Wherever the plan gives
totals they must be the engine's, digit for digit (Decimal exponents included), and wherever the
engine reports a problem the plan must give None (the engine then scores the record and words
the error). Checked over every rule case (tests/cases), every shipped spec's own cases, generated
specs and facts of every rule kind, and generated CSV rows with broken cells, where a batch with
the fast path and one without it must write the same rows and the same summary.
"""

from __future__ import annotations

import copy
import csv
import decimal
import functools
import io
import random
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, examples
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import facts_cases, mutated, spec_cases
from test_batch import generator, seed_spec
from test_cases import CASES, Case

from scoring import (
    FactsError,
    ScoringError,
    Spec,
    SpecError,
    facts_from_mapping,
    load_spec,
    load_spec_text,
)
from scoring.batch.column_map import build_column_map
from scoring.batch.core import process_chunk
from scoring.batch.records import RowConverter
from scoring.engine import scorer as scoring_engine
from scoring.engine.plan import PlanFallback, plan_of
from scoring.engine.plan.reading import FactsReader, readers_for
from scoring.engine.result import Totals
from scoring.numbers.measure import _PLAIN, Measure
from scoring.numbers.quantities import parse_quantity

FELL_BACK = "fell back"
SHIPPED = sorted(
    p for p in (ROOT / "indicators").rglob("*.yaml") if not p.name.endswith(".cases.yaml")
)


def engine_totals(spec: Spec, facts: Any) -> Totals | None:
    try:
        return scoring_engine.engine_totals(spec, facts)
    except FactsError:
        return None


def plan_totals(spec: Spec, facts: Any) -> Totals | str:
    plan = plan_of(spec)
    try:
        inputs = FactsReader(plan, readers_for(spec)).inputs(facts)
    except PlanFallback:
        return FELL_BACK
    return plan.totals(*inputs) or FELL_BACK


def assert_agree(spec: Spec, facts: Any) -> str:
    """The plan gives the engine's totals exactly, or falls back; 'scored', 'fell back' or
    'error' (the engine refused it and the plan fell back)."""
    expected = engine_totals(spec, facts)
    got = plan_totals(spec, facts)
    if got == FELL_BACK:
        return "error" if expected is None else FELL_BACK
    assert expected is not None, f"the engine refuses these facts, the plan scored them: {got}"
    assert repr(got) == repr(expected)  # Decimal reprs: the same digits and the same exponents
    return "scored"


def _loaded_or_skip(case: Case) -> tuple[Spec, Any]:
    """The case's spec and facts; a skip for a case that expects its facts refused (nothing to
    score: tests/test_cases.py checks the refusal), a failure for any other that does not load."""
    loaded = _case_facts(case)
    if loaded is None:
        assert "error" in case.expect, "the spec or the facts do not load, yet a score is expected"
        pytest.skip(f"the case expects its facts refused: {case.expect['error']}")
    return loaded


def _case_facts(case: Case) -> tuple[Spec, Any] | None:
    try:
        spec = load_spec_text(case.spec_text)
    except SpecError:
        return None
    try:
        return spec, facts_from_mapping(case.facts)
    except ScoringError:
        return None


# The rule cases that score or fail on their facts (not those whose spec must not load).
SCORING_CASES = [c for c in CASES if not c.xfail and c.expect_spec_error is None]


@pytest.mark.parametrize("case", SCORING_CASES, ids=lambda c: c.id)
def test_every_rule_case_agrees(case: Case) -> None:
    assert_agree(*_loaded_or_skip(case))


def test_the_rule_cases_mostly_take_the_fast_path() -> None:
    """The plan really scores: most rule cases that score at all are scored by it."""
    outcomes = [assert_agree(*loaded) for case in CASES if (loaded := _case_facts(case))]
    scored, fell_back = outcomes.count("scored"), outcomes.count(FELL_BACK)
    assert scored > 3 * fell_back, (scored, fell_back)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_shipped_spec_case_agrees(path: Path) -> None:
    spec = load_spec(path)
    for case in spec.cases:
        facts = case.facts
        if isinstance(facts, str):
            from scoring import load_facts

            loaded = load_facts(path.parent / facts)
        else:
            loaded = facts_from_mapping(facts)
        assert_agree(spec, loaded)


@settings(max_examples=examples(150), deadline=None)
@given(data=st.data())
def test_generated_specs_and_facts_agree(data: st.DataObject) -> None:
    """Specs of every rule kind, derived values, tiers, rounding; facts as reports write them,
    with not-applicable indicators and adjustments — and the same facts mangled."""
    case = data.draw(spec_cases())
    spec = _load(case.text)
    facts = data.draw(facts_cases(case))
    for candidate in (facts, data.draw(mutated(copy.deepcopy(facts)))):
        if not isinstance(candidate, dict):
            continue  # facts_from_mapping takes a mapping
        try:
            loaded = facts_from_mapping(candidate)
        except ScoringError:
            continue
        assert_agree(spec, loaded)


@functools.lru_cache(maxsize=256)
def _load(text: str) -> Spec:
    return load_spec_text(text)


def test_the_callers_decimal_context_changes_nothing() -> None:
    """Engine and plan compute under the formulas' private context: a caller's 3-digit context
    neither changes the total nor is changed itself."""
    spec = seed_spec()
    record = seed_row()
    cmap = _cmap(spec)
    before = process_chunk(spec, RowConverter(cmap), 0, [(2, record)]).rows
    with decimal.localcontext() as context:
        context.prec = 3
        after = process_chunk(spec, RowConverter(cmap), 0, [(2, record)]).rows
        assert decimal.getcontext().prec == 3
    assert after == before


# ---- batch rows: the fast path and the engine write the same --------------------------------------
def _cmap(spec: Spec) -> Any:
    cmap, problems = build_column_map(spec, generator.header(), file="rows.csv")
    assert cmap is not None, problems
    return cmap


def seed_row() -> list[str]:
    return next(generator.rows(1, seed=7))


BREAKAGES = (
    "", " ", "abc", "不适用", "—", "1,00,000元", "110美元", "-5", "12.5", "1e400", "NaN", "达成",
    "部分达成", "未达成", "优秀", "0", "100%", "150%", "99.14", "0.5", "服务对象满意度", "未知指标: x",
    "服务对象满意度: ", "决策", "1,100,000元", "110万元", "0.000", "-0",
)  # fmt: skip


def _broken_rows(seed: int, count: int) -> list[list[Any]]:
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    for row in generator.rows(count, seed=seed):
        for _ in range(rng.choice((0, 0, 0, 1, 2))):
            row[rng.randrange(4, len(row))] = rng.choice(BREAKAGES)
        if rng.random() < 0.03:
            row = [*row, "extra"] if rng.random() < 0.5 else row[:-1]
        rows.append(row)
    return rows


def _both_ways(spec: Spec, converter: RowConverter, rows: list[list[Any]]) -> tuple[Any, Any]:
    records = [(n, list(row)) for n, row in enumerate(rows, 2)]
    fast = process_chunk(spec, converter, 0, copy.deepcopy(records))
    slow_converter = _NoFastPath(converter)
    slow = process_chunk(spec, slow_converter, 0, copy.deepcopy(records))  # type: ignore[arg-type]
    return fast, slow


class _NoFastPath:
    """The converter without its fast path: every row through the engine."""

    def __init__(self, converter: RowConverter) -> None:
        self.converter = converter

    def source(self, number: int, payload: Any = None) -> str:
        return self.converter.source(number, payload)

    def convert(self, spec: Spec, number: int, payload: Any) -> Any:
        return self.converter.convert(spec, number, payload)


@pytest.mark.parametrize("seed", range(4))
def test_broken_csv_rows_give_the_same_output_both_ways(seed: int) -> None:
    spec = seed_spec()
    rows = _broken_rows(seed, 600)
    fast, slow = _both_ways(spec, RowConverter(_cmap(spec)), rows)
    assert fast.rows == slow.rows
    assert fast.summary.render_text() == slow.summary.render_text()
    errors = sum(1 for row in fast.rows if row[-2])
    assert 50 < errors < 550  # the breakages hit: both scored and failed rows are compared


@settings(max_examples=examples(60), deadline=None)
@given(
    cells=st.lists(
        st.one_of(
            st.none(),
            st.sampled_from(BREAKAGES),
            st.integers(-5, 500),
            st.decimals(min_value=-10, max_value=1000, places=2),
            st.floats(min_value=-1, max_value=1000),
            st.booleans(),
        ),
        min_size=4,
        max_size=4,
    ),
    columns=st.lists(st.integers(4, 41), min_size=4, max_size=4),
)
def test_spreadsheet_cells_give_the_same_output_both_ways(
    cells: list[Any], columns: list[int]
) -> None:
    """XLSX cells are numbers, dates, booleans as often as text; they are never remembered by
    value (1, 1.0 and True hash alike) and read the same both ways."""
    spec = seed_spec()
    row: list[Any] = list(seed_row())
    for column, cell in zip(columns, cells, strict=True):
        row[column] = cell
    fast, slow = _both_ways(spec, RowConverter(_cmap(spec), strict_width=False), [row, row])
    assert fast.rows == slow.rows


def test_remembered_texts_stay_bounded() -> None:
    """A column of all-different amounts is read into a bounded memory."""
    from scoring.batch.fastrows import row_plan
    from scoring.engine.plan.reading import REMEMBERED

    spec = seed_spec()
    rows = [list(row) for row in generator.rows(REMEMBERED + 500, seed=11)]
    reader = row_plan(spec, _cmap(spec))
    reader.totals(rows, texts=True)
    assert all(len(column.known) <= REMEMBERED for _, column in reader.values)


# ---- the fast reading of plain numbers ------------------------------------------------------------
@settings(max_examples=examples(400))
@given(text=st.from_regex(_PLAIN, fullmatch=True))
def test_the_fast_number_path_agrees_with_the_general_parser(text: str) -> None:
    """Measure.read reads what _PLAIN matches without the general parser; both must agree."""
    for measure in (
        Measure("number"),
        Measure("money", "万元"),
        Measure("count", "个"),
        Measure("rate"),
    ):
        try:
            fast: Decimal | str = measure.read(text)  # type: ignore[assignment]
        except Exception as exc:  # noqa: BLE001 - compared below
            fast = type(exc).__name__ + str(exc)
        try:
            quantity = parse_quantity(text)
            general: Decimal | str = measure.from_quantity(quantity, what="value")
            if measure.kind == "count" and general != general.to_integral_value():  # type: ignore[union-attr]
                raise ValueError("not whole")
        except Exception as exc:  # noqa: BLE001
            general = type(exc).__name__ + str(exc)
        if isinstance(general, Decimal):
            assert repr(fast) == repr(general), text
        else:
            assert not isinstance(fast, Decimal), (text, fast, general)


_MONEY_CELL = st.one_of(
    st.from_regex(_PLAIN, fullmatch=True),
    st.builds(
        lambda number, unit, pad: f"{pad}{number}{unit}{pad}",
        st.from_regex(
            re.compile(
                r"-?(?:0|[1-9]\d{0,16}|[1-9]\d{0,2}(?:,\d{3}){1,5})(?:\.\d{1,11})?", re.ASCII
            ),
            fullmatch=True,
        ),
        st.sampled_from(["", "元", "千元", "万元", "百万元", "亿元", "%", "个", "万 元"]),
        st.sampled_from(["", " ", "\u3000"]),
    ),
    st.sampled_from(["", " ", "—", "不适用", "1e3万元", "１２元"]),
    st.none(),
    st.integers(),
)


@settings(max_examples=examples(500))
@given(cells=st.lists(_MONEY_CELL, min_size=1, max_size=6), bounds=st.sampled_from([0, 1, 2]))
def test_the_quick_money_reader_gives_what_read_gives_or_leaves_it_to_read(
    cells: list[Any], bounds: int
) -> None:
    """Amounts never repeat, so a batch reads each with ``ValueReader.quick_reader``: for every
    cell it gives the value ``read`` gives, digit for digit, or None (``read`` reads it then).
    Units are met in turn, so a unit is unknown to the shortcut before ``read`` has met it."""
    from scoring.engine.plan.reading import ValueReader
    from scoring.spec.compiled import Fact

    least, most = [(None, None), (Decimal(0), None), (Decimal(-5), Decimal("1e8"))][bounds]
    for into in ("元", "万元", "亿元"):
        fact = Fact(id="金额", label="金额", measure=Measure("money", into), min=least, max=most)
        reader = ValueReader(fact)
        quick = reader.quick_reader()
        assert quick is not None
        for cell in cells:
            got = quick(cell)
            try:
                expected: Any = reader.read(cell)
            except Exception as exc:  # noqa: BLE001 - the shortcut must have left it to read
                expected = type(exc).__name__
            if got is not None:
                assert repr(got) == repr(expected), (into, cell)
            assert repr(quick(cell)) in ("None", repr(expected)), (into, cell)
    assert ValueReader(Fact(id="n", label="n", measure=Measure("number"))).quick_reader() is None


# ---- --workers: CSV blocks cut by counting quotes, parsed in the workers --------------------------
def _awkward_csv(path: Path, *, encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Rows with multi-line quoted cells, blank rows, a broken row: what blocks must survive."""
    header = generator.header()
    rows = [list(row) for row in generator.rows(40, seed=9)]
    name = header.index("项目名称")
    rows[3][name] = '多行\n名称, 带 "引号"'
    rows[10][name] = "第一行\n\n第三行"
    rows[17][header.index("预算资金")] = "abc"
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator=newline)
    writer.writerow(header)
    for index, row in enumerate(rows):
        writer.writerow(row)
        if index in (5, 6, 25):
            text.write(newline if index != 25 else "," * 5 + newline)  # blank rows
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def _batch(tmp_path: Path, source: Path, workers: int) -> tuple[bytes, str]:
    from scoring.batch.run import run_batch

    out = tmp_path / f"out{workers}.csv"
    summary = run_batch(str(SEED_SPEC), [str(source)], str(out), workers=workers, chunk_size=4)
    return out.read_bytes(), summary.render_text()


SEED_SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gb18030", "\r\n")],
)
def test_workers_read_a_csv_as_one_process_reads_it(
    tmp_path: Path, encoding: str, newline: str
) -> None:
    source = _awkward_csv(tmp_path / "in.csv", encoding=encoding, newline=newline)
    assert _batch(tmp_path, source, 2) == _batch(tmp_path, source, 1)


def test_a_quote_inside_an_unquoted_cell_gives_the_same_output_with_workers(
    tmp_path: Path,
) -> None:
    """a,b"c,d is one record to csv (the quote is literal): workers read it so too."""
    source = _awkward_csv(tmp_path / "in.csv")
    text = source.read_text(encoding="utf-8").replace("信访维稳经费12,", '信访维稳经费12 5"寸,', 1)
    source.write_text(text, encoding="utf-8")
    assert _batch(tmp_path, source, 2) == _batch(tmp_path, source, 1)


def test_blank_rows_before_the_header_are_not_read_as_a_record_by_workers(tmp_path: Path) -> None:
    """Workers never score the header row, wherever it is (they once began after the first
    line, and scored the header as a record)."""
    rows = list(generator.rows(9, seed=3))
    for lead in ("\n", "\r\n,,\r\n"):
        text = io.StringIO(newline="")
        text.write(lead)
        csv.writer(text, lineterminator="\n").writerows([generator.header(), *rows])
        source = tmp_path / "in.csv"
        source.write_bytes(text.getvalue().encode("utf-8"))
        one, two = _batch(tmp_path, source, 1), _batch(tmp_path, source, 2)
        assert two == one
        assert one[0].count(b"\n") == 10  # the header and 9 records


def test_a_lone_carriage_return_is_read_the_exact_way(tmp_path: Path) -> None:
    source = _awkward_csv(tmp_path / "in.csv", newline="\r")
    assert _batch(tmp_path, source, 2) == _batch(tmp_path, source, 1)


def test_broken_csv_gives_the_same_error_with_workers(tmp_path: Path) -> None:
    source = _awkward_csv(tmp_path / "in.csv")
    source.write_bytes(source.read_bytes() + b'P9,"unterminated\n')
    outputs = [_batch(tmp_path, source, workers) for workers in (1, 2)]
    assert outputs[0] == outputs[1]
    # The quote never closed is the last record's error (csv-syntax); the others are scored.
    assert "never closed before the end of the file [csv-syntax]" in outputs[0][0].decode()


# ---- score(): the plan's numbers and the engine's tree, the same path on every call ---------------
def _facts_of(path: Path, case: Any) -> Any:
    from scoring import load_facts

    if isinstance(case.facts, str):
        return load_facts(path.parent / case.facts)
    return facts_from_mapping(case.facts)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_score_gives_the_engine_s_numbers_on_every_call(path: Path) -> None:
    """score() (numbers from the plan, the tree worked out by the engine when read) gives the
    same result on its first call and every call after, and its numbers are the engine's."""
    from scoring import score

    spec = load_spec(path)
    for case in spec.cases:
        first, *again = (score(spec, _facts_of(path, case)) for _ in range(3))
        for result in again:
            assert result.to_dict() == first.to_dict()
            assert [str(w) for w in result.warnings] == [str(w) for w in first.warnings]
        reference = scoring_engine.engine_totals(spec, _facts_of(path, case))
        assert (first.total, first.grade, first.applicable_weight) == reference[:3]
        assert tuple(top.score for top in first.indicators) == reference.top_scores
        assert tuple(leaf.score for leaf in first.leaves()) == reference.leaf_scores


def test_the_seed_scores_with_the_engine_s_warnings_on_every_call() -> None:
    from scoring import load_facts, score

    spec = load_spec(SEED_SPEC)
    for _ in range(3):
        result = score(spec, load_facts(ROOT / "examples" / "hengnan_xinfang_2021.yaml"))
        assert (str(result.total), result.grade) == ("95.85", "优")
        assert [w.code for w in result.warnings] == ["items-mismatch"]


@pytest.mark.parametrize("case", SCORING_CASES, ids=lambda c: c.id)
def test_every_rule_case_scores_the_same_on_every_call(case: Case) -> None:
    """The plan and the engine agree on every rule case: the result of score() is the same on
    every call, and a project it refuses is refused with the same words every time."""
    from scoring import score

    spec, facts = _loaded_or_skip(case)
    try:
        first = score(spec, facts).to_dict()
    except FactsError as exc:
        refused = str(exc)
        for _ in range(2):
            with pytest.raises(FactsError) as again:
                score(spec, facts)
            assert str(again.value) == refused
        with pytest.raises(FactsError) as engine:
            scoring_engine.engine_totals(spec, facts)
        assert str(engine.value) == refused
        return
    for _ in range(2):
        assert score(spec, facts).to_dict() == first
    assert score(load_spec_text(case.spec_text), facts).to_dict() == first


@pytest.mark.parametrize("into", ["元", "万元", "亿元"])
def test_money_read_the_short_way_is_money_read_the_long_way(into: str) -> None:
    """Amounts in every money unit, read by the fast path's money shortcut and by the parser."""
    from scoring.numbers.money import MONEY_UNITS

    measure = Measure("money", into)
    for unit in MONEY_UNITS:
        for number in (
            "0",
            "-0.00",
            "1",
            "12.5",
            "1,234,567.89",
            "999,999,999,999,999",
            "0.0000000001",
        ):
            text = number + unit
            try:
                expected: Decimal | str = measure.from_quantity(parse_quantity(text), what="value")
            except Exception as exc:  # noqa: BLE001 - the fast path must refuse it too
                expected = type(exc).__name__
            try:
                got: Decimal | str = measure.read(text)  # type: ignore[assignment]
            except Exception as exc:  # noqa: BLE001
                got = type(exc).__name__
            assert repr(got) == repr(expected), text
