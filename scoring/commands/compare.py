"""``jixiao compare FACTS... --spec SPEC``: 比较法 across years, with 因素分析法 of each change.

Each facts file is one year of the same project (its ``project.year``), scored under the spec of
that year (``--spec-for 2021=old.yaml``) or the common ``--spec``. Prints each indicator's actual
value and score by year with the change and the trend, the totals and grades, then the change of
the total between consecutive years split into each indicator's weight and rate effects.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

from tabulate import tabulate

from ..channels import terminal
from ..errors import Problem, ScoringError, UsageError
from ..facts import load_facts
from ..loader import load_spec
from ..methods.factors import Decomposition, decompose, shown_parts
from ..number_text import format_number
from ..result import IndicatorResult, Result


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "比较法与因素分析法：同一项目多个年度的事实，逐年计分，列出各指标的实际值、得分与变化，"
        "并把相邻两年总分的变化精确分解到每个指标（权重变化、得分率变化）。"
    )
    parser.epilog = (
        "例：jixiao compare 2021.yaml 2022.yaml --spec indicators/xinfang_weiwen.yaml\n"
        "    jixiao compare 2021.yaml 2022.yaml --spec new.yaml --spec-for 2021=old.yaml "
        "--rename 旧指标=新指标"
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("facts", nargs="+", metavar="FACTS", help="各年度的事实文件（两个或更多）")
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
    parser.add_argument("--format", choices=("table", "json"), default="table")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if len(args.facts) < 2:
        raise UsageError("比较至少需要两个年度的事实文件")
    specs = _pairs(args.spec_for, "--spec-for", "YEAR=SPEC")
    renames = _pairs(args.rename, "--rename", "OLD=NEW")
    years = _score_years(args.facts, args.spec, specs)
    pairs = [
        (years[i][0], years[i + 1][0], decompose(years[i][1], years[i + 1][1], renames))
        for i in range(len(years) - 1)
    ]
    if args.format == "json":
        data = to_dict(years, pairs)
        stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        stdout.write(terminal(render(years, pairs)))
    return 0


def _pairs(given: Sequence[str], option: str, shape: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in given:
        key, sep, value = text.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"{option} {text!r}: 应写成 {shape}")
        out[key.strip()] = value.strip()
    return out


def _score_years(
    files: Sequence[str], common: str | None, per_year: dict[str, str]
) -> list[tuple[str, Result]]:
    from ..engine import score

    loaded = []
    for file in files:
        facts = load_facts(file)
        year = str(facts.project.get("year") or "").strip()
        if not year:
            raise ScoringError(
                Problem("比较需要年度：请在 project.year 写明评价年度", "compare-year", file=file)
            )
        loaded.append((year, file, facts))
    seen: dict[str, str] = {}
    for year, file, _ in loaded:
        if year in seen:
            raise ScoringError(
                Problem(
                    f"年度 {year} 已由 {seen[year]} 给出：每个年度只能有一个事实文件",
                    "compare-year",
                    file=file,
                )
            )
        seen[year] = file
    unknown = sorted(set(per_year) - set(seen))
    if unknown:
        raise UsageError(f"--spec-for 的年度 {'、'.join(unknown)} 没有事实文件")
    specs: dict[str, Any] = {}
    out = []
    for year, file, facts in sorted(loaded, key=lambda item: item[0]):
        path = per_year.get(year, common)
        if path is None:
            raise UsageError(
                f"{file}（{year} 年）没有指标体系：给出 --spec 或 --spec-for {year}=SPEC"
            )
        if path not in specs:
            specs[path] = load_spec(path)
        out.append((year, score(specs[path], facts)))
    return out


def _trend(before: Decimal | None, after: Decimal | None) -> str:
    if before is None or after is None:
        return ""
    return "↑" if after > before else "↓" if after < before else "→"


def _score(value: Decimal | None, places: int) -> str:
    return "不适用" if value is None else format_number(value, places)


def render(years: list[tuple[str, Result]], pairs: list[tuple[str, str, Decomposition]]) -> str:
    first, last = years[0][1], years[-1][1]
    places = last.spec.rounding.places
    name = str(last.project.get("name") or "")
    lines = [f"比较法：{name} {years[0][0]}–{years[-1][0]} 年", ""]
    ids: list[str] = []
    found: dict[str, dict[str, IndicatorResult]] = {}
    for year, result in years:
        for leaf in result.leaves():
            if leaf.id not in found:
                ids.append(leaf.id)
            found.setdefault(leaf.id, {})[year] = leaf
    headers = ["指标"]
    for year, _ in years:
        headers += [f"{year} 实际", f"{year} 得分"]
    headers += ["得分变化", "趋势"]
    rows = []
    for leaf_id in ids:
        row = [next(iter(found[leaf_id].values())).name]
        scores: list[Decimal | None] = []
        for year, _ in years:
            that_year = found[leaf_id].get(year)
            if that_year is None:
                row += ["—", "—"]
                scores.append(None)
            else:
                row += [that_year.actual_text or "—", _score(that_year.score, places)]
                scores.append(that_year.score)
        change = (
            format_number(scores[-1] - scores[0], places)
            if scores[0] is not None and scores[-1] is not None
            else "—"
        )
        row += [change, _trend(scores[0], scores[-1])]
        rows.append(row)
    total_row = ["总分"]
    grade_row = ["等级"]
    for _, result in years:
        total_row += ["", format_number(result.total, places)]
        grade_row += ["", result.grade]
    total_row += [format_number(last.total - first.total, places), _trend(first.total, last.total)]
    grade_row += ["", ""]
    rows += [total_row, grade_row]
    lines.append(tabulate(rows, headers=headers, disable_numparse=True))
    for year_a, year_b, decomposition in pairs:
        lines += ["", render_factors(year_a, year_b, decomposition)]
    return "\n".join(lines) + "\n"


def render_factors(year_a: str, year_b: str, decomposition: Decomposition) -> str:
    shown = shown_parts(decomposition)
    places = decomposition.places
    heading = (
        f"因素分析法：总分 {format_number(decomposition.before_total, places)}（{year_a}）→ "
        f"{format_number(decomposition.after_total, places)}（{year_b}），"
        f"变化 {_signed(decomposition.change, places)}"
    )
    lines = [heading]
    rows = []
    for top in decomposition.parts:
        for part in top.walk():
            total = shown[(part.id, "total")]
            if part.level > 1 and not total and not part.weight_effect and not part.rate_effect:
                continue  # an indicator that did not move: left out below the 一级 rows
            rows.append(
                [
                    "· " * (part.level - 1) + part.name,  # tabulate strips leading spaces
                    _signed(shown[(part.id, "weight")], places),
                    _signed(shown[(part.id, "rate")], places),
                    _signed(total, places),
                ]
            )
    for label in ("不适用折算", "四舍五入"):
        value = shown[(label, "total")]
        if value:
            rows.append([label, "", "", _signed(value, places)])
    rows.append(["合计", "", "", _signed(decomposition.change, places)])
    lines.append(
        tabulate(rows, headers=["指标", "权重变化", "得分率变化", "影响"], disable_numparse=True)
    )
    lines.append("（各项之和等于总分变化；不适用折算 = 适用分值变化使总分折算系数改变的影响）")
    return "\n".join(lines)


def _signed(value: Decimal, places: int) -> str:
    text = format_number(value, places)
    return text if text.startswith("-") or not value else "+" + text


def to_dict(
    years: list[tuple[str, Result]], pairs: list[tuple[str, str, Decomposition]]
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "years": [
            {
                "year": year,
                "total": result.total,
                "grade": result.grade,
                "indicators": {
                    leaf.id: {"actual": leaf.actual_text or None, "score": leaf.score}
                    for leaf in result.leaves()
                },
            }
            for year, result in years
        ],
        "factors": [],
    }
    for year_a, year_b, decomposition in pairs:
        shown = shown_parts(decomposition)
        out["factors"].append(
            {
                "from": year_a,
                "to": year_b,
                "change": decomposition.change,
                "parts": [
                    {
                        "id": part.id,
                        "name": part.name,
                        "level": part.level,
                        "weight_effect": shown[(part.id, "weight")],
                        "rate_effect": shown[(part.id, "rate")],
                        "total": shown[(part.id, "total")],
                    }
                    for top in decomposition.parts
                    for part in top.walk()
                ],
                "rescale": shown[("不适用折算", "total")],
                "rounding": shown[("四舍五入", "total")],
            }
        )
    return out
