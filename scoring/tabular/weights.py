"""A leaf's missing 分值, inferred from the totals the table prints when they leave one answer.

The sources, innermost first: a block total printed in a level name ("产出指标（50分）"), in a 小计
row or in a 分值 cell merged over the block; then the 总分 row (its 分值, less the funds row's).
In each, one missing weight takes what the total leaves over, and a block where every weight is
missing shares its total equally, but only when the share is exact to the cent. Each inference is
a notice naming its source and cells (an unreadable 分值 is inferred the same way, and stays an
``unreadable_value`` finding). Every row that prints no 分值 is a ``weight_not_printed`` defect;
one whose weight nothing implies is imported at 0 and left out of the recomputation (a
not-applicable row is worth 0 anyway).
When two totals disagree, the first (innermost) one is used and the review's ``weights_sum`` says
where they disagree: nothing is averaged or guessed.
"""

from __future__ import annotations

from decimal import Decimal

from ..i18n import tr, ui
from ..numbers.text import format_number
from .draft import Draft, Leaf, in_block
from .filed import Located

__all__ = ["infer_weights"]

ZERO = Decimal(0)


def infer_weights(draft: Draft, leaves: list[Leaf]) -> None:
    unreadable = {d.cell for d in draft.defects if d.code == "unreadable_value"}
    sources: list[tuple[tuple[str, ...], Located[Decimal], str]] = [
        (path, block, " / ".join(path) + " 的合计")
        for path, block in sorted(draft.table.blocks, key=lambda item: -len(item[0]))
    ]
    footer = draft.table.total_weight
    if footer is not None:
        funds = draft.table.funds
        funds_weight = funds.weight.value if funds is not None else None
        rest = footer.value - (funds_weight or ZERO)
        sources.append(((), Located(rest, footer.cell), "总分"))
    for path, block, name in sources:
        inside = [
            leaf for leaf in leaves if in_block(leaf.row, path) and not leaf.row.not_applicable
        ]
        # An unreadable 分值 ("十分") is missing too: a total may still imply it.
        missing = [leaf for leaf in inside if leaf.weight is None]
        if not missing:
            continue
        known = sum((leaf.weight for leaf in inside if leaf.weight is not None), ZERO)
        rest = block.value - known
        total = format_number(block.value)
        if len(missing) == 1 and rest >= 0:
            missing[0].weight = rest
            draft.notice(
                missing[0].row.weight.cell,
                ui(
                    "分值 is not filled in; {name} {total} ({cell}) implies it: {weight}",
                    name=name,
                    total=total,
                    cell=block.cell,
                    weight=format_number(rest),
                ),
            )
        elif len(missing) == len(inside) and rest > 0:
            share = rest / len(missing)
            if share != share.quantize(Decimal("0.01")):
                continue
            for leaf in missing:
                leaf.weight = share
            cells = "、".join(leaf.row.weight.cell for leaf in missing)
            draft.notice(
                cells,
                ui(
                    "分值 is not filled in; {name} {total} ({cell}) is shared equally among "
                    "{count} rows: {weight} each",
                    name=name,
                    total=total,
                    cell=block.cell,
                    count=len(missing),
                    weight=format_number(share),
                ),
            )
    for leaf in leaves:
        row = leaf.row
        if row.not_applicable:
            leaf.weight = ZERO if leaf.weight is None else leaf.weight
            continue
        if row.weight.cell in unreadable:
            if leaf.weight is None:
                leaf.weight = ZERO
                draft.leave_out(leaf, "unreadable_value")
            continue
        if row.weight_printed and leaf.weight is not None:
            continue
        if leaf.weight is not None:
            draft.defect(
                "weight_not_printed",
                row.weight.cell,
                tr(
                    "weight_not_printed",
                    "{name}: 分值 is not filled in (inferred as {weight} from the table's "
                    "sums, see the import notes)",
                    name=row.name,
                    weight=format_number(leaf.weight),
                ),
                row,
            )
            continue
        leaf.weight = ZERO
        message = tr(
            "weight_not_printed",
            "{name}: 分值 is not filled in, and no sum in the table (a block's sum or the "
            "total) implies it alone",
            name=row.name,
        )
        draft.reject(leaf, "weight_not_printed", row.weight.cell, message)
