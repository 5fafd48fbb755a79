"""Reading a text input record by record with a bound on each record: CSV rows and JSON lines.

One record that is too long or broken must not cost the others. A CSV or JSON Lines record of
more than ``RECORD_LIMIT`` characters (a runaway export, a file that is one 300 MB line) is never
held: the reader streams past it, a piece at a time, and hands on an ``Unreadable`` in its place,
which its converter turns into that record's error row. A CSV record that csv refuses (a quote
never closed before the end of the file, text after a closing quote) is the same: an
``Unreadable`` for that record, and the records after it are read on.

The exact reading (``inputs``) and a worker's reading of its block (``csv_blocks.parse_block``) both
go through ``csv_records``, so both find the same records, numbered the same way.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

__all__ = ["RECORD_LIMIT", "Unreadable", "csv_records", "text_lines"]

RECORD_LIMIT = 1 << 20  # characters in one record (a real one is a few hundred)
_PIECE = 1 << 16  # characters read at a time while streaming past an overlong record


@dataclass(frozen=True)
class Unreadable:
    """A record the reader could not hand on as cells or text: what its error row says."""

    message: str
    code: str


def _too_long(length: int) -> Unreadable:
    return Unreadable(
        f"is {length:,} characters long, more than the {RECORD_LIMIT:,} a record may have; "
        "it was skipped unread (look for a quote never closed, or lines run together)",
        "record-too-long",
    )


def text_lines(handle: IO[str]) -> Iterator[str | Unreadable]:
    """Each line of ``handle``; an ``Unreadable`` for a line longer than ``RECORD_LIMIT``."""
    read = handle.readline
    while True:
        line = read(RECORD_LIMIT + 1)
        if not line:
            return
        if len(line) <= RECORD_LIMIT or line.endswith("\n"):
            yield line
            continue
        length = len(line)
        while not line.endswith("\n"):
            line = read(_PIECE)
            if not line:
                break
            length += len(line)
        yield _too_long(length)


# Make sure csv's own limit on one cell never refuses a cell of a record within RECORD_LIMIT (its
# default, 131,072, would stop the whole file at such a cell). Process-wide, and only ever raised.
if csv.field_size_limit() < RECORD_LIMIT:
    csv.field_size_limit(RECORD_LIMIT)


class _Lines:
    """The physical lines of a CSV for ``csv.reader``, stopping (StopIteration) at a line that
    would make the current record longer than ``RECORD_LIMIT``; the rest of that record is read
    past, and ``overlong`` says how long it was."""

    def __init__(self, handle: IO[str]) -> None:
        self.read = handle.readline
        self.used = 0  # characters of the current record handed to csv
        self.quotes = 0  # quotes in the current record: a record ends where they pair up
        self.overlong: int | None = None

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.overlong is not None:
            raise StopIteration
        line = self.read(RECORD_LIMIT - self.used + 1)
        if not line:
            raise StopIteration
        self.used += len(line)
        self.quotes += line.count('"')
        if self.used > RECORD_LIMIT:
            self.overlong = self.used + self._skip(line)
            raise StopIteration
        return line

    def _skip(self, line: str) -> int:
        """Read on to the end of the record (a line end where its quotes pair up, as
        ``csv_blocks`` cuts records); the characters read."""
        skipped = 0
        while not (line.endswith(("\n", "\r")) and not self.quotes & 1):
            line = self.read(_PIECE)
            if not line:
                break
            skipped += len(line)
            self.quotes += line.count('"')
        return skipped

    def next_record(self) -> None:
        self.used = self.quotes = 0
        self.overlong = None


def csv_records(handle: IO[str]) -> Iterator[list[str] | Unreadable]:
    """Every record of a CSV text (opened with ``newline=""``), blank ones included, each its
    cells or an ``Unreadable``: one too long, or one csv cannot parse."""
    lines = _Lines(handle)
    while True:
        reader = csv.reader(lines, strict=True)
        try:
            for row in reader:
                lines.next_record()
                yield row
        except csv.Error as exc:
            if lines.overlong is None:
                # csv drops the rest of the line it failed on and starts the next record on the
                # next line, which is where a record after a broken one begins.
                lines.next_record()
                yield _broken(str(exc))
                continue
        if lines.overlong is None:
            return
        length = lines.overlong
        lines.next_record()
        yield _too_long(length)


def _broken(reason: str) -> Unreadable:
    if reason == "unexpected end of data":
        reason = "a quote opened in this row is never closed before the end of the file"
    return Unreadable(f"is not valid CSV: {reason}", "csv-syntax")
