"""``jixiao test``: run the cases a spec carries and measure what they cover.

Cases come from the spec's ``cases:`` (a profile's own included) and from a sibling
``<name>.cases.yaml`` (a list of cases, or ``{cases: [...]}``). Coverage counts the scored
indicators some case evaluated, and the rule branches taken: for each leaf, the ways its rule can
score (met / missed / exceeded, each qualitative tier, each band, …).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import TypeAdapter, ValidationError

from ..errors import Problem, ScoringError, SpecError, id_path
from ..i18n import ui, using
from ..spec.compiled import Spec
from ..spec.model import CaseSpec
from ..yamlio.load import load_yaml, read_text
from ..yamlio.pydantic_errors import describe_errors
from ..yamlio.textfile import PathRefused, path_named_by_spec
from .facts import facts_from_mapping, load_facts
from .scorer import score

__all__ = ["CaseOutcome", "Coverage", "SpecTestReport", "run_spec_tests", "sibling_cases"]


@dataclass(frozen=True)
class CaseOutcome:
    name: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class Coverage:
    leaves: set[str] = field(default_factory=set)
    branches: set[tuple[str, str]] = field(default_factory=set)
    all_leaves: int = 0
    all_branches: int = 0

    @staticmethod
    def percent(part: int, whole: int) -> Decimal:
        return Decimal(100) if not whole else (Decimal(100) * part / whole).quantize(Decimal("0.1"))

    @property
    def leaf_percent(self) -> Decimal:
        return self.percent(len(self.leaves), self.all_leaves)

    @property
    def branch_percent(self) -> Decimal:
        return self.percent(len(self.branches), self.all_branches)


@dataclass
class SpecTestReport:
    spec: Spec
    cases: list[CaseOutcome]
    coverage: Coverage
    missing_branches: list[tuple[str, str]]


def _refused(case: CaseSpec, base_dir: str) -> str:
    """Why a case's facts path may not be opened, or "" when it may (or the facts are inline)."""
    if not isinstance(case.facts, str):
        return ""
    try:
        path_named_by_spec(case.facts, base_dir)
    except PathRefused as exc:
        return str(exc)
    return ""


def sibling_cases(spec_path: str) -> list[CaseSpec]:
    """The cases of ``<spec>.cases.yaml`` beside a spec (none when there is no such file), checked:
    their shape, and that every facts path stays in the spec's folder."""
    stem, _ = os.path.splitext(spec_path)
    path = f"{stem}.cases.yaml"
    if not os.path.isfile(path):
        return []
    try:  # found by its name, not named by the spec: a link out of the folder is still refused
        path_named_by_spec(os.path.basename(path), os.path.dirname(spec_path))
    except PathRefused as exc:
        raise SpecError(Problem(str(exc), "path-outside", file=path)) from None
    document = load_yaml(read_text(path, error_cls=SpecError), path, error_cls=SpecError)
    data = document.data
    raw = data.get("cases") if isinstance(data, dict) else data
    try:
        cases = TypeAdapter(list[CaseSpec]).validate_python(raw)
    except ValidationError as exc:
        problems = []
        for loc, message, code, on_key in describe_errors(exc, raw, CaseSpec):
            where = ("cases", *loc) if isinstance(data, dict) else loc
            mark = document.position(where, key=on_key)
            problems.append(
                Problem(
                    message,
                    code,
                    file=path,
                    line=mark.line if mark else None,
                    column=mark.column if mark else None,
                    path=id_path(data, where) or None,
                )
            )
        raise SpecError(problems) from None
    refused = []
    for index, case in enumerate(cases):
        if message := _refused(case, os.path.dirname(spec_path)):
            mark = document.position(
                ("cases", index, "facts") if isinstance(data, dict) else (index, "facts")
            )
            refused.append(
                Problem(
                    message,
                    "path-outside",
                    file=path,
                    line=mark.line if mark else None,
                    column=mark.column if mark else None,
                    path=f"cases[{case.name}].facts",
                )
            )
    if refused:
        raise SpecError(refused)
    return cases


def run_spec_tests(spec: Spec, spec_path: str) -> SpecTestReport:
    base_dir = os.path.dirname(spec_path)
    coverage = Coverage(all_leaves=len(spec.leaves))
    every_branch = {
        (leaf.id, branch) for leaf in spec.leaves if leaf.rule for branch in leaf.rule.branches
    }
    coverage.all_branches = len(every_branch)
    sibling = sibling_cases(spec_path)
    refused = [
        Problem(message, "path-outside", file=spec_path, path=f"cases[{case.name}].facts")
        for case in spec.cases
        if (message := _refused(case, base_dir))
    ]
    if refused:  # before any case runs: no file outside the spec's folder is ever opened
        raise SpecError(refused)
    outcomes = []
    for case in [*spec.cases, *sibling]:
        outcomes.append(_run_case(spec, case, base_dir, coverage))
    missing = sorted(every_branch - coverage.branches)
    return SpecTestReport(spec, outcomes, coverage, missing)


def _run_case(spec: Spec, case: CaseSpec, base_dir: str, coverage: Coverage) -> CaseOutcome:
    expect = case.expect
    try:
        # A case's expected error is written against the English message (the msgid, as the
        # cases files are): the case is scored in English whatever language the run speaks.
        with using("en"):
            if isinstance(case.facts, str):
                facts = load_facts(path_named_by_spec(case.facts, base_dir))
            else:
                facts = facts_from_mapping(case.facts, file=f"<case {case.name}>")
            result = score(spec, facts)
    except ScoringError as exc:
        if expect.error is not None and expect.error in str(exc):
            return CaseOutcome(case.name, ())
        return CaseOutcome(case.name, (ui("scoring failed: {error}", error=exc),))
    if expect.error is not None:
        failure = ui(
            "expected an error containing {error!r}, but it scored {total}",
            error=expect.error,
            total=result.total,
        )
        return CaseOutcome(case.name, (failure,))
    failures: list[str] = []

    def check(what: str, got: Decimal | None, want: Decimal) -> None:
        if got is None or abs(got - want) > expect.tolerance:
            failures.append(ui("{what}: expected {want}, got {got}", what=what, want=want, got=got))

    if expect.total is not None:
        check(ui("total"), result.total, expect.total)
    if expect.grade is not None and result.grade != expect.grade:
        failures.append(
            ui("grade: expected {want}, got {got}", want=expect.grade, got=result.grade)
        )
    for key, want in expect.scores.items():
        if key not in spec.nodes:
            failures.append(ui("scores: no indicator {id!r} in the spec", id=key))
        elif want is None:
            if result.find(key).score is not None:
                failures.append(
                    ui(
                        "score of {id}: expected not applicable, got {got}",
                        id=key,
                        got=result.find(key).score,
                    )
                )
        else:
            check(ui("score of {id}", id=key), result.find(key).score, want)
    for leaf in result.leaves():
        rule, outcome = leaf.node.rule, leaf.outcome
        if rule is not None and outcome is not None:
            coverage.leaves.add(leaf.id)
            coverage.branches.add((leaf.id, rule.branch_of(outcome)))
    return CaseOutcome(case.name, tuple(failures))


def describe(report: SpecTestReport, path: str) -> list[str]:
    """The lines `jixiao test` prints for one spec."""
    passed = sum(case.passed for case in report.cases)
    cov = report.coverage
    # The percentages are fields: '% )' in a msgid would read as a printf conversion to gettext.
    leaf_percent, branch_percent = f"{cov.leaf_percent}%", f"{cov.branch_percent}%"
    lines = [
        ui(
            "{path}: {cases} cases, {passed} passed; coverage: indicators {leaves}/{all_leaves} "
            "({leaf_percent}), rule branches {branches}/{all_branches} ({branch_percent})",
            path=path,
            cases=len(report.cases),
            passed=passed,
            leaves=len(cov.leaves),
            all_leaves=cov.all_leaves,
            leaf_percent=leaf_percent,
            branches=len(cov.branches),
            all_branches=cov.all_branches,
            branch_percent=branch_percent,
        )
    ]
    for case in report.cases:
        for failure in case.failures:
            lines.append(ui("  FAIL {case}: {failure}", case=case.name, failure=failure))
    return lines
