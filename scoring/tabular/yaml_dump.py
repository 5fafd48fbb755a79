"""YAML that the strict loader reads back as written: the spec and facts ``jixiao import`` saves.

Decimals are written exactly as ``format_number`` prints them (never through a float), Chinese is
left unescaped, keys keep their order, and text the loader would take for something else (a
number, yes/no, null) is quoted so that it comes back as text.

Text from a filed table is kept as it was filed — a name ``=HYPERLINK(…)`` stays that name (YAML
quotes what needs quoting; nothing in YAML runs it), and every writer that could run it later
makes it harmless there (``scoring.writing.channels``: the CSV and XLSX outputs write it as text). What
would not survive the trip or would mislead a reader of the file is written double-quoted with
escapes: control characters, NEL and the Unicode line and paragraph separators (which YAML folds
into line breaks), and the bidirectional overrides (shown as ``\u202e``, not reordering the line
in an editor — Trojan Source).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml

from ..numbers.text import format_number

__all__ = ["dump_yaml"]


# Characters written as escapes in a double-quoted scalar (see the module docstring).
_ESCAPED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class _Dumper(yaml.SafeDumper):
    def write_double_quoted(self, text: str, split: bool = True) -> None:
        if not _BIDI.search(text):
            super().write_double_quoted(text, split)
            return
        # PyYAML writes every printable character as it is; these are printable but must show.
        saved, self.allow_unicode = self.allow_unicode, False
        try:
            super().write_double_quoted(text, split)
        finally:
            self.allow_unicode = saved


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format_number(value)
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


# Text the strict loader would read as something else (a number, yes/no, null) is quoted.
_NOT_TEXT = re.compile(r"[-+.]?\d.*|true|false|null|~|", re.IGNORECASE)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _ESCAPED.search(value) else "'" if _NOT_TEXT.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(str, _text)


def dump_yaml(data: Any) -> str:
    """YAML as the strict loader reads it back: Chinese unescaped, Decimals written digit for digit."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
