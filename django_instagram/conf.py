"""The ``INSTAGRAM`` settings dict: defaults, environment fallbacks and lazy reading.

Read values through ``instagram_settings.NAME``. Values are looked up on each access after a
cache that ``setting_changed`` clears, so ``override_settings(INSTAGRAM=...)`` takes effect.
Validation lives in ``checks.py`` so a malformed value is reported by ``manage.py check``
with a hint instead of crashing at import.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

from .exceptions import InstagramConfigurationError

DEFAULTS: dict[str, Any] = {
    # OAuth app credentials; each falls back to the environment variable INSTAGRAM_<NAME>.
    "CLIENT_ID": None,
    "CLIENT_SECRET": None,
    "REDIRECT_URI": None,
    # Which API serves calls made with a bare token string: "graph" or "legacy".
    "API": "graph",
    # Scopes requested at login; None means the API's default (see DEFAULT_SCOPES).
    "SCOPES": None,
    # The global token used by service calls made with token=GLOBAL.
    "ACCESS_TOKEN": None,
    # Graph API version in graph.instagram.com paths.
    "GRAPH_API_VERSION": "v26.0",
    # Seconds to wait for a connection and for each read.
    "CONNECT_TIMEOUT": 3.05,
    "READ_TIMEOUT": 10.0,
    # Retries of idempotent GETs in background work (management commands); web requests never sleep.
    "MAX_RETRIES": 2,
    "RETRY_BACKOFF_CAP": 8.0,
    "RETRY_AFTER_CAP": 30.0,
    # Sign v1 requests with sig= (the "Enforce signed requests" app option).
    "SIGNED_REQUESTS": False,
    # Serve the Instagram endpoints from django_instagram.sandbox instead of Instagram.
    "SANDBOX": False,
    # The app name the sandbox's consent page shows (None shows the client id).
    "SANDBOX_APP_NAME": None,
    # Serve the recorded media's pictures as generated placeholders from the sandbox, so pages
    # show images without a network (the recorded CDN URLs load nothing offline).
    "SANDBOX_PLACEHOLDER_IMAGES": False,
    # Where the callback sends the user when the login carried no valid "next".
    "LOGIN_REDIRECT_URL": "/",
    # Seconds template tags and the REST API keep Instagram responses in the cache.
    "CACHE_TIMEOUT": 900,
    "CACHE_ALIAS": "default",
    # instagram_refresh_tokens refreshes tokens that expire within this many days.
    "REFRESH_WITHIN_DAYS": 7,
    # Publishing: seconds to wait for a media container to finish, and seconds between status
    # checks. Meta suggests checking once a minute for at most five minutes for videos.
    "PUBLISH_TIMEOUT": 300.0,
    "PUBLISH_POLL_INTERVAL": 5.0,
    # Share of a rate-limit budget (percent) above which background work stops early.
    "RATE_LIMIT_THRESHOLD": 80,
    # Fernet keys (newest first) that encrypt tokens at rest; None derives one from SECRET_KEY.
    "TOKEN_ENCRYPTION_KEYS": None,
    # Webhooks and Meta's callbacks: the verify token of the webhook subscription, and a second
    # secret (such as the Meta app secret) accepted besides CLIENT_SECRET for their signatures.
    "WEBHOOK_VERIFY_TOKEN": None,
    "APP_SECRET": None,
    # Seconds a webhook change is remembered so a redelivery of it is dropped; Meta retries
    # failed deliveries for up to 36 hours.
    "WEBHOOK_DEDUPLICATION_TIMEOUT": 36 * 60 * 60,
    # Webhook fields (such as ["comments", "messages"]) each Graph account is subscribed to when it
    # is linked through the login view; empty subscribes no account automatically.
    "WEBHOOK_FIELDS": (),
    # Dotted path of the adapter class a site subclasses to customise linking.
    "ADAPTER": "django_instagram.adapter.DefaultAdapter",
}

ENVIRONMENT_FALLBACKS = ("CLIENT_ID", "CLIENT_SECRET", "REDIRECT_URI")

DEFAULT_SCOPES = {
    "graph": ("instagram_business_basic",),
    "legacy": ("basic",),
}


class InstagramSettings:
    """Attribute access to the ``INSTAGRAM`` dict with defaults and environment fallbacks."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}
        self.runtime: dict[str, Any] = {}

    @property
    def user_settings(self) -> dict[str, Any]:
        value = getattr(settings, "INSTAGRAM", {})
        return value if isinstance(value, dict) else {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in DEFAULTS:
            raise AttributeError(f"Unknown INSTAGRAM setting {name!r}.")
        if name in self.runtime:
            return self.runtime[name]
        if name not in self._cache:
            self._cache[name] = self._read(name)
        return self._cache[name]

    def _read(self, name: str) -> Any:
        value = self.user_settings.get(name, DEFAULTS[name])
        if value in (None, "") and name in ENVIRONMENT_FALLBACKS:
            value = os.environ.get(f"INSTAGRAM_{name}") or None
        return value

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes to request at login for the configured API."""
        configured = self.SCOPES
        if configured is None:
            return DEFAULT_SCOPES.get(self.API, ())
        return tuple(configured)

    @property
    def timeout(self) -> tuple[float, float]:
        return (float(self.CONNECT_TIMEOUT), float(self.READ_TIMEOUT))

    @property
    def app_secrets(self) -> tuple[str, ...]:
        """The secrets that may sign webhooks and ``signed_request``: APP_SECRET, then CLIENT_SECRET.

        Apps using Instagram Login have two secrets (the Meta app secret and the Instagram app
        secret), so a signature made with either is accepted.
        """
        # NOTE: Meta's docs name only "the app secret", so which of the two it signs with is unconfirmed.
        candidates = (self.APP_SECRET, self.CLIENT_SECRET)
        return tuple(dict.fromkeys(secret for secret in candidates if secret))

    def require(self, name: str) -> Any:
        """Return a setting that must be set, or raise an error naming how to set it."""
        value = getattr(self, name)
        if value in (None, ""):
            fallback = f" or the environment variable INSTAGRAM_{name}" if name in ENVIRONMENT_FALLBACKS else ""
            raise InstagramConfigurationError(
                f'INSTAGRAM["{name}"] is not set. Add it to the INSTAGRAM dict in your settings{fallback}.'
            )
        return value

    def reload(self) -> None:
        self._cache.clear()


instagram_settings = InstagramSettings()


def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting in ("INSTAGRAM", "SECRET_KEY", "DEBUG"):
        instagram_settings.reload()


setting_changed.connect(_reload)
