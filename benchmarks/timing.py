"""Side-by-side timing: a subject and its baseline, interleaved round by round.

The machine is shared, so absolute times drift with the load. Each round times the baseline and
the subject back to back (alternating which goes first) and records their ratio, so a load change
hits both sides of one ratio alike. Figures are medians over rounds with the 25th-75th
percentile range as the spread.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Spread:
    """Median and 25th-75th percentile range of repeated measurements."""

    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        ordered = sorted(values)
        if len(ordered) == 1:
            return cls(ordered[0], ordered[0], ordered[0], 1)
        quartiles = statistics.quantiles(ordered, n=4, method="inclusive")
        return cls(statistics.median(ordered), quartiles[0], quartiles[2], len(ordered))


@dataclass(frozen=True)
class Comparison:
    """Per-operation seconds of a subject and its baseline, and their per-round ratio."""

    subject: Spread
    baseline: Spread
    ratio: Spread


def time_once(function: Callable[[], object], repeat: int) -> float:
    """Return the mean seconds of one call of ``function`` over ``repeat`` calls."""
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


def compare(
    subject: Callable[[], object], baseline: Callable[[], object], *, rounds: int, repeat: int, warmup: int = 2,
) -> Comparison:
    """Time ``subject`` against ``baseline``, interleaved, ``rounds`` times ``repeat`` calls each."""
    times = interleave({"subject": subject, "baseline": baseline}, rounds=rounds, repeat=repeat, warmup=warmup)
    ratios = [s / b for s, b in zip(times["subject"], times["baseline"])]
    return Comparison(Spread.of(times["subject"]), Spread.of(times["baseline"]), Spread.of(ratios))


def interleave(
    functions: dict[str, Callable[[], object]], *, rounds: int, repeat: int, warmup: int = 2,
) -> dict[str, list[float]]:
    """Time each function ``repeat`` times per round, rotating their order from round to round.

    Returns the mean seconds per call of every round, by name. A full garbage collection runs
    before each timed block, so garbage left by one function is not collected during the next.
    """
    names = list(functions)
    for _ in range(warmup):
        for name in names:
            functions[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            times[name].append(time_once(functions[name], repeat))
    return times


def peak_memory(function: Callable[[], object]) -> int:
    """Return the peak bytes Python allocated (``tracemalloc``) while ``function`` ran."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline_bytes, _ = tracemalloc.get_traced_memory()
        function()
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak_bytes - baseline_bytes
