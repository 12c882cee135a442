"""Removal of credentials from URLs, bodies and log records.

v1 calls carry ``access_token`` in the query string and every ``next_url`` repeats it, so any
URL that reaches a log line, an exception, a ``repr`` or a template passes through here first.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

#: Query or form parameters whose values are secrets. ``verify_token`` also covers the webhook
#: subscription check's ``hub.verify_token``; ``appsecret_proof`` is an HMAC keyed with the app secret.
SECRET_PARAMETERS = frozenset(
    {
        "access_token",
        "appsecret_proof",
        "client_secret",
        "code",
        "fb_exchange_token",
        "input_token",
        "refresh_token",
        "sig",
        "signed_request",
        "verify_token",
    }
)

#: Parameters that identify the caller; dropped from ``next_url`` so it can be shown.
CREDENTIAL_PARAMETERS = SECRET_PARAMETERS | {"client_id"}

REDACTED = "[redacted]"

# A parameter name starts after a character that cannot be part of a name, or after a
# percent-escape such as the "%3F" of a URL nested in another URL's query ("%3Faccess_token%3D...").
# A value ends at the next separator, or at "%26" (an escaped "&") inside such a nested URL.
_SECRET_IN_TEXT = re.compile(
    r"(?:(?<=%[0-9A-Fa-f]{2})|(?<![A-Za-z0-9_]))"
    r"(?P<key>" + "|".join(sorted(SECRET_PARAMETERS)) + r")(?P<sep>=|%3D|\"\s*:\s*\"|':\s*')"
    r"(?P<value>(?:(?!%26)[^&\s\"',;)])+)",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(?P<key>\b(?:Bearer|OAuth))\s+(?P<value>[A-Za-z0-9._\-]{8,})")


def redact_text(text: str) -> str:
    """Replace the value of every secret parameter found in free text (URLs, bodies, messages)."""
    text = _SECRET_IN_TEXT.sub(lambda m: f"{m.group('key')}{m.group('sep')}{REDACTED}", text)
    return _BEARER.sub(lambda m: f"{m.group('key')} {REDACTED}", text)


def redact_url(url: str) -> str:
    """Keep a URL's shape for logs but replace every secret parameter's value."""
    return redact_text(url)


def strip_credentials(url: str | None) -> str | None:
    """Drop credential parameters from a URL (for ``next_url`` values shown to callers).

    The other parameters keep their encoding. A name is decoded and lowercased before the check,
    so ``access%5Ftoken=...`` and ``ACCESS_TOKEN=...`` are dropped too.
    """
    if not url:
        return url
    parts = urlsplit(url)
    other_pairs = [pair for pair in parts.query.split("&") if pair and _parameter_name(pair) not in CREDENTIAL_PARAMETERS]
    return urlunsplit(parts._replace(query="&".join(other_pairs)))


def _parameter_name(pair: str) -> str:
    name = pair.partition("=")[0]
    return (unquote_plus(name) if "%" in name or "+" in name else name).lower()


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites a record's message so no secret parameter survives.

    Attached to the loggers of urllib3 and requests, which log full request lines at DEBUG.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            return True
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_FILTER = RedactingFilter()


#: Loggers that print request URLs. A logger's filters do not apply to records of its child
#: loggers, so each urllib3 module that logs a URL is named: connectionpool logs every request
#: line at DEBUG, poolmanager logs redirects, util.retry logs the URL of each retry.
#: ``django.server`` is the access log of ``runserver``, which prints the OAuth callback's query.
FILTERED_LOGGERS = (
    "urllib3",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "requests",
    "requests.packages.urllib3",
    "django.server",
)


def install_log_filters() -> None:
    """Attach the filter to every logger of ``FILTERED_LOGGERS`` (idempotent)."""
    for name in FILTERED_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
