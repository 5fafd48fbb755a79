"""jixiao batch: every record in gives one row out, in order, with its score or its whole error."""

from __future__ import annotations

import copy
import csv
import functools
import gc
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import ROOT, Run, records_generator
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import FactsError, Result, ScoringError, Spec, load_facts, load_spec
from scoring.batch import score_many
from scoring.batch.column_map import build_column_map
from scoring.batch.core import process_chunk
from scoring.batch.records import JsonLineConverter, RowConverter, project_name
from scoring.batch.run import run_batch
from scoring.errors import Problem

Jixiao = Callable[..., Run]
SPEC = str(ROOT / "indicators" / "xinfang_weiwen.yaml")
SEED_FACTS = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
TOPS = ("决策", "过程", "产出", "效益")
COLUMNS = ["id", "name", "total", "grade", *TOPS, "error", "source"]
SCORES = COLUMNS[2:8]  # total, grade and the four 一级指标
SEED_NAME = "信访维稳经费"  # the seed's project.name
# The seed example scored by `jixiao score`: total, grade and the four 一级指标.
SEED_SCORES = ["95.85", "优", "13.60", "23.46", "35.00", "19.00"]


@functools.cache
def seed_spec() -> Spec:
    return load_spec(SPEC)


generator = records_generator()


def seed_record(*, labels: bool = False) -> dict[str, str]:
    """The seed example (examples/hengnan_xinfang_2021.yaml) as one flat row of the generator's
    header: itemised amounts by their stated totals, ratings as .tier/.score columns."""
    data = load_facts(SEED_FACTS).document.data
    row = {"id": "衡南2021", "项目名称": data["project"]["name"], "实施单位": "", "年度": "2021"}
    for fact, value in data["values"].items():
        text = str(value["total"] if isinstance(value, dict) else value)
        row[generator.FACT_LABELS[fact] if labels else fact] = text
    for indicator, rating in data["ratings"].items():
        row[f"{indicator}.tier"] = rating["tier"]
        row[f"{indicator}.score"] = str(rating["score"])
    row["not_applicable"] = "服务对象满意度: 本年度未开展服务对象满意度调查"
    return row


def write_csv(path: Path, rows: list[list[str]] | Iterator[list[str]], header: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def as_row(record: dict[str, Any], header: list[str]) -> list[Any]:
    return [record.get(column, "") for column in header]


# ---- the acceptance test: 10,000 records, 1% broken ---------------------------------------------
BREAKS: dict[str, tuple[str, str, str]] = {
    # kind → (column, cell, the message after "<file>:row N: ")
    "not a number": (
        "预算资金",
        "abc",
        (
            "values.预算资金: fact '预算资金': 'abc' is not a number with a unit: expected a number "
            "with an optional unit such as '110万元', '99.14%' or '158批次' [not-a-number]"
        ),
    ),
    "missing": (
        "实际支出",
        "",
        (
            "values: missing fact '实际支出' (实际支出资金, money in 万元), needed by 预算执行率, "
            "成本控制 [missing-fact]"
        ),
    ),
    "broken unit": (
        "到位资金",
        "110美元",
        (
            "values.到位资金: fact '到位资金': value '110美元' has unit '美元', which does not fit an "
            "amount of money in 万元 (元/万元/亿元 are converted) [unit-mismatch]"
        ),
    ),
    "tier mismatch": (
        "立项依据充分性.score",
        "1",
        (
            "ratings.立项依据充分性: score 1 is outside tier 达成 (达成年度指标) [2.4, 3] 分（80%–100%）; "
            "choose the tier that matches the score or change the score [tier-range]"
        ),
    ),
    "not whole": (
        "培训人次",
        "12.5",
        (
            "values.培训人次: fact '培训人次': expected a whole number of 人次, got 12.5 "
            "[fact-not-whole]"
        ),
    ),
}
WIDTH_MESSAGE = (
    "has 43 cells, the header has 42: an unquoted comma (e.g. in 1,100,000) shifts the columns; "
    "quote the cell or drop the separator [batch-row-width]"
)


def test_ten_thousand_records_with_one_percent_broken(jixiao: Jixiao, tmp_path: Path) -> None:
    """10,000 rows with 100 broken in six ways give 10,000 rows out in input order: each broken
    one with its whole error and row number, the rest scored; exit 1 with the count on stderr."""
    header = generator.header()
    rows = list(generator.rows(10_000, seed=1))
    kinds = [*BREAKS, "row width"]
    expected: dict[int, str] = {}  # row number in the file → expected error after "file:row N: "
    source = tmp_path / "projects.csv"
    for n, index in enumerate(range(37, 10_000, 100)):  # 100 rows, spread over the file
        kind = kinds[n % len(kinds)]
        if kind == "row width":
            rows[index] = [*rows[index], "1,100,000元"]
            expected[index + 2] = WIDTH_MESSAGE
        else:
            column, cell, message = BREAKS[kind]
            if kind == "tier mismatch":
                rows[index][header.index("立项依据充分性.tier")] = "达成"
            rows[index][header.index(column)] = cell
            expected[index + 2] = message
    rows[0] = as_row(seed_record(), header)
    write_csv(source, rows, header)
    out = tmp_path / "scores.csv"

    run = jixiao("batch", SPEC, str(source), "-o", str(out))

    assert run.code == 1
    assert run.err.endswith(
        f"jixiao batch: 100 of 10,000 records failed; their errors are in the error column "
        f"of {out}\n"
    )
    assert "records: 10,000, scored 9,900, failed 100\n" in run.err
    got = read_csv(out)
    assert len(got) == 10_000
    assert [r["id"] for r in got[1:]] == [row[0] for row in rows[1:]]
    assert [r["source"] for r in got] == [f"{source}:row {n}" for n in range(2, 10_002)]
    assert [got[0][c] for c in SCORES] == SEED_SCORES
    for number, row in enumerate(got, 2):
        if number in expected:
            assert row["error"] == f"{source}:row {number}: {expected[number]}"
            assert [row[c] for c in SCORES] == [""] * 6
        else:
            assert row["error"] == ""
            assert row["grade"] in ("优", "良", "中", "差")
            assert Decimal(0) <= Decimal(row["total"]) <= Decimal(100)


# ---- headers ------------------------------------------------------------------------------------
def test_header_by_label_gives_the_same_scores_as_by_id(jixiao: Jixiao, tmp_path: Path) -> None:
    """Columns named by fact label (年度预算资金) read the same as by fact id (预算资金)."""
    outputs = []
    for labels in (False, True):
        header = generator.header(labels=labels)
        rows = [as_row(seed_record(labels=labels), header), *generator.rows(30, seed=2)]
        source = write_csv(tmp_path / f"labels_{labels}.csv", rows, header)
        out = tmp_path / f"out_{labels}.csv"
        assert jixiao("batch", SPEC, str(source), "-o", str(out)).code == 0
        outputs.append([{k: v for k, v in r.items() if k != "source"} for r in read_csv(out)])
    assert outputs[0] == outputs[1]
    assert [outputs[1][0][c] for c in SCORES] == SEED_SCORES


def test_id_column_names_the_records(jixiao: Jixiao, tmp_path: Path) -> None:
    """--id-column picks the column that names each record; a column that is not there is a
    header error with a suggestion."""
    header = generator.header()
    source = write_csv(tmp_path / "in.csv", generator.rows(3, seed=6), header)
    out = tmp_path / "out.csv"
    assert jixiao("batch", SPEC, str(source), "-o", str(out), "--id-column", "项目名称").code == 0
    assert [r["id"] for r in read_csv(out)] == ["信访维稳经费1", "信访维稳经费2", "信访维稳经费3"]
    run = jixiao("batch", SPEC, str(source), "-o", str(out), "--id-column", "项目")
    assert run.code == 1
    assert run.err == (
        f"{source}:1: no column '项目' (--id-column); did you mean '项目名称'? [batch-id-column]\n"
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_rows_are_named_by_their_name_cell_else_their_id(
    jixiao: Jixiao, tmp_path: Path, workers: str
) -> None:
    """The name column holds what the record's facts are named: the 项目名称 cell, else (no such
    column, or the cell empty) the id — for rows the compiled plan scores and rows the engine
    words an error for alike; a row of the wrong width was never read, and has none."""
    named = seed_record()
    unnamed = dict(seed_record(), id="衡南-2", 项目名称="")
    broken = dict(seed_record(), id="衡南-3", 接访批次="很多")  # the engine's path: an error
    header = generator.header()
    rows = [as_row(record, header) for record in (named, unnamed, broken)]
    rows.append(["衡南-4", "多一格", *as_row(named, header)[1:]])  # batch-row-width
    source = write_csv(tmp_path / "in.csv", rows, header)
    out = tmp_path / "out.csv"
    assert jixiao("batch", SPEC, str(source), "-o", str(out), "-j", workers).code == 1
    got = read_csv(out)
    assert [(r["id"], r["name"]) for r in got] == [
        ("衡南2021", SEED_NAME),
        ("衡南-2", "衡南-2"),
        ("衡南-3", SEED_NAME),
        ("衡南-4", ""),
    ]
    assert [bool(r["error"]) for r in got] == [False, False, True, True]
    # Without a 项目名称 column every record is named by its id.
    header = [column for column in header if column != "项目名称"]
    source = write_csv(tmp_path / "ids.csv", [as_row(named, header)], header)
    assert jixiao("batch", SPEC, str(source), "-o", str(out), "-j", workers).code == 0
    assert [(r["id"], r["name"]) for r in read_csv(out)] == [("衡南2021", "衡南2021")]


@pytest.mark.parametrize(
    ("record", "name"),
    [
        ({"project": {"name": " 信访维稳经费 "}}, "信访维稳经费"),
        ({"project": {"name": 2021}}, "2021"),  # a number is a name as the facts read it
        ({"project": {"name": Decimal("1.50")}}, "1.50"),
        ({"project": {"name": {"a": 1}}}, ""),  # a mapping, a list or a yes/no is no name
        ({"project": {"name": ["a"]}}, ""),
        ({"project": {"name": True}}, ""),
        ({"project": {}}, ""),
        ({"project": "信访"}, ""),
        ({"values": {}}, ""),
        (None, ""),  # converting it raised
        (FactsError(Problem("x", "facts-shape")), ""),  # it could not be read
    ],
)
def test_project_name_of_a_converted_record(record: Any, name: str) -> None:
    assert project_name(record) == name


def test_not_applicable_by_tier_cell_and_by_list(jixiao: Jixiao, tmp_path: Path) -> None:
    """不适用 in a .tier cell or an id in the not_applicable column drops the indicator and rescales;
    an unknown id there is that record's error, with a suggestion."""
    header = generator.header()
    by_list = seed_record()
    by_list["not_applicable"] = "服务对象满意度: 未调查; 立项依据充分性"
    by_tier = seed_record()
    by_tier["立项依据充分性.tier"] = "不适用"
    by_tier["立项依据充分性.score"] = ""
    unknown = seed_record()
    unknown["not_applicable"] = "服务对象满意度；立项依据充分"
    source = write_csv(
        tmp_path / "na.csv", [as_row(r, header) for r in (by_list, by_tier, unknown)], header
    )
    out = tmp_path / "na.csv.out.csv"
    run = jixiao("batch", SPEC, str(source), "-o", str(out))
    assert run.code == 1
    got = read_csv(out)
    # 92 applicable points, 88.06 obtained: 88.06 ÷ 92 × 100 = 95.717… → 95.72.
    assert [got[0][c] for c in SCORES] == ["95.72", "优", "10.60", "23.46", "35.00", "19.00"]
    assert [got[1][c] for c in SCORES] == [got[0][c] for c in SCORES]
    assert got[2]["error"] == (
        f"{source}:row 4: not_applicable.立项依据充分: unknown indicator '立项依据充分'; "
        "did you mean '立项依据充分性'? [unknown-indicator]"
    )


def test_broken_header_is_one_error_for_the_file(jixiao: Jixiao, tmp_path: Path) -> None:
    """Unknown, duplicate and derived columns are all reported with their position, nothing is
    scored and no output is written."""
    source = tmp_path / "bad.csv"
    source.write_text(
        "id,预算,到位资金,实际到位资金,资金到位率,满意度.tier\nP1,1,2,3,4,5\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    run = jixiao("batch", SPEC, str(source), "-o", str(out))
    assert run.code == 1
    assert run.out == ""
    assert run.err == (
        f"{source}:1:2: unknown column '预算': not a fact id or label, a project field, "
        "'<indicator>.tier' …, or not_applicable; did you mean '预算资金'? [batch-unknown-column]\n"
        f"{source}:1:4: column '实际到位资金' gives fact '到位资金' again (also column 3) "
        "[batch-column-duplicate]\n"
        f"{source}:1:5: column '资金到位率' is a derived value: it is computed, not given "
        "[batch-unknown-column]\n"
        f"{source}:1:6: column '满意度.tier': indicator '满意度' has children; rate its "
        "qualitative leaves: it takes no rating [batch-rating-not-qualitative]\n"
    )
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]  # no temporary file left behind either


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, ": no such file [file-unreadable]"),
        ("empty.csv", b"", ":1: empty file: expected a header row [batch-no-header]"),
        ("binary.csv", b"\xff\xfe\xfa\x00\x81" * 50, ": not UTF-8 or GB18030 text [file-encoding]"),
        ("fake.xlsx", b"id,total\n", ": cannot read: not an .xlsx workbook [file-unreadable]"),
        (
            "quote.csv",
            'id,"预算资金\nP1,110\n'.encode(),
            (
                ":1: the header row is not valid CSV: a quote opened in this row is never closed "
                "before the end of the file [csv-syntax]"
            ),
        ),
    ],
)
def test_broken_input_file_exits_1_with_a_message(
    jixiao: Jixiao, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    """An input file that cannot be read is exit 1, one line naming the file, never a traceback."""
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    run = jixiao("batch", SPEC, str(source), "-o", str(tmp_path / "out.csv"))
    assert (run.code, run.out) == (1, "")
    assert run.err == f"{source}{message}\n"
    assert not (tmp_path / "out.csv").exists()


def test_gb18030_csv_from_a_chinese_excel_is_read(jixiao: Jixiao, tmp_path: Path) -> None:
    """Excel on a Chinese Windows saves CSV as GB18030; it reads the same as UTF-8."""
    header = generator.header()
    text = io.StringIO()
    csv.writer(text).writerows([header, as_row(seed_record(), header)])
    source = tmp_path / "gbk.csv"
    source.write_bytes(text.getvalue().encode("gb18030"))
    out = tmp_path / "out.csv"
    assert jixiao("batch", SPEC, str(source), "-o", str(out)).code == 0
    assert [read_csv(out)[0][c] for c in SCORES] == SEED_SCORES


ASCII_IDS_SPEC = """\
id: ascii_ids
name: 事实以英文命名
version: "1"
total: 100
facts:
  budget: {label: 预算资金, kind: money, unit: 万元}
  spent: {label: 实际支出, kind: money, unit: 万元}
derived:
  rate: {formula: spent / budget, kind: rate}
indicators:
  - id: 产出
    weight: 100
    children:
      - {id: 执行率, weight: 100, rule: {kind: positive, actual: rate, target: "≥100%"}}
"""


@pytest.mark.parametrize("workers", ["1", "2"])
def test_gb18030_csv_whose_first_rows_are_ascii_is_read(
    jixiao: Jixiao, tmp_path: Path, workers: str
) -> None:
    """The encoding is judged on the first text that is not ASCII, however far in: a GB18030
    file that begins with 8,000 ASCII rows (fact ids, amounts) is not taken for UTF-8 (it was,
    and was refused at its first Chinese cell)."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(ASCII_IDS_SPEC, encoding="utf-8")
    lines = ["id,budget,spent", *(f"P{n},100,95" for n in range(8_000)), "第八千个项目,100,100"]
    source = tmp_path / "gbk.csv"
    source.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    assert source.stat().st_size > 64 * 1024  # past the first piece looked at
    out = tmp_path / "out.csv"
    run = jixiao("batch", str(spec), str(source), "-o", str(out), "--workers", workers)
    assert run.code == 0, run.err
    with out.open(encoding="utf-8-sig", newline="") as handle:
        last = list(csv.DictReader(handle))[-1]
    assert (last["id"], last["total"], last["error"]) == ("第八千个项目", "100.00", "")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_text_in_another_encoding_further_in_is_located_at_its_row(
    jixiao: Jixiao, tmp_path: Path, workers: str
) -> None:
    """A UTF-8 CSV with one cell saved as GB18030 thousands of rows in: the error names that
    row (as a spreadsheet numbers rows: a cell's own line breaks are not rows) and the byte, not
    the row where the reader's look-ahead happened to be."""
    header = generator.header()
    rows = [list(row) for row in generator.rows(3_000, seed=2)]
    rows[10][header.index("项目名称")] = "第一行\n第二行"  # one row, two lines

    def encoded(part: list[list[str]], encoding: str) -> bytes:
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(part)
        return text.getvalue().encode(encoding)

    # Rows 1 (the header) to 2,499 in UTF-8, row 2,500 on in GB18030.
    data = encoded([header, *rows[:2_498]], "utf-8") + encoded(rows[2_498:], "gb18030")
    source = tmp_path / "mixed.csv"
    source.write_bytes(data)
    with pytest.raises(UnicodeDecodeError) as bad:
        data.decode("utf-8")
    offset = bad.value.start
    run = jixiao("batch", SPEC, str(source), "-o", str(tmp_path / "out.csv"), "--workers", workers)
    assert run.code == 1
    assert run.err == (
        f"{source}:2500: not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset}), unlike "
        "the text before it; save the whole file as UTF-8 (另存为 → 编码 UTF-8) [file-encoding]\n"
    )


def test_json_lines_in_another_encoding_further_in_is_located_at_its_line(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    line = json.dumps({"id": "项目", "预算资金": "110万元"}, ensure_ascii=False) + "\n"
    data = (line * 2_999).encode("utf-8") + line.encode("gb18030")
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(data)
    with pytest.raises(UnicodeDecodeError) as bad:
        data.decode("utf-8")
    offset = bad.value.start
    run = jixiao("batch", SPEC, str(source), "-o", str(tmp_path / "out.csv"))
    assert run.code == 1
    assert run.err == (
        f"{source}:3000: not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset}), unlike "
        "the text before it; save the whole file as UTF-8 (另存为 → 编码 UTF-8) [file-encoding]\n"
    )


# ---- other inputs and outputs -------------------------------------------------------------------
def test_xlsx_in_and_out(jixiao: Jixiao, tmp_path: Path) -> None:
    """An XLSX sheet with numbers as numbers (money, a rate as 0.965, scores) is read, and XLSX
    output has the scores as numbers and the error as text."""
    header = generator.header()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    seed = seed_record()
    sheet.append([_spreadsheet_cell(cell) for cell in as_row(seed, header)])
    surveyed: dict[str, Any] = dict(seed, 满意度=0.965, not_applicable="")
    sheet.append([_spreadsheet_cell(cell) for cell in as_row(surveyed, header)])
    sheet.append([])  # an empty row in between is not a record
    broken = dict(seed, 接访批次="很多")
    sheet.append([_spreadsheet_cell(cell) for cell in as_row(broken, header)])
    source = tmp_path / "projects.xlsx"
    book.save(source)
    out = tmp_path / "scores.xlsx"

    run = jixiao("batch", SPEC, str(source), "-o", str(out))

    assert run.code == 1
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    got = list(sheet.iter_rows(values_only=True))
    # Headers in Chinese for people (the CSV and JSON Lines keep id, total … for programs).
    assert list(got[0]) == ["项目编号", "项目名称", "总分", "等级", *TOPS, "错误", "来源"]
    assert got[1][:8] == ("衡南2021", SEED_NAME, 95.85, "优", 13.6, 23.46, 35, 19)
    # Scores shown with the spec's two places (93.50, not 93.5); the header row frozen.
    assert [sheet.cell(2, c).number_format for c in (3, 5, 6, 7, 8)] == ["0.00"] * 5
    assert sheet.cell(2, 4).number_format == "General"  # the grade is text
    assert sheet.cell(2, 2).number_format == "General"  # and so is the name
    assert sheet.freeze_panes == "A2"
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEIJ"}
    assert widths == {"A": 24, "B": 40, "C": 9, "D": 7, "E": 9, "I": 80, "J": 32}
    assert sheet.cell(4, 9).alignment.wrap_text is True  # the error cell wraps its lines
    # 满意度 96.5% ≥ 90%: 91.06 + 5 of 100
    assert got[2][:4] == ("衡南2021", SEED_NAME, 96.06, "优")
    assert got[2][8] is None
    # A record that could not be scored still carries its name.
    assert got[3][:2] == ("衡南2021", SEED_NAME)
    assert got[3][2:8] == (None,) * 6
    assert got[3][8] == (
        f"{source}:row 5: values.接访批次: fact '接访批次': '很多' is not a number with a unit: "
        "expected a number with an optional unit such as '110万元', '99.14%' or '158批次' "
        "[not-a-number]"
    )
    assert got[3][9] == f"{source}:row 5"


def _spreadsheet_cell(cell: Any) -> Any:
    """What a person types into Excel: plain numbers become numbers, the rest stays text."""
    if isinstance(cell, str):
        try:
            number = Decimal(cell)
        except ArithmeticError:
            return cell or None
        return float(number) if number != number.to_integral_value() else int(number)
    return cell


def test_folder_of_facts_files(jixiao: Jixiao, tmp_path: Path) -> None:
    """A folder's facts files (recursively, sorted, hidden ones skipped) are one record each, named
    by their path in the folder; a broken file is that record's error with file:line:col."""
    folder = tmp_path / "facts"
    (folder / "unit_b").mkdir(parents=True)
    (folder / "a.yaml").write_bytes(SEED_FACTS.read_bytes())
    (folder / "unit_b" / "b.json").write_text(
        json.dumps(_seed_mapping(), ensure_ascii=False), encoding="utf-8"
    )
    (folder / "c.yml").write_text("project: {name: c}\nvalues: [\n", encoding="utf-8")
    (folder / ".hidden.yaml").write_text("junk", encoding="utf-8")
    (folder / "notes.txt").write_text("not facts", encoding="utf-8")
    out = tmp_path / "out.jsonl"

    run = jixiao("batch", SPEC, str(folder), "-o", str(out))

    assert run.code == 1
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in got] == ["a.yaml", "c.yml", "unit_b/b.json"]
    assert got[0] == {
        "id": "a.yaml",
        "name": SEED_NAME,
        "total": 95.85,
        "grade": "优",
        **dict(zip(TOPS, [13.6, 23.46, 35.0, 19.0], strict=True)),
        "error": None,
        "source": str(folder / "a.yaml"),
    }
    assert got[1]["error"] == (
        f"{folder / 'c.yml'}:3:1: expected the node content, but found '<stream end>' [yaml-syntax]"
    )
    assert got[2]["total"] == 95.85
    # A file that could not be read has no name; a JSON facts file has its project.name.
    assert [r["name"] for r in got] == [SEED_NAME, None, SEED_NAME]


def _seed_mapping() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(load_facts(SEED_FACTS).document.data)
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))  # type: ignore[no-any-return]


def test_json_lines_facts_mappings_and_flat_records(jixiao: Jixiao, tmp_path: Path) -> None:
    """JSON Lines hold facts mappings (with an optional id) or flat records; blank lines are not
    records; a line that is not JSON, not an object or has an unknown key is that line's error."""
    flat: dict[str, Any] = {k: v for k, v in seed_record().items() if v}
    flat["满意度"] = 0.95
    flat["not_applicable"] = ""
    lines = [
        json.dumps({"id": "mapping", **_seed_mapping()}, ensure_ascii=False),
        json.dumps(flat, ensure_ascii=False),
        "",
        "{not json",
        "[1, 2]",
        json.dumps({"id": "x", "预算": "110万元"}, ensure_ascii=False),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"

    run = jixiao("batch", SPEC, str(source), "-o", str(out))

    assert run.code == 1
    got = read_csv(out)
    assert [r["id"] for r in got] == ["mapping", "衡南2021", "line 4", "line 5", "x"]
    # A facts mapping's project.name, a flat record's 项目名称; nothing for a line that could not
    # be read into facts (not JSON, not an object, an unknown key).
    assert [r["name"] for r in got] == [SEED_NAME, SEED_NAME, "", "", ""]
    assert [got[0][c] for c in SCORES] == SEED_SCORES
    assert got[1]["total"] == "96.06"  # surveyed: 95% ≥ 90%, 91.06 + 5 of 100
    assert [r["error"] for r in got[2:]] == [
        (
            f"{source}:line 4: not valid JSON: Expecting property name enclosed in double quotes "
            "(column 2) [json-syntax]"
        ),
        (
            f"{source}:line 5: expected a JSON object (a facts mapping or a flat record), "
            "got an array [facts-shape]"
        ),
        (
            f"{source}:line 6: unknown column '预算': not a fact id or label, a project field, "
            "'<indicator>.tier' …, or not_applicable; did you mean '预算资金'? [batch-unknown-column]"
        ),
    ]


def test_several_inputs_are_one_output_in_order(jixiao: Jixiao, tmp_path: Path) -> None:
    """Inputs are read in the order given, into one output."""
    header = generator.header()
    first = write_csv(tmp_path / "a.csv", generator.rows(3, seed=3), header)
    out = tmp_path / "out.csv"
    run = jixiao("batch", SPEC, str(first), str(SEED_FACTS), str(first), "-o", str(out))
    assert run.code == 0, run.err
    sources = [r["source"] for r in read_csv(out)]
    assert sources == [
        *(f"{first}:row {n}" for n in (2, 3, 4)),
        str(SEED_FACTS),
        *(f"{first}:row {n}" for n in (2, 3, 4)),
    ]


def test_workers_preserve_input_order(jixiao: Jixiao, tmp_path: Path) -> None:
    """With --workers 2 the output is byte for byte the single-process output."""
    header = generator.header()
    rows = list(generator.rows(1_500, seed=4))
    rows[700][header.index("预算资金")] = "abc"
    source = write_csv(tmp_path / "in.csv", rows, header)
    outputs, summaries = [], []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.csv"
        run = jixiao("batch", SPEC, str(source), "-o", str(out), "--workers", workers)
        assert run.code == 1
        outputs.append(out.read_bytes())
        summaries.append([line for line in run.err.splitlines() if "out" not in line])
    assert outputs[0] == outputs[1]
    assert summaries[0] == summaries[1]  # the same summary, merged from the workers' chunks
    assert len(read_csv(tmp_path / "out2.csv")) == 1_500


# ---- summary, progress and usage ----------------------------------------------------------------
def test_summary_on_stderr_and_as_html(jixiao: Jixiao, tmp_path: Path) -> None:
    """The summary names counts, grades, means, the biggest losses and the best and worst; the
    HTML page draws charts as inline SVG, runs no script and escapes text from the input."""
    header = generator.header()
    worst = seed_record()
    worst["id"] = "<script>alert(1)</script>"
    for indicator in generator.QUALITATIVE:  # every rating at the bottom: surely in the bottom 5
        worst[f"{indicator}.tier"], worst[f"{indicator}.score"] = "未达成", "0"
    rows = [as_row(seed_record(), header), as_row(worst, header), *generator.rows(39, seed=5)]
    source = write_csv(tmp_path / "in.csv", rows, header)
    page = tmp_path / "summary.html"
    run = jixiao("batch", SPEC, str(source), "-o", str(tmp_path / "o.csv"), "--summary", str(page))
    assert run.code == 0
    lines = run.err.splitlines()
    assert lines[0] == "records: 41, scored 41, failed 0"
    assert lines[1].startswith("grades: 优 ")
    assert lines[2].startswith("mean total: ")
    assert lines[3].startswith("mean score rate (一级指标): 决策 ")
    assert lines[4] == "most points lost:"
    assert "top 5:" in lines
    assert "bottom 5:" in lines
    assert lines[-1].startswith(f"wrote {tmp_path / 'o.csv'}: 41 records in ")
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 3
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Each chart sits under its section's heading, which is its title: shown once, not twice
    # (the chart keeps it for screen readers).
    for title in ("等级分布", "一级指标平均得分率", "失分最多的指标"):
        assert html.count(f"<h2>{title}</h2>") == 1
        assert html.count(f">{title}</text>") == 0
        assert html.count(f'aria-label="{title}"') == 1


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    """tqdm draws on a terminal; a pipe or a captured stream gets nothing. (No thread of tqdm's
    outlives the bar, or a later batch would spawn its workers: tests/conftest.py fails a test
    that leaves a thread running.)"""
    source = write_csv(tmp_path / "in.csv", list(generator.rows(5, seed=3)), generator.header())
    piped = io.StringIO()
    run_batch(SPEC, [str(source)], str(tmp_path / "piped.csv"), progress=piped)
    assert piped.getvalue() == ""
    screen = _Terminal()
    run_batch(SPEC, [str(source)], str(tmp_path / "shown.csv"), progress=screen)
    assert "100%|" in screen.getvalue()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_total_percentage_and_time_left(tmp_path: Path) -> None:
    """A folder's records are counted, a CSV's estimated from its size (shown as ~total) and the
    bar ends at 100% of what was scored; each redraw has the count, percentage and time left."""
    header = generator.header()
    source = write_csv(tmp_path / "in.csv", list(generator.rows(30, seed=3)), header)
    screen = _Terminal()
    run_batch(SPEC, [str(source)], str(tmp_path / "o.csv"), progress=screen, chunk_size=10)
    last = screen.getvalue().split("\r")[-1]
    # tqdm writes 30 as 30.0 (unit_scale: 4.50k/~10.0k on a big run), # bars on a non-UTF-8 stream.
    assert re.match(r"100%\|[#█]+\| 30\.0/~30\.0 \[\d\d:\d\d<\d\d:\d\d, ", last), last
    folder = tmp_path / "facts"
    folder.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(SEED_FACTS, folder / f"{name}.yaml")
    screen = _Terminal()
    run_batch(SPEC, [str(folder)], str(tmp_path / "f.csv"), progress=screen)
    assert re.match(r"100%\|[#█]+\| 3\.00/3\.00 \[", screen.getvalue().split("\r")[-1])


def test_a_large_csv_s_total_is_estimated_from_a_sample(tmp_path: Path) -> None:
    """Past the 256 KiB sample, the bar's total is the file's size over the sample's bytes per
    line, drawn as ~total before the first record is scored."""
    header = generator.header()
    source = write_csv(tmp_path / "big.csv", list(generator.rows(2_000, seed=4)), header)
    assert source.stat().st_size > 256 * 1024
    screen = _Terminal()
    run_batch(SPEC, [str(source)], str(tmp_path / "o.csv"), progress=screen)
    first = screen.getvalue().split("\r")[1]
    shown = re.match(r"  0%\|\s+\| 0\.00/~(\d\.\d\d)k \[", first)
    assert shown, first
    assert Decimal("1.90") <= Decimal(shown[1]) <= Decimal("2.10")


def test_a_batch_changes_no_setting_of_the_interpreter(tmp_path: Path) -> None:
    """csv's cell limit and the garbage collector's thresholds are the whole process's: a batch
    (with a cell longer than csv's default limit) leaves them as they were, and so does importing
    the batch reader."""
    saved = csv.field_size_limit(), gc.get_threshold()
    header = generator.header()
    row = as_row(seed_record(), header)
    row[header.index("项目名称")] = "名" * 200_000
    source = write_csv(tmp_path / "in.csv", [row], header)
    for workers in (1, 2):
        summary = run_batch(SPEC, [str(source)], str(tmp_path / "out.csv"), workers=workers)
        assert (summary.records, summary.failed) == (1, 0)
        assert (csv.field_size_limit(), gc.get_threshold()) == saved


UNKNOWN_OUTPUT = (
    "jixiao: error: out.txt: unknown output type; name the output .csv, .jsonl, .xlsx or .parquet\n"
)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["-o", "out.txt"], UNKNOWN_OUTPUT), (["-o", "x.csv", "--workers", "many"], None)],
)
def test_usage_errors_exit_2(
    jixiao: Jixiao, tmp_path: Path, args: list[str], message: str | None
) -> None:
    """A wrong output type or option is a usage error (exit 2), checked before any scoring."""
    source = write_csv(tmp_path / "in.csv", [], generator.header())
    run = jixiao("batch", SPEC, str(source), *args)
    assert run.code == 2
    if message is not None:
        assert run.err == message


# ---- the library --------------------------------------------------------------------------------
def test_score_many_yields_one_outcome_per_record_in_order() -> None:
    """score_many takes facts mappings, Facts or junk, and yields a Result or the ScoringError
    for each, in order, lazily; the spec may be given by path."""
    good = _seed_mapping()
    bad = copy.deepcopy(good)
    bad["values"]["预算资金"] = "abc"
    outcomes = list(score_many(SPEC, [good, load_facts(SEED_FACTS), bad, 42]))
    assert [type(o) for o in outcomes] == [Result, Result, FactsError, FactsError]
    first, _, third, fourth = outcomes
    assert isinstance(first, Result)
    assert first.total == Decimal("95.85")
    assert isinstance(third, ScoringError)
    assert str(third).startswith(
        "record 3: values.预算资金: fact '预算资金': 'abc' is not a number"
    )
    assert str(fourth) == "record 4: expected a facts mapping or Facts, got int [facts-shape]"
    lazy = score_many(load_spec(SPEC), iter([good] * 1_000_000))
    assert isinstance(next(lazy), Result)  # a million records are not scored up front


CELLS = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["110万元", "99.14%", "达成", "不适用", "—", "1,100", "-5", "1e400", "NaN"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.floats(),
    st.booleans(),
)


@settings(max_examples=40)
@given(cells=st.lists(CELLS, min_size=40, max_size=44))
def test_any_row_gives_one_row_and_raises_nothing_else(cells: list[Any]) -> None:
    """Whatever a row's cells hold, it gives exactly one output row: scored or with its error."""
    spec = seed_spec()
    cmap, problems = build_column_map(spec, generator.header(), file="any.csv")
    assert cmap is not None, problems
    for converter in (RowConverter(cmap), RowConverter(cmap, strict_width=False)):
        chunk = process_chunk(spec, converter, 0, [(2, cells)])
        assert len(chunk.rows) == 1
        assert chunk.summary.records == 1


@settings(max_examples=40)
@given(
    line=st.one_of(
        st.text(max_size=30),
        st.dictionaries(st.sampled_from(generator.header()), CELLS, max_size=8).map(
            lambda d: json.dumps(d, ensure_ascii=False, default=str)
        ),
    )
)
def test_any_json_line_gives_one_row_and_raises_nothing_else(line: str) -> None:
    """Whatever a JSON Lines line holds, it gives exactly one output row."""
    chunk = process_chunk(seed_spec(), JsonLineConverter("any.jsonl"), 0, [(1, line)])
    assert len(chunk.rows) == 1


def test_csv_output_defuses_formulas_in_text_cells(tmp_path: Path) -> None:
    """A record id such as '=HYPERLINK(…)' from the input is written as text (a leading "'"), so
    Excel or WPS opening the output never runs it; numbers are untouched."""
    from scoring.batch.outputs import open_writer

    out = tmp_path / "out.csv"
    writer = open_writer(str(out), ("id", "total", "error"), (1,))
    writer.write([['=HYPERLINK("x")', "95.85", "@SUM(A1)"], ["项目甲", "-0", ""]])
    writer.commit()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["id", "total", "error"],
        ['\'=HYPERLINK("x")', "95.85", "'@SUM(A1)"],
        ["项目甲", "-0", ""],
    ]


@pytest.mark.parametrize("size", [0, -1])
@pytest.mark.parametrize("source", ["folder", "csv"])
def test_a_chunk_size_below_one_is_refused_before_any_output(
    tmp_path: Path, size: int, source: str
) -> None:
    """Chunks of no record gave a folder's batch no record, and an output of its header alone;
    a CSV (read column by column, never chunked) scored. Either way it is refused, at once."""
    if source == "folder":
        given = tmp_path / "in"
        given.mkdir()
        shutil.copy(ROOT / "examples" / "hengnan_xinfang_2021.yaml", given)
    else:
        given = tmp_path / "in.csv"
        given.write_text("项目名称,年度预算资金\n甲,110万元\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    with pytest.raises(ValueError, match=r"^chunk_size") as raised:
        run_batch(SPEC, [str(given)], str(out), chunk_size=size)
    assert str(raised.value) == f"chunk_size must be at least 1, not {size}"
    assert not out.exists()
