"""Dispatch shared by every service call: token to credential, API choice, errors, parameters.

``_call`` runs a call on the API of its token's credential, checks and records the shared
rate-limit budget, marks an account whose token Instagram rejected, and keeps the usage the
last call reported for ``last_rate_limit_usage``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Iterator, Mapping

from django.views.decorators.debug import sensitive_variables

from .. import ratelimit
from ..client.errors import InstagramAPIError, NotSupportedError, OAuthAccessTokenError, RateLimitError
from ..client.pagination import CursorPage, Pagination, iterate
from ..client.usage import RateLimitUsage
from ..exceptions import AccountError
from ..resolution import Credential, legacy_client, resolve

logger = logging.getLogger(__name__)

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


def last_rate_limit_usage() -> RateLimitUsage:
    """Return the rate-limit usage Instagram reported for the last call made in this thread."""
    return getattr(_usage, "value", RateLimitUsage())


def _call(
    name: str, token: Any, *, legacy: Callable | None = None, graph: Callable | None = None, mark_reauth: bool = True,
) -> Any:
    """Run call ``name`` on the API of ``token``'s credential and record what happened.

    ``mark_reauth=False`` leaves the account active when Instagram rejects its token, for
    best-effort calls whose failure must not change the account.
    """
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
        if mark_reauth:
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
    from ..graph import graph_client

    return graph_client()


def _account_id(credential: Credential) -> Any:
    return getattr(credential.account, "pk", None)


def _mark_needs_reauth(credential: Credential, error: Exception) -> None:
    account = credential.account
    logger.warning("Instagram rejected the token of account %s: %s", _account_id(credential), error)
    if account is None or account.pk is None:
        return
    from ..accounts import mark_needs_reauth

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


def _positive_int(call: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{call}() needs {name} as a positive integer, not {value!r}.")
    return value


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


def _with(query: Mapping[str, Any], key: str, cursor: str | None) -> dict[str, Any]:
    merged = dict(query)
    if cursor:
        merged[key] = cursor
    return merged


def _iterate(fetch, next_cursor, max_items, max_pages) -> Iterator:
    _check_limit("max_items", max_items)
    _check_limit("max_pages", max_pages)
    # The iterator calls fetch later, outside the public call's wrapper, and fetch's frame keeps
    # the token in a closure variable. So fetch is marked for error reports too.
    return iterate(sensitive_variables()(fetch), next_cursor, max_items=max_items, max_pages=max_pages)


def _check_limit(name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer or None (no limit), not {value!r}.")


def _cursor_pagination(page: CursorPage) -> Pagination:
    return Pagination(next_cursor=page.next_cursor)
