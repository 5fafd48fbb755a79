"""Opening batch inputs: a folder of facts files, facts files, CSV, XLSX or JSON Lines.

Each input is checked before any record is scored (the file opens, its header resolves), so a typo
in the header of the third file does not cost a long run. Then ``records()`` streams the input as
raw records — one row, one line or one path at a time — so memory does not grow with the input.
A problem with a whole file (unreadable, bad header, not UTF-8 or GB18030 text) is raised as a
``FactsError`` naming the file; a problem with one record is left to its converter.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import importlib
import os
import zipfile
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from ..compiled import Spec
from ..errors import FactsError, Problem, UsageError
from .column_map import build_column_map
from .columns import is_empty
from .csv_blocks import CsvBlock, csv_blocks
from .records import (
    Converter,
    FactsFileConverter,
    JsonLineConverter,
    RawRecord,
    RowConverter,
    input_error,
)
from .undecodable import undecodable

__all__ = ["FACTS_SUFFIXES", "Input", "open_inputs"]

FACTS_SUFFIXES = (".yaml", ".yml", ".json")
CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
_SNIFF_BYTES = 1 << 16
_ASCII = bytes(range(128))


@dataclass(frozen=True)
class Input:
    """One checked input: its converter and how to stream its raw records again."""

    path: str
    kind: str  # folder, facts, csv, xlsx, jsonl
    converter: Converter
    count: int | None  # number of records when known without reading the data (folders, files)
    _options: tuple[Any, ...] = ()
    header_row: int = 1  # a CSV's header: its record number (blank rows before it count)

    def records(self) -> Iterator[RawRecord]:
        return _READERS[self.kind](self.path, *self._options)

    def blocks(self, size: int) -> Iterator[CsvBlock] | None:
        """For a CSV input, its records as undecoded blocks of about ``size`` records, for
        workers to parse (``parse_block``); None for other inputs."""
        if self.kind != "csv":
            return None
        return csv_blocks(self.path, self._options[0], size, self.header_row)


def open_inputs(
    spec: Spec, paths: Sequence[str], *, id_column: str | None = None, sheet: str | None = None
) -> list[Input]:
    """Check every input; raise one FactsError with the problems of all of them."""
    opened: list[Input] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            opened.append(_open(spec, path, id_column, sheet))
        except FactsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FactsError(problems)
    return opened


def _open(spec: Spec, path: str, id_column: str | None, sheet: str | None) -> Input:
    if os.path.isdir(path):
        files = _facts_files(path, spec.file)
        if not files:
            raise input_error(
                path, "no facts files (.yaml, .yml, .json) in this folder", "batch-empty-folder"
            )
        return Input(path, "folder", FactsFileConverter(path), len(files), (tuple(files),))
    if not os.path.exists(path):
        raise input_error(path, "no such file", "file-unreadable")
    suffix = Path(path).suffix.casefold()
    if suffix in FACTS_SUFFIXES:
        return Input(path, "facts", FactsFileConverter(), 1, ((path,),))
    if suffix in CSV_SUFFIXES:
        encoding = _sniff_encoding(path)
        row, header = _csv_header(path, encoding)
        cmap, problems = build_column_map(spec, header, file=path, row=row, id_column=id_column)
        if cmap is None:
            raise FactsError(problems)
        return Input(path, "csv", RowConverter(cmap), None, (encoding,), header_row=row)
    if suffix in XLSX_SUFFIXES:
        header, sheet_name = _xlsx_header(path, sheet)
        cmap, problems = build_column_map(spec, header, file=path, id_column=id_column)
        if cmap is None:
            raise FactsError(problems)
        return Input(path, "xlsx", RowConverter(cmap, strict_width=False), None, (sheet_name,))
    if suffix in JSONL_SUFFIXES:
        encoding = _sniff_encoding(path)
        return Input(path, "jsonl", JsonLineConverter(path, id_column), None, (encoding,))
    if suffix == ".xls":
        raise UsageError(f"{path}: the old .xls format is not read; save it as .xlsx or .csv")
    raise UsageError(
        f"{path}: unknown input type {suffix or '(no extension)'!r}; expected a folder, "
        ".csv, .xlsx, .jsonl or facts files (.yaml, .yml, .json)"
    )


# ---- folders and facts files -------------------------------------------------------------------
def _facts_files(folder: str, spec_file: str) -> list[str]:
    """Facts files under ``folder``, sorted by path; hidden entries and the spec itself skipped."""
    found: list[str] = []
    spec_path = os.path.abspath(spec_file)
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(root, name)
            if (
                not name.startswith(".")
                and name.casefold().endswith(FACTS_SUFFIXES)
                and os.path.abspath(path) != spec_path
            ):
                found.append(path)
    return found


def _list_records(path: str, files: tuple[str, ...]) -> Iterator[RawRecord]:
    yield from enumerate(files, 1)


# ---- CSV ------------------------------------------------------------------------------------------
def _sniff_encoding(path: str) -> str:
    """UTF-8 (with or without BOM) or GB18030, which Excel on a Chinese Windows writes; judged on
    the first text that is not ASCII, wherever it is (ASCII reads the same in both)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
            if head.startswith(codecs.BOM_UTF8):
                return "utf-8-sig"
            sample = _first_non_ascii(handle, head)
    except OSError as exc:
        raise input_error(path, f"cannot read: {exc.strerror}", "file-unreadable") from None
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise input_error(path, "not UTF-8 or GB18030 text", "file-encoding")


def _first_non_ascii(handle: IO[bytes], head: bytes) -> bytes:
    """About _SNIFF_BYTES of the file from its first byte that is not ASCII (b"" if there is
    none). A file whose first rows are all ASCII (ids, amounts) was judged on them alone, and a
    GB18030 file was then read as UTF-8 and refused at its first Chinese cell."""
    piece = head
    while piece.isascii():
        piece = handle.read(_SNIFF_BYTES)
        if not piece:
            return b""
    start = len(piece) - len(piece.lstrip(_ASCII))
    sample = piece[start:]
    if len(sample) < _SNIFF_BYTES:
        sample += handle.read(_SNIFF_BYTES - len(sample))
    return sample


def _csv_header(path: str, encoding: str) -> tuple[int, list[str]]:
    rows = _csv_rows(path, encoding)
    try:
        for number, row in rows:
            return number, row
    finally:
        rows.close()
    raise input_error(path, "empty file: expected a header row", "batch-no-header", line=1)


def _csv_rows(path: str, encoding: str) -> Generator[tuple[int, list[str]], None, None]:
    """Rows with their number as a spreadsheet shows it (the header is row 1); blank rows skipped."""
    number = 0
    try:
        with open(path, encoding=encoding, newline="") as handle:
            for number, row in enumerate(csv.reader(handle, strict=True), 1):
                # A first cell with text (the usual id) settles it without looking further.
                if (row and row[0].strip()) or any(cell.strip() for cell in row):
                    yield number, row
    except UnicodeDecodeError:
        raise undecodable(path, encoding, csv_rows=True) from None
    except csv.Error as exc:
        raise input_error(
            path, f"broken CSV after row {number}: {exc}", "csv-syntax", line=number + 1
        ) from None
    except OSError as exc:
        raise input_error(path, f"cannot read: {exc.strerror}", "file-unreadable") from None


def _csv_records(path: str, encoding: str) -> Iterator[RawRecord]:
    rows = _csv_rows(path, encoding)
    next(rows, None)  # the header, checked when the input was opened
    yield from rows


# ---- XLSX -----------------------------------------------------------------------------------------
def _open_workbook(path: str) -> Any:
    # Imported when needed (only XLSX users pay for it), through importlib so that type checking
    # needs no openpyxl stubs: the few calls here are covered by the tests instead.
    openpyxl: Any = importlib.import_module("openpyxl")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "not an .xlsx workbook"
        raise input_error(path, f"cannot read: {reason}", "file-unreadable") from None


def _sheet(workbook: Any, path: str, sheet: str | None) -> Any:
    if sheet is None:
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        names = "、".join(workbook.sheetnames)
        raise input_error(path, f"no sheet {sheet!r}; the sheets are {names}", "batch-sheet")
    return workbook[sheet]


def _xlsx_header(path: str, sheet: str | None) -> tuple[list[Any], str]:
    workbook = _open_workbook(path)
    try:
        worksheet = _sheet(workbook, path, sheet)
        for row in worksheet.iter_rows(min_row=1, max_row=1, values_only=True):
            if any(not is_empty(cell) for cell in row):
                return list(row), str(worksheet.title)
        raise input_error(path, "row 1 is empty: expected a header row", "batch-no-header", line=1)
    finally:
        workbook.close()


def _cell(value: Any) -> Any:
    """Spreadsheet cell → what a facts file would hold: exact decimals, dates as text."""
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: 0.9914, not 0.99139999…
        return int(value) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def _xlsx_records(path: str, sheet: str) -> Iterator[RawRecord]:
    workbook = _open_workbook(path)
    try:
        worksheet = workbook[sheet]
        for number, row in enumerate(worksheet.iter_rows(min_row=2, values_only=True), 2):
            if any(not is_empty(cell) for cell in row):
                yield number, [_cell(cell) for cell in row]
    finally:
        workbook.close()


# ---- JSON Lines -----------------------------------------------------------------------------------
def _jsonl_records(path: str, encoding: str) -> Iterator[RawRecord]:
    number = 0
    try:
        with open(path, encoding=encoding) as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield number, line
    except UnicodeDecodeError:
        raise undecodable(path, encoding, csv_rows=False) from None
    except OSError as exc:
        raise input_error(path, f"cannot read: {exc.strerror}", "file-unreadable") from None


_READERS: dict[str, Callable[..., Iterator[RawRecord]]] = {
    "folder": _list_records,
    "facts": _list_records,
    "csv": _csv_records,
    "xlsx": _xlsx_records,
    "jsonl": _jsonl_records,
}
