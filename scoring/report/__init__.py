"""Renderers: a scored ``Result`` → text people file or programs read. One module per format.

Every renderer is a pure function of the result registered by the name ``--format`` takes:
``RENDERERS`` give text, ``BINARY_RENDERERS`` give bytes (xlsx, docx: written with ``-o`` only). The binary ones
import openpyxl / python-docx on first use, so other commands do not pay for loading them.

May import everything below it in docs/architecture.md (``engine``, ``tabular``, ``methods``,
``numbers``, ``writing``); never ``batch``, ``review`` or ``commands``.
"""

from __future__ import annotations

from collections.abc import Callable

from ..engine import result_json as json_format
from ..engine.result import Result
from . import markdown, table

__all__ = ["BINARY_RENDERERS", "RENDERERS", "render"]


def _csv(result: Result) -> str:
    from . import csv_format

    return csv_format.render(result)


def _html(result: Result) -> str:
    from . import html

    return html.render(result)


RENDERERS: dict[str, Callable[[Result], str]] = {
    "table": table.render,
    "json": json_format.render,
    "markdown": markdown.render,
    "csv": _csv,  # these two draw the full 自评表 grid (funds block …): loaded when used
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
