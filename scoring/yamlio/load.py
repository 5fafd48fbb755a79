"""Safe YAML reading that remembers where every value and key was written.

Owns the trip from text to a plain tree of dict/list/str/Decimal/bool/None plus the 1-based line
and column of each value and key, so later stages can point at the exact spot. It closes the traps
of hand-edited YAML: duplicate keys, YAML 1.1 booleans (yes/no/on/off), timestamps, floats that
lose cents, object-building tags, alias bombs, runaway nesting. ``textfile`` reads and decodes
files (``read_text`` is re-exported here, where callers import it).

PyYAML parses and composes: libyaml's ``CSafeLoader`` when installed (the pure-Python loader needs
~15 s for 5 MB), else ``SafeLoader``, each with our resolver for what a plain scalar means. Its
constructors are not used: they make floats, keep the last of duplicate keys, share the object of
an alias and expand aliases without limit. From the composed node graph, which holds an anchored
node once however often it is aliased, this module instead

1. pays for the document before expanding anything: a walk in document order counts nodes and
   depth, and the values each alias expands to, so a "billion laughs" is refused at the alias that
   crosses the budget, in milliseconds;
2. builds the data path by path, copying aliases and paying for every value again (which also pays
   for merge keys), recording the mark of each value and key as it goes.

An alias keeps no position in the graph (it is its anchor's node), so where one must be named the
text is parsed again: the k-th alias met in document order is the k-th alias event.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem, ScoringError
from ..i18n import tr, ui
from .textfile import read_text

try:
    from yaml import CSafeLoader as _FastBase

    _HAVE_LIBYAML = True
except ImportError:  # PyYAML built without libyaml: same results, slower
    from yaml import SafeLoader as _FastBase  # type: ignore[assignment]

    _HAVE_LIBYAML = False

__all__ = ["Document", "Mark", "Path", "load_yaml", "load_yaml_file", "read_text"]

Path = tuple[str | int, ...]

_MAX_DEPTH = 100  # real indicator systems nest ~20 levels; this keeps recursion far from the limit
_USABLE = frozenset({"duplicate-key"})  # problems after which the data is still well formed

_Y = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, MAP, SEQ, MERGE = (
    _Y + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "merge")
)
_SCALAR_TAGS = (STR, INT, FLOAT, BOOL, NULL)
_RESOLVED = (NULL, BOOL, INT, FLOAT, MERGE)  # what resolve() may give besides STR
# What an untagged plain scalar means, deliberately narrower than YAML 1.1: only true/false are
# booleans (yes/no/on/off stay text), 0123 and timestamps stay text, and numbers keep the digits
# written (Decimal, never a binary float).
_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
_BOOL_WORDS = {"true": True, "True": True, "TRUE": True}
_BOOL_WORDS |= {"false": False, "False": False, "FALSE": False}
# Digits only: YAML 1.1 reads 1_000 as 1000, but '_' is no digit separator in a Chinese report
# (1,000 is), and 1_000 may as well be a slip for 1.000; as text it is refused with a message.
_INT_TEXT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
# A dot or an exponent is required so that 0123 (octal in YAML 1.1) stays text; the exponent is
# capped so that Decimal() can always represent the value.
_FLOAT_TEXT = re.compile(
    r"[-+]?(?:[0-9]*\.[0-9]+|[0-9]+\.)(?:[eE][-+]?[0-9]{1,4})?|[-+]?[0-9]+[eE][-+]?[0-9]{1,4}"
)
# The tag '!' ("no specific tag": text) at a scalar's mark, which PyYAML resolves as if untagged.
_NON_SPECIFIC = re.compile(r"(?:&[0-9A-Za-z_-]+\s+)?!(?![^\s,\[\]{}])")
# Between a value and the key that a comma split from it, and after that key: the comma alone.
_COMMA_GAP = re.compile(r"\s*,\s*")
_KEY_ENDS = re.compile(r"\s*[,}]")
# An alias or anchor at a composer error's mark, after the node's tag when one comes first.
_ANCHOR_AT = re.compile(r"(?:!\S*\s+)?[&*]([0-9A-Za-z_-]+)")


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


class _At(Protocol):
    """A 0-based PyYAML mark, from its Python parser or from libyaml, which read alike."""

    index: int
    line: int
    column: int


class _Events(Protocol):
    def get_event(self) -> yaml.Event | None: ...
    def peek_event(self) -> yaml.Event | None: ...


def _start(event: yaml.Event | None) -> _At:
    assert event is not None  # the parsers mark every event, and end the stream before None
    assert event.start_mark is not None
    return event.start_mark


class _Abort(Exception):
    """Stops loading at once: the rest of the document cannot be trusted or afforded."""

    def __init__(self, mark: _At, code: str, message: str) -> None:
        super().__init__(message)
        self.mark, self.code, self.message = mark, code, message

    def problem(self, file: str) -> Problem:
        return Problem(self.message, self.code, file, self.mark.line + 1, self.mark.column + 1)


def _too_deep(mark: _At) -> _Abort:
    message = tr("yaml-too-deep", "document nests deeper than {most} levels", most=_MAX_DEPTH)
    return _Abort(mark, "yaml-too-deep", message)


class _Resolver:
    """Tags for untagged nodes, the same for both loaders."""

    def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is not ScalarNode:
            return MAP if kind is MappingNode else SEQ
        if not implicit[0] or value is None:  # quoted (the walk sees to '!')
            return STR
        if value in _NULL_WORDS:
            return NULL
        if value in _BOOL_WORDS:
            return BOOL
        if _INT_TEXT.fullmatch(value):
            return INT
        if _FLOAT_TEXT.fullmatch(value):
            return FLOAT
        return MERGE if value == "<<" else STR


class _FastLoader(_Resolver, _FastBase):
    """libyaml composes; its parser refuses nesting past 1,000 levels, the walk past ours."""


class _PyLoader(_Resolver, yaml.SafeLoader):
    """PyYAML's Python composer recurses once per level, so it stops at our depth limit."""

    open_collections = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.open_collections >= _MAX_DEPTH and self.check_event(yaml.CollectionStartEvent):
            events: _Events = self
            raise _too_deep(_start(events.peek_event()))
        self.open_collections += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.open_collections -= 1


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_Y) :] if tag.startswith(_Y) else tag


def _is_merge(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == MERGE


class _Builder:
    """Pays for a composed document, then turns it into plain data and marks."""

    def __init__(self, loader: type[_FastLoader | _PyLoader], text: str, file: str, nodes: int):
        self.loader, self.text, self.file, self.max_nodes = loader, text, file, nodes
        self.count = 0  # nodes paid for: first as composed, then again as expanded
        self.expanded = 0  # values the document expands to, while walking the composed graph
        self.sizes: dict[Node, int] = {}  # values each node expands to; 0 while it is open
        self.aliases = 0  # aliases met so far by the walk
        self.replayed: tuple[list[tuple[str | None, _At]], _At] | None = None
        self.problems: list[Problem] = []
        self.value_marks: dict[Path, Mark] = {}
        self.key_marks: dict[Path, Mark] = {}

    def load(self) -> Any:
        loader = self.loader(self.text)
        if not loader.check_node():
            return None  # empty file, or only comments
        root = loader.get_node()
        assert root is not None  # check_node saw a document
        more = loader.check_node()
        root = self.pay(root, True, 0)
        if more:
            message = tr(
                "yaml-multiple-documents",
                "a second YAML document starts here; a file must hold exactly one",
            )
            self.problem(self.replay()[1], "yaml-multiple-documents", message)
        self.count = 0  # the composed graph was paid for; now pay for its expansion
        return self.value(root, ())

    def replay(self) -> tuple[list[tuple[str | None, _At]], _At]:
        """The first document's aliases (name, mark) and the mark of what follows it, parsed
        again: the graph keeps no position for an alias or for a second document. Parsed once,
        when first asked."""
        if self.replayed is None:
            parser: _Events = self.loader(self.text)
            aliases: list[tuple[str | None, _At]] = []
            while not isinstance(event := parser.get_event(), yaml.DocumentEndEvent):
                if isinstance(event, yaml.AliasEvent):
                    aliases.append((event.anchor, _start(event)))
            self.replayed = aliases, _start(parser.get_event())
        return self.replayed

    def problem(self, mark: _At, code: str, message: str) -> None:
        self.problems.append(Problem(message, code, self.file, mark.line + 1, mark.column + 1))

    def charge(self, node: Node) -> None:
        self.count += 1
        if self.count > self.max_nodes:
            raise _Abort(node.start_mark, "yaml-too-large", self.too_large())

    def expand(self, size: int, where: _At | int) -> None:
        self.expanded += size
        if self.expanded > self.max_nodes:
            mark = self.replay()[0][where][1] if isinstance(where, int) else where
            raise _Abort(mark, "yaml-too-large", self.too_large())

    def too_large(self) -> str:
        return tr(
            "yaml-too-large",
            "document expands to more than {most} nodes (alias bomb?)",
            most=self.max_nodes,
        )

    def pay(self, node: Node, value: bool, depth: int) -> Node:
        """Walk the composed graph in document order, as the parser wrote it: every node written
        counts, and every value (not a key or a '<<' source) adds what it expands to, an alias its
        anchor's whole size, so nothing is expanded before it is paid for. Returns the node to
        keep: an alias inside its own anchor becomes null, and is reported."""
        size = self.sizes.get(node)
        if size is not None:  # met before: this is an alias
            index, self.aliases = self.aliases, self.aliases + 1
            if size == 0:  # its anchor is still open
                name, mark = self.replay()[0][index]
                message = tr(
                    "yaml-recursive-alias", "alias '*{name}' is inside its own anchor", name=name
                )
                self.problem(mark, "yaml-recursive-alias", message)
                node, size = ScalarNode(NULL, ""), 1
                node.start_mark = mark
            if value:
                self.expand(size, index)
            return node
        self.charge(node)
        node.end_mark = None  # never read: freed, the graph holds a sixth less while expanded
        if isinstance(node, ScalarNode):
            if node.tag in _RESOLVED and _NON_SPECIFIC.match(self.text, node.start_mark.index):
                node.tag = STR
            self.sizes[node] = 1
            if value:
                self.expand(1, node.start_mark)
            return node
        if depth >= _MAX_DEPTH:
            raise _too_deep(node.start_mark)
        begun = self.expanded
        if value:
            self.expand(1, node.start_mark)
        self.sizes[node] = 0
        if isinstance(node, MappingNode) and node.flow_style:
            node.value = self.rejoin(node.value)
        items = node.value
        for i, item in enumerate(items):
            if isinstance(node, SequenceNode):
                if (kept := self.pay(item, True, depth + 1)) is not item:
                    items[i] = kept
                continue
            key, value_node = item
            pair = (
                self.pay(key, False, depth + 1),
                self.pay(value_node, not _is_merge(key), depth + 1),
            )
            if pair[0] is not key or pair[1] is not value_node:
                items[i] = pair
        self.sizes[node] = max(self.expanded - begun, 1)
        return node

    def rejoin(self, pairs: list[tuple[Node, Node]]) -> list[tuple[Node, Node]]:
        """A flow mapping's pairs with a comma inside parentheses put back into its value.

        In ``{formula: round(实际支出 / 公里数, 4), kind: number}`` YAML ends the value at the
        comma, and ``4)`` becomes a key with no value. A plain value whose parentheses are open,
        followed by such keys (plain, no ':', nothing but a comma between), is rejoined until its
        parentheses close: the value the writer meant, at its own mark. Anything else (a key with
        a value, a quoted or anchored piece, parentheses that never close) is left as YAML read
        it, and reported as it was."""
        out: list[tuple[Node, Node]] = []
        i = 0
        while i < len(pairs):
            key, value = pairs[i]
            depth = self.open_parens(value)
            j, end = i + 1, 0
            while depth > 0 and j < len(pairs) and self.bare_key(pairs[j], pairs[j - 1]):
                depth += self.open_parens(pairs[j][0], key=True)
                j += 1
                if depth <= 0:
                    end = j
            if not end:
                out.append((key, value))
                i += 1
                continue
            last = pairs[end - 1][0]
            start, stop = value.start_mark.index, last.end_mark.index
            raw = self.text[start:stop]
            pieces = [value.value, *(k.value for k, _ in pairs[i + 1 : end])]
            joined = raw if "\n" not in raw else ", ".join(pieces)
            out.append((key, ScalarNode(STR, joined, value.start_mark, last.end_mark)))
            i = end
        return out

    def open_parens(self, node: Node, *, key: bool = False) -> int:
        """'(' less ')' in a plain, one-line scalar written as its value reads (no anchor, tag
        or quote), else 0 for a value (nothing to rejoin) or -1 for a key (stop rejoining)."""
        if not isinstance(node, ScalarNode) or node.style not in (None, "") or node in self.sizes:
            return -1 if key else 0
        start, end = node.start_mark.index, node.end_mark.index
        if self.text[start:end] != node.value or not node.value:
            return -1 if key else 0
        text: str = node.value
        return text.count("(") - text.count(")")

    def bare_key(self, pair: tuple[Node, Node], before: tuple[Node, Node]) -> bool:
        """``pair`` is a key written alone (no ':', no value), after ``before`` and a comma."""
        key, value = pair
        if (
            key in self.sizes
            or not self.empty(value)
            or value.start_mark.index != key.end_mark.index
        ):
            return False  # an alias keeps its anchor's marks: never rejoined
        previous = before[0] if self.empty(before[1]) else before[1]  # the piece before the comma
        gap = self.text[previous.end_mark.index : key.start_mark.index]
        after = self.text[key.end_mark.index : key.end_mark.index + 80]
        return _COMMA_GAP.fullmatch(gap) is not None and _KEY_ENDS.match(after) is not None

    def empty(self, node: Node) -> bool:
        """The value YAML gives a key written without one."""
        return (
            isinstance(node, ScalarNode)
            and node not in self.sizes
            and node.tag == NULL
            and node.value == ""
        )

    def value(self, node: Node, path: Path) -> Any:
        """Convert node into plain data at path; aliases are copied, and each copy paid for."""
        self.charge(node)
        self.value_marks[path] = _mark(node)
        if len(path) > _MAX_DEPTH:  # aliases inside aliases can nest beyond what was composed
            raise _too_deep(node.start_mark)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != SEQ:
                self.bad_tag(node, ui("a list"))
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key, key_node, value_node in self.entries(node, 0):
            self.key_marks[(*path, key)] = _mark(key_node)
            result[key] = self.value(value_node, (*path, key))
        return result

    def entries(self, node: Node, depth: int) -> list[tuple[str, Node, Node]]:
        """(key, key node, value node) after merges: written keys win, then earlier merge sources;
        merged keys take the place of their '<<'."""
        if depth > _MAX_DEPTH:
            raise _too_deep(node.start_mark)
        if node.tag != MAP:
            self.bad_tag(node, ui("a mapping"))
        written: dict[str, Node] = {}
        plan: list[tuple[str, Node, Node] | Node] = []
        for key_node, value_node in node.value:
            if _is_merge(key_node):
                plan.append(value_node)
            elif (key := self.key(key_node)) in written:
                line = written[key].start_mark.line + 1
                message = tr(
                    "duplicate-key",
                    "duplicate key {key!r} (first defined at line {line})",
                    key=key,
                    line=line,
                )
                self.problem(key_node.start_mark, "duplicate-key", message)
            elif key is not None:
                written[key] = key_node
                plan.append((key, key_node, value_node))
        result: list[tuple[str, Node, Node]] = []
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

    def merge_sources(self, node: Node) -> list[MappingNode]:
        items = node.value if isinstance(node, SequenceNode) else [node]
        sources = [item for item in items if isinstance(item, MappingNode)]
        if len(sources) != len(items):
            message = tr(
                "yaml-merge",
                "'<<' must be followed by a mapping or a list of mappings, e.g. <<: *defaults",
            )
            self.problem(node.start_mark, "yaml-merge", message)
        return sources

    def key(self, node: Node) -> str | None:
        if not isinstance(node, ScalarNode):
            message = tr("yaml-complex-key", "a mapping key must be text, not a list or mapping")
            self.problem(node.start_mark, "yaml-complex-key", message)
            return None
        self.scalar(node)  # only to report a bad tag: keys keep their source text (2021 -> "2021")
        return str(node.value)

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag in (STR, MERGE):  # a '<<' that is not a key is just text
            return text
        if tag == NULL and text in _NULL_WORDS:
            return None
        if tag == BOOL and text in _BOOL_WORDS:
            return _BOOL_WORDS[text]
        if (tag in (INT, FLOAT) and _INT_TEXT.fullmatch(text)) or (
            tag == FLOAT and _FLOAT_TEXT.fullmatch(text)
        ):
            return Decimal(text)  # the digits as written: no binary float
        if tag in _SCALAR_TAGS:
            message = tr(
                "yaml-bad-scalar",
                "{text!r} is not a valid {tag} value",
                text=text,
                tag=_short_tag(tag),
            )
            self.problem(node.start_mark, "yaml-bad-scalar", message)
        else:
            self.bad_tag(node, ui("a plain value"))
        return text

    def bad_tag(self, node: Node, target: str) -> None:
        if node.tag in (*_SCALAR_TAGS, MAP, SEQ):
            message = tr(
                "yaml-tag",
                "tag {tag!r} cannot be used on {target}",
                tag=_short_tag(node.tag),
                target=target,
            )
        else:
            message = tr(
                "yaml-tag",
                "tag {tag!r} is not allowed; plain YAML values only",
                tag=_short_tag(node.tag),
            )
        self.problem(node.start_mark, "yaml-tag", message)


def _python_error(text: str, exc: Exception) -> Exception:
    """PyYAML's own wording for what libyaml rejected, so messages read alike on every install."""
    try:
        parser: _Events = _PyLoader(text)
        while not isinstance(parser.get_event(), yaml.StreamEndEvent):
            pass
    except yaml.YAMLError as py_exc:
        lines = [getattr(getattr(e, "problem_mark", None), "line", -1) for e in (exc, py_exc)]
        if not isinstance(exc, yaml.YAMLError) or lines[0] == lines[1]:
            return py_exc
    return exc


def _composer_problem(exc: yaml.YAMLError, file: str, text: str) -> Problem | None:
    """An alias without its anchor, or an anchor defined twice, where the composer stopped."""
    if not isinstance(exc, yaml.composer.ComposerError) or exc.problem_mark is None:
        return None
    mark = exc.problem_mark
    found = _ANCHOR_AT.match(text, mark.index)
    name = found.group(1) if found else ""
    if "undefined alias" in (exc.problem or ""):
        code = "yaml-undefined-alias"
        message = tr(
            "yaml-undefined-alias", "alias '*{name}' has no anchor '&{name}' before it", name=name
        )
    elif "duplicate anchor" in (exc.context or "") and exc.context_mark is not None:
        line = exc.context_mark.line + 1
        code = "yaml-duplicate-anchor"
        message = tr(
            "yaml-duplicate-anchor",
            "anchor '&{name}' is already defined at line {line}",
            name=name,
            line=line,
        )
    else:
        return None
    return Problem(message, code, file, mark.line + 1, mark.column + 1)


def _syntax_problem(exc: Exception, file: str, text: str) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        pos, char = int(exc.position), exc.character
        code_point = char if isinstance(char, int) else ord(char)
        line, column = text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)
        message = tr(
            "yaml-syntax",
            "unacceptable character #x{code_point}: {reason}",
            code_point=format(code_point, "04x"),
            reason=exc.reason,
        )
        return Problem(message, "yaml-syntax", file, line, column)
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return Problem(str(exc).split("\n")[0], "yaml-syntax", file)
    mark, context = exc.problem_mark, exc.context_mark
    # PyYAML's own words (the problem, its context) stay as PyYAML wrote them, in English.
    problem = exc.problem or tr("yaml-syntax", "invalid YAML")
    message = problem
    shown_context = exc.context if exc.context and context and context.line != mark.line else ""
    if shown_context and context is not None:
        message += tr(
            "yaml-syntax",
            " ({context} at line {line}, column {column})",
            context=exc.context,
            line=context.line + 1,
            column=context.column + 1,
        )
    tab = "'\\t'"  # PyYAML's words for a tab
    if tab in problem or tab in shown_context or text[mark.index : mark.index + 1] == "\t":
        message += tr("yaml-syntax", " (YAML indentation must use spaces, not tabs)")
    return Problem(message, "yaml-syntax", file, mark.line + 1, mark.column + 1)


def _our_depth_problem(
    text: str, exc: yaml.YAMLError | UnicodeEncodeError, file: str, max_nodes: int
) -> Problem | None:
    """libyaml has its own nesting limit (1,000 levels), met while it scans ahead for a simple
    key, before the walk meets ours: report ours, from the prefix libyaml had read, so every
    install gives the same message (and the Python loader never re-reads 50,000 brackets)."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None or "nesting depth" not in str(getattr(exc, "problem", "")):
        return None
    try:
        _Builder(_PyLoader, text[: mark.index], file, max_nodes).load()
    except _Abort as abort:
        return abort.problem(file)
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
    builder = _Builder(_FastLoader if _HAVE_LIBYAML else _PyLoader, text, file, max_nodes)
    data = None
    try:
        data = builder.load()
    except _Abort as abort:
        builder.problems.append(abort.problem(file))
    except (yaml.YAMLError, UnicodeEncodeError) as exc:  # libyaml cannot encode lone surrogates
        deep = _our_depth_problem(text, exc, file, max_nodes) if _HAVE_LIBYAML else None
        if deep is None and isinstance(exc, yaml.YAMLError):
            deep = _composer_problem(exc, file, text)
        if deep is not None:
            builder.problems.append(deep)
        else:
            error = _python_error(text, exc) if _HAVE_LIBYAML else exc
            builder.problems.append(_syntax_problem(error, file, text))
    except (RecursionError, MemoryError):  # defensive: the limits above should prevent both
        message = tr("yaml-too-large", "document is too large to load")
        builder.problems.append(Problem(message, "yaml-too-large", file))
    problems = tuple(dict.fromkeys(builder.problems))  # a mapping merged twice reports once
    if problems and not (keep_going and all(p.code in _USABLE for p in problems)):
        raise error_cls(problems)
    return Document(data, file, builder.value_marks, builder.key_marks, problems)


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
