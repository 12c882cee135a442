"""The one place a site calls Instagram from.

Every call of the Elixtagram client is here under the same name, with typed results and the
errors of ``django_instagram.exceptions``. ``token`` defaults to ``GLOBAL``: the token set with
``configure(GLOBAL, token)`` or ``INSTAGRAM["ACCESS_TOKEN"]``, else (v1 only) the app's
``client_id``. It may also be a token string, an ``InstagramAccount``, or a site user with exactly
one linked account. Calls that take Elixtagram's map of parameters accept a dict or keyword
arguments; an unknown name raises ``TypeError`` that lists the accepted ones.

The API that answers is the account's own, or ``INSTAGRAM["API"]`` for a token string; a call
that API does not offer raises ``NotSupportedError``.
"""

from __future__ import annotations

import inspect
import logging
import threading
from typing import Any, Callable, Iterable, Iterator, Mapping

from django.urls import reverse
from django.views.decorators.debug import sensitive_variables

from . import ratelimit, signals
from .client import oauth
from .client.errors import InstagramAPIError, NotSupportedError, OAuthAccessTokenError, RateLimitError
from .client.legacy import RELATIONSHIP_ACTIONS
from .client.pagination import DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, CursorPage, Page, iterate
from .client.types import (
    AccessToken, Comment, Location, Media, PublishingLimit, Relationship, Tag, User, UserSearchResult,
)
from .client.usage import RateLimitUsage
from .conf import instagram_settings
from .exceptions import AccountError
from .resolution import GLOBAL, Credential, background_work, configured_api, legacy_client, resolve, transport

logger = logging.getLogger(__name__)

__all__ = [
    "GLOBAL", "authorize_url", "background_work", "comment_hide", "comment_replies", "comment_reply",
    "configure", "content_publishing_limit", "get_token", "media_children", "publish_carousel",
    "publish_image", "publish_video", "iter_location_recent_media",
    "iter_tag_recent_media", "iter_user_feed", "iter_user_followed_by", "iter_user_follows",
    "iter_user_media_liked", "iter_user_recent_media", "last_rate_limit_usage", "location",
    "location_recent_media", "location_recent_media_with_pagination", "location_search", "media",
    "media_comment", "media_comment_delete", "media_comments", "media_like", "media_likes",
    "media_popular", "media_search", "media_shortcode", "media_unlike", "tag", "tag_recent_media",
    "tag_recent_media_with_pagination", "tag_search", "user", "user_feed", "user_followed_by",
    "user_follows", "user_media_liked", "user_recent_media", "user_recent_media_with_pagination",
    "user_relationship", "user_requested_by", "user_search",
]

_usage = threading.local()

# Parameter names each call accepts (Elixtagram's lists, with the ones the API documented).
MEDIA_RANGE = ("count", "min_timestamp", "max_timestamp", "min_id", "max_id")
TAG_MEDIA = ("count", "min_tag_id", "max_tag_id")
LOCATION_SEARCH = ("lat", "lng", "distance", "count", "facebook_places_id", "foursquare_v2_id", "foursquare_id")
MEDIA_SEARCH = ("lat", "lng", "distance", "count", "min_timestamp", "max_timestamp")
USER_SEARCH = ("q", "count")
FEED = ("count", "min_id", "max_id")
LIKED = ("count", "max_like_id")
FOLLOWS = ("count", "cursor")


# Configuration and OAuth ------------------------------------------------------------------------


def configure(*args: Any) -> None:
    """Set runtime configuration for this process, over settings and the environment.

    ``configure()`` clears it; ``configure(client_id, client_secret, redirect_uri)`` sets the app
    credentials; ``configure(GLOBAL, token)`` sets the global token.
    """
    runtime = instagram_settings.runtime
    if not args:
        runtime.clear()
        return
    if len(args) == 2 and args[0] is GLOBAL:
        if not isinstance(args[1], str) or not args[1]:
            raise TypeError("configure(GLOBAL, token) needs a non-empty token string.")
        runtime["ACCESS_TOKEN"] = args[1]
        return
    if len(args) == 3:
        runtime.update(zip(("CLIENT_ID", "CLIENT_SECRET", "REDIRECT_URI"), args))
        return
    raise TypeError(
        "configure() takes no arguments, (client_id, client_secret, redirect_uri) or (GLOBAL, token)."
    )


def authorize_url(scopes: Iterable[str] | None = None, state: str | None = None, *, api: str | None = None) -> str:
    """Build the URL that sends a user to Instagram to authorise the app.

    With ``INSTAGRAM["SANDBOX"]`` on, the URL points at the sandbox's consent page on this site.
    """
    api = api or configured_api()
    scope_list = list(instagram_settings.scopes if scopes is None else scopes)
    if api == "legacy":
        _check_legacy_scopes(scope_list)
        base, separator = oauth.LEGACY_AUTHORIZE_URL, " "
    else:
        base, separator = oauth.GRAPH_AUTHORIZE_URL, ","
    if instagram_settings.SANDBOX:
        base = reverse("django_instagram_sandbox:authorize")
    return oauth.build_authorize_url(
        base,
        client_id=instagram_settings.require("CLIENT_ID"),
        redirect_uri=instagram_settings.require("REDIRECT_URI"),
        scopes=scope_list,
        state=state,
        scope_separator=separator,
    )


def _check_legacy_scopes(scopes: list[str]) -> None:
    unknown = [scope for scope in scopes if scope not in oauth.LEGACY_SCOPES]
    if unknown:
        raise ValueError(
            f"Unknown v1 scope(s) {', '.join(map(repr, unknown))}; use {', '.join(oauth.LEGACY_SCOPES)}."
        )


def get_token(code: str, *, api: str | None = None) -> AccessToken:
    """Exchange an authorisation code for an access token (``#_`` at the end is stripped)."""
    api = api or configured_api()
    return oauth.exchange_code(
        transport(),
        code,
        client_id=instagram_settings.require("CLIENT_ID"),
        client_secret=instagram_settings.require("CLIENT_SECRET"),
        redirect_uri=instagram_settings.require("REDIRECT_URI"),
        api=api,
    )


def last_rate_limit_usage() -> RateLimitUsage:
    """The rate-limit usage Instagram reported for the last call made in this thread."""
    return getattr(_usage, "value", RateLimitUsage())


# Dispatch ----------------------------------------------------------------------------------------


def _call(name: str, token: Any, *, legacy: Callable | None = None, graph: Callable | None = None) -> Any:
    """Run call ``name`` on the API of ``token``'s credential and record what happened."""
    credential = resolve(token)
    handler = legacy if credential.api == "legacy" else graph
    if handler is None:
        other = "the legacy v1 API" if credential.api == "graph" else "the Instagram API with Instagram Login"
        raise NotSupportedError(name, _api_label(credential.api), f"It exists only in {other}.")
    ratelimit.check_budget(credential, name)
    client = legacy_client() if credential.api == "legacy" else _graph_client()
    argument = credential.query if credential.api == "legacy" else credential
    try:
        return handler(client, argument)
    except OAuthAccessTokenError as error:
        _mark_needs_reauth(credential, error)
        raise
    except RateLimitError as error:
        ratelimit.record_rate_limit(credential, error)
        raise
    except InstagramAPIError as error:
        logger.info("Instagram call %s failed for account %s: %s", name, _account_id(credential), error)
        raise
    finally:
        _usage.value = client.transport.last_usage
        ratelimit.record_usage(credential, client.transport.last_usage)


def _api_label(api: str) -> str:
    return "legacy v1 API" if api == "legacy" else "Instagram API with Instagram Login"


def _graph_client():
    from .graph import graph_client

    return graph_client()


def _account_id(credential: Credential) -> Any:
    return getattr(credential.account, "pk", None)


def _mark_needs_reauth(credential: Credential, error: Exception) -> None:
    account = credential.account
    logger.warning("Instagram rejected the token of account %s: %s", _account_id(credential), error)
    if account is None or account.pk is None:
        return
    from .accounts import mark_needs_reauth

    mark_needs_reauth(account, str(error))


def _params(call: str, params: Any, kwargs: Mapping[str, Any], accepted: tuple[str, ...]) -> dict[str, Any]:
    """Merge a parameter dict and keyword arguments, rejecting unknown names."""
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"{call}() takes its parameters as a dict or keyword arguments, not {type(params).__name__}.")
    merged = {**(params or {}), **kwargs}
    unknown = sorted(str(key) for key in merged if key not in accepted)
    if unknown:
        raise TypeError(
            f"{call}() got unknown parameter(s) {', '.join(unknown)}; accepted: {', '.join(accepted)}."
        )
    return {key: value for key, value in merged.items() if value is not None}


def _require(call: str, params: Mapping[str, Any], *names: str) -> None:
    missing = [name for name in names if name not in params]
    if missing:
        raise TypeError(f"{call}() requires the parameter(s) {', '.join(missing)}.")


# Tags --------------------------------------------------------------------------------------------


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


# Locations -----------------------------------------------------------------------------------------


def location(location_id: Any, token: Any = GLOBAL) -> Location:
    return _call("location", token, legacy=lambda c, auth: c.location(location_id, auth))


def location_recent_media_with_pagination(
    location_id: Any, params: Any = None, token: Any = GLOBAL, **kwargs: Any
) -> Page[Media]:
    query = _params("location_recent_media_with_pagination", params, kwargs, MEDIA_RANGE)
    return _call(
        "location_recent_media_with_pagination", token,
        legacy=lambda c, auth: c.location_recent_media(location_id, query, auth),
    )


def location_recent_media(location_id: Any, params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> list[Media]:
    query = _params("location_recent_media", params, kwargs, MEDIA_RANGE)
    return _call(
        "location_recent_media", token, legacy=lambda c, auth: c.location_recent_media(location_id, query, auth).data
    )


def iter_location_recent_media(
    location_id: Any, params: Any = None, token: Any = GLOBAL, *, max_items: int | None = DEFAULT_MAX_ITEMS,
    max_pages: int | None = DEFAULT_MAX_PAGES, **kwargs: Any,
) -> Iterator[Media]:
    query = _params("iter_location_recent_media", params, kwargs, MEDIA_RANGE)
    return _iterate(
        lambda cursor: location_recent_media_with_pagination(location_id, _with(query, "max_id", cursor), token),
        lambda page: page.pagination.next_max_id, max_items, max_pages,
    )


def location_search(params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> list[Location]:
    """Search locations by exactly one of: ``lat`` and ``lng``, ``facebook_places_id``,
    ``foursquare_v2_id`` or ``foursquare_id`` (plus ``distance`` and ``count``)."""
    query = _params("location_search", params, kwargs, LOCATION_SEARCH)
    _check_location_selector(query)
    return _call("location_search", token, legacy=lambda c, auth: c.location_search(query, auth))


def _check_location_selector(query: Mapping[str, Any]) -> None:
    selectors = [name for name in ("facebook_places_id", "foursquare_v2_id", "foursquare_id") if name in query]
    has_lat, has_lng = "lat" in query, "lng" in query
    if has_lat != has_lng:
        raise ValueError("location_search() needs lat and lng together.")
    if has_lat:
        selectors.append("lat+lng")
    if len(selectors) != 1:
        raise ValueError(
            "location_search() needs exactly one of lat+lng, facebook_places_id, foursquare_v2_id or "
            f"foursquare_id; got {', '.join(selectors) or 'none'}."
        )


# Media -----------------------------------------------------------------------------------------------


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


def _positive_int(call: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{call}() needs {name} as a positive integer, not {value!r}.")
    return value


# Comments ---------------------------------------------------------------------------------------------


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


def _user_auth(call: str, auth: Mapping[str, str]) -> Mapping[str, str]:
    """Reject client-id authentication for calls that act as a user."""
    if "access_token" not in auth:
        raise AccountError(
            f"{call}() acts as a user and needs an access token: pass token= or call configure(GLOBAL, token)."
        )
    return auth


def _self_auth(call: str, user_id: Any, auth: Mapping[str, str]) -> Mapping[str, str]:
    """Reject client-id authentication for ``"self"``, which names the token's owner."""
    return _user_auth(call, auth) if str(user_id) == "self" else auth


# Likes ---------------------------------------------------------------------------------------------------


def media_likes(media_id: Any, token: Any = GLOBAL) -> list[UserSearchResult]:
    return _call("media_likes", token, legacy=lambda c, auth: c.media_likes(media_id, auth))


def media_like(media_id: Any, token: Any = GLOBAL) -> None:
    _call("media_like", token, legacy=lambda c, auth: c.media_like(media_id, _user_auth("media_like", auth)))


def media_unlike(media_id: Any, token: Any = GLOBAL) -> None:
    _call("media_unlike", token, legacy=lambda c, auth: c.media_unlike(media_id, _user_auth("media_unlike", auth)))


# Users -------------------------------------------------------------------------------------------------


def user(user_id: Any = "self", token: Any = GLOBAL) -> User:
    """A user's profile; ``"self"`` is the token's owner."""
    return _call(
        "user", token,
        legacy=lambda c, auth: c.user(user_id, _self_auth("user", user_id, auth)),
        graph=lambda g, cred: g.me(cred.token) if _is_self(user_id, cred) else _graph_self_only("user"),
    )


def _is_self(user_id: Any, cred: Credential) -> bool:
    """Whether ``user_id`` names the token's own account: ``"self"`` or the account's Instagram id."""
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
    """The token owner's own recent media (v1 removed the home feed in 2016; Elixtagram did the same)."""
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


# Relationships ------------------------------------------------------------------------------------------


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


def _cursor_pagination(page: CursorPage):
    from .client.pagination import Pagination

    return Pagination(next_cursor=page.next_cursor)


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


# Pagination helpers -------------------------------------------------------------------------------------


def _with(query: Mapping[str, Any], key: str, cursor: str | None) -> dict[str, Any]:
    merged = dict(query)
    if cursor:
        merged[key] = cursor
    return merged


def _iterate(fetch, next_cursor, max_items, max_pages) -> Iterator:
    _check_limit("max_items", max_items)
    _check_limit("max_pages", max_pages)
    # The iterator calls fetch later, outside the public call's wrapper, and fetch's frame holds
    # the token as a closure variable: mark it for error reports too.
    return iterate(sensitive_variables()(fetch), next_cursor, max_items=max_items, max_pages=max_pages)


def _check_limit(name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer or None (no limit), not {value!r}.")


# Graph API ------------------------------------------------------------------------------------------------
# Calls that exist only in the Instagram API with Instagram Login; with a legacy token they raise
# NotSupportedError. Publishing waits for the media container, so call it from background work
# when the wait (INSTAGRAM["PUBLISH_TIMEOUT"]) would hold up a web request.

#: Instagram accepts 2 to 10 items in a carousel.
CAROUSEL_SIZE = (2, 10)


def media_children(media_id: Any, token: Any = GLOBAL) -> list[Media]:
    """The items of a carousel, without captions; an empty list for an image or video."""
    return _call("media_children", token, graph=lambda g, cred: g.media_children(media_id, cred.token))


def comment_replies(comment_id: Any, token: Any = GLOBAL) -> list[Comment]:
    return _call("comment_replies", token, graph=lambda g, cred: g.comment_replies(comment_id, cred.token))


def comment_reply(comment_id: Any, text: str, token: Any = GLOBAL) -> str | None:
    """Reply to a comment on one of the account's media; return the reply's id."""
    _check_text("comment_reply", text)
    return _call("comment_reply", token, graph=lambda g, cred: g.reply(comment_id, text, cred.token))


def comment_hide(comment_id: Any, hidden: bool = True, token: Any = GLOBAL) -> None:
    """Hide a comment on one of the account's media (``hidden=False`` shows it again)."""
    if not isinstance(hidden, bool):
        raise TypeError(f"comment_hide() needs hidden as True or False, not {hidden!r}.")
    _call("comment_hide", token, graph=lambda g, cred: g.hide_comment(comment_id, hidden, cred.token))


def publish_image(image_url: str, caption: str | None = None, token: Any = GLOBAL, *, alt_text: str | None = None) -> str:
    """Publish a JPEG that Instagram downloads from ``image_url``; return the new media's id."""
    params = {"image_url": _public_url("publish_image", "image_url", image_url), "caption": caption, "alt_text": alt_text}
    return _call("publish_image", token, graph=lambda g, cred: _publish(g, cred, params))


def publish_video(
    video_url: str, caption: str | None = None, token: Any = GLOBAL, *, cover_url: str | None = None,
    share_to_feed: bool | None = None,
) -> str:
    """Publish a video as a reel (``media_type=REELS``); return the new media's id."""
    params = {
        "media_type": "REELS",
        "video_url": _public_url("publish_video", "video_url", video_url),
        "caption": caption,
        "cover_url": cover_url,
        "share_to_feed": share_to_feed,
    }
    return _call("publish_video", token, graph=lambda g, cred: _publish(g, cred, params))


def publish_carousel(items: Iterable[Any], caption: str | None = None, token: Any = GLOBAL) -> str:
    """Publish a carousel of 2 to 10 items; return the new media's id.

    Each item is an image URL, or a dict with ``image_url`` or ``video_url`` (and for images
    ``alt_text``). Every item's container must finish before the carousel's is created.
    """
    children = [_carousel_item(item) for item in items]
    low, high = CAROUSEL_SIZE
    if not low <= len(children) <= high:
        raise ValueError(f"publish_carousel() needs {low} to {high} items, not {len(children)}.")
    return _call("publish_carousel", token, graph=lambda g, cred: _publish_carousel(g, cred, children, caption))


def content_publishing_limit(token: Any = GLOBAL) -> PublishingLimit:
    """How many posts the account published through the API in the rolling window, and the quota."""
    return _call(
        "content_publishing_limit", token,
        graph=lambda g, cred: g.content_publishing_limit(_graph_user_id(cred), cred.token),
    )


def _check_text(call: str, text: Any) -> None:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{call}() needs a non-empty text, not {text!r}.")


def _public_url(call: str, name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise ValueError(f"{call}() needs {name} as a public http(s) URL that Instagram can download, not {value!r}.")
    return value


def _carousel_item(item: Any) -> dict[str, Any]:
    if isinstance(item, str):
        item = {"image_url": item}
    if not isinstance(item, Mapping) or len({"image_url", "video_url"} & set(item)) != 1:
        raise ValueError(
            f"publish_carousel() items are image URLs or dicts with image_url or video_url, not {item!r}."
        )
    unknown = set(item) - {"image_url", "video_url", "alt_text"}
    if unknown:
        raise ValueError(f"publish_carousel() item has unknown key(s) {', '.join(sorted(unknown))}.")
    params: dict[str, Any] = {"is_carousel_item": True, **item}
    for name in ("image_url", "video_url"):
        if name in params:
            _public_url("publish_carousel", name, params[name])
    if "video_url" in params:
        params["media_type"] = "VIDEO"
    return params


def _graph_user_id(cred: Credential) -> str:
    """Return the Instagram account id that publishing paths name; ``me`` for a bare token string."""
    # NOTE: Meta documents publishing only under /<IG user id>/; /me/media for a bare token is untested against Instagram.
    account_id = getattr(cred.account, "instagram_user_id", "")
    return account_id or "me"


def _publish_wait() -> dict[str, float]:
    return {
        "timeout": float(instagram_settings.PUBLISH_TIMEOUT),
        "interval": float(instagram_settings.PUBLISH_POLL_INTERVAL),
    }


def _publish(g, cred: Credential, params: Mapping[str, Any]) -> str:
    user_id = _graph_user_id(cred)
    container_id = g.create_container(user_id, params, cred.token)
    logger.info("Created media container %s for account %s.", container_id, _account_id(cred))
    return g.publish(user_id, container_id, cred.token, **_publish_wait())


def _publish_carousel(g, cred: Credential, children: list[dict[str, Any]], caption: str | None) -> str:
    user_id = _graph_user_id(cred)
    child_ids = []
    for child in children:
        child_id = g.create_container(user_id, child, cred.token)
        g.wait_for_container(child_id, cred.token, **_publish_wait())
        child_ids.append(child_id)
    params = {"media_type": "CAROUSEL", "children": ",".join(child_ids), "caption": caption}
    return _publish(g, cred, params)


def _hide_locals_from_error_reports() -> None:
    """Wrap every public call in Django's ``sensitive_variables()``.

    Tokens travel as plain strings through the call and the client code below it. Django's error
    reports (the DEBUG=False e-mails to ADMINS, ``ExceptionReporter``) print local variables, and
    this marks every frame from the wrapped call down as sensitive.
    """
    for name in __all__:
        function = globals()[name]
        if inspect.isfunction(function) and function.__module__ == __name__:
            globals()[name] = sensitive_variables()(function)


_hide_locals_from_error_reports()
