"""Cutting a CSV into blocks for ``--workers`` (scoring.batch.csv_blocks).

The blocks, read back by workers, must give exactly the records and record numbers that reading
the file in one process gives; where the cutting can be misled (a lone CR, a quote inside an
unquoted cell), a worker must say so (``BlockMismatch``) rather than give other records.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import FactsError
from scoring.batch import csv_blocks as blocks_module
from scoring.batch.csv_blocks import BlockMismatch, csv_blocks, parse_block
from scoring.batch.inputs import _csv_rows
from scoring.batch.lines import Unreadable

_CELL = st.text(alphabet=st.sampled_from('ab 项目,"\n\r\t1'), max_size=6)
_ROW = st.lists(_CELL, min_size=1, max_size=4)


def _records_read_whole(path: Path, header_row: int) -> list[tuple[int, list[str]]]:
    return [(n, row) for n, row in _csv_rows(str(path), "utf-8") if n > header_row]


def _records_read_in_blocks(path: Path, size: int, header_row: int) -> list[tuple[int, list[str]]]:
    cut = list(csv_blocks(str(path), "utf-8", size, header_row))
    ends = [offset + length for _, _, _, _, offset, length, _ in cut]
    starts = [offset for _, _, _, _, offset, _, _ in cut]
    assert starts[1:] == ends[:-1], "blocks follow each other with no gap and no overlap"
    assert not cut or ends[-1] == path.stat().st_size
    return [record for block in cut for record in parse_block(block)]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(_ROW, max_size=25),
    blank_before=st.integers(0, 2),
    newline=st.sampled_from(["\n", "\r\n"]),
    last_line_end=st.booleans(),
    size=st.integers(1, 7),
)
def test_blocks_give_the_records_and_numbers_of_one_reading(
    tmp_path: Path,
    rows: list[list[str]],
    blank_before: int,
    newline: str,
    last_line_end: bool,
    size: int,
) -> None:
    text = io.StringIO(newline="")
    text.write(newline * blank_before)
    writer = csv.writer(text, lineterminator=newline)
    writer.writerow(["id", "名称"])
    writer.writerows(rows)
    body = text.getvalue()
    if not last_line_end and body.endswith(newline):
        body = body[: -len(newline)]
    path = tmp_path / "in.csv"
    path.write_bytes(body.encode("utf-8"))
    header_row = blank_before + 1
    try:
        got = _records_read_in_blocks(path, size, header_row)
    except BlockMismatch:
        # Only a lone CR (csv.writer quotes cells holding one) may mislead the cutting here.
        assert "\r" in body.replace("\r\n", "")
        return
    assert got == _records_read_whole(path, header_row)


def test_blocks_are_cut_by_length_at_record_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small pieces read at a time: a record (here one with a quoted line end) spanning two pieces
    is never cut."""
    monkeypatch.setattr(blocks_module, "_PIECE", 7)
    path = tmp_path / "in.csv"
    path.write_bytes(b'id,x\r\n1,"a\r\nb"\r\n\r\n2,c\r\n3,"d"",e"\r\n4,f')
    cut = list(csv_blocks(str(path), "utf-8", 1))
    counts = [count for _, _, _, count, _, _, _ in cut]
    assert len(cut) > 1
    assert min(counts) >= 1
    assert sum(counts) == 5  # the blank row counts
    assert [record for block in cut for record in parse_block(block)] == [
        (2, ["1", "a\r\nb"]),
        (4, ["2", "c"]),
        (5, ["3", 'd",e']),
        (6, ["4", "f"]),
    ]


def test_an_unterminated_quote_is_one_record_and_sends_the_batch_the_exact_way(
    tmp_path: Path,
) -> None:
    """A quote never closed before the end of the file is that record's error, in a block as in
    the exact reading. A block that ends inside a quoted cell before the end of the file cannot
    tell a broken record from a misleading cut (a stray quote in an unquoted cell), so the batch
    reads the file the exact way."""
    path = tmp_path / "in.csv"
    path.write_bytes(b'id,x\n1,a\n2,"open\nstill open\n')
    cut = list(csv_blocks(str(path), "utf-8", 100))
    assert [(first, count) for _, _, first, count, _, _, _ in cut] == [(2, 2)]
    broken = Unreadable(
        "is not valid CSV: a quote opened in this row is never closed before the end of the file",
        "csv-syntax",
    )
    assert parse_block(cut[0]) == [(2, ["1", "a"]), (3, broken)]
    path.write_bytes(b'id,x\n1,a"b\n2,"c\n3,d\n4,e\n')  # csv: a literal quote, then an open one
    cut = list(csv_blocks(str(path), "utf-8", 1))
    assert (cut[0][3], cut[0][5]) == (1, 11)  # lines 2 and 3 taken for one record
    with pytest.raises(BlockMismatch):
        parse_block(cut[0])


def test_a_lone_carriage_return_is_a_mismatch(tmp_path: Path) -> None:
    """csv ends a record at a lone CR: in a block, the worker finds a record more than counted;
    in the header (a file whose lines all end in CR is one line here), the cutting stops."""
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,x\n1,a\r2,b\n")
    (block,) = csv_blocks(str(path), "utf-8", 100)
    assert block[3] == 1
    with pytest.raises(BlockMismatch):
        parse_block(block)
    path.write_bytes(b"id,x\r1,a\r2,b\r")
    with pytest.raises(BlockMismatch):
        list(csv_blocks(str(path), "utf-8", 100))


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FactsError) as caught:
        list(csv_blocks(str(tmp_path), "utf-8", 10))
    assert str(caught.value) == f"{tmp_path}: cannot read: Is a directory [file-unreadable]"


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(alphabet=st.sampled_from('a,"\r\n'), max_size=60),
    size=st.integers(1, 5),
)
def test_any_text_gives_one_reading_s_records_or_error_unless_a_worker_says_mismatch(
    tmp_path: Path, text: str, size: int
) -> None:
    """Stray quotes, lone CRs, unterminated quotes: where the workers do not report a mismatch
    (the batch then reads the file the exact way), they give exactly what one reading gives,
    records or error."""
    path = tmp_path / "in.csv"
    path.write_bytes(("id,x\n" + text).encode("utf-8"))

    def whole() -> object:
        try:
            return _records_read_whole(path, 1)
        except FactsError as exc:
            return str(exc)

    try:
        in_blocks: object = _records_read_in_blocks(path, size, 1)
    except BlockMismatch:
        return
    except FactsError as exc:
        in_blocks = str(exc)
    assert in_blocks == whole()


def test_a_stray_quote_that_joins_the_rest_of_the_file_stops_the_cutting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quote inside an unquoted cell early on pairs with nothing: every line after it looks
    like one long record. The cutting gives up once a record is longer than any real one (the
    batch then reads the file the exact way) rather than hold the rest of the file."""
    monkeypatch.setattr(blocks_module, "_PIECE", 64)
    monkeypatch.setattr(blocks_module, "_LONGEST_RECORD", 64)
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,x\n" + b'1,12"inch\n' + b"2,plain\n" * 200)
    with pytest.raises(BlockMismatch):
        list(csv_blocks(str(path), "utf-8", 4))
    path.write_bytes(b"id,x\n" + b'1,"quoted\nover lines"\n' + b"2,plain\n" * 200)
    assert sum(block[3] for block in csv_blocks(str(path), "utf-8", 4)) == 201
