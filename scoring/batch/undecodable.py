"""Where an input file stops being text in its encoding: the row and the byte, for the message.

The readers decode a file a piece of several kilobytes ahead of the rows they hand out, so when
decoding fails they know only that the bad byte lies somewhere after the last row read. This reads
the file again, line by line, to the first byte that does not decode, and counts rows as the
reader numbers them (for CSV, as a spreadsheet does: a cell's own line breaks are not rows). It
runs only when reading has failed, and reads no further than the bad byte.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator

from ..errors import FactsError
from ..i18n import tr
from .records import input_error

__all__ = ["undecodable"]


def undecodable(path: str, encoding: str, *, csv_rows: bool) -> FactsError:
    """The file-encoding error for ``path``'s first byte that is not ``encoding`` text, located
    at its CSV row (``csv_rows``) or its line."""
    found: list[tuple[int, int, int]] = []  # (row or line, offset, byte)
    rows = 0

    def lines(handle: Iterator[bytes]) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        for number, raw in enumerate(handle, 1):
            try:
                yield decoder.decode(raw)
            except UnicodeDecodeError as exc:
                # A row is read as soon as its last line is: every row before this line is counted.
                found.append((rows + 1 if csv_rows else number, offset + exc.start, raw[exc.start]))
                return
            offset += len(raw)

    try:
        with open(path, "rb") as handle:
            if csv_rows:
                for rows, _ in enumerate(csv.reader(lines(handle)), 1):  # noqa: B007
                    pass
            else:
                for _ in lines(handle):
                    pass
    except (OSError, csv.Error):
        pass  # the reading that failed gave its own error: this one only locates it
    if not found:  # the file decodes now: it changed since it was read
        message = tr("file-encoding", "not {encoding} text", encoding=encoding)
        return input_error(path, message, "file-encoding")
    line, offset, byte = found[0]
    message = tr(
        "file-encoding",
        "not {encoding} text (byte 0x{byte:02x} at offset {offset}), unlike the text before it; "
        "save the whole file as UTF-8 (另存为 → 编码 UTF-8)",
        encoding=_named(encoding),
        byte=byte,
        offset=offset,
    )
    return input_error(path, message, "file-encoding", line=line)


def _named(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030"}.get(encoding, encoding)
