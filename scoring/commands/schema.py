"""``jixiao schema [--facts | --cases]``: the JSON Schema of the spec (facts, cases) file format.

A spec file is either a whole indicator system or a profile (``extends:`` a base and changes it
with ``patch:``, ``add:`` and ``remove:``); the schema accepts both, so an editor checking a
shipped profile does not flag those keys. The profile keys are added here to the spec model's own
properties, which a profile may replace with the same descriptions. Numbers in years are read
as their digits (``facts.Year``), and the facts schema says so.
"""

from __future__ import annotations

import argparse
import copy
import json
from typing import Any, TextIO

from pydantic import TypeAdapter

from ..engine.facts import FactsModel
from ..i18n import ui
from ..spec.model import CaseSpec, SpecModel

__all__ = ["cases_schema", "facts_schema", "spec_schema"]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--facts", action="store_true", help=ui("the facts file format instead"))
    which.add_argument(
        "--cases", action="store_true", help=ui("the format of a SPEC.cases.yaml file instead")
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    schema = facts_schema() if args.facts else cases_schema() if args.cases else spec_schema()
    stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return 0


def facts_schema() -> dict[str, Any]:
    """The JSON Schema of a facts file."""
    return {"$schema": _DRAFT, **FactsModel.model_json_schema()}


def cases_schema() -> dict[str, Any]:
    """The JSON Schema of a ``SPEC.cases.yaml`` file: a list of cases, or a mapping with
    ``cases:`` beside other keys (YAML anchors the cases copy from, such as ``met: &met``)."""
    cases = TypeAdapter(list[CaseSpec]).json_schema()
    defs: dict[str, Any] = cases.pop("$defs", {})
    return {
        "$schema": _DRAFT,
        "title": "jixiao test cases (SPEC.cases.yaml)",
        "anyOf": [
            cases,
            {"type": "object", "required": ["cases"], "properties": {"cases": cases}},
        ],
        "$defs": defs,
    }


def spec_schema() -> dict[str, Any]:
    """The JSON Schema of a spec file: an indicator system, or a profile of one (``extends:``).

    One object schema with every key of both, then ``if extends: … then … else …``: a profile
    requires nothing else and may not restate ``indicators:``; a whole system requires what the
    model requires and has no ``patch``/``add``/``remove``. Editors complete keys from the one
    ``properties`` list and name the offending key on a mistake, which an ``anyOf`` of two
    schemas would not."""
    spec = SpecModel.model_json_schema()
    defs: dict[str, Any] = spec.pop("$defs", {})
    defs["IndicatorPatch"] = _patch_of(defs["IndicatorSpec"])
    profile_keys: dict[str, Any] = {
        "extends": {
            "type": "string",
            "description": "profile: the base spec, a path relative to this file or jixiao:NAME"
            " for a system shipped with jixiao (`jixiao systems` lists them)",
        },
        "patch": {
            "type": "object",
            "description": "profile: indicator id → the fields to change (a rule's parameters"
            " are merged unless its kind changes)",
            "additionalProperties": {"$ref": "#/$defs/IndicatorPatch"},
        },
        "remove": {
            "type": "array",
            "description": "profile: ids of indicators to remove",
            "items": {"type": "string"},
        },
        "add": {
            "type": "array",
            "description": "profile: indicators to add",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["indicator"],
                "properties": {
                    "indicator": {"$ref": "#/$defs/IndicatorSpec"},
                    "under": {
                        "type": "string",
                        "description": "the parent's id (default: the top level)",
                    },
                    "after": {
                        "type": "string",
                        "description": "a sibling's id (default: after the last)",
                    },
                },
            },
        },
    }
    return {
        "$schema": _DRAFT,
        "title": spec.get("title", "SpecModel"),
        "description": "a jixiao indicator system (指标体系), or a profile that extends one",
        "type": "object",
        "additionalProperties": False,
        "properties": {**spec["properties"], **profile_keys},
        "if": {"required": ["extends"]},
        "then": {"properties": {"indicators": False}},
        "else": {
            "required": spec.get("required", []),
            "properties": {key: False for key in profile_keys if key != "extends"},
        },
        "$defs": defs,
    }


def _patch_of(indicator: dict[str, Any]) -> dict[str, Any]:
    """An indicator's fields, none required, and a rule given in part (merged into the base's)."""
    patch = copy.deepcopy(indicator)
    patch.pop("required", None)
    patch["title"] = "IndicatorPatch"
    patch["properties"]["rule"] = {
        "type": "object",
        "description": "the rule's parameters to change; with kind:, a new rule",
    }
    return patch
