"""Renderers: a scored ``Result`` → text people file or programs read. One module per format.

Every renderer is a pure function of the result registered by the name ``--format`` takes:
``RENDERERS`` give text, ``BINARY_RENDERERS`` give bytes (xlsx, docx: written with ``-o`` only). The binary ones
import openpyxl / python-docx on first use, so other commands do not pay for loading them.
"""

from __future__ import annotations

from collections.abc import Callable

from ..result import Result
from . import csv_format, html, json_format, markdown, table

__all__ = ["BINARY_RENDERERS", "RENDERERS", "render"]

RENDERERS: dict[str, Callable[[Result], str]] = {
    "table": table.render,
    "json": json_format.render,
    "markdown": markdown.render,
    "csv": csv_format.render,
    "html": html.render,
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
