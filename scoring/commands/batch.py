"""``jixiao batch SPEC INPUT... -o OUT``: score many projects, one output row each, and summarise.

Exit 0 when every record was scored; 1 when any failed (their errors are in the output's error
column, the count on stderr) or an input file is broken (no output then); 2 for usage errors.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import TextIO

from ..errors import UsageError
from ..writing.channels import terminal
from .output import check_paths, write_output


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("expected 0 (one per CPU) or more processes")
    return value or os.cpu_count() or 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC")
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a folder of facts files, facts files, .csv, .xlsx or .jsonl",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="results: .csv, .jsonl or .xlsx"
    )
    parser.add_argument(
        "-j",
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="processes to score with (default 1; 0: one per CPU)",
    )
    parser.add_argument("--summary", metavar="FILE.html", help="also write the summary as HTML")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing output that jixiao did not write (.yaml, another .xlsx)",
    )
    parser.add_argument(
        "--id-column", metavar="COL", help="the column naming each record (default: id, 项目名称)"
    )
    parser.add_argument("--sheet", metavar="NAME", help="the XLSX sheet to read (default: first)")
    parser.add_argument(
        "--peers",
        action="append",
        default=[],
        metavar="INPUT",
        help="projects of the same kind (any batch input): each row gains its percentile ranks "
        "among them, the summary their median and benchmark (比较法, 标杆管理)",
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    # Imported here, not at the top: every jixiao command imports this module, and a cold
    # `jixiao score` should not pay for multiprocessing and the batch machinery.
    from ..batch.outputs import check_output
    from ..batch.run import run_batch
    from ..batch.summary_html import render_html
    from ..spec.loader import load_spec

    check_output(args.output)
    if args.summary:
        folder = os.path.dirname(args.summary) or "."
        if not os.path.isdir(folder):
            raise UsageError(f"{args.summary}: folder {folder} does not exist")
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
    summary = run_batch(
        args.spec,
        args.inputs,
        args.output,
        workers=args.workers,
        id_column=args.id_column,
        sheet=args.sheet,
        progress=stderr,
        peers=peers,
    )
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
            inputs=args.inputs,
            output=args.output,
            seconds=seconds,
            notes=[peers.describe()] if peers is not None else [],
        )
        write_output(args.summary, page)
    stderr.write(f"wrote {args.output}: {summary.records:,} records in {seconds:.1f} s\n")
    if summary.failed:
        stderr.write(
            f"jixiao batch: {summary.failed:,} of {summary.records:,} records failed; "
            f"their errors are in the error column of {args.output}\n"
        )
        return 1
    return 0
