"""JSON output: ``Result.to_dict()`` written with every Decimal digit for digit (never via float);
``Result.to_json()`` is the library's way to it.

Strings are ``channels.json_string``: the same data to a JSON reader, with every control character
and bidi override escaped, so that the JSON printed on a terminal is harmless too.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..writing.channels import json_string
from .result import Result

__all__ = ["dumps", "render"]


def dumps(value: Any, indent: int = 2) -> str:
    """JSON text where Decimals are exact numbers ("4.96", not 4.959999…); keys keep their order."""
    return _encode(value, indent, 0)


def _encode(value: Any, indent: int, depth: int) -> str:
    if isinstance(value, Decimal):
        # Decimals here are finite (the engine rejects NaN/Infinity); 'f' never uses an exponent.
        text = format(value, "f")
        return "0" if text in ("-0", "-0.0") else text
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad, inner = " " * (indent * depth), " " * (indent * (depth + 1))
        items = [
            f"{inner}{json_string(str(k))}: {_encode(v, indent, depth + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        pad, inner = " " * (indent * depth), " " * (indent * (depth + 1))
        return (
            "[\n" + ",\n".join(inner + _encode(v, indent, depth + 1) for v in value) + f"\n{pad}]"
        )
    if isinstance(value, str):
        return json_string(value)
    return json.dumps(value, ensure_ascii=False)


def render(result: Result) -> str:
    return result.to_json() + "\n"
