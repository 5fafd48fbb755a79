"""The documents as they print: the seed's Word report and Excel 自评表 rendered by LibreOffice.

Each is converted to PDF (``soffice --headless``), then its first page to PNG (``pdftoppm``), and
checked as a reader would see it: CJK fonts embedded (``pdffonts``), A4 pages numbered in the
footer, every paragraph and cell's text present whole (``pdftotext``), and no character cut by a
table's ruling line (``pdfplumber``: a row too short for its wrapped text puts its last line across
the border below). Skipped, with the reason, where LibreOffice or poppler-utils is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import docx
import pdfplumber
import pytest
from conftest import ROOT

from scoring import load_facts, load_spec, score
from scoring.engine.result import Result
from scoring.report import BINARY_RENDERERS
from scoring.report.docx_report import build
from scoring.tabular.form import build_form

SEED_SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
SEED_FACTS = ROOT / "examples" / "hengnan_xinfang_2021.yaml"
TOOLS = ("soffice", "pdftoppm", "pdffonts", "pdftotext")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
# Families that hold Chinese glyphs: the 公文 fonts and what LibreOffice puts in their place.
CJK_FONT = re.compile(
    r"CJK|SourceHan|Sim(Sun|Hei|Kai|Fang)|FangSong|KaiTi|Song|Hei|WenQuanYi|Droid|AR ?PL|"
    r"XiaoBiao|Ming|Noto(Serif|Sans)SC",
    re.IGNORECASE,
)

pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"needs LibreOffice and poppler-utils: {', '.join(MISSING)} not installed",
)


@pytest.fixture(scope="session")
def seed() -> Result:
    return score(load_spec(SEED_SPEC), load_facts(SEED_FACTS))


@pytest.fixture(scope="session")
def rendered(seed: Result, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """seed.docx and seed.xlsx, and their PDFs, in one folder (one LibreOffice start for both)."""
    folder = tmp_path_factory.mktemp("documents")
    (folder / "report.docx").write_bytes(BINARY_RENDERERS["docx"](seed))
    (folder / "form.xlsx").write_bytes(BINARY_RENDERERS["xlsx"](seed))
    run = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(folder / "report.docx"),
            str(folder / "form.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return folder


def _tool(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120).stdout


def _pages(pdf: Path) -> list[str]:
    """The text of each page, in the order LibreOffice drew it (a cell's lines together)."""
    return _tool("pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-").split("\f")[:-1]


# Characters LibreOffice draws from another font than their neighbours (math signs, curly
# quotes), which pdftotext then reads out of order: "（7 ≥" … "）资金到位率：100%".
_OTHER_FONT = {"Sm", "Pi", "Pf"}


def _squeezed(text: str) -> str:
    """Text without white space (a line break falls anywhere) nor ``_OTHER_FONT`` characters."""
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in _OTHER_FONT
    )


def _fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(name, embedded) of each font ``pdffonts`` lists (the subset prefix dropped)."""
    rows = _tool("pdffonts", str(pdf)).splitlines()[2:]
    fonts = []
    for row in rows:
        name = row.split()[0].split("+")[-1]
        # The columns after the name: type (one or two words), encoding, emb, sub, uni, id.
        emb = row.split()[-5]
        fonts.append((name, emb == "yes"))
    return fonts


def _cut_characters(pdf: Path) -> list[str]:
    """Characters a horizontal ruling line runs through (text taller than its row)."""
    cut = []
    with pdfplumber.open(str(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            edges = page.horizontal_edges
            for char in page.chars:
                if not char["text"].strip():
                    continue
                middle = (char["x0"] + char["x1"]) / 2
                for edge in edges:
                    inside = edge["x0"] <= middle <= edge["x1"]
                    if inside and char["top"] + 1 < edge["top"] < char["bottom"] - 1:
                        cut.append(f"page {number}: {char['text']} at y {char['top']:.1f}")
                        break
    return cut


def _png(pdf: Path, page: int) -> Path:
    """Page ``page`` as a PNG at 60 dpi (what a person looks at)."""
    stem = pdf.with_name(f"{pdf.stem}-{page}")
    _tool(
        "pdftoppm",
        "-png",
        "-r",
        "60",
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(pdf),
        str(stem),
    )
    return stem.with_suffix(".png")


def test_word_report_prints_in_cjk_fonts_on_numbered_a4_pages(rendered: Path) -> None:
    """The report's PDF: every font embedded, CJK among them; A4; "— n —" on each page n."""
    pdf = rendered / "report.pdf"
    fonts = _fonts(pdf)
    assert fonts
    assert all(embedded for _name, embedded in fonts), fonts
    assert any(CJK_FONT.search(name) for name, _ in fonts), fonts
    info = _tool("pdfinfo", str(pdf))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    pages = _pages(pdf)
    assert 6 <= len(pages) <= 14  # 三号 body text: about nine pages for the seed
    for number, text in enumerate(pages, 1):
        assert f"— {number} —" in text, number


def test_word_report_text_is_all_printed(rendered: Path, seed: Result) -> None:
    """Every paragraph and every table cell of the document appears whole in the PDF, and the
    table's ruling lines cut no character."""
    pages = [re.sub(r"— \d+ —", "", page) for page in _pages(rendered / "report.pdf")]
    printed = _squeezed("".join(pages))  # a paragraph runs on over the page's number
    document = build(seed)
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    texts += [cell.text for row in document.tables[0].rows for cell in row.cells if cell.text]
    missing = [text for text in texts if _squeezed(text) not in printed]
    assert missing == []
    assert _cut_characters(rendered / "report.pdf") == []


def test_word_report_first_page_renders(rendered: Path) -> None:
    png = _png(rendered / "report.pdf", 1)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 5_000  # a page with text on it, not a blank one


def test_excel_form_prints_whole_on_a4(rendered: Path, seed: Result) -> None:
    """The 自评表 on one A4 page and the 说明 sheet on the next, "第 n 页，共 2 页" in the footer;
    CJK fonts embedded; every cell of the form whole; no line of wrapped text cut by a border."""
    pdf = rendered / "form.pdf"
    fonts = _fonts(pdf)
    assert any(CJK_FONT.search(name) for name, _ in fonts), fonts
    assert all(embedded for _name, embedded in fonts), fonts
    # A4 in points is 595.3 × 841.9, every page (pdfinfo reports the first only).
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf.read_bytes())
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}, boxes
    pages = _pages(pdf)
    assert len(pages) == 2
    assert "第 1 页，共 2 页" in pages[0]
    assert pages[1].startswith("失分说明\n")
    printed = _squeezed(pages[0])
    form = build_form(seed)
    texts = [form.text(row, col) for row, col in form.cells]
    missing = [text for text in texts if text and _squeezed(text) not in printed]
    assert missing == []
    for warning in seed.warnings:  # the 提示 block under the table
        assert _squeezed(str(warning)) in printed
    assert _cut_characters(pdf) == []


def test_excel_form_first_page_renders(rendered: Path) -> None:
    png = _png(rendered / "form.pdf", 1)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 5_000


def test_the_docx_names_the_gongwen_fonts(rendered: Path) -> None:
    """The file itself asks for 仿宋/黑体/楷体/小标宋 (what prints depends on the fonts installed)."""
    document = docx.Document(str(rendered / "report.docx"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    names = {
        name: document.styles[name].element.find(f"{w}rPr/{w}rFonts").get(f"{w}eastAsia")
        for name in ("Title", "Heading 1", "Heading 2", "Normal")
    }
    assert names == {
        "Title": "方正小标宋简体",
        "Heading 1": "黑体",
        "Heading 2": "楷体",
        "Normal": "仿宋",
    }
