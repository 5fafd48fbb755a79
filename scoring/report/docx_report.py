"""A draft 自评报告 as a Word document, in the seed report's section order.

一、项目基本情况 … 八、其他需要说明的问题. Every figure is filled from the facts and the result (amounts,
rates, scores, the total and grade), never typed; what only a person can write is a highlighted
【待填写：…】 paragraph. 存在的问题 lists the indicators that lost points with their deviation
explanations; 评价结果应用建议 is ``advice.application_advice`` for the grade. This module says what
each section holds (``ReportWriter``); the page, fonts and blocks it is written with are
``docx_blocks``, or ``report_html`` for the same report as a web page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from docx.document import Document

from ..engine.result import IndicatorResult, Result
from ..numbers.text import format_number
from ..tabular.funds import money_summary, percent_text
from ..tabular.result_rows import (
    depth,
    deviation_text,
    headers,
    indicator_path,
    level_summary,
    score_text,
    table_rows,
)
from .advice import application_advice
from .charts import biggest_losses
from .docx_blocks import PLACEHOLDER, DocxBlocks, TableCell, save
from .methods_section import MethodsData, methods_used, write_methods

__all__ = ["SECTIONS", "Blocks", "ReportWriter", "build", "render"]

SECTIONS = (
    "一、项目基本情况",
    "二、项目单位绩效报告情况",
    "三、绩效评价工作情况",
    "四、绩效评价指标分析情况",
    "五、综合评价情况及评价结论",
    "六、绩效评价结果应用建议",
    "七、主要经验及做法、存在的问题和建议",
    "八、其他需要说明的问题",
)


def render(result: Result, methods: MethodsData | None = None) -> bytes:
    return save(build(result, methods))


def _wan(value: Decimal) -> str:
    return f"{format_number(value)} 万元"


class Blocks(Protocol):
    """What a report is written with: ``docx_blocks.DocxBlocks`` or ``report_html.HtmlBlocks``."""

    def title(self, text: str) -> None: ...
    def heading(self, text: str, level: int) -> None: ...
    def para(self, text: str) -> None: ...
    def todo(self, what: str) -> None: ...
    def closing(self, text: str) -> None: ...
    def charts(self, result: Result) -> None: ...
    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence[TableCell | None]],
        shares: Sequence[float],
        centred: Sequence[bool],
    ) -> None: ...


class ReportWriter:
    """Writes the sections, in order, with ``out``'s blocks."""

    def __init__(self, result: Result, out: Blocks, methods: MethodsData | None = None) -> None:
        self.result = result
        self.facts = result.facts
        self.out = out
        self.methods = methods or MethodsData()

    # ---- the sections -----------------------------------------------------------------------
    def write(self) -> None:
        project = self.result.project
        unit = str(project.get("unit") or project.get("department") or "")
        self.out.title(f"{unit}\n{project.get('name', '')}绩效自评报告")
        self.basics()
        self.reported()
        self.work()
        self.analysis()
        self.conclusion()
        self.application()
        self.problems()
        self.others()
        self.out.closing(f"{unit}\n{project.get('date', '') or PLACEHOLDER.format('日期')}")

    def basics(self) -> None:
        result, project = self.result, self.result.project
        self.out.heading(SECTIONS[0], 1)
        self.out.heading("（一）项目概况", 2)
        facts = [f"项目名称：{project.get('name', '')}"]
        for key, label in (
            ("year", "评价年度"),
            ("department", "主管部门"),
            ("unit", "实施单位"),
            ("code", "项目编码"),
        ):
            if project.get(key):
                facts.append(f"{label}：{project[key]}")
        money = money_summary(result)
        if money.budget is not None:
            facts.append(f"年度预算资金：{_wan(money.budget)}")
        self.out.para("；".join(facts) + "。")
        self.out.todo("项目立项依据、主要内容和实施情况")
        self.out.heading("（二）项目绩效目标", 2)
        goal = project.get("goal") or {}
        self.out.para("1、项目绩效总目标")
        if goal.get("expected"):
            self.out.para(str(goal["expected"]))
        else:
            self.out.todo("年度总体目标")
        self.out.para("2、项目绩效指标")
        targets = [
            leaf for leaf in result.leaves() if leaf.node.rule is not None and leaf.target_text
        ]
        for index, leaf in enumerate(targets, 1):
            self.out.para(f"（{index}）{leaf.name}：{leaf.target_text}")

    def reported(self) -> None:
        self.out.heading(SECTIONS[1], 1)
        goal = self.result.project.get("goal") or {}
        if goal.get("actual"):
            self.out.para(str(goal["actual"]))
        self.out.todo("项目单位绩效目标完成情况的补充说明")

    def work(self) -> None:
        spec = self.result.spec
        self.out.heading(SECTIONS[2], 1)
        self.out.heading("（一）绩效评价目的", 2)
        self.out.todo("绩效评价目的")
        self.out.heading("（二）绩效评价原则、评价指标体系、评价方法", 2)
        counts: dict[int, int] = {}
        for item in self.result.walk():
            counts[item.level] = counts.get(item.level, 0) + 1
        levels = "、".join(
            f"{'一二三四五六'[level - 1]}级指标 {count} 个"
            for level, count in sorted(counts.items())
        )
        basis = "、".join(spec.basis)
        text = f"评价采用《{spec.name}》（版本 {spec.version}）"
        text += f"，依据{basis}" if basis else ""
        text += f"。指标体系设{levels}，总分 {format_number(spec.total)} 分；"
        text += f"评价等级：{spec.grades.describe()}；得分{spec.rounding.describe()}。"
        self.out.para(text)
        used = methods_used(self.result, self.methods)
        if used:
            self.out.para(f"评价方法：{'、'.join(used)}，各方法的结果见“评价方法与分析”。")
        self.out.todo("评价原则" if used else "评价原则与评价方法")
        self.out.heading("（三）绩效评价过程", 2)
        self.out.todo("绩效评价过程（前期准备、组织实施、分析评价）")

    def analysis(self) -> None:
        result = self.result
        money = money_summary(result)
        year = result.project.get("year", "")
        self.out.heading(SECTIONS[3], 1)
        self.out.heading("（一）项目资金情况分析", 2)
        self.out.para("1、项目资金到位情况分析")
        if money.received is not None:
            text = f"{year}年度共计到位资金 {_wan(money.received)}"
            if money.budget is not None:
                text += f"（预算 {_wan(money.budget)}）"
            if money.arrival_rate is not None:
                text += f"，到位率 {percent_text(money.arrival_rate)}"
            self.out.para(text + "。" + self.items(("到位资金", "全年预算数"), "其中"))
        else:
            self.out.todo("资金到位情况")
        self.out.para("2、项目资金使用情况分析")
        if money.spent is not None:
            text = f"{year}年度共计支出 {_wan(money.spent)}"
            if money.execution_rate is not None:
                text += f"，预算执行率 {percent_text(money.execution_rate)}"
            if money.balance is not None:
                text += f"，结余 {_wan(money.balance)}"
            self.out.para(text + "。" + self.items(("实际支出", "全年执行数"), "支出明细"))
        else:
            self.out.todo("资金使用情况")
        for warning in result.warnings:
            if warning.code == "items-mismatch":
                self.out.para(f"注意：{warning.message}。")
        self.out.para("3、项目资金管理情况分析")
        self.out.todo("资金管理制度及执行情况")
        self.out.heading("（二）项目实施情况分析", 2)
        self.out.todo("项目组织情况与管理情况")
        self.out.heading("（三）项目绩效情况分析", 2)
        for name, weight, score, rate in level_summary(result):
            self.out.para(f"{name}：分值 {weight} 分，得分 {score} 分，得分率 {rate}。")
        self.out.charts(result)
        self.indicator_table()
        write_methods(self.out, result, self.methods)

    def indicator_table(self) -> None:
        """The 自评表's indicator block: a parent's name merged down over its leaves (a leaf
        above the deepest level spans the level columns it leaves empty); 偏差原因 widest."""
        result = self.result
        levels = depth(result)
        head = headers(result)
        texts = iter(table_rows(result))
        rows: list[list[TableCell | None]] = []
        row: list[TableCell | None] = [None] * len(head)
        # In walk order a parent comes just before its first leaf: its cell goes on that leaf's
        # row, merged down over all its leaves; the rows below leave the place None.
        for item in result.walk():
            col = item.level - 1
            if not item.is_leaf:
                leaves = sum(1 for inner in item.walk() if inner.is_leaf)
                row[col] = TableCell(item.name, down=leaves)
                continue
            row[col] = TableCell(item.name, across=levels - col)
            row[levels:] = [TableCell(text) for text in next(texts)[levels:]]
            rows.append(row)
            row = [None] * len(head)
        # Shares of the text width, about in characters: 一级 names are short (决策), the deepest
        # level's long (立项程序规范性); then 年度指标值, 实际完成值, 分值, 得分, 偏差原因 widest.
        names = [3.0] + [5.0] * (levels - 2) + [7.5] if levels > 1 else [7.5]
        shares = [*names, 6.0, 5.0, 2.5, 3.0, 11.0]
        centred = [True] * (levels + 4) + [False]
        self.out.table(head, rows, shares, centred)

    def items(self, names: tuple[str, ...], lead: str) -> str:
        """The itemised amounts of the first of ``names`` the facts give, as written."""
        if self.facts is None:
            return ""
        for name in names:
            raw = self.facts.values.get(name)
            if isinstance(raw, Mapping) and isinstance(raw.get("items"), Mapping):
                items: Mapping[str, Any] = raw["items"]
                listed = "，".join(f"{key} {value}" for key, value in items.items())
                return f"{lead}：{listed}。"
        return ""

    def conclusion(self) -> None:
        result = self.result
        self.out.heading(SECTIONS[4], 1)
        text = f"综合评价得分 {score_text(result, result.total)} 分，评价等级为“{result.grade}”。"
        if result.applicable_weight != result.max:
            text += (
                f"（适用分值 {format_number(result.applicable_weight)} 分，得分按 实得分 ÷ "
                f"{format_number(result.applicable_weight)} × {format_number(result.max)} 折算。）"
            )
        self.out.para(text)
        self.out.todo("评价结论的文字表述")

    def application(self) -> None:
        self.out.heading(SECTIONS[5], 1)
        self.out.para(application_advice(self.result))
        money = money_summary(self.result)
        if money.budget is not None:
            self.out.para(f"本年度预算资金 {_wan(money.budget)}，可作为下年度预算安排的参考。")
        self.out.todo("下年度预算安排的具体建议")

    def problems(self) -> None:
        result = self.result
        self.out.heading(SECTIONS[6], 1)
        self.out.heading("（一）主要经验及做法", 2)
        self.out.todo("主要经验及做法")
        self.out.heading("（二）存在的问题", 2)
        lost = biggest_losses(result, limit=None)
        if not lost:
            self.out.para("各项指标均得满分，未发现失分问题。")
        for index, leaf in enumerate(lost, 1):
            self.out.para(self.problem_text(index, leaf))
        self.out.todo("其他存在的问题")
        self.out.heading("（三）建议", 2)
        self.out.todo("改进建议")

    def problem_text(self, index: int, leaf: IndicatorResult) -> str:
        result = self.result
        text = f"{index}、{indicator_path(result, leaf)}（扣 {score_text(result, leaf.lost)} 分）：{leaf.explanation}"
        deviation = deviation_text(result, leaf)
        return text + (f"偏差原因分析及改进措施：{deviation}" if deviation else "")

    def others(self) -> None:
        result = self.result
        self.out.heading(SECTIONS[7], 1)
        notes = [f"{w.message}" for w in result.warnings if w.code != "deviation-missing"]
        for item in result.walk():
            if item.not_applicable is not None and item.is_leaf:
                notes.append(f"{item.name}不适用，不计分：{item.not_applicable}")
        for adj in result.adjustments:
            found = result.find(adj.indicator)
            notes.append(
                f"{found.name}：评价人调整 {adj.points:+} 分（规则得分 {score_text(result, found.rule_score)}，"
                f"调整后 {score_text(result, found.score)}），理由：{adj.reason}"
            )
        for index, note in enumerate(notes, 1):
            self.out.para(f"{index}、{note}。" if not note.endswith("。") else f"{index}、{note}")
        if not notes:
            self.out.todo("其他需要说明的问题（如无，写“无”）")


def build(result: Result, methods: MethodsData | None = None) -> Document:
    """The draft report; itemised amounts are listed as the facts write them."""
    blocks = DocxBlocks()
    ReportWriter(result, blocks, methods).write()
    return blocks.doc
