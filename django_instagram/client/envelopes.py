"""Reading Instagram's response envelopes and turning error bodies into exceptions.

v1 wraps results as ``{"meta": {"code": 200}, "data": ..., "pagination": ...}`` and errors as
``{"meta": {"code", "error_type", "error_message"}}``; rate-limit (HTTP 429) and token-endpoint
errors put ``code``, ``error_type`` and ``error_message`` at the top level instead. The Graph API
returns the object itself and errors as ``{"error": {message, type, code, error_subcode,
fbtrace_id, is_transient}}``. Both parsers accept a body with no ``error_type`` and an empty body.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from . import coerce
from .errors import (
    InstagramAPIError,
    InstagramTransportError,
    NotAllowedError,
    NotFoundError,
    OAuthAccessTokenError,
    OAuthPermissionsError,
    RateLimitError,
)
from .usage import RateLimitUsage

_V1_ERROR_CLASSES = {
    "OAuthAccessTokenException": OAuthAccessTokenError,
    "OAuthPermissionsException": OAuthPermissionsError,
    "OAuthRateLimitException": RateLimitError,
    "APINotFoundError": NotFoundError,
    "APINotAllowedError": NotAllowedError,
}

_GRAPH_RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80002})
#: 190 is an invalid, expired or revoked token (any subcode); 102 is an invalid API session.
_GRAPH_TOKEN_CODES = frozenset({190, 102})
_GRAPH_NOT_FOUND_CODES = frozenset({100, 33})
_GRAPH_TRANSIENT_CODES = frozenset({1, 2})
_REQUIRED_PERMISSION = re.compile(r"requires the '[^']+' permission")


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Read ``Retry-After`` (seconds) or Graph's ``estimated_time_to_regain_access``."""
    lowered = {str(k).lower(): v for k, v in headers.items()}
    seconds = coerce.as_float(lowered.get("retry-after"))
    if seconds is not None and seconds >= 0:
        return seconds
    regain = RateLimitUsage.from_headers(headers).regain_access_seconds
    return float(regain) if regain else None


def v1_error(status_code: int, body: Any, headers: Mapping[str, str]) -> InstagramAPIError | None:
    """Return the error a v1 response carries, or ``None`` for a success."""
    body = coerce.as_dict(body)
    meta = coerce.as_dict(body.get("meta"))
    source = meta if meta else body
    code = coerce.as_int(source.get("code"))
    if status_code < 400 and (code is None or code == 200):
        return None
    error_type = coerce.as_str(source.get("error_type"))
    message = coerce.as_text(source.get("error_message")) or _status_message(status_code)
    if status_code == 429 or code in (420, 429):
        error_class = RateLimitError
    else:
        error_class = _V1_ERROR_CLASSES.get(error_type or "", InstagramAPIError)
    kwargs = dict(status_code=status_code, error_type=error_type, code=code or status_code, headers=headers, body=body)
    if error_class is RateLimitError:
        kwargs["retry_after"] = retry_after_seconds(headers)
    return error_class(message, **kwargs)


def graph_error(status_code: int, body: Any, headers: Mapping[str, str]) -> InstagramAPIError | None:
    """Return the error a Graph response carries, or ``None`` for a success.

    The token endpoint on api.instagram.com returns errors in the v1 style even for Graph apps, so a
    body without ``error`` falls back to the v1 reader.
    """
    body_dict = coerce.as_dict(body)
    error = body_dict.get("error")
    if not isinstance(error, dict):
        if isinstance(error, str):
            return InstagramAPIError(
                coerce.as_text(body_dict.get("error_description")) or error,
                status_code=status_code, error_type=error, headers=headers, body=body,
            )
        return v1_error(status_code, body, headers)
    code = coerce.as_int(error.get("code"))
    message = coerce.as_text(error.get("message")) or _status_message(status_code)
    kwargs = dict(
        status_code=status_code,
        error_type=coerce.as_str(error.get("type")) or "OAuthException",
        code=code,
        subcode=coerce.as_int(error.get("error_subcode")),
        trace_id=coerce.as_str(error.get("fbtrace_id")),
        is_transient=bool(error.get("is_transient")) or code in _GRAPH_TRANSIENT_CODES,
        headers=headers,
        body=body,
    )
    error_class = _graph_error_class(code, kwargs["subcode"], message)
    if error_class is RateLimitError:
        kwargs["retry_after"] = retry_after_seconds(headers)
    return error_class(message, **kwargs)


def _graph_error_class(code: int | None, subcode: int | None, message: str) -> type[InstagramAPIError]:
    """Pick the exception for a Graph error code.

    Code 100 also means an invalid parameter, so it is ``NotFoundError`` only with subcode 33 or
    a message saying the object does not exist. Without subcode 33, a code 100 message that
    names the permission the endpoint requires ("This endpoint requires the
    'pages_read_engagement' permission") is ``OAuthPermissionsError``, because requesting that
    permission is the fix.
    """
    if code in _GRAPH_TOKEN_CODES:
        return OAuthAccessTokenError
    if code == 10 or (code is not None and 200 <= code <= 299):
        return OAuthPermissionsError
    if code == 100 and subcode != 33 and _REQUIRED_PERMISSION.search(message):
        return OAuthPermissionsError
    if code in _GRAPH_RATE_LIMIT_CODES:
        return RateLimitError
    if code in _GRAPH_NOT_FOUND_CODES and (subcode == 33 or "not exist" in message.lower()):
        return NotFoundError
    return InstagramAPIError


def _status_message(status_code: int) -> str:
    return f"Instagram returned HTTP {status_code} without an error message."


def require_json(status_code: int, text: str, content_type: str) -> Any:
    """Parse a response body as JSON, or raise ``InstagramTransportError`` naming what came back.

    An empty body is ``None``; an HTML error page or a truncated body raise, retryable when the
    status was a 5xx.
    """
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        kind = "an HTML page" if "html" in (content_type or "").lower() or text.lstrip().startswith("<") else "a body that is not JSON"
        raise InstagramTransportError(
            f"Instagram returned HTTP {status_code} with {kind} ({len(text)} characters).",
            retryable=status_code >= 500,
            status_code=status_code,
        ) from None
