"""Pagination: walking generated streams of media over 50-item pages.

The server builds the pages by cycling the recorded media with new ids and ``next_max_id``
cursors, so every size walks the same kind of data.
"""

from __future__ import annotations

import requests

from django_instagram import services

from .redirect import instagram_at
from .results import Check, Result, Timing
from .server import STREAM_PREFIX
from .timing import compare, peak_memory

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
    per_item_ms, peaks_kib = [], []
    with instagram_at(server.base_url):
        session = requests.Session()
        for size in sizes:
            comparison = compare(
                lambda: walk_with_service(size), lambda: walk_raw(session, server.base_url, size),
                rounds=rounds, repeat=1, warmup=1,
            )
            result.timings.append(
                Timing(f"{size:,} media", comparison.subject, comparison.baseline, comparison.ratio, unit=f"{size:,} media")
            )
            per_item_ms.append((size, comparison.subject.median / size * 1e3))
            peaks_kib.append((size, peak_memory(lambda: walk_with_service(size)) / 1024))
        session.close()
    result.series["Pagination: ms per media"] = ("media walked", per_item_ms)
    result.series["Pagination: peak Python memory, KiB"] = ("media walked", peaks_kib)
    result.checks.append(_per_item_check(per_item_ms))
    result.checks.append(_memory_check(peaks_kib))
    return result


def _per_item_check(per_item_ms: list[tuple[int, float]]) -> Check:
    (small, small_ms), (large, large_ms) = per_item_ms[0], per_item_ms[-1]
    ratio = large_ms / small_ms
    return Check(
        f"time per media at {large:,} / at {small:,}", f"{ratio:.2f}",
        f"≤ {TARGET_PER_ITEM_RATIO}", ratio <= TARGET_PER_ITEM_RATIO,
    )


def _memory_check(peaks_kib: list[tuple[int, float]]) -> Check:
    (small, small_kib), (large, large_kib) = peaks_kib[0], peaks_kib[-1]
    growth = large_kib / small_kib
    return Check(
        f"peak memory at {large:,} / at {small:,} ({large_kib:,.0f} KiB / {small_kib:,.0f} KiB)",
        f"{growth:.2f}", f"≤ {MEMORY_GROWTH_TOLERANCE} (flat)", growth <= MEMORY_GROWTH_TOLERANCE,
    )
