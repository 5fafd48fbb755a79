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

import contextlib
import csv
import importlib
import io
import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

from ..errors import Problem, ScoringError, UsageError

__all__ = ["OUTPUT_SUFFIXES", "Writer", "check_output", "open_writer"]

OUTPUT_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}
XLSX_MAX_RECORDS = 1_048_575


class Writer(Protocol):
    def write(self, rows: list[list[str]]) -> None: ...
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
        raise _unwritable(path, exc) from None
    os.close(handle)
    if kind == "csv":
        return _CsvWriter(path, temp, columns, numeric)
    if kind == "jsonl":
        return _JsonLinesWriter(path, temp, columns, numeric)
    return _XlsxWriter(path, temp, columns, numeric)


def _unwritable(path: str, exc: OSError) -> ScoringError:
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
            raise _unwritable(self.path, exc) from None

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._close()
        with contextlib.suppress(OSError):
            os.unlink(self.temp)


# A text cell starting with one of these is run as a formula by Excel and WPS (CSV injection):
# such cells (record ids and messages come from the input) are written with a leading "'".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _CsvWriter(_FileWriter):
    def __init__(
        self, path: str, temp: str, columns: tuple[str, ...], numeric: tuple[int, ...]
    ) -> None:
        super().__init__(path, temp)
        self.handle: IO[str] = open(temp, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        # Rows are formatted into a buffer and the file written once per chunk: one encoding
        # call per chunk instead of one per row.
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.text_columns = tuple(i for i in range(len(columns)) if i not in numeric)
        self.writer.writerow(columns)
        self._flush()

    def write(self, rows: list[list[str]]) -> None:
        for row in rows:
            for i in self.text_columns:
                if row[i].startswith(_FORMULA_START):
                    row[i] = "'" + row[i]
        self.writer.writerows(rows)
        self._flush()

    def _flush(self) -> None:
        self.handle.write(self.buffer.getvalue())
        self.buffer.seek(0)
        self.buffer.truncate()

    def _close(self) -> None:
        self.handle.close()


class _JsonLinesWriter(_FileWriter):
    def __init__(
        self, path: str, temp: str, columns: tuple[str, ...], numeric: tuple[int, ...]
    ) -> None:
        super().__init__(path, temp)
        self.handle: IO[str] = open(temp, "w", encoding="utf-8")  # noqa: SIM115
        self.keys = [json.dumps(column, ensure_ascii=False) + ": " for column in columns]
        self.numeric = frozenset(numeric)

    def write(self, rows: list[list[str]]) -> None:
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
        self.handle.writelines(lines)

    def _close(self) -> None:
        self.handle.close()


class _XlsxWriter(_FileWriter):
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
