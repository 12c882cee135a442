"""Media, comment and like calls. Media and comment calls work with both APIs."""

from __future__ import annotations

from typing import Any

from ..client.types import Comment, Media, UserSearchResult
from ..resolution import GLOBAL
from ._dispatch import MEDIA_SEARCH, _call, _params, _positive_int, _require, _user_auth


def media(media_id: Any, token: Any = GLOBAL) -> Media:
    return _call(
        "media", token,
        legacy=lambda c, auth: c.media(media_id, auth),
        graph=lambda g, cred: g.media(media_id, cred.token),
    )


def media_shortcode(shortcode: str, token: Any = GLOBAL) -> Media:
    return _call("media_shortcode", token, legacy=lambda c, auth: c.media_shortcode(shortcode, auth))


def media_search(params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> list[Media]:
    query = _params("media_search", params, kwargs, MEDIA_SEARCH)
    _require("media_search", query, "lat", "lng")
    return _call("media_search", token, legacy=lambda c, auth: c.media_search(query, auth))


def media_popular(count: int | None = None, token: Any = GLOBAL) -> list[Media]:
    query = {} if count is None else {"count": _positive_int("media_popular", "count", count)}
    return _call("media_popular", token, legacy=lambda c, auth: c.media_popular(query, auth))


def media_comments(media_id: Any, token: Any = GLOBAL) -> list[Comment]:
    return _call(
        "media_comments", token,
        legacy=lambda c, auth: c.media_comments(media_id, auth),
        graph=lambda g, cred: list(g.iter_comments(media_id, cred.token)),
    )


def media_comment(media_id: Any, text: str, token: Any = GLOBAL) -> None:
    """Comment on a media. With the Graph API, only on the account's own media."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("media_comment() needs a non-empty text.")
    _call(
        "media_comment", token,
        legacy=lambda c, auth: c.media_comment(media_id, text, _user_auth("media_comment", auth)),
        graph=lambda g, cred: g.comment(media_id, text, cred.token),
    )


def media_comment_delete(media_id: Any, comment_id: Any, token: Any = GLOBAL) -> None:
    _call(
        "media_comment_delete", token,
        legacy=lambda c, auth: c.media_comment_delete(media_id, comment_id, _user_auth("media_comment_delete", auth)),
        graph=lambda g, cred: g.delete_comment(comment_id, cred.token),
    )


def media_likes(media_id: Any, token: Any = GLOBAL) -> list[UserSearchResult]:
    return _call("media_likes", token, legacy=lambda c, auth: c.media_likes(media_id, auth))


def media_like(media_id: Any, token: Any = GLOBAL) -> None:
    _call("media_like", token, legacy=lambda c, auth: c.media_like(media_id, _user_auth("media_like", auth)))


def media_unlike(media_id: Any, token: Any = GLOBAL) -> None:
    _call("media_unlike", token, legacy=lambda c, auth: c.media_unlike(media_id, _user_auth("media_unlike", auth)))
