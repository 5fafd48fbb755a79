"""Safe YAML reading that remembers where every value and key was written.

Owns the trip from a file on disk to a plain tree of dict/list/str/Decimal/bool/None plus the
1-based line and column of each node, so later stages can point at the exact spot. It closes the
traps of hand-edited YAML: duplicate keys, YAML 1.1 booleans (yes/no/on/off), timestamps, floats
that lose cents, object-building tags, alias bombs, runaway nesting, legacy encodings.

PyYAML only supplies the event stream (libyaml's when installed: the pure-Python parser needs
~15 s for 5 MB). Nodes are built and scalars resolved by this loader (in ``yaml_builder``),
iteratively and under a node budget, because PyYAML's composer recurses once per nesting level
(libyaml's crashes the process on deep input) and its constructors make floats and expand aliases
without limit. The budget is checked twice: while composing, from the size each anchored node
expands to (so a "billion laughs" is refused at the alias that crosses it, in milliseconds, before
anything is copied), and exactly while expanding (which also pays for merge keys).

Parts live apart so each reads on its own: this module picks the parser, maps its errors to
located Problems and holds the public entry points; ``yaml_builder`` turns events into data and
marks under the budget; ``yaml_nodes`` holds the node types and what plain scalars mean;
``textfile`` reads and decodes files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import Problem, ScoringError
from .textfile import read_text
from .yaml_builder import Abort, EventSource, NodeBuilder
from .yaml_nodes import Mark, Path

try:
    from yaml._yaml import CParser as _FastParser

    _HAVE_LIBYAML = True
except ImportError:  # PyYAML built without libyaml: same results, slower
    _HAVE_LIBYAML = False

__all__ = ["Document", "Mark", "Path", "load_yaml", "load_yaml_file", "read_text"]

_USABLE = frozenset({"duplicate-key"})  # problems after which the data is still well formed


@dataclass(frozen=True)
class Document:
    """A loaded YAML document: the plain data and where each part of it was written."""

    data: Any
    file: str
    value_marks: dict[Path, Mark]
    key_marks: dict[Path, Mark]
    # Problems that left the data usable (a duplicate key keeps its first value), returned rather
    # than raised when the caller asked to keep going, so it can report them with its own.
    problems: tuple[Problem, ...] = ()

    def position(self, path: Sequence[str | int], *, key: bool = False) -> Mark | None:
        """Mark of the node at path (its key when key=True and one exists), else of the nearest
        ancestor that has one."""
        here = tuple(path)
        if key and here in self.key_marks:
            return self.key_marks[here]
        while here not in self.value_marks:
            if not here:
                return None
            here = here[:-1]
        return self.value_marks[here]


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


def _python_error(text: str, exc: Exception) -> Exception:
    """PyYAML's own wording for what libyaml rejected, so messages read alike on every install."""
    try:
        parser: EventSource = _PyParser(text)
        while not isinstance(parser.get_event(), yaml.StreamEndEvent):
            pass
    except yaml.YAMLError as py_exc:
        lines = [getattr(getattr(e, "problem_mark", None), "line", -1) for e in (exc, py_exc)]
        if not isinstance(exc, yaml.YAMLError) or lines[0] == lines[1]:
            return py_exc
    return exc


def _syntax_problem(exc: Exception, file: str, text: str) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        pos, char = int(exc.position), exc.character
        code_point = char if isinstance(char, int) else ord(char)
        line, column = text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)
        message = f"unacceptable character #x{code_point:04x}: {exc.reason}"
        return Problem(message, "yaml-syntax", file, line, column)
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return Problem(str(exc).split("\n")[0], "yaml-syntax", file)
    mark, context = exc.problem_mark, exc.context_mark
    message = exc.problem or "invalid YAML"
    if exc.context and context and context.line != mark.line:
        message += f" ({exc.context} at line {context.line + 1}, column {context.column + 1})"
    if "'\\t'" in message or text[mark.index : mark.index + 1] == "\t":
        message += " (YAML indentation must use spaces, not tabs)"
    return Problem(message, "yaml-syntax", file, mark.line + 1, mark.column + 1)


def _our_depth_problem(
    text: str, exc: yaml.YAMLError | UnicodeEncodeError, file: str, max_nodes: int
) -> Problem | None:
    """libyaml (PyYAML ≥ 6.0.4) has its own nesting limit, met while it scans ahead for a simple
    key, before events reach our limit: report ours, from the prefix libyaml had read, so every
    install gives the same message (and the pure-Python parser never re-reads 50,000 brackets)."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None or "nesting depth" not in str(getattr(exc, "problem", "")):
        return None
    try:
        NodeBuilder(file, max_nodes).compose(_PyParser(text[: mark.index]))
    except Abort as abort:
        return abort.problem
    except yaml.YAMLError:
        return None
    return None


def load_yaml(
    text: str,
    file: str = "<input>",
    *,
    error_cls: type[ScoringError] = ScoringError,
    max_nodes: int = 200_000,
    keep_going: bool = False,
) -> Document:
    """Parse one YAML document into plain data with positions; raise error_cls with every problem.

    With ``keep_going``, problems that leave the data usable (duplicate keys) are returned in
    ``Document.problems`` instead of raised.
    """
    loader = NodeBuilder(file, max_nodes)
    data = None
    try:
        source: EventSource = _FastParser(text) if _HAVE_LIBYAML else _PyParser(text)
        root = loader.compose(source)
        loader.count = 0  # the composed graph was paid for; now pay for its expansion
        data = None if root is None else loader.value(root, ())
    except Abort as abort:
        loader.problems.append(abort.problem)
    except (yaml.YAMLError, UnicodeEncodeError) as exc:  # libyaml cannot encode lone surrogates
        deep = _our_depth_problem(text, exc, file, max_nodes) if _HAVE_LIBYAML else None
        if deep is not None:
            loader.problems.append(deep)
        else:
            error = _python_error(text, exc) if _HAVE_LIBYAML else exc
            loader.problems.append(_syntax_problem(error, file, text))
    except (RecursionError, MemoryError):  # defensive: the limits above should prevent both
        loader.problems.append(Problem("document is too large to load", "yaml-too-large", file))
    problems = tuple(dict.fromkeys(loader.problems))  # a mapping merged twice reports once
    if problems and not (keep_going and all(p.code in _USABLE for p in problems)):
        raise error_cls(problems)
    return Document(data, file, loader.value_marks, loader.key_marks, problems)


def load_yaml_file(
    path: str | os.PathLike[str],
    *,
    error_cls: type[ScoringError] = ScoringError,
    max_bytes: int = 5_000_000,
    max_nodes: int = 200_000,
    display_name: str | None = None,
) -> Document:
    """read_text + load_yaml; errors name the file as display_name, else as path was given."""
    name = display_name if display_name is not None else os.fspath(path)
    text = read_text(path, error_cls=error_cls, max_bytes=max_bytes, display_name=name)
    return load_yaml(text, name, error_cls=error_cls, max_nodes=max_nodes)
