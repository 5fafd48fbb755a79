"""A loaded spec lives as long as its caller holds it, whatever was scored with it.

Scoring builds things from a spec once (its compiled plan, the batch's row readers and columnar
scorer, the needs of its leaves) and keeps them with the spec. A service that loads a spec per
request must get its memory back when it lets the spec go; and a spec sent to another process
(a Dask or Spark task) goes without what was built from it.
"""

from __future__ import annotations

import gc
import pickle
import weakref
from pathlib import Path

from test_batch import generator

from scoring import load_facts, load_spec, score, score_many
from scoring.batch.run import run_batch
from scoring.spec.compiled import Spec

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "indicators" / "xinfang_weiwen.yaml"
FACTS = load_facts(ROOT / "examples" / "hengnan_xinfang_2021.yaml")


def _freed(use: object) -> bool:
    """Whether a spec used by ``use`` is collected once nothing else holds it."""
    spec = load_spec(SPEC)
    use(spec)  # type: ignore[operator]
    gone = weakref.ref(spec)
    del spec
    gc.collect()
    return gone() is None


def test_a_spec_scored_once_is_freed() -> None:
    assert _freed(lambda spec: score(spec, FACTS).to_dict())


def test_a_spec_that_scored_many_projects_is_freed() -> None:
    facts = [FACTS] * 3
    assert _freed(lambda spec: [result.total for result in score_many(spec, facts)])


def _specs() -> int:
    gc.collect()
    return sum(isinstance(item, Spec) for item in gc.get_objects())


def test_the_spec_of_a_batch_is_freed_when_it_ends(tmp_path: Path) -> None:
    """A CSV scored column by column, records the engine scores among them: no spec is left."""
    rows = generator.write_csv(tmp_path / "rows.csv", 200, seed=3)
    text = rows.read_text(encoding="utf-8").splitlines()
    text[5] = text[5].replace("万元", "美元", 1)  # a record the engine words
    rows.write_text("\n".join(text) + "\n", encoding="utf-8")
    before = _specs()
    summary = run_batch(str(SPEC), [str(rows)], str(tmp_path / "out.csv"))
    assert summary.records == 200
    del summary
    assert _specs() == before


def test_a_spec_pickles_without_what_was_built_from_it() -> None:
    spec = load_spec(SPEC)
    before = score(spec, FACTS).total
    data = pickle.dumps(spec)
    assert b"scoring.engine.plan" not in data  # the compiled plan stays behind
    copy = pickle.loads(data)
    assert score(copy, FACTS).total == before
