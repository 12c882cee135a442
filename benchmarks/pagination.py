"""Pagination: walking generated streams of media over 50-item pages.

The server builds the pages by cycling the recorded media with new ids and ``next_max_id``
cursors, so every size walks the same kind of data.
"""

from __future__ import annotations

import statistics

import requests

from django_instagram import services

from .redirect import instagram_at
from .results import Check, Result, Timing
from .server import STREAM_PREFIX
from .timing import Spread, interleave, peak_memory

TOKEN = "benchmark-access-token"
PAGE_SIZE = 50
TARGET_PER_ITEM_RATIO = 1.2
# Peak memory counts as flat when the largest stream peaks at most this much above the smallest.
MEMORY_GROWTH_TOLERANCE = 1.25


def walk_with_service(total: int) -> int:
    items = services.iter_user_recent_media(
        f"{STREAM_PREFIX}{total}", {"count": PAGE_SIZE}, token=TOKEN, max_items=None, max_pages=None,
    )
    return sum(1 for _ in items)


def walk_raw(session: requests.Session, base_url: str, total: int) -> int:
    """Walk the same pages with plain ``requests`` and ``json``: the baseline."""
    url = f"{base_url}/v1/users/{STREAM_PREFIX}{total}/media/recent"
    params = {"access_token": TOKEN, "count": PAGE_SIZE}
    walked = 0
    while True:
        body = session.get(url, params=params).json()
        walked += len(body["data"])
        cursor = body["pagination"].get("next_max_id")
        if not cursor:
            return walked
        params = {**params, "max_id": cursor}


def run(server, *, sizes: tuple[int, ...], rounds: int) -> Result:
    result = Result(
        key="pagination",
        title="Pagination",
        subject=f"`services.iter_user_recent_media` over {PAGE_SIZE}-item pages (typed `Media`)",
        baseline="a `requests` + `json` loop over the same pages, following `next_max_id`",
    )
    with instagram_at(server.base_url):
        session = requests.Session()
        functions = {}
        for size in sizes:
            functions[f"service:{size}"] = lambda size=size: walk_with_service(size)
            functions[f"raw:{size}"] = lambda size=size: walk_raw(session, server.base_url, size)
        # Every size runs in every round, so a change in the machine's load hits all sizes alike.
        walk_with_service(sizes[0])
        walk_raw(session, server.base_url, sizes[0])
        times = interleave(functions, rounds=rounds, repeat=1, warmup=0)
        peaks_kib = [(size, peak_memory(lambda: walk_with_service(size)) / 1024) for size in sizes]
        session.close()

    for size in sizes:
        service, raw = times[f"service:{size}"], times[f"raw:{size}"]
        ratios = [s / r for s, r in zip(service, raw)]
        result.timings.append(Timing(
            f"{size:,} media", Spread.of(service), Spread.of(raw), Spread.of(ratios), unit=f"{size:,} media",
        ))
    result.series["Pagination: ms per media"] = (
        "media walked", [(size, statistics.median(times[f"service:{size}"]) / size * 1e3) for size in sizes]
    )
    result.series["Pagination: peak Python memory, KiB"] = ("media walked", peaks_kib)
    result.checks.append(_per_item_check("service", times, "service", sizes, TARGET_PER_ITEM_RATIO))
    result.checks.append(_per_item_check("raw baseline, for reference", times, "raw", sizes, None))
    result.checks.append(_memory_check(peaks_kib))
    return result


def _per_item_check(label: str, times: dict[str, list[float]], side: str, sizes: tuple[int, ...],
                    target: float | None) -> Check:
    """Compare the time per media of the largest and smallest size, round by round."""
    small, large = sizes[0], sizes[-1]
    ratios = [
        (large_seconds / large) / (small_seconds / small)
        for small_seconds, large_seconds in zip(times[f"{side}:{small}"], times[f"{side}:{large}"])
    ]
    ratio = Spread.of(ratios)
    measured = f"{ratio.median:.2f} ({ratio.low:.2f}–{ratio.high:.2f})"
    if target is None:
        return Check(f"time per media at {large:,} / at {small:,}, {label}", measured, "n/a", None)
    return Check(f"time per media at {large:,} / at {small:,}, {label}", measured, f"≤ {target}",
                 ratio.median <= target)


def _memory_check(peaks_kib: list[tuple[int, float]]) -> Check:
    (small, small_kib), (large, large_kib) = peaks_kib[0], peaks_kib[-1]
    growth = large_kib / small_kib
    return Check(
        f"peak memory at {large:,} / at {small:,} ({large_kib:,.0f} KiB / {small_kib:,.0f} KiB)",
        f"{growth:.2f}", f"≤ {MEMORY_GROWTH_TOLERANCE} (flat)", growth <= MEMORY_GROWTH_TOLERANCE,
    )
