"""Hostile and broken filed tables (issue 14, item 1): each is refused or read within bounds, with
one located message and exit 1, never a traceback, never minutes or gigabytes.

The reproductions of the issue come first (a merge over 100,000 rows, a zip bomb, a workbook read
twice, truncated XML, DTD entity bombs and external entities, ``&#x1b;`` in a cell), then the other
ways a file can be hostile or broken: zips of 100,000 entries, shared-string bombs, cells and
merges past the sheet's edge, numbers no table means, encrypted and renamed workbooks, empty files,
directories, PDFs without pages or text, Word tables with nested tables and absurd spans. Every
call that reads a hostile file runs under ``limits.assert_bounded`` (1 s, 200 MB).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, Run
from docx import Document
from security.limits import assert_bounded
from tables.build import Funds, Row, national

from scoring.errors import FactsError
from scoring.review import review_table
from scoring.tabular.sheet import Sheet, TableError, read_sheets
from scoring.tabular.table_limits import TableLimits

Jixiao = Callable[..., Run]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FORMATS = ROOT / "tests" / "tables" / "formats"
HINT = "raise the limits with --max-cells if the file is genuine"
SHEET = "xl/worksheets/sheet1.xml"

# ---- building files ------------------------------------------------------------------------------


def _parts(sheet_xml: str | bytes, shared: str | bytes | None = None) -> dict[str, bytes]:
    """The parts of a one-sheet workbook, written by hand so each test controls every byte."""
    rels = (
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    )
    if shared is not None:
        rels += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    parts = {
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (rels + "</Relationships>").encode(),
        SHEET: sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml,
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared.encode() if isinstance(shared, str) else shared
    return parts


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _sheet_xml(rows: str, merges: str = "") -> str:
    merged = f"<mergeCells>{merges}</mergeCells>" if merges else ""
    return f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData>{merged}</worksheet>'


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _workbook(path: Path, rows: str, merges: str = "") -> Path:
    return _zip(path, _parts(_sheet_xml(rows, merges)))


def _table(path: Path) -> Path:
    """The every-finding 自评表 of tests/test_review.py (an 11 KB workbook written by openpyxl)."""
    rows = [
        Row("产出指标", "数量指标", "防汛物资储备批次", "≥2批次", "2批次", 10, 12),
        Row("", "", "水毁工程修复处数", "≥20处", "18处", 10, 10, "部分工程跨年实施"),
        Row("", "成本指标", "物资采购成本", "≤50万元", "60万元", 10, 10, "物价上涨"),
        Row("效益指标", "社会效益指标", "群众满意度", "≥90%", "96%", 60, 60),
    ]
    national(path, rows, funds=Funds(), total=92, grade="优")
    return path


def _rewrite(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """Rewrite one part of a workbook in place."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = change(parts[part])
    return _zip(path, parts)


def _add_merge(ref: str) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        return xml.replace(b"</mergeCells>", f'<mergeCell ref="{ref}"/></mergeCells>'.encode())

    return change


def _refused(call: Callable[[], object], label: str) -> str:
    """The whole message of the TableError ``call`` raises, after checking its cost."""
    assert_bounded(call, label)
    with pytest.raises(TableError) as info:
        call()
    return str(info.value)


def _findings(path: Path) -> list[tuple[str, str, str]]:
    review = review_table(path)
    return [(f.code, f.cell, f.message) for f in review.findings] + [
        ("totals", str(review.stated_total), str(review.recomputed_total))
    ]


# ---- the reproductions of issue 14 -----------------------------------------------------------------


@pytest.mark.parametrize("merge", ["A200:J100000", "A200:XFD1048576"])
def test_a_merge_over_a_million_rows_below_the_table_costs_nothing(
    tmp_path: Path, merge: str
) -> None:
    """Was 46 s and 787 MB (A200:J100000), MemoryError after minutes (A200:XFD1048576): every
    cell of the merge was indexed. Now a merge beyond the area in use is nothing, and the review
    is the one of the table without it."""
    plain = _findings(_table(tmp_path / "plain.xlsx"))
    path = _rewrite(_table(tmp_path / "merged.xlsx"), SHEET, _add_merge(merge))
    assert_bounded(lambda: review_table(path), f"merge {merge}")
    assert _findings(path) == plain


def test_a_merge_reaching_past_the_table_is_clipped_to_it(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "t.xlsx",
        '<row r="1">' + _inline("A1", "a") + _inline("C1", "c") + "</row>"
        '<row r="4">' + _inline("B4", "b") + "</row>",
        '<mergeCell ref="B2:XFD1048576"/>',
    )
    assert_bounded(lambda: read_sheets(path), "clipped merge")
    (sheet,) = read_sheets(path)
    assert (sheet.max_row, sheet.max_col, sheet.merges) == (4, 3, [(2, 2, 4, 3)])
    assert sheet.value(4, 3) is None  # inside the merge: its top-left B2 shows, which is empty
    assert sheet.raw(4, 2) == "b"


def _bomb_zip(path: Path, size: int) -> Path:
    """A valid workbook whose sheet unpacks to ``size`` bytes, almost all spaces. The deflated
    data is one megabyte of spaces packed once and repeated (a full flush makes each packed
    block independent), and written straight into the zip: packing 1 GiB would take seconds."""
    head = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"
    block = b" " * (1 << 20)
    blocks, rest = divmod(size - len(head) - len(tail), len(block))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    packed_block = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(block[:rest] + tail) + packer.flush()
    packed = start + packed_block * blocks + end
    crc = zlib.crc32(head)
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(block[:rest] + tail, crc)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _parts(_sheet_xml("")).items():
            if name != SHEET:
                archive.writestr(name, data)
        info = zipfile.ZipInfo(SHEET)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size, info.compress_size, info.CRC = size, len(packed), crc
        handle = archive.fp
        assert handle is not None
        info.header_offset = handle.tell()
        handle.write(info.FileHeader())
        handle.write(packed)
        archive.start_dir = handle.tell()
        archive.filelist.append(info)
        archive.NameToInfo[info.filename] = info
    return path


@pytest.fixture(scope="session")
def gigabyte_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _bomb_zip(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", 1 << 30)


def test_a_one_gigabyte_zip_bomb_is_refused_unpacked(gigabyte_bomb: Path) -> None:
    """Was 1.1 GB of memory: the bomb (1 GiB of spaces in about 1 MB) is refused by the size the
    zip states, before one byte is unpacked."""
    assert gigabyte_bomb.stat().st_size < 2_000_000
    message = _refused(lambda: read_sheets(gigabyte_bomb), "1 GiB zip bomb")
    assert message == (
        f"{gigabyte_bomb}: {SHEET}: unpacks to 1073.7 MB, over the 5.1 MB limit for one part "
        f"({HINT}) [table-too-large]"
    )


def _batch_opening(path: Path) -> Callable[[], object]:
    """`jixiao batch`'s opening of ``path`` as an input, where its header is read (the spec is
    loaded beforehand, outside what is measured)."""
    from scoring.batch.inputs import open_inputs
    from scoring.spec.loader import load_spec

    spec = load_spec(ROOT / "indicators" / "xinfang_weiwen.yaml")
    return lambda: open_inputs(spec, [str(path)])


def test_batch_refuses_the_zip_bomb_before_openpyxl_opens_it(
    gigabyte_bomb: Path, jixiao: Jixiao, tmp_path: Path
) -> None:
    opening = _batch_opening(gigabyte_bomb)
    assert_bounded(opening, "batch zip bomb")
    with pytest.raises(FactsError) as info:
        opening()
    ratio = str(info.value).split("unpacks ")[1].split(" times")[0]
    assert int(ratio.replace(",", "")) > 1000
    assert str(info.value) == (
        f"{gigabyte_bomb}: {SHEET}: unpacks {ratio} times larger than it is packed (limit 200): "
        "a zip bomb, not a table [table-too-large]"
    )
    out = str(tmp_path / "out.csv")
    run = jixiao("batch", "indicators/xinfang_weiwen.yaml", str(gigabyte_bomb), "-o", out)
    assert (run.code, run.out) == (1, "")
    assert "a zip bomb, not a table [table-too-large]" in run.err
    assert "Traceback" not in run.err


def test_a_small_part_packed_a_thousand_times_is_a_bomb(tmp_path: Path) -> None:
    """Under the size limit, but 3 MB of spaces in a few kilobytes: no table packs like that."""
    path = _bomb_zip(tmp_path / "small.xlsx", 3_000_000)
    message = _refused(lambda: read_sheets(path), "ratio bomb")
    ratio = message.split("unpacks ")[1].split(" times")[0]
    assert int(ratio.replace(",", "")) > 200
    assert message == (
        f"{path}: {SHEET}: unpacks {ratio} times larger than it is packed (limit 200): a zip "
        "bomb, not a table [table-too-large]"
    )


def test_the_workbook_is_read_once_and_not_by_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader parses the parts itself in one pass (values and formulas together); openpyxl's
    loader, which needed two full loads, is not called."""
    import openpyxl

    path = _table(tmp_path / "t.xlsx")
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def counting_open(
        self: zipfile.ZipFile, name: object, *args: object, **kwargs: object
    ) -> object:
        opened.append(name if isinstance(name, str) else name.filename)  # type: ignore[attr-defined]
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl.load_workbook called")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    (sheet,) = read_sheets(path)
    assert sheet.raw(3, 2) == "水旱灾害防御经费"
    assert opened.count(SHEET) == 1
    assert len(opened) == len(set(opened))


def test_truncated_xml_is_a_located_error(tmp_path: Path) -> None:
    xml = _sheet_xml('<row r="1">' + _inline("A1", "项目名称") + "</row>")
    path = _zip(tmp_path / "cut.xlsx", _parts(xml[:100]))
    message = _refused(lambda: read_sheets(path), "truncated XML")
    assert message == (
        f"{path}: {SHEET}: XML error at line 1, column 100: unclosed token; the file is damaged "
        "or was not written by an office program (open and save it in Excel or WPS) [table-xml]"
    )


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "ha">'
    + "".join(
        f'<!ENTITY {b} "&{a};&{a};&{a};&{a};&{a};&{a};&{a};&{a};&{a};&{a};">'
        for a, b in zip("abcdefghi", "bcdefghij", strict=True)
    )
    + f']><worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&j;'
    "</t></is></c></row></sheetData></worksheet>"
)
EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f'<sst xmlns="{MAIN}"><si><t>&x;</t></si></sst>'
)
REFUSED_DTD = "has a DTD (<!DOCTYPE …>), which no Office file has: refused unread [table-xml]"


def test_a_dtd_entity_bomb_in_a_sheet_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "laughs.xlsx", _parts(BILLION_LAUGHS))
    assert (
        _refused(lambda: read_sheets(path), "billion laughs") == f"{path}: {SHEET}: {REFUSED_DTD}"
    )


def test_an_external_entity_in_the_shared_strings_is_refused(tmp_path: Path) -> None:
    xml = _sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    path = _zip(tmp_path / "xxe.xlsx", _parts(xml, EXTERNAL))
    message = _refused(lambda: read_sheets(path), "external entity")
    assert message == f"{path}: xl/sharedStrings.xml: {REFUSED_DTD}"


def test_openpyxl_in_batch_parses_through_defusedxml(tmp_path: Path) -> None:
    """batch still streams XLSX rows with openpyxl, which parses sheets through defusedxml when it
    is installed (a dependency): an entity declared in a sheet is refused by openpyxl itself, even
    without the guard in front of it (the next test)."""
    import defusedxml
    import openpyxl

    path = _rewrite(
        _table(tmp_path / "t.xlsx"),
        SHEET,
        lambda xml: b'<!DOCTYPE w [<!ENTITY a "ha">]>' + xml.replace(b"<v>12</v>", b"<v>&a;</v>"),
    )
    # openpyxl wraps the refusal in its own ValueError; the file is ours to close.
    with path.open("rb") as handle, pytest.raises(ValueError, match="invalid XML") as info:
        openpyxl.load_workbook(handle, read_only=True)
    causes = [info.value, info.value.__cause__, info.value.__context__]
    assert any(isinstance(cause, defusedxml.EntitiesForbidden) for cause in causes)


def test_batch_refuses_a_workbook_with_a_dtd(tmp_path: Path) -> None:
    path = _zip(tmp_path / "laughs.xlsx", _parts(BILLION_LAUGHS))
    opening = _batch_opening(path)
    assert_bounded(opening, "batch DTD")
    with pytest.raises(FactsError) as info:
        opening()
    assert str(info.value) == f"{path}: {SHEET}: {REFUSED_DTD}"


def test_an_escape_character_in_a_cell_is_kept_as_text(tmp_path: Path) -> None:
    """``&#x1b;`` is not well-formed XML 1.0 (expat refuses it): it is read as the OOXML escape
    ``_x001B_`` would be, so the cell keeps the character and the table is read."""
    path = _workbook(
        tmp_path / "esc.xlsx",
        '<row r="1">' + _inline("A1", "项目&#x1b;[31m红") + _inline("B1", "&#27;x") + "</row>"
        '<row r="2">' + _inline("A2", "Excel_x001B_escape") + "</row>",
    )
    assert_bounded(lambda: read_sheets(path), "ESC in a cell")
    (sheet,) = read_sheets(path)
    assert sheet.cells == {(1, 1): "项目\x1b[31m红", (1, 2): "\x1bx", (2, 1): "Excel\x1bescape"}


def test_an_escape_character_in_a_filed_table_does_not_stop_the_review(tmp_path: Path) -> None:
    path = _rewrite(
        _table(tmp_path / "t.xlsx"),
        SHEET,
        lambda xml: xml.replace(
            b"<t>\xe6\xb0\xb4\xe6\x97\xb1", b"<t>&#x1b;[2J\xe6\xb0\xb4\xe6\x97\xb1", 1
        ),
    )
    assert_bounded(lambda: review_table(path), "ESC in a table")
    review = review_table(path)
    assert review.recomputed_total == review_table(_table(tmp_path / "plain.xlsx")).recomputed_total


# ---- numbers no table means ----------------------------------------------------------------------


def test_numbers_beyond_a_table_stay_as_their_text(tmp_path: Path) -> None:
    digits = "9" * 5000
    cells = {
        "A1": "NaN",
        "B1": "inf",
        "C1": "-Infinity",
        "D1": "1E+308",
        "E1": "1e309",
        "F1": digits,
        "G1": "1234567890123456",
        "H1": "98.5",
        "I1": "0.1000000000000000055511151231257827",
    }
    row = "".join(f'<c r="{ref}"><v>{value}</v></c>' for ref, value in cells.items())
    path = _workbook(tmp_path / "n.xlsx", f'<row r="1">{row}</row>')
    assert_bounded(lambda: read_sheets(path), "numbers")
    (sheet,) = read_sheets(path)
    assert [sheet.raw(1, c) for c in range(1, 10)] == [
        "NaN",
        "inf",
        "-Infinity",
        "1E+308",
        "1e309",
        digits,
        "1234567890123456",
        Decimal("98.5"),
        Decimal("0.1"),
    ]


def test_a_1e308_score_is_a_located_unreadable_value_in_the_review(tmp_path: Path) -> None:
    path = _rewrite(
        _table(tmp_path / "t.xlsx"),
        SHEET,
        lambda xml: xml.replace(b'<c r="G13" t="n"><v>12</v>', b'<c r="G13" t="n"><v>1E+308</v>'),
    )
    assert_bounded(lambda: review_table(path), "1e308 score")
    review = review_table(path)
    code, cell, message = (
        review.findings[0].code,
        review.findings[0].cell,
        review.findings[0].message,
    )
    assert (code, cell) == ("unreadable_value", "Sheet1!G13")
    assert message.startswith("得分 “1E+308” is not a number")


# ---- zips ----------------------------------------------------------------------------------------


def _many_entries(path: Path, count: int) -> Path:
    """A valid zip of the workbook's parts and ``count`` empty entries, its records packed by hand
    (zipfile's writer would take seconds for 100,000 entries)."""
    _zip(path, _parts(_sheet_xml("")))
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        data = path.read_bytes()[: archive.start_dir]
    local, central = [data], list(infos)
    offset = len(data)
    records = []
    for number in range(count):
        name = f"x/{number}".encode()
        records.append(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
        )
    directory = [_central(info) for info in central]
    for number, record in enumerate(records):
        name = f"x/{number}".encode()
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
        local.append(record)
        offset += len(record)
    body = b"".join(local)
    table = b"".join(directory)
    total = len(central) + count
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, len(table), len(body), 0)
    # Over 65,535 entries: the zip64 end record and its locator state the count.
    end64 = struct.pack(
        "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, total, total, len(table), len(body)
    )
    locator = struct.pack("<IIQI", 0x07064B50, 0, len(body) + len(table), 1)
    path.write_bytes(body + table + end64 + locator + end)
    return path


def _central(info: zipfile.ZipInfo) -> bytes:
    name = info.filename.encode()
    return (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            info.compress_type,
            0,
            0,
            info.CRC,
            info.compress_size,
            info.file_size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            info.header_offset,
        )
        + name
    )


def test_a_zip_of_100000_entries_is_refused_before_its_directory_is_read(tmp_path: Path) -> None:
    path = _many_entries(tmp_path / "many.xlsx", 100_000)
    with zipfile.ZipFile(path) as archive:  # a valid zip: zipfile itself lists every entry
        assert len(archive.infolist()) == 100_004
    message = _refused(lambda: read_sheets(path), "100,000 entries")
    assert message == (
        f"{path}: holds 100,004 files; a .xlsx workbook has a few dozen (limit 1,000, {HINT}) "
        "[table-too-large]"
    )


def test_a_shared_strings_bomb_stops_at_the_element_budget(tmp_path: Path) -> None:
    shared = f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{n}</t></si>" for n in range(40_000))
    shared += "</sst>"
    xml = _sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    path = _zip(tmp_path / "sst.xlsx", _parts(xml, shared))
    message = _refused(lambda: read_sheets(path), "shared strings bomb")
    assert message == (
        f"{path}: xl/sharedStrings.xml: holds more than 60,000 XML elements; a 自评表 has a few "
        f"thousand ({HINT}) [table-too-large]"
    )


def test_a_hundred_thousand_empty_cells_stop_at_the_element_budget(tmp_path: Path) -> None:
    """Empty styled cells hold no value, but parsing each costs time: the file's elements are
    bounded, not only its values."""
    row = "".join(f'<c s="{n}"/>' for n in range(100))
    rows = "".join(f'<row r="{r}">{row}</row>' for r in range(1, 1001))
    path = _zip(tmp_path / "empty.xlsx", _parts(_sheet_xml(rows)))
    message = _refused(lambda: read_sheets(path), "100,000 <c/>")
    assert message == (
        f"{path}: {SHEET}: holds more than 60,000 XML elements; a 自评表 has a few thousand "
        f"({HINT}) [table-too-large]"
    )


def test_a_shared_string_that_does_not_exist(tmp_path: Path) -> None:
    xml = _sheet_xml('<row r="1"><c r="B1" t="s"><v>7</v></c></row>')
    path = _zip(tmp_path / "sst.xlsx", _parts(xml, f'<sst xmlns="{MAIN}"><si><t>a</t></si></sst>'))
    assert _refused(lambda: read_sheets(path), "missing shared string") == (
        f"{path}: {SHEET}: cell B1 refers to shared string '7', which does not exist (the "
        "workbook has 1) [table-xml]"
    )


def test_a_truncated_zip_is_not_a_workbook(tmp_path: Path) -> None:
    whole = _table(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert _refused(lambda: read_sheets(path), "truncated zip") == (
        f"{path}: not a readable .xlsx workbook (no zip directory: the file is cut short or is "
        "not a zip) [table-format]"
    )


def test_a_text_file_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("一级指标,二级指标\n", encoding="utf-8")
    assert _refused(lambda: read_sheets(path), "text named .xlsx") == (
        f"{path}: not a readable .xlsx workbook: its content is none of the formats jixiao reads "
        "(.xlsx, .xlsm, .xls, .docx, .pdf (with a text layer) and .csv); open it in the program "
        "that wrote it and save it again [table-format]"
    )


# ---- cells and merges past the edge ----------------------------------------------------------------


def test_a_value_in_the_last_column_is_named_with_the_limit(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "far.xlsx",
        '<row r="1">' + _inline("A1", "一级指标") + _inline("XFD1", "x") + "</row>"
        '<row r="3">' + _inline("B3", "y") + "</row>",
    )
    assert _refused(lambda: read_sheets(path), "XFD1") == (
        f"{path}: Sheet1: the values in use span A1:XFD3 (3 rows × 16,384 columns = 49,152 "
        "cells), over the 10,000-cell limit: the farthest are B3 and XFD1; delete stray values far "
        "from the table, or raise the limit with --max-cells [table-too-large]"
    )
    (sheet,) = read_sheets(path, TableLimits(50_000))
    assert (sheet.max_row, sheet.max_col) == (3, 16_384)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("XFE1", "cell reference 'XFE1' is not a cell of a sheet (A1 to XFD1048576)"),
        ("A0", "cell reference 'A0' is not a cell of a sheet (A1 to XFD1048576)"),
        ("A1048577", "cell reference 'A1048577' is not a cell of a sheet (A1 to XFD1048576)"),
        ("1A", "cell reference '1A' is not a cell of a sheet (A1 to XFD1048576)"),
    ],
)
def test_a_cell_outside_a_sheet(tmp_path: Path, ref: str, message: str) -> None:
    path = _workbook(tmp_path / "out.xlsx", '<row r="1">' + _inline(ref, "x") + "</row>")
    assert _refused(lambda: read_sheets(path), ref) == f"{path}: {SHEET}: {message} [table-xml]"


def test_a_reversed_merge_is_the_same_range(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{r}">' + "".join(_inline(f"{c}{r}", c) for c in "ABC") + "</row>"
        for r in (1, 2, 3)
    )
    path = _workbook(tmp_path / "rev.xlsx", rows, '<mergeCell ref="C3:B2"/>')
    (sheet,) = read_sheets(path)
    assert sheet.merges == [(2, 2, 3, 3)]
    assert sheet.value(3, 3) == "B"


@pytest.mark.parametrize("ref", ["A-1:B2", "A1:B", "B2:XFE3", "1:3", ""])
def test_a_merge_that_is_no_range(tmp_path: Path, ref: str) -> None:
    path = _workbook(
        tmp_path / "bad.xlsx",
        '<row r="1">' + _inline("A1", "x") + "</row>",
        f'<mergeCell ref="{ref}"/>',
    )
    assert _refused(lambda: read_sheets(path), f"merge {ref}") == (
        f"{path}: {SHEET}: merged range {ref!r} is not a range of cells [table-xml]"
    )


def test_overlapping_merges_are_refused_at_the_first_shared_cell(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{r}">' + "".join(_inline(f"{c}{r}", c) for c in "ABCD") + "</row>"
        for r in range(1, 5)
    )
    merges = (
        '<mergeCell ref="A1:B2"/>' + '<mergeCell ref="A1:B2"/>' * 500 + '<mergeCell ref="B2:D4"/>'
    )
    path = _workbook(tmp_path / "overlap.xlsx", rows, merges)
    assert _refused(lambda: read_sheets(path), "overlapping merges") == (
        f"{path}: Sheet1!A1: merged range A1:B2 overlaps A1:B2 at A1; no office program writes "
        "that: open the file in Excel or WPS, fix the merged cells and save it [table-merge]"
    )


def test_too_many_merges(tmp_path: Path) -> None:
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(1, 1002))
    path = _workbook(
        tmp_path / "merges.xlsx", '<row r="1">' + _inline("A1", "x") + "</row>", merges
    )
    assert _refused(lambda: read_sheets(path), "1,001 merges") == (
        f"{path}: Sheet1: more than 1,000 merged ranges; a 自评表 has a few dozen (raise the limit "
        "with --max-cells if the file is genuine) [table-too-large]"
    )


def test_too_many_cells_and_the_option_that_raises_the_limit(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(1, 1051)
    )
    path = _workbook(tmp_path / "big.xlsx", rows)
    assert _refused(lambda: read_sheets(path), "10,500 cells") == (
        f"{path}: Sheet1: more than 10,000 cells hold values; a 自评表 has a few hundred (raise "
        "the limit with --max-cells if the file is genuine) [table-too-large]"
    )
    (sheet,) = read_sheets(path, TableLimits(11_000))
    assert (sheet.max_row, sheet.max_col, sheet.raw(1050, 10)) == (1050, 10, Decimal(1050))


def test_max_cells_on_the_command_line(tmp_path: Path, jixiao: Jixiao) -> None:
    """--max-cells lowers or raises the limits of review and import; the table is the
    every-finding 自评表 (12 rows and 9 columns in use: 108 cells)."""
    path = FORMATS / "自评表.xlsx"
    run = jixiao("review", str(path), "--max-cells", "150")
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        f"{path}: Sheet1: the values in use span A1:I21 (21 rows × 9 columns = 189 cells), over "
        "the 150-cell limit: the farthest are F21 and I9; delete stray values far from the "
        "table, or raise the limit with --max-cells [table-too-large]\n"
    )
    assert jixiao("review", str(path), "--max-cells", "189").code == 0
    out = str(tmp_path / "out")
    run = jixiao("import", str(path), "-o", out, "--max-cells", "100")
    assert (run.code, run.err.endswith("[table-too-large]\n")) == (1, True)
    assert jixiao("import", str(path), "-o", out, "--max-cells", "1,000").code == 0
    run = jixiao("import", str(path), "-o", out, "--max-cells", "0")
    assert run.code == 2
    assert "argument --max-cells: expected a whole number of cells above 0, got '0'" in run.err


# ---- files that are not what they say --------------------------------------------------------------


def test_an_encrypted_workbook_says_so(tmp_path: Path) -> None:
    """A password-protected .xlsx is an OLE compound file holding EncryptionInfo and
    EncryptedPackage streams, not a zip."""
    path = tmp_path / "locked.xlsx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 1024)
    assert _refused(lambda: read_sheets(path), "encrypted") == (
        f"{path}: is a password-protected (encrypted) workbook, which jixiao cannot open; remove "
        "the password (文件 → 信息 → 保护工作簿 → 用密码进行加密, leave it empty) and save it again "
        "[table-format]"
    )


def test_an_ole_file_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "报告.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    assert _refused(lambda: read_sheets(path), "OLE named docx") == (
        f"{path}: is an old Word .doc file or a password-protected .docx, which jixiao cannot "
        "open; save it as .docx (另存为 → Word 文档) without a password [table-format]"
    )


def test_an_xls_named_xlsx_and_an_xlsx_named_xls_are_read_by_their_content(
    tmp_path: Path,
) -> None:
    xls_named_xlsx = tmp_path / "old.xlsx"
    xls_named_xlsx.write_bytes((FORMATS / "自评表.xls").read_bytes())
    xlsx_named_xls = tmp_path / "new.xls"
    xlsx_named_xls.write_bytes((FORMATS / "自评表.xlsx").read_bytes())
    expected = read_sheets(FORMATS / "自评表.xlsx")[0].cells
    for path in (xls_named_xlsx, xlsx_named_xls):
        assert_bounded(lambda p=path: read_sheets(p), path.name)
        (sheet,) = read_sheets(path)
        assert sheet.cells == expected


def test_an_ole_file_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "junk.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 2000)
    message = _refused(lambda: read_sheets(path), "junk OLE")
    assert message.startswith(f"{path}: not a readable .xls workbook (")
    assert message.endswith("); open it in Excel or WPS and save it as .xlsx [table-format]")


@pytest.mark.parametrize("suffix", [".et", ".wps", ".ods", ".numbers", ""])
def test_formats_not_read_are_listed(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"自评表{suffix}"
    path.write_bytes(b"PK\x03\x04")
    shown = suffix or "a file without extension"
    assert _refused(lambda: read_sheets(path), suffix) == (
        f"{path}: cannot read {shown}: jixiao reads .xlsx, .xlsm, .xls, .docx, .pdf (with a text "
        "layer) and .csv files; save .et, .wps, .ods or other files as .xlsx first (另存为 → "
        "Excel 工作簿) [table-format]"
    )


def test_an_empty_file_a_directory_and_a_missing_file(tmp_path: Path, jixiao: Jixiao) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert _refused(lambda: read_sheets(empty), "empty") == (
        f"{empty}: is empty (0 bytes) [table-format]"
    )
    assert _refused(lambda: read_sheets(folder), "directory") == (
        f"{folder}: is a directory, not a table file [table-missing]"
    )
    missing = tmp_path / "missing.pdf"
    assert (
        _refused(lambda: read_sheets(missing), "missing")
        == f"{missing}: no such file [table-missing]"
    )
    run = jixiao("import", str(folder), "-o", str(tmp_path / "out"))
    assert (run.code, run.out, run.err) == (
        1,
        "",
        f"{folder}: is a directory, not a table file [table-missing]\n",
    )


def test_a_file_over_the_size_limit_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a," * 10_300_000)
    assert _refused(lambda: read_sheets(path), "20.6 MB csv") == (
        f"{path}: file is 20.6 MB, larger than the 20.5 MB limit for a filed table (raise the "
        "limits with --max-cells if the file is genuine) [table-too-large]"
    )


def test_a_csv_of_too_many_cells_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("一级指标\n" + "1," * 9_999 + "1\n", encoding="utf-8")
    assert _refused(lambda: read_sheets(path), "csv cells") == (
        f"{path}:2: more than 10,000 cells hold values; a 自评表 has a few hundred (raise the "
        "limit with --max-cells if the file is genuine) [table-too-large]"
    )


# ---- PDF -------------------------------------------------------------------------------------------


def _pdf(path: Path, pages: list[bytes], count: int | None = None) -> Path:
    """A minimal PDF: one content stream a page (``count`` overrides the stated page count)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    stated = len(pages) if count is None else count
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {stated} >>".encode())
    for i, content in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
            "/Resources << >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    path.write_bytes(out.getvalue())
    return path


def test_a_scanned_pdf_says_it_has_no_text_layer(tmp_path: Path, jixiao: Jixiao) -> None:
    """Lines and no text (what a scan without OCR looks like to a text reader)."""
    grid = b"0 0 0 RG 1 w 50 50 m 500 50 l S 50 100 m 500 100 l S 50 50 m 50 100 l S"
    path = _pdf(tmp_path / "scan.pdf", [grid, grid])
    assert _refused(lambda: read_sheets(path), "scanned PDF") == (
        f"{path}: has no text layer (its 2 pages are images, a scan): jixiao reads the text of a "
        "PDF, not pictures of it; review the .xlsx or .docx the table was printed from, or run "
        "OCR on the scan first [table-scanned]"
    )
    run = jixiao("review", str(path))
    assert (run.code, run.out) == (1, "")
    assert run.err.endswith("[table-scanned]\n")


def test_a_pdf_without_pages(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "none.pdf", [])
    assert _refused(lambda: read_sheets(path), "0 pages") == (
        f"{path}: not a readable PDF file: it has no pages [table-format]"
    )


def test_a_pdf_of_many_pages_is_refused_by_its_stated_count(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "long.pdf", [b""], count=100_000)
    assert _refused(lambda: read_sheets(path), "100,000 pages") == (
        f"{path}: has 100,000 pages, over the 20-page limit for a filed table (raise the limits "
        "with --max-cells if the file is genuine) [table-too-large]"
    )


def test_a_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    message = _refused(lambda: read_sheets(path), "damaged PDF")
    assert message.startswith(f"{path}: not a readable PDF file (")
    assert message.endswith(") [table-format]")


# ---- Word ------------------------------------------------------------------------------------------


def test_a_word_table_nested_in_a_cell_is_its_own_sheet(tmp_path: Path) -> None:
    document = Document()
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "外层"
    cell = outer.cell(1, 1)
    cell.text = "第一段"
    cell.add_paragraph("第二段")
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内层"
    inner.cell(0, 1).text = "9.5"
    path = tmp_path / "nested.docx"
    document.save(path)
    assert_bounded(lambda: read_sheets(path), "nested docx")
    sheets = read_sheets(path)
    assert [(s.name, s.cells) for s in sheets] == [
        ("表1", {(1, 1): "外层", (2, 2): "第一段\n第二段"}),
        (
            "表2",
            {(1, 1): "内层", (1, 2): "9.5"},
        ),  # a Word cell is text, read as the parser reads text
    ]


def _docx_with_body(path: Path, body: str) -> Path:
    document = Document()
    document.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["word/document.xml"].decode()
    start = xml.index("<w:body>") + len("<w:body>")
    parts["word/document.xml"] = (xml[:start] + body + xml[start:]).encode()
    return _zip(path, parts)


def test_a_word_cell_spanning_a_billion_columns(tmp_path: Path) -> None:
    body = (
        '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr><w:p/></w:tc>'
        "</w:tr></w:tbl>"
    )
    path = _docx_with_body(tmp_path / "span.docx", body)
    assert _refused(lambda: read_sheets(path), "gridSpan 1e9") == (
        f"{path}: 表1: has more than 10,000 cells; a 自评表 has a few hundred (raise the limit "
        "with --max-cells if the file is genuine) [table-too-large]"
    )


def test_a_word_cell_merged_down_5000_rows_is_one_step_a_row(tmp_path: Path) -> None:
    first = '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>合并</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>'
    rest = "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr>"
    path = _docx_with_body(tmp_path / "down.docx", "<w:tbl>" + first + rest * 4999 + "</w:tbl>")
    assert_bounded(lambda: read_sheets(path), "vMerge 5000 rows")
    (sheet,) = read_sheets(path)
    assert sheet.merges == [(1, 1, 5000, 1)]
    assert (sheet.value(5000, 1), sheet.value(5000, 2)) == ("合并", "2")


def test_a_dtd_in_a_word_document_is_refused(tmp_path: Path) -> None:
    path = _docx_with_body(tmp_path / "dtd.docx", "")
    _rewrite(
        path,
        "word/document.xml",
        lambda xml: (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "ha">]>' + xml.split(b"?>", 1)[1]
        ),
    )
    assert _refused(lambda: read_sheets(path), "docx DTD") == (
        f"{path}: word/document.xml: {REFUSED_DTD}"
    )


def test_an_xlsx_named_docx_has_no_document(tmp_path: Path) -> None:
    path = tmp_path / "wrong.docx"
    path.write_bytes((FORMATS / "自评表.xlsx").read_bytes())
    assert _refused(lambda: read_sheets(path), "xlsx named docx") == (
        f"{path}: not a readable .docx document: it has no word/document.xml [table-format]"
    )


def test_sheets_keep_their_shape(tmp_path: Path) -> None:
    """The readers fill the one Sheet type the parser knows."""
    for path in sorted(FORMATS.glob("自评表.*")):
        if path.suffix != ".py":
            assert all(isinstance(s, Sheet) for s in read_sheets(path))
