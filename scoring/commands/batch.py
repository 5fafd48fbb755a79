"""``jixiao batch SPEC INPUT... -o OUT``: score many projects, one output row each, and summarise.

The records may also come from a database (``--sql QUERY --db URL``) and the scores go into one of
its tables (``--to-table NAME``, with ``--replace`` to replace one that exists): ``batch.sql``.

Exit 0 when every record was scored; 1 when any failed (their errors are in the output's error
column, the count on stderr) or an input file is broken (no output then); 2 for usage errors.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import TYPE_CHECKING, TextIO

from ..errors import UsageError
from ..i18n import ui
from ..writing.channels import terminal
from ..writing.files import check_folder
from .output import add_record_arguments, add_spec_facts, check_paths, write_output

if TYPE_CHECKING:
    from ..batch.sql import SqlQuery, TableTarget


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            ui("expected a number of processes, got {text!r}", text=text)
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(ui("expected 0 (one per CPU) or more processes"))
    return value or os.cpu_count() or 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec_facts(parser, facts=False)
    parser.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help=ui("a folder of facts files, facts files, .csv, .xlsx, .jsonl or .parquet"),
    )
    parser.add_argument(
        "-o", "--output", metavar="OUT", help=ui("results: .csv, .jsonl, .xlsx or .parquet")
    )
    parser.add_argument(
        "--sql", metavar="QUERY", help=ui("also score the rows of this query (SELECT …) on --db")
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help=ui(
            "the database of --sql and --to-table: sqlite:///FILE, duckdb:///FILE, "
            "postgresql://USER@HOST/DB"
        ),
    )
    parser.add_argument(
        "--to-table",
        metavar="NAME",
        help=ui("write the scores into this new table of --db, not -o"),
    )
    parser.add_argument(
        "--replace", action="store_true", help=ui("replace the --to-table table if it exists")
    )
    parser.add_argument(
        "-j",
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help=ui("processes to score with (default 1; 0: one per CPU)"),
    )
    parser.add_argument("--summary", metavar="FILE.html", help=ui("also write the summary as HTML"))
    parser.add_argument(
        "--force",
        action="store_true",
        help=ui("replace an existing output that jixiao did not write (.yaml, another .xlsx)"),
    )
    add_record_arguments(parser)
    parser.add_argument(
        "--peers",
        action="append",
        default=[],
        metavar="INPUT",
        help=ui(
            "projects of the same kind (any batch input): each row gains its percentile ranks "
            "among them, the summary their median and benchmark (比较法, 标杆管理)"
        ),
    )


def _check_sources(args: argparse.Namespace) -> None:
    """What to read and where to write: the options that go together."""
    if not args.inputs and args.sql is None:
        raise UsageError(ui("batch: give at least one INPUT, or --sql QUERY with --db URL"))
    if args.db is None:
        for option, value in (("--sql", args.sql), ("--to-table", args.to_table)):
            if value is not None:
                raise UsageError(
                    ui("batch: {option} needs --db URL, the database it is run on", option=option)
                )
    elif args.sql is None and args.to_table is None:
        raise UsageError(ui("batch: --db is the database of --sql or --to-table; give one of them"))
    if args.output is None and args.to_table is None:
        raise UsageError(ui("batch: give -o OUT (a file) or --to-table NAME (a table of --db)"))
    if args.output is not None and args.to_table is not None:
        raise UsageError(ui("batch: give -o OUT or --to-table NAME, not both"))
    if args.replace and args.to_table is None:
        raise UsageError(ui("batch: --replace replaces the --to-table table; give --to-table NAME"))


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    # Imported here, not at the top: every jixiao command imports this module, and a cold
    # `jixiao score` should not pay for multiprocessing and the batch machinery.
    from ..batch.outputs import check_output
    from ..batch.run import run_batch
    from ..batch.summary_html import render_html
    from ..spec.loader import load_spec

    _check_sources(args)
    if args.output is not None:
        check_output(args.output)
    if args.summary:
        check_folder(args.summary)
    check_paths(
        [("-o", args.output), ("--summary", args.summary)],
        [
            ("SPEC", args.spec),
            *(("INPUT", path) for path in args.inputs),
            *(("--peers", path) for path in args.peers),
        ],
        force=args.force,
    )
    started = time.perf_counter()
    peers = None
    if args.peers:
        from ..batch.peer_columns import load_peers

        peers = load_peers(load_spec(args.spec), args.peers)
    database = None
    inputs: list[str | SqlQuery] = list(args.inputs)
    output: str | TableTarget = args.output
    if args.db is not None:
        from ..batch.sql import SqlQuery, TableTarget, connect

        # A new database file may be made only for scores alone (a mistyped path to read from
        # would otherwise be an empty database, and no rows).
        writes = args.to_table is not None
        database = connect(args.db, write=writes, create=writes and args.sql is None)
        if args.sql is not None:
            inputs.append(SqlQuery(database, args.sql))
        if args.to_table is not None:
            output = TableTarget(database, args.to_table, args.replace)
    try:
        summary = run_batch(
            args.spec,
            inputs,
            output,
            workers=args.workers,
            id_column=args.id_column,
            sheet=args.sheet,
            progress=stderr,
            peers=peers,
        )
    finally:
        if database is not None:
            database.close()
    seconds = time.perf_counter() - started
    stderr.write(summary.render_text())
    if peers is not None:
        stderr.write(terminal(peers.describe()) + "\n")
    if args.summary:
        spec = load_spec(args.spec)
        page = render_html(
            summary,
            spec_name=spec.name,
            spec_version=spec.version,
            inputs=[str(item) for item in inputs],
            output=str(output),
            seconds=seconds,
            notes=[peers.describe()] if peers is not None else [],
        )
        write_output(args.summary, page)
    written = (
        output
        if isinstance(output, str)
        else ui("table {name} of {database}", name=output.name, database=output.database.shown)
    )
    stderr.write(
        ui(
            "wrote {written}: {records} records in {seconds} s",
            written=written,
            records=f"{summary.records:,}",
            seconds=f"{seconds:.1f}",
        )
        + "\n"
    )
    if summary.failed:
        stderr.write(
            ui(
                "jixiao batch: {failed} of {records} records failed; their errors are in the "
                "error column of {written}",
                failed=f"{summary.failed:,}",
                records=f"{summary.records:,}",
                written=written,
            )
            + "\n"
        )
        return 1
    return 0
