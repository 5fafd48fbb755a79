"""``jixiao validate SPEC_OR_DIR...``: every problem of every spec and cases file, with file:line:col.

A folder is walked for its specs and their ``*.cases.yaml`` files (as ``jixiao test`` finds them);
a cases file is checked as a cases file (its shape and its facts paths), not as a spec, so
``jixiao validate indicators/*.yaml`` checks everything the folder holds. A spec that loads may
still earn a warning on stderr (exit 0): an actual that divides money by a count with no unit
declared, which the 自评表 would show as a bare number (``compound-unit-missing``).
"""

from __future__ import annotations

import argparse
import ast
import os
from typing import Any, TextIO

from ..engine.spec_tests import sibling_cases
from ..errors import Problem, ScoringError
from ..i18n import tr, ui
from ..numbers.measure import Measure
from ..spec.compiled import Spec
from ..spec.loader import load_spec
from ..spec.overlay import Loc, Sourced, load_sourced
from ..writing.channels import terminal
from .test import skipped_link, spec_files

CASES_SUFFIX = ".cases.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "specs",
        nargs="+",
        metavar="SPEC_OR_DIR",
        help=ui("spec files (or jixiao:NAME), or folders of them with their cases files"),
    )


def _files(paths: list[str], skipped: list[str]) -> list[str]:
    """The files named, and under each folder named its specs with their cases files."""
    out: list[str] = []
    for path in paths:
        if not os.path.isdir(path):
            out.append(path)
            continue
        found = spec_files([path], skipped)
        if not found:
            out.append(path)  # reported by run(): a folder with no spec is not a pass
        for spec in found:
            out.append(spec)
            cases = os.path.splitext(spec)[0] + CASES_SUFFIX
            if os.path.isfile(cases):
                out.append(cases)
    return out


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    skipped: list[str] = []
    files = _files(args.specs, skipped)
    stderr.writelines(f"{terminal(str(skipped_link(file)))}\n" for file in skipped)
    failed = len(skipped)
    for path in files:
        try:
            if os.path.isdir(path):
                message = tr("file-unreadable", "no indicator system (.yaml) in this folder")
                raise ScoringError(Problem(message, "file-unreadable", file=path))
            warnings: list[Problem] = []
            line = _cases(path) if path.endswith(CASES_SUFFIX) else _spec(path, warnings)
        except ScoringError as exc:
            stderr.write(f"{terminal(str(exc))}\n")
            failed += 1
            continue
        stdout.write(terminal(line) + "\n")
        stderr.writelines(f"{terminal(str(warning))}\n" for warning in warnings)
    return 1 if failed else 0


def _spec(path: str, warnings: list[Problem]) -> str:
    spec = load_spec(path)
    warnings.extend(compound_warnings(spec, path))
    return ui(
        "{path}: ok ({name} v{version}: {indicators} indicators, {scored} scored, total {total})",
        path=path,
        name=spec.name,
        version=spec.version,
        indicators=len(spec.nodes),
        scored=len(spec.leaves),
        total=spec.total,
    )


def _cases(path: str) -> str:
    spec_path = path[: -len(CASES_SUFFIX)] + ".yaml"
    if not os.path.isfile(spec_path):
        message = tr(
            "cases-without-spec",
            "a cases file belongs beside its spec: {spec} is missing",
            spec=os.path.basename(spec_path),
        )
        raise ScoringError(Problem(message, "cases-without-spec", file=path))
    cases = sibling_cases(spec_path)
    return ui(
        "{path}: ok ({count} cases of {spec}; run them with jixiao test)",
        path=path,
        count=len(cases),
        spec=os.path.basename(spec_path),
    )


def compound_warnings(spec: Spec, path: str) -> list[Problem]:
    """An actual that divides money by a count or number (实际支出 / 公里数) is a compound
    quantity: declared as a plain number with no unit, the 自评表 shows 0.5675 where 0.5675万元/公里
    is meant, and its target's unit cannot be checked. One warning for each such formula, at the
    derived value or the rule that writes it."""
    measures: dict[str, Measure] = {fid: fact.measure for fid, fact in spec.facts.items()}
    measures.update({d.id: d.measure for d in spec.derived})
    formulas = {d.id: d.formula.source for d in spec.derived}
    sourced: Sourced | None = None  # read again only when a warning must be located
    problems: dict[Loc, Problem] = {}  # each place once (a derived value many rules read)
    for leaf in spec.leaves:
        rule = leaf.rule
        if rule is None or rule.actual is None:
            continue
        name = rule.actual.bare_name
        measure = rule.measure if name is None else measures.get(name, rule.measure)
        source = rule.actual.source if name is None else formulas.get(name)
        if measure.kind != "number" or measure.unit or source is None:
            continue
        division = _money_per_count(source, measures)
        if division is None:
            continue
        sourced = sourced or load_sourced(path)
        money, count = division
        unit = f"{measures[money].unit or '元'}/{measures[count].unit or '…'}"
        if name is not None:
            loc: Loc | None = ("derived", name)
            message = tr(
                "compound-unit-missing",
                "“{name}” is money {money} divided by {count}, a compound quantity, but declares "
                "no unit: the 自评表 will show it as a bare number; write unit: {unit}",
                name=name,
                money=money,
                count=count,
                unit=unit,
            )
        else:
            where = _indicator_loc(sourced.data, leaf.id)
            loc = None if where is None else (*where, "rule", "actual")
            message = tr(
                "compound-unit-missing",
                "the actual of “{name}” is money {money} divided by {count}, a compound quantity, "
                "but declares no unit: the 自评表 will show it as a bare number; write unit: {unit}",
                name=leaf.name,
                money=money,
                count=count,
                unit=unit,
            )
        if loc is None or loc in problems:
            continue
        problems[loc] = sourced.problem(loc, message, "compound-unit-missing")
    return sorted(problems.values(), key=Problem.sort_key)


def _indicator_loc(data: Any, wanted: str, loc: Loc = ()) -> Loc | None:
    """Where in the merged spec data the indicator ``wanted`` is written."""
    key = "indicators" if not loc else "children"
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return None
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        here = (*loc, key, index)
        if item.get("id") == wanted:
            return here
        inner = _indicator_loc(item, wanted, here)
        if inner is not None:
            return inner
    return None


def _money_per_count(source: str, measures: dict[str, Measure]) -> tuple[str, str] | None:
    """The money name and the count or number name of a division in ``source``, if it has one."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:  # compiled already, so this is not expected; no warning is no harm
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            money = _first(node.left, measures, ("money",))
            count = _first(node.right, measures, ("count", "number"))
            if money is not None and count is not None:
                return money, count
    return None


def _first(node: ast.AST, measures: dict[str, Measure], kinds: tuple[str, ...]) -> str | None:
    """The first name under ``node`` whose measure is of one of ``kinds``."""
    names = (inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name))
    for name in names:
        measure = measures.get(name)
        if measure is not None and measure.kind in kinds:
            return name
    return None
