"""Turns a YAML event stream into plain data and the position of every node, within a budget.

This is the work of PyYAML's composer and constructors, redone because the composer recurses once
per nesting level (libyaml's crashes the process on deep input) and the constructors make floats
and expand aliases without limit: here nodes are composed iteratively, each anchored node knows
the size it expands to (so an alias bomb is refused before it is copied), and expansion is paid
for node by node. The parser that feeds it, the wording of syntax errors and the public entry
points live in ``scoring._yaml``; the node types and scalar rules in ``scoring.yaml_nodes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NoReturn, Protocol

import yaml

from .errors import Problem
from .yaml_nodes import (
    BOOL,
    BOOL_WORDS,
    FLOAT,
    FLOAT_TEXT,
    INT,
    INT_TEXT,
    MAP,
    MERGE,
    NULL,
    NULL_WORDS,
    SCALAR_TAGS,
    SEQ,
    STR,
    MapNode,
    Mark,
    Path,
    ScalarNode,
    SeqNode,
    YamlNode,
    explicit_tag,
    implicit_tag,
    short_tag,
)

_MAX_DEPTH = 100  # real indicator systems nest ~20 levels; this keeps recursion far from the limit


class EventSource(Protocol):
    def get_event(self) -> yaml.Event | None: ...
    def peek_event(self) -> yaml.Event | None: ...


class Abort(Exception):
    """Stops loading at once: the rest of the document cannot be trusted or afforded."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _is_value(stack: Sequence[tuple[SeqNode | MapNode, str | None]]) -> bool:
    """Whether the next node is a value (counted in the expansion), not a mapping key or the
    source of a '<<' merge (merged entries are paid for while expanding instead)."""
    if not stack:
        return True
    parent = stack[-1][0]
    if not isinstance(parent, MapNode):
        return True
    if len(parent.items) % 2 == 0:
        return False
    key = parent.items[-1]
    return not (isinstance(key, ScalarNode) and key.tag == MERGE)


def _pos(event: yaml.Event) -> Mark:
    mark = event.start_mark
    return Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)


class NodeBuilder:
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

    def charge(self, node: YamlNode) -> None:
        self.count += 1
        if self.count > self.max_nodes:
            message = f"document expands to more than {self.max_nodes} nodes (alias bomb?)"
            raise Abort(self.locate(node.mark, "yaml-too-large", message))

    def expand(self, size: int, mark: Mark) -> None:
        self.expanded += size
        if self.expanded > self.max_nodes:
            message = f"document expands to more than {self.max_nodes} nodes (alias bomb?)"
            raise Abort(self.locate(mark, "yaml-too-large", message))

    def too_deep(self, node: YamlNode) -> NoReturn:
        message = f"document nests deeper than {_MAX_DEPTH} levels"
        raise Abort(self.locate(node.mark, "yaml-too-deep", message))

    def compose(self, source: EventSource) -> YamlNode | None:
        """Build the node graph from parser events without recursion, one node per event."""
        source.get_event()  # StreamStartEvent
        if isinstance(source.peek_event(), yaml.StreamEndEvent):
            return None  # empty file, or only comments
        source.get_event()  # DocumentStartEvent
        anchors: dict[str, YamlNode] = {}
        stack: list[tuple[SeqNode | MapNode, str | None]] = []
        root: YamlNode | None = None
        begun: list[int] = []  # self.expanded when each open collection started
        while not isinstance(event := source.get_event(), yaml.DocumentEndEvent):
            assert event is not None  # the parser always ends a document before the stream
            node: YamlNode
            if isinstance(event, yaml.AliasEvent):
                node = anchors.get(event.anchor or "") or self.bad_alias(event, stack)
                if _is_value(stack):
                    self.expand(node.size, _pos(event))
            elif isinstance(event, yaml.CollectionStartEvent):
                if isinstance(event, yaml.MappingStartEvent):
                    collection: SeqNode | MapNode = MapNode(
                        explicit_tag(event.tag) or MAP, _pos(event), []
                    )
                else:
                    collection = SeqNode(explicit_tag(event.tag) or SEQ, _pos(event), [])
                self.charge(collection)
                if len(stack) >= _MAX_DEPTH:
                    self.too_deep(collection)
                begun.append(self.expanded)
                if _is_value(stack):
                    self.expand(1, collection.mark)
                stack.append((collection, event.anchor))
                continue
            elif isinstance(event, yaml.ScalarEvent):
                tag = explicit_tag(event.tag) or STR
                if event.tag is None and event.implicit[0]:  # plain and untagged
                    tag = implicit_tag(event.value)
                node = ScalarNode(tag, _pos(event), event.value)
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

    def anchor(self, anchors: dict[str, YamlNode], name: str | None, node: YamlNode) -> None:
        if name in anchors:
            message = f"anchor '&{name}' is already defined at line {anchors[name].mark.line}"
            self.problem(node.mark, "yaml-duplicate-anchor", message)
        if name is not None:
            anchors[name] = node

    def bad_alias(
        self, event: yaml.AliasEvent, stack: list[tuple[SeqNode | MapNode, str | None]]
    ) -> YamlNode:
        name = event.anchor
        if any(open_name == name for _, open_name in stack):
            message, code = f"alias '*{name}' is inside its own anchor", "yaml-recursive-alias"
        else:
            message, code = (
                f"alias '*{name}' has no anchor '&{name}' before it",
                "yaml-undefined-alias",
            )
        self.problem(_pos(event), code, message)
        return ScalarNode(NULL, _pos(event), "")

    def value(self, node: YamlNode, path: Path) -> Any:
        """Convert node into plain data at path; aliases are copied, and each copy paid for."""
        self.charge(node)
        self.value_marks[path] = node.mark
        if len(path) > _MAX_DEPTH:  # aliases inside aliases can nest beyond what was composed
            self.too_deep(node)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SeqNode):
            if node.tag != SEQ:
                self.bad_tag(node, "a list")
            return [self.value(item, (*path, i)) for i, item in enumerate(node.items)]
        assert isinstance(node, MapNode)
        result: dict[str, Any] = {}
        for key, key_node, value_node in self.entries(node, 0):
            self.key_marks[(*path, key)] = key_node.mark
            result[key] = self.value(value_node, (*path, key))
        return result

    def entries(self, node: MapNode, depth: int) -> list[tuple[str, YamlNode, YamlNode]]:
        """(key, key node, value node) after merges: written keys win, then earlier merge sources;
        merged keys take the place of their '<<'."""
        if depth > _MAX_DEPTH:
            self.too_deep(node)
        if node.tag != MAP:
            self.bad_tag(node, "a mapping")
        written: dict[str, YamlNode] = {}
        plan: list[tuple[str, YamlNode, YamlNode] | YamlNode] = []
        for key_node, value_node in zip(node.items[::2], node.items[1::2], strict=True):
            if isinstance(key_node, ScalarNode) and key_node.tag == MERGE:
                plan.append(value_node)
            elif (key := self.key(key_node)) in written:
                message = f"duplicate key {key!r} (first defined at line {written[key].mark.line})"
                self.problem(key_node.mark, "duplicate-key", message)
            elif key is not None:
                written[key] = key_node
                plan.append((key, key_node, value_node))
        result: list[tuple[str, YamlNode, YamlNode]] = []
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

    def merge_sources(self, node: YamlNode) -> list[MapNode]:
        items = node.items if isinstance(node, SeqNode) else [node]
        sources = [item for item in items if isinstance(item, MapNode)]
        if len(sources) != len(items):
            message = "'<<' must be followed by a mapping or a list of mappings, e.g. <<: *defaults"
            self.problem(node.mark, "yaml-merge", message)
        return sources

    def key(self, node: YamlNode) -> str | None:
        if not isinstance(node, ScalarNode):
            message = "a mapping key must be text, not a list or mapping"
            self.problem(node.mark, "yaml-complex-key", message)
            return None
        self.scalar(node)  # only to report a bad tag: keys keep their source text (2021 -> "2021")
        return node.text

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.text
        if tag in (STR, MERGE):  # a '<<' that is not a key is just text
            return text
        if tag == NULL and text in NULL_WORDS:
            return None
        if tag == BOOL and text in BOOL_WORDS:
            return BOOL_WORDS[text]
        if (tag in (INT, FLOAT) and INT_TEXT.fullmatch(text)) or (
            tag == FLOAT and FLOAT_TEXT.fullmatch(text)
        ):
            return Decimal(text.replace("_", ""))  # the digits as written: no binary float
        if tag in SCALAR_TAGS:
            message = f"{text!r} is not a valid {short_tag(tag)} value"
            self.problem(node.mark, "yaml-bad-scalar", message)
        else:
            self.bad_tag(node, "a plain value")
        return text

    def bad_tag(self, node: YamlNode, target: str) -> None:
        if node.tag in (*SCALAR_TAGS, MAP, SEQ):
            message = f"tag {short_tag(node.tag)!r} cannot be used on {target}"
        else:
            message = f"tag {short_tag(node.tag)!r} is not allowed; plain YAML values only"
        self.problem(node.mark, "yaml-tag", message)
