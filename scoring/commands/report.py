"""``jixiao report SPEC FACTS -o report.docx``: a draft 自评报告 with every figure filled in.

The sections follow the seed report (一、项目基本情况 … 八、其他需要说明的问题); what only a person
can write is marked 【待填写：…】. The suffix of ``-o`` picks the form of the same report: .docx
(Word, the 公文 look), .pdf (that document converted by LibreOffice, where installed) or .html
(a web page with the charts). The scoring warnings go to stderr, since the terminal shows nothing
else of the result.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..engine.facts import load_facts
from ..engine.result import Result
from ..engine.scorer import engine_result
from ..errors import UsageError
from ..i18n import ui
from ..report.methods_section import MethodsData
from ..spec.loader import load_spec
from .output import add_spec_facts, check_paths
from .score import write_result

SUFFIXES = (".docx", ".pdf", ".html", ".htm")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec_facts(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help=ui("report.docx, report.pdf (through LibreOffice) or report.html"),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=ui("replace an existing .docx that jixiao did not write"),
    )
    methods = parser.add_argument_group(
        ui("evaluation methods and analysis"),
        ui(
            "the methods given data, whose results the report includes (比较法, 因素分析法, "
            "标杆管理, 公众评判法)"
        ),
    )
    methods.add_argument(
        "--previous",
        action="append",
        default=[],
        metavar="FACTS",
        help=ui("the facts of an earlier year (repeatable)"),
    )
    methods.add_argument(
        "--spec-for",
        action="append",
        default=[],
        metavar="YEAR=SPEC",
        help=ui("the indicator system of an earlier year (default: SPEC)"),
    )
    methods.add_argument(
        "--peers",
        action="append",
        default=[],
        metavar="INPUT",
        help=ui("projects of the same kind (a batch input)"),
    )
    methods.add_argument(
        "--survey", metavar="ANSWERS", help=ui("the answers of a satisfaction survey (xlsx or csv)")
    )
    methods.add_argument(
        "--scale",
        metavar="SCALE",
        help=ui("the survey's scale file (default: the five-level satisfaction scale)"),
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    suffix = Path(args.output).suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(
            ui("-o {output}: the report is written as .docx, .pdf or .html", output=args.output)
        )
    inputs = [("SPEC", args.spec), ("FACTS", args.facts)]
    inputs += [("--previous", f) for f in args.previous] + [("--peers", p) for p in args.peers]
    inputs += [("--survey", args.survey), ("--scale", args.scale)]
    check_paths([("-o", args.output)], inputs, force=args.force)
    if suffix == ".pdf":
        from ..report.pdf import require_converter

        require_converter(args.output)  # before any work, as the output paths are
    result = engine_result(load_spec(args.spec), load_facts(args.facts))
    methods = _methods(args, result)
    data: str | bytes
    if suffix in (".docx", ".pdf"):
        from ..report import docx_report

        data = docx_report.render(result, methods)
        if suffix == ".pdf":
            from ..report.pdf import docx_to_pdf

            data = docx_to_pdf(data, args.output)
    else:
        from ..report import report_html

        data = report_html.render(result, methods)
    write_result(stderr, args.output, data, args.facts, result)
    return 0


def _methods(args: argparse.Namespace, result: Result) -> MethodsData:
    """The evaluation methods' data: earlier years with this one, peers, survey answers."""
    from ..batch.peer_columns import scored_peers
    from ..methods.comparison import Comparison, compare_years, peer_group
    from .compare import key_value

    comparison = None
    if args.previous:
        per_year = dict(key_value(text, "--spec-for", "YEAR=SPEC") for text in args.spec_for)
        # This year is the report's own result: every figure comes from one scoring of it.
        comparison = compare_years(args.previous, args.spec, per_year, latest=result)
    if args.peers:
        group = peer_group(result, args.peers, scored_peers(result.spec, args.peers))
        comparison = Comparison(
            comparison.years if comparison else [(str(result.project.get("year") or ""), result)],
            comparison.pairs if comparison else [],
            group,
        )
    survey = None
    if args.survey:
        from ..methods.survey import analyse, load_scale
        from ..spec.scale import DEFAULT_SCALE
        from ..tabular.sheet import read_sheet

        scale = load_scale(args.scale) if args.scale else DEFAULT_SCALE
        survey = analyse(read_sheet(args.survey), scale)
    return MethodsData(comparison, survey)
