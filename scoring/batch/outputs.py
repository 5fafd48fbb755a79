"""Writing batch results: CSV, JSON Lines or XLSX, chosen by the output file's extension.

Rows arrive as lists of strings (numbers already in fixed-point text) and are written as they come.
Everything goes to a temporary file beside the output, moved into place only when the whole input
was read: a run stopped by a broken input file leaves no half-written output behind.

* CSV: UTF-8 with a BOM, so Excel opens the Chinese text correctly; empty cells for no value.
* JSON Lines: one object per record; scores are JSON numbers written digit for digit, absent
  values (a not-applicable 一级指标, the scores of a failed record) and an empty error are null.
* XLSX: one sheet, scores as numbers; at most 1,048,575 records (Excel's row limit).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import importlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

from ..errors import Problem, ScoringError, UsageError

__all__ = [
    "OUTPUT_SUFFIXES",
    "CsvFormat",
    "JsonLinesFormat",
    "RowFormat",
    "Writer",
    "check_output",
    "open_writer",
    "row_format",
]

TEXT_ENCODING = "utf-8"  # of CSV (which starts with a BOM, for Excel) and JSON Lines
OUTPUT_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}
XLSX_MAX_RECORDS = 1_048_575


class Writer(Protocol):
    # How rows become text, for workers to format their own (None: rows must come as rows).
    format: RowFormat | None

    def write(self, rows: list[list[str]]) -> None: ...
    def write_encoded(self, data: bytes) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


def check_output(path: str) -> str:
    """The output format for ``path``; a usage error for an unknown extension or missing folder."""
    kind = OUTPUT_SUFFIXES.get(Path(path).suffix.casefold())
    if kind is None:
        raise UsageError(f"{path}: unknown output type; name the output .csv, .jsonl or .xlsx")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise UsageError(f"{path}: folder {folder} does not exist")
    return kind


def open_writer(path: str, columns: tuple[str, ...], numeric: tuple[int, ...]) -> Writer:
    kind = check_output(path)
    folder, name = os.path.split(os.path.abspath(path))
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    except OSError as exc:
        raise unwritable(path, exc) from None
    os.close(handle)
    text = row_format(path, columns, numeric)
    if text is None:
        return _XlsxWriter(path, temp, columns, numeric)
    writer = _TextWriter(path, temp, text)
    if kind == "csv":
        header = io.StringIO()
        csv.writer(header).writerow(columns)  # the header is ours: no formula guard
        writer.write_encoded(codecs.BOM_UTF8 + header.getvalue().encode(TEXT_ENCODING))
    return writer


def unwritable(path: str, exc: OSError) -> ScoringError:
    return ScoringError(Problem(f"cannot write: {exc.strerror}", "file-unwritable", file=path))


class _FileWriter:
    def __init__(self, path: str, temp: str) -> None:
        self.path = path
        self.temp = temp

    def _close(self) -> None:
        """Flush and close whatever holds the temporary file."""

    def commit(self) -> None:
        try:
            self._close()
            os.replace(self.temp, self.path)
        except OSError as exc:
            self.abort()
            raise unwritable(self.path, exc) from None

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._close()
        with contextlib.suppress(OSError):
            os.unlink(self.temp)


# A text cell starting with one of these is run as a formula by Excel and WPS (CSV injection):
# such cells (record ids and messages come from the input) are written with a leading "'".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvFormat:
    """Rows → CSV text. Small and picklable: ``--workers`` format their rows themselves and the
    main process only writes the text."""

    text_columns: tuple[int, ...]

    def format(self, rows: list[list[str]]) -> str:
        for row in rows:
            for i in self.text_columns:
                if row[i].startswith(_FORMULA_START):
                    row[i] = "'" + row[i]
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue()


@dataclass(frozen=True)
class JsonLinesFormat:
    """Rows → JSON Lines text (see ``CsvFormat``)."""

    keys: tuple[str, ...]
    numeric: frozenset[int]

    def format(self, rows: list[list[str]]) -> str:
        keys, numeric, dumps = self.keys, self.numeric, json.dumps
        lines = []
        for row in rows:
            # Numbers are fixed-point text from Decimal: written as is, they are exact JSON numbers.
            cells = [
                key
                + ((cell if i in numeric else dumps(cell, ensure_ascii=False)) if cell else "null")
                for i, (key, cell) in enumerate(zip(keys, row, strict=True))
            ]
            lines.append("{" + ", ".join(cells) + "}\n")
        return "".join(lines)


RowFormat = CsvFormat | JsonLinesFormat


class _TextWriter(_FileWriter):
    """A text output: rows formatted by ``format``, or text a worker formatted and encoded
    already (bytes travel back from a worker and are written with no decoding or encoding)."""

    def __init__(self, path: str, temp: str, format: RowFormat) -> None:
        super().__init__(path, temp)
        self.handle: IO[bytes] = open(temp, "wb")  # noqa: SIM115
        self.format: RowFormat | None = format

    def write(self, rows: list[list[str]]) -> None:
        assert self.format is not None
        self.handle.write(self.format.format(rows).encode(TEXT_ENCODING))  # once per chunk

    def write_encoded(self, data: bytes) -> None:
        self.handle.write(data)

    def _close(self) -> None:
        self.handle.close()


def row_format(path: str, columns: tuple[str, ...], numeric: tuple[int, ...]) -> RowFormat | None:
    """How rows become the text of the output ``path``; None for XLSX (typed cells)."""
    kind = OUTPUT_SUFFIXES.get(Path(path).suffix.casefold())
    if kind == "csv":
        return CsvFormat(tuple(i for i in range(len(columns)) if i not in numeric))
    if kind == "jsonl":
        keys = tuple(json.dumps(column, ensure_ascii=False) + ": " for column in columns)
        return JsonLinesFormat(keys, frozenset(numeric))
    return None


class _XlsxWriter(_FileWriter):
    format: RowFormat | None = None  # cells are typed here, from rows

    def write_encoded(self, data: bytes) -> None:
        raise TypeError("an .xlsx output takes rows, not text")

    def __init__(
        self, path: str, temp: str, columns: tuple[str, ...], numeric: tuple[int, ...]
    ) -> None:
        # Imported when needed, through importlib so that type checking needs no stubs.
        openpyxl: Any = importlib.import_module("openpyxl")
        cell: Any = importlib.import_module("openpyxl.cell.cell")

        super().__init__(path, temp)
        self.cell_class = openpyxl.cell.WriteOnlyCell
        self.illegal = cell.ILLEGAL_CHARACTERS_RE
        self.book: Any = openpyxl.Workbook(write_only=True)
        self.sheet: Any = self.book.create_sheet("评分结果")
        self.sheet.append(list(columns))
        self.numeric = frozenset(numeric)
        self.count = 0
        self.saved = False

    def write(self, rows: list[list[str]]) -> None:
        self.count += len(rows)
        if self.count > XLSX_MAX_RECORDS:
            raise ScoringError(
                Problem(
                    f"more than {XLSX_MAX_RECORDS:,} records do not fit an .xlsx sheet; "
                    "write .csv or .jsonl instead",
                    "xlsx-too-many-rows",
                    file=self.path,
                )
            )
        numeric, append, text = self.numeric, self.sheet.append, self._text
        for row in rows:
            append(
                [
                    (Decimal(cell) if cell else None) if i in numeric else text(cell)
                    for i, cell in enumerate(row)
                ]
            )

    def _text(self, value: str) -> Any:
        if not value:
            return None
        value = self.illegal.sub("", value)  # control characters are not allowed in XLSX
        if value.startswith("="):
            cell = self.cell_class(self.sheet, value=value)
            cell.data_type = "s"  # text as written, never a formula
            return cell
        return value

    def _close(self) -> None:
        if not self.saved:
            self.saved = True
            self.book.save(self.temp)
