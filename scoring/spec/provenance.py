"""Where spec data came from: the files that went into it and the place each part was written.

A profile's merged spec mixes parts of several files, so a problem found in the merged data (a
weight sum broken by a patch, say) must be traced back to the file and line that caused it;
``Sourced`` carries that map alongside the data. Built by ``scoring.spec.overlay`` (which re-exports
these names) and kept by every compiled spec.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem, id_path
from ..yamlio.load import Document, Mark

__all__ = ["Loc", "Source", "Sourced"]

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
