"""Benchmark results: timed comparisons, checked counts and chart series."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .timing import Spread


@dataclass
class Timing:
    """A subject's time per unit against its baseline's, with the ratio and its target."""

    label: str
    subject: Spread
    baseline: Spread
    ratio: Spread
    unit: str = "call"
    target: float | None = None

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.ratio.median <= self.target


@dataclass
class Check:
    """A measured value (a count, bytes, a ratio of medians) and the value it should have."""

    label: str
    value: Any
    target: str
    met: bool | None


@dataclass
class Result:
    """Everything one benchmark measured."""

    key: str
    title: str
    subject: str
    baseline: str
    timings: list[Timing] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Chart series: title -> (x axis label, [(input size, value), ...]).
    series: dict[str, tuple[str, list[tuple[int, float]]]] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        verdicts = [t.met for t in self.timings] + [c.met for c in self.checks]
        known = [verdict for verdict in verdicts if verdict is not None]
        return all(known) if known else None
