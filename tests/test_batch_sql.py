"""jixiao batch --sql QUERY --db URL and --to-table: records from SQLite, DuckDB and PostgreSQL, and
scores written back to a table.

The reference is the CSV path: the same rows written to a CSV and to a table give the same
scores and the same errors, digit for digit, only the file differing: a query's rows are
numbered as the CSV's (``QUERY:row N`` for ``file.csv:row N``: the header is row 1). PostgreSQL is a real server started here (initdb and
pg_ctl, as the postgres user when the tests run as root, on a Unix socket in a temporary folder,
no TCP port); the tests that need it are skipped, with the reason, where the machine has none.
DuckDB's and PostgreSQL's tests are skipped where their driver package is not installed.
"""

from __future__ import annotations

import csv
import datetime
import glob
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Run, records_generator

Jixiao = Callable[..., Run]
SPEC = str(ROOT / "indicators" / "xinfang_weiwen.yaml")
QUERY = "SELECT * FROM projects ORDER BY id"
TOPS = ("决策", "过程", "产出", "效益")


generator = records_generator()
HEADER: list[str] = generator.header()


def sample_rows(count: int = 60) -> list[list[str]]:
    """Generated records, four of them broken in the ways a table can be."""
    rows = [list(row) for row in generator.rows(max(count, 13), seed=11)]
    rows[3][HEADER.index("预算资金")] = "abc"  # not-a-number
    rows[7][HEADER.index("实际支出")] = ""  # missing-fact
    rows[9][HEADER.index("到位资金")] = "110美元"  # unit-mismatch
    rows[12][HEADER.index("培训人次")] = "12.5"  # fact-not-whole
    return rows[:count]


def read_output(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def csv_reference(jixiao: Jixiao, tmp_path: Path, rows: list[list[str]]) -> list[dict[str, str]]:
    """The rows scored from a CSV, each located as the query locates it (the same row)."""
    source = tmp_path / "reference.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    out = tmp_path / "reference.out.csv"
    jixiao("batch", SPEC, str(source), "-o", str(out))
    got = read_output(out)
    for row in got:
        row["error"] = row["error"].replace(f"{source}:", f"{QUERY}:")
        row["source"] = row["source"].replace(str(source), QUERY)
    return got


# ---- the databases ------------------------------------------------------------------------------
def sqlite_url(tmp_path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> str:
    path = tmp_path / "projects.db"
    with sqlite3.connect(path) as connection:
        columns = ", ".join(f'"{name}"' for name in header)
        connection.execute(f"CREATE TABLE projects ({columns})")
        marks = ", ".join("?" * len(header))
        connection.executemany(f"INSERT INTO projects VALUES ({marks})", rows)
    connection.close()
    return f"sqlite:///{path}"


def duckdb_url(tmp_path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> str:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "projects.duckdb"
    connection = duckdb.connect(str(path))
    columns = ", ".join(f'"{name}" VARCHAR' for name in header)
    connection.execute(f"CREATE TABLE projects ({columns})")
    marks = ", ".join("?" * len(header))
    connection.executemany(f"INSERT INTO projects VALUES ({marks})", rows)
    connection.close()
    return f"duckdb:///{path}"


def _postgres_bin() -> str | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return os.path.dirname(os.path.realpath(found))
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(folder, "initdb")):
            return folder
    return None


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A PostgreSQL server of its own, for this module: its URL (a Unix socket, no TCP)."""
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg")
    folder = _postgres_bin()
    if folder is None:
        pytest.skip("PostgreSQL is not installed here (no initdb and pg_ctl)")
    prefix: list[str] = []
    owner = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run PostgreSQL as")
        prefix = ["runuser", "-u", "postgres", "--"]
    base = tempfile.mkdtemp(prefix="jixiao-pg-", dir="/tmp")
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    data = os.path.join(base, "data")
    port = "54329"

    def run(*argv: str) -> None:
        subprocess.run([*prefix, *argv], check=True, capture_output=True, timeout=120)

    try:
        run(f"{folder}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--no-sync")  # fmt: skip
        options = f"-c listen_addresses='' -k {base} -p {port} -c fsync=off"
        run(f"{folder}/pg_ctl", "-D", data, "-l", f"{base}/log", "-o", options, "-w", "start")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"PostgreSQL could not be started here: {exc}")
    try:
        yield f"postgresql://postgres@/postgres?host={base}&port={port}"
    finally:
        subprocess.run(
            [*prefix, f"{folder}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


def postgres_url(url: str, rows: list[list[Any]], header: list[str] = HEADER) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    table = sa.Table("projects", sa.MetaData(), *(sa.Column(name, sa.Text) for name in header))
    with engine.begin() as connection:
        for name in ("projects", "jixiao_scores"):
            connection.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
        table.create(connection)
        if rows:
            connection.execute(
                table.insert(), [dict(zip(header, row, strict=True)) for row in rows]
            )
    engine.dispose()
    return url


@pytest.fixture(scope="module", params=["sqlite", "duckdb", "postgresql"])
def kind(request: pytest.FixtureRequest) -> str:
    """The database kind. Module-scoped, so that pytest runs a kind's tests together: the
    PostgreSQL ones follow each other, and one test worker starts its server."""
    return str(request.param)


@pytest.fixture
def database(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Callable[[list[list[Any]]], str]:
    """Makes a database of the kind with a table ``projects`` of the rows; returns its URL."""
    if kind == "sqlite":
        return lambda rows: sqlite_url(tmp_path, rows)
    if kind == "duckdb":
        pytest.importorskip("duckdb")
        return lambda rows: duckdb_url(tmp_path, rows)
    server = request.getfixturevalue("postgres")
    return lambda rows: postgres_url(server, rows)


def read_table(url: str, table: str) -> list[tuple[Any, ...]]:
    """The rows of a table, ordered by their last column (a scores table's source)."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            found = connection.execute(f"SELECT * FROM {table}").fetchall()
        connection.close()
        return sorted(found, key=lambda row: str(row[-1]))
    if url.startswith("duckdb:///"):
        import duckdb

        with duckdb.connect(url.removeprefix("duckdb:///"), read_only=True) as connection:
            found = connection.execute(f"SELECT * FROM {table}").fetchall()
        return sorted(found, key=lambda row: str(row[-1]))
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        found = [tuple(r) for r in connection.execute(sa.text(f"SELECT * FROM {table}"))]
    engine.dispose()
    return sorted(found, key=lambda row: str(row[-1]))


def tables(url: str) -> list[str]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            found = sorted(name for (name,) in names)
        connection.close()
        return found
    if url.startswith("duckdb:///"):
        import duckdb

        with duckdb.connect(url.removeprefix("duckdb:///"), read_only=True) as connection:
            names = connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            return sorted(name for (name,) in names)
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        found = sorted(sa.inspect(connection).get_table_names())
    engine.dispose()
    return found


# ---- reading a query ----------------------------------------------------------------------------
def test_a_query_scores_as_the_same_rows_in_a_csv(
    jixiao: Jixiao, tmp_path: Path, database: Callable[[list[list[Any]]], str]
) -> None:
    """Every row of the query is one output row, in the query's order: scored as the CSV path
    scores it, or with its whole error located at the query and the row's number."""
    rows = sample_rows()
    url = database(rows)
    out = tmp_path / "out.csv"
    run = jixiao("batch", SPEC, "--sql", QUERY, "--db", url, "-o", str(out))
    assert run.code == 1
    assert run.err.endswith(
        f"jixiao batch: 4 of 60 records failed; their errors are in the error column of {out}\n"
    )
    got = read_output(out)
    assert got == csv_reference(jixiao, tmp_path, rows)
    assert got[3]["error"] == (
        f"{QUERY}:row 5: values.预算资金: fact '预算资金': 'abc' is not a number with a unit: "
        "expected a number with an optional unit such as '110万元', '99.14%' or '158批次' "
        "[not-a-number]"
    )


def test_a_query_streams_in_blocks_with_two_workers(
    jixiao: Jixiao, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are fetched a block at a time (here 7), and --workers 2 writes the same output."""
    from scoring.batch import sql
    from scoring.batch.inputs import open_inputs
    from scoring.spec.loader import load_spec

    monkeypatch.setattr(sql, "FETCH_ROWS", 7)
    rows = sample_rows(50)
    url = sqlite_url(tmp_path, rows)
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        assert jixiao("batch", SPEC, "--sql", QUERY, "--db", url, "-o", str(out),
                      "-j", workers).code == 1  # fmt: skip
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    fetched: list[int] = []
    database = sql.connect(url)
    cursor = database.run(QUERY, QUERY)
    fetch = cursor.fetch
    cursor.fetch = lambda size: fetched.append(size) or fetch(size)  # type: ignore[func-returns-value]
    source = sql.SqlQuery(database, QUERY)
    source.keep(cursor)
    (item,) = open_inputs(load_spec(SPEC), [source])
    assert [number for number, _ in item.records()] == list(range(2, 52))
    assert fetched == [7] * 9  # seven blocks of 7 rows, one of 1, and the empty one that ends it
    database.close()


def test_typed_columns_read_as_a_spreadsheet_reads_its_cells(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    """Numbers stored as numbers (an integer, a float, a decimal) score as the text they are."""
    rows = sample_rows(20)[14:]
    typed: list[list[Any]] = []
    for row in rows:
        cells: list[Any] = list(row)
        for column in ("年度", "交办件数", "交办件办结数", "按期办结数", "培训人次"):
            index = HEADER.index(column)  # 39件 as the integer 39 (a bare number is in 件)
            cells[index] = int(re.match(r"\d+", cells[index]).group())  # type: ignore[union-attr]
        for index, column in enumerate(HEADER):
            if column.endswith(".score") and cells[index]:
                cells[index] = float(cells[index])  # 2.8 as a float, 2.0 as one that is whole
        typed.append(cells)
    url = sqlite_url(tmp_path, typed)
    out = tmp_path / "typed.csv"
    assert jixiao("batch", SPEC, "--sql", QUERY, "--db", url, "-o", str(out)).code == 0
    expected = csv_reference(jixiao, tmp_path, rows)
    assert read_output(out) == expected


def test_a_query_with_no_rows_writes_an_empty_output(jixiao: Jixiao, tmp_path: Path) -> None:
    url = sqlite_url(tmp_path, sample_rows(3))
    out = tmp_path / "none.csv"
    run = jixiao("batch", SPEC, "--sql", "SELECT * FROM projects WHERE 0", "--db", url,
                 "-o", str(out))  # fmt: skip
    assert run.code == 0
    assert read_output(out) == []


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ("110万元", "110万元"),
        (None, None),
        (7, 7),
        (True, True),
        (0.9914, Decimal("0.9914")),  # the float's shortest text, never 0.99139999…
        (2.0, 2),  # a whole float is the integer it is
        (float("nan"), Decimal("NaN")),  # which the engine refuses as not-finite
        (Decimal("2.50"), "2.50"),  # as written: 2.5 and 2.50 are equal, but may read apart
        (Decimal("1E+2"), "100"),
        (datetime.date(2022, 3, 1), "2022-03-01"),
        (datetime.datetime(2022, 3, 1, 9, 30), "2022-03-01T09:30:00"),
        (datetime.datetime(2022, 3, 1), "2022-03-01"),
        (b"\xe8\xbe\xbe\xe6\x88\x90", "达成"),
        (memoryview(b"\xff"), "\ufffd"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ],
)
def test_typed_cells_read_as_a_facts_file_would_hold_them(cell: Any, read: Any) -> None:
    from scoring.batch.parquet import typed_column

    (got,) = typed_column([cell])
    assert (type(got), str(got)) == (type(read), str(read))  # str: NaN is not equal to itself


# ---- writing a table ----------------------------------------------------------------------------
def test_scores_written_back_to_a_table(
    jixiao: Jixiao, tmp_path: Path, database: Callable[[list[list[Any]]], str]
) -> None:
    """--to-table: one row per record (error_code before error), numbers exact; an existing table
    is refused without --replace (exit 2, nothing written) and replaced with it."""
    rows = sample_rows(30)
    url = database(rows)
    run = jixiao("batch", SPEC, "--sql", QUERY, "--db", url, "--to-table", "jixiao_scores")
    assert run.code == 1
    assert run.err.endswith(
        "jixiao batch: 4 of 30 records failed; their errors are in the error column of table "
        f"jixiao_scores of {url}\n"
    )
    expected = csv_reference(jixiao, tmp_path, rows)
    got = read_table(url, "jixiao_scores")
    assert len(got) == 30
    columns = ["id", "name", "total", "grade", *TOPS]
    for row, want in zip(sorted(got, key=lambda r: int(str(r[-1]).rsplit(" ", 1)[1])), expected,
                         strict=True):  # fmt: skip
        assert [str(cell) if cell is not None else "" for cell in row[:2]] == [
            want["id"],
            want["name"],
        ]
        numbers = [row[2], *row[4:8]]
        wanted = [want[c] for c in columns if c not in ("id", "name", "grade")]
        assert [None if n is None else Decimal(str(n)) for n in numbers] == [
            Decimal(w) if w else None for w in wanted
        ]
        assert (row[3] or "") == want["grade"]
        codes = row[8]
        assert (row[9] or "") == want["error"]
        assert row[10] == want["source"]
        if want["error"]:
            assert codes == want["error"].rsplit("[", 1)[1].rstrip("]")
        else:
            assert codes is None
    assert tables(url) == ["jixiao_scores", "projects"]  # no table of a temporary name left

    again = jixiao("batch", SPEC, "--sql", QUERY, "--db", url, "--to-table", "jixiao_scores")
    assert (again.code, again.out) == (2, "")
    assert again.err == (
        f"jixiao: error: {url}: table 'jixiao_scores' exists; use --replace to replace it\n"
    )
    replaced = jixiao("batch", SPEC, "--sql", "SELECT * FROM projects WHERE id < 'P0000005'",
                      "--db", url, "--to-table", "jixiao_scores", "--replace")  # fmt: skip
    assert replaced.code == 1  # P0000004 is broken
    assert len(read_table(url, "jixiao_scores")) == 4
    assert tables(url) == ["jixiao_scores", "projects"]


def test_a_csv_scored_into_a_new_sqlite_database(jixiao: Jixiao, tmp_path: Path) -> None:
    """Scores of any input can go to a table; a new SQLite file is made only then."""
    rows = sample_rows(5)
    source = tmp_path / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    url = f"sqlite:///{tmp_path / 'new.db'}"
    run = jixiao("batch", SPEC, str(source), "--db", url, "--to-table", "scores")
    assert run.code == 1
    assert [row[0] for row in read_table(url, "scores")] == [row[0] for row in rows]


def test_a_run_that_stops_leaves_the_database_as_it_was(
    jixiao: Jixiao, tmp_path: Path, database: Callable[[list[list[Any]]], str]
) -> None:
    """A header that does not fit the spec stops the run before any row: no table is made."""
    url = database(sample_rows(3))
    run = jixiao("batch", SPEC, "--sql", "SELECT id, 预算资金 AS 预算 FROM projects", "--db", url,
                 "--to-table", "jixiao_scores")  # fmt: skip
    assert run.code == 1
    assert run.err == (
        "SELECT id, 预算资金 AS 预算 FROM projects:1:2: unknown column '预算': not a fact id or label, "
        "a project field, '<indicator>.tier' …, or not_applicable; did you mean '预算资金'? "
        "[batch-unknown-column]\n"
    )
    assert tables(url) == ["projects"]


def test_a_failure_while_writing_rolls_the_table_back(tmp_path: Path) -> None:
    """Abort (a broken input further on, Ctrl-C) drops the table being written."""
    from scoring.batch.sql import TableTarget, TableWriter, connect

    url = sqlite_url(tmp_path, sample_rows(2))
    database = connect(url, write=True)
    writer = TableWriter(TableTarget(database, "scores"), ("id", "total", "error"), (1,), 2)
    writer.write([["P1", "90.50", ""], ["P2", "", "x.csv:row 3: bad [not-a-number]"]])
    writer.abort()
    database.close()
    assert tables(url) == ["projects"]


def test_a_table_made_while_the_batch_ran_is_not_replaced(tmp_path: Path) -> None:
    """The name is checked again at the end: a table made meanwhile stays, the scores go."""
    from scoring.batch.sql import TableTarget, TableWriter, connect
    from scoring.errors import ScoringError

    url = sqlite_url(tmp_path, sample_rows(2))
    database = connect(url, write=True)
    writer = TableWriter(TableTarget(database, "scores"), ("id", "total", "error"), (1,), 2)
    writer.write([["P1", "90.50", ""]])
    database.connection.execute("CREATE TABLE scores (made TEXT)")  # type: ignore[attr-defined]
    with pytest.raises(ScoringError) as raised:
        writer.commit()
    database.close()
    assert str(raised.value) == (
        f"{url}: table 'scores' was made while the batch ran; use --replace to replace it "
        "[db-write]"
    )
    assert tables(url) == ["projects"]  # rolled back with the scores: in one transaction


# ---- what cannot be used ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "projects.db",
            (
                "projects.db: not a database URL; expected sqlite:///FILE, duckdb:///FILE, "
                "postgresql://… [db-url]"
            ),
        ),
        (
            "mysql://user:secret@host/db",
            (
                "mysql://user:***@host/db: unknown database 'mysql'; jixiao reads sqlite:///FILE, "
                "duckdb:///FILE, postgresql://… [db-url]"
            ),
        ),
        (
            "sqlite://projects.db",
            (
                "sqlite://projects.db: expected a file after three slashes: sqlite:///path.db (four "
                "for an absolute path: sqlite:////data/path.db) [db-url]"
            ),
        ),
        (
            "sqlite:///nowhere/projects.db",
            (
                "sqlite:///nowhere/projects.db: cannot open: no such database file "
                "nowhere/projects.db [db-unreachable]"
            ),
        ),
        (
            "postgresql+nodriver://user@host/db",
            "postgresql+nodriver://user@host/db: unknown PostgreSQL driver 'nodriver' [db-url]",
        ),
    ],
)
def test_a_database_that_cannot_be_used_is_one_located_error(
    jixiao: Jixiao, tmp_path: Path, url: str, message: str
) -> None:
    if url.startswith("postgresql"):
        pytest.importorskip("sqlalchemy")
    run = jixiao("batch", SPEC, "--sql", "SELECT 1", "--db", url, "-o", str(tmp_path / "o.csv"))
    assert (run.code, run.out, run.err) == (1, "", message + "\n")


def test_an_unreachable_postgresql_is_one_located_error(jixiao: Jixiao, tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg")
    url = f"postgresql://user:secret@/db?host={tmp_path}&port=5"
    run = jixiao("batch", SPEC, "--sql", "SELECT 1", "--db", url, "-o", str(tmp_path / "o.csv"))
    assert run.code == 1
    assert run.err.startswith(
        f"postgresql://user:***@/db?host={tmp_path}&port=5: cannot open: connection "
    )
    assert run.err.endswith("[db-unreachable]\n")
    assert "secret" not in run.err


NOT_A_QUERY = "NOT_A_QUERY"
DELETING_WITH = "WITH gone AS (DELETE FROM projects RETURNING *) SELECT * FROM gone"


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        ("DELETE FROM projects", dict.fromkeys(("sqlite", "duckdb", "postgresql"), NOT_A_QUERY)),
        ("UPDATE projects SET id = 'x'", dict.fromkeys(("sqlite", "duckdb", "postgresql"), NOT_A_QUERY)),
        (
            "SELECT * FROM nope",
            {
                "sqlite": "no such table: nope",
                "duckdb": "Catalog Error: Table with name nope does not exist!",
                "postgresql": 'relation "nope" does not exist',
            },
        ),
        (
            "SELEC 1",
            {
                "sqlite": 'near "SELEC": syntax error',
                "duckdb": 'Parser Error: syntax error at or near "SELEC"',
                "postgresql": NOT_A_QUERY,
            },
        ),
        (
            DELETING_WITH,
            {
                "sqlite": 'near "DELETE": syntax error',
                "duckdb": 'Invalid Input Error: Cannot execute statement of type "SELECT" on '
                'database "projects" which is attached in read-only mode!',
                "postgresql": "DECLARE CURSOR must not contain data-modifying statements in WITH",
            },
        ),
    ],
)  # fmt: skip
def test_a_query_that_cannot_be_run_is_one_located_error(
    jixiao: Jixiao,
    tmp_path: Path,
    database: Callable[[list[list[Any]]], str],
    kind: str,
    query: str,
    messages: dict[str, str],
) -> None:
    """A query the database refuses, or one that would change data, runs nothing: one error
    located at the query, exit 1, no output; the data is as it was."""
    url = database(sample_rows(3))
    out = tmp_path / "o.csv"
    run = jixiao("batch", SPEC, "--sql", query, "--db", url, "-o", str(out))
    message = messages[kind]
    if message == NOT_A_QUERY:
        expected = (
            f"{query}: --sql takes one query that only reads (SELECT …); jixiao never changes "
            "the data it scores: write scores with --to-table [sql-not-a-query]\n"
        )
    else:
        expected = f"{query}: the database refused the query: {message} [sql-error]\n"
    assert (run.code, run.out, run.err) == (1, "", expected)
    assert not out.exists()
    assert len(read_table(url, "projects")) == 3


def test_duckdb_rolls_back_whatever_a_query_changed(jixiao: Jixiao, tmp_path: Path) -> None:
    """With --to-table, DuckDB's database is open for writing, and it takes a deleting WITH for
    a SELECT: the query's transaction is rolled back, so its rows are scored and none deleted."""
    url = duckdb_url(tmp_path, sample_rows(3))
    run = jixiao("batch", SPEC, "--sql", DELETING_WITH, "--db", url, "--to-table", "scores")
    assert run.code == 0
    assert len(read_table(url, "projects")) == 3
    assert len(read_table(url, "scores")) == 3


def test_a_missing_driver_package_is_named(
    jixiao: Jixiao, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without duckdb installed: which package, and how to install it."""
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb raises ImportError
    path = tmp_path / "p.duckdb"
    path.write_bytes(b"")
    url = f"duckdb:///{path}"
    run = jixiao("batch", SPEC, "--sql", "SELECT 1", "--db", url, "-o", str(tmp_path / "o.csv"))
    assert (run.code, run.err) == (
        1,
        (
            f"{url}: reading and writing this needs the Python package duckdb, which is not "
            "installed; install it with: pip install 'jixiao[sql]' [driver-missing]\n"
        ),
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sql", "SELECT 1", "-o", "o.csv"], "batch: --sql needs --db URL, the database it is run on"),
        (["in.csv", "--to-table", "t"], "batch: --to-table needs --db URL, the database it is run on"),
        (["-o", "o.csv"], "batch: give at least one INPUT, or --sql QUERY with --db URL"),
        (["in.csv", "--db", "sqlite:///x.db", "-o", "o.csv"],
         "batch: --db is the database of --sql or --to-table; give one of them"),
        (["in.csv"], "batch: give -o OUT (a file) or --to-table NAME (a table of --db)"),
        (["in.csv", "--db", "sqlite:///x.db", "--to-table", "t", "-o", "o.csv"],
         "batch: give -o OUT or --to-table NAME, not both"),
        (["in.csv", "-o", "o.csv", "--replace"],
         "batch: --replace replaces the --to-table table; give --to-table NAME"),
        (["in.csv", "--db", "sqlite:///x.db", "--to-table", "1 scores"],
         ("--to-table '1 scores': a table's name is letters, digits and _, not beginning with a "
         "digit, at most 63 characters")),
    ],
)  # fmt: skip
def test_options_that_do_not_go_together_are_usage_errors(
    jixiao: Jixiao, tmp_path: Path, argv: list[str], message: str
) -> None:
    (tmp_path / "in.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        argv = [str(tmp_path / a) if a in ("in.csv", "o.csv") else a for a in argv]
        argv = [a.replace("sqlite:///x.db", f"sqlite:///{tmp_path}/x.db") for a in argv]
        run = jixiao("batch", SPEC, *argv)
    finally:
        os.chdir(cwd)
    assert (run.code, run.out, run.err) == (2, "", f"jixiao: error: {message}\n")
