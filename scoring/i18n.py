"""Chinese first, English on request: the one place where messages are translated.

The source writes every message in English — the gettext msgid, with ``{name}`` placeholders
filled by ``str.format`` — and the catalogues under ``scoring/locale/zh_CN/LC_MESSAGES/`` give
the Chinese. Chinese is the default; English is the msgid itself, so it needs no catalogue.

- ``tr(code, msgid, **fields)`` is a located problem's or warning's message. The message's code
  is the gettext *context*: codes stay the same in both languages, and each translation is tied
  to its code, so one English phrase used by two codes can be translated in two ways.
- ``ui(msgid, **fields)`` is text without a code: help, summaries, table headers.
- ``N_(msgid)`` marks a msgid written where nothing can be translated yet (a module constant
  evaluated at import, before the language is chosen); ``ui`` translates it where it is shown.

Write both arguments of ``tr`` as string literals and never an f-string: the extractor (Babel,
``pybabel extract -k tr:1c,2 -k ui -k N_``) reads them from the source, and a message it cannot
read is never translated (tests/test_i18n.py refuses one). Literal braces are doubled (``{{``),
as for ``str.format``, whether or not the message has fields. Translate when the message is
made, never at import: the language is chosen after the modules are loaded.

The language: ``set_language`` (the CLI's ``--lang``), else the ``JIXIAO_LANG`` environment
variable, else Chinese. The catalogue domains are one per area, so that the people translating
them never edit the same file: ``cli`` (the command line), ``core`` (specs, formulas, numbers,
YAML, scoring), ``tables`` (tables, review, reports, batch) and ``argparse`` (argparse's own
words, which it looks up with gettext under their English text). The loader chains them into one
catalogue per language.

Imports nothing from the package, so that every module (errors.py included) can use it.
"""

from __future__ import annotations

import functools
import gettext
import os
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "DOMAINS",
    "ENVIRONMENT",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "catalogue",
    "field_names",
    "language",
    "parse_language",
    "set_language",
    "tr",
    "ui",
    "using",
]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# Chained in this order; a msgid (with its context) is looked up in each until one translates it.
DOMAINS = ("cli", "core", "tables", "argparse")
# --lang / JIXIAO_LANG value → the locale of its catalogues (None: the msgids themselves).
LANGUAGES: Mapping[str, str | None] = {"zh": "zh_CN", "en": None}
DEFAULT = "zh"
ENVIRONMENT = "JIXIAO_LANG"

_chosen: str | None = None


def parse_language(text: str) -> str:
    """``en`` or ``zh`` for what a user may write for them (any case; a locale such as
    ``zh_CN``, ``zh-CN`` or ``en_US.UTF-8`` names its language); ValueError for anything else."""
    name = text.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    if name not in LANGUAGES:
        raise ValueError(text)
    return name


def language() -> str:
    """The language messages are made in now: ``zh`` or ``en``.

    Read from ``JIXIAO_LANG`` on every call until ``set_language`` chooses one, so a library
    user (or a test) that sets the variable is followed. A value that names no language is
    ignored here (Chinese); the command line refuses it as a usage error."""
    if _chosen is not None:
        return _chosen
    return _environment_language(os.environ.get(ENVIRONMENT, ""))


@functools.lru_cache(maxsize=16)
def _environment_language(value: str) -> str:
    try:
        return parse_language(value or DEFAULT)
    except ValueError:
        return DEFAULT


def set_language(lang: str | None) -> None:
    """Make messages in ``lang`` (``en``/``zh``, as ``parse_language`` reads them) from now on;
    None goes back to following ``JIXIAO_LANG``."""
    global _chosen
    _chosen = None if lang is None else parse_language(lang)


@contextmanager
def using(lang: str | None) -> Iterator[None]:
    """Messages in ``lang`` inside the ``with`` block; the language before it afterwards."""
    global _chosen
    before = _chosen
    set_language(lang)
    try:
        yield
    finally:
        _chosen = before


@functools.cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """Every domain's catalogue for ``lang``, chained (loaded once a process). A compiled
    catalogue missing from a language that has them is a broken installation: it raises."""
    locale = LANGUAGES[parse_language(lang)]
    chain = gettext.NullTranslations()
    if locale is None:
        return chain
    first: gettext.NullTranslations | None = None
    for domain in DOMAINS:
        with (LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.mo").open("rb") as mo:
            translations = gettext.GNUTranslations(mo)
        if first is None:
            first = translations
        else:
            first.add_fallback(translations)
    return first or chain


def tr(code: str, msgid: str, /, **fields: object) -> str:
    """The message of a problem or warning with this code, in the current language."""
    return _filled(_translated(language(), code, msgid), msgid, fields)


def ui(msgid: str, /, **fields: object) -> str:
    """Text without a code (help, a summary, a header), in the current language."""
    return _filled(_translated(language(), None, msgid), msgid, fields)


@functools.lru_cache(maxsize=8192)
def _translated(lang: str, context: str | None, msgid: str) -> str:
    """One lookup through the chain of catalogues, remembered: a miss walks every domain and
    computes each one's plural form (~10 µs), which a batch of many records would pay per
    message."""
    translations = catalogue(lang)
    if context is None:
        return translations.gettext(msgid)
    return translations.pgettext(context, msgid)


def N_(msgid: str, /) -> str:
    """``msgid`` unchanged: marks it for extraction where ``ui`` cannot be called yet."""
    return msgid


def field_names(text: str) -> set[str]:
    """The names of the ``{fields}`` of a message (``{total:.2f}`` and ``{name!r}`` → total,
    name): what a translation must keep, though it may quote or format them its own way."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None:
            names.add(name.split(".")[0].split("[")[0])
    return names


def _filled(text: str, msgid: str, fields: Mapping[str, object]) -> str:
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError):
        if text == msgid:
            raise  # the source's own message is wrong: a bug to see, not to hide
        # A translation that lost or misspelt a field (tests/test_i18n.py catches it): the
        # English message rather than a traceback over a catalogue.
        return msgid.format(**fields)
