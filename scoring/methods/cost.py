"""成本效益分析法 and 最低成本法: what each unit of output cost, and how that compares.

A spec declares its measures (``cost_effectiveness:``: a cost over an output, e.g. 实际支出 ÷
接访人次 in 万元/人次); each is computed from a scored project's values, exactly, and is missing
(with the reason) when either value is missing or the output is zero. Lower is better: against
peers, the lowest cost is the benchmark (最低成本法) and the median the norm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..formula.expr import Value
from ..numbers.limits import CTX
from ..numbers.text import format_number
from ..spec.compiled import CostMeasure, Spec
from .peers import median

__all__ = ["CostLine", "PeerCost", "cost_lines", "peer_costs", "shown_cost"]

SHOWN_PLACES = 4  # a cost per unit is often a small share of a 万元: 0.1077 万元/人次


@dataclass(frozen=True)
class CostLine:
    measure: CostMeasure
    value: Decimal | None  # cost ÷ output, exact to 100 digits; None when it cannot be computed
    cost: Decimal | None
    output: Decimal | None
    reason: str = ""  # why the value is missing


def cost_lines(spec: Spec, values: Mapping[str, Value]) -> list[CostLine]:
    """Each declared measure computed from a project's values (``Result.values``)."""
    out = []
    for measure in spec.cost_measures:
        cost, output = values.get(measure.cost), values.get(measure.output)
        if not isinstance(cost, Decimal) or not isinstance(output, Decimal):
            missing = [n for n, v in ((measure.cost, cost), (measure.output, output)) if v is None]
            reason = f"缺少 {'、'.join(missing) or '数值'}"
            out.append(CostLine(measure, None, None, None, reason))
        elif not output:
            out.append(CostLine(measure, None, cost, output, f"{measure.output} 为 0，无单位成本"))
        else:
            out.append(CostLine(measure, CTX.divide(cost, output), cost, output))
    return out


def shown_cost(value: Decimal | None, unit: str) -> str:
    """0.10765… in 万元/人次 → "0.1077万元/人次（1,076.51元/人次）": the 元 figure beside a 万元 or 亿元
    one, since a cost per person is read in 元."""
    if value is None:
        return "—"
    text = format_number(value, SHOWN_PLACES) + unit
    money, _, per = unit.partition("/")
    factor = {"万元": Decimal(10_000), "亿元": Decimal(100_000_000)}.get(money)
    if factor is not None:
        yuan = CTX.multiply(value, factor)
        text += f"（{format_number(yuan, 2)}元{'/' + per if per else ''}）"
    return text


@dataclass(frozen=True)
class PeerCost:
    """One measure among the peers: the lowest (最低成本法), the median, and where the project stands."""

    measure: CostMeasure
    value: Decimal | None  # the project's
    peers: int  # peers with a value
    lowest: Decimal | None
    lowest_peer: str | None
    median: Decimal | None
    cheaper: int  # peers that spent less per unit than the project


def peer_costs(
    spec: Spec, project: Mapping[str, Value], peers: Sequence[tuple[str, Mapping[str, Value]]]
) -> list[PeerCost]:
    """For each measure, the project against the peers (id, values) that have it."""
    own = {line.measure.id: line.value for line in cost_lines(spec, project)}
    columns: dict[str, list[tuple[str, Decimal]]] = {m.id: [] for m in spec.cost_measures}
    for peer_id, values in peers:
        for line in cost_lines(spec, values):
            if line.value is not None:
                columns[line.measure.id].append((peer_id, line.value))
    out = []
    for measure in spec.cost_measures:
        column = columns[measure.id]
        value = own[measure.id]
        if not column:
            out.append(PeerCost(measure, value, 0, None, None, None, 0))
            continue
        lowest_id, lowest = min(column, key=lambda item: item[1])  # the first of equals
        middle = median([v for _, v in column])
        cheaper = 0 if value is None else sum(1 for _, v in column if v < value)
        out.append(PeerCost(measure, value, len(column), lowest, lowest_id, middle, cheaper))
    return out
