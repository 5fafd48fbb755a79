"""Text as reports are typed and pasted, made comparable: ``normalize``, and the 不适用 markers.

Cells arrive with full-width digits and letters, look-alike operators and minus signs (≧, －) and
zero-width characters from Word or Excel; ``normalize`` brings them to one form, so a header word,
a tier name or a number reads the same however it was typed. ``is_not_applicable`` tells the
markers filed tables use for "not applicable" (—, /, 不适用 …). Both serve far more than numbers
(sheet headers and names, ratings, batch rows, money units), so they are a module of their own:
``scoring.numbers.quantities`` reads numbers from normalised text, and names ``NOT_APPLICABLE_MARKS`` only
to explain that a marker has no number. Pure functions, no I/O; imports nothing of the package
but its messages (``scoring.i18n``).
"""

from __future__ import annotations

import unicodedata

from ..i18n import tr

__all__ = ["NOT_APPLICABLE_MARKS", "is_not_applicable", "look_alike", "normalize"]

_LOOK_ALIKES: dict[str, str | None] = {
    "≧": "≥", "⩾": "≥", "≦": "≤", "⩽": "≤", "═": "=", "﹦": "=", "−": "-", "－": "-",
    # Zero-width characters come along when text is pasted from Word or Excel.
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
}  # fmt: skip
_TRANSLATE = str.maketrans(_LOOK_ALIKES)
NOT_APPLICABLE_MARKS = frozenset(
    {"—", "——", "―", "――", "–", "-", "--", "/", "n/a", "不适用", "无此项"}
)


def normalize(text: str) -> str:
    """NFKC, map look-alike operators and minus signs, drop all whitespace, >= → ≥, <= → ≤."""
    if text.isascii():  # NFKC and the translation table cannot change ASCII
        if not text.isalnum():
            text = "".join(text.split()).replace(">=", "≥").replace("<=", "≤")
        return text
    # Removing a space or rewriting >= can bring a combining mark next to a new base character,
    # which NFKC would then compose; repeating to a fixed point keeps normalize idempotent.
    while True:
        step = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
        step = "".join(step.split()).replace(">=", "≥").replace("<=", "≤")
        if step == text:
            return step
        text = step


# Full-width ASCII forms (０-９, Ａ-Ｚ, （）, ％ …) are what a Chinese IME types: read as ASCII.
_FULL_WIDTH = range(0xFF01, 0xFF5F)
_DIGIT_FORMS = frozenset("0123456789()./⁄,")  # what a look-alike digit folds to: ⑽ (10), ⒈ 1., ½
_POWERS = frozenset("¹²³")  # after a letter, a unit's power: m², km³ (read as m2, km3)


def look_alike(text: str, *, unit_powers: bool = False) -> str | None:
    """Why ``text`` cannot be read as typed, or None: the first character that only looks like
    an ASCII digit or letter (a superscript ², a circled ⑩, ½, an Arabic-Indic ٣ or Devanagari
    ३ digit, a mathematical 𝐰). NFKC would fold most of them into the digit or letter they
    resemble, so '²万元' would silently read as 2 万元: such a character is named instead, with
    what to type. Full-width forms are not look-alikes (a Chinese IME types them), nor are unit
    symbols that fold to more than one character (㎡, ㎞, ℃); with ``unit_powers``, ¹ ² ³ after
    a letter are a unit's power (m²)."""
    if text.isascii():
        return None
    for index, char in enumerate(text):
        if char.isascii() or ord(char) in _FULL_WIDTH:
            continue
        folded = unicodedata.normalize("NFKC", char)
        value = unicodedata.digit(char, None)
        if value is not None or (
            folded != char and any(c.isdigit() for c in folded) and _DIGIT_FORMS.issuperset(folded)
        ):
            if unit_powers and char in _POWERS and index and text[index - 1].isalpha():
                continue
            typed = folded.replace("⁄", "/")
            typed = typed if typed.isascii() else str(value)
            return tr(
                "look-alike-character",
                "{char} is not a digit; type {typed}",
                char=_named(char),
                typed=typed,
            )
        if folded != char and len(folded) == 1 and folded.isascii() and folded.isalpha():
            return tr(
                "look-alike-character",
                "{char} is not a letter; type {typed}",
                char=_named(char),
                typed=folded,
            )
    return None


def _named(char: str) -> str:
    return f"'{char}' ({unicodedata.name(char, f'U+{ord(char):04X}')})"


def is_not_applicable(value: object) -> bool:
    """True for the markers filed tables use for "not applicable"; None and "" mean missing."""
    return isinstance(value, str) and normalize(value).casefold() in NOT_APPLICABLE_MARKS
