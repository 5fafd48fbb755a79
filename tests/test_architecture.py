"""The import rules of docs/architecture.md, checked over every import in scoring/.

Lazy imports inside functions and ``TYPE_CHECKING`` imports count too: a cycle hidden in a
function is still a cycle a reader has to understand.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scoring"

# Bottom to top, as docs/architecture.md draws them. A package may import its own rank and the
# ranks below; packages that share a rank may not import each other.
RANKS: list[set[str]] = [
    {"i18n"},
    {"errors"},
    {"yamlio", "writing"},
    {"numbers"},
    {"formula"},
    {"rules"},
    {"spec"},
    {"engine"},
    {"tabular"},
    {"methods"},
    {"report"},
    {"columnar"},
    {"review", "batch"},
    {"commands"},
    {"cli"},
    {"__main__"},
]
RANK = {name: rank for rank, names in enumerate(RANKS) for name in names}


def area(module: str) -> str:
    """``scoring.spec.loader`` → ``spec``; ``scoring`` → the package root, ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import of a jixiao module in ``path``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "scoring":  # from scoring import X / from .. import X: X may be a package
                found += [(node.lineno, f"scoring.{alias.name}") for alias in node.names]
            elif target.startswith("scoring."):
                found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name)
                for alias in node.names
                if alias.name.startswith("scoring.")
            ]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_package_has_a_rank() -> None:
    areas = {area(module_name(path)) for path in MODULES} - {""}
    assert sorted(areas - set(RANK)) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path: Path) -> None:
    own = area(module_name(path))
    if own == "":  # scoring/__init__.py: the public API re-exports from anywhere, lazily
        return
    wrong = []
    for line, target in imported(path):
        other = area(target)
        if other in ("", own) or other.startswith("__"):  # the package root: __version__
            continue
        if RANK[other] >= RANK[own]:  # above it, or a sibling of the same rank
            wrong.append(f"line {line}: {own} may not import {target}")
    assert wrong == []


def test_the_checker_sees_lazy_and_type_checking_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from ..errors import Problem\n"
        "if TYPE_CHECKING:\n"
        "    from ..engine.result import Result\n"
        "def f():\n"
        "    from ..report import html\n"
        "    import scoring.batch.core\n"
    )
    assert sorted(imports_in(source, "scoring.spec")) == [
        (2, "scoring.errors"),
        (4, "scoring.engine.result"),
        (6, "scoring.report"),
        (7, "scoring.batch.core"),
    ]
