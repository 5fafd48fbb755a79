"""jixiao (绩效): score public-spending performance evaluations from declarative YAML indicator systems.

Load once, score many::

    from scoring import load_spec, load_facts, score
    spec = load_spec("indicators/xinfang_weiwen.yaml")
    result = score(spec, load_facts("examples/hengnan_xinfang_2021.yaml"))
    print(result.total, result.grade)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# The public names are loaded when first asked for (PEP 562), so that importing a part of the
# package (``scoring.cli``, ``scoring.errors``) does not load the engine first: the command line
# settles how pydantic is set up before anything imports it (see ``cli.main``).
_HOMES = {
    "Spec": "spec.compiled",
    "score": "engine.scorer",
    "score_totals": "engine.scorer",
    "FactsError": "errors",
    "FormulaError": "errors",
    "Problem": "errors",
    "ScoringError": "errors",
    "SpecError": "errors",
    "Facts": "engine.facts",
    "facts_from_mapping": "engine.facts",
    "facts_from_record": "engine.facts",
    "facts_from_values": "engine.facts",
    "load_facts": "engine.facts",
    "load_facts_text": "engine.facts",
    "load_spec": "spec.loader",
    "load_spec_text": "spec.loader",
    "IndicatorResult": "engine.result",
    "Result": "engine.result",
    "ScoreWarning": "engine.result",
    "Totals": "engine.result",
    "score_many": "batch",
}

if TYPE_CHECKING:
    from .batch import score_many
    from .engine.facts import (
        Facts,
        facts_from_mapping,
        facts_from_record,
        facts_from_values,
        load_facts,
        load_facts_text,
    )
    from .engine.result import IndicatorResult, Result, ScoreWarning, Totals
    from .engine.scorer import score, score_totals
    from .errors import FactsError, FormulaError, Problem, ScoringError, SpecError
    from .spec.compiled import Spec
    from .spec.loader import load_spec, load_spec_text

__all__ = [
    "Facts",
    "FactsError",
    "FormulaError",
    "IndicatorResult",
    "Problem",
    "Result",
    "ScoreWarning",
    "ScoringError",
    "Spec",
    "SpecError",
    "Totals",
    "__version__",
    "facts_from_mapping",
    "facts_from_record",
    "facts_from_values",
    "load_facts",
    "load_facts_text",
    "load_spec",
    "load_spec_text",
    "score",
    "score_many",
    "score_totals",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'scoring' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # asked for once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
