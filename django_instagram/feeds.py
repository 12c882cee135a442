"""Reading an account's media and profile for pages and the REST API, through Django's cache.

Each response is cached per account and parameters (``cache.account_key``) for
``INSTAGRAM["CACHE_TIMEOUT"]`` seconds, default 900: well under the lifetime of Instagram's
signed media URLs, which the CDN rejects after a few days. So a warm page sends no request
and a cold one sends one. The ``*_or_last_good`` functions never raise because of Instagram:
they fall back to the last good response, kept for ``LAST_GOOD_TIMEOUT``, or a default.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Callable, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser

from . import services
from .cache import account_key, get_cache
from .client.errors import InstagramError, RateLimitError
from .client.pagination import Page
from .client.types import Comment, Media, User
from .conf import instagram_settings
from .display import MediaView, media_view
from .models import InstagramAccount

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds the last good response stays available as a fallback. Signed media URLs were seen
#: to live four to six days, so a day-old fallback still shows its pictures.
LAST_GOOD_TIMEOUT = 24 * 60 * 60

#: Seconds after a failure during which pages use the fallback without calling Instagram again,
#: so an outage costs one request and one log line per account and call, not one per page view.
FAILURE_PAUSE = 60


def resolve_account(target: Any) -> InstagramAccount | None:
    """Find the account a tag argument names: an account, a user (their first active account)
    or the Instagram username of a linked account."""
    if isinstance(target, InstagramAccount):
        return target
    if isinstance(target, AbstractBaseUser):
        return target.instagram_accounts.filter(status=InstagramAccount.Status.ACTIVE).order_by("created").first()
    if isinstance(target, str) and target:
        return InstagramAccount.objects.filter(username=target.lstrip("@")).order_by("created").first()
    return None


# Cached reads that raise InstagramError -----------------------------------------------------------


def cached_call(account: InstagramAccount, name: str, params: dict, fetch: Callable[[], T]) -> T:
    """Return the cached result of call ``name`` with ``params``, or ``fetch()`` it and cache it."""
    cache = get_cache()
    key = account_key(account.pk, name, params)
    value = cache.get(key)
    if value is not None:
        return value

    return store(account, name, params, fetch())


def store(account: InstagramAccount, name: str, params: dict, value: T) -> T:
    """Cache ``value`` as the fresh and the last good result of call ``name`` with ``params``.

    A new stamp is stored beside it, so values derived from the result (the feed tag's media
    views) are cached under the stamp and rebuilt whenever the result is stored again.
    """
    cache = get_cache()
    timeout = int(instagram_settings.CACHE_TIMEOUT)
    cache.set(account_key(account.pk, name, params), value, timeout=timeout)
    cache.set(_last_good_key(account, name, params), value, timeout=LAST_GOOD_TIMEOUT)
    cache.set(_stamp_key(account, name, params), uuid.uuid4().hex, timeout=timeout)
    return value


def _stamp_key(account: InstagramAccount, name: str, params: dict) -> str:
    return account_key(account.pk, f"{name}:stamp", params)


def warm_recent_media(account: InstagramAccount, count: int) -> int:
    """Fetch the account's recent media into the cache the feed tag reads; return how many.

    Raises ``InstagramError``: the caller (the warming command) reports it per account.
    """
    params, fetch = _media_page_call(account, count, None)
    page = store(account, "media_page", params, fetch())
    return len(page.data)


def _last_good_key(account: InstagramAccount, name: str, params: dict) -> str:
    return account_key(account.pk, f"{name}:last_good", params)


def _failure_key(account: InstagramAccount, name: str, params: dict) -> str:
    return account_key(account.pk, f"{name}:failed", params)


def media_page(account: InstagramAccount, limit: int, cursor: str | None = None) -> Page[Media]:
    """Return one page of the account's recent media, starting after the API's ``cursor``."""
    params, fetch = _media_page_call(account, limit, cursor)
    return cached_call(account, "media_page", params, fetch)


def _media_page_call(account: InstagramAccount, limit: int, cursor: str | None) -> tuple[dict, Callable]:
    graph = account.api == InstagramAccount.Api.GRAPH
    params: dict[str, Any] = {"limit": limit} if graph else {"count": limit}
    if cursor:
        params["after" if graph else "max_id"] = cursor
    return params, lambda: services.user_recent_media_with_pagination("self", params, token=account)


def media_detail(account: InstagramAccount, media_id: str) -> Media:
    return cached_call(account, "media", {"id": media_id}, lambda: services.media(media_id, token=account))


def media_comments(account: InstagramAccount, media_id: str) -> list[Comment]:
    return cached_call(
        account, "media_comments", {"id": media_id}, lambda: services.media_comments(media_id, token=account)
    )


def profile(account: InstagramAccount) -> User:
    return cached_call(account, "profile", {}, lambda: services.user("self", token=account))


# Fail-soft reads for pages ---------------------------------------------------------------------------


def or_last_good(account: InstagramAccount, name: str, params: dict, fetch: Callable[[], T], default: T) -> T:
    """Return ``cached_call``'s result; when Instagram fails, the last good result or ``default``.

    The first failure is logged once and pauses calls for ``FAILURE_PAUSE`` seconds, longer when
    Instagram sent ``Retry-After``. ``InstagramError`` is never raised.
    """
    cache = get_cache()
    if cache.get(_failure_key(account, name, params)) is None:
        try:
            return cached_call(account, name, params, fetch)
        except InstagramError as error:
            _record_failure(account, name, params, error)

    last_good = cache.get(_last_good_key(account, name, params))
    return default if last_good is None else last_good


def _record_failure(account: InstagramAccount, name: str, params: dict, error: InstagramError) -> None:
    pause = FAILURE_PAUSE
    if isinstance(error, RateLimitError) and error.retry_after:
        pause = max(pause, int(error.retry_after))
    get_cache().set(_failure_key(account, name, params), True, timeout=pause)
    logger.warning(
        "Showing cached or no data for Instagram account %s (%s) for %d seconds: %s",
        account.pk, name, pause, error,
    )


def recent_media_or_last_good(account: InstagramAccount, count: int) -> list[Media]:
    """Return the account's recent media, at most ``count``, without raising ``InstagramError``."""
    params, fetch = _media_page_call(account, count, None)
    page = or_last_good(account, "media_page", params, fetch, None)
    return list(page.data[:count]) if page is not None else []


def recent_media_views(account: InstagramAccount, count: int) -> list[MediaView]:
    """Return the views the feed tag renders for the account's recent media, at most ``count``.

    Building views (checked URLs, alt text, cut captions) costs more than reading the media, so
    the views of a fresh result are cached under its stamp. A fallback result is not.
    """
    params, _fetch = _media_page_call(account, count, None)
    cache = get_cache()
    stamp = cache.get(_stamp_key(account, "media_page", params))
    # has_key checks the result is still fresh without loading it (Redis: EXISTS).
    if stamp is not None and cache.has_key(account_key(account.pk, "media_page", params)):
        views = cache.get(_views_key(account, params, stamp))
        if views is not None:
            return views

    views = [media_view(item) for item in recent_media_or_last_good(account, count)]
    stamp = cache.get(_stamp_key(account, "media_page", params))
    if stamp is not None:
        cache.set(_views_key(account, params, stamp), views, timeout=int(instagram_settings.CACHE_TIMEOUT))
    return views


def _views_key(account: InstagramAccount, params: dict, stamp: str) -> str:
    return account_key(account.pk, "media_page:views", {**params, "stamp": stamp})


def media_or_last_good(account: InstagramAccount, media_id: str) -> Media | None:
    """Return one media of the account, or ``None`` when Instagram fails and nothing good is cached."""
    return or_last_good(
        account, "media", {"id": media_id}, lambda: services.media(media_id, token=account), None
    )
