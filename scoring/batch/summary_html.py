"""The batch summary as one self-contained HTML page: tables plus charts drawn as inline SVG.

No script, no stylesheet or font from the network: the page opens the same offline, in a mail
client or an intranet that blocks everything. Every text from the inputs is escaped. The frame,
stylesheet and charts are the ones every jixiao page uses (``report.page``, ``report.charts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..report.charts import GRADE_COLOURS, Bar, bar_chart
from ..report.page import data_table, meta_table, page
from ..writing.channels import html_text
from .summary import Summary, pct

__all__ = ["render_html"]


def render_html(
    summary: Summary,
    *,
    spec_name: str,
    spec_version: str,
    inputs: Sequence[str],
    output: str,
    seconds: float,
    notes: Sequence[str] = (),
) -> str:
    s = summary
    parts = [
        meta_table(
            [
                ("输入", "、".join(inputs)),
                ("结果文件", output),
                ("记录数", f"{s.records:,}（评分 {s.scored:,}，失败 {s.failed:,}）"),
                ("平均总分", s.number(s.mean_total())),
                ("用时", f"{seconds:.1f} 秒"),
            ]
        ),
        *(f"<p>{html_text(note)}</p>" for note in notes),
    ]
    if s.scored:
        parts += ["<h2>等级分布</h2>", _grade_chart(s), _grade_table(s)]
        rates = s.top_rates()
        parts += [
            "<h2>一级指标平均得分率</h2>",
            bar_chart(
                "一级指标平均得分率",
                [Bar(name, rate, pct(rate)) for name, rate in rates],
                titled=False,
            ),
        ]
        losses = s.losses()
        if losses:
            biggest = losses[0][1]
            parts += [
                "<h2>失分最多的指标</h2>",
                bar_chart(
                    "失分最多的指标",
                    [Bar(name, lost / biggest, s.number(lost)) for name, lost, _, _ in losses],
                    titled=False,
                ),
                data_table(
                    ("指标", "累计失分", "平均每项目失分", "失分项目占比"),
                    [
                        (name, s.number(lost), s.number(mean), pct(share))
                        for name, lost, mean, share in losses
                    ],
                    numeric=(1, 2, 3),
                ),
            ]
        for which, title in (("best", "得分最高的项目"), ("worst", "得分最低的项目")):
            parts += [
                f"<h2>{title}</h2>",
                data_table(
                    ("项目", "总分", "等级", "位置"),
                    [(r.label, s.number(r.total), r.grade, r.source) for r in s.ranked(which)],
                    numeric=(1,),
                ),
            ]
    if s.failed:
        parts += [
            "<h2>失败记录</h2>",
            data_table(
                ("错误代码", "记录数"),
                [(code, f"{count:,}") for code, count in s.error_codes.most_common()],
                numeric=(1,),
            ),
            "<p>最先出现的错误：</p>",
            "".join(
                f'<div class="err">{html_text(message)}</div>' for _, message in s.first_errors
            ),
        ]
    return page(
        f"批量评分汇总 — {spec_name}",
        parts,
        heading=f"批量评分汇总：{spec_name}（v{spec_version}）",
    )


def _grade_table(s: Summary) -> str:
    return data_table(
        ("等级", "项目数", "占比"),
        [
            (name, f"{s.grades[name]:,}", pct(Decimal(s.grades[name]) / s.scored))
            for name in s.grade_names
        ],
        numeric=(1, 2),
    )


def _grade_chart(s: Summary) -> str:
    """A bar per grade, best grade first, in the grade colours the other pages use."""
    highest = max((s.grades[name] for name in s.grade_names), default=0) or 1
    return bar_chart(
        "等级分布",
        [
            Bar(
                name,
                Decimal(s.grades[name]) / highest,
                f"{s.grades[name]:,}",
                GRADE_COLOURS[min(index, len(GRADE_COLOURS) - 1)],
            )
            for index, name in enumerate(s.grade_names)
        ],
        titled=False,
    )
