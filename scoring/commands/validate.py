"""``jixiao validate SPEC_OR_DIR...``: every problem of every spec and cases file, with file:line:col.

A folder is walked for its specs and their ``*.cases.yaml`` files (as ``jixiao test`` finds them);
a cases file is checked as a cases file (its shape and its facts paths), not as a spec, so
``jixiao validate indicators/*.yaml`` checks everything the folder holds.
"""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from ..channels import terminal
from ..errors import Problem, ScoringError
from ..loader import load_spec
from ..spec_tests import sibling_cases
from .test import spec_files

CASES_SUFFIX = ".cases.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("specs", nargs="+", metavar="SPEC_OR_DIR")


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
    stderr.writelines(
        terminal(f"{file}: skipped: a link to a file outside the folder named [path-outside]")
        + "\n"
        for file in skipped
    )
    failed = len(skipped)
    for path in files:
        try:
            if os.path.isdir(path):
                raise ScoringError(
                    Problem(
                        "no indicator system (.yaml) in this folder", "file-unreadable", file=path
                    )
                )
            line = _cases(path) if path.endswith(CASES_SUFFIX) else _spec(path)
        except ScoringError as exc:
            stderr.write(f"{terminal(str(exc))}\n")
            failed += 1
            continue
        stdout.write(terminal(line) + "\n")
    return 1 if failed else 0


def _spec(path: str) -> str:
    spec = load_spec(path)
    return (
        f"{path}: ok ({spec.name} v{spec.version}: {len(spec.nodes)} indicators, "
        f"{len(spec.leaves)} scored, total {spec.total})"
    )


def _cases(path: str) -> str:
    spec_path = path[: -len(CASES_SUFFIX)] + ".yaml"
    if not os.path.isfile(spec_path):
        raise ScoringError(
            Problem(
                f"a cases file belongs beside its spec: {os.path.basename(spec_path)} is missing",
                "cases-without-spec",
                file=path,
            )
        )
    cases = sibling_cases(spec_path)
    return f"{path}: ok ({len(cases)} cases of {os.path.basename(spec_path)}; run them with jixiao test)"
