"""``jixiao init``: a facts template listing everything a spec asks for, with where it comes from.

Values are left empty, so scoring the untouched template reports every missing value at once.
"""

from __future__ import annotations

import json

from ..numbers.text import format_number
from .compiled import Node, Spec

__all__ = ["facts_template"]


def _q(text: str) -> str:
    """A YAML-safe key or string (JSON strings are valid YAML)."""
    return text if text.isidentifier() else json.dumps(text, ensure_ascii=False)


def _users(spec: Spec) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for leaf in spec.leaves:
        for name in sorted(leaf.facts_needed):
            users.setdefault(name, []).append(leaf.name)
    return users


def facts_template(spec: Spec, spec_path: str) -> str:
    users = _users(spec)
    lines = [
        f"# 事实模板：{spec.name}（{spec.id} v{spec.version}）",
        f"# 由 jixiao init 生成。填写后运行：jixiao score {spec_path} <本文件>",
        "# 数值可按报告的写法填写：110万元、1,100,000元、99.14%、158批次；不适用的指标列在 not_applicable 下并写明原因。",
        "project:",
        "  name:          # 项目名称",
        "  unit:          # 实施单位",
        "  department:    # 主管部门",
        "  year:          # 评价年度",
        "  goal:",
        "    expected:    # 年度总体目标：预期目标",
        "    actual:      # 年度总体目标：实际完成情况",
        "",
        "values:",
    ]
    for name, fact in spec.facts.items():
        comment = f"{fact.label}（{fact.measure.describe()}）"
        if fact.source:
            comment += f"；来源：{fact.source}"
        comment += (
            f"；用于：{'、'.join(users[name])}" if name in users else "；未被指标使用（仅供报告）"
        )
        if fact.default is not None:
            comment += f"；不填则取默认值 {fact.default}"
        lines.append(f"  # {comment}")
        # Optional lines (a default applies, or no indicator reads it) start commented out.
        optional = fact.default is not None or name not in users
        lines.append(f"  {'# ' if optional else ''}{_q(name)}:")
    qualitative = [
        leaf for leaf in spec.leaves if leaf.rule is not None and leaf.rule.kind == "qualitative"
    ]
    lines += ["", "ratings:"]
    for leaf in qualitative:
        lines += _rating_lines(leaf)
    if not qualitative:
        lines[-1] = "ratings: {}"
    lines += [
        "",
        "not_applicable: {}   # 指标 id: 不适用的原因",
        "",
        "deviations: {}       # 指标 id: 偏差原因分析及改进措施（未达到或大幅超过年度指标值时必填）",
        "",
        "adjustments: []      # - {indicator: 指标 id, points: -0.5, reason: 评价人调整理由}",
    ]
    return "\n".join(lines) + "\n"


def _rating_lines(leaf: Node) -> list[str]:
    rule = leaf.rule
    assert rule is not None
    tiers = getattr(rule, "tiers", ())
    choices = "；".join(f"{t.id}（{t.label}）{t.range_text(leaf.weight)}" for t in tiers)
    lines = [f"  # {leaf.name}（{format_number(leaf.weight)} 分）"]
    if leaf.standard:
        lines.append(f"  #   评分标准：{leaf.standard}")
    if rule.target_text:
        lines.append(f"  #   年度指标值：{rule.target_text}")
    lines.append(f"  #   等级：{choices}")
    lines.append(f"  {_q(leaf.id)}: {{tier: , score: , narrative: }}")
    return lines
