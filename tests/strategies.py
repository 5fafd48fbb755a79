"""Hypothesis strategies for specs and facts, shared by the property and fuzz tests.

``specs()`` / ``facts_for()``: two-level specs of the numeric rule kinds, as (YAML-compatible JSON
text, the leaf descriptions), so tests can both load them through the real loader and reason about
each leaf. ``spec_cases()`` / ``facts_cases()``: specs of every rule kind (qualitative, bands and
formula too) at any depth, with derived values, custom tiers, grades and rounding, and facts with
values written the ways reports write them, ratings, not-applicable indicators, adjustments and
deviations. ``HOSTILE_SCALARS``, ``mutated()`` and ``yamlish_text()`` make the input loaders must
refuse; ``dump_yaml()`` writes data as a standard YAML emitter would.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml
from hypothesis import strategies as st

WEIGHTS = st.integers(min_value=1, max_value=40).map(Decimal)
# Actual values as reports give them: two decimals, including zero and negatives.
ACTUALS = st.integers(min_value=-10_000, max_value=200_000).map(lambda n: Decimal(n) / 100)
TARGETS = st.one_of(
    # 1 and its other spellings often: the compiled plan drops a division by an exact 1.
    st.sampled_from([Decimal(1), Decimal("1.0"), Decimal("1.00"), Decimal(100)]),
    st.integers(min_value=1, max_value=100_000).map(lambda n: Decimal(n) / 100),
)


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


# ---- richer specs: every rule kind, any depth, derived values, tiers, grades, rounding ---------
#
# `spec_cases()` draws a valid indicator system as plain data (Decimals kept exact), with the
# facts each leaf reads; `facts_cases(case)` draws one project's facts for it, written the ways
# reports write numbers, with ratings, not-applicable indicators, adjustments and deviations.
# Both are what the loaders accept; `HOSTILE_SCALARS` and `yamlish_text()` are what they must
# refuse without ever raising anything but a ScoringError.

RULE_KINDS = ("positive", "reverse", "zero_target", "qualitative", "bands", "deduction", "formula")
FACT_KINDS = ("money", "rate", "count", "number")
HUBEI_TIERS = {
    "全部或基本达成": {"label": "全部或基本达成", "min": "80%", "max": "100%"},
    "部分实现": {"label": "部分实现", "min": "50%", "max": "80%"},
    "实现程度较低": {"label": "实现程度较低", "min": "0%", "max": "50%"},
}
DEFAULT_TIER_RANGES = {"达成": (80, 100), "部分达成": (60, 80), "未达成": (0, 60)}
HUBEI_TIER_RANGES = {"全部或基本达成": (80, 100), "部分实现": (50, 80), "实现程度较低": (0, 50)}
_FORMULAS = (
    "{f} / 10 + w / 2",
    "min(w, max(0, {f}))",
    "w - 2 * ceil(abs({f}) / 5)",
    "round(abs({f}) * w / 100, 2)",
    "w if {f} >= 1 else w / 2",
    "clamp({f}, 0, w)",
    "max(0, 分值 - abs({f}))",
)


@dataclass(frozen=True)
class RichLeaf:
    """A generated leaf: its rule kind and the fact it reads (None for qualitative)."""

    id: str
    kind: str
    weight: Decimal
    fact: str | None
    fact_kind: str | None


@dataclass(frozen=True)
class SpecCase:
    """A generated valid spec: the data, its leaves and parents, and the tier ranges in percent."""

    data: dict[str, Any]
    leaves: tuple[RichLeaf, ...]
    parents: tuple[str, ...]
    tiers: dict[str, tuple[int, int]]

    @property
    def text(self) -> str:
        """The spec as JSON text (YAML reads it as is)."""
        return json.dumps(self.data, ensure_ascii=False, default=str)

    @property
    def places(self) -> int:
        return int(self.data["rounding"]["places"])


def _money_text(amount: Decimal, unit: str) -> str:
    return f"{amount}{unit}"


@st.composite
def _target(draw: st.DrawFn, fact_kind: str, op: str) -> str:
    """A target in the fact's unit, written as a 自评表 writes it."""
    if fact_kind == "rate":
        percent = draw(st.integers(1, 150))
        return f"{op}{percent}%"
    if fact_kind == "money":
        amount = Decimal(draw(st.integers(1, 50_000))) / 100
        return f"{op}{amount}万元"
    if fact_kind == "count":
        return f"{op}{draw(st.integers(1, 500))}个"
    return f"{op}{Decimal(draw(st.integers(1, 100_000))) / 100}"


@st.composite
def _bands(draw: st.DrawFn, fact_kind: str, weight: Decimal) -> list[dict[str, Any]]:
    """Bands covering the whole line (−∞, +∞) without gap or overlap, in the fact's unit."""
    unit = {"rate": "%", "money": "万元", "count": "个", "number": ""}[fact_kind]
    cuts = sorted(draw(st.sets(st.integers(-50, 200), min_size=1, max_size=4)))
    closed_low = draw(st.booleans())  # each cut belongs to the band above it, or below
    ranges = []
    for i, cut in enumerate(cuts):
        if i == 0:
            ranges.append(f"<{cut}{unit}" if closed_low else f"≤{cut}{unit}")
        else:
            low, high = cuts[i - 1], cut
            ranges.append(
                f"[{low}{unit}, {high}{unit})" if closed_low else f"({low}{unit}, {high}{unit}]"
            )
    ranges.append(f"≥{cuts[-1]}{unit}" if closed_low else f">{cuts[-1]}{unit}")
    bands: list[dict[str, Any]] = []
    for text in ranges:
        if draw(st.booleans()):
            bands.append({"range": text, "points": weight * draw(st.integers(0, 4)) / 4})
        else:
            bands.append({"range": text, "share": f"{draw(st.integers(0, 100))}%"})
    return bands


@st.composite
def _rich_rule(draw: st.DrawFn, kind: str, actual: str, fact_kind: str, w: Decimal) -> dict:
    if kind == "positive":
        op = draw(st.sampled_from(["≥", ">", "=", ">=", "不低于"]))
        rule: dict[str, Any] = {
            "kind": kind,
            "actual": actual,
            "target": draw(_target(fact_kind, op)),
        }
        if draw(st.booleans()):
            rule["overshoot_ratio"] = Decimal(draw(st.integers(0, 100))) / 100
        if draw(st.booleans()):
            rule["overshoot_formula"] = "w * (1 - (a / t - 1.3))"
        return rule
    if kind == "reverse":
        op = draw(st.sampled_from(["≤", "<", "<=", "不超过"]))
        return {
            "kind": kind,
            "actual": actual,
            "target": draw(_target(fact_kind, op)),
            "formula": draw(st.sampled_from(["t_over_a", "linear_to_double"])),
        }
    if kind == "zero_target":
        rule = {"kind": kind, "actual": actual}
        if draw(st.booleans()):
            rule["per_occurrence"] = Decimal(draw(st.integers(1, 20))) / 4
        return rule
    if kind == "deduction":
        rule = {"kind": kind, "actual": actual, "per_item": Decimal(draw(st.integers(1, 12))) / 4}
        if draw(st.booleans()):
            rule["max_deduction"] = Decimal(draw(st.integers(1, 40))) / 4
        return rule
    if kind == "bands":
        return {"kind": kind, "actual": actual, "bands": draw(_bands(fact_kind, w))}
    if kind == "formula":
        template = draw(st.sampled_from(_FORMULAS))
        return {"kind": kind, "formula": template.format(f=actual), "actual": actual}
    return {"kind": "qualitative", "target": draw(st.sampled_from(["达成预期", "有效", "规范"]))}


def _fact_kind_for(kind: str) -> tuple[str, ...]:
    # Deduction and zero-target count problems or incidents; the rest take any measure.
    return ("count",) if kind in ("deduction", "zero_target") else FACT_KINDS


@st.composite
def spec_cases(draw: st.DrawFn, max_leaves: int = 7) -> SpecCase:
    """A valid spec with leaves of every rule kind, any depth up to 3, derived values, custom
    tiers, grades and rounding; its weights add up."""
    count = draw(st.integers(1, max_leaves))
    places = draw(st.integers(0, 3))
    # Weights no finer than the rounding: the loader refuses a 2.5-point leaf in a spec rounded
    # to whole points (weight-places), since its full score could not be shown.
    step = {0: Decimal(1), 1: Decimal("0.5")}.get(places, Decimal("0.25"))
    facts: dict[str, Any] = {}
    derived: dict[str, Any] = {}
    leaves: list[RichLeaf] = []
    nodes: list[dict[str, Any]] = []
    for i in range(count):
        kind = draw(st.sampled_from(RULE_KINDS))
        weight = step * draw(st.integers(1, 80))
        leaf_id = f"指标{i}"
        if kind == "qualitative":
            leaves.append(RichLeaf(leaf_id, kind, weight, None, None))
            nodes.append(
                {"id": leaf_id, "weight": weight, "rule": draw(_rich_rule(kind, "", "", weight))}
            )
            continue
        fact_kind = draw(st.sampled_from(_fact_kind_for(kind)))
        fact = f"事实{i}"
        spec: dict[str, Any] = {"kind": fact_kind, "label": f"第{i}项"}
        if fact_kind == "money":
            spec["unit"] = "万元"
        elif fact_kind == "count":
            spec["unit"] = "个"
            spec["min"] = 0
        facts[fact] = spec
        actual = fact
        if kind != "formula" and draw(st.booleans()):  # read it through a derived value
            actual = f"派生{i}"
            entry: dict[str, Any] = {"formula": f"{fact} * 1", "kind": fact_kind}
            if fact_kind in ("money", "count"):
                entry["unit"] = spec["unit"]
            derived[actual] = entry
        rule = draw(_rich_rule(kind, actual, fact_kind, weight))
        leaves.append(RichLeaf(leaf_id, kind, weight, fact, fact_kind))
        node: dict[str, Any] = {"id": leaf_id, "weight": weight, "rule": rule}
        if draw(st.booleans()):
            node["name"] = f"三级指标{i}"
        nodes.append(node)
    # Group the leaves under parents, one or two levels up, in order.
    parents: list[str] = []

    def group(items: list[dict[str, Any]], level: int) -> list[dict[str, Any]]:
        if len(items) <= 1 or level > 2 or not draw(st.booleans()):
            return items
        size = draw(st.integers(1, len(items)))
        grouped = []
        for start in range(0, len(items), size):
            members = group(items[start : start + size], level + 1)
            parent_id = f"{'一二'[level - 1]}级{len(parents)}"
            parents.append(parent_id)
            grouped.append(
                {
                    "id": parent_id,
                    "weight": sum((m["weight"] for m in members), Decimal(0)),
                    "children": members,
                }
            )
        return grouped

    indicators = group(nodes, 1)
    total = sum((leaf.weight for leaf in leaves), Decimal(0))
    hubei = draw(st.booleans())
    grade_shape = draw(st.sampled_from(["national", "80/70/60", "pass"]))
    if grade_shape == "national":
        grades = {
            "优": total * Decimal("0.9"),
            "良": total * Decimal("0.8"),
            "中": total * Decimal("0.6"),
            "差": 0,
        }
    elif grade_shape == "80/70/60":
        grades = {
            "优": total * Decimal("0.8"),
            "良": total * Decimal("0.7"),
            "中": total * Decimal("0.6"),
            "差": 0,
        }
    else:
        grades = {"合格": 0}
    data: dict[str, Any] = {
        "id": "generated",
        "name": "生成的指标体系",
        "version": "1",
        "total": total,
        "rounding": {
            "places": places,
            "mode": draw(st.sampled_from(["half_up", "half_even", "down", "up"])),
        },
        "grades": grades,
        "reverse_formula": "t_over_a",
        "facts": facts,
        "indicators": indicators,
    }
    if derived:
        data["derived"] = derived
    if hubei:
        data["qualitative_tiers"] = HUBEI_TIERS
    return SpecCase(
        data, tuple(leaves), tuple(parents), HUBEI_TIER_RANGES if hubei else DEFAULT_TIER_RANGES
    )


@st.composite
def written_value(draw: st.DrawFn, fact_kind: str, value: Decimal) -> str:
    """``value`` (in the fact's unit: 万元, ratio, 个) written one of the ways reports write it."""
    if fact_kind == "money":
        form = draw(st.sampled_from(["万元", "元", "grouped元", "fullwidth", "亿元", "bare"]))
        if form == "元":
            return f"{value * 10_000}元"
        if form == "grouped元":
            yuan = value * 10_000
            return f"{yuan:,}元" if yuan == yuan.to_integral_value() else f"{value}万元"
        if form == "fullwidth":
            return _fullwidth(f"{value}") + "万元"
        if form == "亿元" and value == value.quantize(Decimal("0.01")):
            return f"{value / 10_000}亿元"
        return f"{value}" if form == "bare" else f"{value}万元"
    if fact_kind == "rate":
        form = draw(st.sampled_from(["percent", "ratio", "fullwidth"]))
        if form == "ratio" and abs(value) <= 1:
            return f"{value}"
        percent = value * 100
        return _fullwidth(f"{percent}") + "％" if form == "fullwidth" else f"{percent}%"
    if fact_kind == "count":
        return draw(st.sampled_from([f"{value}个", f"{value}", _fullwidth(f"{value}") + "个"]))
    return draw(st.sampled_from([f"{value}", _fullwidth(f"{value}")]))


def _fullwidth(text: str) -> str:
    return text.translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－"))


def value_for(draw: st.DrawFn, fact_kind: str) -> Decimal:
    """A value in the fact's unit (万元, a ratio, 个), negative where reports can be."""
    if fact_kind == "rate":
        return Decimal(draw(st.integers(-500, 15_000))) / 10_000
    if fact_kind == "money":
        return Decimal(draw(st.integers(-1_000, 1_000_000))) / 100
    if fact_kind == "count":
        return Decimal(draw(st.integers(0, 600)))
    return Decimal(draw(st.integers(-10_000, 100_000))) / 100


@st.composite
def facts_cases(draw: st.DrawFn, case: SpecCase) -> dict[str, Any]:
    """One project's facts for ``case``: every value it needs, ratings inside their tiers, some
    indicators not applicable (never all), adjustments and deviations."""
    leaf_ids = [leaf.id for leaf in case.leaves]
    not_applicable: dict[str, str] = {}
    if len(leaf_ids) > 1 and draw(st.booleans()):
        dropped = draw(st.sets(st.sampled_from([*leaf_ids, *case.parents]), max_size=2))
        for node_id in sorted(dropped):
            not_applicable[node_id] = "本年度未开展"
    applicable = [leaf for leaf in case.leaves if not _dropped(case, leaf.id, not_applicable)]
    if not applicable:  # never drop everything: that is its own error
        not_applicable = {}
        applicable = list(case.leaves)
    values: dict[str, Any] = {}
    for leaf in case.leaves:
        if leaf.fact is not None and leaf.fact_kind is not None:
            value = value_for(draw, leaf.fact_kind)
            values[leaf.fact] = draw(written_value(leaf.fact_kind, value))
    ratings: dict[str, Any] = {}
    for leaf in applicable:
        if leaf.kind != "qualitative":
            continue
        tier = draw(st.sampled_from(sorted(case.tiers)))
        low, high = case.tiers[tier]
        top = high == 100
        percent = draw(st.integers(low, high if top else high - 1))
        rating: dict[str, Any] = {"tier": tier, "narrative": "依据充分"}
        if draw(st.booleans()):
            rating["share"] = f"{percent}%"
        else:
            rating["score"] = leaf.weight * percent / 100
        ratings[leaf.id] = rating
    adjustments = []
    for leaf in applicable:
        if draw(st.integers(0, 4)) == 0:
            step = Decimal(1).scaleb(-case.places)
            largest = int(leaf.weight / step)  # an adjustment is within ± the weight
            points = step * draw(st.integers(-largest, largest))
            if points:
                adjustments.append({"indicator": leaf.id, "points": points, "reason": "评价人调整"})
    deviations = {leaf.id: "已说明" for leaf in applicable if draw(st.booleans())}
    facts: dict[str, Any] = {"project": {"name": "生成的项目"}, "values": values}
    for key, value in (
        ("ratings", ratings),
        ("not_applicable", not_applicable),
        ("adjustments", adjustments),
        ("deviations", deviations),
    ):
        if value:
            facts[key] = value
    return facts


def _dropped(case: SpecCase, leaf_id: str, not_applicable: dict[str, str]) -> bool:
    """Whether the leaf or one of its ancestors is marked not applicable."""
    path: list[str] = []

    def find(nodes: list[dict[str, Any]], trail: list[str]) -> bool:
        for node in nodes:
            here = [*trail, node["id"]]
            if node["id"] == leaf_id:
                path.extend(here)
                return True
            if "children" in node and find(node["children"], here):
                return True
        return False

    find(case.data["indicators"], [])
    return any(node_id in not_applicable for node_id in path)


# ---- hostile input ----------------------------------------------------------------------------

HOSTILE_SCALARS: tuple[Any, ...] = (
    None, "", " ", "yes", "no", "on", "off", "true", "~", "null", "2021-01-01", "12:30",
    ".nan", "NaN", "-Infinity", ".inf", "-0", "0", "1e400", "-1e400", "1e-400", "9" * 40,
    "0x1F", "0o17", "1_000", "1,00", "1，000", "１１０万元", "≥", "≧95%", "＞＝100万元", "—", "/",
    "——", "不适用", "95％", "≤-5%", "=0次", "[0, 10%]", "(10%, 0]", ">∞", "+∞", "∞",
    "x" * 300, "\u202e", "\u200b", "\ufeff", "\x00", "\x07", "\ud800", "!!python/object", "*a",
    "&a", "<<", "{", "[", "'", '"', "\\", "%", "#", "a: b", "- a", "?", "|", ">",
    "().__class__", "__import__('os')", "1/0", "(1e15**8)**8", "a if", "max(", "w", "分值",
    "实际支出 / 到位资金", "lambda: 1", "Decimal('NaN')", 0, 1, -1, 10**30, True, False,
    Decimal("1e400"), Decimal("-0"), Decimal("NaN"), Decimal("0.000000000001"), [], {}, [None],
    {"a": None}, ["x", {"y": []}], {"total": "1万元", "items": {"a": "x"}},
)  # fmt: skip

_YAML_TOKENS = (
    "id", "name", "version", "indicators", "facts", "derived", "rule", "kind", "weight",
    "children", "target", "actual", "formula", "bands", "range", "points", "share", "project",
    "values", "ratings", "tier", "score", "not_applicable", "adjustments", "indicator", "reason",
    "deviations", "positive", "reverse", "qualitative", "预算资金", "实际支出", "达成", "110万元",
    "≥95%", "1,100,000元", "yes", "no", "~", "null", "2021-01-01", "-", ":", ": ", "- ", "[", "]",
    "{", "}", ",", "&a ", "*a", "<<: ", "!!python/object ", "!!str ", "!foo ", "? ", "|", ">",
    "'", '"', "#", "\n", "\n  ", "\n    ", "\t", "---\n", "...\n", "%YAML 1.1\n", "1e400", "NaN",
    "\u3000", "\ufeff", "（", "）", "，", "１２", "0", "100", "-5", "3.14",
)  # fmt: skip


def yamlish_text() -> st.SearchStrategy[str]:
    """Text made of YAML syntax, spec and facts keywords and hostile values: mostly well-formed
    enough to reach the schema and semantic checks, often broken in a new way."""
    tokens = st.lists(st.sampled_from(_YAML_TOKENS) | st.text(max_size=3), max_size=60)
    return tokens.map("".join)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _hostile(draw: st.DrawFn) -> Any:
    # A copy: a later mutation must never edit the shared list or dict in HOSTILE_SCALARS.
    return copy.deepcopy(draw(st.sampled_from(HOSTILE_SCALARS)))


@st.composite
def mutated(draw: st.DrawFn, data: dict[str, Any], max_mutations: int = 3) -> Any:
    """``data`` with a few places replaced by hostile values, deleted, or given an unknown key."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, max_mutations))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        if not path:
            return _hostile(draw)
        *parent_path, last = path
        parent = data
        for part in parent_path:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[last] = _hostile(draw)
        elif action == "delete":
            del parent[last]
        elif isinstance(parent, dict):
            key = draw(st.sampled_from(["lable", "kind", "wieght", "id", "<<", ""]))
            parent[key] = _hostile(draw)
        else:
            parent.append(_hostile(draw))
    return data


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing Decimals as the plain numbers they are."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if not value.is_finite():
        return dumper.represent_str(str(value))
    text = format(value, "f")
    tag = "tag:yaml.org,2002:" + ("float" if "." in text else "int")
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)


def dump_yaml(data: Any) -> str:
    """Block-style YAML as a person (or PyYAML) writes it, CJK kept, Decimals as numbers."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
