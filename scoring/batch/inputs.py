"""Opening batch inputs: a folder of facts files, facts files, CSV, XLSX, JSON Lines, Parquet, or
a database query (``sql.SqlQuery``).

Each input is checked before any record is scored (the file opens, its header resolves), so a typo
in the header of the third file does not cost a long run. Then ``records()`` streams the input as
raw records — one row, one line or one path at a time — so memory does not grow with the input.
A problem with a whole file (unreadable, bad header, not UTF-8 or GB18030 text) is raised as a
``FactsError`` naming the file; a problem with one record is left to its converter. Parquet files
and queries are read by ``parquet`` and ``sql``, imported only for them.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import functools
import importlib
import itertools
import os
import zipfile
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import FactsError, Problem, UsageError
from ..i18n import tr, ui
from ..spec.compiled import Spec
from .column_map import build_column_map
from .columns import is_empty
from .lines import Unreadable, csv_records, text_lines
from .records import (
    Converter,
    FactsFileConverter,
    JsonLineConverter,
    OutsideCell,
    RawRecord,
    RowConverter,
    input_error,
)
from .undecodable import undecodable

if TYPE_CHECKING:
    from .sql import SqlQuery

__all__ = ["FACTS_SUFFIXES", "Input", "check_chunk_size", "open_inputs"]

FACTS_SUFFIXES = (".yaml", ".yml", ".json")
CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".pq")
_SNIFF_BYTES = 1 << 16
_BATCH_CELLS = 1_048_576 * 16  # an .xlsx sheet's rows, 16 columns each: what a batch may stream
_ASCII = bytes(range(128))


@dataclass(frozen=True)
class Input:
    """One checked input: its converter and how to stream its raw records again."""

    path: str
    kind: str  # folder, facts, csv, xlsx, jsonl, parquet, sql
    converter: Converter
    count: int | None  # number of records when known without reading the data (folders, files)
    _options: tuple[Any, ...] = ()
    header_row: int = 1  # a CSV's header: its record number (blank rows before it count)

    def records(self) -> Iterator[RawRecord]:
        columns = self.columns()
        if columns is not None:  # a Parquet file's or a query's rows, numbered from 2
            from .parquet import FIRST_ROW, rows_of  # only for them, as the readers

            return enumerate((row for batch in columns for row in rows_of(batch)), FIRST_ROW)
        return _READERS[self.kind](self.path, *self._options)

    def chunks(self, size: int) -> Iterator[list[RawRecord]]:
        """``records`` in runs of ``size`` (the last one shorter), in order."""
        records = self.records()
        while chunk := list(itertools.islice(records, size)):
            yield chunk

    def columns(self) -> Iterator[list[list[Any]]] | None:
        """A Parquet file's or a query's rows as typed columns, a batch at a time (the rows
        ``records`` gives, from row 2, without making rows); None for other inputs."""
        reader = _COLUMNS.get(self.kind)
        return None if reader is None else reader(self.path, *self._options)


def open_inputs(
    spec: Spec,
    paths: Sequence[str | SqlQuery],
    *,
    id_column: str | None = None,
    sheet: str | None = None,
) -> list[Input]:
    """Check every input (a path, or a database query); raise one FactsError with the problems
    of all of them."""
    opened: list[Input] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            if isinstance(path, str):
                opened.append(_open(spec, path, id_column, sheet))
            else:
                opened.append(_open_query(spec, path, id_column))
        except FactsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FactsError(problems)
    return opened


def _open(spec: Spec, path: str, id_column: str | None, sheet: str | None) -> Input:
    if os.path.isdir(path):
        files = _facts_files(path, spec.file)
        if not files:
            message = tr("batch-empty-folder", "no facts files (.yaml, .yml, .json) in this folder")
            raise input_error(path, message, "batch-empty-folder")
        return Input(path, "folder", FactsFileConverter(path), len(files), (tuple(files),))
    if not os.path.exists(path):
        raise input_error(path, tr("file-unreadable", "no such file"), "file-unreadable")
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
        converter = RowConverter(cmap, strict_width=False)
        return Input(path, "xlsx", converter, None, (sheet_name, cmap.width))
    if suffix in JSONL_SUFFIXES:
        encoding = _sniff_encoding(path)
        return Input(path, "jsonl", JsonLineConverter(path, id_column), None, (encoding,))
    if suffix in PARQUET_SUFFIXES:
        from .parquet import open_parquet

        converter, count = open_parquet(spec, path, id_column)
        return Input(path, "parquet", converter, count)
    if suffix == ".xls":
        raise UsageError(
            ui("{path}: the old .xls format is not read; save it as .xlsx or .csv", path=path)
        )
    raise UsageError(
        ui(
            "{path}: unknown input type {suffix!r}; expected a folder, .csv, .xlsx, .jsonl, "
            ".parquet or facts files (.yaml, .yml, .json)",
            path=path,
            suffix=suffix or ui("(no extension)"),
        )
    )


def _open_query(spec: Spec, query: SqlQuery, id_column: str | None) -> Input:
    from .sql import open_query

    return Input(query.label, "sql", open_query(spec, query, id_column), None, (query,))


def _unreadable(path: str, reason: str | None) -> FactsError:
    message = tr("file-unreadable", "cannot read: {reason}", reason=reason)
    return input_error(path, message, "file-unreadable")


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
        raise _unreadable(path, exc.strerror) from None
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise input_error(path, tr("file-encoding", "not UTF-8 or GB18030 text"), "file-encoding")


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
            if isinstance(row, Unreadable):  # the header is the file's: its problem is the file's
                message = (
                    tr("record-too-long", "the header row {problem}", problem=row.message)
                    if row.code == "record-too-long"
                    else tr("csv-syntax", "the header row {problem}", problem=row.message)
                )
                raise input_error(path, message, row.code, line=number)
            return number, row
    finally:
        rows.close()
    message = tr("batch-no-header", "empty file: expected a header row")
    raise input_error(path, message, "batch-no-header", line=1)


def _csv_rows(
    path: str, encoding: str
) -> Generator[tuple[int, list[str] | Unreadable], None, None]:
    """Rows with their number as a spreadsheet shows it (the header is row 1); blank rows skipped.
    A row too long or not valid CSV comes as an ``Unreadable``: its converter words the error."""
    try:
        with open(path, encoding=encoding, newline="") as handle:
            for number, row in enumerate(csv_records(handle), 1):
                # A first cell with text (the usual id) settles it without looking further.
                if (
                    isinstance(row, Unreadable)
                    or (row and row[0].strip())
                    or any(map(str.strip, row))
                ):
                    yield number, row
    except UnicodeDecodeError:
        raise undecodable(path, encoding, csv_rows=True) from None
    except OSError as exc:
        raise _unreadable(path, exc.strerror) from None


def _csv_records(path: str, encoding: str) -> Iterator[RawRecord]:
    rows = _csv_rows(path, encoding)
    next(rows, None)  # the header, checked when the input was opened
    yield from rows


# ---- XLSX -----------------------------------------------------------------------------------------
def _open_workbook(path: str) -> Any:
    # A zip is checked before openpyxl opens it (tabular.zip_guard): entry count, sizes and
    # compression ratio — a zip bomb is refused unread — and no part may have a DTD. The size
    # limits are a batch's (an input may be large), so the ratio is what stops a bomb here.
    _guard_zip(path)
    # Imported when needed (only XLSX users pay for it), through importlib so that type checking
    # needs no openpyxl stubs: the few calls here are covered by the tests instead.
    openpyxl: Any = importlib.import_module("openpyxl")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or ui("not an .xlsx workbook")
        raise _unreadable(path, reason) from None


def _guard_zip(path: str) -> None:
    from ..tabular.sheet import TableError
    from ..tabular.table_limits import TableLimits
    from ..tabular.zip_guard import open_zip, refuse_dtd

    try:
        with open(path, "rb") as handle:
            is_zip = handle.read(2) == b"PK"
        if is_zip:
            with open_zip(path, TableLimits(_BATCH_CELLS), ui(".xlsx workbook")) as archive:
                refuse_dtd(archive, path)
    except OSError:
        return  # openpyxl says what is wrong with the file, as for any unreadable input
    except TableError as exc:
        raise FactsError(exc.problems) from None


def _sheet(workbook: Any, path: str, sheet: str | None) -> Any:
    if sheet is None:
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        names = "、".join(workbook.sheetnames)
        message = tr(
            "batch-sheet", "no sheet {sheet!r}; the sheets are {names}", sheet=sheet, names=names
        )
        raise input_error(path, message, "batch-sheet")
    return workbook[sheet]


def _xlsx_header(path: str, sheet: str | None) -> tuple[list[Any], str]:
    workbook = _open_workbook(path)
    try:
        worksheet = _sheet(workbook, path, sheet)
        for number, cells in _sheet_rows(workbook, worksheet, path):
            header = _row_of(cells, None) if number == 1 else []
            if any(not is_empty(cell) for cell in header):
                return header, str(worksheet.title)
            break
        message = tr("batch-no-header", "row 1 is empty: expected a header row")
        raise input_error(path, message, "batch-no-header", line=1)
    finally:
        workbook.close()


@functools.cache
def _tolerant_parser() -> Any:
    """openpyxl's sheet parser, except that a cell it cannot convert (a number of 5,000 digits,
    which ``int`` refuses; ``NaN`` in a number cell) gives the text written in it, read then as a
    CSV cell would be, instead of stopping the whole sheet (a shared text that is not there gives
    ``#REF!``); a row whose number is not one is taken for the next row."""
    reader: Any = importlib.import_module("openpyxl.worksheet._reader")

    class Parser(reader.WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            counter: int = self.col_counter  # type: ignore[has-type]
            try:
                return super().parse_cell(element)  # type: ignore[no-any-return]
            except Exception:  # noqa: BLE001 (any cell openpyxl cannot read: its text)
                self.col_counter = counter + 1
                column = self.col_counter
                with contextlib.suppress(Exception):
                    column = reader.coordinate_to_tuple(element.get("r"))[1]
                text = element.findtext(reader.VALUE_TAG, None)
                if element.get("t") == "s":  # the number of a shared text that is not there
                    text = "#REF!"  # as Excel shows a reference to nothing
                return {"row": self.row_counter, "column": column, "value": text}

        def parse_row(self, row: Any) -> tuple[int, list[dict[str, Any]]]:
            try:
                return super().parse_row(row)  # type: ignore[no-any-return]
            except Exception:  # noqa: BLE001 (a row number that is not one: the next row)
                self.row_counter += 1
                self.col_counter = 0
                return self.row_counter, [self.parse_cell(cell) for cell in row]

    return Parser


def _sheet_rows(workbook: Any, worksheet: Any, path: str) -> Iterator[tuple[int, list[Any]]]:
    """The rows the sheet's XML holds, as (number, cells), read as they come: the sheet's stated
    dimension (which may claim 1,048,576 rows, or 16,384 columns) is not used."""
    parser = _tolerant_parser()
    try:
        with worksheet._get_source() as source:
            rows = parser(
                source,
                worksheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            ).parse()
            yield from rows
    except FactsError:
        raise
    except Exception as exc:  # noqa: BLE001 (XML that is not a sheet: the file is broken)
        reason = type(exc).__name__ if isinstance(exc, RecursionError) else str(exc)[:200]
        message = tr(
            "file-unreadable",
            "cannot read sheet {sheet!r}: {reason}",
            sheet=worksheet.title,
            reason=reason,
        )
        raise input_error(path, message, "file-unreadable") from None


def _row_of(cells: list[dict[str, Any]], width: int | None) -> list[Any]:
    """A row's cells by column, the first ``width`` (all, for None); a value right of them is kept
    as one ``OutsideCell``, for the row's error."""
    last = max((cell["column"] for cell in cells), default=0)
    size = last if width is None else min(last, width)
    row: list[Any] = [None] * size
    outside = None
    for cell in cells:
        column, value = cell["column"], cell["value"]
        if 1 <= column <= size:
            row[column - 1] = _cell(value)
        elif outside is None and column > size and not is_empty(value):
            outside = OutsideCell(column, _cell(value))
    if outside is not None:
        row.extend([None] * (size - len(row)))
        row.append(outside)
    return row


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


def _xlsx_records(path: str, sheet: str, width: int) -> Iterator[RawRecord]:
    workbook = _open_workbook(path)
    try:
        worksheet = workbook[sheet]
        for number, cells in _sheet_rows(workbook, worksheet, path):
            if number >= 2:
                row = _row_of(cells, width)
                if any(not is_empty(cell) for cell in row):
                    yield number, row
    finally:
        workbook.close()


# ---- JSON Lines -----------------------------------------------------------------------------------
def _jsonl_records(path: str, encoding: str) -> Iterator[RawRecord]:
    try:
        with open(path, encoding=encoding) as handle:
            for number, line in enumerate(text_lines(handle), 1):
                if isinstance(line, Unreadable) or line.strip():
                    yield number, line
    except UnicodeDecodeError:
        raise undecodable(path, encoding, csv_rows=False) from None
    except OSError as exc:
        raise _unreadable(path, exc.strerror) from None


def _parquet_columns(path: str) -> Iterator[list[list[Any]]]:
    from .parquet import parquet_columns

    return parquet_columns(path)


def _query_columns(label: str, query: SqlQuery) -> Iterator[list[list[Any]]]:
    from .sql import query_columns

    return query_columns(query)


_COLUMNS: dict[str, Callable[..., Iterator[list[list[Any]]]]] = {
    "parquet": _parquet_columns,
    "sql": _query_columns,
}
_READERS: dict[str, Callable[..., Iterator[RawRecord]]] = {
    "folder": _list_records,
    "facts": _list_records,
    "csv": _csv_records,
    "xlsx": _xlsx_records,
    "jsonl": _jsonl_records,
}


def check_chunk_size(size: int) -> None:
    """A library caller's ``chunk_size`` below 1 is a ValueError, raised by the entry points
    before anything is read: ``Input.chunks`` would give runs of no record, and the output would
    be silently empty."""
    if size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {size}")
