"""The webhook view: subscription check, signature check, dispatch and duplicate dropping."""

from __future__ import annotations

import copy
import hashlib
import hmac
import io
import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import checks
from django.core.cache import cache
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.test import Client

from django_instagram import signals
from django_instagram.models import InstagramAccount
from tests.conftest import FIXTURES

URL = "/instagram/webhook/"
SECRET = "test-client-secret"
VERIFY_TOKEN = "verify-token-4f1c"


def webhook_payload(name: str) -> dict:
    with open(FIXTURES / "webhooks" / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


def encode(payload: dict, *, ensure_ascii: bool = True) -> bytes:
    """Serialise like Meta, which escapes non-ASCII characters as \\uXXXX."""
    return json.dumps(payload, ensure_ascii=ensure_ascii).encode("utf-8")


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client, body: bytes, signature: str | None = None, **headers):
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return client.post(URL, data=body, content_type="application/json", headers=headers)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Forget the changes other tests delivered, so duplicate dropping starts fresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def received():
    """Every ``webhook_received`` call of the test, as a dict of its keyword arguments."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    signals.webhook_received.connect(receiver, weak=False)
    yield calls
    signals.webhook_received.disconnect(receiver)


@pytest.fixture
def verify_token(instagram_override):
    instagram_override(WEBHOOK_VERIFY_TOKEN=VERIFY_TOKEN)


def subscription_check(client, **overrides):
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY_TOKEN}
    params.update(overrides)
    return client.get(URL, {key: value for key, value in params.items() if value is not None})


# Subscription check (GET)

def test_get_returns_challenge(client, verify_token):
    response = subscription_check(client)

    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("overrides", [
    {"hub.verify_token": "wrong"},
    {"hub.verify_token": None},
    {"hub.verify_token": VERIFY_TOKEN + "x"},
    {"hub.mode": "unsubscribe"},
    {"hub.mode": None},
])
def test_get_rejects_bad_request(client, verify_token, overrides):
    response = subscription_check(client, **overrides)

    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_get_without_verify_token_setting(client):
    response = subscription_check(client, **{"hub.verify_token": ""})

    assert response.status_code == 403


def test_get_rejects_markup_challenge(client, verify_token):
    response = subscription_check(client, **{"hub.challenge": "<script>alert(1)</script>"})

    assert response.status_code == 400
    assert b"script" not in response.content


def test_get_rejects_missing_challenge(client, verify_token):
    response = subscription_check(client, **{"hub.challenge": None})

    assert response.status_code == 400


def test_get_non_ascii_verify_token(client, verify_token):
    response = subscription_check(client, **{"hub.verify_token": "vérify"})

    assert response.status_code == 403


# Notifications (POST)

def test_post_valid_signature(client, received):
    body = encode(webhook_payload("comments"))

    response = post(client, body, sign(body))

    assert response.status_code == 200
    assert [call["change"]["value"]["id"] for call in received] == ["17865799348089039", "17865799348089040"]
    first = received[0]
    assert first["sender"] is None
    assert first["object"] == "instagram"
    assert first["field"] == "comments"
    assert first["entry"]["id"] == "17841405822304914"
    assert first["change"]["value"]["text"] == "Schöne Grüße aus Köln! 😍 #café"
    assert first["change"]["value"]["media"] == {"id": "21387158436090582", "media_product_type": "FEED"}
    assert received[1]["change"]["value"]["parent_id"] == "17865799348089039"


def test_post_uppercase_hex_signature(client, received):
    body = encode(webhook_payload("comments"))

    response = post(client, body, "sha256=" + sign(body).removeprefix("sha256=").upper())

    assert response.status_code == 200
    assert len(received) == 2


def test_post_wrong_signature(client, received):
    body = encode(webhook_payload("comments"))

    response = post(client, body, sign(body, secret="another-secret"))

    assert response.status_code == 403
    assert received == []


def test_post_signature_of_other_body(client, received):
    body = encode(webhook_payload("comments"))
    tampered = body.replace(b"17865799348089039", b"17865799348089041")

    response = post(client, tampered, sign(body))

    assert response.status_code == 403
    assert received == []


@pytest.mark.parametrize("header", ["", "sha256=", "sha256=zz", "sha1=abc", "sha256:deadbeef", "ünïcode"])
def test_post_malformed_signature(client, received, header):
    body = encode(webhook_payload("comments"))

    response = post(client, body, header)

    assert response.status_code == 403
    assert received == []


def test_post_missing_signature(client, received):
    body = encode(webhook_payload("comments"))

    response = post(client, body)

    assert response.status_code == 403
    assert received == []


def test_post_sha1_signature_only(client, received):
    body = encode(webhook_payload("comments"))
    sha1 = "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()

    response = post(client, body, **{"X-Hub-Signature": sha1})

    assert response.status_code == 403
    assert received == []


def test_post_unset_secret(client, received, instagram_override, monkeypatch):
    monkeypatch.delenv("INSTAGRAM_CLIENT_SECRET", raising=False)
    instagram_override(CLIENT_SECRET=None, APP_SECRET=None)
    body = encode(webhook_payload("comments"))

    for signature in (sign(body, secret=""), sign(body)):
        response = post(client, body, signature)

        assert response.status_code == 403
    assert received == []


def test_post_app_secret(client, received, instagram_override):
    instagram_override(APP_SECRET="meta-app-secret")
    body = encode(webhook_payload("comments"))

    response = post(client, body, sign(body, secret="meta-app-secret"))

    assert response.status_code == 200
    assert len(received) == 2


def test_post_client_secret_beside_app_secret(client, received, instagram_override):
    instagram_override(APP_SECRET="meta-app-secret")
    body = encode(webhook_payload("comments"))

    response = post(client, body, sign(body))

    assert response.status_code == 200
    assert len(received) == 2


def test_post_raw_utf8_body(client, received):
    body = encode(webhook_payload("messages"), ensure_ascii=False)
    assert "Привет".encode() in body

    response = post(client, body, sign(body))

    assert response.status_code == 200
    assert received[0]["change"]["message"]["text"] == "Привет! Do you ship to Kyiv? 📦"


def test_post_escaped_unicode_body(client, received):
    body = encode(webhook_payload("messages"))
    assert b"\\u041f" in body

    response = post(client, body, sign(body))

    assert response.status_code == 200
    assert received[0]["change"]["message"]["text"] == "Привет! Do you ship to Kyiv? 📦"


def test_post_signature_over_reserialised_json(client, received):
    # The signature must cover the bytes as sent: escaped \uXXXX and raw UTF-8 differ.
    payload = webhook_payload("messages")
    escaped, raw = encode(payload), encode(payload, ensure_ascii=False)

    response = post(client, raw, sign(escaped))

    assert response.status_code == 403
    assert received == []


def test_post_messaging_fields(client, received):
    body = encode(webhook_payload("messages"))

    post(client, body, sign(body))

    assert [call["field"] for call in received] == ["messages", "message_reactions"]
    assert received[0]["change"]["message"]["mid"].startswith("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj")
    assert received[1]["change"]["reaction"]["emoji"] == "❤"
    assert received[1]["change"]["sender"] == {"id": "6532984716604417"}


def test_post_flattened_entry(client, received):
    payload = webhook_payload("comments")
    entry = payload["entry"][0]
    change = entry.pop("changes")[0]
    entry.update(change)
    body = encode(payload)

    response = post(client, body, sign(body))

    assert response.status_code == 200
    assert len(received) == 1
    assert received[0]["field"] == "comments"
    assert received[0]["change"]["value"]["id"] == "17865799348089039"


def test_post_duplicate_dropped(client, received):
    body = encode(webhook_payload("comments"))

    first = post(client, body, sign(body))
    second = post(client, body, sign(body))

    assert first.status_code == 200
    assert second.status_code == 200
    assert len(received) == 2


def test_post_redelivery_new_time_dropped(client, received):
    payload = webhook_payload("comments")
    body = encode(payload)
    redelivered = copy.deepcopy(payload)
    redelivered["entry"][0]["time"] += 3600
    redelivered_body = encode(redelivered)

    post(client, body, sign(body))
    response = post(client, redelivered_body, sign(redelivered_body))

    assert response.status_code == 200
    assert len(received) == 2


def test_post_redelivery_split_batch(client, received):
    payload = webhook_payload("comments")
    only_reply = copy.deepcopy(payload)
    del only_reply["entry"][0]["changes"][0]
    reply_body, full_body = encode(only_reply), encode(payload)

    post(client, reply_body, sign(reply_body))
    post(client, full_body, sign(full_body))

    assert [call["change"]["value"]["id"] for call in received] == ["17865799348089040", "17865799348089039"]


def test_post_duplicate_within_payload(client, received):
    payload = webhook_payload("comments")
    payload["entry"].append(copy.deepcopy(payload["entry"][0]))
    body = encode(payload)

    post(client, body, sign(body))

    assert len(received) == 2


def test_post_same_change_other_account(client, received):
    payload = webhook_payload("comments")
    other = copy.deepcopy(payload)
    other["entry"][0]["id"] = "17841400000000002"
    body, other_body = encode(payload), encode(other)

    post(client, body, sign(body))
    post(client, other_body, sign(other_body))

    assert len(received) == 4


def test_duplicates_remembered_in_cache(client, received, instagram_override):
    instagram_override(WEBHOOK_DEDUPLICATION_TIMEOUT=60)
    body = encode(webhook_payload("comments"))
    post(client, body, sign(body))

    cache.clear()
    post(client, body, sign(body))

    assert len(received) == 4


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"object": "instagram"}', b'{"entry": {}}', b"\xff"])
def test_post_malformed_body(client, received, body):
    response = post(client, body, sign(body))

    assert response.status_code == 400
    assert received == []


def test_post_deeply_nested_body(client, received):
    value = b"[" * 100_000 + b"]" * 100_000
    body = b'{"object": "instagram", "entry": [{"id": "1", "changes": [{"field": "comments", "value": ' + value + b"}]}]}"

    response = post(client, body, sign(body))

    assert response.status_code == 400
    assert received == []


def test_post_skips_malformed_items(client, received):
    payload = {"object": "instagram", "entry": [
        "not an entry",
        {"id": "1", "changes": "not a list", "messaging": [None, 3]},
        {"id": "2", "changes": [{"field": "comments", "value": {"id": "9"}}]},
    ]}
    body = encode(payload)

    response = post(client, body, sign(body))

    assert response.status_code == 200
    assert [(call["entry"]["id"], call["change"]["value"]["id"]) for call in received] == [("2", "9")]


def test_receiver_error_still_200(client, received, caplog):
    def failing(sender, **kwargs):
        raise RuntimeError("receiver broke")

    signals.webhook_received.connect(failing, weak=False)
    body = encode(webhook_payload("comments"))
    try:
        with caplog.at_level(logging.ERROR, logger="django_instagram.webhooks"):
            response = post(client, body, sign(body))
    finally:
        signals.webhook_received.disconnect(failing)

    assert response.status_code == 200
    assert len(received) == 2
    assert "17841405822304914" in caplog.text
    assert "receiver broke" in caplog.text


def test_post_without_csrf_token(received):
    client = Client(enforce_csrf_checks=True)
    body = encode(webhook_payload("comments"))

    response = post(client, body, sign(body))

    assert response.status_code == 200


def test_other_methods_not_allowed(client):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_logs_omit_secret_and_signature(client, caplog):
    body = encode(webhook_payload("comments"))
    good, bad = sign(body), sign(body, secret="another-secret")

    with caplog.at_level(logging.DEBUG, logger="django_instagram"):
        post(client, body, good)
        post(client, body, bad)

    assert SECRET not in caplog.text
    assert good.removeprefix("sha256=") not in caplog.text
    assert bad.removeprefix("sha256=") not in caplog.text
    assert "Köln" not in caplog.text


# System checks

def webhook_check_ids():
    return [message.id for message in run_checks(tags=[checks.Tags.urls]) if message.id.startswith("django_instagram")]


@pytest.fixture
def no_secret_in_environment(monkeypatch):
    monkeypatch.delenv("INSTAGRAM_CLIENT_SECRET", raising=False)


def test_check_passes_when_configured(verify_token):
    assert webhook_check_ids() == []


def test_check_missing_verify_token(no_secret_in_environment):
    messages = [message for message in run_checks(tags=[checks.Tags.urls]) if message.id == "django_instagram.W010"]

    assert len(messages) == 1
    assert 'INSTAGRAM["WEBHOOK_VERIFY_TOKEN"]' in messages[0].msg
    assert "Verify Token" in messages[0].hint


def test_check_missing_secret(instagram_override, no_secret_in_environment):
    instagram_override(WEBHOOK_VERIFY_TOKEN=VERIFY_TOKEN, CLIENT_SECRET=None, APP_SECRET=None)

    messages = [message for message in run_checks(tags=[checks.Tags.urls]) if message.id == "django_instagram.W011"]

    assert len(messages) == 1
    assert "webhook, deauthorize, data_deletion" in messages[0].msg
    assert 'INSTAGRAM["APP_SECRET"]' in messages[0].hint


def test_check_app_secret_alone(instagram_override, no_secret_in_environment):
    instagram_override(WEBHOOK_VERIFY_TOKEN=VERIFY_TOKEN, CLIENT_SECRET=None, APP_SECRET="meta-app-secret")

    assert "django_instagram.W011" not in webhook_check_ids()


def test_check_silent_when_not_routed(instagram_override, settings, no_secret_in_environment):
    settings.ROOT_URLCONF = "django_instagram.sandbox.urls"
    instagram_override(CLIENT_SECRET=None, APP_SECRET=None)

    assert webhook_check_ids() == []


def test_check_secret_values_hidden(instagram_override):
    instagram_override(WEBHOOK_VERIFY_TOKEN=None)

    text = " ".join(f"{message.msg} {message.hint}" for message in run_checks(tags=[checks.Tags.urls]))

    assert SECRET not in text


def test_check_deduplication_timeout_type(instagram_override):
    instagram_override(WEBHOOK_DEDUPLICATION_TIMEOUT="36h")

    ids = [message.id for message in run_checks(tags=["django_instagram"])]

    assert "django_instagram.E008" in ids


# instagram_send_test_webhook, against the live server on 127.0.0.1

def send_test_webhook(*args):
    output = io.StringIO()
    call_command("instagram_send_test_webhook", *args, stdout=output)
    return output.getvalue()


@pytest.mark.django_db
def test_command_posts_comment(live_server, received):
    url = f"{live_server.url}{URL}"

    output = send_test_webhook("--url", url, "--instagram-user-id", "17841400000000007")

    assert f"to {url}: HTTP 200" in output
    assert len(received) == 1
    assert received[0]["field"] == "comments"
    assert received[0]["entry"]["id"] == "17841400000000007"
    assert received[0]["change"]["value"]["text"] == "Test comment from django_instagram ✓"


@pytest.mark.django_db
def test_command_posts_message(live_server, received):
    send_test_webhook("--url", f"{live_server.url}{URL}", "--field", "messages")

    assert len(received) == 1
    assert received[0]["field"] == "messages"
    assert received[0]["entry"]["id"] == "17841405822304914"
    assert received[0]["change"]["message"]["text"] == "Test message from django_instagram ✓"


@pytest.mark.django_db
def test_command_runs_twice(live_server, received):
    send_test_webhook("--url", f"{live_server.url}{URL}")
    send_test_webhook("--url", f"{live_server.url}{URL}")

    assert len(received) == 2
    assert received[0]["change"]["value"]["id"] != received[1]["change"]["value"]["id"]


@pytest.mark.django_db
def test_command_uses_linked_account(live_server, received):
    owner = get_user_model().objects.create_user("owner", password="pw")
    account = InstagramAccount(user=owner, api="graph", instagram_user_id="17841400000000008")
    account.access_token = "IGAA-token"
    account.save()

    send_test_webhook("--url", f"{live_server.url}{URL}")

    assert received[0]["entry"]["id"] == "17841400000000008"


@pytest.mark.django_db
def test_command_signs_with_app_secret(live_server, received, instagram_override):
    instagram_override(APP_SECRET="meta-app-secret")

    send_test_webhook("--url", f"{live_server.url}{URL}")

    assert len(received) == 1


@pytest.mark.django_db
def test_command_non_200(live_server, received):
    with pytest.raises(CommandError, match="returned HTTP 400"):
        send_test_webhook("--url", f"{live_server.url}/instagram/deauthorize/")

    assert received == []


def test_command_connection_refused():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    with pytest.raises(CommandError, match="Check that the site is running"):
        send_test_webhook("--url", f"http://127.0.0.1:{port}/instagram/webhook/", "--instagram-user-id", "1")


@pytest.mark.parametrize("url", ["127.0.0.1:8000/instagram/webhook/", "ftp://127.0.0.1/", "/instagram/webhook/"])
def test_command_rejects_url(url):
    with pytest.raises(CommandError, match="not an absolute http"):
        send_test_webhook("--url", url)


def test_command_without_secret(instagram_override, no_secret_in_environment):
    instagram_override(CLIENT_SECRET=None, APP_SECRET=None)

    with pytest.raises(CommandError, match="No app secret"):
        send_test_webhook("--instagram-user-id", "1")


@pytest.mark.parametrize("timeout", ["0", "-1"])
def test_command_rejects_timeout(timeout):
    with pytest.raises(CommandError, match="positive number of seconds"):
        send_test_webhook("--timeout", timeout)


# Duplicate dropping across processes

DELIVER_IN_NEW_PROCESS = """
import json, sys
import django
django.setup()
from django.test import Client
from django_instagram import signals

sent = []
signals.webhook_received.connect(lambda sender, **kwargs: sent.append(kwargs["change"]), weak=False)
body = sys.stdin.buffer.read()
response = Client().post("/instagram/webhook/", data=body, content_type="application/json",
                         headers={"X-Hub-Signature-256": sys.argv[1]})
print(json.dumps({"status": response.status_code, "sent": len(sent)}))
"""


def deliver_in_new_process(settings_dir, body: bytes) -> dict:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "shared_cache_settings",
                   "PYTHONPATH": os.pathsep.join([str(settings_dir), str(Path(__file__).resolve().parent.parent)])}
    result = subprocess.run(
        [sys.executable, "-c", DELIVER_IN_NEW_PROCESS, sign(body)], input=body, capture_output=True,
        env=environment, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout.decode().strip().splitlines()[-1])


def test_duplicates_dropped_across_processes(tmp_path):
    (tmp_path / "shared_cache_settings.py").write_text(
        "from tests.settings import *  # noqa: F401,F403\n"
        f"CACHES = {{'default': {{'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache', "
        f"'LOCATION': {str(tmp_path / 'cache')!r}}}}}\n"
    )
    body = encode(webhook_payload("comments"))

    first = deliver_in_new_process(tmp_path, body)
    second = deliver_in_new_process(tmp_path, body)

    assert first == {"status": 200, "sent": 2}
    assert second == {"status": 200, "sent": 0}
