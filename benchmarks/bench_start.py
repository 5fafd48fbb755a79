"""Cold start of ``jixiao score`` on the seed against ``python -c "import pydantic, yaml"``.

    python benchmarks/bench_start.py              # 21 runs of each, taking turns
    python benchmarks/bench_start.py --runs 51

Issue 15's target: the command, as a whole process from a cold start (the seed spec loaded,
its example scored and the 自评表 printed), takes at most 2.5× the time Python needs to import
the two libraries it cannot do without. The two are run taking turns, one of each per round,
so that whatever else the machine is doing slows both alike; the figure is the ratio of the
medians, of wall time and of CPU time (user + system: on a busy machine the steadier of the
two); the ratio of the fastest runs is shown beside it (on a machine shared with other work,
the run of each that was disturbed least). A first round of each is run and left out (it fills
the disk cache). Timings are printed, never judged: the only failure is a command that fails
(exit 1).

As installed: pip compiles a package's modules to bytecode when it installs it, as pydantic's and
PyYAML's were, so jixiao is timed with its bytecode too (kept in a temporary folder through
PYTHONPYCACHEPREFIX, so the checkout is left as it was). A checkout run under
PYTHONDONTWRITEBYTECODE (this workplace sets it) compiles every jixiao module from source at
every start unless its __pycache__ folders already hold them (a run of bench_score.py leaves them
there for its duration): that figure is shown beside, from the same rounds. So is a floor no
pydantic program starts under: the two libraries imported and one model of one field defined and
used (pydantic loads its model machinery, and its plugin lookup, for the first model).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.5
COMMAND = [
    sys.executable,
    "-m",
    "scoring",
    "score",
    "indicators/xinfang_weiwen.yaml",
    "examples/hengnan_xinfang_2021.yaml",
]
BASELINE = [sys.executable, "-c", "import pydantic, yaml"]
ONE_MODEL = [
    sys.executable,
    "-c",
    "import pydantic, yaml\nclass M(pydantic.BaseModel):\n    x: int\nM(x=1)",
]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Seconds of wall time and of CPU time for one process, run from the repository root
    (``env`` None: this one's environment); exit 1 if it fails."""
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        argv, check=False, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv[1:])} failed ({done.returncode}): {done.stderr.decode()}")
    return elapsed, _children_cpu() - cpu


def _line(name: str, times: list[float]) -> str:
    return (
        f"{name:<36} median {statistics.median(times):.3f} s"
        f"  (min {min(times):.3f}, max {max(times):.3f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=21, help="rounds of one run each (21)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jixiao-bytecode-") as folder:
        source = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        installed = {k: v for k, v in source.items() if k != "PYTHONDONTWRITEBYTECODE"}
        installed["PYTHONPYCACHEPREFIX"] = folder
        run_once(COMMAND, installed)  # writes the bytecode
        run_once(COMMAND, source)
        run_once(BASELINE)
        run_once(ONE_MODEL)
        command: list[tuple[float, float]] = []
        one_model: list[tuple[float, float]] = []
        compiled: list[tuple[float, float]] = []
        baseline: list[tuple[float, float]] = []
        load_before = os.getloadavg()[0]
        for _ in range(args.runs):
            command.append(run_once(COMMAND, installed))
            baseline.append(run_once(BASELINE))
            compiled.append(run_once(COMMAND, source))
            one_model.append(run_once(ONE_MODEL))
        load_after = os.getloadavg()[0]
    print(f"load average {load_before:.2f} → {load_after:.2f}, {args.runs} runs of each, in turn")
    for what, index in (("wall", 0), ("CPU", 1)):
        ours = [times[index] for times in command]
        theirs = [times[index] for times in baseline]
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(_line(f"jixiao score (seed), {what}", ours))
        print(_line(f"import pydantic, yaml, {what}", theirs))
        verdict = "met" if ratio <= TARGET else "not met"
        print(
            f"{'ratio of the medians, ' + what:<36} {ratio:.2f}×  (target ≤ {TARGET}×: {verdict})"
        )
        print(f"{'  ratio of the fastest runs':<36} {min(ours) / min(theirs):.2f}×")
        slow = [times[index] for times in compiled]
        print(_line("  PYTHONDONTWRITEBYTECODE=1", slow))
        print(f"{'  its ratio':<36} {statistics.median(slow) / statistics.median(theirs):.2f}×")
        floor = [times[index] for times in one_model]
        print(_line("  one pydantic model (a floor)", floor))
        print(f"{'  its ratio':<36} {statistics.median(floor) / statistics.median(theirs):.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
