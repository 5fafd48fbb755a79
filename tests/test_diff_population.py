"""`jixiao diff SPEC_A SPEC_B INPUT`: the what-if over a population (scoring.batch.population_diff).

The population is shipped-style: seed records of the 信访维稳 system (benchmarks/records.py, as
tests/test_batch.py uses them) and the seed report itself, under the system and its process-heavy
profile (10 points moved from 效益 to 过程; qualitative weights changed, so ratings in points are
carried to B as shares). The property at the end holds the summary equal to ``compare()`` run on
each record alone, errors included, whatever the records hold and whichever input carries them.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import json
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, Run, examples, records_generator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.batch.inputs import open_inputs
from scoring.batch.population_diff import TOTAL, PairOutcome, PopulationDiff, diff_population
from scoring.batch.records import Converter
from scoring.engine.facts import Facts, facts_from_record, load_facts
from scoring.engine.result import Totals
from scoring.engine.whatif import Comparison, compare
from scoring.errors import ScoringError
from scoring.report.page import STYLE
from scoring.spec.compiled import Spec
from scoring.spec.loader import load_spec

Jixiao = Callable[..., Run]
SPEC_A = "indicators/xinfang_weiwen.yaml"
SPEC_B = "indicators/profiles/xinfang_weiwen_process_heavy.yaml"
SEED = "examples/hengnan_xinfang_2021.yaml"
SEED_2022 = "examples/hengnan_xinfang_2022_constructed.yaml"


generator = records_generator()


@functools.cache
def specs() -> tuple[Spec, Spec]:
    return load_spec(ROOT / SPEC_A), load_spec(ROOT / SPEC_B)


def _population(tmp_path: Path) -> Path:
    """Six seed records, two of which change grade under the profile (one up, one down)."""
    path: Path = generator.write_csv(tmp_path / "pop.csv", 6, seed=13)
    return path


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# ---- golden results ------------------------------------------------------------------------------
def test_two_reports_by_hand(jixiao: Jixiao) -> None:
    """The seed report and its constructed second year as a population of two, every figure
    worked out by hand from the per-file diffs: totals +0.14 (95.85 → 95.99, docs/workflow.md)
    and +0.15 (95.40 → 95.55), mean +0.145, population spread |0.15 − 0.14| / 2 = 0.005; 过程
    +9.65 and +9.59 (mean 9.62, spread 0.03); 效益 −7.6 and −9.44 (mean −8.52, spread 0.92)."""
    run = jixiao("diff", SPEC_A, SPEC_B, SEED, SEED_2022, "--top", "2")
    assert (run.code, run.err) == (0, "")
    lines = run.out.splitlines()
    assert lines[2] == f"输入: {SEED}、{SEED_2022}（2 条记录，两版均已评分 2 条）"
    assert lines[4] == "等级变化：0 个项目等级改变（升 0，降 0），2 个不变"
    rows = {line.split()[0]: line.split()[1:] for line in lines[13:20]}
    assert rows["总分"] == ["2", "+0.1450", "0.0050", "+0.14", "+0.14", "+0.14", "+0.15", "+0.15"]
    assert rows["过程"] == ["2", "+9.6200", "0.0300", "+9.59", "+9.59", "+9.59", "+9.65", "+9.65"]
    assert rows["效益"] == ["2", "-8.5200", "0.9200", "-9.44", "-9.44", "-9.44", "-7.60", "-7.60"]
    assert rows["决策"] == ["2", "0.0000", "0.0000", *["0.00"] * 5]
    assert lines[-2:] == [
        f"{SEED_2022}  信访维稳经费  95.40     95.55     +0.15   优        优",
        f"{SEED}              信访维稳经费  95.85     95.99     +0.14   优        优",
    ]


GOLDEN = """\
A: 信访维稳经费项目支出绩效评价指标体系 (xinfang_weiwen v2021.1)
B: 信访维稳经费项目支出绩效评价指标体系（过程加权） (xinfang_weiwen_process_heavy v2021.1-p1)
输入: pop.csv、examples/hengnan_xinfang_2021.yaml（7 条记录，两版均已评分 7 条）

等级变化：2 个项目等级改变（升 1，降 1），5 个不变
A ＼ B    优    良    中    差    合计
--------  ----  ----  ----  ----  ------
优        3     1     0     0     4
良        1     2     0     0     3
中        0     0     0     0     0
差        0     0     0     0     0
合计      4     3     0     0     7

变化（B − A）    项目数    平均     标准差    最小    下四分位    中位数    上四分位    最大
---------------  --------  -------  --------  ------  ----------  --------  ----------  ------
总分             7         -0.0829  1.1130    -1.28   -1.05       -0.21     +0.14       +2.35
决策             7         0.0000   0.0000    0.00    0.00        0.00      0.00        0.00
过程             7         +8.9157  0.6113    +8.08   +8.23       +8.91     +9.65       +9.75
产出             7         0.0000   0.0000    0.00    0.00        0.00      0.00        0.00
效益             7         -8.4643  0.8816    -9.36   -9.28       -9.12     -7.40       -7.36

变化最大的 4 个项目
项目      名称           总分 A    总分 B    变化    等级 A    等级 B
--------  -------------  --------  --------  ------  --------  --------
P0000001  信访维稳经费1  89.54     91.89     +2.35   良        优
P0000003  信访维稳经费3  91.21     89.93     -1.28   优        良
P0000005  信访维稳经费5  87.81     86.76     -1.05   良        良
P0000004  信访维稳经费4  90.84     90.22     -0.62   优        优
"""


def test_golden_population(jixiao: Jixiao, tmp_path: Path) -> None:
    """Six seed records and the seed report: the whole summary as printed."""
    population = _population(tmp_path)
    run = jixiao("diff", SPEC_A, SPEC_B, str(population), SEED, "--top", "4")
    assert (run.code, run.err) == (0, "")
    assert run.out.replace(f"{tmp_path}/", "") == GOLDEN


def test_golden_figures_are_each_records_compare(tmp_path: Path) -> None:
    """The golden summary's figures, worked out again from ``compare()`` on each record alone:
    the grade of each under A and B, and the mean and population spread of the total's change
    (statistics.mean and pstdev on the Decimals)."""
    spec_a, spec_b = specs()
    population = _population(tmp_path)
    changes = []
    grades: Counter[tuple[str, str]] = Counter()
    (item,) = open_inputs(spec_a, [str(population)])
    records = [_record(spec_a, item.converter, *record)[1] for record in item.records()]
    for facts in [*records, load_facts(ROOT / SEED)]:
        assert isinstance(facts, Facts)
        c = compare(spec_a, spec_b, facts)
        changes.append(c.total_delta)
        grades[(c.a.grade, c.b.grade)] += 1
    summary = diff_population(spec_a, spec_b, [str(population), str(ROOT / SEED)], top=4)
    assert summary.transitions == grades
    assert grades == {("优", "优"): 3, ("优", "良"): 1, ("良", "优"): 1, ("良", "良"): 2}
    total = summary.spreads()[0]
    assert total.key == TOTAL
    assert total.mean == statistics.mean(changes)
    assert total.std is not None
    assert round(total.std, 20) == round(statistics.pstdev(changes), 20)
    assert (total.minimum, total.maximum) == (min(changes), max(changes))


def _record(
    spec: Spec, converter: Converter, number: int, payload: object
) -> tuple[str, Facts | ScoringError]:
    """One record's id and facts (or error), read the way a batch reads a record that is not on
    the fast path: independent of the population code, for ``compare()`` to score."""
    record_id, record = converter.convert(spec, number, payload)
    if isinstance(record, (Facts, ScoringError)):
        return record_id, record
    try:
        return record_id, facts_from_record(record, file=converter.source(number, payload))
    except ScoringError as exc:
        return record_id, exc


def _compared(spec_a: Spec, spec_b: Spec, facts: Facts | ScoringError) -> Comparison | ScoringError:
    if isinstance(facts, ScoringError):
        return facts
    try:
        return compare(spec_a, spec_b, facts)
    except ScoringError as exc:
        return exc


def test_json_for_tools(jixiao: Jixiao, tmp_path: Path) -> None:
    """--format json: the same figures as exact decimal strings, the transitions in full."""
    population = _population(tmp_path)
    run = jixiao("diff", SPEC_A, SPEC_B, str(population), "--top", "1", "--format", "json")
    assert (run.code, run.err) == (0, "")
    data = json.loads(run.out)
    assert (data["records"], data["scored"], data["failed"]) == (6, 6, 0)
    assert data["a"]["id"] == "xinfang_weiwen"
    assert data["b"]["id"] == "xinfang_weiwen_process_heavy"
    grades = data["grades"]
    assert (grades["changed"], grades["up"], grades["down"], grades["unchanged"]) == (2, 1, 1, 4)
    assert {"a": "良", "b": "优", "count": 1} in grades["transitions"]
    assert len(grades["transitions"]) == 16
    assert [c["name"] for c in data["changes"]] == ["总分", "决策", "过程", "产出", "效益"]
    assert data["changes"][0]["id"] is None
    assert data["changes"][2]["id"] == "过程"
    assert data["movers"] == [
        {
            "id": "P0000001",
            "name": "信访维稳经费1",
            "source": f"{population}:row 2",
            "total_a": "89.54",
            "total_b": "91.89",
            "change": "2.35",
            "grade_a": "良",
            "grade_b": "优",
        }
    ]
    assert data["failures"] == []


def test_html_page(jixiao: Jixiao, tmp_path: Path) -> None:
    """--html: the page in the shared frame and stylesheet, with the three charts, the tables and
    no script; the summary is still printed."""
    population = _population(tmp_path)
    page = tmp_path / "diff.html"
    run = jixiao("diff", SPEC_A, SPEC_B, str(population), "--html", str(page))
    assert (run.code, run.err) == (0, f"wrote {page}\n")
    assert run.out.startswith("A: 信访维稳经费项目支出绩效评价指标体系")
    html = page.read_text(encoding="utf-8")
    assert f"<style>{STYLE}</style>" in html
    assert "<script" not in html
    assert html.count("<svg") == 3
    for title in ("等级变化（A → B）", "各一级指标得分变化的分布（B − A）", "总分变化最大的项目"):
        assert f"<title>{title}</title>" in html
    assert "<title>A 良 → B 优：1 个项目</title>" in html
    assert "<td>P0000001</td><td>信访维稳经费1</td>" in html


def test_the_same_population_in_every_batch_format(tmp_path: Path) -> None:
    """CSV rows go column by column, XLSX rows by the plan (points carried in the row, padded),
    JSON Lines flat records by their facts, Parquet rows (where pyarrow is installed) as
    table rows: one summary."""
    spec_a, spec_b = specs()
    population = _population(tmp_path)
    rows = _rows(population)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "pop.xlsx")
    with (tmp_path / "pop.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows[1:]:
            handle.write(json.dumps(dict(zip(rows[0], row, strict=True)), ensure_ascii=False))
            handle.write("\n")
    names = ["pop.csv", "pop.xlsx", "pop.jsonl"]
    if importlib.util.find_spec("pyarrow") is not None:  # Parquet is read where it is installed
        pa = importlib.import_module("pyarrow")
        pq = importlib.import_module("pyarrow.parquet")
        table = pa.table({name: [row[k] for row in rows[1:]] for k, name in enumerate(rows[0])})
        pq.write_table(table, tmp_path / "pop.parquet")
        names.append("pop.parquet")
    results = [
        _figures(diff_population(spec_a, spec_b, [str(tmp_path / name)], top=6)) for name in names
    ]
    assert all(result == results[0] for result in results[1:])
    assert results[0][0] == {("优", "优"): 2, ("优", "良"): 1, ("良", "优"): 1, ("良", "良"): 2}


def _figures(d: PopulationDiff) -> tuple[object, ...]:
    movers = [(m.id, m.name, m.total_a, m.total_b, m.grade_a, m.grade_b) for m in d.movers()]
    return d.transitions, d.spreads(), movers, [(f.id, str(f.error_a)) for f in d.failures]


# ---- bad input -----------------------------------------------------------------------------------
def _broken(tmp_path: Path) -> Path:
    """The population with a value that is not a number (row 3), a short row (row 4), points
    outside their tier under an unchanged weight (row 5) and under a changed one (row 6)."""
    rows = _rows(_population(tmp_path))
    header = rows[0]
    rows[2][header.index("预算资金")] = "abc"
    rows[3] = rows[3][:10]
    rows[4][header.index("立项依据充分性.score")] = "9.9"
    rows[5][header.index("管理制度健全性.score")] = "9.9"
    path = tmp_path / "broken.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_failed_records_are_listed_with_their_errors(jixiao: Jixiao, tmp_path: Path) -> None:
    """Every record that fails under A or B is listed with each spec's located error (once when
    the two are the same); the others are summarised; exit 1 with the count on stderr."""
    path = _broken(tmp_path)
    run = jixiao("diff", SPEC_A, SPEC_B, str(path), "--top", "0")
    assert run.code == 1
    assert (
        run.err
        == "jixiao diff: 4 of 6 records failed under A or B; each is listed with its error\n"
    )
    out = run.out.replace(f"{tmp_path}/", "")
    assert "输入: broken.csv（6 条记录，两版均已评分 2 条，出错 4 条）\n" in out
    tier = "ratings.{}: score 9.9 is outside tier 达成 (达成年度指标) [{}] 分（80%–100%）; choose the tier that matches the score or change the score"
    profile = "; this spec is a profile of indicators/xinfang_weiwen.yaml: points given against another weighting do not carry over, a share of the weight does (share: 90%)"
    assert out.split("\n出错的记录")[1] == (
        "（4 条，两版各自的错误）\n"
        "P0000002（broken.csv:row 3）\n"
        "  A、B: broken.csv:row 3: values.预算资金: fact '预算资金': 'abc' is not a number with a unit: expected a number with an optional unit such as '110万元', '99.14%' or '158批次' [not-a-number]\n"
        "P0000003（broken.csv:row 4）\n"
        "  A、B: broken.csv:row 4: has 10 cells, the header has 42 [batch-row-width]\n"
        "P0000004（broken.csv:row 5）\n"
        f"  A: broken.csv:row 5: {tier.format('立项依据充分性', '2.4, 3')} [tier-range]\n"
        f"  B: broken.csv:row 5: {tier.format('立项依据充分性', '2.4, 3')}{profile} [tier-range]\n"
        "P0000005（broken.csv:row 6）\n"
        f"  A: broken.csv:row 6: {tier.format('管理制度健全性', '4, 5')} [tier-range]\n"
        "  B: broken.csv:row 6: ratings.管理制度健全性: share 198% is outside tier 达成 (达成年度指标) "
        "[5.6, 7] 分（80%–100%）; choose the tier that matches the score or change the score "
        "[tier-range]\n"
    )


def test_failed_records_match_compare(tmp_path: Path) -> None:
    """Each failed record's error is the one ``compare()`` raises on it (A's, else B's)."""
    spec_a, spec_b = specs()
    path = _broken(tmp_path)
    summary = diff_population(spec_a, spec_b, [str(path)])
    (item,) = open_inputs(spec_a, [str(path)])
    failed = {f.id: str(f.error_a or f.error_b) for f in summary.failures}
    raised = {}
    for number, payload in item.records():
        record_id, facts = _record(spec_a, item.converter, number, payload)
        c = _compared(spec_a, spec_b, facts)
        if isinstance(c, ScoringError):
            raised[record_id] = str(c)
    assert failed == raised
    assert len(raised) == 4


def test_a_broken_header_stops_before_scoring(jixiao: Jixiao, tmp_path: Path) -> None:
    """An unknown column is the whole input's error, located, and nothing is printed."""
    rows = _rows(_population(tmp_path))
    rows[0][4] = "预算"
    path = tmp_path / "head.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    run = jixiao("diff", SPEC_A, SPEC_B, str(path))
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        f"{path}:1:5: unknown column '预算': not a fact id or label, a project field, "
        "'<indicator>.tier' …, or not_applicable; did you mean '预算资金'? [batch-unknown-column]\n"
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--all"],
            (
                "jixiao: error: --all lists each facts file's indicators; a population is "
                "summarised by top-level indicator (give facts files alone, without --top, --html or --format "
                "json, to list them)\n"
            ),
        ),
        (
            ["--top", "-1"],
            "jixiao diff: error: argument --top: expected 0 (none listed) or more projects\n",
        ),
        (
            ["--top", "many"],
            "jixiao diff: error: argument --top: expected a number of projects, got 'many'\n",
        ),
        (
            ["--html", "no/such/folder/diff.html"],
            "jixiao: error: no/such/folder/diff.html: folder no/such/folder does not exist\n",
        ),
    ],
)
def test_usage_errors(jixiao: Jixiao, tmp_path: Path, extra: list[str], message: str) -> None:
    run = jixiao("diff", SPEC_A, SPEC_B, str(_population(tmp_path)), *extra)
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith(message)


def test_html_never_over_an_input(jixiao: Jixiao, tmp_path: Path) -> None:
    population = _population(tmp_path)
    run = jixiao("diff", SPEC_A, SPEC_B, str(population), "--html", str(population))
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        f"{population}: --html is the same file as the input INPUT {population}; jixiao never "
        "writes over an input: name another output file [output-is-input]\n"
    )


def test_facts_files_alone_keep_the_indicator_listing(jixiao: Jixiao) -> None:
    """Facts files without --top, --html or --format json: each compared indicator by indicator."""
    run = jixiao("diff", SPEC_A, SPEC_B, SEED)
    assert (run.code, run.err) == (0, "")
    assert run.out.splitlines()[-1] == "total 95.85 → 95.99 (+0.14), grade 优 (unchanged)"


# ---- the property: the summary is compare() on each record, aggregated ---------------------------
CELLS = (
    "",
    "abc",
    "0",
    "1",
    "2.5",
    "2.9",
    "4.2",
    "9.9",
    "-1",
    "不适用",
    "达成",
    "部分达成",
    "未达成",
    "优秀",
    "110万元",
    "1,100,000元",
    "96.5%",
    "0.5",
    "4.5分",
)


@st.composite
def populations(draw: st.DrawFn) -> list[list[str]]:
    """Seed records, each with up to four cells replaced by something else (numbers in and out
    of range, tiers, units, text): records that score, and records that fail, under either."""
    width = len(generator.header())
    count = draw(st.integers(1, 16))
    out = []
    for number in range(count):
        seed = draw(st.integers(0, 10_000))
        (row,) = generator.rows(1, seed=seed)
        row[0] = f"P{number + 1}"
        for column, text in draw(
            st.lists(st.tuples(st.integers(4, width - 1), st.sampled_from(CELLS)), max_size=4)
        ):
            row[column] = text
        out.append(row)
    return out


def _expected(spec_a: Spec, spec_b: Spec, path: Path) -> tuple[object, ...]:
    """What ``compare()`` says of each record alone, aggregated as the summary aggregates."""
    (item,) = open_inputs(spec_a, [str(path)])
    converter = item.converter
    transitions: Counter[tuple[str, str]] = Counter()
    changes: dict[str, Counter[Decimal]] = {TOTAL: Counter()}
    errors: list[tuple[str, str]] = []
    moves: list[tuple[Decimal, int, str]] = []
    for index, (number, payload) in enumerate(item.records()):
        record_id, facts = _record(spec_a, converter, number, payload)
        c = _compared(spec_a, spec_b, facts)
        if isinstance(c, ScoringError):
            errors.append((record_id, str(c)))
            continue
        transitions[(c.a.grade, c.b.grade)] += 1
        changes[TOTAL][c.total_delta] += 1
        for top_a in c.a.indicators:
            top_b = c.b.find(top_a.id)
            if top_a.score is not None and top_b.score is not None:
                changes.setdefault(top_a.id, Counter())[top_b.score - top_a.score] += 1
        moves.append((abs(c.total_delta), index, record_id))
    movers = [record_id for _, _, record_id in sorted(moves, key=lambda m: (-m[0], m[1]))[:3]]
    return transitions, {k: v for k, v in changes.items() if v}, errors, movers


def _actual(summary: PopulationDiff) -> tuple[object, ...]:
    keys = [TOTAL, *(node.id for node in summary.spec_a.indicators)]
    changes = {key: summary.changes(key) for key in keys if summary.changes(key)}
    errors = [(f.id, str(f.error_a or f.error_b)) for f in summary.failures]
    return summary.transitions, changes, errors, [m.id for m in summary.movers()]


def _write(path: Path, rows: Sequence[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(generator.header())
        writer.writerows(rows)
    return path


# Twenty populations of up to 16 records, not forty of up to 8: the same records and cells tried,
# for half the cost (scoring a population column by column costs mostly per population).
@settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=populations())
def test_summary_is_compare_on_each_record(tmp_path: Path, rows: list[list[str]]) -> None:
    """Whatever the records hold, the population summary — column by column or record by record
    — equals ``compare()`` run on each record alone: the grade transitions, every change of the total and of each 一级指标 (so their mean,
    spread and quartiles), the failed records with the error compare raises, and the movers."""
    spec_a, spec_b = specs()
    path = _write(tmp_path / "property.csv", rows)
    expected = _expected(spec_a, spec_b, path)
    for columnar in (True, False):  # column by column where it can, and record by record
        summary = diff_population(spec_a, spec_b, [str(path)], top=3, columnar=columnar)
        assert summary.records == len(rows)
        assert _actual(summary) == expected


def test_spread_is_of_the_population() -> None:
    """Changes of −1, −1 and +2: mean 0, variance (1 + 1 + 4) / 3 = 2 (divided by the count, not
    count − 1), quartiles by nearest rank; 0.10 and 0.1 are one change."""
    spec_a, spec_b = specs()
    summary = PopulationDiff(spec_a, spec_b)
    tops = (None,) * len(spec_a.indicators)
    for index, (before, after) in enumerate(
        [("50.00", "49.00"), ("50.1", "49.10"), ("50", "52"), ("50.00", "50.10"), ("50", "50.1")]
    ):
        a = Totals(Decimal(before), "差", Decimal(100), tops, (), ())
        b = Totals(Decimal(after), "差", Decimal(100), tops, (), ())
        summary.add(PairOutcome(index, f"P{index}", "here", a, b))
    assert summary.changes(TOTAL) == {Decimal(-1): 2, Decimal(2): 1, Decimal("0.1"): 2}
    total = summary.spreads()[0]
    figures = (total.count, total.mean, total.minimum, total.maximum, total.quartiles)
    mean = Decimal("0.04")  # (−1 − 1 + 2 + 0.1 + 0.1) / 5
    quartiles = (Decimal(-1), Decimal("0.1"), Decimal("0.1"))
    assert figures == (5, mean, Decimal(-1), Decimal(2), quartiles)
    variance = (
        2 * (Decimal(-1) - mean) ** 2 + (2 - mean) ** 2 + 2 * (Decimal("0.1") - mean) ** 2
    ) / 5
    assert total.std == variance.sqrt()
    assert [m.id for m in summary.movers()] == ["P2", "P0", "P1", "P3", "P4"]


def test_a_header_only_a_reads_is_bs_error(jixiao: Jixiao, tmp_path: Path) -> None:
    """A header A reads and B does not (B another system): every problem, each marked B's."""
    population = _population(tmp_path)
    run = jixiao("diff", SPEC_A, "indicators/self_evaluation.yaml", str(population))
    assert (run.code, run.out) == (1, "")
    lines = run.err.splitlines()
    assert len(lines) == 36  # 12 facts and 24 rating columns the other system does not have
    assert lines[0] == (
        f"{population}:1:5: B (self_evaluation): unknown column '预算资金': not a fact id or "
        "label, a project field, '<indicator>.tier' …, or not_applicable [batch-unknown-column]"
    )
    assert lines[-1] == (
        f"{population}:1:41: B (self_evaluation): column '长效工作机制.score': unknown indicator "
        "'长效工作机制' [batch-unknown-column]"
    )


@pytest.mark.parametrize("spec_b", [SPEC_A, SPEC_B])
def test_table_rows_stay_on_the_fast_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, spec_b: str
) -> None:
    """Rows that score are never read into facts for B: with points to carry (the profile) they
    are carried in the row; with none (the same spec twice) B reads them as they are, and nothing
    changes."""
    from scoring.batch import population_diff

    def refused(*args: object) -> None:
        raise AssertionError("a row read into facts for B")

    monkeypatch.setattr(population_diff._SharesConverter, "convert", refused)
    spec_a = specs()[0]
    summary = diff_population(spec_a, load_spec(ROOT / spec_b), [str(_population(tmp_path))])
    assert (summary.records, summary.scored) == (6, 6)
    if spec_b == SPEC_A:
        assert sum(n for (a, b), n in summary.transitions.items() if a == b) == 6
        assert all(set(summary.changes(s.key)) == {0} for s in summary.spreads())


def test_column_by_column_is_record_by_record(tmp_path: Path) -> None:
    """A CSV scored by the columnar backend (rows it declines, and broken rows, record by record)
    gives the summary the record-by-record path gives, to the movers' names and the errors."""
    spec_a, spec_b = specs()
    broken = _broken(tmp_path)
    big = generator.write_csv(tmp_path / "big.csv", 3000, seed=5)

    def figures(d: PopulationDiff) -> tuple[object, ...]:
        movers = [
            (m.id, m.name, m.source, m.total_a, m.total_b, m.grade_a, m.grade_b) for m in d.movers()
        ]
        failures = [(f.id, f.source, str(f.error_a), str(f.error_b)) for f in d.failures]
        return d.records, d.transitions, d.spreads(), movers, failures

    for paths in ([str(big)], [str(broken), str(big)]):
        by_columns = diff_population(spec_a, spec_b, paths, top=30)
        by_records = diff_population(spec_a, spec_b, paths, top=30, columnar=False)
        assert figures(by_columns) == figures(by_records)
    assert by_columns.records == 3006
    assert len(by_columns.failures) == 4
