"""The indicator systems shipped with jixiao, and the ``jixiao:NAME`` names that find them.

The systems (``indicators/``, its ``profiles/`` and ``projects/``, every ``*.cases.yaml``) and
their example facts (``examples/``) sit at the top of the repository and are installed with the
package: the wheel maps them to ``scoring/indicators`` and ``scoring/examples`` (pyproject's
``[tool.setuptools.package-dir]``), so the relative names inside them (``../self_evaluation.yaml``,
``../examples/…``) hold in both places. A checkout, editable or not, reads them where they are.

``jixiao:xinfang_weiwen`` names ``indicators/xinfang_weiwen.yaml`` wherever jixiao is installed;
``jixiao:self_evaluation_hubei`` a profile, ``jixiao:hengnan_xinfang_2021`` (as facts) an example.
A name is looked up in a fixed list of folders, never joined to a path it could climb out of.
"""

from __future__ import annotations

import difflib
import os
import re

from ..errors import did_you_mean
from ..i18n import tr
from .textfile import PREFIX, is_shipped_name

__all__ = ["HOME", "PREFIX", "SHIPPED", "UnknownName", "is_shipped_name", "names", "resolve"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # scoring/


def _home() -> str | None:
    # An installed wheel has scoring/indicators; a checkout has indicators/ beside scoring/.
    for home in (_PACKAGE, os.path.dirname(_PACKAGE)):
        if os.path.isfile(os.path.join(home, "indicators", "self_evaluation.yaml")):
            return home
    return None


HOME = _home()
SHIPPED = tuple(
    os.path.join(HOME, name)
    for name in ("indicators", "examples")
    if HOME is not None and os.path.isdir(os.path.join(HOME, name))
)

# Where a name is looked for, by what it names, in order: a bare name in the listed folders, a
# name with a folder ("profiles/…", "examples/…") from indicators/ or the top of the shipped tree.
_LISTED = {
    "spec": ("indicators", "indicators/profiles", "indicators/projects"),
    "facts": ("examples",),
}
_LISTED["any"] = (*_LISTED["spec"], *_LISTED["facts"])
_FOLDERS = {kind: (*folders, ".") for kind, folders in _LISTED.items()}
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


class UnknownName(ValueError):
    """A ``jixiao:`` name that names no shipped file; the message lists what there is."""


def names(kind: str = "spec") -> list[str]:
    """Every ``jixiao:`` name of that kind (``spec``: systems, profiles and projects, without
    their cases files; ``facts``: the examples; ``any``: both), in folder order."""
    found: list[str] = []
    if HOME is None:
        return found
    for folder in _LISTED[kind]:
        where = os.path.join(HOME, folder)
        if not os.path.isdir(where):
            continue
        for entry in sorted(os.listdir(where)):
            if entry.endswith(".yaml") and not entry.endswith(".cases.yaml"):
                found.append(PREFIX + entry.removesuffix(".yaml"))
    return found


def resolve(name: str, kind: str = "spec") -> str:
    """The installed file a ``jixiao:`` name stands for; UnknownName if there is none (its message
    is written to follow the name, or the place the name is written: ``extends: no system …``)."""
    rest = name.removeprefix(PREFIX)
    if HOME is not None and _NAME.fullmatch(rest) and ".." not in rest.split("/"):
        file = rest if rest.endswith((".yaml", ".yml", ".csv")) else rest + ".yaml"
        for folder in _FOLDERS[kind]:
            path = os.path.normpath(os.path.join(HOME, folder, file))
            if os.path.isfile(path):
                return path
    if HOME is None:
        raise UnknownName(
            tr(
                "file-unreadable",
                "the systems shipped with jixiao are not installed with this copy",
            )
        )
    # Compared without the prefix, which every name shares: 'jixiao:nope' is close to nothing.
    stems = {known.removeprefix(PREFIX): known for known in names(kind)}
    close = difflib.get_close_matches(rest, sorted(stems), n=1, cutoff=0.5)
    hint = did_you_mean(name, {stems[close[0]]}) if close else ""
    # The message of a name that cannot be read (file-unreadable), wherever it is written.
    if kind == "spec":
        message = tr(
            "file-unreadable",
            "no system shipped with jixiao has that name{hint} (`jixiao systems` lists them)",
            hint=hint,
        )
    elif kind == "facts":
        message = tr(
            "file-unreadable",
            "no example facts file shipped with jixiao has that name{hint} (`jixiao systems` "
            "lists them)",
            hint=hint,
        )
    else:
        message = tr(
            "file-unreadable",
            "no file shipped with jixiao has that name{hint} (`jixiao systems` lists them)",
            hint=hint,
        )
    raise UnknownName(message)
