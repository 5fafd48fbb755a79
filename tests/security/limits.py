"""Time and memory bounds for one hostile input, shared by tests/security and test_bad_inputs.

Time is wall-clock time of one untraced call (tracing would slow it several-fold). Memory is
measured on a second call under ``tracemalloc``: the peak of the Python heap during the call,
which is where a YAML bomb, a huge string or a big integer would land. ``ru_maxrss`` growth is
checked as well, as a coarse guard for memory taken outside Python's allocator (libyaml's
buffers): it only moves when the process exceeds its earlier high-water mark, so it can miss a
spike but never overstates one.

With ``JIXIAO_BOUNDS_REPORT=FILE`` set, every measurement is appended to FILE as one JSON line
(the figures behind "worst time, worst memory" in a report).
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

MAX_SECONDS = 1.0
MAX_BYTES = 200 * 1024 * 1024
# ru_maxrss is in kilobytes on Linux, in bytes on macOS.
_RSS_UNIT = 1 if sys.platform == "darwin" else 1024


@dataclass(frozen=True)
class Cost:
    seconds: float
    peak_bytes: int  # tracemalloc peak of the second call
    rss_growth_bytes: int  # growth of the process high-water mark across both calls


def measure(call: Callable[[], Any]) -> Cost:
    """Run ``call`` twice (timed, then traced); exceptions it raises are swallowed, because the
    callers assert the outcome separately."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with contextlib.suppress(Exception):  # the caller checks the outcome separately
        call()
    seconds = time.perf_counter() - start
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
    return Cost(seconds, peak, (rss_after - rss_before) * _RSS_UNIT)


def assert_bounded(call: Callable[[], Any], label: str = "") -> Cost:
    """The call takes under a second and under 200 MB (see the module docstring for how)."""
    cost = measure(call)
    report = os.environ.get("JIXIAO_BOUNDS_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as handle:
            record = {"label": label, "seconds": cost.seconds, "peak_bytes": cost.peak_bytes}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    assert cost.seconds < MAX_SECONDS, f"took {cost.seconds:.3f} s"
    assert cost.peak_bytes < MAX_BYTES, f"peak {cost.peak_bytes / 1e6:.1f} MB"
    assert cost.rss_growth_bytes < MAX_BYTES, f"RSS grew {cost.rss_growth_bytes / 1e6:.1f} MB"
    return cost
