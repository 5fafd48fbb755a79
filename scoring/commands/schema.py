"""``jixiao schema [--facts]``: the JSON Schema of the spec (or facts) file format, for editors."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from ..facts import FactsModel
from ..spec import SpecModel


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--facts", action="store_true", help="the facts file format instead")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    model = FactsModel if args.facts else SpecModel
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return 0
