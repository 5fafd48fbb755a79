"""Shared fixtures: paths to the shipped specs and examples, and a CLI runner with captured streams."""

from __future__ import annotations

import ast
import functools
import importlib.util
import io
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings

from scoring.cli import main

ROOT = Path(__file__).resolve().parent.parent

# The suite asserts English messages (the msgids), in-process and in every subprocess it starts;
# a test that wants Chinese asks for it (`--lang zh`, monkeypatch.setenv, scoring.i18n.using).
os.environ["JIXIAO_LANG"] = "en"

# Hypothesis profiles (HYPOTHESIS_PROFILE):
# - "quick", the default (`python -m pytest`): derandomized, so a property meets the same examples
#   on every run and a failure is reproducible; 25 examples a property, and the properties that
#   state their count a tenth of it (at least 10), through `examples`.
# - "thorough" (or "ci"): the same with every property at its full count (50 where a property
#   states none); .ci/run runs it.
# - "dev": fresh examples each run, full counts: HYPOTHESIS_PROFILE=dev python -m pytest.
# The properties were a third of the suite's time; derandomized, a second run of the same examples
# finds nothing new, so the quick count is for the edit-and-test loop and CI runs them all (issue
# 15: the suite in ≤ 100 s on the 2-core machine; a tenth, not a quarter, halved their CPU time).
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "quick")
settings.register_profile(
    "quick",
    derandomize=True,
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", settings.get_profile("quick"), max_examples=50)
settings.register_profile("ci", settings.get_profile("thorough"))
settings.register_profile("dev", deadline=None)
settings.load_profile(PROFILE)


def examples(full: int) -> int:
    """A property's stated example count: ``full`` under the thorough, ci and dev profiles, a
    tenth of it (at least 10) in the default quick one."""
    return max(10, full // 10) if PROFILE == "quick" else full


@pytest.fixture(autouse=True)
def _no_thread_left_running() -> Iterator[None]:
    """A test ends with the threads it started ended. One left running (Dask's default scheduler
    leaves a pool) makes every later ``--workers`` batch in that test process spawn its workers,
    each importing jixiao, instead of forking them: the same outputs, seconds of CPU a batch."""
    before = set(threading.enumerate())
    yield
    started = [thread for thread in threading.enumerate() if thread not in before]
    for thread in started:
        thread.join(timeout=2)  # one that is finishing its last step
    left = sorted(thread.name for thread in started if thread.is_alive())
    assert not left, f"the test left threads running: {', '.join(left)}"


def records_generator() -> ModuleType:
    """benchmarks/records.py, the synthetic seed records the batch tests and benchmarks share
    (benchmarks/ is not a package, so it is loaded from its file)."""
    location = ROOT / "benchmarks" / "records.py"
    module_spec = importlib.util.spec_from_file_location("bench_records", location)
    assert module_spec is not None
    assert module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


@functools.cache
def package_trees() -> tuple[tuple[Path, ast.Module], ...]:
    """Every module of the package, parsed, in path order: (path, tree). Parsed once a test
    process (0.6 s), for the tests that read the source for what it calls, raises or translates;
    none changes a tree."""
    paths = sorted((ROOT / "scoring").rglob("*.py"))
    return tuple((path, ast.parse(path.read_text(encoding="utf-8"), str(path))) for path in paths)


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def jixiao() -> Callable[..., Run]:
    """Run the CLI in-process from the repository root; returns exit code and both streams."""

    def run(*argv: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            code = main(list(argv), stdout=out, stderr=err)
        finally:
            os.chdir(cwd)
        return Run(code, out.getvalue(), err.getvalue())

    return run
