"""Renderers: a scored ``Result`` → text people file or programs read. One module per format.

Every renderer is a pure function ``render(result) -> str`` registered in ``RENDERERS`` by the
name ``--format`` takes.
"""

from __future__ import annotations

from collections.abc import Callable

from ..result import Result
from . import json_format, markdown, table

__all__ = ["RENDERERS", "render"]

RENDERERS: dict[str, Callable[[Result], str]] = {
    "table": table.render,
    "json": json_format.render,
    "markdown": markdown.render,
}


def render(result: Result, format: str = "table") -> str:
    return RENDERERS[format](result)
