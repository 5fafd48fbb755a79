"""The what-if over a population: every record of batch inputs scored under two specs, summarised.

``diff_population`` reads each input once and scores every block of records twice, under A and
under B: a UTF-8 CSV column by column where the columnar backend can (``population_columnar``),
every other record — and each row the columnar scorers decline — record by record through the
batch pipeline (``core.record_outcomes``: table rows by the compiled plan, the rest by the
engine). ``diff_inputs`` gives each record's outcome under both, record by record, for a caller
that wants them one at a time. ``PopulationDiff`` gathers what a finance bureau asks of a reweighting: how many
projects change grade and which way, how each 一级指标 and the total move (mean, spread, extremes),
which projects move most, and every record that fails under either spec, with its located error.

B scores what ``whatif.compare`` gives it: a rating in points on an indicator B weighs differently
is carried to B as the same share of A's weight. For table rows this is done to the row itself,
before it is read: the points cell is replaced by the share's text and B's column map reads that
column as the share (``CarriedRows``), so B's rows still take the plan's fast path. A row whose
points cell is not a plain number, or whose share would not read back exactly, is scored under B
from its facts instead (``_SharesConverter``), as are JSON Lines and facts files: the same numbers
and errors either way (tests/test_diff_population.py holds the summary equal to ``compare()`` on
each record).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from ..engine.facts import Facts, facts_from_record, share_of
from ..engine.result import Totals
from ..engine.whatif import carried_share, carried_weights, ratings_as_shares
from ..errors import FactsError, Problem, ScoringError
from ..numbers.quantities import parse_number
from ..spec.compiled import Spec
from .column_map import ColumnMap
from .core import record_outcomes
from .inputs import Input, check_chunk_size, open_inputs
from .records import Converted, Converter, RawRecord, RowConverter, project_name

if TYPE_CHECKING:
    from .population_columnar import ColumnarPair

__all__ = [
    "CarriedRows",
    "Failure",
    "Mover",
    "PairOutcome",
    "PopulationDiff",
    "ScorerB",
    "Spread",
    "add_records",
    "diff_inputs",
    "diff_population",
    "open_pair",
]

CHUNK_SIZE = 500  # records per chunk, as ``jixiao batch``
TOTAL = "总分"  # the key of the total among the changes summarised


@dataclass(frozen=True)
class PairOutcome:
    """One record under both specs: its id, where it is, and its totals (or error) under each."""

    index: int  # 0-based, across all inputs
    id: str
    source: str
    a: Totals | ScoringError
    b: Totals | ScoringError


# ---- scoring ------------------------------------------------------------------------------------
def diff_inputs(
    spec_a: Spec,
    spec_b: Spec,
    paths: Sequence[str],
    *,
    id_column: str | None = None,
    sheet: str | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[tuple[PairOutcome, RawRecord, Converter]]:
    """Every record of ``paths`` scored under A and B, in order, each with its raw record and the
    converter that reads it (for its name, wanted only for the projects that move most). Every
    input's header is checked under both specs before any record is scored: a broken input raises
    one FactsError with every problem (each marked B's when only B cannot read the header).
    A ``chunk_size`` below 1 raises ValueError (chunks of no record would give no record)."""
    check_chunk_size(chunk_size)
    index = 0
    for item_a, scorer_b in open_pair(spec_a, spec_b, paths, id_column=id_column, sheet=sheet):
        for chunk in item_a.chunks(chunk_size):
            yield from _pairs(spec_a, item_a.converter, scorer_b, index, chunk)
            index += len(chunk)


def open_pair(
    spec_a: Spec,
    spec_b: Spec,
    paths: Sequence[str],
    *,
    id_column: str | None = None,
    sheet: str | None = None,
) -> list[tuple[Input, ScorerB]]:
    """Each input opened under A, with what scores its records under B; every header checked
    under both specs first (one FactsError with every problem, each marked B's when only B
    cannot read the header)."""
    carried = carried_weights(spec_a, spec_b)
    opened: list[tuple[Input, ScorerB]] = []
    problems: list[Problem] = []
    # Input by input, so that an input only B cannot read is reported beside one A cannot read
    # (B's problems with an input A cannot read either would mostly say the same again).
    for path in paths:
        try:
            (item_a,) = open_inputs(spec_a, [path], id_column=id_column, sheet=sheet)
        except FactsError as exc:
            problems += exc.problems
            continue
        try:
            (item_b,) = open_inputs(spec_b, [path], id_column=id_column, sheet=sheet)
        except FactsError as exc:  # a header A reads and B does not: say it is B's
            problems += [replace(p, message=f"B ({spec_b.id}): {p.message}") for p in exc.problems]
            continue
        opened.append((item_a, _scorer_b(spec_a, spec_b, item_b, carried)))
    if problems:
        raise FactsError(problems)
    return opened


def _pairs(
    spec_a: Spec,
    converter_a: Converter,
    scorer_b: ScorerB,
    start: int | Sequence[int],
    chunk: list[RawRecord],
) -> Iterator[tuple[PairOutcome, RawRecord, Converter]]:
    """A chunk's records scored record by record; ``start``: the first one's input position, or
    each one's."""
    indexes = range(start, start + len(chunk)) if isinstance(start, int) else start
    outcomes_b = scorer_b.outcomes(chunk)
    outcomes_a = record_outcomes(spec_a, converter_a, chunk)
    for index, (record_id, source, a), b, raw in zip(
        indexes, outcomes_a, outcomes_b, chunk, strict=True
    ):
        yield PairOutcome(index, record_id, source, a, b), raw, converter_a


@dataclass
class ScorerB:
    """Scores a chunk under B, each rating in points carried as a share of A's weight."""

    spec: Spec
    converter: Converter  # B's reading of the records not carried in the row (all, without rows)
    rows: CarriedRows | None  # table rows: carried in the row, scored on the fast path

    def outcomes(self, chunk: list[RawRecord]) -> list[Totals | ScoringError]:
        if self.rows is None:
            return [outcome for _, _, outcome in record_outcomes(self.spec, self.converter, chunk)]
        fast: list[RawRecord] = []
        slow: list[RawRecord] = []
        where: list[bool] = []  # each record: on the fast path?
        for number, payload in chunk:
            carried = self.rows.carry(payload)
            where.append(carried is not None)
            if carried is not None:
                fast.append((number, carried))
            else:
                slow.append((number, payload))
        fast_out = iter(record_outcomes(self.spec, self.rows.converter, fast) if fast else ())
        slow_out = iter(record_outcomes(self.spec, self.converter, slow) if slow else ())
        return [next(fast_out if on_fast else slow_out)[2] for on_fast in where]


def _scorer_b(spec_a: Spec, spec_b: Spec, item_b: Input, carried: Mapping[str, Decimal]) -> ScorerB:
    by_facts = _SharesConverter(item_b.converter, spec_a)
    converter = item_b.converter
    if isinstance(converter, RowConverter):
        rows = CarriedRows.of(converter, carried)
        if rows is None:  # no points column to carry: B reads the rows as they are, fast
            return ScorerB(spec_b, converter, None)
        return ScorerB(spec_b, by_facts, rows)
    return ScorerB(spec_b, by_facts, None)


@dataclass(frozen=True)
class _SharesConverter:
    """B's converter for a record scored from its facts: the facts as ``compare`` gives B."""

    inner: Converter
    spec_a: Spec

    def source(self, number: int, payload: Any) -> str:
        return self.inner.source(number, payload)

    def fallback_id(self, number: int, payload: Any) -> str:
        return self.inner.fallback_id(number, payload)

    def convert(self, spec: Spec, number: int, payload: Any) -> Converted:
        record_id, record = self.inner.convert(spec, number, payload)
        if isinstance(record, ScoringError):
            return record_id, record
        try:
            facts = (
                record
                if isinstance(record, Facts)
                else facts_from_record(record, file=self.source(number, payload))
            )
        except ScoringError as exc:
            return record_id, exc
        return record_id, ratings_as_shares(self.spec_a, spec, facts)


@dataclass(frozen=True)
class CarriedRows:
    """Table rows with each carried rating's points replaced by its share, and the column map
    under which B reads that column as the share."""

    converter: RowConverter
    moves: tuple[tuple[int, int, Decimal], ...]  # (points column, share column, A's weight)
    # (cell's type, cell, A's weight) → the share's text, or None: points cells repeat (a rating
    # is a few distinct numbers), and reading one is most of what carrying a row costs.
    _shares: dict[tuple[type, Any, Decimal], str | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def of(cls, converter: RowConverter, carried: Mapping[str, Decimal]) -> CarriedRows | None:
        cmap = converter.cmap
        if not any(node_id in carried for node_id, *_ in cmap.ratings):
            return None  # nothing to carry: B reads the rows as they are
        ratings: list[tuple[str, int, int, int, int]] = []
        moves: list[tuple[int, int, Decimal]] = []
        for node_id, tier, points, share, narrative in cmap.ratings:
            weight_a = carried.get(node_id)
            if weight_a is None or points == cmap.absent:
                ratings.append((node_id, tier, points, share, narrative))
                continue
            target = points if share == cmap.absent else share
            moves.append((points, target, weight_a))
            ratings.append((node_id, tier, cmap.absent, target, narrative))
        carried_map: ColumnMap = replace(cmap, ratings=tuple(ratings))
        return cls(replace(converter, cmap=carried_map), tuple(moves))

    def carry(self, payload: Any) -> list[Any] | None:
        """The row with its points as shares, or None: B scores it from its facts."""
        if not isinstance(payload, (list, tuple)):
            return None  # unreadable: the error is worded from the facts
        row = list(payload)
        width = self.converter.cmap.width
        if len(row) < width and not self.converter.strict_width:
            row.extend([None] * (width - len(row)))  # a spreadsheet's short row, padded
        if len(row) != width:
            return None  # the wrong width: the error is worded from the facts
        for points_col, share_col, weight_a in self.moves:
            cell = row[points_col]
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            if share_col != points_col:
                other = row[share_col]
                if not (other is None or (isinstance(other, str) and not other.strip())):
                    return None  # points and a share both given: the facts say what is wrong
            text = self.share_text(cell, weight_a)
            if text is None:
                return None  # not a plain number: read from the facts, its error worded there
            row[share_col] = text
            if share_col != points_col:
                row[points_col] = ""
        return row

    def share_text(self, cell: Any, weight_a: Decimal) -> str | None:
        """``_share_text``, remembered."""
        key = (cell.__class__, cell, weight_a)  # every reader's cells are hashable
        shares = self._shares
        if key in shares:
            return shares[key]
        text = _share_text(cell, weight_a)
        if len(shares) < _CACHED_SHARES:
            shares[key] = text
        return text


def _share_text(cell: Any, weight_a: Decimal) -> str | None:
    """A points cell's share of A's weight as text, or None when the cell is not a plain number
    or the text would not read back as exactly that share."""
    try:
        points = parse_number(cell.strip() if isinstance(cell, str) else cell)
        share = carried_share(points, weight_a)
        text = str(share)
        return text if share_of(text) == share else None
    except (ArithmeticError, ValueError, TypeError):
        return None


_CACHED_SHARES = 10_000  # distinct points cells remembered per input


# ---- the summary --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spread:
    """How one score changes (B − A) over the records scored under both."""

    key: str  # an indicator id, or TOTAL
    name: str
    count: int  # records where it applies under both specs
    mean: Decimal | None
    std: Decimal | None  # of the population (divided by the count), not of a sample
    minimum: Decimal | None
    maximum: Decimal | None
    quartiles: tuple[Decimal, Decimal, Decimal] | None  # lower quartile, median, upper quartile


@dataclass(frozen=True)
class Mover:
    """A project that moves much: its id, name, place and totals under each spec."""

    id: str
    name: str
    source: str
    total_a: Decimal
    total_b: Decimal
    grade_a: str
    grade_b: str

    @property
    def change(self) -> Decimal:
        return self.total_b - self.total_a


@dataclass(frozen=True)
class Failure:
    """A record that cannot be scored under A, B or both: each error as it is located."""

    id: str
    source: str
    error_a: ScoringError | None
    error_b: ScoringError | None


@dataclass
class PopulationDiff:
    """The summary of a population scored under two specs; ``add`` one ``PairOutcome`` at a time.

    The changes are kept as counts of each value (a change of rounded scores has a few thousand
    possible values at most), so the mean, spread and quartiles are exact whatever the count.
    They are counted by their text: hashing a new Decimal costs five times what writing it does.
    """

    spec_a: Spec
    spec_b: Spec
    top: int = 20
    records: int = 0
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    _changes: dict[str, Counter[str]] = field(default_factory=dict, repr=False)
    _pairs: tuple[tuple[str, int, int], ...] = field(default=(), repr=False)
    _heap: list[tuple[Decimal, int, Mover]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        ids_b = {node.id: index for index, node in enumerate(self.spec_b.indicators)}
        self._pairs = tuple(
            (node.id, index, ids_b[node.id])
            for index, node in enumerate(self.spec_a.indicators)
            if node.id in ids_b
        )
        self._changes = {TOTAL: Counter(), **{key: Counter() for key, _, _ in self._pairs}}

    def add(self, outcome: PairOutcome, name: str | None = None) -> bool:
        """Count one record; True when it is among the top movers so far (its name is wanted:
        give it with ``name_mover``)."""
        self.records += 1
        a, b = outcome.a, outcome.b
        if isinstance(a, ScoringError) or isinstance(b, ScoringError):
            error_a = a if isinstance(a, ScoringError) else None
            error_b = b if isinstance(b, ScoringError) else None
            self.failures.append(Failure(outcome.id, outcome.source, error_a, error_b))
            return False
        self.transitions[(a.grade, b.grade)] += 1
        changes = self._changes
        change = b.total - a.total
        changes[TOTAL][str(change)] += 1
        tops_a, tops_b = a.top_scores, b.top_scores
        for key, index_a, index_b in self._pairs:
            score_a, score_b = tops_a[index_a], tops_b[index_b]
            if score_a is not None and score_b is not None:
                changes[key][str(score_b - score_a)] += 1
        if not self.wants_mover(abs(change), outcome.index):
            return False
        mover = Mover(
            outcome.id, name or outcome.id, outcome.source, a.total, b.total, a.grade, b.grade
        )
        self.add_mover(outcome.index, mover)
        return True

    def add_counts(
        self,
        records: int,
        transitions: Mapping[tuple[str, str], int],
        changes: Mapping[str, Mapping[str, int]],
    ) -> None:
        """Count ``records`` records scored under both specs at once (a column of them): how many
        go from each grade to each, and how many change by each amount (by its text), for the
        total (``TOTAL``) and each 一级指标 by id. Their movers are offered with ``add_mover``."""
        self.records += records
        self.transitions.update(transitions)
        for key, counts in changes.items():
            self._changes[key].update(counts)

    def wants_mover(self, size: Decimal, index: int) -> bool:
        """Whether a change of total of ``size`` (its absolute value) at input position ``index``
        is among the top movers so far."""
        heap = self._heap
        return self.top > 0 and (len(heap) < self.top or (size, -index) > heap[0][:2])

    def add_mover(self, index: int, mover: Mover) -> None:
        """Keep ``mover`` (at input position ``index``) if it is among the top movers so far."""
        entry = (abs(mover.change), -index)
        if not self.wants_mover(entry[0], index):
            return
        if len(self._heap) < self.top:
            heapq.heappush(self._heap, (*entry, mover))
        else:
            heapq.heapreplace(self._heap, (*entry, mover))

    @property
    def top_pairs(self) -> tuple[tuple[str, int, int], ...]:
        """Each 一级指标 in both specs: (id, its position in A, its position in B)."""
        return self._pairs

    def name_mover(self, index: int, name: str) -> None:
        """Give the project name of the mover at input position ``index`` (0-based)."""
        for position, (size, order, mover) in enumerate(self._heap):
            if order == -index:
                self._heap[position] = (size, order, replace(mover, name=name))
                return

    @property
    def scored(self) -> int:
        """Records scored under both specs."""
        return self.records - len(self.failures)

    def grade_names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A's grades and B's, best first."""
        return (
            tuple(name for name, _ in self.spec_a.grades.bands),
            tuple(name for name, _ in self.spec_b.grades.bands),
        )

    def grade_moves(self) -> tuple[int, int, int]:
        """Records whose grade goes up, down, and stays, from A to B. A grade is up when it is
        better placed among B's grades than the old one among A's (the same names, usually)."""
        names_a, names_b = self.grade_names()
        up = down = same = 0
        for (grade_a, grade_b), count in self.transitions.items():
            rank_a, rank_b = names_a.index(grade_a), names_b.index(grade_b)
            if rank_b < rank_a:
                up += count
            elif rank_b > rank_a:
                down += count
            else:
                same += count  # the same grade (or one renamed but placed alike)
        return up, down, same

    def spreads(self) -> list[Spread]:
        """The total's change, then each 一级指标's (in both specs) in A's order."""
        names = {node.id: node.name for node in self.spec_a.indicators}
        keys = [TOTAL, *(key for key, _, _ in self._pairs)]
        return [_spread(key, names.get(key, key), self.changes(key)) for key in keys]

    def changes(self, key: str) -> Counter[Decimal]:
        """How many records change by each amount: the total (``TOTAL``) or a 一级指标 by id."""
        counts: Counter[Decimal] = Counter()
        for text, count in self._changes[key].items():
            counts[Decimal(text)] += count  # 0.1 and 0.10, counted apart, are one change here
        return counts

    def movers(self) -> list[Mover]:
        """The projects that move most, biggest change first (ties in input order)."""
        return [mover for _, _, mover in sorted(self._heap, key=lambda e: (-e[0], -e[1]))]


def _spread(key: str, name: str, counts: Counter[Decimal]) -> Spread:
    count = sum(counts.values())
    if not count:
        return Spread(key, name, 0, None, None, None, None, None)
    with localcontext() as ctx:
        ctx.prec = 60  # sums of a million changes of a few digits each are exact at 60
        total = sum((value * n for value, n in counts.items()), Decimal(0))
        squares = sum((value * value * n for value, n in counts.items()), Decimal(0))
        mean = total / count
        variance = max((squares * count - total * total) / (count * count), Decimal(0))
        std = variance.sqrt()
    ordered = sorted(counts)
    quartiles = (
        _quantile(ordered, counts, count, 1, 4),
        _quantile(ordered, counts, count, 1, 2),
        _quantile(ordered, counts, count, 3, 4),
    )
    return Spread(key, name, count, +mean, +std, ordered[0], ordered[-1], quartiles)


def _quantile(
    ordered: list[Decimal], counts: Counter[Decimal], count: int, num: int, den: int
) -> Decimal:
    """The value at rank ⌈count × num / den⌉ (nearest rank: always a change that occurred)."""
    rank = max(1, -(-count * num // den))
    seen = 0
    for value in ordered:
        seen += counts[value]
        if seen >= rank:
            return value
    return ordered[-1]


def diff_population(
    spec_a: Spec,
    spec_b: Spec,
    paths: Sequence[str],
    *,
    top: int = 20,
    id_column: str | None = None,
    sheet: str | None = None,
    columnar: bool = True,
) -> PopulationDiff:
    """The summary of every record of ``paths`` under A and B (see ``PopulationDiff``). A CSV
    input is scored column by column where the columnar backend can (``population_columnar``;
    ``columnar=False``: never), every other record record by record: the same summary."""
    summary = PopulationDiff(spec_a, spec_b, top)
    pairing = _columnar_pairing() if columnar else None
    index = 0
    for item, scorer_b in open_pair(spec_a, spec_b, paths, id_column=id_column, sheet=sheet):
        pair = None if pairing is None else pairing(spec_a, spec_b, item, scorer_b)
        if pair is not None:
            index += pair.run(summary, scorer_b, index)
            continue
        for chunk in item.chunks(CHUNK_SIZE):
            add_records(summary, item.converter, scorer_b, _span(index, chunk), chunk)
            index += len(chunk)
    return summary


def _columnar_pairing() -> Callable[[Spec, Spec, Input, ScorerB], ColumnarPair | None] | None:
    """``ColumnarPair.of``, or None where the columnar backend cannot be imported (polars is
    not installed): every record then goes record by record, which needs nothing more."""
    try:
        from .population_columnar import ColumnarPair
    except ImportError:
        return None
    return ColumnarPair.of


def _span(start: int, chunk: Sequence[RawRecord]) -> list[int]:
    return list(range(start, start + len(chunk)))


def add_records(
    summary: PopulationDiff,
    converter: Converter,
    scorer_b: ScorerB,
    indexes: Sequence[int],
    records: list[RawRecord],
) -> None:
    """Count records scored record by record under both specs (``indexes``: their input
    positions), naming each that joins the movers."""
    spec_a = summary.spec_a
    for outcome, (number, payload), _ in _pairs(spec_a, converter, scorer_b, indexes, records):
        if summary.add(outcome):
            summary.name_mover(outcome.index, _name(spec_a, converter, number, payload, outcome.id))


def _name(spec: Spec, converter: Converter, number: int, payload: Any, record_id: str) -> str:
    """The project's name as its record gives it (its id when it gives none)."""
    try:
        _, record = converter.convert(spec, number, payload)
    except Exception:  # noqa: BLE001 (a name is a courtesy: the record scored, its id names it)
        return record_id
    return project_name(record) or record_id
