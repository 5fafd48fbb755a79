"""CPU-time and memory bounds for one hostile input, shared by tests/security and test_bad_inputs.

What is measured, and why:

- Time is the CPU time of the process (``time.process_time``), and of the worker processes it
  started and waited for, not wall time: two cores are shared by every test run and by other work
  on the machine, so wall time measures the neighbours as much as the code, while CPU time moves
  only with the work the input makes jixiao do.
- Memory is the growth of the process's peak resident set over the same call: on Linux the
  kernel's high-water mark (``VmHWM``) is reset just before the call (``/proc/self/clear_refs``)
  and read just after it, so the figure is the call's own peak, and it counts memory taken outside
  Python's allocator (libyaml's buffers, Arrow's) as well as the Python heap where a YAML bomb, a
  huge string or a big integer would land. One untraced call gives both figures. Where the kernel
  offers no reset (macOS), memory is measured on a second call under ``tracemalloc`` (the peak of
  the Python heap; tracing slows a call about fourfold, which is why it is not the first choice:
  it was 16 s of the suite's CPU time), or the growth of ``ru_maxrss``, a coarse guard, where
  that is larger.

The ceilings, and how they were set (issue 14; memory again in issue 15): every call to
``assert_bounded`` in the suite (tests/security, tests/test_bad_inputs.py, tests/test_quantities.py,
tests/test_table_formats.py: 392 measurements) was recorded with ``JIXIAO_BOUNDS_REPORT`` (below)
and the worst normal case taken. On the reference machine (2 cores shared with other runs) the
worst CPU time was 0.99 s (a spec with 1,000 leaves under one 一级指标, loaded and scored five
times; since the load was made linear, 3,000 chained derived values at 0.76 s lead), every case of
tests/bad_inputs under 0.26 s; the worst peak resident growth 12 MB (a formula at the length
limit; next, a scanned PDF and a header of 10,000 columns at about 11 MB; traced, the worst was
21 MB). Between runs the same case moves by up to 2×. A real blow-up — a quadratic check, an alias
bomb, a number printed a million digits long — costs 10× to 1000× its normal case, so each ceiling
sits above the worst normal case with room for a slow machine, and below 10× of it:

- ``MAX_CPU_SECONDS = 5.0``: about 5× the worst case, so a machine twice as slow as the
  reference (and a 2× unlucky run on it) still passes, while the worst case grown 10× fails, as
  does any small input that goes quadratic (3,000 chained derived values took 7.8 s before their
  names were indexed once per spec);
- ``MAX_BYTES = 100 MB``: about 8× the worst case. Memory does not depend on the machine's speed,
  only on the Python build (allocation sizes differ by tens of per cent); a bomb that expands
  grows by orders of magnitude, not by a few times. The resident figure can understate a call
  that reuses memory the process freed earlier (a test process holds some), which is one more
  reason the ceiling sits well below what a bomb takes.

With ``JIXIAO_BOUNDS_REPORT=FILE`` set, every measurement is appended to FILE as one JSON line
(label, CPU seconds, peak bytes): the figures behind the worst case above.
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
MAX_BYTES = 100 * 1024 * 1024
# ru_maxrss is in kilobytes on Linux, in bytes on macOS.
_RSS_UNIT = 1 if sys.platform == "darwin" else 1024


@dataclass(frozen=True)
class Cost:
    cpu_seconds: float  # process CPU time of the untraced call
    peak_bytes: int  # the call's peak resident growth (Linux), else its traced peak or RSS growth


def _children_cpu() -> float:
    """CPU time of the worker processes the call started and waited for (a batch's pool)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _status_bytes(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024  # "VmHWM:   123456 kB"
    raise OSError(f"no {field} in /proc/self/status")


def _reset_peak() -> int | None:
    """Resets the process's peak resident set to its present size and gives that size in bytes;
    None where the kernel offers no reset."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")  # 5: reset the peak resident set (Linux 4.0 and later)
        return _status_bytes("VmRSS")
    except OSError:
        return None


def _cpu() -> float:
    return time.process_time() + _children_cpu()


def measure(call: Callable[[], Any]) -> Cost:
    """Run ``call`` once (twice where the kernel cannot reset the peak resident set: untimed
    memory under ``tracemalloc`` then); exceptions it raises are swallowed, because the callers
    assert the outcome separately."""
    base = _reset_peak()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = _cpu()
    with contextlib.suppress(Exception):  # the caller checks the outcome separately
        call()
    cpu = _cpu() - start
    if base is not None:
        return Cost(cpu, _status_bytes("VmHWM") - base)
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    traced_base = tracemalloc.get_traced_memory()[0]
    with contextlib.suppress(Exception):
        call()
    traced_peak = tracemalloc.get_traced_memory()[1] - traced_base
    if not tracing:
        tracemalloc.stop()
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * _RSS_UNIT
    return Cost(cpu, max(traced_peak, rss_growth))


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
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    assert cost.cpu_seconds < MAX_CPU_SECONDS, f"{label}: took {cost.cpu_seconds:.3f} s of CPU"
    assert cost.peak_bytes < MAX_BYTES, f"{label}: peak {cost.peak_bytes / 1e6:.1f} MB"
    return cost
