"""Reading a text input record by record with a bound on each record: CSV rows and JSON lines.

One record that is too long or broken must not cost the others. A CSV or JSON Lines record of
more than ``RECORD_LIMIT`` characters (a runaway export, a file that is one 300 MB line) is never
held: the reader streams past it, a piece at a time, and hands on an ``Unreadable`` in its place,
which its converter turns into that record's error row. A CSV record that csv refuses (a quote
never closed before the end of the file, text after a closing quote) is the same: an
``Unreadable`` for that record, and the records after it are read on.

Nothing here changes a setting of the interpreter: csv's own limit on a cell, which is one
setting for the whole process, is raised only while a record with a longer cell is parsed again.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from ..i18n import tr

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
        tr(
            "record-too-long",
            "is {length:,} characters long, more than the {limit:,} a record may have; it was "
            "skipped unread (look for a quote never closed, or lines run together)",
            length=length,
            limit=RECORD_LIMIT,
        ),
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


class _Lines:
    """The physical lines of a CSV for ``csv.reader``, stopping (StopIteration) at a line that
    would make the current record longer than ``RECORD_LIMIT``; the rest of that record is read
    past, and ``overlong`` says how long it was. The current record's lines are kept (``held``),
    for the rare record that must be parsed again (``_wide_record``)."""

    def __init__(self, handle: IO[str]) -> None:
        self.read = handle.readline
        self.used = 0  # characters of the current record handed to csv
        self.quotes = 0  # quotes in the current record: a record ends where they pair up
        self.overlong: int | None = None
        self.held: list[str] = []

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
        self.held.append(line)
        return line

    def _skip(self, line: str) -> int:
        """Read on to the end of the record (a line end where its quotes pair up, as
        csv ends them); the characters read."""
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
        self.held = []


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
            if lines.overlong is None and str(exc).startswith(_FIELD_LIMIT):
                wide = _wide_record(lines)
                if lines.overlong is None:
                    lines.next_record()
                    yield wide
                    continue
            elif lines.overlong is None:
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


# csv refuses a cell longer than its field_size_limit (131,072 characters unless a program has
# changed it): "field larger than field limit (131072)". That limit is one setting for the whole
# interpreter, so it is not raised for every read; a record within RECORD_LIMIT that has such a cell
# is parsed again with the limit raised for that record alone.
_FIELD_LIMIT = "field larger than field limit"


def _wide_record(lines: _Lines) -> list[str] | Unreadable:
    """The current record parsed again, from its first line, with csv's field limit at
    ``RECORD_LIMIT`` while it is parsed and put back after. The lines past the one csv stopped at
    come from ``lines``, so the record is still bounded (``lines.overlong`` then says so)."""
    again = csv.reader(itertools.chain(lines.held, lines), strict=True)
    saved = csv.field_size_limit()
    csv.field_size_limit(max(saved, RECORD_LIMIT))
    try:
        return next(again, [])
    except csv.Error as exc:
        return _broken(str(exc))
    finally:
        csv.field_size_limit(saved)


def _broken(reason: str) -> Unreadable:
    if reason == "unexpected end of data":
        reason = tr(
            "csv-syntax", "a quote opened in this row is never closed before the end of the file"
        )
    return Unreadable(tr("csv-syntax", "is not valid CSV: {reason}", reason=reason), "csv-syntax")
