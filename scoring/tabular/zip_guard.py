"""Opening an .xlsx or .docx file (a zip of XML parts) only after its sizes are checked.

A zip states how many files it holds and how large each unpacks before anything is unpacked, and
Python's ``zipfile`` never unpacks more than the stated size (a part that would is a bad CRC). So
the counts and sizes are checked against ``TableLimits`` first — the number of entries from the
end-of-directory record even before ``zipfile`` reads the directory, so that a zip of a million
empty entries costs nothing — and a zip bomb (1 GB of spaces in a 1 MB file) is refused in
microseconds with a ``table-too-large`` problem naming the part, never unpacked.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

from ..errors import Problem
from ..i18n import tr
from .sheet import TableError
from .table_limits import TableLimits

__all__ = ["UNPACK_ERRORS", "damaged", "dtd_refused", "megabytes", "open_zip", "refuse_dtd"]

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD_SIZE = 22
_TAIL = _EOCD_SIZE + 0xFFFF  # the record and the longest zip comment
_RATIO_FLOOR = 1 << 20  # parts unpacking to less than 1 MB may compress as well as they like
_PROLOG = 4096  # a DTD comes before the root element, within the first bytes of a part


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def open_zip(file: str, limits: TableLimits, what: str) -> zipfile.ZipFile:
    """The zip, once its entry count, part sizes and compression ratios are within ``limits``.

    ``what`` names the expected document in messages (".xlsx workbook", ".docx document").
    """
    entries = _stated_entries(file, what)
    if entries > limits.zip_entries:
        raise TableError.at(
            tr(
                "table-too-large",
                "holds {entries:,} files; a {what} has a few dozen (limit {limit:,}, raise "
                "the limits with --max-cells if the file is genuine)",
                entries=entries,
                what=what,
                limit=limits.zip_entries,
            ),
            "table-too-large",
            file=file,
        )
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise TableError.at(
            tr(
                "table-format",
                "not a readable {what} (a damaged zip: {reason})",
                what=what,
                reason=exc,
            ),
            "table-format",
            file=file,
        ) from None
    try:
        _check_sizes(archive, file, limits)
    except TableError:
        archive.close()
        raise
    return archive


def _stated_entries(file: str, what: str) -> int:
    """The entry count the end-of-central-directory record states (zip64 included)."""
    with open(file, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        start = max(0, size - _TAIL)
        handle.seek(start)
        tail = handle.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < _EOCD_SIZE:
            raise TableError.at(
                tr(
                    "table-format",
                    "not a readable {what} (no zip directory: the file is cut short or is "
                    "not a zip)",
                    what=what,
                ),
                "table-format",
                file=file,
            )
        (entries,) = struct.unpack_from("<H", tail, at + 10)
        if entries != 0xFFFF or at < 20 or tail[at - 20 : at - 16] != _EOCD64_LOCATOR:
            return int(entries)
        # Zip64: the locator before the record points at the zip64 record holding the count.
        (offset,) = struct.unpack_from("<Q", tail, at - 20 + 8)
        if offset + 56 > size:
            return int(entries)
        handle.seek(offset)
        record = handle.read(56)
        if record[:4] != b"PK\x06\x06":
            return int(entries)
        (count,) = struct.unpack_from("<Q", record, 32)
        return int(count)


def _check_sizes(archive: zipfile.ZipFile, file: str, limits: TableLimits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.zip_entries:
        raise TableError.at(
            tr(
                "table-too-large",
                "holds {entries:,} files (limit {limit:,}, raise the limits with --max-cells "
                "if the file is genuine)",
                entries=len(infos),
                limit=limits.zip_entries,
            ),
            "table-too-large",
            file=file,
        )
    problems: list[Problem] = []
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.part_bytes:
            problems.append(
                Problem(
                    tr(
                        "table-too-large",
                        "unpacks to {size}, over the {limit} limit for one part (raise the "
                        "limits with --max-cells if the file is genuine)",
                        size=megabytes(info.file_size),
                        limit=megabytes(limits.part_bytes),
                    ),
                    "table-too-large",
                    file=file,
                    path=info.filename,
                )
            )
        elif info.file_size > _RATIO_FLOOR and (
            info.file_size > limits.zip_ratio * max(info.compress_size, 1)
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            problems.append(
                Problem(
                    tr(
                        "table-too-large",
                        "unpacks {ratio:,} times larger than it is packed (limit {limit}): a zip "
                        "bomb, not a table",
                        ratio=ratio,
                        limit=limits.zip_ratio,
                    ),
                    "table-too-large",
                    file=file,
                    path=info.filename,
                )
            )
    if not problems and total > limits.total_bytes:
        problems.append(
            Problem(
                tr(
                    "table-too-large",
                    "unpacks to {size} in all, over the {limit} limit (raise the limits with "
                    "--max-cells if the file is genuine)",
                    size=megabytes(total),
                    limit=megabytes(limits.total_bytes),
                ),
                "table-too-large",
                file=file,
            )
        )
    if problems:
        raise TableError(problems)


def refuse_dtd(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse a part with a DTD (``<!DOCTYPE``), the door to entity bombs and external entities,
    for readers that hand the parts to a parser of their own (python-docx, openpyxl)."""
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(info) as stream:
                    head = stream.read(_PROLOG)
            except UNPACK_ERRORS as exc:
                raise damaged(file, info.filename, exc) from None
            if b"<!DOCTYPE" in head:
                raise TableError.at(dtd_refused(), "table-xml", file=file, path=info.filename)


# What unpacking a damaged part raises (RuntimeError: an encrypted zip entry, for which zipfile
# asks a password).
UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError)


def damaged(file: str, part: str, reason: Exception) -> TableError:
    """The error of a part that cannot be unpacked."""
    return TableError.at(
        tr("table-format", "cannot be unpacked ({reason}); the file is damaged", reason=reason),
        "table-format",
        file=file,
        path=part,
    )


def dtd_refused() -> str:
    """What is said of a part with a DTD, whichever reader finds it."""
    return tr("table-xml", "has a DTD (<!DOCTYPE …>), which no Office file has: refused unread")
