"""Safe YAML reading that remembers where every value and key was written.

Owns the trip from text to a plain tree of dict/list/str/Decimal/bool/None plus the 1-based line
and column of each value and key, so later stages can point at the exact spot. It closes the traps
of hand-edited YAML: duplicate keys, YAML 1.1 booleans (yes/no/on/off), timestamps, floats that
lose cents, object-building tags, alias bombs, runaway nesting. ``textfile`` reads and decodes
files (``read_text`` is re-exported here, where callers import it).

PyYAML parses: libyaml's ``CSafeLoader`` when installed (the pure-Python parser needs ~15 s for
5 MB), else ``SafeLoader``. Neither composes nor constructs: a composed node graph costs more
than the data it becomes (three objects a node, walked by the garbage collector while it lives),
and PyYAML's constructors make floats, keep the last of duplicate keys, share the object of an
alias and expand aliases without limit. (Measured for issue 15, on a 1 MB spec, CPU: this whole
loader 0.6 s; ``yaml.load`` with ``CSafeLoader`` alone, no marks or checks, 1.8 s, its compose
step 1.4 s; a ``CSafeLoader`` subclass recording marks took load_spec of 10,000 leaves from 2 s
to 3.3-4.3 s, and was no faster even with the garbage collector off.) The data is built here
straight from the parser's events, with the mark of each value and key, in one pass that pays for
the document as it goes: every value counts, an alias what its anchor expands to, a merge what it
copies, so a "billion laughs" is refused at the alias that crosses the budget. An alias stays a
reference to its anchor until the whole document has been paid for; only then is it copied, marks
and all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)

from ..errors import Problem, ScoringError
from ..i18n import tr, ui
from .textfile import read_text

try:
    from yaml import CSafeLoader as _FastParser

    _HAVE_LIBYAML = True
except ImportError:  # PyYAML built without libyaml: same results, slower
    from yaml import SafeLoader as _FastParser  # type: ignore[assignment]

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
# Only these can start a plain scalar that resolves to something other than text.
_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF<")
# Between a value and the key that a comma split from it, and after that key: the comma alone.
_COMMA_GAP = re.compile(r"\s*,\s*")
_KEY_ENDS = re.compile(r"\s*[,}]")

# (path, (line, column)) as the builder collects them: plain tuples of ints and text, which the
# garbage collector stops tracking, where a hundred thousand Mark objects would be walked on each
# of its full collections while a large document is compiled.
Marks = list[tuple[Path, tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based position in the source text."""

    line: int
    column: int


class _Marks(Mapping[Path, Mark]):
    """Marks by path, kept as (line, column) pairs (see ``Marks``) and read as ``Mark``."""

    def __init__(self, pairs: dict[Path, tuple[int, int]]) -> None:
        self.pairs = pairs

    def __getitem__(self, path: Path) -> Mark:
        return Mark(*self.pairs[path])

    def __contains__(self, path: object) -> bool:
        return path in self.pairs

    def __iter__(self) -> Iterator[Path]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


@dataclass(frozen=True)
class Document:
    """A loaded YAML document: the plain data and where each part of it was written."""

    data: Any
    file: str
    value_marks: Mapping[Path, Mark]
    key_marks: Mapping[Path, Mark]
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


class _Abort(Exception):
    """Stops loading at once: the rest of the document cannot be trusted or afforded."""

    def __init__(self, mark: Any, code: str, message: str) -> None:
        super().__init__(message)
        self.mark, self.code, self.message = mark, code, message

    def problem(self, file: str) -> Problem:
        return Problem(self.message, self.code, file, self.mark.line + 1, self.mark.column + 1)


def _too_deep(mark: Any) -> _Abort:
    message = tr("yaml-too-deep", "document nests deeper than {most} levels", most=_MAX_DEPTH)
    return _Abort(mark, "yaml-too-deep", message)


def _at(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_Y) :] if tag.startswith(_Y) else tag


def _tag(event: Any) -> str:
    """What a scalar means: its own tag, else what its text resolves to ('!' and quotes: text)."""
    tag, value = event.tag, event.value
    if tag is not None:
        return STR if tag == "!" else tag
    if not event.implicit[0] or not value or value[0] not in _MAYBE_NOT_TEXT:
        return NULL if event.implicit[0] and not value else STR
    if value in _NULL_WORDS:
        return NULL
    if value in _BOOL_WORDS:
        return BOOL
    if _INT_TEXT.fullmatch(value):
        return INT
    if _FLOAT_TEXT.fullmatch(value):
        return FLOAT
    return MERGE if value == "<<" else STR


@dataclass(eq=False)
class _Anchor:
    """An anchored value (or a mapping merged by '<<') as first built, its aliases still
    references, with its marks and aliases (paths relative to it) and what it expands to."""

    mark: Any
    text: str | None = None  # a scalar's source text, for an alias used as a key
    start: tuple[int, int, int, int] = (0, 0, 0, 0)  # while open: size, values, keys, aliases
    data: Any = None
    open: bool = True
    size: int = 1  # values it expands to
    depth: int = 0  # levels it nests, expanded
    values: Marks = field(default_factory=list)
    keys: Marks = field(default_factory=list)
    inner: list[tuple[Path, _Anchor]] = field(default_factory=list)
    expanded: tuple[Any, Marks, Marks] | None = None

    def part(self, index: int) -> _Anchor:
        """Item index of this list, with its marks and aliases relative to it."""

        def under(marks: list[tuple[Path, Any]]) -> list[tuple[Path, Any]]:
            return [(p[1:], mark) for p, mark in marks if p and p[0] == index]

        values, keys, inner = under(self.values), under(self.keys), under(self.inner)
        return _Anchor(self.mark, data=self.data[index], values=values, keys=keys, inner=inner)


class _Builder:
    """Builds plain data and marks from one document's parse events, paying as it goes."""

    def __init__(self, parser: type[Any], text: str, file: str, most: int) -> None:
        self.parser = parser
        self.event: Callable[[], Any]  # the next event: the parser's, or one read ahead
        self.text, self.file, self.most = text, file, most
        self.pushed: list[Any] = []  # events read ahead by a rejoin that did not happen
        self.nodes = 0  # nodes written, keys included
        self.size = 0  # values the document expands to: aliases and merges included
        self.anchors: dict[str, _Anchor] = {}
        self.aliases: list[tuple[Path, _Anchor]] = []  # where an alias stands for its anchor
        self.values: Marks = []
        self.keys: Marks = []
        self.problems: list[Problem] = []

    def read_again(self) -> Any:
        """The events a rejoin read ahead and put back, then the parser's again."""
        event = self.pushed.pop()
        if not self.pushed:
            self.event = self.parsed
        return event

    def problem(self, mark: Any, code: str, message: str) -> None:
        self.problems.append(Problem(message, code, self.file, mark.line + 1, mark.column + 1))

    def load(self) -> Any:
        self.event = self.parsed = self.parser(self.text).get_event
        self.event()  # the stream starts
        if not isinstance(self.event(), DocumentStartEvent):
            return None  # empty file, or only comments
        data = self.node(self.event(), (), 0, True)
        self.event()  # the document ends
        if isinstance(after := self.event(), DocumentStartEvent):
            message = tr(
                "yaml-multiple-documents",
                "a second YAML document starts here; a file must hold exactly one",
            )
            self.problem(after.start_mark, "yaml-multiple-documents", message)
        if not self.aliases:
            return data
        # Paid for in full: now each alias becomes a copy of its anchor, with the anchor's marks.
        for path, anchor in self.aliases:
            _, values, keys = self.expand(anchor)
            self.values += [((*path, *rel), mark) for rel, mark in values]
            self.keys += [((*path, *rel), mark) for rel, mark in keys]
        return self.copy(data)

    def expand(self, anchor: _Anchor) -> tuple[Any, Marks, Marks]:
        """The anchor's value with every alias inside it copied, and all its marks; made once."""
        if anchor.expanded is None:
            values, keys = list(anchor.values), list(anchor.keys)
            for path, inner in anchor.inner:
                _, inner_values, inner_keys = self.expand(inner)
                values += [((*path, *rel), mark) for rel, mark in inner_values]
                keys += [((*path, *rel), mark) for rel, mark in inner_keys]
            anchor.expanded = (self.copy(anchor.data), values, keys)
        return anchor.expanded

    def copy(self, value: Any, *, aliases: bool = True) -> Any:
        """A fresh copy of value, each alias in it replaced by a copy of its anchor's value
        (left as it is when aliases is False)."""
        kind = type(value)
        if kind is dict:
            return {key: self.copy(item, aliases=aliases) for key, item in value.items()}
        if kind is list:
            return [self.copy(item, aliases=aliases) for item in value]
        if kind is _Anchor and aliases:
            return self.copy(self.expand(value)[0])
        return value

    def pay(self, size: int, mark: Any) -> None:
        self.size += size
        if self.size > self.most:
            raise self.too_large(mark)

    def too_large(self, mark: Any) -> _Abort:
        message = tr(
            "yaml-too-large",
            "document expands to more than {most} nodes (alias bomb?)",
            most=self.most,
        )
        return _Abort(mark, "yaml-too-large", message)

    def node(self, event: Any, path: Path, depth: int, value: bool) -> Any:
        """The data of the node that starts with event, at path; value is False for a key or
        a merge source, which are not paid for as values."""
        kind, mark = type(event), event.start_mark
        if kind is AliasEvent:
            return self.alias(event, path, value)
        self.nodes += 1  # every node written counts, every value is paid for
        if value:
            self.size += 1
        if self.size > self.most or self.nodes > self.most:
            raise self.too_large(mark)
        self.values.append((path, (mark.line + 1, mark.column + 1)))
        anchor = None
        if event.anchor is not None:
            anchor = self.anchor(event, path, self.size - value)
        if kind is ScalarEvent:
            text = event.value
            plain = event.implicit[0] and (not text or text[0] in _MAYBE_NOT_TEXT)
            data = self.scalar(event) if plain or event.tag is not None else text
        elif depth >= _MAX_DEPTH:
            raise _too_deep(mark)
        elif type(event) is MappingStartEvent:
            data = self.mapping(event, path, depth)
        else:
            if event.tag not in (None, "!", SEQ):
                self.bad_tag(mark, event.tag, ui("a list"))
            data, index = [], 0
            while type(item := self.event()) is not SequenceEndEvent:
                data.append(self.node(item, (*path, index), depth + 1, True))
                index += 1
        if anchor is not None:
            self.close(anchor, data, path)
        return data

    def anchor(self, event: Any, path: Path, size: int) -> _Anchor:
        name = event.anchor
        if name in self.anchors:
            line = self.anchors[name].mark.line + 1
            message = tr(
                "yaml-duplicate-anchor",
                "anchor '&{name}' is already defined at line {line}",
                name=name,
                line=line,
            )
            raise _Abort(event.start_mark, "yaml-duplicate-anchor", message)
        text = event.value if type(event) is ScalarEvent else None
        start = (size, len(self.values) - 1, len(self.keys), len(self.aliases))
        self.anchors[name] = anchor = _Anchor(event.start_mark, text, start)
        return anchor

    def close(self, anchor: _Anchor, data: Any, path: Path) -> None:
        size, values, keys, aliases = anchor.start
        cut = len(path)
        anchor.values = [(p[cut:], mark) for p, mark in self.values[values:]]
        anchor.keys = [(p[cut:], mark) for p, mark in self.keys[keys:]]
        anchor.inner = [(p[cut:], inner) for p, inner in self.aliases[aliases:]]
        nested = (len(p) + inner.depth for p, inner in anchor.inner)
        anchor.depth = max([0, *(len(p) for p, _ in anchor.values), *nested])
        anchor.size = max(self.size - size, 1)
        anchor.data, anchor.open = data, False

    def alias(self, event: Any, path: Path, value: bool) -> Any:
        mark, name = event.start_mark, event.anchor
        anchor = self.anchors.get(name)
        if anchor is None:
            message = tr(
                "yaml-undefined-alias",
                "alias '*{name}' has no anchor '&{name}' before it",
                name=name,
            )
            raise _Abort(mark, "yaml-undefined-alias", message)
        if anchor.open:
            message = tr(
                "yaml-recursive-alias", "alias '*{name}' is inside its own anchor", name=name
            )
            self.problem(mark, "yaml-recursive-alias", message)
            self.values.append((path, _at(mark)))
            if value:
                self.pay(1, mark)
            return None
        if value:
            self.pay(anchor.size, mark)
        if len(path) + anchor.depth > _MAX_DEPTH:
            raise _too_deep(mark)
        self.aliases.append((path, anchor))
        return anchor  # stands for its copy until the document is paid for

    def mapping(self, event: Any, path: Path, depth: int) -> dict[str, Any]:
        if event.tag not in (None, "!", MAP):
            self.bad_tag(event.start_mark, event.tag, ui("a mapping"))
        data: dict[str, Any] = {}
        plan: list[str | tuple[Any, list[_Anchor]]] = []  # keys and merges, in order
        while type(key_event := self.event()) is not MappingEndEvent:
            scalar = type(key_event) is ScalarEvent
            if scalar and not (key_event.anchor or key_event.tag) and key_event.value != "<<":
                self.nodes += 1  # plain text, as most keys are
                key, key_mark = key_event.value, key_event.start_mark
            elif scalar and _tag(key_event) == MERGE:
                self.key(key_event, path, depth)  # counted, and an anchor on it defined
                value_event = self.event()
                plan.append((value_event.start_mark, self.sources(value_event, path, depth)))
                continue
            else:
                key, key_mark = self.key(key_event, path, depth)
            value_event = self.event()
            if event.flow_style and type(value_event) is ScalarEvent and "(" in value_event.value:
                value_event = self.rejoin(value_event)
            if key is None or key in data:
                if key is not None:
                    self.duplicate(key, (*path, key), key_event.start_mark)
                self.drop(value_event, path, depth, value=True)
                continue
            self.keys.append(((*path, key), (key_mark.line + 1, key_mark.column + 1)))
            data[key] = self.node(value_event, (*path, key), depth + 1, True)
            plan.append(key)
        return data if len(plan) == len(data) else self.merge(data, plan, path)

    def duplicate(self, key: str, path: Path, mark: Any) -> None:
        line = next(at[0] for written, at in reversed(self.keys) if written == path)
        message = tr(
            "duplicate-key",
            "duplicate key {key!r} (first defined at line {line})",
            key=key,
            line=line,
        )
        self.problem(mark, "duplicate-key", message)

    def key(self, event: Any, path: Path, depth: int) -> tuple[str | None, Any]:
        """A key's source text (2021 stays "2021") and mark; None for a list or mapping."""
        if type(event) is ScalarEvent:
            self.nodes += 1
            if event.anchor is not None:
                anchor = self.anchor(event, path, self.size)
                self.close(anchor, self.scalar(event), path)
                anchor.values = [((), _at(event.start_mark))]
            elif event.tag is not None:
                self.scalar(event)  # only to report a bad tag
            return str(event.value), event.start_mark
        aliased = self.anchors.get(str(event.anchor)) if type(event) is AliasEvent else None
        if aliased is not None and aliased.text is not None:
            return aliased.text, aliased.mark
        self.drop(event, path, depth, value=False)
        message = tr("yaml-complex-key", "a mapping key must be text, not a list or mapping")
        self.problem(event.start_mark, "yaml-complex-key", message)
        return None, event.start_mark

    def drop(self, event: Any, path: Path, depth: int, *, value: bool) -> None:
        """Reads a node that is not kept (a duplicate's value, a complex key): paid for, its
        marks, aliases and problems forgotten."""
        kept = len(self.values), len(self.keys), len(self.aliases), len(self.problems)
        self.node(event, path, depth + 1, value)
        del self.values[kept[0] :], self.keys[kept[1] :], self.aliases[kept[2] :]
        del self.problems[kept[3] :]

    def sources(self, event: Any, path: Path, depth: int) -> list[_Anchor]:
        """The mappings after '<<', each with its marks and aliases relative to it."""
        kept = len(self.values), len(self.keys), len(self.aliases)
        data = self.node(event, (*path, "<<"), depth + 1, False)
        written = _Anchor(event.start_mark, start=(self.size, *kept))
        self.close(written, data, (*path, "<<"))  # its marks and aliases, taken back
        del self.values[kept[0] :], self.keys[kept[1] :], self.aliases[kept[2] :]
        whole = data if type(data) is _Anchor else written
        parts = [whole]
        if type(whole.data) is list:
            parts = [x if type(x) is _Anchor else whole.part(i) for i, x in enumerate(whole.data)]
        sources = [part for part in parts if type(part.data) is dict]
        if len(sources) != len(parts):
            message = tr(
                "yaml-merge",
                "'<<' must be followed by a mapping or a list of mappings, e.g. <<: *defaults",
            )
            self.problem(whole.mark, "yaml-merge", message)
        return sources

    def merge(
        self,
        written: dict[str, Any],
        plan: list[str | tuple[Any, list[_Anchor]]],
        path: Path,
    ) -> dict[str, Any]:
        """Written keys win, then earlier merge sources; merged keys take the place of their
        '<<', with the marks they have where they were written. What is copied is paid for."""
        data: dict[str, Any] = {}
        for step in plan:
            if isinstance(step, str):
                data[step] = written[step]
                continue
            mark, sources = step
            for source in sources:
                taken = {
                    key: self.copy(item, aliases=False)
                    for key, item in source.data.items()
                    if key not in written and key not in data
                }
                data |= taken
                values = [((*path, *p), at) for p, at in source.values if p and p[0] in taken]
                inner = [((*path, *p), anchor) for p, anchor in source.inner if p[0] in taken]
                self.pay(len(values) + sum(anchor.size for _, anchor in inner), mark)
                self.values += values
                self.keys += [((*path, *p), at) for p, at in source.keys if p[0] in taken]
                self.aliases += inner
        return data

    def rejoin(self, value: Any) -> Any:
        """A flow mapping's value with a comma inside parentheses put back into it.

        In ``{formula: round(实际支出 / 公里数, 4), kind: number}`` YAML ends the value at the
        comma, and ``4)`` becomes a key with no value. A plain value whose parentheses are open,
        followed by such keys (plain, no ':', nothing but a comma between), is rejoined until its
        parentheses close: the value the writer meant, at its own mark. Anything else (a key with
        a value, a quoted or anchored piece, parentheses that never close) is left as YAML read
        it, and reported as it was."""
        depth = self.open_parens(value)
        if depth <= 0:
            return value
        read: list[Any] = []
        before: Any = value  # the piece before the comma
        while depth > 0:
            read.append(key := self.event())
            if type(key) is not ScalarEvent:
                break
            read.append(empty := self.event())
            if not self.bare_key(key, empty, before):
                break
            depth += self.open_parens(key, key=True)
            before = key
        if depth > 0:
            self.pushed += reversed(read)
            self.event = self.read_again
            return value
        raw = self.text[value.start_mark.index : before.end_mark.index]
        joined = (
            raw if "\n" not in raw else ", ".join([value.value, *(key.value for key in read[::2])])
        )
        return ScalarEvent(None, "!", (True, False), joined, value.start_mark, before.end_mark)

    def open_parens(self, event: Any, *, key: bool = False) -> int:
        """'(' less ')' in a plain, one-line scalar written as its value reads (no anchor, tag
        or quote), else 0 for a value (nothing to rejoin) or -1 for a key (stop rejoining)."""
        text = event.value
        if not key and "(" not in text:
            return 0
        start, end = event.start_mark.index, event.end_mark.index
        if event.style not in (None, "") or not text or self.text[start:end] != text:
            return -1 if key else 0
        return int(text.count("(") - text.count(")"))

    def bare_key(self, key: Any, value: Any, before: Any) -> bool:
        """key is written alone (no ':', no value), after the piece before and a comma."""
        written_alone = type(value) is ScalarEvent and not value.value and _tag(value) == NULL
        if not written_alone or value.start_mark.index != key.end_mark.index:
            return False
        gap = self.text[before.end_mark.index : key.start_mark.index]
        after = self.text[key.end_mark.index : key.end_mark.index + 80]
        return _COMMA_GAP.fullmatch(gap) is not None and _KEY_ENDS.match(after) is not None

    def scalar(self, event: Any) -> Any:
        tag, text = _tag(event), event.value
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
            self.problem(event.start_mark, "yaml-bad-scalar", message)
        else:
            self.bad_tag(event.start_mark, tag, ui("a plain value"))
        return text

    def bad_tag(self, mark: Any, tag: str, target: str) -> None:
        if tag in (*_SCALAR_TAGS, MAP, SEQ):
            message = tr(
                "yaml-tag",
                "tag {tag!r} cannot be used on {target}",
                tag=_short_tag(tag),
                target=target,
            )
        else:
            message = tr(
                "yaml-tag",
                "tag {tag!r} is not allowed; plain YAML values only",
                tag=_short_tag(tag),
            )
        self.problem(mark, "yaml-tag", message)


def _python_error(text: str, exc: Exception) -> Exception:
    """PyYAML's own wording for what libyaml rejected, so messages read alike on every install."""
    try:
        parser: Any = yaml.SafeLoader(text)
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
    key, before the builder meets ours: report ours, from the prefix libyaml had read, so every
    install gives the same message."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None or "nesting depth" not in str(getattr(exc, "problem", "")):
        return None
    try:
        _Builder(yaml.SafeLoader, text[: mark.index], file, max_nodes).load()
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
    builder = _Builder(_FastParser if _HAVE_LIBYAML else yaml.SafeLoader, text, file, max_nodes)
    data = None
    try:
        data = builder.load()
    except _Abort as abort:
        if abort.code in ("yaml-undefined-alias", "yaml-duplicate-anchor"):
            builder.problems = []  # the document's structure is in doubt: this is reported alone
        builder.problems.append(abort.problem(file))
    except (yaml.YAMLError, UnicodeEncodeError) as exc:  # libyaml cannot encode lone surrogates
        # Text that does not parse: what was found before it is not worth reporting.
        deep = _our_depth_problem(text, exc, file, max_nodes) if _HAVE_LIBYAML else None
        if deep is None:
            error = _python_error(text, exc) if _HAVE_LIBYAML else exc
            deep = _syntax_problem(error, file, text)
        builder.problems = [deep]
    problems = tuple(dict.fromkeys(builder.problems))  # a mapping merged twice reports once
    if problems and not (keep_going and all(p.code in _USABLE for p in problems)):
        raise error_cls(problems)
    values, keys = _Marks(dict(builder.values)), _Marks(dict(builder.keys))
    return Document(data, file, values, keys, problems)


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
