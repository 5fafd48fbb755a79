"""比较法: a project's years side by side, and the project among its peers, as data.

``compare_years`` scores each year's facts under that year's spec and decomposes each change of
the total (``factors``); ``peer_group`` scores a batch of projects of the same kind and places the
project among them (``peers``), with the difference from the median project decomposed too.
Rendering is ``scoring.report.comparison``'s.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..engine.facts import load_facts_years
from ..engine.result import Result, Totals
from ..engine.scorer import score
from ..errors import Problem, ScoringError, UsageError
from ..formula.expr import Value
from ..i18n import tr, ui
from ..spec.compiled import Spec
from ..spec.loader import load_spec
from .cost import CostLine, PeerCost, cost_lines, peer_costs
from .factors import Decomposition, Scores, decompose
from .peers import Peer, Standing, median_peer, standings

__all__ = ["Comparison", "PeerGroup", "compare_years", "peer_group", "totals_of"]


@dataclass(frozen=True)
class PeerGroup:
    project: Result
    inputs: Sequence[str]
    peers: list[Peer]
    failed: list[tuple[str, str]]  # (record id, source) of the peers that could not be scored
    lines: list[Standing]
    middle: Peer | None  # the median project
    versus_middle: Decomposition | None  # the median project → this project
    costs: list[PeerCost] = field(default_factory=list)  # 最低成本法, when the spec declares any


@dataclass(frozen=True)
class Comparison:
    years: list[tuple[str, Result]]  # by year
    pairs: list[tuple[str, str, Decomposition]]  # each year → the next
    peers: PeerGroup | None = None

    @property
    def costs(self) -> list[tuple[str, list[CostLine]]]:
        """成本效益分析法: each year's cost measures (empty when the spec declares none)."""
        return [(year, cost_lines(result.spec, result.values)) for year, result in self.years]


def compare_years(
    files: Sequence[str],
    common: str | None,
    per_year: Mapping[str, str],
    renames: Mapping[str, str] | None = None,
    *,
    latest: Result | None = None,
) -> Comparison:
    """Each facts file is one year (``project.year``), scored under ``per_year[year]`` or
    ``common``; consecutive years are decomposed, an id of the earlier year mapped by
    ``renames`` to the later one's. ``latest`` is a year already scored under ``common`` (the
    report's own result), which must be later than every file's."""
    loaded = []
    seen: dict[str, str] = {}
    for file, facts in ((f, facts) for f in _facts_files(files) for facts in load_facts_years(f)):
        year = str(facts.project.get("year") or "").strip()
        if not year:
            message = tr(
                "compare-year",
                "a comparison needs each file's year: write the year evaluated under project.year",
            )
            raise ScoringError(Problem(message, "compare-year", file=file))
        if year in seen:
            message = tr(
                "compare-year",
                "year {year} is already given by {file}: each year has one facts file only",
                year=year,
                file=seen[year],
            )
            raise ScoringError(Problem(message, "compare-year", file=file))
        seen[year] = file
        loaded.append((year, file, facts))
    unknown = sorted(set(per_year) - set(seen))
    if unknown:
        raise UsageError(
            ui("--spec-for names years that no facts file has: {years}", years="、".join(unknown))
        )
    specs: dict[str, Spec] = {common: latest.spec} if latest is not None and common else {}
    years = []
    for year, file, facts in sorted(loaded, key=lambda item: item[0]):
        path = per_year.get(year, common)
        if path is None:
            raise UsageError(
                ui(
                    "{file} (year {year}) has no indicator system: give --spec or --spec-for "
                    "{year}=SPEC",
                    file=file,
                    year=year,
                )
            )
        if path not in specs:
            specs[path] = load_spec(path)
        years.append((year, score(specs[path], facts)))
    if latest is not None:
        this_year = str(latest.project.get("year") or "")
        if years and years[-1][0] >= this_year:
            raise UsageError(
                ui(
                    "the year of --previous ({previous}) is not before this report's year ({year})",
                    previous=years[-1][0],
                    year=this_year,
                )
            )
        years.append((this_year, latest))
    pairs = [
        (years[i][0], years[i + 1][0], decompose(years[i][1], years[i + 1][1], renames))
        for i in range(len(years) - 1)
    ]
    return Comparison(years, pairs)


def _facts_files(paths: Sequence[str]) -> list[str]:
    """The files named, and the facts files (.yaml, .yml, .json) directly in the folders named."""
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            out += sorted(
                os.path.join(path, name)
                for name in os.listdir(path)
                if name.endswith((".yaml", ".yml", ".json"))
                and not name.endswith(".cases.yaml")
                and os.path.isfile(os.path.join(path, name))
            )
        else:
            out.append(path)
    return out


def peer_group(
    project: Result,
    inputs: Sequence[str],
    scored: Iterable[tuple[str, str, Result | Totals | ScoringError]],
) -> PeerGroup:
    """The project among its peers: the records of ``inputs``, ``scored`` under its spec.

    The batch layer reads and scores the peers (``scoring.batch.peer_columns.scored_peers``); a
    peer comes as its whole ``Result`` where the spec's cost measures need its values, else as
    its ``Totals``.
    """
    spec = project.spec
    peers: list[Peer] = []
    failed: list[tuple[str, str]] = []
    values: list[tuple[str, Mapping[str, Value]]] = []  # for the cost measures
    for record_id, source, outcome in scored:
        if isinstance(outcome, ScoringError):
            failed.append((record_id, source))
        elif isinstance(outcome, Result):
            peers.append(Peer(record_id, totals_of(outcome)))
            values.append((record_id, outcome.values))
        else:
            peers.append(Peer(record_id, outcome))
    middle = median_peer(peers) if peers else None
    own = Scores.of(project)
    versus = decompose(Scores.of_totals(spec, middle.totals), own) if middle else None
    lines = standings(spec, totals_of(project), peers)
    costs = peer_costs(spec, project.values, values) if spec.cost_measures else []
    return PeerGroup(project, inputs, peers, failed, lines, middle, versus, costs)


def totals_of(result: Result) -> Totals:
    """A result's numbers in the shape ``score_totals`` gives them."""
    scores = {leaf.id: leaf.score for leaf in result.leaves()}
    return Totals(
        result.total,
        result.grade,
        result.applicable_weight,
        tuple(top.score for top in result.indicators),
        tuple(top.applicable_weight for top in result.indicators),
        tuple(scores.get(leaf.id) for leaf in result.spec.leaves),
    )
