"""The jixiao modules that scoring the seed imports, and their lines: issue 15's targets.

    python benchmarks/bench_imports.py
    python benchmarks/bench_imports.py --list      # each module too, with its lines

Two paths, each in a fresh interpreter: the library (``load_spec`` of the seed, ``load_facts``
of its example, ``score`` and ``Result.to_dict``) and the command (``jixiao score
jixiao:xinfang_weiwen jixiao:hengnan_xinfang_2021``, its 自评表 printed). The figure is every
``sys.modules`` entry under ``scoring`` once the path has run, and the lines of their source
files. Target for the library path: fewer than 46 modules and 7,851 lines. Figures are printed,
never judged: the only failure is a path that fails (exit 1).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MODULES, TARGET_LINES = 46, 7_851

_REPORT = """
import json, sys
mods = {
    name: module.__file__
    for name, module in sys.modules.items()
    if (name == "scoring" or name.startswith("scoring.")) and getattr(module, "__file__", None)
}
json.dump(mods, sys.__stderr__)
"""

PATHS = {
    "library (load_spec, score, to_dict)": (
        "import io, sys\n"
        "from scoring import load_facts, load_spec, score\n"
        "spec = load_spec('indicators/xinfang_weiwen.yaml')\n"
        "score(spec, load_facts('examples/hengnan_xinfang_2021.yaml')).to_dict()\n"
    ),
    "jixiao score (seed)": (
        "import io, sys\n"
        "from scoring.cli import main\n"
        "out = io.StringIO()\n"
        "code = main(['score', 'jixiao:xinfang_weiwen', 'jixiao:hengnan_xinfang_2021'], out)\n"
        "assert code == 0 and out.getvalue(), code\n"
    ),
}


def imported(program: str) -> dict[str, str]:
    """Module name → source file of every jixiao module loaded once ``program`` has run in a
    fresh interpreter (from the repository root); exit 1 if it fails."""
    done = subprocess.run(
        [sys.executable, "-c", program + _REPORT],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}):\n{done.stderr}")
    found: dict[str, str] = json.loads(done.stderr)
    return found


def lines(path: str) -> int:
    with open(path, encoding="utf-8") as file:
        return sum(1 for _ in file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--list", action="store_true", help="list each module with its lines")
    args = parser.parse_args(argv)
    for name, program in PATHS.items():
        modules = imported(program)
        counted = {module: lines(path) for module, path in sorted(modules.items())}
        total = sum(counted.values())
        print(f"{name:<38} {len(counted):>4} modules {total:>7,} lines")
        if args.list:
            for module, count in counted.items():
                print(f"    {module:<44} {count:>5}")
    print(
        f"{'target for the library path':<38} <{TARGET_MODULES:>3} modules <{TARGET_LINES:>6,} lines"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
