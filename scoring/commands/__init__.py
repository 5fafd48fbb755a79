"""The ``jixiao`` subcommands: one module each, listed in ``COMMANDS`` (the CLI's registry).

A command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args, stdout, stderr) -> int``. It calls the library and a renderer and does nothing else;
``ScoringError`` and ``errors.UsageError`` raised from ``run`` are turned into exit codes by ``cli.main``.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    batch,
    diff,
    explain,
    import_table,
    init,
    report,
    review,
    schema,
    score,
    test,
    validate,
)

__all__ = ["COMMANDS"]

COMMANDS: tuple[ModuleType, ...] = (
    validate,
    score,
    batch,
    explain,
    diff,
    init,
    test,
    schema,
    import_table,
    review,
    report,
)
