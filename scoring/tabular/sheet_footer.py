"""The footer below the indicator rows: the 总分 row's weight and total, and the 自评等级.

The total is read from the 得分 column of the 总分 row, or else from the number after a 自评得分 /
得分 label in that row (tables that write "自评得分 | 95" across merged cells), or else from a
自评总分 / 自评得分 label above the indicator block ("自评总分（分）| 97.93"). The grade is
written inline ("自评等级：优", "评价等级为优秀") or in the next cell to the right of its label; a
table that prints no label is read for a cell holding a grade word alone (优 / 良好 / 合格 …) in
its footer rows; a labelled grade above the indicator block (beside 自评总分) is read too.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..i18n import tr
from ..numbers.cell_text import normalize
from ..numbers.text import format_number
from .filed import Defect, Located
from .sheet_cells import CellReader, cell_texts, filled_right_of, value_right_of
from .sheet_header import Header, label_column

__all__ = ["GRADE_NAMES", "GRADE_WORDS", "TOTAL_WORDS", "read_footer"]

# A label that states the full marks ("总分(100分)").
_BLOCK_WEIGHT = re.compile(r"[（(]\d+(?:\.\d+)?分[)）]")
# Labels of the footer rows; the indicator rows end at the first row labelled with either.
TOTAL_WORDS = ("总分", "合计", "总计", "综合得分")
GRADE_WORDS = ("自评等级", "评价等级", "绩效等级", "评价结果", "等级")
# Grade words as tables print them, on either scale (优/良/中/差 and 优秀/良好/中等/较差).
GRADE_NAMES = ("优", "良", "中", "差", "优秀", "良好", "中等", "合格", "较差", "不合格", "差")


def read_footer(reader: CellReader, header: Header, foot: int) -> None:
    """The first 总分 row's weight and total, and the first grade, from row ``foot`` down."""
    sheet, table, fields = reader.sheet, reader.table, header.fields
    for row in range(foot, sheet.max_row + 1):
        total_col = label_column(reader, row, header, TOTAL_WORDS)
        if total_col is not None and table.total is None:
            if "weight" in fields:
                value, _ = reader.number(row, fields["weight"], "总分分值")
                if value is not None:
                    table.total_weight = Located(value, sheet.ref(row, fields["weight"]))
            score_col = fields.get("score")
            value = None
            if score_col is not None and _is_number(sheet.value(row, score_col)):
                value, _ = reader.number(row, score_col, "自评总分")
            if value is not None and score_col is not None:
                table.total = Located(value, sheet.ref(row, score_col))
            elif _BLOCK_WEIGHT.search(normalize(sheet.text(row, total_col))):
                # "总分(100分) | 100": the label gives the full marks, the number the score.
                table.total = _first_number_right(
                    reader, row, total_col, fields.get("weight")
                ) or _labelled_total(reader, row, ("自评得分", "得分"))
            else:
                table.total = _labelled_total(reader, row, ("自评得分", "得分"))
        if table.grade is None:
            _read_grade(reader, row)
    if table.grade is None:
        _unlabelled_grade(reader, foot)
    for row in range(1, header.first_row):  # a grade printed in the header block
        if table.grade is not None:
            break
        _read_grade(reader, row)
    footer_total, above = table.total, _total_above(reader, header.first_row)
    table.total = footer_total or above
    if footer_total is not None and above is not None and above.value != footer_total.value:
        # Two totals that disagree: the 总分 row's is taken, and the disagreement is said.
        reader.defects.append(
            Defect(
                "total_mismatch",
                above.cell,
                tr(
                    "total_mismatch",
                    "the 自评总分 above the table, {above}, differs from the total row's {total} "
                    "({cell})",
                    above=format_number(above.value),
                    total=format_number(footer_total.value),
                    cell=footer_total.cell,
                ),
            )
        )


def _labelled_total(
    reader: CellReader, row: int, labels: tuple[str, ...]
) -> Located[Decimal] | None:
    """The total: the number in the first filled cell right of a cell naming one of ``labels``.

    A cell there that is not a number is a problem, and gives no total.
    """
    sheet = reader.sheet
    for col in range(1, sheet.max_col + 1):
        if any(w in normalize(sheet.text(row, col)) for w in labels):
            c = next(filled_right_of(sheet, row, col), None)
            if c is None:
                return None
            number, _ = reader.number(row, c, "自评总分")
            return None if number is None else Located(number, sheet.ref(row, c))
    return None


def _read_grade(reader: CellReader, row: int) -> None:
    """The grade in this row: after its label ("自评等级：优") or in the next filled cell right."""
    sheet, table = reader.sheet, reader.table
    for _, col, text in cell_texts(sheet, range(row, row + 1)):
        word = next((w for w in GRADE_WORDS if text.startswith(w)), None)
        if word is None:
            continue
        rest = re.sub(r"^(?:[:：]|为|是)", "", text[len(word) :])
        if rest:
            table.grade = Located(rest, sheet.ref(row, col))
            return
        found = value_right_of(reader, row, col, ())
        if found is not None:
            table.grade = Located(normalize(found[0]), sheet.ref(row, found[1]))
        return


def _unlabelled_grade(reader: CellReader, foot: int) -> None:
    """A grade word alone in a cell of the footer rows, with no label beside it."""
    sheet, table = reader.sheet, reader.table
    for row, col, text in cell_texts(sheet, range(foot, sheet.max_row + 1)):
        if text in GRADE_NAMES:
            table.grade = Located(text, sheet.ref(row, col))
            return


# Labels of a total printed above the indicator block ("自评总分（分）| 97.93").
_TOTAL_ABOVE_AT = re.compile(r"^(?:项目)?(?:自评总分|自评得分|综合得分|总得分)")


def _total_above(reader: CellReader, before: int) -> Located[Decimal] | None:
    """A total printed in the header block: after its label ("自评总分：95") or right of it."""
    sheet = reader.sheet
    for row, col, text in cell_texts(sheet, range(1, before)):
        if not _TOTAL_ABOVE_AT.match(text):
            continue
        inline = re.search(r"[:：]\s*(\d+(?:\.\d+)?)分?$", text)
        if inline:
            return Located(Decimal(inline[1]), sheet.ref(row, col))
        total = _labelled_total(reader, row, (text,))
        if total is not None:
            return total
    return None


def _is_number(value: object) -> bool:
    """A cell that reads as a number (a grade word printed in the 得分 column is not)."""
    if value is None:
        return False
    if not isinstance(value, str):
        return True
    return bool(re.fullmatch(r"\s*\d+(?:\.\d+)?\s*分?\s*", value))


def _first_number_right(
    reader: CellReader, row: int, col: int, skip: int | None
) -> Located[Decimal] | None:
    """The total as the first number right of the 总分 label ("总分(100分) | 100 | 自评等级 | 优");
    the 总分 row's 分值 (column ``skip``) is the total weight, not the total."""
    sheet = reader.sheet
    c = next((c for c in filled_right_of(sheet, row, col) if c != skip), None)
    if c is None or not _is_number(sheet.value(row, c)):
        return None
    number, _ = reader.number(row, c, "自评总分")
    return None if number is None else Located(number, sheet.ref(row, c))
