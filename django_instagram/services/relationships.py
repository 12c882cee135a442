"""Relationship calls of the legacy v1 API: follows, followers, requests and actions."""

from __future__ import annotations

from typing import Any, Iterator

from ..client.legacy import RELATIONSHIP_ACTIONS
from ..client.pagination import DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, Page
from ..client.types import Relationship, UserSearchResult
from ..resolution import GLOBAL
from ._dispatch import FOLLOWS, _call, _cursor_pagination, _iterate, _params, _positive_int, _user_auth, _with


def user_follows(user_id: Any, count_or_params: Any = None, token: Any = GLOBAL, **kwargs: Any):
    """Users that ``user_id`` follows.

    With an integer count (or nothing) returns ``list[UserSearchResult]``, the first page. With a
    dict or keyword arguments (``count``, ``cursor``) returns a ``CursorPage`` whose
    ``next_cursor`` is ``None`` on the last page.
    """
    first_page_only = count_or_params is None and not kwargs
    if first_page_only or (isinstance(count_or_params, int) and not isinstance(count_or_params, bool)):
        query = {} if count_or_params is None else {"count": _positive_int("user_follows", "count", count_or_params)}
        return _call("user_follows", token, legacy=lambda c, auth: c.user_follows(user_id, query, auth).results)
    query = _params("user_follows", count_or_params, kwargs, FOLLOWS)
    return _call("user_follows", token, legacy=lambda c, auth: c.user_follows(user_id, query, auth))


def iter_user_follows(
    user_id: Any, params: Any = None, token: Any = GLOBAL, *, max_items: int | None = DEFAULT_MAX_ITEMS,
    max_pages: int | None = DEFAULT_MAX_PAGES, **kwargs: Any,
) -> Iterator[UserSearchResult]:
    query = _params("iter_user_follows", params, kwargs, FOLLOWS)

    def fetch(cursor):
        page = _call(
            "iter_user_follows", token,
            legacy=lambda c, auth: c.user_follows(user_id, _with(query, "cursor", cursor), auth),
        )
        return Page(page.results, _cursor_pagination(page))

    return _iterate(fetch, lambda page: page.pagination.next_cursor, max_items, max_pages)


def user_followed_by(user_id: Any, token: Any = GLOBAL) -> list[UserSearchResult]:
    return _call("user_followed_by", token, legacy=lambda c, auth: c.user_followed_by(user_id, {}, auth).results)


def iter_user_followed_by(
    user_id: Any, token: Any = GLOBAL, *, max_items: int | None = DEFAULT_MAX_ITEMS,
    max_pages: int | None = DEFAULT_MAX_PAGES,
) -> Iterator[UserSearchResult]:
    def fetch(cursor):
        page = _call(
            "iter_user_followed_by", token,
            legacy=lambda c, auth: c.user_followed_by(user_id, _with({}, "cursor", cursor), auth),
        )
        return Page(page.results, _cursor_pagination(page))

    return _iterate(fetch, lambda page: page.pagination.next_cursor, max_items, max_pages)


def user_requested_by(token: Any = GLOBAL) -> list[UserSearchResult]:
    return _call("user_requested_by", token, legacy=lambda c, auth: c.user_requested_by(_user_auth("user_requested_by", auth)))


def user_relationship(user_id: Any, *args: Any, token: Any = GLOBAL, action: str | None = None) -> Relationship:
    """Read, or with an action change, the token owner's relationship with ``user_id``.

    Forms: ``user_relationship(user_id, token)`` reads; ``user_relationship(user_id, action, token)``
    (or ``action=``) posts one of follow, unfollow, block, unblock, approve, ignore and returns the
    relationship after the change. An unknown action raises ``ValueError`` before any request.
    """
    if len(args) > 2:
        raise TypeError("user_relationship() takes user_id, then an action and/or a token.")
    if len(args) == 2:
        if action is not None:
            raise TypeError("user_relationship() got the action both positionally and as action=.")
        action, token = args
    elif len(args) == 1:
        if action is None and _looks_like_action(args[0]):
            action = args[0]
        else:
            token = args[0]
    if action is None:
        return _call(
            "user_relationship", token,
            legacy=lambda c, auth: c.user_relationship(user_id, _user_auth("user_relationship", auth)),
        )
    if action not in RELATIONSHIP_ACTIONS:
        raise ValueError(f"Invalid relationship action {action!r}: use one of {', '.join(RELATIONSHIP_ACTIONS)}.")
    return _call(
        "user_relationship", token,
        legacy=lambda c, auth: c.user_relationship_change(user_id, action, _user_auth("user_relationship", auth)),
    )


def _looks_like_action(value: Any) -> bool:
    """Tell a lone action word from a token: tokens are long (v1 ``<id>.<hex>.<hex>``, Graph
    ``IGAA…``), actions are one short word, so a mistyped action raises instead of being sent."""
    return isinstance(value, str) and len(value) <= 24 and "." not in value and value.replace("_", "").isalpha()
