"""Exceptions raised by the Instagram client.

The tree::

    InstagramError
    ├── InstagramAPIError          Instagram returned an error body or status
    │   ├── OAuthAccessTokenError  the token is invalid, expired or revoked (v1 OAuthAccessTokenException, Graph 190)
    │   ├── OAuthPermissionsError  the token lacks a scope (v1 OAuthPermissionsException, Graph 10 and 200-299)
    │   ├── RateLimitError         too many calls (v1 429, Graph 4, 17, 32, 613, 80002); has ``retry_after``
    │   ├── NotFoundError          the object does not exist (v1 APINotFoundError, Graph 100 and 33)
    │   └── NotAllowedError        the object is private (v1 APINotAllowedError)
    ├── InstagramTransportError    timeout, connection error, or a body that is not JSON; has ``retryable``
    ├── NotSupportedError          the chosen API has no such call
    └── PublishingError            a Graph media container failed (ERROR, EXPIRED)
        └── ContainerTimeoutError  the container was not ready within the wait

    django.core.exceptions.ImproperlyConfigured
    └── InstagramConfigurationError   a setting is missing or invalid (outside the tree on purpose,
                                      so ``except InstagramError`` never hides a broken configuration)

``InstagramConfigurationError`` lives in ``django_instagram.exceptions`` because it subclasses a
Django class, and this package imports nothing from Django.
"""

from __future__ import annotations

from typing import Any, Mapping


class InstagramError(Exception):
    """Base class of every error the client raises on purpose."""


class InstagramAPIError(InstagramError):
    """An error that Instagram returned.

    ``str()`` is ``"<error_type>: <message>"``, the form Elixtagram documented, so log lines and
    messages read the same for both APIs. The response headers stay on ``headers`` for callers
    that need rate-limit usage, and the parsed body on ``body``. The request URL is not kept,
    because it may carry a token.
    """

    default_error_type = "InstagramAPIError"

    def __init__(
        self,
        message: str = "",
        *,
        status_code: int | None = None,
        error_type: str | None = None,
        code: int | None = None,
        subcode: int | None = None,
        trace_id: str | None = None,
        is_transient: bool = False,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> None:
        self.message = message or "Instagram returned an error without a message."
        self.status_code = status_code
        self.error_type = error_type or self.default_error_type
        self.code = code
        self.subcode = subcode
        self.trace_id = trace_id
        self.is_transient = is_transient
        self.headers = dict(headers or {})
        self.body = body
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.error_type}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code!r}, "
            f"error_type={self.error_type!r}, code={self.code!r}, subcode={self.subcode!r}, "
            f"message={self.message!r})"
        )


class OAuthAccessTokenError(InstagramAPIError):
    """The access token is invalid, expired or revoked: the user must authorise again."""

    default_error_type = "OAuthAccessTokenException"


class OAuthPermissionsError(InstagramAPIError):
    """The access token was not granted the scope this call needs."""

    default_error_type = "OAuthPermissionsException"


class RateLimitError(InstagramAPIError):
    """Instagram rate-limited the app or the account.

    ``retry_after`` is the number of seconds to wait before the next call, or ``None`` when
    Instagram sent no wait.
    """

    default_error_type = "OAuthRateLimitException"

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class NotFoundError(InstagramAPIError):
    """The requested object does not exist, or the token may not see it."""

    default_error_type = "APINotFoundError"


class NotAllowedError(InstagramAPIError):
    """The requested object exists but is private to this token."""

    default_error_type = "APINotAllowedError"


class InstagramTransportError(InstagramError):
    """The request failed below the API: timeout, connection error, or a body that is not JSON.

    ``retryable`` tells whether sending the same idempotent request again may succeed.
    ``retry_after`` is the response's ``Retry-After`` in seconds, or ``None`` without one.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        status_code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.message = message
        self.retryable = retryable
        self.status_code = status_code
        self.retry_after = retry_after
        super().__init__(message)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, retryable={self.retryable!r}, "
            f"status_code={self.status_code!r})"
        )


class NotSupportedError(InstagramError):
    """The chosen API does not offer this call."""

    def __init__(self, call: str, api: str, detail: str = "") -> None:
        self.call = call
        self.api = api
        message = f"{call}() is not available in the {api}."
        if detail:
            message = f"{message} {detail}"
        super().__init__(message)


class PublishingError(InstagramError):
    """A media container could not be published.

    ``container_id`` names the container and ``status_code`` is its last Graph ``status_code``
    (``ERROR``, ``EXPIRED``, ``IN_PROGRESS``, ...).
    """

    def __init__(self, message: str, *, container_id: str | None = None, status_code: str | None = None) -> None:
        self.message = message
        self.container_id = container_id
        self.status_code = status_code
        super().__init__(message)


class ContainerTimeoutError(PublishingError):
    """The container was still not ``FINISHED`` when the wait ran out; it may finish later."""
