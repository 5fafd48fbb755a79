"""Records from a database query, and scores written back to a table: ``--sql``, ``--db``,
``--to-table``.

``--db URL`` names the database; three kinds are read, each with its ordinary Python driver:

* ``sqlite:///path.db`` (``sqlite:////abs/path.db``): the standard library's ``sqlite3``;
* ``duckdb:///path.duckdb``: the ``duckdb`` package, embedded (no server);
* ``postgresql://user:password@host:port/db`` (``postgres://``, ``postgresql+psycopg://``;
  ``?host=/socket/dir``): through SQLAlchemy with the ``psycopg`` driver.

The query's result is the header and the rows of a table, read as a spreadsheet's (typed cells,
``parquet.typed_column``); its rows are fetched ``FETCH_ROWS`` at a time (SQLite's and DuckDB's
cursors stream; PostgreSQL's through a server-side cursor), so memory holds a few thousand rows
whatever the result's size. Rows are numbered as a spreadsheet shows the result under its header,
as a CSV's are (the header is row 1, the first record row 2); a row's problems are located at the
query: ``SELECT * FROM projects:row 17: values.预算资金: … [not-a-number]``.

The query only reads. SQLite's is prepared under an authorizer that allows reading alone;
DuckDB's must be one SELECT (as DuckDB parses it); PostgreSQL's runs in a read-only transaction,
through a cursor, which only a query can be. Anything else is ``sql-not-a-query``, before it runs.

``--to-table NAME`` writes one row per record — the output's columns, with ``error_code`` (the
error's codes) before ``error`` — into a new table of the same database, in one transaction: the
rows go into a table of a temporary name, renamed to NAME when every record is written, so a run
that stops leaves the database as it was. An existing table is replaced only with ``--replace``.

A database or query that cannot be used is one located error of the run (``db-url``,
``db-unreachable``, ``sql-error``, ``sql-not-a-query``, ``db-write``, ``driver-missing``),
never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..errors import FactsError, Problem, ScoringError, UsageError
from ..i18n import tr
from ..spec.compiled import Spec
from .column_map import build_column_map
from .parquet import require, score_scales, typed_column
from .records import RowConverter

if TYPE_CHECKING:
    from .outputs import RowFormat

__all__ = [
    "FETCH_ROWS",
    "Database",
    "SqlQuery",
    "TableTarget",
    "TableWriter",
    "connect",
    "open_query",
    "query_columns",
    "query_label",
]

FETCH_ROWS = 2000  # rows fetched from a cursor at a time
_LABEL_CHARS = 100  # of a query, in the location of its rows' problems
_TABLE_NAME = re.compile(r"[^\W\d]\w{0,62}")  # letters, digits, _; PostgreSQL's 63 at most
_ERROR_CODE = re.compile(r"\[([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\]$", re.MULTILINE)
SCHEMES = "sqlite:///FILE, duckdb:///FILE, postgresql://…"


def query_label(query: str) -> str:
    """The query as its rows' problems are located: on one line, the first 100 characters."""
    text = " ".join(query.split())
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def _first_line(exc: BaseException) -> str:
    """A driver's message, first line (PostgreSQL's next lines quote the statement)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _error(where: str, code: str, message: str) -> FactsError:
    return FactsError(Problem(message, code, file=where))


def _sql_error(label: str, exc: BaseException) -> FactsError:
    message = tr("sql-error", "the database refused the query: {reason}", reason=_first_line(exc))
    return _error(label, "sql-error", message)


def _not_a_query(label: str) -> FactsError:
    message = tr(
        "sql-not-a-query",
        "--sql takes one query that only reads (SELECT …); jixiao never changes the data it "
        "scores: write scores with --to-table",
    )
    return _error(label, "sql-not-a-query", message)


def _unreachable(where: str, reason: str) -> FactsError:
    message = tr("db-unreachable", "cannot open: {reason}", reason=reason)
    return _error(where, "db-unreachable", message)


def _must_exist(url: str, path: str, create: bool) -> None:
    """Never a new empty database for a query (a typo in the path would read no rows): the file
    must exist unless only scores are written to it."""
    if not create and not os.path.isfile(path):
        path_missing = tr("db-unreachable", "no such database file {path}", path=path)
        raise _unreachable(url, path_missing)


def _write_error(where: str, exc: BaseException) -> ScoringError:
    message = tr("db-write", "cannot write the table: {reason}", reason=_first_line(exc))
    return ScoringError(Problem(message, "db-write", file=where))


# ---- the databases ------------------------------------------------------------------------------
@dataclass
class Cursor:
    """A running query: its column names and its rows, fetched a block at a time."""

    columns: list[str]
    fetch: Callable[[int], Sequence[Any]]
    close: Callable[[], None]


class Database(ABC):
    """One database: runs a read-only query, writes a table in a transaction."""

    shown: str  # the URL, password hidden: where the database's own problems are located
    errors: Any  # the driver's exception class

    @abstractmethod
    def run(self, query: str, label: str) -> Cursor:
        """Start the query, refused unless it only reads; its problems located at ``label``."""

    @abstractmethod
    def has_table(self, name: str) -> bool:
        """Whether a table or view of this name exists (as the database compares names)."""

    @abstractmethod
    def create(self, temporary: str, columns: Sequence[tuple[str, int | None]]) -> None:
        """Begin the transaction and create the table under its temporary name."""

    @abstractmethod
    def insert(self, temporary: str, width: int, rows: list[tuple[Any, ...]]) -> None:
        """Add rows (numbers as Decimal, nothing as None) to the table being written."""

    def finish(self, temporary: str, name: str, replace: bool) -> None:
        """Drop the old table (``replace``), rename the new one, commit."""
        try:
            if replace:
                self._write(f"DROP TABLE IF EXISTS {self.quote(name)}")
            self._write(f"ALTER TABLE {self.quote(temporary)} RENAME TO {self.quote(name)}")
            self._write(None)
        except self.errors as exc:
            raise _write_error(self.shown, exc) from None

    @abstractmethod
    def _write(self, sql: str | None) -> None:
        """Run ``sql`` in the transaction writing the table; None: commit it."""

    @abstractmethod
    def rollback(self) -> None:
        """Undo the table being written, if one is: the database is as it was."""

    @abstractmethod
    def close(self) -> None:
        """Roll back what is not committed and close the connections."""

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def _column_type(self, scale: int | None) -> str:
        return "TEXT" if scale is None else "NUMERIC"

    def _create_sql(self, temporary: str, columns: Sequence[tuple[str, int | None]]) -> str:
        listed = ", ".join(f"{self.quote(name)} {self._column_type(s)}" for name, s in columns)
        return f"CREATE TABLE {self.quote(temporary)} ({listed})"


def _file_path(url: str, rest: str) -> str:
    """The file of ``sqlite:///path`` or ``duckdb:///path`` (``////`` for an absolute path)."""
    if not rest.startswith("/") or rest == "/":
        message = tr(
            "db-url",
            "expected a file after three slashes: {scheme}:///path.db (four for an absolute "
            "path: {scheme}:////data/path.db)",
            scheme=url.split(":", 1)[0],
        )
        raise _error(url, "db-url", message)
    return unquote(rest[1:].split("?", 1)[0])


class _Sqlite(Database):
    errors = sqlite3.Error
    # SQLite stores NUMERIC text that reads as a number as an integer or a float: a score of at
    # most 6 places and 15 digits reads back as written (95.85), and compares as a number.

    def __init__(self, url: str, path: str, write: bool, create: bool) -> None:
        self.shown = url
        mode = "rwc" if create else "rw" if write else "ro"
        _must_exist(url, path, create)
        try:
            uri = "file:" + _uri_path(path) + f"?mode={mode}"
            self.connection = sqlite3.connect(uri, uri=True, isolation_level=None)
            self.connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except sqlite3.Error as exc:
            raise _unreachable(url, _first_line(exc)) from None

    def run(self, query: str, label: str) -> Cursor:
        allowed = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
        allowed.add(getattr(sqlite3, "SQLITE_RECURSIVE", 33))  # WITH RECURSIVE

        def reading_only(action: int, *_: Any) -> int:
            return sqlite3.SQLITE_OK if action in allowed else sqlite3.SQLITE_DENY

        cursor = self.connection.cursor()
        # The authorizer is asked while the statement is prepared, that is inside execute():
        # a statement that would write is refused before it runs.
        self.connection.set_authorizer(reading_only)
        try:
            cursor.execute(query)
        except sqlite3.DatabaseError as exc:
            denied = getattr(exc, "sqlite_errorname", "") == "SQLITE_AUTH"
            if denied or "not authorized" in str(exc):
                raise _not_a_query(label) from None
            raise _sql_error(label, exc) from None
        except (sqlite3.Error, ValueError) as exc:  # two statements; a NUL in the text
            raise _sql_error(label, exc) from None
        finally:
            self.connection.set_authorizer(None)
        if cursor.description is None:  # a statement that returns no rows (BEGIN, VACUUM)
            cursor.close()
            raise _not_a_query(label)
        columns = [str(item[0]) for item in cursor.description]

        def fetch(size: int) -> Sequence[Any]:
            try:
                return cursor.fetchmany(size)
            except sqlite3.Error as exc:
                raise _sql_error(label, exc) from None

        return Cursor(columns, fetch, cursor.close)

    def has_table(self, name: str) -> bool:
        found = self.connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND lower(name) = ?",
            (name.lower(),),
        ).fetchone()
        return found is not None

    def create(self, temporary: str, columns: Sequence[tuple[str, int | None]]) -> None:
        try:
            self.connection.execute("BEGIN")
            self.connection.execute(self._create_sql(temporary, columns))
        except sqlite3.Error as exc:
            self.rollback()
            raise _write_error(self.shown, exc) from None

    def insert(self, temporary: str, width: int, rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * width)
        try:
            self.connection.executemany(
                f"INSERT INTO {self.quote(temporary)} VALUES ({marks})",
                # SQLite takes no Decimal: its text, which a NUMERIC column stores as a number.
                [tuple(str(c) if isinstance(c, Decimal) else c for c in row) for row in rows],
            )
        except sqlite3.Error as exc:
            raise _write_error(self.shown, exc) from None

    def _write(self, sql: str | None) -> None:
        self.connection.execute("COMMIT" if sql is None else sql)

    def rollback(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    def close(self) -> None:
        self.connection.close()


def _uri_path(path: str) -> str:
    """A path as the path of a ``file:`` URI (``?`` and ``#`` would end it)."""
    return path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")


class _DuckDB(Database):
    def __init__(self, url: str, path: str, write: bool, create: bool) -> None:
        self.duckdb: Any = require("duckdb", "duckdb", url)
        self.errors = self.duckdb.Error
        self.shown = url
        _must_exist(url, path, create)
        try:
            self.connection: Any = self.duckdb.connect(path, read_only=not write)
        except self.duckdb.Error as exc:
            raise _unreachable(url, _first_line(exc)) from None
        self.writer: Any = None
        self.scales: dict[int, int] = {}

    def run(self, query: str, label: str) -> Cursor:
        duckdb = self.duckdb
        try:
            statements = duckdb.extract_statements(query)
        except duckdb.Error as exc:
            raise _sql_error(label, exc) from None
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise _not_a_query(label)
        # A cursor of its own: the scores are written on another, in their own transaction. The
        # query runs in a transaction that is rolled back, never committed: DuckDB takes a data-
        # modifying WITH (… AS (DELETE … RETURNING *) SELECT …) for a SELECT.
        cursor = self.connection.cursor()
        try:
            cursor.begin()
            cursor.execute(query)
        except duckdb.Error as exc:
            _discard(cursor)
            raise _sql_error(label, exc) from None
        columns = [str(item[0]) for item in cursor.description or ()]

        def fetch(size: int) -> Sequence[Any]:
            try:
                return cursor.fetchmany(size)  # type: ignore[no-any-return]
            except duckdb.Error as exc:
                raise _sql_error(label, exc) from None

        return Cursor(columns, fetch, lambda: _discard(cursor))

    def has_table(self, name: str) -> bool:
        found = self.connection.execute(
            "SELECT 1 FROM duckdb_tables() WHERE lower(table_name) = ? AND schema_name = "
            "current_schema() UNION ALL SELECT 1 FROM duckdb_views() WHERE lower(view_name) = ? "
            "AND schema_name = current_schema()",
            [name.lower(), name.lower()],
        ).fetchone()
        return found is not None

    def create(self, temporary: str, columns: Sequence[tuple[str, int | None]]) -> None:
        self.pa = require("pyarrow", "pyarrow", self.shown)
        self.scales = {i: s for i, (_, s) in enumerate(columns) if s is not None}
        self.names = [name for name, _ in columns]
        try:
            self.writer = self.connection.cursor()
            self.writer.begin()
            self.writer.execute(self._create_sql(temporary, columns))
        except self.duckdb.Error as exc:
            self.rollback()
            raise _write_error(self.shown, exc) from None

    def _column_type(self, scale: int | None) -> str:
        return "TEXT" if scale is None else f"DECIMAL(38, {scale})"

    def insert(self, temporary: str, width: int, rows: list[tuple[Any, ...]]) -> None:
        # DuckDB inserts row by row from executemany, slowly: a chunk goes in as one Arrow table.
        pa = self.pa
        arrays = [
            pa.array(cells, pa.decimal128(38, self.scales[i]) if i in self.scales else pa.string())
            for i, cells in enumerate(zip(*rows, strict=True))
        ]
        chunk = pa.Table.from_arrays(arrays, names=self.names)
        try:
            self.writer.register("jixiao_chunk", chunk)
            self.writer.execute(f"INSERT INTO {self.quote(temporary)} SELECT * FROM jixiao_chunk")
            self.writer.unregister("jixiao_chunk")
        except self.duckdb.Error as exc:
            raise _write_error(self.shown, exc) from None

    def _write(self, sql: str | None) -> None:
        if sql is None:
            self.writer.commit()
        else:
            self.writer.execute(sql)

    def rollback(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            with contextlib.suppress(self.duckdb.Error):  # no transaction was begun
                writer.rollback()
            writer.close()

    def close(self) -> None:
        self.rollback()
        self.connection.close()


def _discard(cursor: Any) -> None:
    """Roll a DuckDB cursor's transaction back (whatever its query did) and close it."""
    with contextlib.suppress(Exception):
        cursor.rollback()
    cursor.close()


_QUERY_START = re.compile(r"\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(\(|[A-Za-z]+)", re.DOTALL)
_QUERY_WORDS = frozenset({"(", "select", "with", "values", "table"})


class _Postgres(Database):
    def __init__(self, url: str, write: bool) -> None:
        sa: Any = require("sqlalchemy", "sqlalchemy", _hidden(url))
        self.sa = sa
        self.errors = sa.exc.SQLAlchemyError
        try:
            parsed = sa.engine.make_url(url)
        except Exception:  # noqa: BLE001 (SQLAlchemy's ArgumentError: not a URL)
            message = tr("db-url", "not a database URL; expected {schemes}", schemes=SCHEMES)
            raise _error(_hidden(url), "db-url", message) from None
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, the maintained one
        self.shown = _hidden(url)
        driver = parsed.drivername.partition("+")[2]
        try:
            self.engine = sa.create_engine(parsed, poolclass=sa.pool.NullPool)
            self.reader = self.engine.connect()
        except ImportError:  # the driver's package
            require(driver, driver, self.shown)  # raises driver-missing, naming it
            raise
        except sa.exc.NoSuchModuleError:
            message = tr("db-url", "unknown PostgreSQL driver {driver!r}", driver=driver)
            raise _error(self.shown, "db-url", message) from None
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise _unreachable(self.shown, _first_line(exc)) from None
        self.writer: Any = None
        self.table: Any = None

    def _text(self, sql: str) -> Any:
        # Every colon literal (``:name`` would be a parameter); SQLAlchemy doubles each % itself.
        return self.sa.text(sql.replace(":", "\\:"))

    def run(self, query: str, label: str) -> Cursor:
        sa = self.sa
        start = _QUERY_START.match(query)
        if start is None or start.group(1).lower() not in _QUERY_WORDS:
            raise _not_a_query(label)
        try:
            self.reader.execute(sa.text("SET TRANSACTION READ ONLY"))
            # A server-side cursor (DECLARE … CURSOR FOR, which takes only a query): rows come
            # FETCH_ROWS at a time, not the whole result at once.
            result = self.reader.execution_options(
                stream_results=True, max_row_buffer=FETCH_ROWS
            ).execute(self._text(query))
        except sa.exc.SQLAlchemyError as exc:
            self._reset()
            if "read-only transaction" in str(exc):
                raise _not_a_query(label) from None
            raise _sql_error(label, exc) from None
        columns = [str(key) for key in result.keys()]  # noqa: SIM118 (a Result, not a dict)

        def fetch(size: int) -> Sequence[Any]:
            try:
                return result.fetchmany(size)  # type: ignore[no-any-return]
            except sa.exc.SQLAlchemyError as exc:
                self._reset()
                raise _sql_error(label, exc) from None

        def close() -> None:
            result.close()
            self._reset()

        return Cursor(columns, fetch, close)

    def _reset(self) -> None:
        # A connection that is gone: closing it is all that is left.
        with contextlib.suppress(self.sa.exc.SQLAlchemyError):
            self.reader.rollback()

    def has_table(self, name: str) -> bool:
        with self.engine.connect() as connection:
            return bool(self.sa.inspect(connection).has_table(name))

    def create(self, temporary: str, columns: Sequence[tuple[str, int | None]]) -> None:
        sa = self.sa
        self.table = sa.Table(
            temporary,
            sa.MetaData(),
            *(
                sa.Column(n, sa.Text() if s is None else sa.Numeric(asdecimal=True))
                for n, s in columns
            ),
        )
        try:
            self.writer = self.engine.connect()
            self.writer.begin()
            self.table.create(self.writer)
        except sa.exc.SQLAlchemyError as exc:
            self.rollback()
            raise _write_error(self.shown, exc) from None

    def insert(self, temporary: str, width: int, rows: list[tuple[Any, ...]]) -> None:
        names = [column.name for column in self.table.columns]
        try:
            self.writer.execute(
                self.table.insert(), [dict(zip(names, row, strict=True)) for row in rows]
            )
        except self.sa.exc.SQLAlchemyError as exc:
            raise _write_error(self.shown, exc) from None

    def _write(self, sql: str | None) -> None:
        if sql is None:
            self.writer.commit()
        else:
            self.writer.execute(self.sa.text(sql))

    def rollback(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            # A connection that is gone: so is its transaction.
            with contextlib.suppress(self.sa.exc.SQLAlchemyError):
                writer.rollback()
            writer.close()

    def close(self) -> None:
        self.rollback()
        self.reader.close()
        self.engine.dispose()


def _hidden(url: str) -> str:
    """A URL with its password (``user:password@``) written as ``***``."""
    return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", url)


def connect(url: str, *, write: bool = False, create: bool = False) -> Database:
    """The database of ``--db URL``; ``write``: a table will be written to it; ``create``: its
    file may be made (only scores are written to it, no query read from it)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        message = tr("db-url", "not a database URL; expected {schemes}", schemes=SCHEMES)
        raise _error(_hidden(url), "db-url", message)
    base = scheme.lower().partition("+")[0]
    if base == "sqlite":
        return _Sqlite(url, _file_path(url, rest), write, create)
    if base == "duckdb":
        return _DuckDB(url, _file_path(url, rest), write, create)
    if base in ("postgresql", "postgres"):
        return _Postgres(url, write)
    message = tr(
        "db-url",
        "unknown database {scheme!r}; jixiao reads {schemes}",
        scheme=scheme,
        schemes=SCHEMES,
    )
    raise _error(_hidden(url), "db-url", message)


# ---- reading a query ----------------------------------------------------------------------------
@dataclass
class SqlQuery:
    """``--sql QUERY`` on ``--db``: a batch input (``inputs.open_inputs`` opens it)."""

    database: Database
    query: str
    label: str = ""
    _cursor: Cursor | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.label = self.label or query_label(self.query)

    def __str__(self) -> str:
        return self.label

    def start(self) -> Cursor:
        """The running query: the one started when the input was checked, if it was not read
        yet (a query runs once), else a new run of it."""
        cursor, self._cursor = self._cursor, None
        return cursor if cursor is not None else self.database.run(self.query, self.label)

    def keep(self, cursor: Cursor) -> None:
        self._cursor = cursor


def open_query(spec: Spec, source: SqlQuery, id_column: str | None) -> RowConverter:
    """Run the query and resolve its columns as a header (the result's rows are read later)."""
    cursor = source.start()
    cmap, problems = build_column_map(
        spec, cursor.columns, file=source.label, row=1, id_column=id_column
    )
    if cmap is None:
        cursor.close()
        raise FactsError(problems)
    source.keep(cursor)
    # Every row has the header's cells; each column's cells are remembered as a CSV's texts are
    # (``parquet.typed_cell`` says why that is sound).
    return RowConverter(cmap)


def query_columns(source: SqlQuery) -> Iterator[list[list[Any]]]:
    """The typed columns (``parquet.typed_column``) of the query's rows, ``FETCH_ROWS`` fetched
    at a time: what the columnar path reads (``columnar_records``), without making rows."""
    cursor = source.start()
    try:
        while True:
            rows = cursor.fetch(FETCH_ROWS)
            if not rows:
                return
            yield [typed_column(list(cells)) for cells in zip(*rows, strict=True)]
    finally:
        cursor.close()


# ---- writing a table ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TableTarget:
    """``--to-table NAME`` on ``--db``: where the scores go instead of a file."""

    database: Database
    name: str
    replace: bool = False

    def __str__(self) -> str:
        return f"{self.database.shown} {self.name}"

    def check(self) -> None:
        """Refuse a name that is not one, or a table that exists (without ``replace``)."""
        if not _TABLE_NAME.fullmatch(self.name):
            message = tr(
                "db-write",
                "--to-table {name!r}: a table's name is letters, digits and _, not beginning "
                "with a digit, at most 63 characters",
                name=self.name,
            )
            raise UsageError(message)
        if not self.replace and self.database.has_table(self.name):
            message = tr(
                "db-write",
                "{where}: table {name!r} exists; use --replace to replace it",
                where=self.database.shown,
                name=self.name,
            )
            raise UsageError(message)


def error_codes(error: str) -> str:
    """The codes of an error cell's problems (one a line, each ending ``[code]``), each once."""
    return ", ".join(dict.fromkeys(_ERROR_CODE.findall(error)))


class TableWriter:
    """Batch rows → a new table (``error_code`` added before ``error``), in one transaction."""

    format: RowFormat | None = None  # rows come as rows

    def __init__(
        self, target: TableTarget, columns: tuple[str, ...], numeric: tuple[int, ...], places: int
    ) -> None:
        self.target = target
        self.database = target.database
        self.error = columns.index("error") if "error" in columns else -1
        scales = score_scales(columns, numeric, places)
        table: list[tuple[str, int | None]] = []
        for index, column in enumerate(columns):
            if index == self.error:
                table.append(("error_code", None))
            table.append((column, scales.get(index)))
        self.numeric = frozenset(numeric)
        self.width = len(table)
        self.temporary = f"jixiao_{uuid.uuid4().hex[:16]}"
        self.database.create(self.temporary, table)

    def write(self, rows: list[list[str]]) -> None:
        if not rows:
            return
        numeric, error = self.numeric, self.error
        out: list[tuple[Any, ...]] = []
        for row in rows:
            cells: list[Any] = [
                (Decimal(cell) if cell else None)
                if i in numeric
                else (cell.replace("\x00", "\ufffd") or None)  # PostgreSQL text holds no NUL
                for i, cell in enumerate(row)
            ]
            if error >= 0:
                cells.insert(error, error_codes(row[error]) or None)
            out.append(tuple(cells))
        self.database.insert(self.temporary, self.width, out)

    def write_encoded(self, data: bytes) -> None:
        raise TypeError("a table takes rows, not text")

    def commit(self) -> None:
        target = self.target
        if not target.replace and self.database.has_table(target.name):  # made meanwhile
            self.database.rollback()
            message = tr(
                "db-write",
                "table {name!r} was made while the batch ran; use --replace to replace it",
                name=target.name,
            )
            raise ScoringError(Problem(message, "db-write", file=self.database.shown))
        try:
            self.database.finish(self.temporary, target.name, target.replace)
        except ScoringError:
            self.database.rollback()
            raise

    def abort(self) -> None:
        self.database.rollback()
