"""Formatting shared by the renderers: fixed decimals, the 自评表 rows, indicator paths, the footer."""

from __future__ import annotations

from decimal import Decimal

from ..engine.result import IndicatorResult, Result
from ..numbers.text import format_number

LEVEL_NAMES = ("一级指标", "二级指标", "三级指标", "四级指标", "五级指标", "六级指标")
MISSING_DEVIATION = "（未填写偏差原因）"


def score_text(result: Result, value: Decimal | None) -> str:
    """Scores are shown with the spec's fixed number of places, as the filed table prints them."""
    if value is None:
        return "—"
    return format_number(value, result.spec.rounding.places)


def depth(result: Result) -> int:
    return max(item.level for item in result.walk())


def indicator_path(result: Result, target: IndicatorResult) -> str:
    """决策 / 资金投入 / 预算编制科学性: the names from the top down to ``target``."""

    def find(items: tuple[IndicatorResult, ...], trail: list[str]) -> list[str] | None:
        for item in items:
            if item is target:
                return [*trail, item.name]
            found = find(item.children, [*trail, item.name])
            if found:
                return found
        return None

    return " / ".join(find(result.indicators, []) or [target.name])


def table_rows(result: Result) -> list[list[str]]:
    """One row per leaf; a parent's name is shown on its first leaf only, like merged cells."""
    levels = depth(result)
    rows: list[list[str]] = []
    shown: set[str] = set()

    def visit(item: IndicatorResult, ancestors: list[IndicatorResult]) -> None:
        if not item.is_leaf:
            for child in item.children:
                visit(child, [*ancestors, item])
            return
        names = []
        for ancestor in ancestors:
            names.append("" if ancestor.id in shown else ancestor.name)
            shown.add(ancestor.id)
        names += [""] * (levels - 1 - len(ancestors))
        names.append(item.name)
        rows.append(
            [
                *names,
                item.target_text,
                item.actual_text if item.not_applicable is None else "不适用",
                format_number(item.weight),
                score_text(result, item.score),
                deviation_text(result, item),
            ]
        )

    for top in result.indicators:
        visit(top, [])
    return rows


def deviation_text(result: Result, item: IndicatorResult) -> str:
    if item.not_applicable is not None:
        return f"不适用：{item.not_applicable}"
    if item.deviation:
        return item.deviation
    needs = any(w.code == "deviation-missing" and w.indicator == item.id for w in result.warnings)
    return MISSING_DEVIATION if needs else ""


def headers(result: Result) -> list[str]:
    return [
        *LEVEL_NAMES[: depth(result)],
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]


def project_lines(result: Result) -> list[tuple[str, str]]:
    project = result.project
    return [
        ("项目名称", str(project.get("name", ""))),
        ("主管部门", str(project.get("department", ""))),
        ("实施单位", str(project.get("unit", ""))),
        ("年度", str(project.get("year", ""))),
        ("指标体系", f"{result.spec.name}（{result.spec.id} v{result.spec.version}）"),
    ]


def rescale_note(result: Result) -> str:
    """Why the total is not the column's sum when indicators do not apply (empty otherwise)."""
    if result.applicable_weight == result.max:
        return ""
    applicable, full = format_number(result.applicable_weight), format_number(result.max)
    return f"适用分值 {applicable}，得分按 实得分 ÷ {applicable} × {full} 折算"


def total_line(result: Result) -> str:
    text = f"总分 {format_number(result.max)}　自评得分 {score_text(result, result.total)}　自评等级 {result.grade}"
    note = rescale_note(result)
    return f"{text}（{note}）" if note else text


def next_grade_line(result: Result) -> str | None:
    step = result.next_grade
    if step is None:
        return None
    return f"距“{step.grade}”（≥{format_number(step.minimum)}）还差 {score_text(result, step.points_needed)} 分"


def level_summary(result: Result) -> list[list[str]]:
    return [
        [
            top.name,
            format_number(top.weight),
            score_text(result, top.score),
            "—" if top.score_rate is None else format_number(top.score_rate * 100, 2) + "%",
        ]
        for top in result.indicators
    ]
