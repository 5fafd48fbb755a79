"""Safe YAML reading that remembers where every value and key was written.

Owns the trip from a file on disk to a plain tree of dict/list/str/Decimal/bool/None plus the
1-based line and column of each node, so later stages can point at the exact spot. It closes the
traps of hand-edited YAML: duplicate keys, YAML 1.1 booleans (yes/no/on/off), timestamps, floats
that lose cents, object-building tags, alias bombs, runaway nesting, legacy encodings.

PyYAML only supplies the event stream (libyaml's when installed: the pure-Python parser needs
~15 s for 5 MB). Nodes are built and scalars resolved here, iteratively and under a node budget,
because PyYAML's composer recurses once per nesting level (libyaml's crashes the process on deep
input) and its constructors make floats and expand aliases without limit. The budget is checked
twice: while composing, from the size each anchored node expands to (so a "billion laughs" is
refused at the alias that crosses it, in milliseconds, before anything is copied), and exactly
while expanding (which also pays for merge keys).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO, NoReturn, Protocol

import yaml

from .errors import Problem, ScoringError

try:
    from yaml._yaml import CParser as _FastParser

    _HAVE_LIBYAML = True
except ImportError:  # PyYAML built without libyaml: same results, slower
    _HAVE_LIBYAML = False

__all__ = ["Document", "Mark", "Path", "load_yaml", "load_yaml_file", "read_text"]

Path = tuple[str | int, ...]

_Y = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, MAP, SEQ, MERGE = (
    _Y + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "merge")
)
_SCALAR_TAGS = (STR, INT, FLOAT, BOOL, NULL)
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_DIGITS = r"[0-9](?:_*[0-9])*"
_INT = re.compile(r"[-+]?(?:0|[1-9](?:_*[0-9])*)")
# A dot or an exponent is required so that 0123 (octal in YAML 1.1) stays text; the exponent is
# capped so that Decimal() can always represent the value.
_FLOAT = re.compile(
    rf"[-+]?(?:(?:{_DIGITS})?\.{_DIGITS}|{_DIGITS}\.)(?:[eE][-+]?[0-9]{{1,4}})?"
    rf"|[-+]?{_DIGITS}[eE][-+]?[0-9]{{1,4}}"
)
_USABLE = frozenset({"duplicate-key"})  # problems after which the data is still well formed
_MAX_DEPTH = 100  # real indicator systems nest ~20 levels; this keeps recursion far from the limit


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based position in the source text."""

    line: int
    column: int


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


class _EventSource(Protocol):
    def get_event(self) -> yaml.Event | None: ...
    def peek_event(self) -> yaml.Event | None: ...


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


@dataclass(eq=False, slots=True)
class _Node:
    tag: str
    mark: Mark
    # Values this node expands to (keys and merges not counted): a lower bound of what value()
    # will charge, known while composing, so an alias bomb is refused before it is expanded.
    size: int = field(default=1, kw_only=True)


@dataclass(eq=False, slots=True)
class _Scalar(_Node):
    text: str


@dataclass(eq=False, slots=True)
class _Seq(_Node):
    items: list[_Node]


@dataclass(eq=False, slots=True)
class _Map(_Node):
    items: list[_Node]  # key, value, key, value, ... as the parser delivers them


class _Abort(Exception):
    """Stops loading at once: the rest of the document cannot be trusted or afforded."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _is_value(stack: Sequence[tuple[_Seq | _Map, str | None]]) -> bool:
    """Whether the next node is a value (counted in the expansion), not a mapping key or the
    source of a '<<' merge (merged entries are paid for while expanding instead)."""
    if not stack:
        return True
    parent = stack[-1][0]
    if not isinstance(parent, _Map):
        return True
    if len(parent.items) % 2 == 0:
        return False
    key = parent.items[-1]
    return not (isinstance(key, _Scalar) and key.tag == MERGE)


def _pos(event: yaml.Event) -> Mark:
    mark = event.start_mark
    return Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)


def _short(tag: str) -> str:
    return "!!" + tag[len(_Y) :] if tag.startswith(_Y) else tag


def _explicit(tag: str | None) -> str | None:
    return None if tag == "!" else tag  # '!' is YAML's "no specific tag"


def _implicit_tag(text: str) -> str:
    if text in _NULLS:
        return NULL
    if text in _BOOLS:
        return BOOL
    if _INT.fullmatch(text):
        return INT
    if _FLOAT.fullmatch(text):
        return FLOAT
    return MERGE if text == "<<" else STR


class _Loader:
    def __init__(self, file: str, max_nodes: int) -> None:
        self.file = file
        self.max_nodes = max_nodes
        self.count = 0
        self.expanded = 0  # lower bound of the values the document expands to, while composing
        self.problems: list[Problem] = []
        self.value_marks: dict[Path, Mark] = {}
        self.key_marks: dict[Path, Mark] = {}

    def locate(self, mark: Mark, code: str, message: str) -> Problem:
        return Problem(message, code, self.file, mark.line, mark.column)

    def problem(self, mark: Mark, code: str, message: str) -> None:
        self.problems.append(self.locate(mark, code, message))

    def charge(self, node: _Node) -> None:
        self.count += 1
        if self.count > self.max_nodes:
            message = f"document expands to more than {self.max_nodes} nodes (alias bomb?)"
            raise _Abort(self.locate(node.mark, "yaml-too-large", message))

    def expand(self, size: int, mark: Mark) -> None:
        self.expanded += size
        if self.expanded > self.max_nodes:
            message = f"document expands to more than {self.max_nodes} nodes (alias bomb?)"
            raise _Abort(self.locate(mark, "yaml-too-large", message))

    def too_deep(self, node: _Node) -> NoReturn:
        message = f"document nests deeper than {_MAX_DEPTH} levels"
        raise _Abort(self.locate(node.mark, "yaml-too-deep", message))

    def compose(self, source: _EventSource) -> _Node | None:
        """Build the node graph from parser events without recursion, one node per event."""
        source.get_event()  # StreamStartEvent
        if isinstance(source.peek_event(), yaml.StreamEndEvent):
            return None  # empty file, or only comments
        source.get_event()  # DocumentStartEvent
        anchors: dict[str, _Node] = {}
        stack: list[tuple[_Seq | _Map, str | None]] = []
        root: _Node | None = None
        begun: list[int] = []  # self.expanded when each open collection started
        while not isinstance(event := source.get_event(), yaml.DocumentEndEvent):
            assert event is not None  # the parser always ends a document before the stream
            node: _Node
            if isinstance(event, yaml.AliasEvent):
                node = anchors.get(event.anchor or "") or self.bad_alias(event, stack)
                if _is_value(stack):
                    self.expand(node.size, _pos(event))
            elif isinstance(event, yaml.CollectionStartEvent):
                if isinstance(event, yaml.MappingStartEvent):
                    collection: _Seq | _Map = _Map(_explicit(event.tag) or MAP, _pos(event), [])
                else:
                    collection = _Seq(_explicit(event.tag) or SEQ, _pos(event), [])
                self.charge(collection)
                if len(stack) >= _MAX_DEPTH:
                    self.too_deep(collection)
                begun.append(self.expanded)
                if _is_value(stack):
                    self.expand(1, collection.mark)
                stack.append((collection, event.anchor))
                continue
            elif isinstance(event, yaml.ScalarEvent):
                tag = _explicit(event.tag) or STR
                if event.tag is None and event.implicit[0]:  # plain and untagged
                    tag = _implicit_tag(event.value)
                node = _Scalar(tag, _pos(event), event.value)
                self.charge(node)
                if _is_value(stack):
                    self.expand(1, node.mark)
                self.anchor(anchors, event.anchor, node)
            else:  # the end of a sequence or mapping
                node, name = stack.pop()
                node.size = max(self.expanded - begun.pop(), 1)
                # Registered only once complete, so no alias can point into its own anchor.
                self.anchor(anchors, name, node)
            if stack:
                stack[-1][0].items.append(node)
            else:
                root = node
        extra = source.peek_event()
        if extra is not None and not isinstance(extra, yaml.StreamEndEvent):
            message = "a second YAML document starts here; a file must hold exactly one"
            self.problem(_pos(extra), "yaml-multiple-documents", message)
        return root

    def anchor(self, anchors: dict[str, _Node], name: str | None, node: _Node) -> None:
        if name in anchors:
            message = f"anchor '&{name}' is already defined at line {anchors[name].mark.line}"
            self.problem(node.mark, "yaml-duplicate-anchor", message)
        if name is not None:
            anchors[name] = node

    def bad_alias(
        self, event: yaml.AliasEvent, stack: list[tuple[_Seq | _Map, str | None]]
    ) -> _Node:
        name = event.anchor
        if any(open_name == name for _, open_name in stack):
            message, code = f"alias '*{name}' is inside its own anchor", "yaml-recursive-alias"
        else:
            message, code = (
                f"alias '*{name}' has no anchor '&{name}' before it",
                "yaml-undefined-alias",
            )
        self.problem(_pos(event), code, message)
        return _Scalar(NULL, _pos(event), "")

    def value(self, node: _Node, path: Path) -> Any:
        """Convert node into plain data at path; aliases are copied, and each copy paid for."""
        self.charge(node)
        self.value_marks[path] = node.mark
        if len(path) > _MAX_DEPTH:  # aliases inside aliases can nest beyond what was composed
            self.too_deep(node)
        if isinstance(node, _Scalar):
            return self.scalar(node)
        if isinstance(node, _Seq):
            if node.tag != SEQ:
                self.bad_tag(node, "a list")
            return [self.value(item, (*path, i)) for i, item in enumerate(node.items)]
        assert isinstance(node, _Map)
        result: dict[str, Any] = {}
        for key, key_node, value_node in self.entries(node, 0):
            self.key_marks[(*path, key)] = key_node.mark
            result[key] = self.value(value_node, (*path, key))
        return result

    def entries(self, node: _Map, depth: int) -> list[tuple[str, _Node, _Node]]:
        """(key, key node, value node) after merges: written keys win, then earlier merge sources;
        merged keys take the place of their '<<'."""
        if depth > _MAX_DEPTH:
            self.too_deep(node)
        if node.tag != MAP:
            self.bad_tag(node, "a mapping")
        written: dict[str, _Node] = {}
        plan: list[tuple[str, _Node, _Node] | _Node] = []
        for key_node, value_node in zip(node.items[::2], node.items[1::2], strict=True):
            if isinstance(key_node, _Scalar) and key_node.tag == MERGE:
                plan.append(value_node)
            elif (key := self.key(key_node)) in written:
                message = f"duplicate key {key!r} (first defined at line {written[key].mark.line})"
                self.problem(key_node.mark, "duplicate-key", message)
            elif key is not None:
                written[key] = key_node
                plan.append((key, key_node, value_node))
        result: list[tuple[str, _Node, _Node]] = []
        seen = set(written)
        for step in plan:
            if isinstance(step, tuple):
                result.append(step)
                continue
            for source in self.merge_sources(step):
                for entry in self.entries(source, depth + 1):
                    self.charge(entry[1])  # merging is alias expansion too: nested merges explode
                    if entry[0] not in seen:
                        seen.add(entry[0])
                        result.append(entry)
        return result

    def merge_sources(self, node: _Node) -> list[_Map]:
        items = node.items if isinstance(node, _Seq) else [node]
        sources = [item for item in items if isinstance(item, _Map)]
        if len(sources) != len(items):
            message = "'<<' must be followed by a mapping or a list of mappings, e.g. <<: *defaults"
            self.problem(node.mark, "yaml-merge", message)
        return sources

    def key(self, node: _Node) -> str | None:
        if not isinstance(node, _Scalar):
            message = "a mapping key must be text, not a list or mapping"
            self.problem(node.mark, "yaml-complex-key", message)
            return None
        self.scalar(node)  # only to report a bad tag: keys keep their source text (2021 -> "2021")
        return node.text

    def scalar(self, node: _Scalar) -> Any:
        tag, text = node.tag, node.text
        if tag in (STR, MERGE):  # a '<<' that is not a key is just text
            return text
        if tag == NULL and text in _NULLS:
            return None
        if tag == BOOL and text in _BOOLS:
            return _BOOLS[text]
        if (tag in (INT, FLOAT) and _INT.fullmatch(text)) or (
            tag == FLOAT and _FLOAT.fullmatch(text)
        ):
            return Decimal(text.replace("_", ""))  # the digits as written: no binary float
        if tag in _SCALAR_TAGS:
            message = f"{text!r} is not a valid {_short(tag)} value"
            self.problem(node.mark, "yaml-bad-scalar", message)
        else:
            self.bad_tag(node, "a plain value")
        return text

    def bad_tag(self, node: _Node, target: str) -> None:
        if node.tag in (*_SCALAR_TAGS, MAP, SEQ):
            message = f"tag {_short(node.tag)!r} cannot be used on {target}"
        else:
            message = f"tag {_short(node.tag)!r} is not allowed; plain YAML values only"
        self.problem(node.mark, "yaml-tag", message)


def _python_error(text: str, exc: Exception) -> Exception:
    """PyYAML's own wording for what libyaml rejected, so messages read alike on every install."""
    try:
        parser: _EventSource = _PyParser(text)
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
        _Loader(file, max_nodes).compose(_PyParser(text[: mark.index]))
    except _Abort as abort:
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
    loader = _Loader(file, max_nodes)
    data = None
    try:
        source: _EventSource = _FastParser(text) if _HAVE_LIBYAML else _PyParser(text)
        root = loader.compose(source)
        loader.count = 0  # the composed graph was paid for; now pay for its expansion
        data = None if root is None else loader.value(root, ())
    except _Abort as abort:
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


def _too_large(size: int | None, limit: int) -> str:
    if size is not None and f"{size / 1e6:.1f}" != f"{limit / 1e6:.1f}":
        return f"file is {size / 1e6:.1f} MB, larger than the {limit / 1e6:.1f} MB limit"
    if size is None:  # it grew after stat() or is a pipe: only the limit is known
        return f"file is larger than the limit of {limit} bytes"
    return f"file is {size} bytes, larger than the limit of {limit} bytes"  # MB would hide it


# UTF-32's marks first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    ("UTF-8", codecs.BOM_UTF8),
    ("UTF-32-LE", codecs.BOM_UTF32_LE),
    ("UTF-32-BE", codecs.BOM_UTF32_BE),
    ("UTF-16-LE", codecs.BOM_UTF16_LE),
    ("UTF-16-BE", codecs.BOM_UTF16_BE),
)


def _looks_like_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte-order mark: text of mostly ASCII has a NUL in every other byte."""
    head = raw[:400]
    if len(head) < 4:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) >= len(head) // 4 and min(even, odd) == 0


def _decode(raw: bytes, fail: Callable[[str], NoReturn]) -> str:
    for codec, bom in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                fail(f"file has a {codec} byte-order mark but is not {codec} (offset {exc.start})")
    if _looks_like_utf16(raw):
        fail(
            "file looks like UTF-16 without a byte-order mark; save it as UTF-8"
            " (in Excel/WPS/Notepad: 另存为 → 编码 UTF-8)"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    try:
        # What Chinese Windows tools (Excel, WPS, Notepad) save by default. Its strict decoder
        # rejects most other legacy text, e.g. a Latin-1 accent before a space or line end.
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        fail(
            f"file is not UTF-8 (byte 0x{raw[bad]:02x} at offset {bad}); save it as UTF-8"
            " (in Excel/WPS/Notepad: 另存为 → 编码 UTF-8)"
        )


def _read_at_most(handle: BinaryIO, limit: int, expected: int) -> bytes:
    """Up to ``limit`` bytes, without reserving ``limit`` bytes up front (read(5_000_001) would,
    for every 2 kB spec). Pipes report size 0 and files can grow, so read on until the end or the
    limit."""
    parts = [handle.read(min(expected + 1, limit) if expected else 65_536)]
    size = len(parts[0])
    while parts[-1] and size < limit:
        parts.append(handle.read(min(65_536, limit - size)))
        size += len(parts[-1])
    return b"".join(parts)


def read_text(
    path: str | os.PathLike[str],
    *,
    error_cls: type[ScoringError] = ScoringError,
    max_bytes: int = 5_000_000,
    display_name: str | None = None,
) -> str:
    """A text file's content: size checked before reading, decoded, newlines normalised to LF."""
    name = display_name if display_name is not None else os.fspath(path)

    def fail(code: str, message: str) -> NoReturn:
        raise error_cls(Problem(message, code, name))

    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            fail("file-unreadable", "is a directory")
        if info.st_size > max_bytes:
            fail("file-too-large", _too_large(info.st_size, max_bytes))
        with open(path, "rb") as handle:
            raw = _read_at_most(handle, max_bytes + 1, info.st_size)
    except FileNotFoundError:
        fail("file-unreadable", "no such file")
    except PermissionError:
        fail("file-unreadable", "permission denied")
    except OSError as exc:
        fail("file-unreadable", (exc.strerror or type(exc).__name__).lower())
    if len(raw) > max_bytes:
        fail("file-too-large", _too_large(None, max_bytes))
    text = _decode(raw, lambda message: fail("file-encoding", message))
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
