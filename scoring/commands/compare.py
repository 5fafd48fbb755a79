"""``jixiao compare FACTS... --spec SPEC [--peers INPUT]``: 比较法 and 因素分析法.

Each facts file is one year of the same project (its ``project.year``), scored under the spec of
that year (``--spec-for 2021=old.yaml``) or the common ``--spec``. Prints each indicator's actual
value and score by year with the change and the trend, the totals and grades, the change of the
total between consecutive years split into each indicator's weight and rate effects, and with
``--peers`` the project's standing among projects of its kind (``methods.comparison``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from typing import TextIO

from ..batch.peer_columns import scored_peers
from ..errors import UsageError
from ..methods.comparison import compare_years, peer_group
from ..report.comparison import render_html, render_text, render_xlsx, to_dict
from ..writing.channels import terminal
from .output import check_paths, write_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "比较法与因素分析法：同一项目多个年度的事实，逐年计分，列出各指标的实际值、得分与变化，"
        "并把相邻两年总分的变化精确分解到每个指标（权重变化、得分率变化）；"
        "--peers 给出同类项目时，列出本项目的百分位、中位数、最高分和标杆项目。"
    )
    parser.epilog = (
        "例：jixiao compare 2021.yaml 2022.yaml --spec indicators/xinfang_weiwen.yaml\n"
        "    jixiao compare 2022.yaml --spec spec.yaml --peers 同类项目.csv -o 比较.html\n"
        "    jixiao compare 2021.yaml 2022.yaml --spec new.yaml --spec-for 2021=old.yaml "
        "--rename 旧指标=新指标"
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "facts", nargs="+", metavar="FACTS", help="各年度的事实文件，或放着它们的文件夹"
    )
    parser.add_argument("--spec", metavar="SPEC", help="各年度共用的指标体系")
    parser.add_argument(
        "--spec-for",
        action="append",
        default=[],
        metavar="YEAR=SPEC",
        help="某一年度用的指标体系（可重复），如 2021=indicators/old.yaml",
    )
    parser.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="指标 id 改名：前一年的 OLD 即后一年的 NEW（可重复）",
    )
    parser.add_argument(
        "--peers",
        action="append",
        default=[],
        metavar="INPUT",
        help="同类项目（batch 的输入：CSV、XLSX、JSON Lines 或事实文件夹），与最后一年比较（可重复）",
    )
    parser.add_argument("--format", choices=("table", "json", "html", "xlsx"), default="table")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="写到文件：.html 为带图表的网页，.xlsx 为各表一个工作表",
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    suffix = os.path.splitext(args.output or "")[1].lower()
    fmt = {".html": "html", ".htm": "html", ".xlsx": "xlsx"}.get(suffix, args.format)
    inputs = [("FACTS", f) for f in args.facts] + [("--peers", p) for p in args.peers]
    per_year = dict(key_value(text, "--spec-for", "YEAR=SPEC") for text in args.spec_for)
    inputs += [("--spec", args.spec), *(("--spec-for", path) for path in per_year.values())]
    check_paths([("-o", args.output)], inputs)
    renames = dict(key_value(text, "--rename", "OLD=NEW") for text in args.rename)
    comparison = compare_years(args.facts, args.spec, per_year, renames)
    if len(comparison.years) < 2 and not args.peers:
        raise UsageError(
            "比较至少需要两个年度的事实文件（或一个含各年度事实文件的文件夹），或用 --peers 给出同类项目"
        )
    if args.peers:
        latest = comparison.years[-1][1]
        group = peer_group(latest, args.peers, scored_peers(latest.spec, args.peers))
        comparison = dataclasses.replace(comparison, peers=group)
    text: str | bytes
    if fmt == "json":
        text = json.dumps(to_dict(comparison), ensure_ascii=False, indent=2, default=str) + "\n"
    elif fmt == "html":
        text = render_html(comparison)
    elif fmt == "xlsx":
        text = render_xlsx(comparison)
    else:
        text = render_text(comparison)
    if args.output:
        write_output(args.output, text)
        stderr.write(terminal(f"已写出 {args.output}\n"))
    elif isinstance(text, bytes):
        raise UsageError("--format xlsx 写的是工作簿：请用 -o FILE.xlsx")
    else:
        stdout.write(terminal(text) if fmt == "table" else text)
    return 0


def key_value(text: str, option: str, shape: str) -> tuple[str, str]:
    """``KEY=VALUE`` of an option such as ``--spec-for 2021=old.yaml``, or a usage error."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise UsageError(f"{option} {text!r}: 应写成 {shape}")
    return key.strip(), value.strip()
