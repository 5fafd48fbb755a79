"""Parquet in and out for ``jixiao batch``, and the typed cells that columnar sources give.

A ``.parquet`` input is a table of flat records with the columns of a CSV input (``id``, fact ids
or labels, ``<indicator>.tier`` …). Its header is the file's schema, resolved once like a CSV's;
its rows are read a batch of rows at a time (``pyarrow.parquet.ParquetFile.iter_batches``), so
memory holds one batch whatever the file's size. Rows are numbered as a spreadsheet shows the
table under its header, as a CSV's are: the header is row 1 (``data.parquet:1:2`` is its second
column), the first record row 2. Typed cells are read as a spreadsheet's (``typed_column``): a
float by its shortest text (0.9914, never 0.99139999…), a decimal as the text it is written as
(``2.50``), a date as ISO text.

A ``.parquet`` output has the columns of the CSV output; scores are ``decimal128(38, places)``
(the spec's places; a percentile rank's two), exact, and absent values are null. Rows are
gathered into row groups of ``ROW_GROUP`` records, written through a temporary file
(``AtomicFile``) moved into place when the whole input was read, like every batch output.

pyarrow is an optional dependency (``pip install 'jixiao[sql]'``), imported only when a Parquet
file is read or written; without it, either is a located ``driver-missing`` error.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import FactsError, Problem
from ..i18n import tr
from ..spec.compiled import Spec
from ..writing.files import CREATOR, AtomicFile, unwritable
from .column_map import build_column_map
from .records import RowConverter, input_error

if TYPE_CHECKING:
    from .outputs import RowFormat

__all__ = [
    "BATCH_ROWS",
    "ROW_GROUP",
    "ParquetWriter",
    "open_parquet",
    "parquet_columns",
    "require",
    "score_scales",
    "typed_column",
]

BATCH_ROWS = 4096  # rows read at a time: a few MB of cells for a spec of 40 columns
ROW_GROUP = 65_536  # rows written per row group: what readers skip and read by
_PLAIN = frozenset({str, int, type(None)})
FIRST_ROW = 2  # a table's first record, under its header (row 1), as a CSV's
PERCENTILE_PLACES = 2  # a percentile rank (jixiao batch --peers) is shown to two places
# The optional dependencies of Parquet and the databases (pyproject.toml's extra ``sql``).
EXTRA = "jixiao[sql]"
EXTRA_PACKAGES = frozenset({"pyarrow", "duckdb", "sqlalchemy", "psycopg"})


def require(module: str, package: str, where: str) -> Any:
    """The module, imported; a located ``driver-missing`` error naming what to install if it is
    not installed (``where``: the file or database that needs it)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        message = tr(
            "driver-missing",
            "reading and writing this needs the Python package {package}, which is not "
            "installed; install it with: pip install '{install}'",
            package=package,
            install=EXTRA if package in EXTRA_PACKAGES else package,
        )
        raise FactsError(Problem(message, "driver-missing", file=where)) from None


# ---- typed cells --------------------------------------------------------------------------------
def typed_cell(value: Any) -> Any:
    """A cell of a typed column → what a facts file would hold: a float by its shortest text
    (an integral one as an int), a decimal as its text, dates and times as ISO text, bytes as
    UTF-8 text; integers, text and booleans as they are.

    What each kind gives is what lets the batch's compiled plan remember what each cell of a
    column gave (``fastrows``) as it does a CSV's texts: no two cells of one column that are
    equal (and so remembered as one) read differently. A column's cells have one type (SQLite's
    numbers are integers and floats, which become the int and the Decimal they are), except
    decimals, which may be written with different places (2.5 and 2.50 are equal, but a fact
    may allow one place): they are read as the text they are written as, as a CSV gives them."""
    if value.__class__ in _PLAIN or isinstance(value, bool):
        return value
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: 0.9914, not 0.99139999…
        # NaN and infinities become the Decimal of that name, which the engine refuses.
        if value.is_integer():
            return int(value)
        return Decimal(repr(value))
    if isinstance(value, int):  # an int subclass (numpy's, an enum): its number
        return int(value)
    if isinstance(value, Decimal):
        return format(value, "f")  # 2.50 as written; 1E+2 as 100
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)  # an interval, a UUID, a JSON value: its text, which the engine judges


def typed_column(cells: list[Any]) -> list[Any]:
    """``typed_cell`` of every cell; a column of text and integers (the usual one) is returned
    as it is, after one look at its cells' types."""
    if set(map(type, cells)) <= _PLAIN:
        return cells
    return [typed_cell(cell) for cell in cells]


def rows_of(columns: Sequence[list[Any]]) -> list[list[Any]]:
    """Columns of cells (already typed) → rows, each a list (what ``RowConverter`` reads)."""
    return [list(row) for row in zip(*columns, strict=True)]


# ---- reading ------------------------------------------------------------------------------------
def open_parquet(spec: Spec, path: str, id_column: str | None) -> tuple[RowConverter, int]:
    """Check a Parquet input: it opens, its schema resolves as a header. Returns its converter
    and its number of rows (from its footer, without reading the data)."""
    pq = require("pyarrow.parquet", "pyarrow", path)
    try:
        parquet = pq.ParquetFile(path)
    except OSError as exc:
        reason = exc.strerror or tr("file-unreadable", "not a Parquet file")
        message = tr("file-unreadable", "cannot read: {reason}", reason=reason)
        raise input_error(path, message, "file-unreadable") from None
    except Exception:  # noqa: BLE001 (pyarrow's own ArrowInvalid: bytes that are not Parquet)
        raise _not_parquet(path) from None
    try:
        header = list(parquet.schema_arrow.names)
        rows = int(parquet.metadata.num_rows)
    finally:
        parquet.close()
    cmap, problems = build_column_map(spec, header, file=path, row=1, id_column=id_column)
    if cmap is None:
        raise FactsError(problems)
    # Every row has the header's cells; each column's cells are remembered as a CSV's texts are
    # (``typed_cell`` says why that is sound).
    return RowConverter(cmap), rows


def _not_parquet(path: str) -> FactsError:
    reason = tr("file-unreadable", "not a Parquet file")
    return input_error(
        path, tr("file-unreadable", "cannot read: {reason}", reason=reason), "file-unreadable"
    )


def parquet_columns(path: str) -> Iterator[list[list[Any]]]:
    """The typed columns (``typed_column``) of a Parquet file's rows, ``BATCH_ROWS`` rows at a
    time: what the columnar path reads (``columnar_records``), without making rows."""
    pq = require("pyarrow.parquet", "pyarrow", path)
    number = FIRST_ROW - 1  # the last row read
    try:
        parquet = pq.ParquetFile(path)
    except Exception:  # noqa: BLE001 (checked when the input was opened: changed since)
        raise _not_parquet(path) from None
    try:
        batches = parquet.iter_batches(batch_size=BATCH_ROWS)
        while True:
            try:
                batch = next(batches, None)
            except Exception as exc:  # noqa: BLE001 (a corrupt page: the file's error, located)
                reason = " ".join(str(exc).split())[:200]
                message = tr(
                    "file-unreadable",
                    "cannot read after row {row}: {reason}",
                    row=number,
                    reason=reason,
                )
                raise input_error(path, message, "file-unreadable") from None
            if batch is None:
                return
            number += batch.num_rows
            yield [typed_column(column.to_pylist()) for column in batch.columns]
    finally:
        parquet.close()


# ---- writing ------------------------------------------------------------------------------------
def score_scales(columns: Sequence[str], numeric: Sequence[int], places: int) -> dict[int, int]:
    """The decimal places each numeric column is stored with: the spec's, and two for the
    percentile ranks of ``--peers`` (``total_percentile``, ``决策百分位`` …)."""
    return {
        index: (
            PERCENTILE_PLACES
            if columns[index] == "total_percentile" or columns[index].endswith("百分位")
            else places
        )
        for index in numeric
    }


class ParquetWriter:
    """Batch rows → a Parquet file, through a temporary file moved into place by ``commit``."""

    format: RowFormat | None = None  # rows come as rows (workers send rows back, as for XLSX)

    def __init__(
        self, path: str, columns: tuple[str, ...], numeric: tuple[int, ...], places: int = 2
    ) -> None:
        self.pa: Any = require("pyarrow", "pyarrow", path)
        self.pq: Any = require("pyarrow.parquet", "pyarrow", path)
        self.path = path
        self.scales = score_scales(columns, numeric, places)
        pa = self.pa
        fields = [
            pa.field(name, pa.decimal128(38, self.scales[i]) if i in self.scales else pa.string())
            for i, name in enumerate(columns)
        ]
        self.schema = pa.schema(fields, metadata={b"creator": CREATOR.encode()})
        self.output = AtomicFile(path)
        self.pending: list[list[str]] = []
        self.writer: Any = None

    def write(self, rows: list[list[str]]) -> None:
        self.pending.extend(rows)
        if len(self.pending) >= ROW_GROUP:
            self._flush()

    def write_encoded(self, data: bytes) -> None:
        raise TypeError("a .parquet output takes rows, not text")

    def _flush(self) -> None:
        rows, self.pending = self.pending, []
        if not rows and self.writer is not None:
            return
        pa, scales = self.pa, self.scales
        arrays = []
        for index, cells in enumerate(zip(*rows, strict=True) if rows else ()):
            if index in scales:
                values = [Decimal(cell) if cell else None for cell in cells]
                arrays.append(pa.array(values, pa.decimal128(38, scales[index])))
            else:
                arrays.append(pa.array([cell or None for cell in cells], pa.string()))
        table = (
            pa.Table.from_arrays(arrays, schema=self.schema) if rows else self.schema.empty_table()
        )
        try:
            if self.writer is None:
                self.writer = self.pq.ParquetWriter(self.output.open(), self.schema)
            self.writer.write_table(table, row_group_size=ROW_GROUP)
        except OSError as exc:
            self.abort()
            raise unwritable(self.path, exc) from None

    def commit(self) -> None:
        if self.pending or self.writer is None:
            self._flush()
        try:
            self.writer.close()
        except OSError as exc:
            self.output.abort()
            raise unwritable(self.path, exc) from None
        self.output.commit()

    def abort(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            with contextlib.suppress(Exception):  # the file is removed anyway
                writer.close()
        self.output.abort()
