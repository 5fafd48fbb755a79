"""Chinese first, English on request (scoring/i18n.py and the catalogues under scoring/locale/).

Three kinds of check:

- the catalogues: every message code in docs/errors.md has a ``tr(code, …)`` msgid in the
  source, read as Babel's extractor reads it (so English covers the code), and the zh_CN
  catalogues translate every extracted msgid with the same ``{fields}`` (so Chinese covers it);
  each compiled .mo is what its .po says;
- the language: ``--lang``, then ``JIXIAO_LANG``, then Chinese; an unknown one is a usage error;
- whole messages of real errors through the CLI, in both languages.

The rest of the suite runs in English (tests/conftest.py sets JIXIAO_LANG=en); the tests here
that want Chinese ask for it.
"""

from __future__ import annotations

import ast
import gettext
import importlib.util
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from scoring import i18n

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scoring"
MESSAGES = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES"
KEYWORDS = {"tr": ((1, "c"), 2), "ui": None, "N_": None}

# Codes whose messages are not yet made with tr(code, …), by the catalogue that will hold them.
# The helpers wrapping the core and the tables empty these lists as they go: the test fails when
# a code listed here is covered (take it off) or a code not listed is not (wrap its message).
# core.po: spec, formula, numbers, yamlio, engine, rules, methods, errors.py
NOT_YET_CORE: frozenset[str] = frozenset(
    {
        "actual-range",
        "adjustment-clamped",
        "adjustment-not-applicable",
        "adjustment-not-leaf",
        "adjustment-places",
        "all-not-applicable",
        "band-gap",
        "band-none",
        "band-overlap",
        "band-points",
        "band-range",
        "compare-year",
        "deviation-missing",
        "error",
        "fact-empty",
        "fact-items",
        "fact-not-applicable",
        "fact-out-of-range",
        "facts-shape",
        "items-mismatch",
        "missing-fact",
        "negative-count",
        "not-applicable-reason",
        "project-name-missing",
        "rating-missing",
        "rating-not-qualitative",
        "rating-score",
        "reverse-formula-missing",
        "survey-columns",
        "survey-empty",
        "target-not-positive",
        "target-not-zero",
        "tier-gap",
        "tier-order",
        "tier-overlap",
        "tier-range",
        "tier-unknown",
        "unknown-fact",
        "unknown-indicator",
    }
)

# tables.po: tabular, review, report, batch
NOT_YET_TABLES: frozenset[str] = frozenset(
    {
        "batch-column-duplicate",
        "batch-column-unnamed",
        "batch-empty-folder",
        "batch-id-column",
        "batch-no-header",
        "batch-rating-not-qualitative",
        "batch-row-width",
        "batch-sheet",
        "batch-unknown-column",
        "csv-syntax",
        "file-changed",
        "internal-error",
        "json-syntax",
        "json-too-deep",
        "pdf-conversion-failed",
        "pdf-converter-missing",
        "record-too-long",
        "worker-stopped",
        "workers-unavailable",
        "xlsx-too-many-rows",
    }
)

NOT_YET_TRANSLATED = NOT_YET_CORE | NOT_YET_TABLES


def _tool() -> ModuleType:
    """tools/translations.py, the command that extracts and compiles (its SOURCES)."""
    spec = importlib.util.spec_from_file_location(
        "translations", ROOT / "tools" / "translations.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documented_codes() -> list[str]:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    return re.findall(r"^### `([a-z0-9-]+)`", text, re.MULTILINE)


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _extracted() -> Iterator[tuple[str, int, str | None, str]]:
    """(module, line, context, msgid) of every message in the package, as pybabel reads them."""
    for path in _modules():
        for line, message, _, context in extract_from_file("python", str(path), KEYWORDS):
            assert isinstance(message, str)
            yield str(path.relative_to(ROOT)), line, context, message


def _po(domain: str) -> Catalog:
    with (MESSAGES / f"{domain}.po").open("rb") as po:
        return read_po(po)


def _translated(catalog: Catalog) -> dict[tuple[str | None, str], str]:
    """(context, msgid) → translation of every entry translated for good (not fuzzy)."""
    found = {}
    for message in catalog:
        if (
            isinstance(message.id, str)
            and message.id
            and not message.fuzzy
            and isinstance(message.string, str)
            and message.string
        ):
            found[(message.context, message.id)] = message.string
    return found


# ---------------------------------------------------------------------------- the catalogues


def test_every_module_is_in_one_domain() -> None:
    """A module outside every domain would never have its messages extracted."""
    sources = _tool().SOURCES
    assert set(sources) | {"argparse"} == set(i18n.DOMAINS)
    owners: dict[str, list[str]] = {}
    for domain, paths in sources.items():
        for name in paths:
            path = ROOT / name
            assert path.exists(), name
            for module in [path] if path.is_file() else sorted(path.rglob("*.py")):
                owners.setdefault(str(module.relative_to(ROOT)), []).append(domain)
    modules = {str(path.relative_to(ROOT)) for path in _modules()}
    assert {module: domains for module, domains in owners.items() if len(domains) > 1} == {}
    assert sorted(modules - set(owners)) == []


def test_tr_and_ui_are_called_with_literals() -> None:
    """The extractor reads string literals only: a code or msgid in a variable, or an f-string,
    would be a message no catalogue can translate. (``ui`` may be given a variable: a msgid
    marked with ``N_`` where it is written.)"""
    unreadable = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            literals = {"tr": 2, "N_": 1}.get(node.func.id, 0)
            args = node.args[:literals]
            if literals and (
                len(args) < literals
                or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args)
            ):
                unreadable.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert unreadable == []


def test_every_documented_code_has_a_message_in_both_languages() -> None:
    """English: some tr(code, …) in the source spells the message. Chinese: the catalogues
    translate every msgid extracted (checked by the next test)."""
    contexts = {context for _, _, context, _ in _extracted()}
    uncovered = {code for code in _documented_codes() if code not in contexts}
    assert sorted(uncovered - NOT_YET_TRANSLATED) == [], "wrap these codes' messages with tr()"
    assert sorted(NOT_YET_TRANSLATED - uncovered) == [], "covered now: take off NOT_YET_TRANSLATED"


def _finding_codes() -> list[str]:
    """The codes of review findings (docs/review.md's table), a catalogue of their own."""
    text = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([a-z0-9_]+)` \|", text, re.MULTILINE)


def test_every_code_used_as_a_context_is_documented() -> None:
    """tr()'s first argument is a code of docs/errors.md (or a review finding's code of
    docs/review.md), spelt as there."""
    documented = {*_documented_codes(), *_finding_codes()}
    wrong = sorted(
        f"{module}:{line}: {context}"
        for module, line, context, _ in _extracted()
        if context is not None and context not in documented
    )
    assert wrong == []


def test_chinese_translates_every_message_and_keeps_its_fields() -> None:
    """Every msgid of the source is translated in zh_CN — not empty, not fuzzy — and the
    translation names the same {fields} (it may quote or format them its own way)."""
    translated: dict[tuple[str | None, str], str] = {}
    for domain in _tool().SOURCES:
        translated.update(_translated(_po(domain)))
    missing, fields = [], []
    for module, line, context, msgid in _extracted():
        text = translated.get((context, msgid))
        if text is None:
            missing.append(f"{module}:{line}: [{context}] {msgid}")
        elif i18n.field_names(text) != i18n.field_names(msgid):
            fields.append(f"{module}:{line}: {msgid!r} → {text!r}")
    assert missing == [], "translate these (python tools/translations.py, then the .po)"
    assert fields == []


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_catalogue_passes_babels_checks(domain: str) -> None:
    """Babel's own checks (pybabel compile reports them but compiles anyway): a msgid that looks
    %-formatted to it ("95% of" reads as the placeholder "% o") needs the same in translation,
    so write such text otherwise ("95 percent", "at 95%")."""
    problems = [
        f"{domain}.po:{message.lineno}: {message.id!r}: {'; '.join(map(str, errors))}"
        for message, errors in _po(domain).check()
    ]
    assert problems == []


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_compiled_catalogue_is_what_its_source_says(domain: str) -> None:
    """The .mo the package loads holds exactly the translations of the .po beside it: a .po
    edited without `python tools/translations.py` fails here."""
    with (MESSAGES / f"{domain}.mo").open("rb") as mo:
        compiled = _translated(read_mo(mo))
    assert compiled == _translated(_po(domain))


def test_argparse_words_are_those_argparse_looks_up() -> None:
    """The msgids of argparse.po that every supported Python's argparse uses are translated;
    argparse itself looks its words up through the gettext names it imported."""
    import argparse

    words = _translated(_po("argparse"))
    for msgid in ("usage: ", "positional arguments", "options", "show this help message and exit"):
        assert (None, msgid) in words
    source = Path(argparse.__file__).read_text(encoding="utf-8")
    assert "from gettext import gettext as _, ngettext" in source


def test_the_wheel_ships_every_compiled_catalogue(tmp_path: Path) -> None:
    """Chinese is the default: a wheel without the .mo files would fail at the first message."""
    from test_systems import _build_wheel

    wheel = _build_wheel(tmp_path / "src", tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith("scoring/locale/")}
    assert shipped == {f"scoring/locale/zh_CN/LC_MESSAGES/{domain}.mo" for domain in i18n.DOMAINS}


# ---------------------------------------------------------------------------- the API


def test_language_follows_the_environment_until_one_is_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert i18n.language() == "en"  # tests/conftest.py
    monkeypatch.setenv("JIXIAO_LANG", "zh_CN.UTF-8")
    assert i18n.language() == "zh"
    monkeypatch.delenv("JIXIAO_LANG")
    assert i18n.language() == "zh"  # the default
    monkeypatch.setenv("JIXIAO_LANG", "klingon")
    assert i18n.language() == "zh"  # the library goes on; the CLI refuses it
    with i18n.using("en"):
        assert i18n.language() == "en"
        with i18n.using("zh"):
            assert i18n.language() == "zh"
        assert i18n.language() == "en"
    assert i18n.language() == "zh"


@pytest.mark.parametrize(
    ("given", "language"),
    [("en", "en"), ("EN", "en"), ("zh", "zh"), ("zh-CN", "zh"), ("en_US.UTF-8", "en")],
)
def test_parse_language(given: str, language: str) -> None:
    assert i18n.parse_language(given) == language


@pytest.mark.parametrize("given", ["", "xx", "fr_FR", "chinese"])
def test_parse_language_refuses_other_languages(given: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(given)}$"):
        i18n.parse_language(given)


def test_set_language_none_follows_the_environment_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_chosen", None)
    i18n.set_language("zh")
    assert i18n.language() == "zh"
    i18n.set_language(None)
    assert i18n.language() == "en"


def test_english_is_the_msgid_filled_in() -> None:
    with i18n.using("en"):
        assert i18n.tr("weight-sum", "weights sum to {total}", total=90) == "weights sum to 90"
        assert i18n.ui("{{literal}} and {n}", n=1) == "{literal} and 1"


def test_chinese_uses_the_catalogue_by_code() -> None:
    """argparse's words stand in for a message here: they are translated whatever the other
    catalogues hold."""
    with i18n.using("zh"):
        assert i18n.ui("show this help message and exit") == "显示本帮助并退出"
        # Not in any catalogue: the English, filled in.
        assert i18n.tr("weight-sum", "no such msgid {x}", x=1) == "no such msgid 1"


def test_a_translation_that_lost_a_field_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = gettext.NullTranslations()
    monkeypatch.setattr(broken, "pgettext", lambda context, msgid: "合计 {totl}")
    monkeypatch.setattr(i18n, "catalogue", lambda language: broken)
    assert i18n.tr("weight-sum", "sum {total}", total=1) == "sum 1"
    with pytest.raises(KeyError):
        i18n.tr("weight-sum", "sum {total}")  # the msgid itself wrong: a bug, raised


def test_field_names() -> None:
    assert i18n.field_names("{a!r} is {b:.2f}, not {c[0]} or {d.x}; {{e}}") == {"a", "b", "c", "d"}


def test_library_messages_follow_jixiao_lang_in_a_fresh_process() -> None:
    """Importing scoring without the CLI: JIXIAO_LANG, else Chinese."""
    program = "from scoring import i18n; print(i18n.language())"
    for env, expected in ((None, "zh"), ("en", "en"), ("zh", "zh")):
        environment = {k: v for k, v in __import__("os").environ.items() if k != "JIXIAO_LANG"}
        if env is not None:
            environment["JIXIAO_LANG"] = env
        done = subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            env=environment,
            cwd=ROOT,
            check=True,
        )
        assert done.stdout == f"{expected}\n"
