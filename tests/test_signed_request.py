"""Parsing and verifying Meta's ``signed_request``: good, forged, other algorithm, malformed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from django_instagram import signed_request
from django_instagram.signed_request import SignatureMismatchError, SignedRequestError

SECRET = "test-client-secret"

# The example from Facebook's canvas authentication docs, signed with the secret "secret". Facebook
# client libraries in several languages test against it.
FACEBOOK_EXAMPLE = (
    "vlXgu64BQGFSQrY0ZcJBZASMvYvTHu9GQ0YM9rjPSso.eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsIjAiOiJwYXlsb2FkIn0"
)

# The data-deletion payload shape Meta documents.
DELETION_PAYLOAD = {"user_id": "218471", "algorithm": "HMAC-SHA256", "issued_at": 1291836800, "expires": 1291840400}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _signed(encoded_payload: str, secret: str = SECRET) -> str:
    """Sign an already-encoded payload part by hand, independently of ``signed_request.sign``."""
    digest = hmac.new(secret.encode(), encoded_payload.encode(), hashlib.sha256).digest()
    return f"{_b64url(digest)}.{encoded_payload}"


def _payload_part(payload: dict) -> str:
    return _b64url(json.dumps(payload).encode())


def test_parse_facebook_example():
    assert signed_request.parse(FACEBOOK_EXAMPLE, ["secret"]) == {"algorithm": "HMAC-SHA256", "0": "payload"}


def test_parse_deletion_payload():
    value = _signed(_payload_part(DELETION_PAYLOAD))

    payload = signed_request.parse(value, [SECRET])

    assert payload["user_id"] == "218471"
    assert payload["issued_at"] == 1291836800


def test_parse_tries_each_secret():
    value = _signed(_payload_part(DELETION_PAYLOAD), secret="instagram-app-secret")

    assert signed_request.parse(value, ["meta-app-secret", "instagram-app-secret"])["user_id"] == "218471"


def test_parse_lowercase_algorithm():
    value = _signed(_payload_part({**DELETION_PAYLOAD, "algorithm": "hmac-sha256"}))

    assert signed_request.parse(value, [SECRET])["user_id"] == "218471"


def test_sign_round_trip():
    value = signed_request.sign(DELETION_PAYLOAD, SECRET)

    assert "=" not in value
    assert signed_request.parse(value, [SECRET]) == DELETION_PAYLOAD


def test_parse_wrong_secret():
    with pytest.raises(SignatureMismatchError):
        signed_request.parse(FACEBOOK_EXAMPLE, ["not-the-secret"])


def test_parse_forged_payload():
    signature, _ = _signed(_payload_part(DELETION_PAYLOAD)).split(".")
    forged = f"{signature}.{_payload_part({**DELETION_PAYLOAD, 'user_id': '999'})}"

    with pytest.raises(SignatureMismatchError):
        signed_request.parse(forged, [SECRET])


def test_parse_truncated_signature():
    signature, payload = _signed(_payload_part(DELETION_PAYLOAD)).split(".")

    with pytest.raises(SignatureMismatchError):
        signed_request.parse(f"{signature[:-4]}.{payload}", [SECRET])


@pytest.mark.parametrize("algorithm", ["HMAC-SHA1", "none", "", None, 256])
def test_parse_other_algorithm(algorithm):
    value = _signed(_payload_part({**DELETION_PAYLOAD, "algorithm": algorithm}))

    with pytest.raises(SignedRequestError, match="algorithm") as raised:
        signed_request.parse(value, [SECRET])

    assert not isinstance(raised.value, SignatureMismatchError)


def test_parse_missing_algorithm():
    payload = {key: value for key, value in DELETION_PAYLOAD.items() if key != "algorithm"}

    with pytest.raises(SignedRequestError, match="algorithm"):
        signed_request.parse(_signed(_payload_part(payload)), [SECRET])


@pytest.mark.parametrize("value", ["", "no-dot", ".payloadonly", "signatureonly.", "."])
def test_parse_malformed_shape(value):
    with pytest.raises(SignedRequestError) as raised:
        signed_request.parse(value, [SECRET])

    assert not isinstance(raised.value, SignatureMismatchError)


@pytest.mark.parametrize("signature", ["abc+def/", "abc$", "a"])
def test_parse_malformed_signature_base64(signature):
    value = f"{signature}.{_payload_part(DELETION_PAYLOAD)}"

    with pytest.raises(SignedRequestError, match="signature is not valid base64url"):
        signed_request.parse(value, [SECRET])


@pytest.mark.parametrize("encoded_payload", ["eyJ1c2VyX2lk+IjogIjEifQ", "eyJ.a", "e", "ünïcode"])
def test_parse_malformed_payload_base64(encoded_payload):
    signature = _b64url(b"x" * 32)

    with pytest.raises(SignedRequestError, match="payload is not valid base64url"):
        signed_request.parse(f"{signature}.{encoded_payload}", [SECRET])


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"user"'])
def test_parse_malformed_payload_json(raw):
    value = _signed(_b64url(raw))

    with pytest.raises(SignedRequestError, match="payload is not") as raised:
        signed_request.parse(value, [SECRET])

    assert not isinstance(raised.value, SignatureMismatchError)


def test_parse_deeply_nested_payload():
    value = _signed(_b64url(b"[" * 100_000 + b"]" * 100_000))

    with pytest.raises(SignedRequestError, match="payload is not valid JSON"):
        signed_request.parse(value, [SECRET])


def test_parse_without_secret():
    with pytest.raises(SignedRequestError, match="No app secret"):
        signed_request.parse(FACEBOOK_EXAMPLE, ["", None])


def test_errors_omit_secret_and_signature():
    signature, _ = FACEBOOK_EXAMPLE.split(".")

    with pytest.raises(SignatureMismatchError) as raised:
        signed_request.parse(FACEBOOK_EXAMPLE, ["not-the-secret"])

    assert "not-the-secret" not in str(raised.value)
    assert signature not in str(raised.value)
