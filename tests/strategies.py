"""Hypothesis strategies for specs and facts, shared by the property tests.

A generated spec is returned as (YAML-compatible JSON text, the leaf descriptions) so tests can both
load it through the real loader and reason about each leaf.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

WEIGHTS = st.integers(min_value=1, max_value=40).map(Decimal)
# Actual values as reports give them: two decimals, including zero and negatives.
ACTUALS = st.integers(min_value=-10_000, max_value=200_000).map(lambda n: Decimal(n) / 100)
TARGETS = st.integers(min_value=1, max_value=100_000).map(lambda n: Decimal(n) / 100)


@dataclass(frozen=True)
class Leaf:
    id: str
    fact: str
    kind: str
    weight: Decimal
    rule: dict[str, Any]


@st.composite
def leaf_rules(draw: st.DrawFn, index: int) -> Leaf:
    """One leaf with a numeric fact and a rule of any numeric kind."""
    fact = f"f{index}"
    weight = draw(WEIGHTS)
    kind = draw(
        st.sampled_from(["positive", "reverse", "zero_target", "deduction", "bands", "formula"])
    )
    target = draw(TARGETS)
    rule: dict[str, Any]
    if kind == "positive":
        rule = {"kind": kind, "actual": fact, "target": f"≥{target}"}
    elif kind == "reverse":
        formula = draw(st.sampled_from(["t_over_a", "linear_to_double"]))
        rule = {"kind": kind, "actual": fact, "target": f"≤{target}", "formula": formula}
    elif kind == "zero_target":
        per = draw(st.none() | st.integers(1, 5).map(str))
        rule = {"kind": kind, "actual": fact, **({"per_occurrence": per} if per else {})}
    elif kind == "deduction":
        rule = {"kind": kind, "actual": f"abs({fact})", "per_item": str(draw(st.integers(1, 3)))}
    elif kind == "bands":
        rule = {
            "kind": kind,
            "actual": fact,
            "bands": [
                {"range": f"<{target}", "share": "0.5"},
                {"range": f"≥{target}", "share": "1"},
            ],
        }
    else:
        rule = {"kind": kind, "formula": f"{fact} / 10 + w / 2"}
    return Leaf(f"指标{index}", fact, kind, weight, rule)


@st.composite
def specs(draw: st.DrawFn, max_leaves: int = 6) -> tuple[str, list[Leaf]]:
    """A valid two-level spec whose weights add up, as loader text, plus its leaves."""
    count = draw(st.integers(min_value=1, max_value=max_leaves))
    leaves = [draw(leaf_rules(i)) for i in range(count)]
    groups = draw(st.integers(min_value=1, max_value=min(3, count)))
    tops = []
    for g in range(groups):
        members = leaves[g::groups]
        tops.append(
            {
                "id": f"一级{g}",
                "weight": str(sum(m.weight for m in members)),
                "children": [
                    {"id": m.id, "weight": str(m.weight), "rule": m.rule} for m in members
                ],
            }
        )
    places = draw(st.integers(min_value=0, max_value=3))
    mode = draw(st.sampled_from(["half_up", "half_even", "down", "up"]))
    data = {
        "id": "generated",
        "name": "生成的指标体系",
        "version": "1",
        "total": str(sum(leaf.weight for leaf in leaves)),
        "rounding": {"places": places, "mode": mode},
        "grades": {"优": "0"},
        "facts": {leaf.fact: {"kind": "number"} for leaf in leaves},
        "indicators": tops,
    }
    return json.dumps(data, ensure_ascii=False), leaves


@st.composite
def facts_for(draw: st.DrawFn, leaves: list[Leaf]) -> dict[str, Any]:
    """A facts mapping giving every leaf's fact a value."""
    values = {leaf.fact: str(draw(ACTUALS)) for leaf in leaves}
    return {"project": {"name": "生成的项目"}, "values": values}
