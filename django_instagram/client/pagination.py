"""Pages of results and iterators that walk them.

A ``Page`` keeps Instagram's pagination keys by name (they differ per endpoint: ``next_max_id``,
``next_max_tag_id``, ``next_max_like_id``, ``next_cursor`` in v1; ``after`` cursors in Graph).
``next_url`` is stored with its credentials removed, so a page can be logged or shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Iterator, TypeVar

from . import coerce
from .redaction import strip_credentials

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Defaults that keep an iterator finite when the caller sets no limit.
DEFAULT_MAX_PAGES = 50
DEFAULT_MAX_ITEMS = 1000


@dataclass(frozen=True, slots=True)
class Pagination:
    next_url: str | None = None
    next_max_id: str | None = None
    next_min_id: str | None = None
    next_max_tag_id: str | None = None
    next_max_like_id: str | None = None
    next_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return any(
            (self.next_url, self.next_max_id, self.next_max_tag_id, self.next_max_like_id, self.next_cursor)
        )

    @classmethod
    def from_v1(cls, data: Any) -> Pagination:
        data = coerce.as_dict(data)
        return cls(
            next_url=_next_url(data.get("next_url")),
            next_max_id=coerce.as_str(data.get("next_max_id")),
            next_min_id=coerce.as_str(data.get("next_min_id")),
            next_max_tag_id=coerce.as_str(data.get("next_max_tag_id")),
            next_max_like_id=coerce.as_str(data.get("next_max_like_id")),
            next_cursor=coerce.as_str(data.get("next_cursor")),
        )

    @classmethod
    def from_graph(cls, paging: Any) -> Pagination:
        """Read Graph ``paging``: the ``after`` cursor counts only while a ``next`` link exists."""
        paging = coerce.as_dict(paging)
        next_link = coerce.as_str(paging.get("next"))
        if not next_link:
            return cls()
        after = coerce.as_str(coerce.as_dict(paging.get("cursors")).get("after"))
        return cls(next_url=strip_credentials(next_link), next_cursor=after)


def _next_url(value: Any) -> str | None:
    """Read ``next_url`` without its credentials; a URL that cannot be parsed is dropped."""
    try:
        return strip_credentials(coerce.as_str(value))
    except ValueError:  # urlsplit rejects some malformed URLs, such as an unclosed "[" host
        return None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results with the keys needed to ask for the next one."""

    data: list[T] = field(default_factory=list)
    pagination: Pagination = field(default_factory=Pagination)

    @property
    def has_next(self) -> bool:
        return self.pagination.has_next

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


@dataclass(frozen=True, slots=True)
class CursorPage(Generic[T]):
    """A page of a cursor-paged list; ``next_cursor`` is ``None`` on the last page."""

    results: list[T] = field(default_factory=list)
    next_cursor: str | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


def iterate(
    fetch: Callable[[str | None], Page[T]],
    cursor_of: Callable[[Page[T]], str | None],
    *,
    max_items: int | None = DEFAULT_MAX_ITEMS,
    max_pages: int | None = DEFAULT_MAX_PAGES,
) -> Iterator[T]:
    """Yield items page by page, holding one page in memory at a time.

    ``fetch(cursor)`` returns a page (``None`` asks for the first); ``cursor_of(page)`` names the
    cursor of the next page, or ``None`` on the last one. The walk stops on the last page, on an
    empty page, on a cursor seen before (Instagram has been seen repeating one forever), or at
    ``max_items`` / ``max_pages``; ``None`` removes a limit.
    """
    seen: set[str] = set()
    cursor: str | None = None
    pages = 0
    items = 0
    while True:
        page = fetch(cursor)
        pages += 1
        if not page.data:
            return
        for item in page.data:
            yield item
            items += 1
            if max_items is not None and items >= max_items:
                return
        cursor = cursor_of(page)
        if not cursor:
            return
        if cursor in seen:
            logger.warning("Stopped paging: Instagram repeated the cursor of page %d.", pages)
            return
        seen.add(cursor)
        if max_pages is not None and pages >= max_pages:
            return
