"""``population_diff.diff_inputs``: every record of batch inputs under two specs, one at a time.

Golden outcomes on the shipped reports and on generated seed records with broken rows (the same
population tests/test_diff_population.py uses), checked again against ``compare()`` on each
record alone; then what a caller counts on: the input positions run on across inputs and chunks,
the raw record and its converter name the project, the outcomes add up to what
``diff_population`` (``jixiao diff``) says of every input kind, and a broken input is one located
FactsError, with every problem, before any record is given.
"""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT
from test_diff_population import SEED, SEED_2022, SPEC_A, _broken, _compared, _record, _rows, specs
from test_diff_population import _population as population

from scoring.batch.population_diff import PairOutcome, PopulationDiff, diff_inputs, diff_population
from scoring.batch.records import FactsFileConverter, RowConverter, project_name
from scoring.engine.result import Totals
from scoring.errors import FactsError, ScoringError
from scoring.spec.loader import load_spec

Outcome = Totals | ScoringError


def shown(outcome: Outcome) -> tuple[object, ...] | str:
    """A totals as (total, grade, each 一级指标's score), an error as its whole text."""
    if isinstance(outcome, ScoringError):
        return str(outcome)
    return outcome.total, outcome.grade, tuple(str(s) for s in outcome.top_scores)


def outcomes(paths: list[str], chunk_size: int = 500) -> list[PairOutcome]:
    spec_a, spec_b = specs()
    return [pair for pair, _, _ in diff_inputs(spec_a, spec_b, paths, chunk_size=chunk_size)]


# ---- golden outcomes ----------------------------------------------------------------------------
def test_the_shipped_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed report and its constructed second year (docs/batch.md's population of two): 过程
    gains 9.65 and 9.59 under the process-heavy profile, 效益 loses 7.60 and 9.44."""
    monkeypatch.chdir(ROOT)
    spec_a, spec_b = specs()
    found = list(diff_inputs(spec_a, spec_b, [SEED, SEED_2022]))
    assert [(p.index, p.id, p.source, shown(p.a), shown(p.b)) for p, _, _ in found] == [
        (
            0,
            SEED,
            SEED,
            (Decimal("95.85"), "优", ("13.60", "23.46", "35.00", "19.00")),
            (Decimal("95.99"), "优", ("13.60", "33.11", "35.00", "11.40")),
        ),
        (
            1,
            SEED_2022,
            SEED_2022,
            (Decimal("95.40"), "优", ("13.80", "24.19", "33.81", "23.60")),
            (Decimal("95.55"), "优", ("13.80", "33.78", "33.81", "14.16")),
        ),
    ]
    # Each with the raw record and the converter that reads it: a facts file is its path.
    assert [(raw, type(converter)) for _, raw, converter in found] == [
        ((1, SEED), FactsFileConverter),
        ((1, SEED_2022), FactsFileConverter),
    ]


TIER = (
    "ratings.{}: score 9.9 is outside tier 达成 (达成年度指标) [{}] 分（80%–100%）; choose the "
    "tier that matches the score or change the score"
)


def test_generated_records_with_errors(tmp_path: Path) -> None:
    """Six seed records: two score under both; a value that is not a number and a short row fail
    alike under both; points outside their tier fail under both, each spec saying it its way
    (B carries the points as a share of A's weight, and says so)."""
    path = _broken(tmp_path)
    where = f"{path}:row"
    profile = (
        f"; this spec is a profile of {ROOT / SPEC_A}: points given against another weighting "
        "do not carry over, a share of the weight does (share: 90%)"
    )
    not_a_number = (
        f"{where} 3: values.预算资金: fact '预算资金': 'abc' is not a number with a unit: "
        "expected a number with an optional unit such as '110万元', '99.14%' or '158批次' "
        "[not-a-number]"
    )
    short = f"{where} 4: has 10 cells, the header has 42 [batch-row-width]"
    assert [(p.index, p.id, p.source, shown(p.a), shown(p.b)) for p in outcomes([str(path)])] == [
        (
            0,
            "P0000001",
            f"{where} 2",
            (Decimal("89.54"), "良", ("13.20", "24.61", "33.23", "18.50")),
            (Decimal("91.89"), "优", ("13.20", "34.36", "33.23", "11.10")),
        ),
        (1, "P0000002", f"{where} 3", not_a_number, not_a_number),
        (2, "P0000003", f"{where} 4", short, short),
        (
            3,
            "P0000004",
            f"{where} 5",
            f"{where} 5: {TIER.format('立项依据充分性', '2.4, 3')} [tier-range]",
            f"{where} 5: {TIER.format('立项依据充分性', '2.4, 3')}{profile} [tier-range]",
        ),
        (
            4,
            "P0000005",
            f"{where} 6",
            f"{where} 6: {TIER.format('管理制度健全性', '4, 5')} [tier-range]",
            (
                f"{where} 6: ratings.管理制度健全性: share 198% is outside tier 达成 (达成年度指标) "
                "[5.6, 7] 分（80%–100%）; choose the tier that matches the score or change the "
                "score [tier-range]"
            ),
        ),
        (
            5,
            "P0000006",
            f"{where} 7",
            (Decimal("87.94"), "良", ("13.00", "22.53", "29.58", "22.83")),
            (Decimal("88.03"), "良", ("13.00", "31.75", "29.58", "13.70")),
        ),
    ]


def test_each_outcome_is_compare_on_the_record_alone(tmp_path: Path) -> None:
    """Read independently of the population code and scored by ``compare()``: the same totals
    and grades under A and B, and the error it raises (A's, else B's) where one fails."""
    spec_a, spec_b = specs()
    path = _broken(tmp_path)
    for pair, (number, payload), converter in diff_inputs(spec_a, spec_b, [str(path)]):
        record_id, facts = _record(spec_a, converter, number, payload)
        assert record_id == pair.id
        compared = _compared(spec_a, spec_b, facts)
        if isinstance(compared, ScoringError):
            failed = pair.a if isinstance(pair.a, ScoringError) else pair.b
            assert str(failed) == str(compared)
        else:
            assert isinstance(pair.a, Totals)
            assert isinstance(pair.b, Totals)
            assert (pair.a.total, pair.a.grade) == (compared.a.total, compared.a.grade)
            assert (pair.b.total, pair.b.grade) == (compared.b.total, compared.b.grade)


# ---- what a caller counts on --------------------------------------------------------------------
def test_positions_run_on_across_inputs_and_chunks(tmp_path: Path) -> None:
    """Records are numbered 0, 1 … across every input, whatever the chunks; the outcomes do not
    depend on how the records are cut into chunks."""
    paths = [str(ROOT / SEED), str(_broken(tmp_path)), str(ROOT / SEED_2022)]
    whole = outcomes(paths)
    assert [p.index for p in whole] == list(range(8))
    assert [p.id for p in whole] == [
        str(ROOT / SEED),
        *(f"P000000{n}" for n in range(1, 7)),
        str(ROOT / SEED_2022),
    ]
    for size in (1, 4):
        cut = outcomes(paths, chunk_size=size)
        assert [(p.index, p.id, p.source, shown(p.a), shown(p.b)) for p in cut] == [
            (p.index, p.id, p.source, shown(p.a), shown(p.b)) for p in whole
        ]


def test_the_raw_record_names_the_project(tmp_path: Path) -> None:
    """What the raw record and its converter are given for: the project's name (项目名称)."""
    spec_a, spec_b = specs()
    path = population(tmp_path)
    names = []
    for pair, (number, payload), converter in diff_inputs(spec_a, spec_b, [str(path)]):
        assert isinstance(converter, RowConverter)
        assert converter.source(number, payload) == pair.source
        record_id, record = converter.convert(spec_a, number, payload)
        assert record_id == pair.id
        names.append(project_name(record))
    assert names == [f"信访维稳经费{n}" for n in range(1, 7)]


def test_an_id_column_names_the_records(tmp_path: Path) -> None:
    spec_a, spec_b = specs()
    found = diff_inputs(spec_a, spec_b, [str(population(tmp_path))], id_column="项目名称")
    assert [pair.id for pair, _, _ in found] == [f"信访维稳经费{n}" for n in range(1, 7)]


def _inputs(tmp_path: Path) -> dict[str, list[str]]:
    """The broken population as CSV, XLSX (a named sheet), JSON Lines and a folder of facts
    files (the shipped reports), and several inputs at once."""
    path = _broken(tmp_path)
    rows = _rows(path)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "项目"
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "broken.xlsx")
    with (tmp_path / "broken.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows[1:]:
            record = dict(zip(rows[0][: len(row)], row, strict=True))
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    folder = tmp_path / "reports"
    folder.mkdir()
    for report in (SEED, SEED_2022):
        shutil.copy(ROOT / report, folder)
    return {
        "csv": [str(path)],
        "xlsx": [str(tmp_path / "broken.xlsx")],
        "jsonl": [str(tmp_path / "broken.jsonl")],
        "folder": [str(folder)],
        "several": [str(path), str(folder), str(tmp_path / "broken.jsonl")],
    }


def _figures(d: PopulationDiff) -> tuple[object, ...]:
    movers = [
        (m.id, m.name, m.source, m.total_a, m.total_b, m.grade_a, m.grade_b) for m in d.movers()
    ]
    failures = [(f.id, f.source, str(f.error_a), str(f.error_b)) for f in d.failures]
    return d.records, d.transitions, d.spreads(), movers, failures


def test_the_outcomes_add_up_to_jixiao_diff(tmp_path: Path) -> None:
    """Counted one at a time, each mover named from its raw record, the outcomes give the
    summary ``diff_population`` gives (a CSV there column by column), for every input kind."""
    spec_a, spec_b = specs()
    for kind, paths in _inputs(tmp_path).items():
        sheet = "项目" if kind == "xlsx" else None
        counted = PopulationDiff(spec_a, spec_b, top=5)
        for pair, (number, payload), converter in diff_inputs(
            spec_a, spec_b, paths, sheet=sheet, chunk_size=3
        ):
            if counted.add(pair):
                _, record = converter.convert(spec_a, number, payload)
                counted.name_mover(pair.index, project_name(record) or pair.id)
        expected = diff_population(spec_a, spec_b, paths, top=5, sheet=sheet)
        assert _figures(counted) == _figures(expected), kind
        assert counted.records == {"folder": 2, "several": 14}.get(kind, 6), kind


# ---- bad input ----------------------------------------------------------------------------------
def _head(tmp_path: Path) -> Path:
    """The population with its fifth column misnamed: a header neither spec reads."""
    rows = _rows(population(tmp_path))
    rows[0][4] = "预算"
    path = tmp_path / "head.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


UNKNOWN = (
    "{}:1:5: unknown column '预算': not a fact id or label, a project field, "
    "'<indicator>.tier' …, or not_applicable; did you mean '预算资金'? [batch-unknown-column]"
)


def test_a_broken_header_after_a_good_input_stops_before_any_record(tmp_path: Path) -> None:
    spec_a, spec_b = specs()
    head = _head(tmp_path)
    found = diff_inputs(spec_a, spec_b, [str(population(tmp_path)), str(head)])
    with pytest.raises(FactsError) as raised:
        next(found)
    assert str(raised.value) == UNKNOWN.format(head)


def test_a_missing_input(tmp_path: Path) -> None:
    spec_a, spec_b = specs()
    with pytest.raises(FactsError) as raised:
        next(diff_inputs(spec_a, spec_b, [str(tmp_path / "nope.csv")]))
    assert str(raised.value) == f"{tmp_path / 'nope.csv'}: no such file [file-unreadable]"


def test_a_header_only_b_cannot_read_is_marked_b_s(tmp_path: Path) -> None:
    spec_a = specs()[0]
    other = load_spec(ROOT / "indicators" / "self_evaluation.yaml")
    path = population(tmp_path)
    with pytest.raises(FactsError) as raised:
        next(diff_inputs(spec_a, other, [str(path)]))
    lines = str(raised.value).splitlines()
    assert len(lines) == 36  # 12 facts and 24 rating columns the other system does not have
    assert lines[0] == (
        f"{path}:1:5: B (self_evaluation): unknown column '预算资金': not a fact id or label, a "
        "project field, '<indicator>.tier' …, or not_applicable [batch-unknown-column]"
    )
    assert lines[-1] == (
        f"{path}:1:41: B (self_evaluation): column '长效工作机制.score': unknown indicator "
        "'长效工作机制' [batch-unknown-column]"
    )


def test_every_input_s_problems_at_once(tmp_path: Path) -> None:
    """An input A cannot read and another only B cannot read: one FactsError with both inputs'
    problems, in input order, B's marked as B's (not A's alone, to be met again on the next
    run)."""
    spec_a = specs()[0]
    other = load_spec(ROOT / "indicators" / "self_evaluation.yaml")
    head, path = _head(tmp_path), population(tmp_path)
    with pytest.raises(FactsError) as raised:
        next(diff_inputs(spec_a, other, [str(head), str(path)]))
    lines = str(raised.value).splitlines()
    assert len(lines) == 37
    assert lines[0] == UNKNOWN.format(head)
    assert lines[1] == (
        f"{path}:1:5: B (self_evaluation): unknown column '预算资金': not a fact id or label, a "
        "project field, '<indicator>.tier' …, or not_applicable [batch-unknown-column]"
    )


@pytest.mark.parametrize("size", [0, -1])
def test_a_chunk_size_below_one_is_refused(tmp_path: Path, size: int) -> None:
    """Not an empty diff: records cut into chunks of no record would give none of them."""
    spec_a, spec_b = specs()
    message = f"chunk_size must be at least 1, not {size}"
    with pytest.raises(ValueError, match=r"^chunk_size") as raised:
        next(diff_inputs(spec_a, spec_b, [str(population(tmp_path))], chunk_size=size))
    assert str(raised.value) == message
