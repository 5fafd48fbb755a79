"""Turn pydantic validation errors into messages for people who edit YAML, located in the file.

pydantic's locations follow the model (and name union members and discriminator tags); these
helpers walk the raw data along them instead, so a location names what the user wrote:
``indicators[决策].children[项目立项].weight``, with the closest known key suggested for a typo.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScoringError

__all__ = ["describe_errors", "described", "id_path", "shown", "wrong_argument"]

Loc = tuple[str | int, ...]

_TYPE_WORDS = {
    "decimal_parsing": "a number",
    "decimal_type": "a number",
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
}
_BOUNDS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", "≥"),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "≤"),
}


_SHOWN = 60  # characters of a value quoted in a message


def _text_of(value: Any) -> str:
    """``str(value)``, bounded: str() of an int of over 4,300 digits raises, and a 5,000-digit
    number (or a megabyte of text) must not be echoed whole in a one-line message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return format(Decimal(value), ".6E")
    if isinstance(value, Decimal) and len(value.as_tuple().digits) > _SHOWN:
        return format(value, ".6E")
    text = value if isinstance(value, str) else str(value)
    return text[:_SHOWN] + "…" if len(text) > _SHOWN else text


def described(value: Any) -> str:
    """What a user wrote, in their terms: 'the text …', 'the number …', 'a list'."""
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return f"the number {_text_of(value)}"
    return "an empty file" if value is None else shown(value)


def wrong_argument(called: str, expected: str, value: object) -> ScoringError:
    """The error for a library call given the wrong type: a ScoringError (wrong-type) that says
    what the call needs, never the TypeError or AttributeError of whatever first touched it."""
    if value is None:
        got = "None"
    elif isinstance(value, str):
        got = f"the text {_text_of(value)!r}"
    else:
        got = f"a value of type {type(value).__name__}"
    message = f"{called}() needs {expected}, got {got}"
    return ScoringError(Problem(message, "wrong-type", file="<input>"))


def shown(value: Any) -> str:
    """A user's value as they wrote it, for 'got …' in messages."""
    if value is None:
        return "nothing (empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(_text_of(value))


def data_loc(data: Any, loc: Sequence[str | int]) -> tuple[Loc, bool]:
    """The part of a pydantic location that exists in the data (dropping discriminator tags and
    union member names), and whether the whole location was followed."""
    path: list[str | int] = []
    value = data
    parts = list(loc)
    for index, part in enumerate(parts):
        tagged = isinstance(value, dict) and value.get("kind") == part
        if tagged and index + 1 < len(parts) and parts[index + 1] in value:
            continue  # the tag a union chose, even when a field has the same name (bands.bands)
        if (isinstance(value, dict) and part in value) or (
            isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        ):
            value = value[part]  # type: ignore[index]  # checked just above
        elif isinstance(value, dict) and value.get("kind") == part:
            continue  # a discriminated union names the tag it chose
        else:
            return tuple(path) + ((part,) if isinstance(value, dict) else ()), False
        path.append(part)
    return tuple(path), True


def id_path(data: Any, loc: Sequence[str | int]) -> str:
    """``indicators[决策].children[项目立项].weight``: list items named by their id where they have one."""
    text = ""
    value = data
    for part in loc:
        if isinstance(part, int):
            item = value[part] if isinstance(value, list) and 0 <= part < len(value) else None
            ident = item.get("id") if isinstance(item, dict) else None
            named = isinstance(ident, (str, int, Decimal)) and not isinstance(ident, bool)
            text += f"[{ident}]" if named else f"[{part}]"
            value = item
        else:
            text += f".{part}" if text else str(part)
            value = value.get(part) if isinstance(value, dict) else None
    return text


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def model_at(root: type[BaseModel], data: Any, loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (for suggesting its field names)."""
    candidates: list[Any] = [root]
    value = data
    for part in loc:
        next_candidates: list[Any] = []
        for candidate in candidates:
            origin = typing.get_origin(candidate)
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                field = candidate.model_fields.get(str(part))
                if field is not None:
                    next_candidates.extend(_unwrap(field.annotation))
            elif origin in (list, dict):
                next_candidates.extend(_unwrap(typing.get_args(candidate)[-1]))
        value = value[part] if isinstance(value, (dict, list)) and _has(value, part) else None  # type: ignore[index]
        candidates = next_candidates
        if isinstance(value, dict) and "kind" in value:
            tagged = [c for c in candidates if _kind_of(c) == value["kind"]]
            candidates = tagged or candidates
    models = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
    return models[0] if len(models) == 1 else None


def _has(value: Any, part: str | int) -> bool:
    if isinstance(value, dict):
        return part in value
    return isinstance(part, int) and 0 <= part < len(value)


def _kind_of(candidate: Any) -> Any:
    if isinstance(candidate, type) and issubclass(candidate, BaseModel):
        field = candidate.model_fields.get("kind")
        if field is not None:
            args = typing.get_args(field.annotation)
            return args[0] if args else None
    return None


def describe_errors(
    exc: ValidationError, data: Any, root: type[BaseModel]
) -> Iterator[tuple[Loc, str, str, bool]]:
    """(location in the data, message, code, whether the message is about the key itself)."""
    seen: dict[Loc, int] = {}
    messages: list[tuple[Loc, str, str, bool]] = []
    for error in exc.errors(include_url=False):
        # A mapping's key that fails its type is located at the key itself, not at '[key]'.
        raw_loc = error["loc"]
        keyed = bool(raw_loc) and raw_loc[-1] == "[key]"
        loc, followed = data_loc(data, raw_loc[:-1] if keyed else raw_loc)
        kind = error["type"]
        got = shown(error.get("input"))
        on_key = False
        if kind == "missing":
            key = error["loc"][-1]
            message, code = f"missing required key {key!r}", "missing-key"
            loc = loc[:-1] if not followed and loc and loc[-1] == key else loc
        elif kind == "extra_forbidden":
            key = error["loc"][-1]
            model = model_at(root, data, loc[:-1])
            known = list(model.model_fields) if model else []
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = (
                f"; did you mean {close[0]!r}?"
                if close
                else (f"; expected one of: {', '.join(known)}" if known else "")
            )
            message, code, on_key = f"unknown key {key!r}{hint}", "unknown-key", True
        elif kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            options = [
                o.strip().strip("'") for o in expected.replace(" or ", ",").split(",") if o.strip()
            ]
            close = difflib.get_close_matches(str(error.get("input")), options, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message, code = f"expected one of {expected}, got {got}{hint}", "bad-choice"
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            ctx = error.get("ctx", {})
            expected = str(ctx.get("expected_tags", ""))
            options = [o.strip().strip("'") for o in expected.split(",")]
            if kind == "union_tag_not_found":
                message = f"missing 'kind': the rule kind, one of {expected}"
            else:
                tag = str(ctx.get("tag", ""))
                close = difflib.get_close_matches(tag, options, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                message = f"unknown rule kind {tag!r}; expected one of {expected}{hint}"
                loc = (*loc, "kind")
            code = "bad-rule-kind"
        elif kind in _TYPE_WORDS:
            message, code = f"expected {_TYPE_WORDS[kind]}, got {got}", "wrong-type"
            on_key = keyed
        elif kind in _BOUNDS:
            key, symbol = _BOUNDS[kind]
            message, code = (
                f"must be {symbol} {error.get('ctx', {}).get(key)}, got {got}",
                "out-of-range",
            )
        elif kind in ("too_short", "string_too_short"):
            message, code = "must not be empty", "empty"
        elif kind == "value_error":
            message = str(error["msg"]).removeprefix("Value error, ")
            # Our validators raise errors that carry a stable code (QuantityError): keep it.
            code = getattr(error.get("ctx", {}).get("error"), "code", "bad-value")
        elif kind == "invalid_key":  # a library mapping's key that is not text
            key = error["loc"][-1]
            loc = tuple(part for part in loc if part != key)
            message, code, on_key = f"a key must be text, got {shown(key)}", "wrong-type", True
        elif kind == "finite_number":
            message, code = f"expected a finite number, got {got}", "wrong-type"
        else:
            message, code = f"{error['msg']}, got {got}", "bad-value"
        # A union reports one error per member at the same place; say it once, all options joined.
        if loc in seen and code == "wrong-type":
            index = seen[loc]
            old_loc, old_message, old_code, old_key = messages[index]
            if old_code == "wrong-type" and message not in old_message:
                word = message.split(", got ")[0].removeprefix("expected ")
                head, _, tail = old_message.partition(", got ")
                messages[index] = (old_loc, f"{head} or {word}, got {tail}", old_code, old_key)
            continue
        seen.setdefault(loc, len(messages))
        messages.append((loc, message, code, on_key))
    yield from messages
