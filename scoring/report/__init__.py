"""Renderers: a scored ``Result`` → text people file or programs read. One module per format.

Every renderer is a pure function of the result registered by the name ``--format`` takes:
``RENDERERS`` give text, ``BINARY_RENDERERS`` give bytes (xlsx, docx: written with ``-o`` only). The binary ones
import openpyxl / python-docx on first use, so other commands do not pay for loading them.

May import everything below it in docs/architecture.md (``engine``, ``tabular``, ``methods``,
``numbers``, ``writing``); never ``batch``, ``review`` or ``commands``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..engine.result import Result
from . import table

__all__ = ["BINARY_RENDERERS", "RENDERERS", "render"]

# Each format but the terminal's table is loaded when it is asked for: ``jixiao score`` prints one
# format, and tabulate (for the Markdown tables) alone took a fifth of its start.


def _lazy(module: str) -> Callable[[Result], Any]:
    """The ``render`` of ``module`` (relative to this package), imported on its first call."""

    def render(result: Result) -> Any:
        return importlib.import_module(module, __name__).render(result)

    return render


RENDERERS: dict[str, Callable[[Result], str]] = {
    "table": table.render,
    "json": _lazy("..engine.result_json"),
    "markdown": _lazy(".markdown"),
    "csv": _lazy(".csv_format"),
    "html": _lazy(".html"),
}

BINARY_RENDERERS: dict[str, Callable[[Result], bytes]] = {
    "xlsx": _lazy(".xlsx"),
    "docx": _lazy(".docx_report"),
}


def render(result: Result, format: str = "table") -> str:
    return RENDERERS[format](result)
