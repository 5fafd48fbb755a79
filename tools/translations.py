"""Update and compile the message catalogues: ``python tools/translations.py [DOMAIN ...]``.

For each domain (all of them when none is named): extract its msgids from its modules with Babel
(``tr(code, msgid)`` with the code as the gettext context, ``ui(msgid)`` and ``N_(msgid)``), merge
them into ``scoring/locale/zh_CN/LC_MESSAGES/DOMAIN.po`` (new msgids are added untranslated,
messages no longer in the source are dropped, a changed one is kept as a fuzzy guess to review),
then compile every .po to the .mo beside it, which is what the package loads and ships. A fuzzy
or empty entry is not compiled: the message stays English until someone translates it (and
tests/test_i18n.py fails until then).

``argparse.po`` holds argparse's own words (usage:, options, its error messages); they are not
in this package's source, so it is compiled but never extracted into.

Needs Babel (``pip install -e '.[dev]'``). Run from anywhere; paths are the repository's.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "scoring" / "locale"
LOCALES = ("zh_CN",)
KEYWORDS = ("tr:1c,2", "ui", "N_")

# domain → the modules and packages its msgids are extracted from (tests/test_i18n.py checks
# that every module of the package is in exactly one domain).
SOURCES: dict[str, tuple[str, ...]] = {
    "cli": (
        "scoring/__init__.py",
        "scoring/__main__.py",
        "scoring/cli.py",
        "scoring/i18n.py",
        "scoring/commands",
        "scoring/writing",
    ),
    "core": (
        "scoring/errors.py",
        "scoring/columnar",
        "scoring/engine",
        "scoring/formula",
        "scoring/methods",
        "scoring/numbers",
        "scoring/rules",
        "scoring/spec",
        "scoring/yamlio",
    ),
    "tables": ("scoring/batch", "scoring/report", "scoring/review", "scoring/tabular"),
}
COMPILED_ONLY = ("argparse",)


def _pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "--quiet", *args], check=True, cwd=ROOT
    )


def update(domain: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        template = str(Path(work) / f"{domain}.pot")
        keywords = [f"--keyword={keyword}" for keyword in KEYWORDS]
        _pybabel(
            "extract", "--no-default-keywords", *keywords, "--add-location=file",
            "--sort-by-file", "--project=jixiao", "--output-file", template,
            *SOURCES[domain],
        )  # fmt: skip
        for locale in LOCALES:
            _pybabel(
                "update", "--domain", domain, "--input-file", template,
                "--output-dir", str(LOCALE_DIR), "--locale", locale,
                "--init-missing", "--ignore-obsolete",
            )  # fmt: skip


def compile_all(domains: list[str]) -> None:
    for domain in domains:
        for locale in LOCALES:
            _pybabel(
                "compile", "--domain", domain, "--directory", str(LOCALE_DIR), "--locale", locale,
                "--statistics",
            )  # fmt: skip


def main(argv: list[str]) -> int:
    known = [*SOURCES, *COMPILED_ONLY]
    domains = argv or known
    unknown = [name for name in domains if name not in known]
    if unknown:
        print(f"unknown domain {unknown[0]!r}: choose from {', '.join(known)}", file=sys.stderr)
        return 2
    for domain in domains:
        if domain in SOURCES:
            update(domain)
    compile_all(domains)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
