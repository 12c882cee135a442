"""Instagram's rate-limit budget, shared by every process of a site through Django's cache.

After each call, the usage Instagram reported in the response headers is stored as a percentage
for the app (Graph ``X-App-Usage``) and for the account (Graph ``X-Business-Use-Case-Usage``,
v1 ``X-Ratelimit-Limit`` and ``X-Ratelimit-Remaining``). v1 calls made with the app's
``client_id`` count against the app. After a ``RateLimitError``, the account (or the app, for
Graph's app-level code 4 and for ``client_id`` calls) is blocked until ``retry_after`` has
passed. While it is blocked, ``check_budget`` raises ``RateLimitError`` without sending anything.

Nothing here sleeps. Background work (token refresh, cache warming) calls ``budget_exhausted``
before each step and stops when it returns a message. A web request gets the error at once.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from typing import Any, Callable

from django.utils.translation import gettext as _

from .cache import PREFIX, get_cache
from .client.errors import RateLimitError
from .client.usage import RateLimitUsage
from .conf import instagram_settings

logger = logging.getLogger(__name__)

APP_SCOPE = "app"

#: Seconds a usage percentage stays in the cache. Platform limits and v1 limits count calls over
#: a rolling hour, so an older reading is a poor guide to the budget left now. Business use case
#: limits count over 24 hours, but each response that carries the header replaces the reading.
USAGE_TIMEOUT = 3600

#: Seconds to block after a rate-limit error that names no wait (v1 429 responses carry no
#: ``Retry-After``).
# NOTE: 60 s is a guess. Instagram documents no wait for these errors, and v1 counted calls per hour.
DEFAULT_BLOCK_SECONDS = 60

#: Graph error code for the app-level rate limit; it blocks every account of the app.
GRAPH_APP_LIMIT_CODE = 4

#: Seconds between two warnings about a failing cache, so an outage logs once a minute per
#: process instead of on every call.
CACHE_WARNING_INTERVAL = 60.0

_last_cache_warning = {"at": None, "suppressed": 0}


def _now() -> float:
    """Current time in seconds since the epoch; tests replace it to move the clock."""
    return time.time()


# Scopes and keys ---------------------------------------------------------------------------


def account_scope(credential: Any) -> str | None:
    """Name the budget of the credential's account, or ``None`` for a ``client_id`` call.

    A bare token string has no account row, so its scope is a hash of the token (never the token).
    """
    account = getattr(credential, "account", None)
    if account is not None and account.pk is not None:
        return f"account:{account.pk}"
    token = getattr(credential, "token", None)
    if token:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:16]
    return None


def _scopes(credential: Any) -> list[str]:
    scope = account_scope(credential)
    return [APP_SCOPE] if scope is None else [APP_SCOPE, scope]


def _key(scope: str, name: str) -> str:
    return f"{PREFIX}:ratelimit:{scope}:{name}"


def _cache_call(operation: Callable[[], Any], default: Any = None) -> Any:
    """Run a cache operation; when the cache server fails, log it and return ``default``.

    A cache outage must not stop every Instagram call, so the budget is skipped instead.
    """
    try:
        return operation()
    except Exception as error:  # Cache backends raise their own errors (redis, memcached, database).
        _warn_cache_failure(error)
        return default


def _warn_cache_failure(error: Exception) -> None:
    """Log a cache failure, at most once per ``CACHE_WARNING_INTERVAL`` in this process."""
    now = time.monotonic()
    last = _last_cache_warning["at"]
    if last is not None and now - last < CACHE_WARNING_INTERVAL:
        _last_cache_warning["suppressed"] += 1
        return

    logger.warning(
        "Rate-limit budget unavailable, cache failed: %s: %s (%d similar failures not logged).",
        type(error).__name__, error, _last_cache_warning["suppressed"],
    )
    _last_cache_warning["at"] = now
    _last_cache_warning["suppressed"] = 0


# Recording -------------------------------------------------------------------------------


def split_usage(usage: RateLimitUsage, credential: Any) -> dict[str, int]:
    """Return the highest percentage in use per scope (``"app"`` and the account's scope)."""
    app_values = list(usage.app_usage.values())
    account_values = [
        value
        for entries in usage.business_use_case_usage.values()
        for entry in entries
        for name, value in entry.items()
        if name in ("call_count", "total_cputime", "total_time") and isinstance(value, int)
    ]
    if usage.limit and usage.remaining is not None:
        account_values.append(round(100 * (usage.limit - usage.remaining) / usage.limit))

    scope = account_scope(credential)
    if scope is None:
        app_values.extend(account_values)
        account_values = []

    percentages = {}
    if app_values:
        percentages[APP_SCOPE] = max(app_values)
    if account_values:
        percentages[scope] = max(account_values)
    return percentages


def record_usage(credential: Any, usage: RateLimitUsage) -> None:
    """Store the usage of one response so every process reads the same budget."""
    if usage.is_empty:
        return
    for scope, percent in split_usage(usage, credential).items():
        _cache_call(lambda: get_cache().set(_key(scope, "usage"), percent, timeout=USAGE_TIMEOUT))


def record_rate_limit(credential: Any, error: RateLimitError) -> float:
    """Block the account (or the app) until ``error.retry_after`` has passed; return the seconds."""
    seconds = error.retry_after if error.retry_after is not None else DEFAULT_BLOCK_SECONDS
    seconds = max(float(seconds), 1.0)
    scope = account_scope(credential)
    if scope is None or error.code == GRAPH_APP_LIMIT_CODE:
        scope = APP_SCOPE

    until = _now() + seconds
    timeout = math.ceil(seconds) + 1
    _cache_call(lambda: get_cache().set(_key(scope, "blocked_until"), until, timeout=timeout))
    logger.warning(
        "Instagram rate-limited %s (%s); no request for it for %.0f s.", _label(scope), error, seconds,
    )
    return seconds


# Reading -----------------------------------------------------------------------------------


def blocked_seconds(scope: str) -> float | None:
    """Return the seconds left until ``scope`` may send requests again, or ``None`` when not blocked."""
    until = _cache_call(lambda: get_cache().get(_key(scope, "blocked_until")))
    return _seconds_until(until)


def _seconds_until(until: Any) -> float | None:
    if until is None:
        return None
    remaining = float(until) - _now()
    return remaining if remaining > 0 else None


def usage_percent(scope: str) -> int | None:
    """Return the last percentage of the budget in use that Instagram reported for ``scope``."""
    return _cache_call(lambda: get_cache().get(_key(scope, "usage")))


def check_budget(credential: Any, call: str = "") -> None:
    """Raise ``RateLimitError`` without sending anything while the app or account is blocked.

    Both scopes are read with one ``get_many``: one round trip to a shared cache per call.
    """
    scopes = _scopes(credential)
    keys = [_key(scope, "blocked_until") for scope in scopes]
    blocked_until = _cache_call(lambda: get_cache().get_many(keys), default={})
    for scope, key in zip(scopes, keys):
        seconds = _seconds_until(blocked_until.get(key))
        if seconds is None:
            continue
        logger.info("Not sending %s for %s: rate-limited for %.0f s more.", call or "a call", _label(scope), seconds)
        raise RateLimitError(
            _("No request sent: Instagram rate-limited %(scope)s. Try again in %(seconds)d s.")
            % {"scope": _label(scope), "seconds": math.ceil(seconds)},
            retry_after=seconds,
        )


def budget_exhausted(account: Any = None) -> str | None:
    """Return why background work should stop now, or ``None`` while the budget allows more calls.

    Checks the app's budget and, with ``account`` (an ``InstagramAccount``), that account's
    budget: a block after a rate-limit error, or usage above ``INSTAGRAM["RATE_LIMIT_THRESHOLD"]``
    percent.
    """
    threshold = float(instagram_settings.RATE_LIMIT_THRESHOLD)
    scopes = [APP_SCOPE]
    if account is not None:
        scopes.append(f"account:{account.pk}")

    for scope in scopes:
        seconds = blocked_seconds(scope)
        if seconds is not None:
            return _("Instagram rate-limited %(scope)s; stopping until it may send again in %(seconds)d s.") % {
                "scope": _label(scope), "seconds": math.ceil(seconds),
            }
        percent = usage_percent(scope)
        if percent is not None and percent > threshold:
            return _(
                "Instagram reports %(percent)d%% of the rate limit of %(scope)s in use, above "
                'INSTAGRAM["RATE_LIMIT_THRESHOLD"] (%(threshold)g%%); stopping early.'
            ) % {"percent": percent, "scope": _label(scope), "threshold": threshold}
    return None


def _label(scope: str) -> str:
    if scope == APP_SCOPE:
        return _("the app")
    kind, _separator, name = scope.partition(":")
    if kind == "account":
        return _("account %(id)s") % {"id": name}
    return _("the token's account")
