"""Parse and verify the ``signed_request`` that Meta posts to the deauthorize and data-deletion callbacks.

The value is ``<signature>.<payload>``, both base64url without padding. The signature is the
HMAC-SHA256 of the payload part, exactly as sent, keyed with the app secret. The payload is a JSON
object such as ``{"user_id": "218471", "algorithm": "HMAC-SHA256", "issued_at": 1291836800}``.

Error messages never include the value, the signature or the secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from typing import Any

ALGORITHM = "HMAC-SHA256"

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class SignedRequestError(ValueError):
    """The ``signed_request`` is missing, malformed or uses an unsupported algorithm."""


class SignatureMismatchError(SignedRequestError):
    """No configured app secret produces the ``signed_request``'s signature."""


def parse(signed_request: str, secrets: Iterable[str]) -> dict[str, Any]:
    """Verify ``signed_request`` with any of ``secrets`` and return its payload.

    Raises ``SignatureMismatchError`` when the signature does not match any secret, and
    ``SignedRequestError`` for every other problem, including an empty ``secrets``.
    """
    secrets = [secret for secret in secrets if secret]
    if not secrets:
        raise SignedRequestError("No app secret is configured, so the signed_request cannot be verified.")
    if not signed_request:
        raise SignedRequestError("The signed_request parameter is missing.")

    encoded_signature, separator, encoded_payload = signed_request.partition(".")
    if not separator or not encoded_signature or not encoded_payload:
        raise SignedRequestError("The signed_request is not in the form <signature>.<payload>.")

    signature = _decode(encoded_signature, "signature")
    payload_bytes = _decode(encoded_payload, "payload")
    if not any(_matches(signature, encoded_payload, secret) for secret in secrets):
        raise SignatureMismatchError(
            'The signed_request signature matches neither INSTAGRAM["APP_SECRET"] nor INSTAGRAM["CLIENT_SECRET"].'
        )

    payload = _load_payload(payload_bytes)
    _check_algorithm(payload)
    return payload


def sign(payload: dict[str, Any], secret: str) -> str:
    """Build a ``signed_request`` for ``payload`` the way Meta does, for tests and sample requests."""
    encoded_payload = _encode(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    signature = hmac.new(secret.encode("utf-8"), encoded_payload.encode("ascii"), hashlib.sha256).digest()
    return f"{_encode(signature)}.{encoded_payload}"


def _matches(signature: bytes, encoded_payload: str, secret: str) -> bool:
    expected = hmac.new(secret.encode("utf-8"), encoded_payload.encode("ascii"), hashlib.sha256).digest()
    return hmac.compare_digest(signature, expected)


def _decode(part: str, name: str) -> bytes:
    # b64decode(validate=True) would also accept "+" and "/", so check the base64url alphabet first.
    if not _BASE64URL.fullmatch(part):
        raise SignedRequestError(f"The signed_request {name} is not valid base64url.")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as error:
        raise SignedRequestError(f"The signed_request {name} is not valid base64url.") from error


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _load_payload(data: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise SignedRequestError("The signed_request payload is not valid JSON.") from error
    if not isinstance(payload, dict):
        raise SignedRequestError("The signed_request payload is not a JSON object.")
    return payload


def _check_algorithm(payload: dict[str, Any]) -> None:
    algorithm = payload.get("algorithm")
    if not isinstance(algorithm, str) or algorithm.upper() != ALGORITHM:
        raise SignedRequestError(f"The signed_request algorithm is {algorithm!r}, but only {ALGORITHM} is supported.")
