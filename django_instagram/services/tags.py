"""Hashtag calls of the legacy v1 API."""

from __future__ import annotations

from typing import Any, Iterator

from ..client.pagination import DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, Page
from ..client.types import Media, Tag
from ..resolution import GLOBAL
from ._dispatch import TAG_MEDIA, _call, _iterate, _params, _with


def tag(name: str, token: Any = GLOBAL) -> Tag:
    return _call("tag", token, legacy=lambda c, auth: c.tag(name, auth))


def tag_search(query: str, token: Any = GLOBAL) -> list[Tag]:
    return _call("tag_search", token, legacy=lambda c, auth: c.tag_search(query, auth))


def tag_recent_media_with_pagination(name: str, params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> Page[Media]:
    query = _params("tag_recent_media_with_pagination", params, kwargs, TAG_MEDIA)
    return _call("tag_recent_media_with_pagination", token, legacy=lambda c, auth: c.tag_recent_media(name, query, auth))


def tag_recent_media(name: str, params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> list[Media]:
    query = _params("tag_recent_media", params, kwargs, TAG_MEDIA)
    return _call("tag_recent_media", token, legacy=lambda c, auth: c.tag_recent_media(name, query, auth).data)


def iter_tag_recent_media(
    name: str, params: Any = None, token: Any = GLOBAL, *, max_items: int | None = DEFAULT_MAX_ITEMS,
    max_pages: int | None = DEFAULT_MAX_PAGES, **kwargs: Any,
) -> Iterator[Media]:
    query = _params("iter_tag_recent_media", params, kwargs, TAG_MEDIA)
    return _iterate(
        lambda cursor: tag_recent_media_with_pagination(name, _with(query, "max_tag_id", cursor), token),
        lambda page: page.pagination.next_max_tag_id, max_items, max_pages,
    )
