"""The ``jixiao`` subcommands: one module each, listed in ``COMMANDS`` (the CLI's registry).

A command module defines ``add_arguments(parser)`` and ``run(args, stdout, stderr) -> int``. It
calls the library and a renderer and does nothing else; ``ScoringError`` and ``errors.UsageError``
raised from ``run`` are turned into exit codes by ``cli.main``. Only the module of the command
being run is imported: a start of ``jixiao`` does not load what the other commands need.

May import every package but ``cli``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["COMMANDS", "load"]

# name → (module in this package, the help ``jixiao --help`` shows), in the order it lists them
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validate", "check indicator system files; every problem with file:line:col"),
    "score": ("score", "score one project's facts; print the 自评表"),
    "batch": (
        "batch",
        "score many projects (folder, CSV, XLSX, JSON Lines) into one CSV/JSONL/XLSX, with a summary",
    ),
    "explain": ("explain", "where each point went and what the next grade takes"),
    "diff": ("diff", "score the same facts under two specs or profiles and show what changes"),
    "init": ("init", "write a facts template listing every fact and rating the spec needs"),
    "test": ("test", "run the test cases of specs and report indicator and rule-branch coverage"),
    "schema": ("schema", "print the JSON Schema of the spec (or facts) file format"),
    "systems": ("systems", "list the indicator systems shipped with jixiao (jixiao:NAME)"),
    "import": ("import_table", "read a filled 自评表 (xlsx/csv) into a spec + facts pair"),
    "review": ("review", "复核: recompute a filed 自评表 and list what does not add up"),
    "report": ("report", "write a draft 自评报告 (.docx, or .html) for one project"),
    "compare": ("compare", "比较法 across years, with 因素分析法 of each change of the total"),
    "survey": (
        "survey",
        "公众评判法: questionnaire answers → 满意度 with its sample and 95%% interval",
    ),
}


def load(name: str) -> ModuleType:
    """The module of command ``name``."""
    return importlib.import_module(f".{COMMANDS[name][0]}", __name__)
