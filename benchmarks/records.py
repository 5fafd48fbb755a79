"""Synthetic project records for the seed spec (indicators/xinfang_weiwen.yaml), as a CSV export.

Used by the batch benchmark and by tests/test_batch.py. Deterministic for a given seed; values are
written the ways real exports write them (110, 110万元, "1,100,000元", 96.5%, 0.965, 158批次), so the
benchmark pays for the same parsing real files need. Every record scores (no broken rows): tests
break rows themselves.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterator
from pathlib import Path

__all__ = ["FACT_LABELS", "QUALITATIVE", "copy_csv", "header", "rows", "write_csv"]

QUALITATIVE = {  # id → weight
    "立项依据充分性": 3,
    "立项程序规范性": 3,
    "绩效目标合理性": 3,
    "绩效指标明确性": 2,
    "预算编制科学性": 2,
    "资金分配合理性": 2,
    "管理制度健全性": 5,
    "制度执行有效性": 5,
    "特护期值班值守": 5,
    "矛盾纠纷化解": 5,
    "重点企业稳定": 5,
    "长效工作机制": 5,
}
FACT_LABELS = {
    "预算资金": "年度预算资金",
    "到位资金": "实际到位资金",
    "实际支出": "实际支出资金",
    "违规问题数": "资金使用违规问题数",
    "交办件数": "上级交办信访件数",
    "交办件办结数": "交办件办结数",
    "按期办结数": "交办件按期办结数",
    "接访批次": "全年接访批次",
    "接访人次": "全年接访人次",
    "登记建档批次": "来访登记建档批次",
    "培训人次": "信访维稳业务培训人次",
    "非访次数": "赴省进京非正常上访次数",
    "满意度": "服务对象满意度",
}
UNITS = ("衡南县企业改制服务中心", "衡南县信访局", "衡南县人社局", "衡南县民政局", "衡南县司法局")


def header(*, labels: bool = False) -> list[str]:
    facts = [FACT_LABELS[f] if labels else f for f in FACT_LABELS]
    ratings = [f"{i}.{part}" for i in QUALITATIVE for part in ("tier", "score")]
    return ["id", "项目名称", "实施单位", "年度", *facts, *ratings, "not_applicable"]


def _money(rng: random.Random, wan: float) -> str:
    """An amount in 万元, written one of the ways exports write money."""
    style = rng.randrange(4)
    if style == 0:
        return f"{wan:.2f}"
    if style == 1:
        return f"{wan:.2f}万元"
    if style == 2:
        return f"{round(wan * 10000):,}元"
    return f"{wan / 10000:.6f}亿元"


def rows(count: int, *, seed: int = 0) -> Iterator[list[str]]:
    rng = random.Random(seed)
    for n in range(1, count + 1):
        budget = rng.randint(500, 50000) / 100
        received = budget if rng.random() < 0.8 else budget * rng.uniform(0.85, 1)
        spent = received * rng.uniform(0.8, 1)
        cases = rng.randint(1, 40)
        closed = cases - (rng.random() < 0.2)
        visits = rng.randint(50, 400)
        surveyed = rng.random() < 0.7
        facts = [
            _money(rng, budget),
            _money(rng, round(received, 2)),
            _money(rng, round(spent, 2)),
            str(rng.choice((0, 0, 0, 1, 2))),
            f"{cases}件" if rng.random() < 0.5 else str(cases),
            str(closed),
            str(max(0, closed - (rng.random() < 0.2))),
            f"{visits}批次",
            str(visits * rng.randint(3, 8)),
            str(visits - (rng.random() < 0.1)),
            str(rng.randint(300, 700)),
            str(rng.choice((0,) * 9 + (1,))),
            (f"{rng.uniform(80, 100):.1f}%" if rng.random() < 0.5 else f"{rng.uniform(0.8, 1):.3f}")
            if surveyed
            else "",
        ]
        ratings = []
        for weight in QUALITATIVE.values():
            if rng.random() < 0.85:
                tier, share = "达成", rng.uniform(0.8, 0.97)
            else:
                tier, share = "部分达成", rng.uniform(0.6, 0.75)
            # Rounded up to one decimal: still inside the tier's range, never below its floor.
            ratings += [tier, str(math.ceil(weight * share * 10) / 10)]
        yield [
            f"P{n:07d}",
            f"信访维稳经费{n}",
            rng.choice(UNITS),
            "2021",
            *facts,
            *ratings,
            "" if surveyed else "服务对象满意度: 未开展满意度调查",
        ]


def write_csv(path: str | Path, count: int, *, seed: int = 0, labels: bool = False) -> Path:
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header(labels=labels))
        writer.writerows(rows(count, seed=seed))
    return path


def copy_csv(source: str | Path, target: str | Path) -> int:
    """The I/O floor of a batch: every row of ``source`` read with the csv module and written to
    ``target``, nothing else; the number of records (a generated file has one line a row)."""
    with (
        Path(source).open(encoding="utf-8", newline="") as inp,
        Path(target).open("w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.reader(inp)
        csv.writer(out).writerows(reader)
        return reader.line_num - 1  # the header is not a record
