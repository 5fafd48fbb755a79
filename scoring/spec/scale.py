"""A questionnaire's scale: its response options, their weights out of 100, and other spellings.

Shared by ``survey`` (which reads answers against it) and the spec loader (a spec may declare
its questionnaire's scale as ``survey_scale:``), so both check a scale the same way, with the
same messages; this module imports nothing heavier than the error types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import did_you_mean
from ..i18n import tr

__all__ = ["DEFAULT_SCALE", "HUNDRED", "Scale", "answer_text", "build_scale"]

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Scale:
    """Response options and their weights out of 100; ``aliases`` map other spellings (and the
    option codes an export uses, such as "1") to an option."""

    name: str
    options: Mapping[str, Decimal]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def option_of(self, answer: str) -> str | None:
        option = self.aliases.get(answer, answer)
        return option if option in self.options else None

    def listing(self) -> str:
        return "、".join(self.options)


DEFAULT_SCALE = Scale(
    "五级满意度（非常满意 100 / 满意 80 / 基本满意 60 / 不满意 0 / 非常不满意 0）",
    {
        "非常满意": Decimal(100),
        "满意": Decimal(80),
        "基本满意": Decimal(60),
        "不满意": Decimal(0),
        "非常不满意": Decimal(0),
    },
)


def build_scale(
    data: Any, default_name: str, report: Callable[[Sequence[str], str], None]
) -> Scale | None:
    """A scale from its YAML data::

        name: 五级满意度
        options: {非常满意: 100, 满意: 80, 基本满意: 60, 不满意: 0, 非常不满意: 0}
        aliases: {很满意: 非常满意, "1": 非常满意, "2": 满意}

    Weights are out of 100 and the best option weighs 100; every alias names an option. Each
    problem goes to ``report(path within the data, message)``; None when there was any."""
    problems = 0

    def problem(where: Sequence[str], message: str) -> None:
        nonlocal problems
        problems += 1
        report(where, message)

    if not isinstance(data, Mapping) or not isinstance(data.get("options"), Mapping):
        problem(
            (),
            tr(
                "survey-scale",
                "a scale needs options: option → weight (out of 100), such as "
                "{{非常满意: 100, 满意: 80}}",
            ),
        )
        return None
    options: dict[str, Decimal] = {}
    for key, value in data["options"].items():
        weight = _weight(value)
        if weight is None:
            problem(
                ("options", str(key)),
                tr(
                    "survey-scale",
                    "the weight of option {option!r} must be a number from 0 to 100, got {value}",
                    option=key,
                    value=value,
                ),
            )
        else:
            options[str(key).strip()] = weight
    if len(data["options"]) < 2:
        problem(("options",), tr("survey-scale", "a scale needs at least two options"))
    elif options and max(options.values()) != HUNDRED and len(options) == len(data["options"]):
        best = max(options.values())
        problem(
            ("options",),
            tr(
                "survey-scale",
                "the best option must weigh 100 (it weighs {best}), or the 满意度 can never "
                "reach 100%",
                best=best,
            ),
        )
    aliases: dict[str, str] = {}
    raw_aliases = data.get("aliases") or {}
    if not isinstance(raw_aliases, Mapping):
        problem(
            ("aliases",),
            tr(
                "survey-scale",
                "aliases must map each alias to an option, such as {{很满意: 非常满意}}",
            ),
        )
        raw_aliases = {}
    for key, value in raw_aliases.items():
        target = str(value).strip()
        if target not in options:
            problem(
                ("aliases", str(key)),
                tr(
                    "survey-scale",
                    "alias {alias!r} points to {value!r}, which is not an option ({options}){hint}",
                    alias=key,
                    value=value,
                    options="、".join(options),
                    hint=did_you_mean(target, options),
                ),
            )
        else:
            aliases[answer_text(key)] = target
    for key in data:
        if key not in ("name", "options", "aliases"):
            problem(
                (str(key),),
                tr(
                    "survey-scale",
                    "unknown key {key!r}: a scale has only name, options and aliases",
                    key=key,
                ),
            )
    if problems:
        return None
    return Scale(str(data.get("name") or default_name), options, aliases)


def _weight(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str | float):
        return None
    try:
        weight = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    if not weight.is_finite() or not Decimal(0) <= weight <= HUNDRED:
        return None
    return weight


def answer_text(value: object) -> str:
    """An answer as text, spaces (full-width included) removed: "满 意" and " 满意" are 满意."""
    text = value if isinstance(value, str) else format(value, "f")
    return "".join(text.split())
