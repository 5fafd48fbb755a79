"""Cutting a CSV into blocks of records for ``--workers``, and reading a block back in a worker.

The main process neither decodes, parses nor ships the data: it finds record ends in the raw
bytes, and each worker reads its block's bytes from the file itself. A record ends at a line end
where the quotes since the record's start pair up; '"' and '\\n' never occur inside a UTF-8 or
GB18030 multi-byte character, so the bytes can be cut without decoding. All of the cutting is done
by bytes methods (find, count, translate), which run in C.

Only two things can mislead the cutting: a quote inside an unquoted cell (a,b"c,d: literal to
csv, counted here) and a lone carriage return (a line end to csv, not here). A worker parses its
block with csv alone and checks two things, which together catch both: that the block does not
end inside a quoted cell (csv, strict, reports the unexpected end: a cut inside a cell) and that
csv finds the records counted (the numbers of every later record depend on it). If either fails
it raises ``BlockMismatch``, and the batch reads the input the exact way. A file that changes
size or time while the batch runs is an error of its own (file-changed): its blocks would no
longer be the ones counted.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import IO

from .lines import Unreadable, csv_records
from .records import RawRecord, input_error
from .undecodable import undecodable

__all__ = ["BlockMismatch", "CsvBlock", "csv_blocks", "parse_block"]

# (path, encoding, first record number, records, byte offset, byte length, (size, mtime_ns))
CsvBlock = tuple[str, str, int, int, int, int, tuple[int, int]]

_PIECE = 1 << 22  # bytes read at a time: a few dozen blocks
_SAMPLE = 1 << 16  # bytes looked at to learn how long a record is
_LONGEST_RECORD = _PIECE  # past this, a record is taken for lines joined by a stray quote
_NOT_MARKS = bytes(sorted(set(range(256)) - set(b'"\n')))  # deleted to count records


class BlockMismatch(Exception):
    """A block's records are not the ones counted: the batch must read this input exactly."""


def csv_blocks(path: str, encoding: str, size: int, header_row: int = 1) -> Iterator[CsvBlock]:
    """The records after the header (record ``header_row``: blank rows before it count) in blocks
    of about ``size`` records, cut by length; every block ends at a record end."""
    try:
        with open(path, "rb") as handle:
            stamp = _stamp(handle)
            cutter = _Cutter(handle, path)
            for _ in range(header_row):
                header = cutter.take(1)
                if header.count(b"\r") != header.count(b"\r\n"):
                    # A lone CR: perhaps a file whose lines end in CR alone, all of it "one
                    # line" here. (In a block, csv finds more records than counted: a mismatch.)
                    raise BlockMismatch(path)
            first, span = header_row + 1, cutter.span(size)
            while True:
                offset = cutter.offset
                piece = cutter.take(span)
                if not piece:
                    return
                count = _records_in(piece)
                yield path, encoding, first, count, offset, len(piece), stamp
                first += count
    except OSError as exc:
        raise input_error(path, f"cannot read: {exc.strerror}", "file-unreadable") from None


class _Cutter:
    """Whole records from the front of a binary file, a piece of it in memory at a time."""

    def __init__(self, handle: IO[bytes], path: str) -> None:
        self.handle = handle
        self.path = path
        self.buffer = b""
        self.start = 0  # where in ``buffer`` the records not taken yet begin
        self.offset = 0  # the file offset of buffer[start]
        self.ended = False

    def span(self, size: int) -> int:
        """About the length of ``size`` records, judged by the records ahead."""
        if len(self.buffer) - self.start < _SAMPLE:
            self._read()
        sample = self.buffer[self.start : self.start + _SAMPLE]
        return max(1, size * len(sample) // max(1, sample.count(b"\n")))

    def take(self, length: int) -> bytes:
        """The next whole records, at least ``length`` bytes of them unless the file ends first
        (its last record may lack a line end, or a closing quote: csv reports that). b"" at the
        end of the file."""
        while True:
            end = _record_end(self.buffer, self.start, self.start + length - 1)
            if end >= 0:
                break
            if len(self.buffer) - self.start > length + _LONGEST_RECORD:
                # No record is this long: a stray quote (a,b"c) has joined the lines that
                # follow. Cutting on would hold the rest of the file in memory, scanned again at
                # each read; csv reads the quote as it is, the exact way.
                raise BlockMismatch(self.path)
            if not self._read():
                end = len(self.buffer)
                break
        piece = self.buffer[self.start : end]
        self.start = end
        self.offset += len(piece)
        return piece

    def _read(self) -> bool:
        if self.ended:
            return False
        more = self.handle.read(_PIECE)
        if not more:
            self.ended = True
            return False
        self.buffer = self.buffer[self.start :] + more  # what was taken is dropped here
        self.start = 0
        return True


def _record_end(buffer: bytes, start: int, at: int) -> int:
    """Just past the first record end at or after ``at``, records beginning at ``start``; -1 if
    there is none in ``buffer`` yet."""
    quotes = buffer.count(b'"', start, at)
    end = buffer.find(b"\n", at)
    while end >= 0:
        quotes += buffer.count(b'"', at, end)
        if not quotes & 1:
            return end + 1
        at = end + 1
        end = buffer.find(b"\n", at)
    return -1


def _records_in(piece: bytes) -> int:
    """How many records ``piece`` holds (it begins at a record start): its line ends outside
    quotes, and one more for a last record with no line end."""
    marks = piece.translate(None, _NOT_MARKS)  # quotes and line ends alone: a few bytes a record
    records = marks.count(b"\n")
    quotes = marks.count(b'"')
    # Where every run of quotes is of even length (cells quoted on one line: "a,b" or "x""y"),
    # no line end is inside quotes. Otherwise the text inside quotes is every second part.
    if quotes and b'"' in marks.replace(b'""', b""):
        records -= b"".join(marks.split(b'"')[1::2]).count(b"\n")
    if piece and not (piece.endswith(b"\n") and quotes % 2 == 0):
        records += 1
    return records


def _stamp(handle: IO[bytes]) -> tuple[int, int]:
    stat = os.fstat(handle.fileno())
    return stat.st_size, stat.st_mtime_ns


def parse_block(block: CsvBlock) -> list[RawRecord]:
    """A block's rows (blank ones skipped) with their numbers, as the one-process reading gives
    them; ``BlockMismatch`` when csv does not find the records counted."""
    path, encoding, first, count, offset, length, stamp = block
    number = first - 1
    try:
        with open(path, "rb") as handle:
            if _stamp(handle) != stamp:
                raise input_error(
                    path, "changed while the batch was reading it; score it again", "file-changed"
                )
            handle.seek(offset)
            raw = handle.read(length)
        text = raw.decode("utf-8" if encoding == "utf-8-sig" else encoding)
        rows: list[RawRecord] = []
        row: list[str] | Unreadable | None = None
        for number, row in enumerate(csv_records(io.StringIO(text, newline="")), first):
            if isinstance(row, Unreadable) or (row and row[0].strip()) or any(map(str.strip, row)):
                rows.append((number, row))
    except OSError as exc:
        raise input_error(path, f"cannot read: {exc.strerror}", "file-unreadable") from None
    except UnicodeDecodeError:
        raise undecodable(path, encoding, csv_rows=True) from None
    if isinstance(row, Unreadable) and row.code == "csv-syntax" and offset + length < stamp[0]:
        # The block ends inside a quoted cell, or in a row csv refuses, and the file goes on:
        # the cut may be wrong (a stray quote), and the exact reading reads past it.
        raise BlockMismatch(path)
    if number - first + 1 != count:
        raise BlockMismatch(path)
    return rows
