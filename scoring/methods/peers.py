"""比较法 against peers and 标杆管理: where one project stands among projects of its kind.

For the total, every 一级指标 and every leaf, over the peers that have a score there (a peer whose
record could not be scored, or where the indicator does not apply, is left out of that line):

    percentile rank = (peers scoring lower + ½ × peers scoring the same) ÷ peers × 100
    median          = the middle score (the mean of the two middle ones for an even count)
    best            = the highest score; the benchmark (标杆) is the peer that has it, ties going
                      to the higher total, then to the earlier record

The project is compared with the peers as given: when it is one of them, it ties with itself.
Exact ``Decimal`` throughout; ranks are shown to two places, half-up.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..engine.result import Totals
from ..numbers.limits import CTX
from ..spec.compiled import Spec

__all__ = [
    "Peer",
    "PercentileTable",
    "Standing",
    "median",
    "median_peer",
    "shown_rank",
    "standings",
]


@dataclass(frozen=True)
class Peer:
    id: str
    totals: Totals


@dataclass(frozen=True)
class Standing:
    """One line of the comparison: an indicator (or the total) among the peers."""

    id: str  # indicator id, or "总分"
    name: str
    level: int  # 0 for the total, 1 for a 一级指标, 2+ for leaves (their depth)
    score: Decimal | None  # the project's; None when it does not apply to it
    peers: int  # peers with a score here
    rank: Decimal | None  # percentile rank in [0, 100], None without a score or peers
    median: Decimal | None
    best: Decimal | None
    benchmark: str | None  # id of the peer with the best score
    tied_best: int  # other peers at the best score


def median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return CTX.divide(CTX.add(ordered[middle - 1], ordered[middle]), 2)


class PercentileTable:
    """The peers' values of one line, sorted once: the percentile rank of a value among them,
    (lower + ½ × equal) ÷ count × 100, exact, in log time (a batch ranks many projects)."""

    def __init__(self, values: Sequence[Decimal]) -> None:
        self.values = sorted(values)

    def rank(self, value: Decimal) -> Decimal | None:
        """None without peers."""
        if not self.values:
            return None
        lower = bisect.bisect_left(self.values, value)
        equal = bisect.bisect_right(self.values, value) - lower
        return CTX.divide(Decimal(2 * lower + equal) * 50, len(self.values))


def median_peer(peers: Sequence[Peer]) -> Peer:
    """The peer at the middle of the totals (the lower of the two middle ones for an even count;
    equal totals in input order): a real project to decompose the difference against."""
    ordered = sorted(range(len(peers)), key=lambda i: (peers[i].totals.total, i))
    return peers[ordered[(len(ordered) - 1) // 2]]


def standings(spec: Spec, project: Totals, peers: Sequence[Peer]) -> list[Standing]:
    """The total, then each 一级指标 followed by its leaves, in the spec's order."""
    lines = [
        _standing(
            "总分",
            "总分",
            0,
            project.total,
            [(p.id, p.totals.total, p.totals.total) for p in peers],
        )
    ]
    for top_index, (top, (start, stop)) in enumerate(
        zip(spec.indicators, spec.top_leaf_ranges, strict=True)
    ):
        lines.append(
            _standing(
                top.id,
                top.name,
                1,
                project.top_scores[top_index],
                [(p.id, p.totals.top_scores[top_index], p.totals.total) for p in peers],
            )
        )
        for leaf_index in range(start, stop):
            leaf = spec.leaves[leaf_index]
            lines.append(
                _standing(
                    leaf.id,
                    leaf.name,
                    leaf.level,
                    project.leaf_scores[leaf_index],
                    [(p.id, p.totals.leaf_scores[leaf_index], p.totals.total) for p in peers],
                )
            )
    return lines


def _standing(
    line_id: str,
    name: str,
    level: int,
    score: Decimal | None,
    given: Sequence[tuple[str, Decimal | None, Decimal]],
) -> Standing:
    scored = [(peer_id, value, total) for peer_id, value, total in given if value is not None]
    values = [value for _, value, _ in scored]
    if not values:
        return Standing(line_id, name, level, score, 0, None, None, None, None, 0)
    best = max(values)
    at_best = [(peer_id, total) for peer_id, value, total in scored if value == best]
    # Ties to the higher total; max() keeps the first of equals, so the earlier record wins.
    benchmark = max(at_best, key=lambda item: item[1])[0]
    table = PercentileTable(values)
    rank = None if score is None else table.rank(score)
    return Standing(
        line_id,
        name,
        level,
        score,
        len(values),
        rank,
        median(table.values),
        best,
        benchmark,
        len(at_best) - 1,
    )


def shown_rank(rank: Decimal | None) -> str:
    return "—" if rank is None else format(rank.quantize(Decimal("0.01"), ROUND_HALF_UP, CTX), "f")
