"""``jixiao survey ANSWERS [--scale SCALE] [-o 满意度.yaml]``: 公众评判法 from questionnaire answers.

Prints the rate, its 95% interval, each question's answers and every invalid answer by cell; with
``-o`` also writes the satisfaction fact as a facts file whose comments carry its provenance
(sheet, scale, sample, interval, invalid rows), ready to merge into the project's facts.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import TextIO

from tabulate import tabulate

from ..errors import Problem, ScoringError
from ..i18n import tr, ui
from ..methods.survey import SurveyResult, analyse, load_scale
from ..numbers.limits import CTX, QuantityError
from ..numbers.quantities import parse_target, percent_to_ratio
from ..numbers.text import format_number, format_percent
from ..spec.compiled import Spec
from ..spec.loader import load_spec
from ..spec.scale import DEFAULT_SCALE
from ..tabular.sheet import read_sheet
from ..writing.channels import terminal
from .output import check_paths, write_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "answers",
        metavar="ANSWERS",
        help=ui("the answers: .xlsx or .csv, the questions in the first row, a respondent a row"),
    )
    parser.add_argument(
        "--scale",
        metavar="SCALE",
        help=ui(
            "the scale file (options and their weights); default 非常满意 100 / 满意 80 / "
            "基本满意 60 / 不满意 0 / 非常不满意 0"
        ),
    )
    parser.add_argument(
        "--spec",
        metavar="SPEC",
        help=ui(
            "an indicator system: its questionnaire scale (survey_scale), and the target of the "
            "indicator scoring the fact, to judge whether the sample is large enough"
        ),
    )
    parser.add_argument("--sheet", metavar="NAME", help=ui("the sheet (default: the first)"))
    parser.add_argument(
        "--question",
        action="append",
        metavar="COL",
        help=ui("count only these question columns (repeatable)"),
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="COL",
        help=ui("columns not to count (repeatable)"),
    )
    parser.add_argument(
        "--target",
        metavar="TARGET",
        help=ui("the satisfaction target, e.g. ≥90%%, to judge whether the sample is large enough"),
    )
    parser.add_argument(
        "--fact",
        default="满意度",
        metavar="NAME",
        help=ui("the name of the fact written (default: 满意度)"),
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help=ui("default: table")
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FACTS",
        help=ui("write the satisfaction fact as a facts file (YAML)"),
    )
    parser.add_argument("--force", action="store_true", help=ui("replace an existing output file"))


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    check_paths(
        [("-o", args.output)],
        [("ANSWERS", args.answers), ("--scale", args.scale), ("--spec", args.spec)],
        force=args.force,
    )
    spec = load_spec(args.spec) if args.spec else None
    if args.scale:
        scale = load_scale(args.scale)
    else:
        scale = (spec.survey_scale if spec else None) or DEFAULT_SCALE
    target = _target(args.target) if args.target else _spec_target(spec, args.fact)
    sheet = read_sheet(args.answers, args.sheet)
    result = analyse(sheet, scale, questions=args.question, skip=args.skip, target=target)
    if args.format == "json":
        stdout.write(json.dumps(to_dict(result, args.fact), ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(terminal(render_table(result)))
    stderr.writelines(terminal(ui("warning: {warning}", warning=w) + "\n") for w in result.warnings)
    if args.output:
        write_output(args.output, facts_yaml(result, args.fact))
        stderr.write(ui("wrote {file}", file=args.output) + "\n")
    return 0


def _target(text: str) -> tuple[str, Decimal]:
    try:
        target = parse_target(text)
        if target.quantity.unit not in ("%", "‰"):
            message = tr("bad-target", "the satisfaction target is a percentage, e.g. ≥90%")
            raise QuantityError(message, "bad-target")
        return text, percent_to_ratio(target.quantity)
    except QuantityError as exc:
        raise ScoringError(Problem(exc.message, exc.code, path="--target")) from None


def _spec_target(spec: Spec | None, fact: str) -> tuple[str, Decimal] | None:
    """The target of the first indicator that scores ``fact`` as its actual, as a lower bound
    (≥90%: the survey must show the rate reached it), or None."""
    if spec is None:
        return None
    for leaf in spec.leaves:
        rule = leaf.rule
        actual = getattr(rule, "actual", None)
        target = getattr(rule, "target", None)
        if getattr(actual, "bare_name", None) != fact or target is None:
            continue
        if getattr(target, "op", None) in ("≥", ">") and isinstance(target.value, Decimal):
            return f"{leaf.name} {target.display}", target.value
    return None


def render_table(result: SurveyResult) -> str:
    low, high = result.shown_interval
    lines = [
        ui("公众评判法: {source} (scale: {scale})", source=result.source, scale=result.scale.name),
        ui(
            "满意度 {rate} (interval {low}–{high} at 95%, Wilson; {respondents} valid "
            "questionnaires, {rows} answer rows)",
            rate=result.shown_rate,
            low=low,
            high=high,
            respondents=result.respondents,
            rows=result.rows,
        ),
        "",
    ]
    options = list(result.scale.options)
    rows = [
        [q.label, q.answered, *(q.counts[o] for o in options), _percent(q.rate)]
        for q in result.questions
    ]
    lines.append(
        tabulate(
            rows,
            headers=[ui("question"), ui("valid"), *options, ui("满意度")],
            disable_numparse=True,
        )
    )
    if result.invalid or result.invalid_rows:
        lines.append("")
        lines.append(ui("{count} invalid answers:", count=len(result.invalid)))
        lines.extend(f"  {answer}" for answer in result.invalid)
        if result.invalid_rows:
            shown = "、".join(str(r) for r in result.invalid_rows)
            lines.append(ui("answer rows with no valid answer, not counted: {rows}", rows=shown))
    if result.blank_rows:
        lines.append(ui("{count} blank rows (no answers, skipped)", count=result.blank_rows))
    if result.unanswered:
        lines.append(
            ui(
                "{count} questions unanswered (not counted for that question; the others are)",
                count=result.unanswered,
            )
        )
    return "\n".join(lines) + "\n"


def _percent(rate: Decimal | None) -> str:
    """Two places always, so a column of rates lines up (79.60%, not 79.6%)."""
    return "—" if rate is None else format_number(CTX.multiply(rate, 100), 2) + "%"


def to_dict(result: SurveyResult, fact: str) -> dict[str, object]:
    low, high = result.shown_interval
    return {
        "fact": fact,
        "source": result.source,
        "scale": {
            "name": result.scale.name,
            "options": {k: str(v) for k, v in result.scale.options.items()},
        },
        "rate": format(result.rate.quantize(Decimal("1e-6")), "f"),
        "shown": result.shown_rate,
        "interval_95": [low, high],
        "method": "wilson",
        "respondents": result.respondents,
        "rows": result.rows,
        "blank_rows": result.blank_rows,
        "unanswered": result.unanswered,
        "questions": [
            {
                "label": q.label,
                "cell": q.cell,
                "answered": q.answered,
                "counts": dict(q.counts),
                "rate": None if q.rate is None else format_percent(q.rate),
            }
            for q in result.questions
        ],
        "invalid": [
            {"row": a.row, "cell": a.cell, "question": a.question, "value": a.value}
            for a in result.invalid
        ],
        "invalid_rows": list(result.invalid_rows),
        "target": result.target_text,
        "warnings": list(result.warnings),
    }


def facts_yaml(result: SurveyResult, fact: str) -> str:
    """The fact as a facts file; its provenance in comments, which survive a copy into another
    facts file (a facts file has no place for a fact's source)."""
    low, high = result.shown_interval
    comment = [
        f"公众评判法：由 jixiao survey 根据 {result.source} 计算",
        f"量表：{result.scale.name}",
        (
            f"有效问卷 {result.respondents} 份（答卷 {result.rows} 行，空行 {result.blank_rows} 行）；"
            f"95% 区间（Wilson）{low}–{high}"
        ),
        "每份答卷的得分 = 有效答案权重的平均 ÷ 100；满意度 = 各答卷得分的平均",
    ]
    if result.invalid:
        comment.append(f"无效答案 {len(result.invalid)} 个，未计入：")
        comment.extend(f"  {answer}" for answer in result.invalid[:200])
        if len(result.invalid) > 200:
            comment.append(f"  ……另 {len(result.invalid) - 200} 个，见 jixiao survey 的输出")
    if result.invalid_rows:
        comment.append("无有效答案的答卷行：" + "、".join(str(r) for r in result.invalid_rows))
    comment.extend(result.warnings)
    comment.append("并入项目的事实文件时，复制 values 下的这一行（连同以上说明）")
    body = "".join(f"# {_one_line(line)}\n" for line in comment)
    name = json.dumps(fact, ensure_ascii=False)
    return f"{body}project: {{}}\nvalues:\n  {name}: {result.shown_rate}\n"


def _one_line(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)
