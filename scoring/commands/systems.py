"""``jixiao systems [--format text|json]``: the indicator systems shipped with jixiao.

Each with the name a spec's ``extends:`` (or a command's SPEC) uses, its id, title, version and
the documents it follows (``basis:``, a profile's taken from its base), then the example facts
files a command's FACTS may name the same way. Read from where the package is installed, so what
is listed is what ``jixiao:NAME`` finds (``scoring.yamlio.shipped``).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any, TextIO

from ..errors import FactsError, Problem, ScoringError
from ..i18n import tr, ui
from ..spec.overlay import load_sourced
from ..yamlio.load import load_yaml_file
from ..yamlio.shipped import HOME, names, resolve

__all__ = ["examples", "systems"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f", "--format", choices=["text", "json"], default="text", help=ui("default: text")
    )


def systems() -> list[dict[str, Any]]:
    """Every shipped spec: name (jixiao:…), id, title, version, basis, extends, file."""
    found = []
    for name in names("spec"):
        path = resolve(name, "spec")
        sourced = load_sourced(path)
        data = sourced.data if isinstance(sourced.data, dict) else {}
        bases = sourced.sources[:-1]  # a profile's bases, nearest last
        found.append(
            {
                "name": name,
                "id": str(data.get("id", "")),
                "title": str(data.get("name", "")),
                "version": str(data.get("version", "")),
                "basis": [str(item) for item in data.get("basis") or []],
                "extends": _name_of(bases[-1].file) if bases else None,
                "file": _shown(path),
            }
        )
    return found


def examples() -> list[dict[str, Any]]:
    """Every shipped example facts file: name (jixiao:…), project name and year, file."""
    found = []
    for name in names("facts"):
        path = resolve(name, "facts")
        data = load_yaml_file(path, error_cls=FactsError).data
        project = data.get("project") if isinstance(data, dict) else None
        project = project if isinstance(project, dict) else {}
        found.append(
            {
                "name": name,
                "project": str(project.get("name", "")),
                "year": str(project.get("year", "")),
                "file": _shown(path),
            }
        )
    return found


def _name_of(path: str) -> str:
    return "jixiao:" + os.path.basename(path).removesuffix(".yaml")


def _shown(path: str) -> str:
    return os.path.relpath(path, HOME) if HOME else path


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if HOME is None:
        message = tr(
            "file-unreadable", "the systems shipped with jixiao are not installed with this copy"
        )
        raise ScoringError(Problem(message, "file-unreadable", file="indicators/"))
    specs, facts = systems(), examples()
    if args.format == "json":
        text = json.dumps({"systems": specs, "examples": facts}, ensure_ascii=False, indent=2)
        stdout.write(text + "\n")
        return 0
    lines = [ui("Indicator systems (write jixiao:NAME as SPEC or after extends:)"), ""]
    for item in specs:
        shown = {"name": item["name"], "title": item["title"], "version": item["version"]}
        if item["extends"]:
            line = ui(
                "{name}　{title}　version {version}, based on {base}", base=item["extends"], **shown
            )
        else:
            line = ui("{name}　{title}　version {version}", **shown)
        lines.append(line)
        if item["basis"]:
            lines.append(ui("    follows: {documents}", documents="；".join(item["basis"])))
    lines += ["", ui("Example facts (write jixiao:NAME as FACTS)"), ""]
    for item in facts:
        year = f"（{item['year']}）" if item["year"] else ""
        lines.append(f"{item['name']}　{item['project']}{year}")
    lines += [
        "",
        ui("The files are in {home} (indicators/, examples/); for example:", home=HOME),
        "  jixiao score jixiao:xinfang_weiwen jixiao:hengnan_xinfang_2021",
    ]
    stdout.write("\n".join(lines) + "\n")
    return 0
