"""What a YAML document is composed into before it becomes plain data: positions, tags, nodes.

Also decides what an untagged plain scalar means, deliberately narrower than YAML 1.1: only
true/false are booleans (yes/no/on/off stay text), 0123 and timestamps stay text, and numbers keep
the digits written (Decimal later, never a binary float). Kept apart from the builder so these
rules can be read on their own. Internal to ``scoring._yaml``, which re-exports ``Mark`` and
``Path``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Mark", "Path"]

Path = tuple[str | int, ...]

_Y = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, MAP, SEQ, MERGE = (
    _Y + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "merge")
)
SCALAR_TAGS = (STR, INT, FLOAT, BOOL, NULL)
NULL_WORDS = {"", "~", "null", "Null", "NULL"}
BOOL_WORDS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
# Digits only: YAML 1.1 reads 1_000 as 1000, but '_' is no digit separator in a Chinese report
# (1,000 is), and 1_000 may as well be a slip for 1.000; as text it is refused with a message.
_DIGITS = r"[0-9]+"
INT_TEXT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
# A dot or an exponent is required so that 0123 (octal in YAML 1.1) stays text; the exponent is
# capped so that Decimal() can always represent the value.
FLOAT_TEXT = re.compile(
    rf"[-+]?(?:(?:{_DIGITS})?\.{_DIGITS}|{_DIGITS}\.)(?:[eE][-+]?[0-9]{{1,4}})?"
    rf"|[-+]?{_DIGITS}[eE][-+]?[0-9]{{1,4}}"
)


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based position in the source text."""

    line: int
    column: int


@dataclass(eq=False, slots=True)
class YamlNode:
    tag: str
    mark: Mark
    # Values this node expands to (keys and merges not counted): a lower bound of what value()
    # will charge, known while composing, so an alias bomb is refused before it is expanded.
    size: int = field(default=1, kw_only=True)


@dataclass(eq=False, slots=True)
class ScalarNode(YamlNode):
    text: str


@dataclass(eq=False, slots=True)
class SeqNode(YamlNode):
    items: list[YamlNode]


@dataclass(eq=False, slots=True)
class MapNode(YamlNode):
    items: list[YamlNode]  # key, value, key, value, ... as the parser delivers them


def short_tag(tag: str) -> str:
    return "!!" + tag[len(_Y) :] if tag.startswith(_Y) else tag


def explicit_tag(tag: str | None) -> str | None:
    return None if tag == "!" else tag  # '!' is YAML's "no specific tag"


def implicit_tag(text: str) -> str:
    if text in NULL_WORDS:
        return NULL
    if text in BOOL_WORDS:
        return BOOL
    if INT_TEXT.fullmatch(text):
        return INT
    if FLOAT_TEXT.fullmatch(text):
        return FLOAT
    return MERGE if text == "<<" else STR
