"""Writing a command's output file: an unwritable path is the user's input error, not a crash."""

from __future__ import annotations

import os

from ..errors import Problem, ScoringError

__all__ = ["write_output"]


def write_output(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to ``path``; a path that cannot be written raises ScoringError
    naming it (exit 1) instead of an OSError traceback."""
    try:
        if isinstance(data, bytes):
            with open(path, "wb") as handle:
                handle.write(data)
        else:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ScoringError(
            Problem(f"cannot write: {reason}", "file-unwritable", file=os.fspath(path))
        ) from None
