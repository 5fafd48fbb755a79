"""比较法: a project's years side by side, and the project among its peers, as data.

``compare_years`` scores each year's facts under that year's spec and decomposes each change of
the total (``factors``); ``peer_group`` scores a batch of projects of the same kind and places the
project among them (``peers``), with the difference from the median project decomposed too.
Rendering is ``scoring.report.comparison``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..compiled import Spec
from ..engine import score
from ..errors import Problem, ScoringError, UsageError
from ..facts import load_facts
from ..loader import load_spec
from ..result import Result, Totals
from .factors import Decomposition, Scores, decompose
from .peers import Peer, Standing, median_peer, standings

__all__ = ["Comparison", "PeerGroup", "compare_years", "peer_group"]


@dataclass(frozen=True)
class PeerGroup:
    project: Result
    inputs: Sequence[str]
    peers: list[Peer]
    failed: list[tuple[str, str]]  # (record id, source) of the peers that could not be scored
    lines: list[Standing]
    middle: Peer | None  # the median project
    versus_middle: Decomposition | None  # the median project → this project


@dataclass(frozen=True)
class Comparison:
    years: list[tuple[str, Result]]  # by year
    pairs: list[tuple[str, str, Decomposition]]  # each year → the next
    peers: PeerGroup | None = None


def compare_years(
    files: Sequence[str],
    common: str | None,
    per_year: Mapping[str, str],
    renames: Mapping[str, str] | None = None,
) -> Comparison:
    """Each facts file is one year (``project.year``), scored under ``per_year[year]`` or
    ``common``; consecutive years are decomposed, an id of the earlier year mapped by
    ``renames`` to the later one's."""
    loaded = []
    seen: dict[str, str] = {}
    for file in files:
        facts = load_facts(file)
        year = str(facts.project.get("year") or "").strip()
        if not year:
            raise ScoringError(
                Problem("比较需要年度：请在 project.year 写明评价年度", "compare-year", file=file)
            )
        if year in seen:
            raise ScoringError(
                Problem(
                    f"年度 {year} 已由 {seen[year]} 给出：每个年度只能有一个事实文件",
                    "compare-year",
                    file=file,
                )
            )
        seen[year] = file
        loaded.append((year, file, facts))
    unknown = sorted(set(per_year) - set(seen))
    if unknown:
        raise UsageError(f"--spec-for 的年度 {'、'.join(unknown)} 没有事实文件")
    specs: dict[str, Spec] = {}
    years = []
    for year, file, facts in sorted(loaded, key=lambda item: item[0]):
        path = per_year.get(year, common)
        if path is None:
            raise UsageError(
                f"{file}（{year} 年）没有指标体系：给出 --spec 或 --spec-for {year}=SPEC"
            )
        if path not in specs:
            specs[path] = load_spec(path)
        years.append((year, score(specs[path], facts)))
    pairs = [
        (years[i][0], years[i + 1][0], decompose(years[i][1], years[i + 1][1], renames))
        for i in range(len(years) - 1)
    ]
    return Comparison(years, pairs)


def peer_group(project: Result, inputs: Sequence[str]) -> PeerGroup:
    """The project among the records of ``inputs`` (any batch input), scored under its spec."""
    from ..batch.core import score_inputs  # the batch readers, only when peers are asked for

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
        tuple(top.score for top in project.indicators),
        (),
        tuple(own.leaf_scores.get(leaf.id) for leaf in spec.leaves),
    )
    middle = median_peer(peers) if peers else None
    versus = decompose(Scores.of_totals(spec, middle.totals), own) if middle else None
    return PeerGroup(project, inputs, peers, failed, standings(spec, totals, peers), middle, versus)
