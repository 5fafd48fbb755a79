"""The batch summary's best and worst lists name each project by its id and its name (项目名称),
the id once where the name is empty or the id itself, in the text on stderr and on the
``--summary`` page, whichever path scored the records: column by column (a UTF-8 CSV, JSON
Lines), record by record (``--workers``, a folder of facts files, the columnar path forced off)."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Run
from test_batch import generator

from scoring.batch import run as batch_run
from scoring.batch.summary import Ranked, Summary
from scoring.batch.summary_html import render_html

Jixiao = Callable[..., Run]
SPEC = str(ROOT / "indicators" / "xinfang_weiwen.yaml")
SEED_FACTS = ROOT / "examples" / "hengnan_xinfang_2021.yaml"

# The eight generated records (seed 11) as ``named_csv`` writes them: row N+2 is record N.
# P0000003's name cell is empty and P0000004's is its id: both are shown by their id alone;
# P0000005's name holds quotes and a comma (its line goes csv's way inside the columnar reading);
# P0000006 cannot be scored and is in neither list.
BEST = [
    ("93.02", "优", "P0000007 信访维稳经费7", 8),
    ("92.60", "优", "P0000001 城关镇信访维稳经费", 2),
    ("91.20", "优", "P0000008 信访维稳经费8", 9),
    ("90.25", "优", "P0000003", 4),
    ("89.65", "良", "P0000004", 5),
]
WORST = [
    ("88.76", "良", 'P0000005 某"重点"项目, 二期', 6),
    ("89.40", "良", "P0000002 信访维稳经费2", 3),
    ("89.65", "良", "P0000004", 5),
    ("90.25", "优", "P0000003", 4),
    ("91.20", "优", "P0000008 信访维稳经费8", 9),
]


def named_csv(folder: Path) -> Path:
    header = generator.header()
    rows = [list(row) for row in generator.rows(8, seed=11)]
    name = header.index("项目名称")
    rows[0][name] = "城关镇信访维稳经费"
    rows[2][name] = ""
    rows[3][name] = rows[3][0]
    rows[4][name] = '某"重点"项目, 二期'
    rows[5][header.index("预算资金")] = "abc"
    path = folder / "named.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


Entry = tuple[str, str, str, str]  # total, grade, project, where


def located(entries: list[tuple[str, str, str, int]], where: str) -> list[Entry]:
    return [(total, grade, label, f"{where} {n}") for total, grade, label, n in entries]


def text_lines(entries: list[Entry]) -> list[str]:
    return [f"  {total} {grade}  {label}  ({where})" for total, grade, label, where in entries]


def listed(text: str, first: str, last: str) -> list[str]:
    """The lines of the summary from ``first`` up to (not including) the next that begins with
    ``last``."""
    lines = text.splitlines()
    start = lines.index(first)
    stop = next(k for k in range(start, len(lines)) if lines[k].startswith(last))
    return lines[start:stop]


def html_section(page: str, title: str) -> str:
    found = re.search(f"<h2>{title}</h2>\n(.*?</table>)", page, re.DOTALL)
    assert found is not None, title
    return found.group(1)


def html_table(entries: list[Entry]) -> str:
    head = "<tr><th>项目</th><th>总分</th><th>等级</th><th>位置</th>"
    rows = [
        f'<tr><td>{label.replace(chr(34), "&quot;")}</td><td class="num">{total}</td>'
        f"<td>{grade}</td><td>{where}</td></tr>"
        for total, grade, label, where in entries
    ]
    return "\n".join(['<table class="data">', head, *rows, "</table>"])


def expected_text(where: str, top: str = "top 5:", bottom: str = "bottom 5:") -> list[str]:
    return [top, *text_lines(located(BEST, where)), bottom, *text_lines(located(WORST, where))]


def assert_page(page: str, where: str) -> None:
    assert html_section(page, "得分最高的项目") == html_table(located(BEST, where))
    assert html_section(page, "得分最低的项目") == html_table(located(WORST, where))


@pytest.fixture
def columnar_used(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each input went column by column (``run._columnar`` gave its chunks)."""
    original = batch_run._columnar
    used: list[bool] = []

    def spy(*args: Any) -> Any:
        found = original(*args)
        used.append(found is not None)
        return found

    monkeypatch.setattr(batch_run, "_columnar", spy)
    return used


@pytest.fixture
def columnar_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_run, "_columnar", lambda *_: None)


# ---- through the CLI ----------------------------------------------------------------------------
def test_cli_columnar_path_names_the_best_and_worst(
    jixiao: Jixiao, tmp_path: Path, columnar_used: list[bool]
) -> None:
    source = named_csv(tmp_path)
    page = tmp_path / "summary.html"
    out = tmp_path / "out.csv"
    run = jixiao("batch", SPEC, str(source), "-o", str(out), "--summary", str(page))
    assert run.code == 1  # one record failed
    assert columnar_used == [True]
    assert listed(run.err, "top 5:", "failures by code: not-a-number 1") == expected_text(
        f"{source}:row"
    )
    assert_page(page.read_text(encoding="utf-8"), f"{source}:row")


def test_cli_workers_path_names_the_best_and_worst(jixiao: Jixiao, tmp_path: Path) -> None:
    """With workers every record goes record by record, in other processes, its summary back
    with the names: the same lists."""
    source = named_csv(tmp_path)
    page = tmp_path / "summary.html"
    out = tmp_path / "out.csv"
    run = jixiao(
        "batch", SPEC, str(source), "-o", str(out), "--workers", "2", "--summary", str(page)
    )
    assert run.code == 1
    assert listed(run.err, "top 5:", "failures by code: not-a-number 1") == expected_text(
        f"{source}:row"
    )
    assert_page(page.read_text(encoding="utf-8"), f"{source}:row")


def test_cli_in_chinese_names_them_the_same(jixiao: Jixiao, tmp_path: Path) -> None:
    source = named_csv(tmp_path)
    out = tmp_path / "out.csv"
    run = jixiao("--lang", "zh", "batch", SPEC, str(source), "-o", str(out))
    assert run.code == 1
    shown = listed(run.err, "得分最高的 5 个：", "失败原因（按代码）：not-a-number 1")
    assert shown == expected_text(f"{source}:row", "得分最高的 5 个：", "得分最低的 5 个：")


def test_cli_json_lines_go_column_by_column_with_the_names(
    jixiao: Jixiao, tmp_path: Path, columnar_used: list[bool]
) -> None:
    with named_csv(tmp_path).open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    source = tmp_path / "named.jsonl"
    source.write_text(
        "".join(
            json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + "\n"
            for row in rows
        ),
        encoding="utf-8",
    )
    run = jixiao("batch", SPEC, str(source), "-o", str(tmp_path / "out.csv"))
    assert run.code == 1
    assert columnar_used == [True]
    # JSON Lines records are located by line: line N is the CSV's row N+1.
    where = f"{source}:line"
    best = [(t, g, label, n - 1) for t, g, label, n in BEST]
    worst = [(t, g, label, n - 1) for t, g, label, n in WORST]
    assert listed(run.err, "top 5:", "failures by code: not-a-number 1") == [
        "top 5:",
        *text_lines(located(best, where)),
        "bottom 5:",
        *text_lines(located(worst, where)),
    ]


def test_cli_facts_folder_without_a_project_name_shows_the_id_once(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    folder = tmp_path / "facts"
    folder.mkdir()
    shutil.copy(SEED_FACTS, folder / "a.yaml")
    text = SEED_FACTS.read_text(encoding="utf-8")
    assert "\n  name: 信访维稳经费\n" in text
    (folder / "b.yaml").write_text(text.replace("\n  name: 信访维稳经费\n", "\n"), "utf-8")
    page = tmp_path / "summary.html"
    run = jixiao("batch", SPEC, str(folder), "-o", str(tmp_path / "o.csv"), "--summary", str(page))
    assert run.code == 0
    # Equal totals: the earlier file first in both lists.
    both = [
        ("95.85", "优", "a.yaml 信访维稳经费", str(folder / "a.yaml")),
        ("95.85", "优", "b.yaml", str(folder / "b.yaml")),
    ]
    shown = listed(run.err, "top 2:", f"wrote {tmp_path / 'o.csv'}: 2 records in ")
    assert shown == [
        "top 2:",
        "  95.85 优  a.yaml 信访维稳经费  (" + str(folder / "a.yaml") + ")",
        "  95.85 优  b.yaml  (" + str(folder / "b.yaml") + ")",
        "bottom 2:",
        *text_lines(both),
    ]
    table = html_table(both)
    html = page.read_text(encoding="utf-8")
    assert html_section(html, "得分最高的项目") == table
    assert html_section(html, "得分最低的项目") == table


# ---- through the library -------------------------------------------------------------------------
def _library(tmp_path: Path, source: Path) -> Summary:
    return batch_run.run_batch(SPEC, [str(source)], str(tmp_path / "out.csv"))


def _page(summary: Summary) -> str:
    return render_html(
        summary, spec_name="信访维稳", spec_version="1", inputs=["named.csv"], output="o", seconds=0
    )


def test_library_columnar_path_ranks_with_names(tmp_path: Path, columnar_used: list[bool]) -> None:
    source = named_csv(tmp_path)
    summary = _library(tmp_path, source)
    assert columnar_used == [True]
    assert [(r.id, r.name) for r in summary.ranked("best")] == [
        ("P0000007", "信访维稳经费7"),
        ("P0000001", "城关镇信访维稳经费"),
        ("P0000008", "信访维稳经费8"),
        ("P0000003", "P0000003"),  # an empty name cell: the row is named by its id
        ("P0000004", "P0000004"),
    ]
    assert listed(summary.render_text(), "top 5:", "failures by code: not-a-number 1") == (
        expected_text(f"{source}:row")
    )
    assert_page(_page(summary), f"{source}:row")


@pytest.mark.usefixtures("columnar_off")
def test_library_record_path_ranks_with_names(tmp_path: Path) -> None:
    source = named_csv(tmp_path)
    summary = _library(tmp_path, source)
    assert [(r.id, r.name) for r in summary.ranked("worst")] == [
        ("P0000005", '某"重点"项目, 二期'),
        ("P0000002", "信访维稳经费2"),
        ("P0000004", "P0000004"),
        ("P0000003", "P0000003"),
        ("P0000008", "信访维稳经费8"),
    ]
    assert listed(summary.render_text(), "top 5:", "failures by code: not-a-number 1") == (
        expected_text(f"{source}:row")
    )
    assert_page(_page(summary), f"{source}:row")


def test_both_paths_give_the_same_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = named_csv(tmp_path)
    columnar = _library(tmp_path, source)
    monkeypatch.setattr(batch_run, "_columnar", lambda *_: None)
    usual = _library(tmp_path, source)
    assert columnar.render_text() == usual.render_text()
    for which in ("best", "worst"):
        assert [seen(r) for r in columnar.ranked(which)] == [seen(r) for r in usual.ranked(which)]


def seen(item: Ranked) -> tuple[object, ...]:
    return item.key, item.total, item.grade, item.id, item.name, item.source
