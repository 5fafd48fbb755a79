"""评价结果应用建议: the sentence saying what the grade means for next year's budget.

A rule about the result, not about the page: the spec's own ``application:`` sentence for the
grade, else the default table ``APPLICATION_RULES`` (财预〔2020〕10号), by grade name or else by the
band's position. It is apart from the Word report that prints it so that the table can be read,
tested and reused without loading python-docx.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..engine.result import Result

__all__ = ["APPLICATION_RULES", "application_advice"]

# 评价结果应用建议 by grade (财预〔2020〕10号 第三十五至三十七条: results feed next year's budget).
# A deployment with other grade names falls back on the band's position, best first.
APPLICATION_RULES: Mapping[str, str] = {
    "优": "评价结果为“优”，建议下年度继续保持该项目预算安排，同等条件下予以优先保障；评价结果按规定公开，接受社会监督。",
    "良": "评价结果为“良”，建议下年度保持该项目预算安排，针对失分指标制定整改措施，整改情况纳入下年度绩效监控。",
    "中": "评价结果为“中”，建议下年度适当压减该项目预算，限期整改失分问题，整改到位前从严审核资金安排。",
    "差": "评价结果为“差”，建议下年度大幅压减或取消该项目预算，整改到位前原则上不再安排新增资金。",
}


def application_advice(result: Result) -> str:
    """The 评价结果应用建议 sentence for the result's grade (by name, else by band position)."""
    if result.grade in result.spec.application:  # the spec's own rule for this grade
        return result.spec.application[result.grade]
    if result.grade in APPLICATION_RULES:
        return APPLICATION_RULES[result.grade]
    names = [name for name, _ in result.spec.grades.bands]
    defaults = list(APPLICATION_RULES.values())
    position = names.index(result.grade) if result.grade in names else len(defaults) - 1
    scaled = round(position * (len(defaults) - 1) / max(len(names) - 1, 1))
    return defaults[scaled].replace(f"“{list(APPLICATION_RULES)[scaled]}”", f"“{result.grade}”")
