"""Review (复核) of filed 自评表: recompute under the rules and list what does not add up.

``review_table(path)`` reads a filed spreadsheet; ``review_pair(spec, facts, stated)`` reviews a
spec + facts pair whose stated scores are the facts' adjustments or a ``stated.yaml`` written by
``jixiao import``. Either way the result is a ``Review``: the stated total beside the recomputed
one and every finding with its cell and a stable code (``CODES``, docs/review.md).

May import ``report``, ``tabular``, ``engine`` and the layers below; never ``batch`` or
``commands``.
"""

from __future__ import annotations

from ..tabular.stated import Stated, StatedBlock, StatedRow
from .checks import CHECKS, review
from .findings import CODES, Finding, Review
from .load import review_pair, review_table, stated_from_result

__all__ = [
    "CHECKS",
    "CODES",
    "Finding",
    "Review",
    "Stated",
    "StatedBlock",
    "StatedRow",
    "review",
    "review_pair",
    "review_table",
    "stated_from_result",
]
