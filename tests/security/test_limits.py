"""The bound checker itself (tests/security/limits.py) sees what it is there to see: a call that
takes memory or CPU time past its ceiling fails, by either way of measuring memory."""

from __future__ import annotations

import time

import pytest
from security import limits

_BIG = 200_000_000  # bytes written, so every page is resident: twice the ceiling


def _take_memory() -> int:
    return len(b"x" * _BIG)


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


@pytest.mark.parametrize("reset", [True, False], ids=["resident-peak", "tracemalloc"])
def test_a_call_that_takes_twice_the_memory_ceiling_fails(
    reset: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not reset:
        monkeypatch.setattr(limits, "_reset_peak", lambda: None)  # as where the kernel has none
    elif limits._reset_peak() is None:
        pytest.skip("this kernel cannot reset the peak resident set")
    cost = limits.measure(_take_memory)
    assert cost.peak_bytes >= _BIG * 0.95
    with pytest.raises(AssertionError, match=r"^big: peak (19\d|20\d)\.\d MB$"):
        limits.assert_bounded(_take_memory, "big")


def test_a_small_call_is_within_bounds() -> None:
    cost = limits.assert_bounded(lambda: [str(i) for i in range(1000)], "small")
    assert 0 <= cost.cpu_seconds < limits.MAX_CPU_SECONDS
    assert cost.peak_bytes < limits.MAX_BYTES


def test_cpu_time_past_the_ceiling_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CPU_SECONDS", 0.05)
    with pytest.raises(AssertionError, match=r"^spin: took 0\.\d{3} s of CPU$"):
        limits.assert_bounded(lambda: _spin(0.1), "spin")
