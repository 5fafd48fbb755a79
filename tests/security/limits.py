"""CPU-time and memory bounds for one hostile input, shared by tests/security and test_bad_inputs.

What is measured, and why:

- Time is the CPU time of the process (``time.process_time``), and of the worker processes it
  started and waited for, over one untraced call, not wall time: two cores are shared by every
  test run and by other work on the machine, so wall time measures the neighbours as much as the
  code, while CPU time moves only with the work the input makes jixiao do. (Tracing would slow the call several-fold, hence a separate, untraced call.)
- Memory is measured on a second call under ``tracemalloc``: the peak of the Python heap during
  the call, which is where a YAML bomb, a huge string or a big integer would land.
  ``ru_maxrss`` growth is checked as well, as a coarse guard for memory taken outside Python's
  allocator (libyaml's buffers): it only moves when the process exceeds its earlier high-water
  mark, so it can miss a spike but never overstates one.

The ceilings, and how they were set (issue 14): every call to ``assert_bounded`` in the suite
(tests/security, tests/test_bad_inputs.py, tests/test_quantities.py, tests/test_table_formats.py:
390 measurements) was recorded with ``JIXIAO_BOUNDS_REPORT`` (below) and the worst normal case
taken. On the reference machine (2 cores shared with other runs) the worst CPU time was 0.99 s
(a spec with 1,000 leaves under one 一级指标, loaded and scored five times by the engine, since a
spec that large is not compiled into a plan; next, YAML nesting past the depth limit and a sheet
of 100,000 cells, about 0.25 s; every case of tests/bad_inputs under 0.26 s), and the
worst traced peak 21 MB (a formula at the length limit; next, a JSON line of 60,000 keys at 15 MB).
Between runs the same case moves by up to 2×. A real blow-up — a quadratic check, an alias bomb,
a number printed a million digits long — costs 10× to 1000× its normal case, so each ceiling sits
above the worst normal case with room for a slow machine, and below 10× of it:

- ``MAX_CPU_SECONDS = 5.0``: about 5× the worst case, so a machine twice as slow as the
  reference (and a 2× unlucky run on it) still passes, while the worst case grown 10× fails, as
  does any small input that goes quadratic (3,000 chained derived values took 7.8 s before their
  names were indexed once per spec);
- ``MAX_BYTES = 160 MB`` (traced peak and RSS growth): about 8× the worst case. Memory does not
  depend on the machine's speed, only on the Python build (allocation sizes differ by tens of per
  cent); a bomb that expands grows by orders of magnitude, not by a few times.

With ``JIXIAO_BOUNDS_REPORT=FILE`` set, every measurement is appended to FILE as one JSON line
(label, CPU seconds, traced peak bytes, RSS growth): the figures behind the worst case above.
Re-measure and move the ceilings together with the docstring when the worst case changes.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_CPU_SECONDS = 5.0
MAX_BYTES = 160 * 1024 * 1024
# ru_maxrss is in kilobytes on Linux, in bytes on macOS.
_RSS_UNIT = 1 if sys.platform == "darwin" else 1024


@dataclass(frozen=True)
class Cost:
    cpu_seconds: float  # process CPU time of the untraced call
    peak_bytes: int  # tracemalloc peak of the second call
    rss_growth_bytes: int  # growth of the process high-water mark across both calls

    @property
    def seconds(self) -> float:
        """The CPU seconds (the name callers used when this was wall time)."""
        return self.cpu_seconds


def _children_cpu() -> float:
    """CPU time of the worker processes the call started and waited for (a batch's pool)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(call: Callable[[], Any]) -> Cost:
    """Run ``call`` twice (timed, then traced); exceptions it raises are swallowed, because the
    callers assert the outcome separately."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time(), _children_cpu()
    with contextlib.suppress(Exception):  # the caller checks the outcome separately
        call()
    cpu = time.process_time() - start[0] + _children_cpu() - start[1]
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    with contextlib.suppress(Exception):  # the caller checks the outcome separately
        call()
    peak = tracemalloc.get_traced_memory()[1] - base
    if not tracing:
        tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Cost(cpu, peak, (rss_after - rss_before) * _RSS_UNIT)


def assert_bounded(call: Callable[[], Any], label: str = "") -> Cost:
    """The call takes under ``MAX_CPU_SECONDS`` of CPU time and ``MAX_BYTES`` of memory (see the
    module docstring for how each is measured and why the ceilings are where they are)."""
    cost = measure(call)
    report = os.environ.get("JIXIAO_BOUNDS_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as handle:
            record = {
                "label": label,
                "cpu_seconds": round(cost.cpu_seconds, 4),
                "peak_bytes": cost.peak_bytes,
                "rss_growth_bytes": cost.rss_growth_bytes,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    assert cost.cpu_seconds < MAX_CPU_SECONDS, f"{label}: took {cost.cpu_seconds:.3f} s of CPU"
    assert cost.peak_bytes < MAX_BYTES, f"{label}: peak {cost.peak_bytes / 1e6:.1f} MB"
    assert cost.rss_growth_bytes < MAX_BYTES, (
        f"{label}: RSS grew {cost.rss_growth_bytes / 1e6:.1f} MB"
    )
    return cost
