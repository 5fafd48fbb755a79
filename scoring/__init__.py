"""jixiao (绩效): score public-spending performance evaluations from declarative YAML indicator systems.

Load once, score many::

    from scoring import load_spec, load_facts, score
    spec = load_spec("indicators/xinfang_weiwen.yaml")
    result = score(spec, load_facts("examples/hengnan_xinfang_2021.yaml"))
    print(result.total, result.grade)
"""

__version__ = "0.1.0"

from .compiled import Spec
from .engine import score, score_totals
from .errors import FactsError, FormulaError, Problem, ScoringError, SpecError
from .facts import (
    Facts,
    facts_from_mapping,
    facts_from_record,
    facts_from_values,
    load_facts,
    load_facts_text,
)
from .loader import load_spec, load_spec_text
from .result import IndicatorResult, Result, ScoreWarning, Totals

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
    # score_many lives with the batch machinery, loaded when first asked for: `jixiao score`
    # and `import scoring` do not pay for it.
    if name == "score_many":
        from .batch import score_many

        return score_many
    raise AttributeError(f"module 'scoring' has no attribute {name!r}")
