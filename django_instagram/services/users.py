"""User calls: profiles, search, recent media, the feed and liked media."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ..client.errors import NotSupportedError
from ..client.pagination import DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, Page
from ..client.types import Media, User, UserSearchResult
from ..resolution import GLOBAL, Credential, resolve
from ._dispatch import (
    FEED, LIKED, MEDIA_RANGE, USER_SEARCH, _api_label, _call, _iterate, _params, _positive_int, _require,
    _self_auth, _user_auth, _with,
)


def user(user_id: Any = "self", token: Any = GLOBAL) -> User:
    """Return a user's profile. ``"self"`` is the token's owner."""
    return _call(
        "user", token,
        legacy=lambda c, auth: c.user(user_id, _self_auth("user", user_id, auth)),
        graph=lambda g, cred: g.me(cred.token) if _is_self(user_id, cred) else _graph_self_only("user"),
    )


def _is_self(user_id: Any, cred: Credential) -> bool:
    """Tell whether ``user_id`` names the token's own account: ``"self"`` or the account's Instagram id."""
    own_id = getattr(cred.account, "instagram_user_id", None)
    return str(user_id) == "self" or (own_id is not None and str(user_id) == own_id)


def _graph_self_only(call: str):
    raise NotSupportedError(
        call, _api_label("graph"), 'Only "self" (the token\'s own account) can be read with this API.'
    )


def user_search(params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> list[UserSearchResult]:
    """Search users by ``q``; at most ``count`` results even when Instagram sends more."""
    query = _params("user_search", params, kwargs, USER_SEARCH)
    _require("user_search", query, "q")
    count = _positive_int("user_search", "count", query["count"]) if "count" in query else None
    results = _call("user_search", token, legacy=lambda c, auth: c.user_search(query, auth))
    return results[:count] if count is not None else results


def user_recent_media_with_pagination(
    user_id: Any = "self", params: Any = None, token: Any = GLOBAL, **kwargs: Any
) -> Page[Media]:
    query = _params("user_recent_media_with_pagination", params, kwargs, MEDIA_RANGE + ("limit", "since", "until", "after"))
    return _call(
        "user_recent_media_with_pagination", token,
        legacy=lambda c, auth: c.user_recent_media(
            user_id, _legacy_only(query), _self_auth("user_recent_media", user_id, auth)
        ),
        graph=lambda g, cred: _graph_recent_media(g, user_id, query, cred),
    )


def _legacy_only(query: Mapping[str, Any]) -> dict[str, Any]:
    graph_names = {"limit", "since", "until", "after"} & set(query)
    if graph_names:
        raise TypeError(f"{', '.join(sorted(graph_names))} exist only in the Graph API; use count, min_id, max_id.")
    return dict(query)


def _graph_recent_media(g, user_id, query, cred):
    if not _is_self(user_id, cred):
        _graph_self_only("user_recent_media")
    return g.my_media(cred.token, _graph_media_query(query))


#: v1 parameter names and the Graph names that mean the same; Graph has no media-id cursors.
GRAPH_MEDIA_NAMES = {"count": "limit", "min_timestamp": "since", "max_timestamp": "until"}


def _graph_media_query(query: Mapping[str, Any]) -> dict[str, Any]:
    """Translate v1 names (count, min_timestamp, max_timestamp) to Graph's; reject min_id and max_id."""
    cursors = {"min_id", "max_id"} & set(query)
    if cursors:
        raise TypeError(
            f"{', '.join(sorted(cursors))} exist only in the legacy v1 API; page the Graph API with after, "
            "or filter by time with since and until."
        )
    return {GRAPH_MEDIA_NAMES.get(key, key): value for key, value in query.items()}


def user_recent_media(user_id: Any = "self", params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> list[Media]:
    return user_recent_media_with_pagination(user_id, params, token, **kwargs).data


def iter_user_recent_media(
    user_id: Any = "self", params: Any = None, token: Any = GLOBAL, *, max_items: int | None = DEFAULT_MAX_ITEMS,
    max_pages: int | None = DEFAULT_MAX_PAGES, **kwargs: Any,
) -> Iterator[Media]:
    query = _params("iter_user_recent_media", params, kwargs, MEDIA_RANGE + ("limit", "since", "until"))
    credential_api = resolve(token).api

    def fetch(cursor):
        key = "after" if credential_api == "graph" else "max_id"
        return user_recent_media_with_pagination(user_id, _with(query, key, cursor), token)

    def next_cursor(page):
        return page.pagination.next_cursor if credential_api == "graph" else page.pagination.next_max_id

    return _iterate(fetch, next_cursor, max_items, max_pages)


def user_feed(params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> list[Media]:
    """Return the token owner's own recent media.

    v1 removed the home feed in 2016, and Elixtagram read the owner's media instead, as this does.
    """
    query = _params("user_feed", params, kwargs, FEED)
    return _call(
        "user_feed", token,
        legacy=lambda c, auth: c.user_recent_media("self", query, _user_auth("user_feed", auth)).data,
    )


def iter_user_feed(
    params: Any = None, token: Any = GLOBAL, *, max_items: int | None = DEFAULT_MAX_ITEMS,
    max_pages: int | None = DEFAULT_MAX_PAGES, **kwargs: Any,
) -> Iterator[Media]:
    query = _params("iter_user_feed", params, kwargs, FEED)

    def fetch(cursor):
        return _call(
            "iter_user_feed", token,
            legacy=lambda c, auth: c.user_recent_media(
                "self", _with(query, "max_id", cursor), _user_auth("iter_user_feed", auth)
            ),
        )

    return _iterate(fetch, lambda page: page.pagination.next_max_id, max_items, max_pages)


def user_media_liked(params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> list[Media]:
    query = _params("user_media_liked", params, kwargs, LIKED)
    return _call(
        "user_media_liked", token,
        legacy=lambda c, auth: c.user_media_liked(query, _user_auth("user_media_liked", auth)).data,
    )


def iter_user_media_liked(
    params: Any = None, token: Any = GLOBAL, *, max_items: int | None = DEFAULT_MAX_ITEMS,
    max_pages: int | None = DEFAULT_MAX_PAGES, **kwargs: Any,
) -> Iterator[Media]:
    query = _params("iter_user_media_liked", params, kwargs, LIKED)

    def fetch(cursor):
        return _call(
            "iter_user_media_liked", token,
            legacy=lambda c, auth: c.user_media_liked(
                _with(query, "max_like_id", cursor), _user_auth("iter_user_media_liked", auth)
            ),
        )

    return _iterate(fetch, lambda page: page.pagination.next_max_like_id, max_items, max_pages)
