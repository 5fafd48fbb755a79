"""Indicator names → ids, and the quantity a name may carry.

Ids are made from the Chinese names and double as formula names for facts, so they must be
identifiers that no function, keyword or formula variable already claims. A name often has its
target written into it ("年度资金支付完成率100%", "培训人次（人次）"): that is left out of the id
and, when the target cell is empty or unitless, read as the target or its unit (``rows``).
"""

from __future__ import annotations

import keyword
import re

from ..formula.expr import FUNCTIONS
from ..numbers.cell_text import normalize

__all__ = ["NAME_QUANTITY", "NAME_UNIT", "RESERVED", "Ids", "id_source"]

RESERVED = frozenset(
    {*FUNCTIONS, "True", "False", "None", "a", "t", "w", "实际值", "指标值", "分值"}
)
# A quantity at the end of an indicator name: "年度资金支付完成率100%", "培训人次（人次）".
NAME_QUANTITY = re.compile(r"(?P<q>[≥≤=><]?\d+(?:\.\d+)?(?P<u>%|‰|[\u4e00-\u9fff]{1,3}))$")
NAME_UNIT = re.compile(r"[（(](?P<u>%|‰|[\u4e00-\u9fff]{1,3})[)）]$")


class Ids:
    """Unique identifiers made from Chinese names (ids double as formula names for facts)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, name: str, fallback: str) -> str:
        base = re.sub(r"\W", "", normalize(name)) or fallback
        if base[0].isdigit():
            base = fallback + base
        if keyword.iskeyword(base) or base in RESERVED:
            base += "_"
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}_{n}", n + 1
        self.used.add(candidate)
        return candidate


def id_source(name: str) -> str:
    """An id from a name without the target written into it ("完成率100%" → "完成率")."""
    text = normalize(name)
    return NAME_UNIT.sub("", NAME_QUANTITY.sub("", text)) or text
