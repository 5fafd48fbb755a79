"""The spec (indicator system) file format as pydantic models: structure only, no I/O.

These models are the single source of the YAML shape: the loader validates against them and
``jixiao schema`` prints their JSON Schema. Cross-field checks (weights summing, names existing,
bands covering) need the whole document and live in ``loader``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from ..numbers.measure import KINDS
from ..rules import RuleParams
from ..rules.base import Number
from ..rules.qualitative import TierParams

__all__ = [
    "DEFAULT_TIERS",
    "CaseSpec",
    "DerivedSpec",
    "FactSpec",
    "IndicatorSpec",
    "Number",
    "RoundingSpec",
    "SpecModel",
]


def _text(value: Any) -> Any:
    # Versions and years are often written bare (`version: 2021.1`); keep the text as written.
    return str(value) if isinstance(value, Decimal) else value


# Read as text, and written so in the schema editors check against: a number where text is
# expected (version: 2021.1, id: 2021) is accepted by the loader, so the schema accepts it too.
Text = Annotated[
    str,
    BeforeValidator(_text),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}]}),
]


Kind = Literal["money", "number", "count", "rate", "boolean", "text"]
assert set(KINDS) == set(Kind.__args__)  # type: ignore[attr-defined]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoundingSpec(_Model):
    places: int = Field(
        2, ge=0, le=6, description="decimal places of every leaf score and the total"
    )
    mode: Literal["half_up", "half_even", "down", "up"] = Field(
        "half_up", description="half_up = 四舍五入; down = 截位 (truncate)"
    )


class FactSpec(_Model):
    label: str | None = Field(None, description="Chinese label shown in reports; default: the id")
    kind: Kind = Field(description="money, number, count, rate, boolean or text")
    unit: str | None = Field(
        None, description="万元 for money, 批次/人/件 for counts; none for rates"
    )
    min: Number | None = Field(None, description="lowest acceptable value, in the unit")
    max: Number | None = Field(None, description="highest acceptable value, in the unit")
    default: Any = Field(None, description="used when a facts file leaves the value out")
    source: str | None = Field(
        None, description="where the number usually comes from (决算表, 台账 …)"
    )


class DerivedSpec(_Model):
    label: str | None = Field(None, description="Chinese label; default: the id")
    formula: str = Field(
        description="over facts and other derived values, e.g. '实际支出 / 到位资金'"
    )
    kind: Literal["money", "number", "count", "rate", "boolean"] = "number"
    unit: str | None = None


class CostMeasureSpec(_Model):
    """成本效益分析法: a cost over an output, lower is better (实际支出 ÷ 接访人次)."""

    label: str | None = Field(
        None, description="Chinese label, e.g. 每人次接访成本; default: the id"
    )
    cost: Text = Field(description="a money fact or derived value: what was spent")
    output: Text = Field(description="a count or number fact or derived value: what it bought")


class IndicatorSpec(_Model):
    id: Text = Field(description="unique across the tree; used by facts, adjustments and paths")
    name: str | None = Field(None, description="the 指标 wording on the form; default: the id")
    weight: Number = Field(ge=0, description="分值; a parent's equals the sum of its children's")
    standard: str | None = Field(None, description="the written 评（扣）分标准, shown in reports")
    explanation: str | None = Field(None, description="指标解释: what the indicator measures")
    children: list[IndicatorSpec] | None = None
    rule: RuleParams | None = None


DEFAULT_TIERS: dict[str, dict[str, Any]] = {
    "达成": {"label": "达成年度指标", "min": Decimal("0.8"), "max": Decimal(1)},
    "部分达成": {
        "label": "部分达成年度指标并具有一定效果",
        "min": Decimal("0.6"),
        "max": Decimal("0.8"),
    },
    "未达成": {"label": "未达成年度指标且效果较差", "min": Decimal(0), "max": Decimal("0.6")},
}

DEFAULT_GRADES: dict[str, Decimal] = {
    "优": Decimal(90),
    "良": Decimal(80),
    "中": Decimal(60),
    "差": Decimal(0),
}


class CaseExpect(_Model):
    total: Number | None = Field(None, description="expected total (after rounding)")
    grade: str | None = Field(None, description="expected grade")
    scores: dict[str, Number | None] = Field(
        default_factory=dict, description="indicator id → score (null: not applicable)"
    )
    tolerance: Number = Field(Decimal(0), ge=0, description="allowed difference for numbers")
    error: str | None = Field(None, description="or: a text the scoring error must contain")


class CaseSpec(_Model):
    """A test of the spec itself: these facts must give this total, grade and these scores."""

    name: str
    facts: str | dict[str, Any] = Field(
        description="a facts file (path relative to the spec file) or the facts inline"
    )
    expect: CaseExpect


class WeightCheck(_Model):
    """A rule on the weights themselves, e.g. 10号文: 产出 + 效益 weigh at least 60."""

    indicators: list[Text] = Field(
        min_length=1, description="indicator ids whose weights are summed"
    )
    min: Number | None = Field(None, description="the sum must be at least this")
    max: Number | None = Field(None, description="the sum must be at most this")
    reason: str = Field("", description="where the rule comes from, shown in the error")


class SpecModel(_Model):
    """A whole indicator system: metadata, numeric policy, facts, derived values, the tree."""

    id: Text = Field(description="stable identifier, e.g. xinfang_weiwen")
    name: str = Field(description="the system's Chinese title")
    version: Text = Field(description="bumped whenever weights or rules change")
    basis: list[str] = Field(
        default_factory=list, description="rules followed, e.g. 财预〔2020〕10号"
    )
    description: str | None = None
    total: Number = Field(Decimal(100), gt=0, description="总分: what the tree's weights sum to")
    rounding: RoundingSpec = Field(default_factory=RoundingSpec)
    grades: dict[str, Number] = Field(
        default_factory=lambda: dict(DEFAULT_GRADES),
        description="grade → minimum total, highest first; the last minimum is 0",
    )
    qualitative_tiers: dict[str, TierParams] = Field(
        default_factory=lambda: {k: TierParams(**v) for k, v in DEFAULT_TIERS.items()},
        description="定性 tiers → share range of the weight",
    )
    reverse_formula: Literal["t_over_a", "linear_to_double"] | None = Field(
        None, description="how reverse (≤) indicators above target are scored, unless a rule says"
    )
    overshoot_ratio: Number | None = Field(
        Decimal("0.3"),
        ge=0,
        description="flag a positive target exceeded by more than this share (null: never)",
    )
    facts: dict[str, FactSpec] = Field(default_factory=dict)
    derived: dict[str, DerivedSpec] = Field(default_factory=dict)
    indicators: list[IndicatorSpec] = Field(min_length=1)
    survey_scale: dict[str, Any] | None = Field(
        None,
        description="公众评判法: the questionnaire's options → weights out of 100 (and aliases), "
        "as jixiao survey --spec reads answers",
    )
    cost_effectiveness: dict[Text, CostMeasureSpec] = Field(
        default_factory=dict,
        description="成本效益分析法: measure id → a cost over an output (e.g. 每人次接访成本)",
    )
    application: dict[str, str] = Field(
        default_factory=dict,
        description="grade → 评价结果应用建议 (e.g. 优: 保持或优先安排预算; 差: 压减或取消)",
    )
    weight_checks: list[WeightCheck] = Field(
        default_factory=list, description="rules on weights checked at load (profiles too)"
    )
    cases: list[CaseSpec] = Field(
        default_factory=list, description="tests of the spec, run by `jixiao test`"
    )
