"""docs/errors.md documents exactly the error and warning codes the code base can produce.

How the codes are found (``codes_in_source``): every module under ``scoring/`` is parsed with
``ast`` (so comments, docstrings and message text never count) and two kinds of string constants
are collected:

1. every constant that is entirely kebab-case (``[a-z][a-z0-9]*(-[a-z0-9]+)+``, e.g.
   ``weight-sum``): the documented convention for codes (errors.Problem), and nothing else in the
   package is spelt that way except the encoding names listed in ``NOT_CODES``;
2. constants in a *code slot*, which catches codes that break the convention (a single word such
   as ``error``): the value of a ``code=``/``*_code=`` keyword argument, the default of a
   parameter named ``code``, the value paired with a ``code`` target in a tuple assignment
   (``message, code = "...", "empty"``), and the code position of the constructors that take a
   code positionally (``Problem(message, code)``, ``ScoreWarning(code, message)`` …).

A code built at run time (an f-string such as ``f"formula-{kind}"``) would hide from both, so the
scan also refuses f-strings that begin with a kebab-case prefix. Warnings are codes too
(``ScoreWarning.code``) and are found the same way. The catalogue side is every ``### `code```
heading in docs/errors.md.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

from conftest import package_trees

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scoring"
CATALOGUE = ROOT / "docs" / "errors.md"

KEBAB = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
# Codec names passed to bytes.decode / open, and the polars engine the columnar path asks for.
NOT_CODES = frozenset({"utf-8", "utf-8-sig", "in-memory"})
# Constructor (last name of the called expression) → positions of its code argument.
CODE_POSITIONS = {
    "Problem": (1,),
    "QuantityError": (1,),
    "MeasureError": (1,),
    "InputError": (1,),
    "ScoreWarning": (0,),
    "_Kind": (3, 4),
}


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _code_slots(tree: ast.AST) -> Iterator[str | None]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg is not None and (
                    keyword.arg == "code" or keyword.arg.endswith("_code")
                ):
                    yield _string(keyword.value)
            for position in CODE_POSITIONS.get(_called_name(node), ()):
                if position < len(node.args):
                    yield _string(node.args[position])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            pairs = [
                *zip(
                    positional[len(positional) - len(args.defaults) :], args.defaults, strict=True
                ),
                *zip(args.kwonlyargs, args.kw_defaults, strict=True),
            ]
            for arg, default in pairs:
                if arg.arg == "code":
                    yield _string(default)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for name, value in zip(target.elts, node.value.elts, strict=False):
                        if isinstance(name, ast.Name) and name.id == "code":
                            yield _string(value)


def codes_in_source() -> dict[str, frozenset[str]]:
    """Every code the package can produce → the modules that spell it."""
    return _scan()[0]


def dynamic_codes() -> list[str]:
    """f-strings that start like a code (``f"formula-{kind}"``): codes no scan could list."""
    return list(_scan()[1])


@functools.cache
def _scan() -> tuple[dict[str, frozenset[str]], tuple[str, ...]]:
    """Both scans, in one parse of each module (a second of parsing; three tests read them)."""
    found: dict[str, set[str]] = {}
    built = []
    for path, tree in package_trees():
        module = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            text = _string(node)
            if text is not None and KEBAB.fullmatch(text) and text not in NOT_CODES:
                found.setdefault(text, set()).add(module)
            if isinstance(node, ast.JoinedStr) and node.values:
                head = _string(node.values[0])
                if head is not None and re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*-", head):
                    built.append(f"{module}:{node.lineno}: {ast.unparse(node)}")
        for text in _code_slots(tree):
            if text is not None:
                found.setdefault(text, set()).add(module)
    return {code: frozenset(modules) for code, modules in found.items()}, tuple(built)


def codes_in_catalogue() -> list[str]:
    return re.findall(r"^### `([a-z0-9-]+)`", CATALOGUE.read_text(encoding="utf-8"), re.MULTILINE)


def test_every_code_in_the_source_is_documented() -> None:
    """Each code the package can raise or warn with has its own entry in docs/errors.md."""
    missing = {code: sorted(where) for code, where in codes_in_source().items()}
    for code in codes_in_catalogue():
        missing.pop(code, None)
    assert missing == {}, "document these codes in docs/errors.md (or list them in NOT_CODES)"


def test_every_documented_code_exists_in_the_source() -> None:
    """docs/errors.md lists no code that the package no longer produces."""
    stale = sorted(set(codes_in_catalogue()) - set(codes_in_source()))
    assert stale == [], "remove these entries from docs/errors.md"


def test_each_code_is_documented_once_in_order() -> None:
    """Each code has one entry, and entries are sorted within their section, so a reader finds
    a code by scanning."""
    text = CATALOGUE.read_text(encoding="utf-8")
    codes = codes_in_catalogue()
    assert len(codes) == len(set(codes))
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        listed = re.findall(r"^### `([a-z0-9-]+)`", section, re.MULTILINE)
        assert listed == sorted(listed), section.splitlines()[0]


def test_each_entry_says_what_it_means_shows_a_message_and_how_to_fix_it() -> None:
    """Every entry has an example message ending in its own ``[code]`` and a 'Fix:' line."""
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    for entry in entries:
        code = re.match(r"`([a-z0-9-]+)`", entry)
        assert code is not None, entry[:40]
        body = entry[code.end() :]
        assert f"[{code.group(1)}]" in body, f"{code.group(1)}: no example message"
        assert "\nFix:" in body or "\n**Fix**" in body, f"{code.group(1)}: no fix"


def test_no_code_is_built_at_run_time() -> None:
    """Codes are whole literals, never f-strings, so the scan above sees every one."""
    assert dynamic_codes() == []


def test_the_scan_finds_codes_in_every_slot() -> None:
    """The scanner itself: kebab literals, keyword slots, defaults, tuple targets and
    positional constructor slots are all found; other strings are not."""
    source = (
        'Problem("m", "single")\n'
        'ScoreWarning("warned", "m")\n'
        'x = "kebab-case-code"\n'
        'f(code="word")\n'
        "def g(code: str = 'fallback') -> None: ...\n"
        'message, code = "text", "paired"\n'
        'y = "plain"\n'
        '"""A docstring with kebab-case inside."""\n'
    )
    tree = ast.parse(source)
    slots = {code for code in _code_slots(tree) if code}
    kebab = {text for node in ast.walk(tree) if (text := _string(node)) and KEBAB.fullmatch(text)}
    assert slots == {"single", "warned", "word", "fallback", "paired"}
    assert kebab == {"kebab-case-code"}
