"""Parsing: building ``Media`` from recorded media dicts against ``json.loads`` of the same data."""

from __future__ import annotations

import copy
import json

from django_instagram.client.types import Media

from .results import Result, Timing
from .server import recorded_media
from .timing import compare


def media_dicts(count: int) -> list[dict]:
    """Return ``count`` media dicts made by cycling the recorded media with new ids."""
    pool = recorded_media()
    items = []
    for position in range(count):
        item = copy.deepcopy(pool[position % len(pool)])
        item["id"] = f"{position}_benchmark"
        items.append(item)
    return items


def run(*, sizes: tuple[int, ...], rounds: int) -> Result:
    result = Result(
        key="parsing",
        title="Parsing",
        subject="`[Media.from_v1(item) for item in data]`",
        baseline="`json.loads` of the same media as JSON text",
    )
    per_item = []
    for size in sizes:
        text = json.dumps(media_dicts(size))
        data = json.loads(text)
        comparison = compare(
            lambda: [Media.from_v1(item) for item in data], lambda: json.loads(text), rounds=rounds, repeat=1,
        )
        result.timings.append(
            Timing(f"{size:,} media", comparison.subject, comparison.baseline, comparison.ratio, unit=f"{size:,} media")
        )
        per_item.append((size, comparison.subject.median / size * 1e6))
    result.series["Parsing: µs per Media.from_v1"] = ("media parsed", per_item)
    return result
