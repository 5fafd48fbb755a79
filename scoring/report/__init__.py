"""Renderers: a scored ``Result`` → text people file or programs read. One module per format.

Every renderer is a pure function of the result registered by the name ``--format`` takes:
``RENDERERS`` give text, ``BINARY_RENDERERS`` give bytes (xlsx, docx: written with ``-o`` only). The binary ones
import openpyxl / python-docx on first use, so other commands do not pay for loading them.

May import everything below it in docs/architecture.md (``engine``, ``tabular``, ``methods``,
``numbers``, ``writing``); never ``batch``, ``review`` or ``commands``.
"""

from __future__ import annotations

from collections.abc import Callable

from ..engine.result import Result
from . import table

__all__ = ["BINARY_RENDERERS", "RENDERERS", "render"]

# Each format but the terminal's table is loaded when it is asked for: ``jixiao score`` prints one
# format, and tabulate (for the Markdown tables) alone took a fifth of its start.


def _json(result: Result) -> str:
    from ..engine import result_json

    return result_json.render(result)


def _markdown(result: Result) -> str:
    from . import markdown

    return markdown.render(result)


def _csv(result: Result) -> str:
    from . import csv_format

    return csv_format.render(result)


def _html(result: Result) -> str:
    from . import html

    return html.render(result)


RENDERERS: dict[str, Callable[[Result], str]] = {
    "table": table.render,
    "json": _json,
    "markdown": _markdown,
    "csv": _csv,
    "html": _html,
}


def _xlsx(result: Result) -> bytes:
    from . import xlsx

    return xlsx.render(result)


def _docx(result: Result) -> bytes:
    from . import docx_report

    return docx_report.render(result)


BINARY_RENDERERS: dict[str, Callable[[Result], bytes]] = {
    "xlsx": _xlsx,
    "docx": _docx,
}


def render(result: Result, format: str = "table") -> str:
    return RENDERERS[format](result)
