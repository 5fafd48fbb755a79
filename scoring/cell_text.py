"""Text as reports are typed and pasted, made comparable: ``normalize``, and the 不适用 markers.

Cells arrive with full-width digits and letters, look-alike operators and minus signs (≧, －) and
zero-width characters from Word or Excel; ``normalize`` brings them to one form, so a header word,
a tier name or a number reads the same however it was typed. ``is_not_applicable`` tells the
markers filed tables use for "not applicable" (—, /, 不适用 …). Both serve far more than numbers
(sheet headers and names, ratings, batch rows, money units), so they are a module of their own:
``scoring.quantities`` reads numbers from normalised text, and names ``NOT_APPLICABLE_MARKS`` only
to explain that a marker has no number. Pure functions, no I/O; imports nothing of the package.
"""

from __future__ import annotations

import unicodedata

__all__ = ["NOT_APPLICABLE_MARKS", "is_not_applicable", "normalize"]

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


def is_not_applicable(value: object) -> bool:
    """True for the markers filed tables use for "not applicable"; None and "" mean missing."""
    return isinstance(value, str) and normalize(value).casefold() in NOT_APPLICABLE_MARKS
