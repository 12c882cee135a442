"""The one HTTP transport: a ``requests.Session`` with timeouts, User-Agent, retries and redaction.

Only this module imports ``requests``. Every request has an explicit (connect, read) timeout.
GET requests are retried on connection errors, timeouts, HTTP 5xx, transient Graph errors and
rate-limit errors that name a wait, with capped exponential backoff and jitter. A ``Retry-After``
(or Graph's ``estimated_time_to_regain_access``) replaces the backoff. When it is longer than
``RetryPolicy.retry_after_cap``, the request is not retried, so no retry goes out sooner than
Instagram requested. Requests that create or change something (POST, DELETE) are sent once.
URLs are logged only after ``redact_url``.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import requests

from .. import __version__
from .envelopes import require_json, retry_after_seconds
from .errors import InstagramAPIError, InstagramError, InstagramTransportError, RateLimitError
from .redaction import install_log_filters, redact_url
from .session import InstagramSession
from .usage import RateLimitUsage

logger = logging.getLogger(__name__)

#: Methods that are safe to send again: they neither create nor change anything on Instagram.
RETRIED_METHODS = frozenset({"GET"})

USER_AGENT = f"django-instagram-platform/{__version__} (+https://pypi.org/project/django-instagram-platform/) python-requests/{requests.__version__}"

install_log_filters()


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """A decoded response: status, headers, JSON body (``None`` when empty) and rate-limit usage."""

    status_code: int
    headers: Mapping[str, str]
    body: Any
    usage: RateLimitUsage = field(default_factory=RateLimitUsage)


ErrorReader = Callable[[int, Any, Mapping[str, str]], "InstagramAPIError | None"]


def _sleep(seconds: float) -> None:
    """Wait between retries; tests replace this module attribute so that nothing waits."""
    time.sleep(seconds)


def full_jitter(delay: float) -> float:
    """Spread a backoff delay uniformly over [0, delay]; tests replace it to get exact delays."""
    return random.uniform(0, delay)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """The retry rules of GET requests. ``max_retries=0`` turns retries off."""

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    retry_after_cap: float = 30.0
    jitter: Callable[[float], float] = full_jitter

    def delay(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1-based), or ``None`` for no retry.

        A ``retry_after`` from Instagram is used as it is, without jitter, and ``None`` is
        returned when it exceeds ``retry_after_cap``.
        """
        if retry_after is not None:
            retry_after = max(retry_after, 0.0)
            return retry_after if retry_after <= self.retry_after_cap else None
        return self.jitter(min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))


NO_RETRIES = RetryPolicy(max_retries=0)


class Transport:
    """Send requests to Instagram and decode what comes back.

    ``sleep`` is called between retries and defaults to ``time.sleep``. Tests pass a function that
    records the delays. Use ``NO_RETRIES`` where waiting is not acceptable (inside a web request).
    """

    def __init__(
        self,
        *,
        timeout: tuple[float, float] = (3.05, 10.0),
        session: requests.Session | None = None,
        retry: RetryPolicy = NO_RETRIES,
        sleep: Callable[[float], None] | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.timeout = timeout
        self.session = session or InstagramSession()
        self.retry = retry
        self.sleep = sleep if sleep is not None else _sleep
        self.user_agent = user_agent
        self.last_usage = RateLimitUsage()

    def request(
        self,
        method: str,
        url: str,
        *,
        read_error: ErrorReader,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiResponse:
        """Send one request (retrying a GET as the policy allows) and return the decoded response.

        Raises an ``InstagramAPIError`` subclass for an error body, ``InstagramTransportError``
        for a timeout, a connection error or a body that is not JSON.
        """
        method = method.upper()
        attempts = 1 + (self.retry.max_retries if method in RETRIED_METHODS else 0)
        attempt = 1
        while True:
            try:
                return self._send_once(method, url, read_error, params, data, headers)
            except (InstagramTransportError, InstagramAPIError) as error:
                delay = self._retry_delay(error, attempt, attempts, method, url)
                if delay is None:
                    raise
                attempt += 1
                logger.info(
                    "Retrying %s %s (attempt %d of %d) in %.2f s after: %s",
                    method, redact_url(url), attempt, attempts, delay, error,
                )
                self.sleep(delay)

    def _retry_delay(self, error: InstagramError, attempt: int, attempts: int, method: str, url: str) -> float | None:
        """Seconds to wait before sending the request again, or ``None`` to raise ``error``."""
        if attempt >= attempts or not _is_retryable(error):
            return None

        retry_after = _retry_after(error)
        delay = self.retry.delay(attempt, retry_after)
        if delay is None:
            logger.info(
                "Not retrying %s %s: Retry-After is %.0f s, longer than the %.0f s cap.",
                method, redact_url(url), retry_after, self.retry.retry_after_cap,
            )
        return delay

    def _send_once(self, method, url, read_error, params, data, headers) -> ApiResponse:
        request_headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        request_headers.update(headers or {})
        if logger.isEnabledFor(logging.DEBUG):  # redact_url runs two regexes: skip it when not logged
            logger.debug("Instagram request started: %s %s", method, redact_url(url))
        try:
            response = self.session.request(
                method, url, params=params, data=data, headers=request_headers, timeout=self.timeout
            )
        except requests.Timeout as error:
            raise InstagramTransportError(
                f"Request to Instagram timed out: {method} {redact_url(url)} got no response within "
                f"{self.timeout} seconds (connect, read).",
                retryable=True,
            ) from None
        except requests.RequestException as error:
            raise InstagramTransportError(
                f"Could not reach Instagram for {method} {redact_url(url)}: {type(error).__name__}.",
                retryable=True,
            ) from None
        return self._decode(response, read_error)

    def _decode(self, response: requests.Response, read_error: ErrorReader) -> ApiResponse:
        headers = dict(response.headers)
        usage = RateLimitUsage.from_headers(headers)
        self.last_usage = usage
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("Instagram returned HTTP %d for %s", response.status_code, redact_url(response.url or ""))
        try:
            body = require_json(response.status_code, response.text, headers.get("Content-Type", ""))
        except InstagramTransportError as error:
            if response.status_code == 429:
                raise RateLimitError(
                    "Instagram returned HTTP 429 without a JSON body.",
                    status_code=429, headers=headers, retry_after=retry_after_seconds(headers),
                ) from None
            error.retry_after = retry_after_seconds(headers) if error.retryable else None
            raise

        error = read_error(response.status_code, body, headers)
        if error is not None:
            raise error
        if response.status_code >= 500:
            raise InstagramTransportError(
                f"Instagram returned HTTP {response.status_code}.", retryable=True,
                status_code=response.status_code, retry_after=retry_after_seconds(headers),
            )
        return ApiResponse(response.status_code, headers, body, usage)


def _retry_after(error: InstagramError) -> float | None:
    retry_after = getattr(error, "retry_after", None)
    if retry_after is None and isinstance(error, InstagramAPIError):
        retry_after = retry_after_seconds(error.headers)
    return retry_after


def _is_retryable(error: Exception) -> bool:
    """Return whether an idempotent request that failed with ``error`` may succeed when sent again.

    A rate-limit error counts only when Instagram named the wait (``retry_after``).
    """
    if isinstance(error, InstagramTransportError):
        return error.retryable
    if isinstance(error, RateLimitError):
        return error.retry_after is not None
    if isinstance(error, InstagramAPIError):
        return error.is_transient or (error.status_code or 0) >= 500
    return False

