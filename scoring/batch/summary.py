"""What a batch came to: counts, grade distribution, means, where points were lost, best and worst.

A ``Summary`` is built per chunk of records (in whichever process scored them) and the chunks'
summaries are merged in input order, so it holds only sums, counts and the few best and worst
records: memory does not grow with the number of records, and ``--workers`` gives the same summary
as one process. ``render_text`` is what ``jixiao batch`` prints on stderr; ``summary_html`` draws it.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ..engine.result import Totals
from ..errors import ScoringError
from ..i18n import N_, ui
from ..numbers.text import format_number
from ..spec.compiled import Spec
from ..writing.channels import terminal

__all__ = ["Ranked", "Summary"]

ZERO = Decimal(0)
KEEP = 5  # best and worst projects, and first failures, kept for the report
FOLD_EVERY = 1000  # records whose per-indicator numbers wait to be summed a column at a time


@dataclass(frozen=True, order=True)
class Ranked:
    """A project in the best/worst lists; ordered so that the heap keeps the right ones."""

    key: tuple[Decimal, int]
    total: Decimal = field(compare=False)
    grade: str = field(compare=False)
    id: str = field(compare=False)
    name: str = field(compare=False)  # 项目名称, as the output's name column has it
    source: str = field(compare=False)

    @property
    def label(self) -> str:
        """The project as the best/worst lists name it: its id and name, or its id alone when
        the name is empty or the id itself (a row with no 项目名称 is named by its id)."""
        return self.id if self.name in ("", self.id) else f"{self.id} {self.name}"


@dataclass
class Summary:
    """Mergeable totals over scored records; names come from the spec, numbers from the records."""

    grade_names: tuple[str, ...]
    top_names: tuple[str, ...]
    leaf_names: tuple[str, ...]
    leaf_full_marks: tuple[Decimal, ...]
    places: int
    top_weights: tuple[Decimal, ...]  # when every indicator applies
    records: int = 0
    failed: int = 0
    grades: Counter[str] = field(default_factory=Counter)
    total_sum: Decimal = ZERO
    # Each 一级指标's points summed per applicable weight ((index, weight) → Σ points): a mean
    # score rate is then a few divisions at the end, exact whatever the chunks and workers.
    top_points: dict[tuple[int, Decimal], Decimal] = field(default_factory=dict)
    top_rated: list[int] = field(default_factory=list)
    leaf_points: list[Decimal] = field(default_factory=list)  # Σ score where applicable
    leaf_losing: list[int] = field(default_factory=list)  # records that lost points here
    leaf_applicable: list[int] = field(default_factory=list)
    best: list[Ranked] = field(default_factory=list)  # min-heaps of KEEP
    worst: list[Ranked] = field(default_factory=list)
    error_codes: Counter[str] = field(default_factory=Counter)
    first_errors: list[tuple[int, str]] = field(default_factory=list)
    _pending: list[Totals] = field(default_factory=list, repr=False)  # added, not yet folded

    @classmethod
    def empty(cls, spec: Spec) -> Summary:
        tops, leaves = len(spec.indicators), len(spec.leaves)
        return cls(
            grade_names=tuple(name for name, _ in spec.grades.bands),
            top_names=tuple(node.name for node in spec.indicators),
            leaf_names=tuple(leaf.name for leaf in spec.leaves),
            leaf_full_marks=spec.full_marks,  # the plan hands out these very objects
            places=spec.rounding.places,
            top_weights=spec.top_weights,
            top_rated=[0] * tops,
            leaf_points=[ZERO] * leaves,
            leaf_losing=[0] * leaves,
            leaf_applicable=[0] * leaves,
        )

    @property
    def scored(self) -> int:
        return self.records - self.failed

    # ---- adding records ------------------------------------------------------------------------
    def add_many(self, scored: list[tuple[int, str, str, str, Totals]]) -> None:
        """Add scored records (index, id, name, source, totals), a run at a time: the sums are
        taken a column at a time (``_fold``) and only a run's best and worst few are ranked."""
        if not scored:
            return
        results = [entry[4] for entry in scored]
        self.records += len(results)
        self.grades.update([result.grade for result in results])
        self.total_sum += sum([result.total for result in results], ZERO)
        self._pending.extend(results)
        if len(self._pending) >= FOLD_EVERY:
            self._fold()
        # A run's best and worst few; both are stable, so ties go to the earlier record.
        best = heapq.nlargest(KEEP, scored, key=_total)
        worst = heapq.nsmallest(KEEP, scored, key=_total)
        for heap, sign, run in ((self.best, 1, best), (self.worst, -1, worst)):
            for index, record_id, name, source, result in run:
                key = (result.total if sign == 1 else -result.total, -index)
                if len(heap) < KEEP or key > heap[0].key:
                    ranked = Ranked(key, result.total, result.grade, record_id, name, source)
                    self._rank(heap, ranked)

    def _fold(self) -> None:
        """Add the pending records' per-indicator numbers to the sums, a column at a time;
        records where every indicator applies (most) without looking for what does not.

        Every indicator applies exactly when the totals carry the spec's own ``top_weights``
        object (``totals.applicable_weights`` and the plan hand it out only then). Equal values
        are not enough: a leaf of weight 0 not applying leaves the weights as they were."""
        pending, self._pending = self._pending, []
        full = self.top_weights
        complete: list[Totals] = []
        partial: list[Totals] = []
        for result in pending:
            (complete if result.top_applicable is full else partial).append(result)
        if complete:
            self._add_columns(complete, full)
        if partial:
            self._add_columns(partial, None)

    def _add_columns(self, results: list[Totals], weights: tuple[Decimal, ...] | None) -> None:
        """Sum a run of records' scores; ``weights``: every one of them has these applicable
        (nothing to skip), else each record's own, and a None score is skipped."""
        tops = zip(*(r.top_scores for r in results), strict=True)
        points = self.top_points
        if weights is not None:
            for i, (column, weight) in enumerate(zip(tops, weights, strict=True)):
                if weight:
                    key = (i, weight)
                    points[key] = points.get(key, ZERO) + sum(column, ZERO)
                    self.top_rated[i] += len(column)
        else:
            applicable = zip(*(r.top_applicable for r in results), strict=True)
            for i, (column, each) in enumerate(zip(tops, applicable, strict=True)):
                for score, weight in zip(column, each, strict=True):
                    if score is not None and weight:
                        key = (i, weight)
                        points[key] = points.get(key, ZERO) + score
                        self.top_rated[i] += 1
        leaves = zip(*(r.leaf_scores for r in results), strict=True)
        for i, column in enumerate(leaves):
            given = list(column) if weights is not None else [p for p in column if p is not None]
            self.leaf_applicable[i] += len(given)
            self.leaf_points[i] += sum(given, ZERO)
            self.leaf_losing[i] += len(given) - given.count(self.leaf_full_marks[i])

    def add_failure(self, index: int, error: ScoringError) -> None:
        self.records += 1
        self.failed += 1
        self.error_codes.update(dict.fromkeys(error.codes, 1))  # ordered: same in any process
        if len(self.first_errors) < KEEP:
            more = len(error.problems) - 1
            text = str(error.problems[0]) + (ui(" (and {more} more)", more=more) if more else "")
            self.first_errors.append((index, text))

    @staticmethod
    def _rank(heap: list[Ranked], item: Ranked) -> None:
        if len(heap) < KEEP:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)

    def merge(self, other: Summary) -> None:
        """Add another chunk's summary (of records after this one's, for first_errors' order)."""
        self._fold()
        other._fold()
        self.records += other.records
        self.failed += other.failed
        self.grades.update(other.grades)
        self.total_sum += other.total_sum
        for key, amount in other.top_points.items():
            self.top_points[key] = self.top_points.get(key, ZERO) + amount
        for i, amount in enumerate(other.leaf_points):
            self.leaf_points[i] += amount
        for counts, extra in (
            (self.top_rated, other.top_rated),
            (self.leaf_losing, other.leaf_losing),
            (self.leaf_applicable, other.leaf_applicable),
        ):
            for i, count in enumerate(extra):
                counts[i] += count
        for item in other.best:
            self._rank(self.best, item)
        for item in other.worst:
            self._rank(self.worst, item)
        self.error_codes.update(other.error_codes)
        self.first_errors = sorted(self.first_errors + other.first_errors)[:KEEP]

    # ---- reading it ----------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, object]:
        self._fold()  # a chunk's summary goes back from a worker folded
        return self.__dict__

    def mean_total(self) -> Decimal | None:
        return self.total_sum / self.scored if self.scored else None

    def top_rates(self) -> list[tuple[str, Decimal | None]]:
        """Mean score rate (得分率) of each 一级指标 over the records where it applies."""
        self._fold()
        rate_sums = [ZERO] * len(self.top_names)
        for (i, weight), points in sorted(self.top_points.items()):
            rate_sums[i] += points / weight
        return [
            (name, rate_sums[i] / self.top_rated[i] if self.top_rated[i] else None)
            for i, name in enumerate(self.top_names)
        ]

    def losses(self, limit: int = 10) -> list[tuple[str, Decimal, Decimal, Decimal]]:
        """Leaves that lost the most points overall: (name, lost, mean lost, share of records)."""
        self._fold()
        rows = []
        for i, points in enumerate(self.leaf_points):
            applicable = self.leaf_applicable[i]
            lost = self.leaf_full_marks[i] * applicable - points
            if lost > 0:
                share = Decimal(self.leaf_losing[i]) / applicable
                rows.append((self.leaf_names[i], lost, lost / applicable, share))
        rows.sort(key=lambda row: -row[1])
        return rows[:limit]

    def ranked(self, which: str) -> list[Ranked]:
        """The best (highest total first) or worst (lowest first) projects; ties by input order."""
        return sorted(self.best if which == "best" else self.worst, reverse=True)

    def render_text(self) -> str:
        """The summary printed after a batch, one fact per line."""
        lines = [
            ui(
                "records: {records:,}, scored {scored:,}, failed {failed:,}",
                records=self.records,
                scored=self.scored,
                failed=self.failed,
            ),
        ]
        if self.scored:
            grades = "  ".join(
                f"{name} {self.grades[name]:,} ({pct(Decimal(self.grades[name]) / self.scored)})"
                for name in self.grade_names
            )
            lines.append(ui("grades: {grades}", grades=grades))
            lines.append(ui("mean total: {total}", total=self.number(self.mean_total())))
            rates = "  ".join(f"{name} {pct(rate)}" for name, rate in self.top_rates())
            lines.append(ui("mean score rate (一级指标): {rates}", rates=rates))
            losses = self.losses()
            if losses:
                lines.append(ui("most points lost:"))
                lines.extend(
                    ui(
                        "  {name}: {lost} in all, {mean} per project, in {share} of projects",
                        name=name,
                        lost=self.number(lost),
                        mean=self.number(mean),
                        share=pct(share),
                    )
                    for name, lost, mean, share in losses
                )
            for which, title in (("best", N_("top {count}:")), ("worst", N_("bottom {count}:"))):
                ranked = self.ranked(which)
                lines.append(ui(title, count=len(ranked)))
                lines.extend(
                    f"  {self.number(item.total)} {item.grade}  {item.label}  ({item.source})"
                    for item in ranked
                )
        if self.failed:
            codes = ", ".join(f"{code} {count:,}" for code, count in self.error_codes.most_common())
            lines.append(ui("failures by code: {codes}", codes=codes))
            lines.append(ui("first failures:"))
            lines.extend(f"  {message}" for _, message in self.first_errors)
        # Printed on a terminal: names, ids and messages from the inputs are shown, not run.
        return terminal("\n".join(lines) + "\n")

    def number(self, value: Decimal | None) -> str:
        """A score as the 自评表 writes it: rounded half-up to the spec's places, trailing zeros
        kept (76.40, not 76.4, beside 75.78)."""
        if value is None:
            return "—"
        return format_number(value, self.places)


def pct(ratio: Decimal | None) -> str:
    """A share as the summary prints it: one place, kept when it is 0 (95.0%, beside 90.7%)."""
    if ratio is None:
        return "—"
    return format_number(ratio * 100, 1) + "%"


def _total(entry: tuple[int, str, str, str, Totals]) -> Decimal:
    return entry[4].total
