"""``jixiao review DIR/ -o review.xlsx --summary review.html``: a folder of filed tables, one row
per file (a file that cannot be opened is a row with its error), and a page charting the codes."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
from conftest import Run

from scoring.review.findings import CODES
from scoring.review.folder import SEVERITY, FolderRow, folder_html, folder_xlsx, progress_bar

Jixiao = Callable[..., Run]
REAL = Path(__file__).parent / "tables" / "real"


def _corpus() -> list[Path]:
    return sorted(
        next(p for p in folder.iterdir() if p.name.startswith("table."))
        for folder in REAL.iterdir()
        if folder.is_dir()
    )


def _folder(root: Path, count: int) -> list[str]:
    """``count`` files: the real corpus repeated, every fifth xlsx copy varied (one 得分 changed,
    so the same table reviews differently), and three files that are no table."""
    root.mkdir()
    corpus = _corpus()
    names = []
    for index in range(count - 3):
        source = corpus[index % len(corpus)]
        name = f"{index:03d}_{source.parent.name}{source.suffix}"
        target = root / name
        shutil.copy(source, target)
        if index % 5 == 4 and source.suffix == ".xlsx":
            workbook = openpyxl.load_workbook(target)
            sheet = workbook.active
            assert sheet is not None
            sheet["A1"] = f"{sheet['A1'].value or ''}（第 {index} 份）"
            workbook.save(target)
        names.append(name)
    (root / "broken.xlsx").write_text("not a workbook", encoding="utf-8")
    (root / "empty.csv").write_text("项目名称,x\n", encoding="utf-8")
    (root / "notes.txt").write_text("备忘", encoding="utf-8")
    return sorted([*names, "broken.xlsx", "empty.csv", "notes.txt"])


def test_a_folder_of_tables_is_one_workbook_and_one_page(jixiao: Jixiao, tmp_path: Path) -> None:
    """The real corpus twice over (every fifth xlsx copy varied) and three files that are no
    table: a row each, with its file; the unreadable ones carry their error; the page charts the
    codes."""
    root = tmp_path / "tables"
    count = 2 * len(_corpus()) + 3
    names = _folder(root, count)
    out, page = tmp_path / "review.xlsx", tmp_path / "review.html"
    run = jixiao("--lang", "zh", "review", str(root), "-o", str(out), "--summary", str(page))
    assert run.code == 0, run.err
    assert run.out.startswith(f"复核 {count} 个文件：")
    assert run.out.endswith(f"3 个无法读取；写入 {out}、{page}\n")
    sheet = openpyxl.load_workbook(out)["复核汇总"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == count
    assert [Path(str(row[0])).name for row in rows] == names
    header = [cell.value for cell in sheet[1]]
    assert header[:8] == [
        "文件",
        "项目",
        "填报总分",
        "按规则重算",
        "部分重算",
        "填报等级",
        "重算等级",
        "问题数",
    ]
    assert header[8 : 8 + len(CODES)] == list(CODES)
    errors = {Path(str(row[0])).name: row[-1] for row in rows if row[-1]}
    assert set(errors) == {"broken.xlsx", "empty.csv", "notes.txt"}
    assert "not a readable" in str(errors["broken.xlsx"]) or "table-format" in str(
        errors["broken.xlsx"]
    )
    assert "[table-no-header]" in str(errors["empty.csv"])
    # A reviewed row: 天长 (11) states 100 and has findings; its worst one is named.
    tianchang = next(row for row in rows if "11_anhui_tianchang" in str(row[0]))
    assert tianchang[2] == 100
    assert tianchang[-2]
    assert str(tianchang[-2]).endswith("]")
    text = page.read_text(encoding="utf-8")
    assert "<svg" in text
    assert "各类问题涉及的表数" in text
    assert f"共 {count} 个文件：复核 {count - 3} 个" in text
    for code in ("blank_actual", "unnamed_row", "truncated_row"):
        assert f">{code}<" in text
    assert "<script" not in text


def test_fail_on_findings_and_usage(jixiao: Jixiao, tmp_path: Path) -> None:
    """--fail-on-findings gives 3 for a folder with findings; a folder needs -o; -o and
    --summary go with a folder only."""
    root = tmp_path / "tables"
    _folder(root, 5)
    out = tmp_path / "review.xlsx"
    assert jixiao("review", str(root), "-o", str(out), "--fail-on-findings").code == 3
    run = jixiao("review", str(root))
    assert (run.code, run.err) == (
        2,
        "jixiao: error: a folder review writes a workbook: give -o review.xlsx\n",
    )
    run = jixiao("review", str(_corpus()[0]), "-o", str(out))
    assert (run.code, run.err) == (
        2,
        "jixiao: error: -o and --summary go with a folder of tables (jixiao review DIR/ -o FILE)\n",
    )


def test_cell_text_is_never_a_formula_and_the_page_escapes_it(tmp_path: Path) -> None:
    """A file or error text starting with = is text in the workbook; < in the page is escaped."""
    rows = [FolderRow('=HYPERLINK("http://x")<b>.xlsx', error="=1+1 <script>")]
    sheet = openpyxl.load_workbook(_saved(tmp_path, folder_xlsx(rows)))["复核汇总"]
    assert sheet["A2"].value == '=HYPERLINK("http://x")<b>.xlsx'
    assert sheet["A2"].data_type == "s"
    page = folder_html(rows, "t")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_every_code_has_a_severity() -> None:
    assert sorted(SEVERITY) == sorted(CODES)


def _saved(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "out.xlsx"
    path.write_bytes(data)
    return path


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_a_terminal_only() -> None:
    """On a terminal the bar shows the count of total, the percentage and the time left; piped,
    nothing."""
    files = [Path(f"{n}.xlsx") for n in range(3)]
    terminal = _Terminal()
    assert list(progress_bar(terminal, len(files))(files)) == files
    shown = terminal.getvalue()
    assert "3/3" in shown
    assert "100%" in shown
    assert "<00:00" in shown  # elapsed<remaining
    piped = io.StringIO()
    assert list(progress_bar(piped, len(files))(files)) == files
    assert piped.getvalue() == ""
