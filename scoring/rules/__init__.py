"""Rule kinds: one module each, registered here by their ``kind:`` name (no if/elif chains).

To add a kind: write a module with ``Params`` (its YAML shape, ``kind: Literal[...]``) and ``RULE``
(a ``Rule`` subclass taking ``(params, ctx)``), then list it in ``_MODULES``.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from . import bands, deduction, formula, positive, qualitative, reverse, zero_target
from .base import CompileContext, InputError, Outcome, ParamsBase, Rating, Rule

__all__ = [
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

_MODULES = (positive, reverse, zero_target, qualitative, bands, deduction, formula)

REGISTRY: dict[str, type[Rule]] = {module.RULE.kind: module.RULE for module in _MODULES}
RULE_KINDS: tuple[str, ...] = tuple(REGISTRY)

# The discriminated union pydantic validates a leaf's `rule:` against, keyed on `kind`.
RuleParams = Annotated[
    Union[  # noqa: UP007 - a runtime Union built from the registry's Params models
        positive.Params,
        reverse.Params,
        zero_target.Params,
        qualitative.Params,
        bands.Params,
        deduction.Params,
        formula.Params,
    ],
    Field(discriminator="kind"),
]
