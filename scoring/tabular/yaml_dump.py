"""YAML that the strict loader reads back as written: the spec and facts ``jixiao import`` saves.

Decimals are written exactly as ``format_number`` prints them (never through a float), Chinese is
left unescaped, keys keep their order, and text the loader would take for something else (a
number, yes/no, null) is quoted so that it comes back as text.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml

from ..number_text import format_number

__all__ = ["dump_yaml"]


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format_number(value)
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


# Text the strict loader would read as something else (a number, yes/no, null) is quoted.
_NOT_TEXT = re.compile(r"[-+.]?\d.*|true|false|null|~|", re.IGNORECASE)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "'" if _NOT_TEXT.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(str, _text)


def dump_yaml(data: Any) -> str:
    """YAML as the strict loader reads it back: Chinese unescaped, Decimals written digit for digit."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
