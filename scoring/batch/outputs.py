"""Writing batch results: CSV, JSON Lines, XLSX or Parquet, chosen by the output file's extension,
or a database table (``sql.TableTarget``, ``--to-table``).

Rows arrive as lists of strings (numbers already in fixed-point text) and are written as they come.
Everything goes to a temporary file beside the output (``output_files.AtomicFile``), flushed to
disk and moved into place only when the whole input was read: a run stopped by a broken input
file, a full disk or Ctrl-C leaves the previous output as it was and no temporary file behind.
Text from the inputs (record ids, error messages) goes through ``channels``: formula-like CSV
cells get a leading ``'``, XLSX cells are typed text with Excel's quote prefix and only the
characters XML can hold, JSON strings escape every control character.

* CSV: UTF-8 with a BOM, so Excel opens the Chinese text correctly; empty cells for no value.
* JSON Lines: one object per record; scores are JSON numbers written digit for digit, absent
  values (a not-applicable 一级指标, the scores of a failed record) and an empty error are null.
* XLSX: one sheet for people to read: Chinese headers (项目编号, 项目名称, 总分, 等级, each
  一级指标, 错误, 来源 — ``XLSX_HEADERS``), scores as numbers shown with the spec's places (``0.00``), columns
  sized to their content, the header row frozen; at most 1,048,575 records (Excel's row limit).
  CSV, JSON Lines and Parquet keep the column names programs read (``id``, ``name``, ``total`` …).
"""

from __future__ import annotations

import codecs
import csv
import importlib
import io
import json
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from ..errors import Problem, ScoringError, UsageError
from ..i18n import tr, ui
from ..writing.channels import (
    FORMULA_START,
    is_formula_like,
    json_safe,
    json_string,
    spreadsheet_cell,
    xlsx_text,
)
from ..writing.files import CREATOR, AtomicFile, check_folder, unwritable

if TYPE_CHECKING:
    from .sql import TableTarget

__all__ = [
    "OUTPUT_SUFFIXES",
    "XLSX_HEADERS",
    "CsvFormat",
    "JsonLinesFormat",
    "RowFormat",
    "Writer",
    "check_output",
    "open_writer",
    "row_format",
    "unwritable",
]

TEXT_ENCODING = "utf-8"  # of CSV (which starts with a BOM, for Excel) and JSON Lines
OUTPUT_SUFFIXES = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".parquet": "parquet",  # parquet.ParquetWriter (pyarrow, an optional dependency)
}
XLSX_MAX_RECORDS = 1_048_575
# The XLSX header of each fixed column (the 一级指标 columns are named by their indicators).
XLSX_HEADERS = {
    "id": "项目编号",
    "name": "项目名称",
    "total": "总分",
    "grade": "等级",
    "total_percentile": "总分百分位",  # jixiao batch --peers
    "error": "错误",
    "source": "来源",
}
# Column widths in Excel's units (a CJK character is two): the error column is the widest and
# wraps; a score column fits "100.00" or its 一级指标's name.
_XLSX_WIDTHS = {"id": 24, "name": 40, "total": 9, "grade": 7, "error": 80, "source": 32}


class Writer(Protocol):
    # How rows become text, for workers to format their own (None: rows must come as rows).
    format: RowFormat | None

    def write(self, rows: list[list[str]]) -> None: ...
    def write_encoded(self, data: bytes) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


def check_output(path: str | TableTarget) -> str:
    """The output format for ``path``; a usage error for an unknown extension or missing folder
    (a table: for a name that is not one, or a table that exists and may not be replaced)."""
    if not isinstance(path, str):
        path.check()
        return "table"
    kind = OUTPUT_SUFFIXES.get(Path(path).suffix.casefold())
    if kind is None:
        raise UsageError(
            ui(
                "{path}: unknown output type; name the output .csv, .jsonl, .xlsx or .parquet",
                path=path,
            )
        )
    check_folder(path)
    return kind


def open_writer(
    path: str | TableTarget, columns: tuple[str, ...], numeric: tuple[int, ...], places: int = 2
) -> Writer:
    """A writer of rows to ``path``; ``places``: the decimals an XLSX shows its scores with (and
    a Parquet file or a table stores them with)."""
    if not isinstance(path, str):
        from .sql import TableWriter

        return TableWriter(path, columns, numeric, places)
    kind = check_output(path)
    if kind == "parquet":
        from .parquet import ParquetWriter

        return ParquetWriter(path, columns, numeric, places)
    output = AtomicFile(path)
    text = row_format(path, columns, numeric)
    if text is None:
        return _XlsxWriter(output, columns, numeric, places)
    writer = _TextWriter(output, text)
    if kind == "csv":
        header = io.StringIO()
        csv.writer(header).writerow(columns)  # the header is ours: no formula guard
        writer.write_encoded(codecs.BOM_UTF8 + header.getvalue().encode(TEXT_ENCODING))
    return writer


class _FileWriter:
    def __init__(self, output: AtomicFile) -> None:
        self.output = output
        self.path = output.path

    def _save(self) -> None:
        """Write what is still held in memory to the temporary file (XLSX)."""

    def commit(self) -> None:
        try:
            self._save()
        except OSError as exc:
            self.output.abort()
            raise unwritable(self.path, exc) from None
        self.output.commit()

    def abort(self) -> None:
        self.output.abort()


@dataclass(frozen=True)
class CsvFormat:
    """Rows → CSV text. Small and picklable: ``--workers`` format their rows themselves and the
    main process only writes the text."""

    text_columns: tuple[int, ...]

    def format(self, rows: list[list[str]]) -> str:
        # Record ids and messages come from the input: formula-like cells get a leading "'".
        for row in rows:
            for i in self.text_columns:
                if row[i].startswith(FORMULA_START):  # the cheap test first: most cells pass
                    row[i] = spreadsheet_cell(row[i])
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
        return json_safe("".join(lines))  # control characters and bidi overrides escaped


RowFormat = CsvFormat | JsonLinesFormat


class _TextWriter(_FileWriter):
    """A text output: rows formatted by ``format``, or text a worker formatted and encoded
    already (bytes travel back from a worker and are written with no decoding or encoding)."""

    def __init__(self, output: AtomicFile, format: RowFormat) -> None:
        super().__init__(output)
        self.format: RowFormat | None = format

    def write(self, rows: list[list[str]]) -> None:
        assert self.format is not None
        self.output.write(self.format.format(rows).encode(TEXT_ENCODING))  # once per chunk

    def write_encoded(self, data: bytes) -> None:
        self.output.write(data)


def row_format(
    path: str | TableTarget, columns: tuple[str, ...], numeric: tuple[int, ...]
) -> RowFormat | None:
    """How rows become the text of the output ``path``; None for XLSX, Parquet and tables (typed
    cells: workers send rows back)."""
    if not isinstance(path, str):
        return None
    kind = OUTPUT_SUFFIXES.get(Path(path).suffix.casefold())
    if kind == "csv":
        return CsvFormat(tuple(i for i in range(len(columns)) if i not in numeric))
    if kind == "jsonl":
        keys = tuple(json_string(column) + ": " for column in columns)
        return JsonLinesFormat(keys, frozenset(numeric))
    return None


class _XlsxWriter(_FileWriter):
    format: RowFormat | None = None  # cells are typed here, from rows

    def write_encoded(self, data: bytes) -> None:
        raise TypeError("an .xlsx output takes rows, not text")

    def __init__(
        self,
        output: AtomicFile,
        columns: tuple[str, ...],
        numeric: tuple[int, ...],
        places: int = 2,
    ) -> None:
        # Imported when needed, through importlib so that type checking needs no stubs.
        openpyxl: Any = importlib.import_module("openpyxl")

        super().__init__(output)
        self.cell_class = openpyxl.cell.WriteOnlyCell
        self.book: Any = openpyxl.Workbook(write_only=True)
        self.book.properties.creator = CREATOR  # so that a re-run may replace it
        self.sheet: Any = self.book.create_sheet("评分结果")
        self.numeric = frozenset(numeric)
        self._layout(openpyxl, columns)
        # One style for every score cell, shared: setting a number format cell by cell costs
        # as much again as writing the row.
        proto = self.cell_class(self.sheet, value=0)
        proto.number_format = "0" if places <= 0 else "0." + "0" * places
        self.score_style = proto._style
        self.count = 0
        self.saved = False

    def _layout(self, openpyxl: Any, columns: tuple[str, ...]) -> None:
        """Widths, a frozen bold header row in Chinese; set before any row (write-only)."""
        letter = openpyxl.utils.get_column_letter
        for index, column in enumerate(columns):
            header = XLSX_HEADERS.get(column, column)
            width = _XLSX_WIDTHS.get(column, max(9, _display_width(header) + 2))
            self.sheet.column_dimensions[letter(index + 1)].width = width
        self.sheet.freeze_panes = "A2"
        bold = openpyxl.styles.Font(bold=True)
        cells = []
        for column in columns:
            name = xlsx_text(XLSX_HEADERS.get(column, column))
            cell = self.cell_class(self.sheet, value=name)
            if is_formula_like(name):  # a 一级指标 named "=…" is a name, not a formula
                cell.data_type = "s"
            cell.font = bold
            cells.append(cell)
        self.sheet.append(cells)
        # The error cell wraps its lines (one problem a line), at the top of its row.
        self.error_column = columns.index("error") if "error" in columns else -1
        wrap = self.cell_class(self.sheet, value="")
        wrap.alignment = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
        self.error_style = wrap._style

    def write(self, rows: list[list[str]]) -> None:
        self.count += len(rows)
        if self.count > XLSX_MAX_RECORDS:
            message = tr(
                "xlsx-too-many-rows",
                "more than {limit:,} records do not fit an .xlsx sheet; write .csv or .jsonl "
                "instead",
                limit=XLSX_MAX_RECORDS,
            )
            raise ScoringError(Problem(message, "xlsx-too-many-rows", file=self.path))
        numeric, append, text, number = self.numeric, self.sheet.append, self._text, self._number
        error = self.error_column
        for row in rows:
            cells = [
                (number(cell) if cell else None) if i in numeric else text(cell)
                for i, cell in enumerate(row)
            ]
            if error >= 0 and cells[error] is not None:
                cells[error] = self._wrapped(cells[error])
            append(cells)

    def _wrapped(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value  # formula-like text (a cell) keeps its quote prefix over the wrap
        cell = self.cell_class(self.sheet, value=value)
        cell._style = self.error_style
        return cell

    def _number(self, value: str) -> Any:
        cell = self.cell_class(self.sheet, value=Decimal(value))
        cell._style = self.score_style
        return cell

    def _text(self, value: str) -> Any:
        if not value:
            return None
        value = xlsx_text(value)  # control characters are not allowed in XLSX
        if is_formula_like(value):
            cell = self.cell_class(self.sheet, value=value)
            cell.data_type = "s"  # text as written, never a formula
            cell.quotePrefix = True  # and still text when someone edits the cell
            return cell
        return value

    def _save(self) -> None:
        if not self.saved:
            self.saved = True
            sink = _Sink(self.output.open())
            self.book.save(sink)
            if sink.error is not None:
                raise sink.error


def _display_width(text: str) -> int:
    """Width in Excel's column units: a CJK (wide) character is two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Sink:
    """The temporary file as openpyxl's zip writer sees it. The first failure (a full disk) is
    kept and from then on nothing reaches the file, positions only counted, so the writer
    finishes cleanly — no half-closed zip complaining from the garbage collector — and the
    error is raised once, after it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.error: OSError | None = None
        self.position = 0

    def _failed(self, exc: OSError) -> None:
        if self.error is None:
            self.error = exc

    def write(self, data: bytes) -> int:
        if self.error is None:
            try:
                self.handle.write(data)
            except OSError as exc:
                self._failed(exc)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 0:
            self.position = offset
        elif whence == 1:
            self.position += offset
        else:
            raise OSError("seek from the end is not supported here")
        if self.error is None:
            try:
                self.handle.seek(self.position)
            except OSError as exc:
                self._failed(exc)
        return self.position

    def seekable(self) -> bool:
        return self.handle.seekable()  # not /dev/stdout or a pipe: zipfile then never seeks

    def flush(self) -> None:
        if self.error is None:
            try:
                self.handle.flush()
            except OSError as exc:
                self._failed(exc)
