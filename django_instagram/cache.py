"""Cache keys for what the app stores per account in Django's cache framework.

Each account has a version number in the cache, and every key includes it. So
``invalidate_account`` drops everything cached for an account (on unlink, data deletion or token
change) in one write, for every process that shares the cache.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.cache import caches

from .conf import instagram_settings

PREFIX = "django_instagram"

#: Layout of the cached result types. Bump it when a change to ``client/types.py`` or
#: ``client/record.py`` means values pickled before it cannot load, so the keys built after it
#: never read them. Layout 2: results became tuple-backed records.
RESULTS_LAYOUT = 2


def get_cache():
    return caches[instagram_settings.CACHE_ALIAS]


def _version_key(account_pk: Any) -> str:
    return f"{PREFIX}:account:{account_pk}:version"


def account_version(account_pk: Any) -> int:
    cache = get_cache()
    version = cache.get(_version_key(account_pk))
    if version is None:
        cache.add(_version_key(account_pk), 1, timeout=None)
        version = cache.get(_version_key(account_pk), 1)
    return int(version)


def account_key(account_pk: Any, name: str, params: dict | None = None) -> str:
    """Build the cache key of ``name`` (such as ``"recent_media"``) for an account and ``params``."""
    digest = hashlib.sha256(json.dumps(params or {}, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{PREFIX}:account:{account_pk}:v{account_version(account_pk)}:r{RESULTS_LAYOUT}:{name}:{digest}"


def invalidate_account(account_pk: Any) -> None:
    """Make every key built by ``account_key`` for this account miss from now on."""
    cache = get_cache()
    try:
        cache.incr(_version_key(account_pk))
    except ValueError:
        cache.set(_version_key(account_pk), 2, timeout=None)
