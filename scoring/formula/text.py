"""A formula's text as its author wrote it: read into a tree, and pointed back into.

Formulas are typed by spreadsheet users with a Chinese IME, so reading one is more than
``ast.parse``: IME punctuation is normalised one character for one (every offset still points
into the text as written), and where Python's own syntax message would mean nothing to them it is
replaced by the likely slip (a percent sign, a full-width character, a statement, '=' for '==').
Every refusal of the checker (``scoring.formula.checker``) goes through ``FormulaText.fail``,
which turns an AST position, counted in UTF-8 bytes, into a character offset in that text.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from decimal import Decimal
from typing import NoReturn

from ..errors import FormulaError
from ..i18n import tr
from ..numbers.cell_text import look_alike

__all__ = ["MAX_QUOTED", "FormulaText", "percent_as_decimal", "quote"]

MAX_QUOTED = 40  # characters of a name or fragment quoted in a message

_NORMALISE = str.maketrans({"（": "(", "）": ")", "，": ",", "×": "*", "÷": "/", "\u3000": " "})
_NORMALISE[0xA0] = " "  # the no-break space Word and Excel paste between words
_PUNCTUATION = {"、": ",", "。": ".", "＋": "+", "－": "-", "−": "-", "＊": "*", "／": "/"}
_PUNCTUATION |= {"＝": "==", "＜": "<", "＞": ">", "≤": "<=", "≥": ">=", "≠": "!="}
_PUNCTUATION |= {"【": "(", "】": ")", "［": "(", "］": ")"}
_PERCENT = re.compile(r"(?<![\w.])(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)\s*[%％]")
_ASSIGNMENT = re.compile(r":=|(?<![=<>!:])=(?![=<>])")
# A statement where an expression belongs: Python's own "invalid syntax" says nothing useful.
_STATEMENT = re.compile(
    r"(import|from|def|class|return|del|pass|raise|global|nonlocal|assert|for|while|with|try"
    r"|print|exec)\b"
)


def quote(text: str) -> str:
    """A name or fragment quoted for a message, shortened so a message stays one readable line."""
    return f"'{text[:MAX_QUOTED]}…'" if len(text) > MAX_QUOTED else f"'{text}'"


def percent_as_decimal(number: str) -> str:
    """'95' -> '0.95': what a spreadsheet user meant by 95%."""
    sign, digits, exponent = Decimal(number.replace("_", "")).as_tuple()
    return f"{Decimal((sign, digits, int(exponent) - 2)):f}"


class FormulaText:
    """One formula's text, normalised and split into lines as the tokenizer counts them; the
    base of the checker, which reports every refusal as an offset into this text."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.text = source.translate(_NORMALISE)
        self.body = self.text.lstrip()  # eval mode refuses leading indentation; eval() strips it
        shift = len(self.text) - len(self.body)
        ends = [m.end() for m in re.finditer(r"\r\n|\r|\n", self.body)]
        self.line_starts = [shift + start for start in (0, *ends)]  # as the tokenizer counts

    def parse(self) -> ast.Expression:
        lines = re.split(r"\r\n|\r|\n", self.body)
        if all(not line.strip() or line.lstrip().startswith("#") for line in lines):
            message = tr("formula-empty", "formula is empty: it holds only a comment")
            raise FormulaError(message, code="formula-empty", formula=self.source)
        self.refuse_look_alikes()
        if "\0" in self.text:  # Python's own message for it differs between versions
            at = self.text.index("\0")
            message = tr("formula-syntax", "formulas cannot contain NUL characters")
            raise FormulaError(message, code="formula-syntax", formula=self.source, offset=at)
        try:
            return ast.parse(self.body, mode="eval")
        except SyntaxError as exc:  # exc.offset counts characters from 1 in line exc.lineno
            line = min(max((exc.lineno or 1) - 1, 0), len(self.line_starts) - 1)
            at = self.line_starts[line] + exc.offset - 1 if exc.offset else len(self.source)
            at = min(max(at, 0), len(self.source))
            message, at = self.syntax_hint(exc.msg, at)
        except (ValueError, RecursionError, MemoryError) as exc:  # e.g. a lone surrogate
            detail = str(exc) or tr("formula-syntax", "too deeply nested")
            message, at = self.syntax_hint(detail, 0)
        raise FormulaError(message, code="formula-syntax", formula=self.source, offset=at)

    def refuse_look_alikes(self) -> None:
        """A character that only looks like a letter or digit (𝐰, ², ⑩) is named, not read:
        Python folds 𝐰 in a name into w (NFKC), so '𝐰 * 2' would silently read a fact 'w'. The
        comment after '#' on each line is the author's own prose, and left alone."""
        start = 0
        for line in self.text.split("\n"):
            code = line.split("#", 1)[0]
            if why := look_alike(code):
                index = next(i for i, char in enumerate(code) if look_alike(char))
                at, char = start + index, code[index]
                if char in "²³" and index and code[index - 1].isalnum():
                    why += tr(
                        "look-alike-character",
                        "; for a power write '** {digit}'",
                        digit=unicodedata.digit(char),
                    )
                raise FormulaError(why, code="look-alike-character", formula=self.source, offset=at)
            start += len(line) + 1

    def syntax_hint(self, detail: str, at: int) -> tuple[str, int]:
        """The likely slip of a spreadsheet user, in place of Python's own message (``detail``,
        which is in English: Python's)."""
        if percent := _PERCENT.search(self.text):
            number = percent_as_decimal(percent.group(1))
            return (
                tr(
                    "formula-syntax",
                    "'{percent}' is not a number in formulas; write {number}",
                    percent=percent.group(0),
                    number=number,
                ),
                percent.start(),
            )
        char = self.text[at] if at < len(self.text) else ""
        if statement := _STATEMENT.match(self.body):
            word = statement.group(1)
            return (
                tr(
                    "formula-syntax",
                    "'{word}' starts a statement; a formula is one expression, such as 'a / b * 100'",
                    word=word,
                ),
                len(self.text) - len(self.body),
            )
        if char == ";":
            message = tr(
                "formula-syntax", "';' is not allowed in formulas: a formula is one expression"
            )
            return message, at
        if char in _PUNCTUATION:
            message = tr(
                "formula-syntax",
                "character '{char}' is not allowed in formulas; use '{instead}'",
                char=char,
                instead=_PUNCTUATION[char],
            )
            return message, at
        if char and not char.isascii() and "character" in detail:
            code_point = f"U+{ord(char):04X}"
            if unicodedata.category(char)[0] in "CZ":  # invisible: quoting it would hide it
                name = unicodedata.name(char, "unnamed")
                message = tr(
                    "formula-syntax",
                    "invisible character {code_point} ({name}) is not allowed in formulas; delete it",
                    code_point=code_point,
                    name=name,
                )
                return message, at
            message = tr(
                "formula-syntax",
                "character '{char}' ({code_point}) is not allowed in formulas",
                char=char,
                code_point=code_point,
            )
            return message, at
        if assignment := _ASSIGNMENT.search(self.text):
            return (
                tr(
                    "formula-syntax",
                    "assignment ('{sign}') is not allowed in formulas; use '==' to compare",
                    sign=assignment.group(0),
                ),
                assignment.start(),
            )
        return tr("formula-syntax", "syntax error: {detail}", detail=detail), at

    def offset(self, lineno: int, col: int) -> int:
        """Character offset in the source of an AST position, whose column counts UTF-8 bytes."""
        start = self.line_starts[lineno - 1]
        return start + len(self.text[start : start + col].encode()[:col].decode("utf-8", "ignore"))

    def start(self, node: ast.expr) -> int:
        return self.offset(node.lineno, node.col_offset)

    def end(self, node: ast.expr) -> int:
        return self.offset(node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)

    def written(self, node: ast.expr) -> str:
        return self.text[self.start(node) : self.end(node)]

    def fail(
        self, where: ast.expr | int, message: str, code: str = "formula-forbidden"
    ) -> NoReturn:
        at = where if isinstance(where, int) else self.start(where)
        raise FormulaError(message, code=code, formula=self.source, offset=at)
