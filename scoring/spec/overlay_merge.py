"""Merging one profile onto its base: ``patch:``, ``add:``, ``remove:`` and replaced settings.

Every merged part records which document and place it came from (the base's own origins carried
over, the overlay's added), so later problems point into the right file. Problems of the overlay
itself are collected, not raised, so a profile's author sees them all at once. Used by
``scoring.spec.overlay`` for ``extends:`` profiles and for ``--set`` overrides alike.
"""

from __future__ import annotations

import copy
from typing import Any

from ..errors import Problem, did_you_mean, id_path
from ..i18n import tr
from ..yamlio.load import Document
from .overlay import OVERLAY_KEYS, Loc, Sourced

__all__ = ["Merger", "indicator_ids"]


class Merger:
    """Builds the merged data and its origins from a base ``Sourced`` and an overlay document."""

    def __init__(self, base: Sourced, overlay: Document) -> None:
        self.base = base
        self.overlay = overlay
        self.origins: dict[Loc, tuple[Document, Loc]] = {}
        self.problems: list[Problem] = []

    def overlay_problem(self, loc: Loc, message: str, code: str, *, key: bool = False) -> None:
        mark = self.overlay.position(loc, key=key)
        self.problems.append(
            Problem(
                message,
                code,
                file=self.overlay.file,
                line=mark.line if mark else None,
                column=mark.column if mark else None,
                path=id_path(self.overlay.data, loc) or None,
            )
        )

    def merge(self) -> Sourced:
        base_data = self.base.data if isinstance(self.base.data, dict) else {}
        over: dict[str, Any] = self.overlay.data
        self.origins[()] = (self.overlay, ())
        merged: dict[str, Any] = {}
        for key, value in base_data.items():
            if key in ("indicators", "cases"):
                continue
            merged[key] = copy.deepcopy(value)
            self.carry((key,), (key,))
        for key, value in over.items():
            if key in OVERLAY_KEYS or key in ("facts", "derived", "indicators", "cases"):
                continue
            merged[key] = copy.deepcopy(value)
            self.origins[(key,)] = (self.overlay, (key,))
        for section in ("facts", "derived"):
            self.merge_section(merged, section, over.get(section))
        if "indicators" in over:
            self.overlay_problem(
                ("indicators",),
                tr(
                    "overlay-indicators",
                    "a profile changes the base's indicators with patch:, add: and remove:, not "
                    "indicators:",
                ),
                "overlay-indicators",
                key=True,
            )
        if "cases" in over:
            merged["cases"] = copy.deepcopy(over["cases"])
            self.origins[("cases",)] = (self.overlay, ("cases",))
        merged["indicators"] = self.merge_tree(base_data.get("indicators"), over)
        return Sourced(
            merged, self.origins, dict(self.base.texts), list(self.base.sources), self.problems
        )

    def carry(self, merged_loc: Loc, base_loc: Loc, *, skip_children: bool = False) -> None:
        """Record that merged_loc holds what base_loc held, with every finer origin below it."""
        self.origins[merged_loc] = self.base.resolve(base_loc)
        depth = len(base_loc)
        for loc, origin in self.base.origins.items():
            if len(loc) > depth and loc[:depth] == base_loc:
                rest = loc[depth:]
                if skip_children and rest[0] == "children":
                    continue
                self.origins[merged_loc + rest] = origin

    def merge_section(self, merged: dict[str, Any], section: str, changes: Any) -> None:
        if changes is None:
            return
        if not isinstance(changes, dict):
            self.overlay_problem(
                (section,),
                tr(
                    "overlay-shape",
                    "{section}: in a profile is a mapping of ids to add or replace",
                    section=section,
                ),
                "overlay-shape",
            )
            return
        target = merged.setdefault(section, {})
        if not isinstance(target, dict):
            return
        for name, value in changes.items():
            target[name] = copy.deepcopy(value)  # replaced whole: a declaration is small
            self.origins[(section, name)] = (self.overlay, (section, name))

    # ---- the indicator tree --------------------------------------------------------------
    def merge_tree(self, base_nodes: Any, over: dict[str, Any]) -> list[Any]:
        patch = over.get("patch") or {}
        remove = over.get("remove") or []
        add = over.get("add") or []
        for key, value, expected in (
            ("patch", patch, dict),
            ("remove", remove, list),
            ("add", add, list),
        ):
            if not isinstance(value, expected):
                message = (
                    tr(
                        "overlay-shape",
                        "{key}: must be a mapping of indicator id → fields",
                        key=key,
                    )
                    if expected is dict
                    else tr("overlay-shape", "{key}: must be a list", key=key)
                )
                self.overlay_problem((key,), message, "overlay-shape")
        patch = patch if isinstance(patch, dict) else {}
        remove = remove if isinstance(remove, list) else []
        add = add if isinstance(add, list) else []
        known = indicator_ids(base_nodes)
        added_ids = {
            a["indicator"].get("id")
            for a in add
            if isinstance(a, dict) and isinstance(a.get("indicator"), dict)
        }
        for verb, ids in (("patch", list(patch)), ("remove", remove)):
            for index, ident in enumerate(ids):
                if ident not in known and ident not in added_ids:
                    hint = did_you_mean(str(ident), known)
                    loc: Loc = (verb, ident) if verb == "patch" else (verb, index)
                    self.overlay_problem(
                        loc,
                        tr(
                            "overlay-unknown-indicator",
                            "no indicator {id!r} in the base to patch{hint}",
                            id=ident,
                            hint=hint,
                        )
                        if verb == "patch"
                        else tr(
                            "overlay-unknown-indicator",
                            "no indicator {id!r} in the base to remove{hint}",
                            id=ident,
                            hint=hint,
                        ),
                        "overlay-unknown-indicator",
                        key=verb == "patch",
                    )
        additions: dict[str | None, list[tuple[int, dict[str, Any]]]] = {}
        for index, item in enumerate(add):
            if not isinstance(item, dict) or not isinstance(item.get("indicator"), dict):
                self.overlay_problem(
                    ("add", index),
                    tr(
                        "overlay-shape",
                        "each add: entry needs indicator: {{id, weight, rule or children}} and "
                        "optionally under: (a parent id) and after: (a sibling id)",
                    ),
                    "overlay-shape",
                )
                continue
            under = item.get("under")
            if under is not None and under not in known and under not in added_ids:
                self.overlay_problem(
                    ("add", index, "under"),
                    tr("overlay-unknown-indicator", "no indicator {id!r} to add under", id=under),
                    "overlay-unknown-indicator",
                )
                continue
            additions.setdefault(under, []).append((index, item))
        self.patch, self.removed, self.additions = patch, set(remove), additions
        tree = self.place_children(
            base_nodes if isinstance(base_nodes, list) else [],
            ("indicators",),
            ("indicators",),
            None,
        )
        for under, items in self.additions.items():
            for index, item in items:  # never placed: its parent was removed or 'after' is wrong
                where = (
                    tr("overlay-placement", "after {after!r} ", after=item.get("after"))
                    if item.get("after") is not None
                    else ""
                )
                self.overlay_problem(
                    ("add", index),
                    tr(
                        "overlay-placement",
                        "cannot place this indicator {where}under {under!r}: after: must name a "
                        "sibling under the same parent, which must not be removed",
                        where=where,
                        under=under,
                    )
                    if under
                    else tr(
                        "overlay-placement",
                        "cannot place this indicator {where}under 'the top level': after: must "
                        "name a sibling under the same parent, which must not be removed",
                        where=where,
                    ),
                    "overlay-placement",
                )
        return tree

    def place_children(
        self, base_nodes: list[Any], base_loc: Loc, merged_loc: Loc, parent: str | None
    ) -> list[Any]:
        result: list[Any] = []
        for index, node in enumerate(base_nodes):
            ident = node.get("id") if isinstance(node, dict) else None
            if ident in self.removed:
                continue
            here = (*merged_loc, len(result))
            result.append(self.place_node(node, (*base_loc, index), here))
            result.extend(self.insert_after(ident, parent, merged_loc, len(result)))
        for index, item in list(self.additions.get(parent, [])):
            if item.get("after") is None:
                result.append(self.added(item, index, (*merged_loc, len(result))))
                self.additions[parent].remove((index, item))
        return result

    def insert_after(
        self, sibling: Any, parent: str | None, merged_loc: Loc, position: int
    ) -> list[Any]:
        placed: list[Any] = []
        for index, item in list(self.additions.get(parent, [])):
            if item.get("after") == sibling:
                placed.append(self.added(item, index, (*merged_loc, position + len(placed))))
                self.additions[parent].remove((index, item))
        return placed

    def added(self, item: dict[str, Any], index: int, merged_loc: Loc) -> Any:
        node = copy.deepcopy(item["indicator"])
        self.origins[merged_loc] = (self.overlay, ("add", index, "indicator"))
        ident = node.get("id")
        if isinstance(node.get("children"), list) or ident in self.additions:
            children = node.get("children") or []
            node["children"] = children + [
                self.added(sub, sub_index, (*merged_loc, "children", len(children) + n))
                for n, (sub_index, sub) in enumerate(self.additions.pop(ident, []))
            ]
        return node

    def place_node(self, node: Any, base_loc: Loc, merged_loc: Loc) -> Any:
        if not isinstance(node, dict):
            self.carry(merged_loc, base_loc)
            return copy.deepcopy(node)
        self.carry(merged_loc, base_loc, skip_children=True)
        placed = {k: copy.deepcopy(v) for k, v in node.items() if k != "children"}
        ident = node.get("id")
        if isinstance(node.get("children"), list):
            placed["children"] = self.place_children(
                node["children"], (*base_loc, "children"), (*merged_loc, "children"), ident
            )
        elif ident in self.additions:
            placed["children"] = self.place_children(
                [], (*base_loc, "children"), (*merged_loc, "children"), ident
            )
        changes = self.patch.get(ident) if ident is not None else None
        if isinstance(changes, dict):
            self.apply_patch(placed, changes, merged_loc, ("patch", str(ident)))
        elif changes is not None:
            self.overlay_problem(
                ("patch", str(ident)),
                tr(
                    "overlay-shape",
                    "a patch is a mapping of the fields to change, e.g. {{weight: 20}}",
                ),
                "overlay-shape",
            )
        return placed

    def apply_patch(
        self, node: dict[str, Any], changes: dict[str, Any], merged_loc: Loc, over_loc: Loc
    ) -> None:
        for key, value in changes.items():
            if key in ("id", "children"):
                self.overlay_problem(
                    (*over_loc, key),
                    tr(
                        "overlay-patch",
                        "a patch cannot change {key}: use remove: and add: instead",
                        key=key,
                    ),
                    "overlay-patch",
                    key=True,
                )
                continue
            old = node.get(key)
            if (
                key == "rule"
                and isinstance(old, dict)
                and isinstance(value, dict)
                and value.get("kind", old.get("kind")) == old.get("kind")
            ):
                for rule_key, rule_value in value.items():
                    old[rule_key] = copy.deepcopy(rule_value)
                    self.origins[(*merged_loc, "rule", rule_key)] = (
                        self.overlay,
                        (*over_loc, "rule", rule_key),
                    )
                continue
            node[key] = copy.deepcopy(value)
            self.origins[(*merged_loc, key)] = (self.overlay, (*over_loc, key))


def indicator_ids(nodes: Any) -> set[str]:
    found: set[str] = set()
    for node in nodes if isinstance(nodes, list) else ():
        if isinstance(node, dict):
            if node.get("id") is not None:
                found.add(str(node["id"]))
            found |= indicator_ids(node.get("children"))
    return found
