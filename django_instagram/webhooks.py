"""The webhook view: Meta's subscription check (GET) and signed notifications (POST).

GET returns ``hub.challenge`` only to a request whose ``hub.verify_token`` equals
``INSTAGRAM["WEBHOOK_VERIFY_TOKEN"]``. POST accepts only a body whose ``X-Hub-Signature-256``
header is the HMAC-SHA256 of the raw body keyed with an app secret, and sends each change it
contains (``entry[].changes[]``, ``entry[].messaging[]`` and ``entry[].standby[]``) once as the
signal ``webhook_received``. Both fail closed: without the setting they return 403 to everyone.

Receivers run inside the request, so they should store or queue the change and return at once:
Meta expects a 200 quickly and retries slow or failed deliveries for up to 36 hours.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import signals
from .cache import PREFIX, get_cache
from .conf import instagram_settings
from .sensitive import take_query

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "HTTP_X_HUB_SIGNATURE_256"
SIGNATURE_PREFIX = "sha256="

# Meta sends a number. Echoing only letters, digits, "-" and "_" keeps markup out of the response.
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{1,128}")

# The webhook field of a messaging event, by the key of the object that carries the event.
MESSAGING_FIELDS = (
    ("message", "messages"),
    ("reaction", "message_reactions"),
    ("postback", "messaging_postbacks"),
    ("read", "messaging_seen"),
    ("referral", "messaging_referral"),
    ("optin", "messaging_optins"),
    ("pass_thread_control", "messaging_handover"),
    ("take_thread_control", "messaging_handover"),
)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    """Handle Meta's subscription check (GET), or verify and dispatch a notification (POST)."""
    if request.method == "GET":
        return _verify_subscription(request)
    return _receive(request)


def _verify_subscription(request: HttpRequest) -> HttpResponse:
    verify_token = instagram_settings.WEBHOOK_VERIFY_TOKEN
    if not verify_token:
        logger.error('Rejected a webhook subscription check: INSTAGRAM["WEBHOOK_VERIFY_TOKEN"] is not set.')
        return HttpResponseForbidden()

    params = take_query(request)  # keeps hub.verify_token out of the django.request records of a 400 or 403
    mode = params.get("hub.mode", "")
    token = params.get("hub.verify_token", "")
    if mode != "subscribe":
        logger.warning("Rejected a webhook subscription check: hub.mode is %r, not 'subscribe'.", mode[:40])
        return HttpResponseForbidden()
    if not _equal(token, verify_token):
        logger.warning('Rejected a webhook subscription check: hub.verify_token does not match INSTAGRAM["WEBHOOK_VERIFY_TOKEN"].')
        return HttpResponseForbidden()

    challenge = params.get("hub.challenge", "")
    if not _CHALLENGE.fullmatch(challenge):
        logger.warning("Rejected a webhook subscription check: hub.challenge is missing or not alphanumeric.")
        return HttpResponseBadRequest()

    logger.info("Returned the challenge of a webhook subscription check.")
    return HttpResponse(challenge, content_type="text/plain; charset=utf-8")


def _receive(request: HttpRequest) -> HttpResponse:
    secrets = instagram_settings.app_secrets
    if not secrets:
        logger.error('Rejected a webhook: neither INSTAGRAM["APP_SECRET"] nor INSTAGRAM["CLIENT_SECRET"] is set.')
        return HttpResponseForbidden()

    body = request.body
    if not _signature_matches(body, request.META.get(SIGNATURE_HEADER, ""), secrets):
        logger.warning("Rejected a webhook: the X-Hub-Signature-256 header is missing or does not match.")
        return HttpResponseForbidden()

    payload = _load(body)
    if payload is None:
        return HttpResponseBadRequest()

    sent, dropped = _dispatch(payload)
    logger.info("Received a webhook for %r: %d changes sent, %d duplicates dropped.", payload.get("object"), sent, dropped)
    return HttpResponse(status=200)


def signature(body: bytes, secret: str) -> str:
    """Compute the ``X-Hub-Signature-256`` header value that Meta sends with ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def _signature_matches(body: bytes, header: str, secrets: tuple[str, ...]) -> bool:
    if not header.startswith(SIGNATURE_PREFIX):
        return False
    provided = SIGNATURE_PREFIX + header[len(SIGNATURE_PREFIX):].lower()
    return any(_equal(provided, signature(body, secret)) for secret in secrets)


def _equal(provided: str, expected: str) -> bool:
    # compare_digest rejects non-ASCII str, so compare the UTF-8 bytes in constant time.
    return hmac.compare_digest(provided.encode("utf-8", "replace"), expected.encode("utf-8"))


def _load(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        logger.warning("Rejected a signed webhook: the body is not valid JSON.")
        return None
    except RecursionError:
        logger.warning("Rejected a signed webhook: the body's JSON is nested too deeply to parse.")
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        logger.warning("Rejected a signed webhook: the body is not an object with an entry list.")
        return None
    return payload


def _dispatch(payload: dict[str, Any]) -> tuple[int, int]:
    """Send each change not seen before, and return the numbers of changes sent and dropped."""
    sent = dropped = 0
    for entry in payload["entry"]:
        if not isinstance(entry, dict):
            continue
        for field, change in _changes(entry):
            if _first_delivery(payload.get("object"), entry, field, change):
                _send(payload.get("object"), entry, field, change)
                sent += 1
            else:
                dropped += 1
    return sent, dropped


def _changes(entry: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(field, change)`` for each change of an entry, in the order Meta sent them."""
    for change in _dicts(entry.get("changes")):
        yield str(change.get("field", "")), change
    for event in _dicts(entry.get("messaging")):
        yield _messaging_field(event), event
    for event in _dicts(entry.get("standby")):
        yield "standby", event
    # Some of Meta's examples put one change's field and value on the entry itself.
    if "field" in entry and "value" in entry:
        yield str(entry["field"]), {"field": entry["field"], "value": entry["value"]}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _messaging_field(event: dict[str, Any]) -> str:
    for key, field in MESSAGING_FIELDS:
        if key in event:
            return field
    return "messaging"


def _first_delivery(object_type: Any, entry: dict[str, Any], field: str, change: dict[str, Any]) -> bool:
    """Record the change in the cache, and return False if it was already recorded.

    The key hashes the account id, the field and the change itself but not ``entry.time``, so a
    redelivery matches even when Meta batches it differently.
    """
    identity = json.dumps([object_type, entry.get("id"), field, change], sort_keys=True, default=str)
    key = f"{PREFIX}:webhook:{hashlib.sha256(identity.encode('utf-8')).hexdigest()}"
    return get_cache().add(key, 1, timeout=instagram_settings.WEBHOOK_DEDUPLICATION_TIMEOUT)


def _send(object_type: Any, entry: dict[str, Any], field: str, change: dict[str, Any]) -> None:
    responses = signals.webhook_received.send_robust(
        sender=None, object=object_type, entry=entry, field=field, change=change
    )
    for receiver, response in responses:
        if isinstance(response, Exception):
            logger.error(
                "A webhook_received receiver %s failed for account %s, field %s. Meta will not redeliver this change.",
                getattr(receiver, "__qualname__", receiver), entry.get("id"), field, exc_info=response,
            )
