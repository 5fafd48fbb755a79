"""Turn pydantic validation errors into messages for people who edit YAML, located in the file.

pydantic's locations follow the model (and name union members and discriminator tags); these
helpers walk the raw data along them instead, so a location names what the user wrote:
``indicators[决策].children[项目立项].weight``, with the closest known key suggested for a typo.
Only a file with something wrong needs this module: its callers import it where they catch the
``ValidationError``, so a valid spec or facts file loads without it.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from ..errors import shown
from ..i18n import tr, ui

__all__ = ["describe_errors"]

Loc = tuple[str | int, ...]

# What each pydantic type error expected, in the words a message uses (made when it is shown).
_NUMBER, _WHOLE, _TEXT = (
    (lambda: ui("a number")),
    (lambda: ui("a whole number")),
    (lambda: ui("text")),
)
_BOOL, _LIST = (lambda: ui("true or false")), (lambda: ui("a list"))
_MAPPING = lambda: ui("a mapping (key: value lines)")
_TYPE_WORDS: dict[str, Callable[[], str]] = {
    "decimal_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "int_parsing": _WHOLE,
    "int_type": _WHOLE,
    "int_from_float": _WHOLE,
    "string_type": _TEXT,
    "bool_type": _BOOL,
    "bool_parsing": _BOOL,
    "list_type": _LIST,
    "dict_type": _MAPPING,
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
}
_BOUNDS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", "≥"),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "≤"),
}


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
    # A wrong type's message is made last: a union reports one error per member at one place,
    # said once with every expected type joined ("expected a number or text, got …"). For each
    # such message: whether it is about a key, the types expected, and what was given.
    expected: dict[int, tuple[bool, list[str], str]] = {}
    for error in exc.errors(include_url=False):
        # A mapping's key that fails its type is located at the key itself, not at '[key]'.
        raw_loc = error["loc"]
        keyed = bool(raw_loc) and raw_loc[-1] == "[key]"
        loc, followed = data_loc(data, raw_loc[:-1] if keyed else raw_loc)
        kind = error["type"]
        got = shown(error.get("input"))
        on_key = False
        words: tuple[bool, str, str] | None = None  # a wrong type: (about a key, expected, got)
        if kind == "missing":
            key = error["loc"][-1]
            message = tr("missing-key", "missing required key {key!r}", key=key)
            code = "missing-key"
            loc = loc[:-1] if not followed and loc and loc[-1] == key else loc
        elif kind == "extra_forbidden":
            key = error["loc"][-1]
            model = model_at(root, data, loc[:-1])
            known = list(model.model_fields) if model else []
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            if close:
                hint = ui("; did you mean {name!r}?", name=close[0])
            elif known:
                hint = tr("unknown-key", "; expected one of: {keys}", keys=", ".join(known))
            else:
                hint = ""
            message = tr("unknown-key", "unknown key {key!r}{hint}", key=key, hint=hint)
            code, on_key = "unknown-key", True
        elif kind == "literal_error":
            choices = error.get("ctx", {}).get("expected", "")
            options = [
                o.strip().strip("'") for o in choices.replace(" or ", ",").split(",") if o.strip()
            ]
            close = difflib.get_close_matches(str(error.get("input")), options, n=1)
            hint = ui("; did you mean {name!r}?", name=close[0]) if close else ""
            message = tr(
                "bad-choice",
                "expected one of {options}, got {got}{hint}",
                options=choices,
                got=got,
                hint=hint,
            )
            code = "bad-choice"
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            ctx = error.get("ctx", {})
            tags = str(ctx.get("expected_tags", ""))
            options = [o.strip().strip("'") for o in tags.split(",")]
            if kind == "union_tag_not_found":
                message = tr(
                    "bad-rule-kind", "missing 'kind': the rule kind, one of {kinds}", kinds=tags
                )
            else:
                tag = str(ctx.get("tag", ""))
                close = difflib.get_close_matches(tag, options, n=1)
                hint = ui("; did you mean {name!r}?", name=close[0]) if close else ""
                message = tr(
                    "bad-rule-kind",
                    "unknown rule kind {kind!r}; expected one of {kinds}{hint}",
                    kind=tag,
                    kinds=tags,
                    hint=hint,
                )
                loc = (*loc, "kind")
            code = "bad-rule-kind"
        elif kind in _TYPE_WORDS:
            words, code, message = (False, _TYPE_WORDS[kind](), got), "wrong-type", ""
            on_key = keyed
        elif kind in _BOUNDS:
            key, symbol = _BOUNDS[kind]
            bound = error.get("ctx", {}).get(key)
            message = tr(
                "out-of-range",
                "must be {symbol} {bound}, got {got}",
                symbol=symbol,
                bound=bound,
                got=got,
            )
            code = "out-of-range"
        elif kind in ("too_short", "string_too_short"):
            message, code = tr("empty", "must not be empty"), "empty"
        elif kind == "value_error":
            message = str(error["msg"]).removeprefix("Value error, ")
            # Our validators raise errors that carry a stable code (QuantityError): keep it.
            code = getattr(error.get("ctx", {}).get("error"), "code", "bad-value")
        elif kind == "invalid_key":  # a library mapping's key that is not text
            key = error["loc"][-1]
            loc = tuple(part for part in loc if part != key)
            words, code, message, on_key = (True, ui("text"), shown(key)), "wrong-type", "", True
        elif kind == "finite_number":
            words, code, message = (False, ui("a finite number"), got), "wrong-type", ""
        else:
            message = tr("bad-value", "{problem}, got {got}", problem=error["msg"], got=got)
            code = "bad-value"
        # A union reports one error per member at the same place; say it once, all options joined.
        if loc in seen and code == "wrong-type":
            index = seen[loc]
            if index in expected and words is not None:
                about_key, joined, given = expected[index]
                if not (len(joined) == 1 and joined[0] == words[1] and given == words[2]):
                    joined.append(words[1])  # the first message's got stands, as it was written
            continue
        seen.setdefault(loc, len(messages))
        if words is not None:
            expected[len(messages)] = (words[0], [words[1]], words[2])
        messages.append((loc, message, code, on_key))
    for index, (about_key, joined, given) in expected.items():
        loc, _, code, on_key = messages[index]
        either = tr("wrong-type", " or ").join(joined)
        message = (
            tr("wrong-type", "a key must be {expected}, got {got}", expected=either, got=given)
            if about_key
            else tr("wrong-type", "expected {expected}, got {got}", expected=either, got=given)
        )
        messages[index] = (loc, message, code, on_key)
    yield from messages
