"""Rule kinds: one module each, registered once here by their ``kind:`` name (no if/elif chains).

To add a kind: write a module with ``Params`` (its YAML shape, ``kind: Literal[...]``) and ``RULE``
(a ``Rule`` subclass taking ``(params, ctx)``, stating its arithmetic as a ``Statement`` where it
has any), then list the module in ``KINDS``. The registry and the parameter union pydantic
validates a leaf's ``rule:`` against are both derived from that one list.

May import ``errors``, ``i18n``, ``numbers`` and ``formula``; never ``spec`` or the engine,
which are built from the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field

from . import bands, deduction, formula, positive, qualitative, reverse, zero_target
from .base import CompileContext, InputError, Outcome, ParamsBase, Rating, Rule

__all__ = [
    "KINDS",
    "REGISTRY",
    "RULE_KINDS",
    "CompileContext",
    "InputError",
    "Outcome",
    "ParamsBase",
    "Rating",
    "Rule",
    "RuleParams",
]

KINDS = (positive, reverse, zero_target, qualitative, bands, deduction, formula)

REGISTRY: dict[str, type[Rule]] = {module.RULE.kind: module.RULE for module in KINDS}
RULE_KINDS: tuple[str, ...] = tuple(REGISTRY)

if TYPE_CHECKING:

    class RuleParams(ParamsBase):  # what a type checker knows of any kind's Params
        kind: str

else:
    # The discriminated union pydantic validates a leaf's `rule:` against, keyed on `kind`.
    RuleParams = Annotated[
        Union[tuple(module.Params for module in KINDS)],  # noqa: UP007 - built at run time
        Field(discriminator="kind"),
    ]
