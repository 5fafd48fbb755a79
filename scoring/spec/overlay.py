"""Profiles: a spec file that ``extends:`` a base and changes it, without copying it.

An overlay may replace top-level settings (grades, rounding, tiers, reverse_formula, total …),
add or replace facts and derived values by id, ``patch`` indicators by id (fields merged, a rule's
parameters merged unless its kind changes), ``remove`` indicators, and ``add`` new ones under a
parent. The result is plain spec data validated like any spec.

This module reads spec files, follows ``extends:`` and turns ``--set`` options into a profile;
the merge itself is in ``overlay_merge``, loaded only for a profile or ``--set``. Its result is a
``Sourced``: the data and where each part of it was written. A profile's merged spec mixes parts
of several files, so a problem found in the merged data (a weight sum broken by a patch, say) is
traced back to the file and line that caused it; every compiled spec keeps the ``Source`` of
each file that went into it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem, SpecError, did_you_mean, id_path
from ..i18n import tr
from ..yamlio.load import Document, Mark, load_yaml, read_text
from ..yamlio.textfile import PathRefused, is_shipped_name, path_named_by_spec

__all__ = ["OVERLAY_KEYS", "Loc", "Source", "Sourced", "load_sourced", "sourced_from_text"]

_MAX_CHAIN = 10
OVERLAY_KEYS = frozenset({"extends", "patch", "remove", "add"})  # allowed in a profile only

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """One file that went into a spec: provenance recorded in every result."""

    file: str
    id: str
    version: str
    sha256: str


@dataclass
class Sourced:
    """Spec data (merged when there are overlays) and where each part of it was written."""

    data: Any
    origins: dict[Loc, tuple[Document, Loc]]
    texts: dict[str, list[str]]  # file → its lines, for pointing into formulas
    sources: list[Source] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def resolve(self, loc: Loc) -> tuple[Document, Loc]:
        """The document and the place in it where ``loc`` of the merged data was written."""
        for cut in range(len(loc), -1, -1):
            origin = self.origins.get(loc[:cut])
            if origin is not None:
                return origin[0], origin[1] + loc[cut:]
        raise KeyError(loc)  # the root always has an origin

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[str, Mark | None]:
        document, place = self.resolve(loc)
        return document.file, document.position(place, key=key)

    def problem(self, loc: Loc, message: str, code: str, *, key: bool = False) -> Problem:
        file, mark = self.locate(loc, key=key)
        return Problem(
            message,
            code,
            file=file,
            line=mark.line if mark else None,
            column=mark.column if mark else None,
            path=id_path(self.data, loc) or None,
        )

    @property
    def sha256(self) -> str:
        if len(self.sources) == 1:
            return self.sources[0].sha256
        joined = "\n".join(source.sha256 for source in self.sources)
        return hashlib.sha256(joined.encode("ascii")).hexdigest()


def load_sourced(path: str | os.PathLike[str], _chain: tuple[str, ...] = ()) -> Sourced:
    """Read a spec file, following ``extends:`` to its bases (relative to the file). ``path`` may
    be ``jixiao:NAME``, a system shipped with jixiao (read from where it is installed)."""
    if is_shipped_name(path):
        from ..yamlio.shipped import UnknownName, resolve  # jixiao:NAME only

        try:
            path = resolve(os.fspath(path), "spec")
        except UnknownName as exc:
            raise SpecError(Problem(str(exc), "file-unreadable", file=os.fspath(path))) from None
    display = os.fspath(path)
    text = read_text(path, error_cls=SpecError)
    return sourced_from_text(text, display, base_dir=os.path.dirname(display), _chain=_chain)


def sourced_from_text(
    text: str, file: str, *, base_dir: str = ".", _chain: tuple[str, ...] = ()
) -> Sourced:
    document = load_yaml(text, file, error_cls=SpecError, keep_going=True)
    data = document.data
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    texts = {file: text.split("\n")}
    source = Source(file, str(_get(data, "id")), str(_get(data, "version")), sha)
    if not isinstance(data, dict) or "extends" not in data:
        sourced = Sourced(data, {(): (document, ())}, texts, [source], list(document.problems))
        for key in OVERLAY_KEYS & (set(data) if isinstance(data, dict) else set()):
            sourced.problems.append(
                sourced.problem(
                    (key,),
                    tr(
                        "overlay-without-base",
                        "{key!r} is only allowed in a profile that has 'extends:'",
                        key=key,
                    ),
                    "overlay-without-base",
                    key=True,
                )
            )
        return sourced
    here = Sourced(data, {(): (document, ())}, texts, [], list(document.problems))
    extends = data["extends"]
    if not isinstance(extends, str) or not extends.strip():
        here.problems.append(
            here.problem(
                ("extends",),
                tr("overlay-extends", "extends: needs the path of the base spec file"),
                "overlay-extends",
            )
        )
        return here
    from ..yamlio.shipped import UnknownName, resolve  # a profile: its base may be shipped

    try:
        if is_shipped_name(extends):  # jixiao:self_evaluation, wherever jixiao is installed
            base_path = resolve(extends, "spec")
        else:
            base_path = path_named_by_spec(extends, base_dir)
    except UnknownName as exc:
        here.problems.append(here.problem(("extends",), str(exc), "overlay-extends"))
        return here
    except PathRefused as exc:
        here.problems.append(here.problem(("extends",), str(exc), "path-outside"))
        return here
    if base_path in _chain or len(_chain) >= _MAX_CHAIN:
        chain = " → ".join((*_chain, base_path))
        here.problems.append(
            here.problem(
                ("extends",),
                tr("overlay-cycle", "profiles extend each other in a loop: {chain}", chain=chain),
                "overlay-cycle",
            )
        )
        return here
    if not os.path.isfile(base_path):
        here.problems.append(
            here.problem(
                ("extends",),
                tr(
                    "overlay-extends",
                    "base spec {path!r} not found (paths are relative to this file)",
                    path=base_path,
                ),
                "overlay-extends",
            )
        )
        return here
    base = load_sourced(base_path, (*_chain, os.path.normpath(file)))
    from .overlay_merge import Merger  # a profile: most specs extend nothing

    merged = Merger(base, document).merge()
    merged.texts.update(texts)
    merged.sources.append(source)
    merged.problems[:0] = base.problems
    merged.problems.extend(document.problems)
    return merged


def _get(data: Any, key: str) -> Any:
    return data.get(key, "") if isinstance(data, dict) else ""


def apply_overrides(base: Sourced, overrides: Sequence[str]) -> Sourced:
    """One-off changes from the command line (``--set 预算执行率.weight=20``), as a profile."""
    from .overlay_merge import Merger, indicator_ids  # only with --set

    data: dict[str, Any] = {"patch": {}}
    problems: list[Problem] = []
    known = indicator_ids(base.data.get("indicators") if isinstance(base.data, dict) else None)
    for text in overrides:
        path, sep, raw = text.partition("=")
        keys = [part.strip() for part in path.split(".")]
        if not sep or not all(keys):
            problems.append(
                Problem(
                    tr(
                        "override-syntax",
                        "--set {text!r}: write PATH=VALUE, e.g. 预算执行率.weight=20",
                        text=text,
                    ),
                    "override-syntax",
                    file="--set",
                )
            )
            continue
        value = load_yaml(raw, "--set", error_cls=SpecError).data
        if keys[0] in known and len(keys) == 1:
            problems.append(
                Problem(
                    tr(
                        "override-syntax",
                        "--set {text!r}: name the field of {id!r} to change, e.g. "
                        "{id}.weight={value}; a score is not set here (give the facts, or an "
                        "adjustment with its reason in the facts file)",
                        text=text,
                        id=keys[0],
                        value=raw.strip() or 10,
                    ),
                    "override-syntax",
                    file="--set",
                )
            )
            continue
        if keys[0] in known:
            target = data["patch"].setdefault(keys[0], {})
            keys = keys[1:]
        elif keys[0] in _SETTINGS:
            target = data
        else:
            hint = did_you_mean(keys[0], known | _SETTINGS)
            problems.append(
                Problem(
                    tr(
                        "override-syntax",
                        "--set {text!r}: {key!r} is neither an indicator id nor a spec setting{hint}",
                        text=text,
                        key=keys[0],
                        hint=hint,
                    ),
                    "override-syntax",
                    file="--set",
                )
            )
            continue
        for key in keys[:-1]:
            target = target.setdefault(key, {})
        target[keys[-1]] = value
    for key, value in data.items():
        if key != "patch" and isinstance(value, dict) and isinstance(base.data.get(key), dict):
            data[key] = {
                **base.data[key],
                **value,
            }  # grades.优=85 changes one grade, keeps the rest
    document = Document(data=data, file="--set", value_marks={}, key_marks={})
    merged = Merger(base, document).merge()
    merged.problems[:0] = [*base.problems, *problems]
    merged.sources.append(
        Source(
            "--set",
            "--set",
            "; ".join(overrides),
            hashlib.sha256("\n".join(overrides).encode()).hexdigest(),
        )
    )
    return merged


_SETTINGS = frozenset(
    {
        "total",
        "rounding",
        "grades",
        "qualitative_tiers",
        "reverse_formula",
        "overshoot_ratio",
        "facts",
        "derived",
        "name",
        "version",
        "basis",
        "description",
    }
)
