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
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from tabulate import tabulate

from ..batch.core import score_inputs
from ..channels import terminal
from ..errors import Problem, ScoringError, UsageError
from ..facts import load_facts
from ..loader import load_spec
from ..methods.factors import Decomposition, Scores, decompose, shown_parts
from ..methods.peers import Peer, Standing, median_peer, shown_rank, standings
from ..number_text import format_number
from ..result import IndicatorResult, Result, Totals


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
    parser.add_argument(
        "--peers",
        action="append",
        default=[],
        metavar="INPUT",
        help="同类项目（batch 的输入：CSV、XLSX、JSON Lines 或事实文件夹），与最后一年比较（可重复）",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if len(args.facts) < 2 and not args.peers:
        raise UsageError("比较至少需要两个年度的事实文件，或用 --peers 给出同类项目")
    specs = _pairs(args.spec_for, "--spec-for", "YEAR=SPEC")
    renames = _pairs(args.rename, "--rename", "OLD=NEW")
    years = _score_years(args.facts, args.spec, specs)
    pairs = [
        (years[i][0], years[i + 1][0], decompose(years[i][1], years[i + 1][1], renames))
        for i in range(len(years) - 1)
    ]
    group = _peer_group(years[-1][1], args.peers) if args.peers else None
    if args.format == "json":
        data = to_dict(years, pairs)
        if group is not None:
            data["peers"] = peers_dict(group)
        stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        text = render(years, pairs) if len(years) > 1 else ""
        if group is not None:
            text += ("\n" if text else "") + render_peers(group)
        stdout.write(terminal(text))
    return 0


@dataclass(frozen=True)
class PeerGroup:
    project: Result
    inputs: Sequence[str]
    peers: list[Peer]
    failed: list[tuple[str, str]]  # (record id, source) of peers that could not be scored
    lines: list[Standing]
    middle: Peer | None
    versus_middle: Decomposition | None


def _peer_group(project: Result, inputs: Sequence[str]) -> PeerGroup:
    spec = project.spec
    peers: list[Peer] = []
    failed: list[tuple[str, str]] = []
    for record_id, source, outcome in score_inputs(spec, inputs):
        if isinstance(outcome, ScoringError):
            failed.append((record_id, source))
        else:
            peers.append(Peer(record_id, outcome))
    own = Scores.of(project)
    totals = Totals(
        project.total,
        project.grade,
        project.applicable_weight,
        tuple(_top_scores(project)),
        (),
        tuple(own.leaf_scores.get(leaf.id) for leaf in spec.leaves),
    )
    lines = standings(spec, totals, peers)
    middle = median_peer(peers) if peers else None
    versus = decompose(Scores.of_totals(spec, middle.totals), own) if middle else None
    return PeerGroup(project, inputs, peers, failed, lines, middle, versus)


def _top_scores(result: Result) -> list[Decimal | None]:
    return [top.score for top in result.indicators]


def render_peers(group: PeerGroup) -> str:
    places = group.project.spec.rounding.places
    count = len(group.peers)
    lines = [
        f"比较法（同类项目）：{'、'.join(group.inputs)} 中 {count} 个项目"
        + (f"；另 {len(group.failed)} 个记录无法计分，未计入" if group.failed else "")
    ]
    if group.failed:
        shown = "、".join(f"{rid}（{src}）" for rid, src in group.failed[:10])
        more = f" 等 {len(group.failed)} 个" if len(group.failed) > 10 else ""
        lines.append(f"未计入：{shown}{more}（用 jixiao batch 查看各自的错误）")
    if not count:
        lines.append("没有可比较的同类项目")
        return "\n".join(lines) + "\n"
    rows = []
    for line in group.lines:
        best = "" if line.best is None else format_number(line.best, places)
        benchmark = line.benchmark or ""
        if line.tied_best:
            benchmark += f" 等 {line.tied_best + 1} 个"
        rows.append(
            [
                ("· " if line.level > 1 else "") + line.name,  # 总分, 一级指标, leaves
                _score(line.score, places),
                shown_rank(line.rank),
                "" if line.median is None else format_number(line.median, places),
                best,
                benchmark,
            ]
        )
    lines.append(
        tabulate(
            rows,
            headers=["指标", "本项目", "百分位", "中位数", "最高", "标杆项目"],
            disable_numparse=True,
        )
    )
    lines.append(
        "（百分位 = 得分更低的同类项目占比，同分的算一半；标杆项目 = 得分最高者，同分取总分高者）"
    )
    if group.middle is not None and group.versus_middle is not None:
        lines.append("")
        lines.append(render_factors(f"中位项目 {group.middle.id}", "本项目", group.versus_middle))
    return "\n".join(lines) + "\n"


def peers_dict(group: PeerGroup) -> dict[str, Any]:
    out: dict[str, Any] = {
        "inputs": list(group.inputs),
        "count": len(group.peers),
        "failed": [{"id": rid, "source": src} for rid, src in group.failed],
        "lines": [
            {
                "id": line.id,
                "name": line.name,
                "level": line.level,
                "score": line.score,
                "percentile_rank": None if line.rank is None else shown_rank(line.rank),
                "peers": line.peers,
                "median": line.median,
                "best": line.best,
                "benchmark": line.benchmark,
                "tied_best": line.tied_best,
            }
            for line in group.lines
        ],
        "median_project": None if group.middle is None else group.middle.id,
    }
    if group.versus_middle is not None:
        out["versus_median"] = _factors_dict("中位项目", "本项目", group.versus_middle)
    return out


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
    out["factors"] = [_factors_dict(a, b, d) for a, b, d in pairs]
    return out


def _factors_dict(year_a: str, year_b: str, decomposition: Decomposition) -> dict[str, Any]:
    shown = shown_parts(decomposition)
    return {
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
