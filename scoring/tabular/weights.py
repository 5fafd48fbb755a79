"""A leaf's missing 分值, inferred from its block's printed total when that leaves one answer.

One missing weight in a block takes what the total leaves over; a block where every weight is
missing shares its total equally, but only when the share is exact to the cent. Each inference is a
notice naming the cells; a weight nothing implies is a problem, unless the row is not applicable
(then it is worth 0).
"""

from __future__ import annotations

from decimal import Decimal

from ..number_text import format_number
from .draft import Draft, Leaf, in_block

__all__ = ["WeightInference"]


class WeightInference(Draft):
    """Fills ``Leaf.weight`` where the table leaves it empty."""

    def infer_weights(self, leaves: list[Leaf]) -> None:
        for path, block in self.table.blocks:
            inside = [leaf for leaf in leaves if in_block(leaf.row, path)]
            missing = [
                leaf for leaf in inside if leaf.weight is None and not leaf.row.not_applicable
            ]
            if not inside or not missing:
                continue
            known = sum(
                (leaf.weight or Decimal(0) for leaf in inside if leaf.weight is not None),
                Decimal(0),
            )
            rest = block.value - known
            name = " / ".join(path) or "总分"
            if len(missing) == 1 and rest >= 0:
                missing[0].weight = rest
                self.notice(
                    missing[0].row.weight.cell,
                    f"分值未填，由 {name} 的合计 {format_number(block.value)}（{block.cell}）推出：{format_number(rest)}",
                )
            elif len(missing) == len(inside) and rest > 0:
                share = rest / len(missing)
                if share != share.quantize(Decimal("0.01")):
                    continue
                for leaf in missing:
                    leaf.weight = share
                cells = "、".join(leaf.row.weight.cell for leaf in missing)
                self.notice(
                    cells,
                    f"分值未填，{name} 的合计 {format_number(block.value)}（{block.cell}）按 {len(missing)} 项平均分配：每项 {format_number(share)}",
                )
        unreadable = {problem.path for problem in self.problems}
        for leaf in leaves:
            if leaf.weight is None and leaf.row.weight.cell in unreadable:
                continue  # reported already as unreadable
            if leaf.weight is None and not leaf.row.not_applicable:
                self.problem(
                    leaf.row.weight.cell,
                    f"{leaf.row.name}: 分值 is empty and no block total implies it",
                    "table-weight",
                )
            elif leaf.weight is None:
                leaf.weight = Decimal(0)
