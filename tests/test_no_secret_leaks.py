"""No token, client secret, authorisation code, signed_request or next_url credential leaks.

``test_whole_flow_leaks_nothing`` runs the OAuth flow through the in-process sandbox, API calls,
errors, refresh, webhooks, Meta's callbacks, the admin, template tags and management commands.
Every logger is at DEBUG (SQL included), and the test keeps every log record, exception,
``repr``, response and command output. Only then does it collect the secrets that were in play
(every token and code the sandbox issued, the client secret, the verify token, each
signed_request) and search all of it. The sandbox stands in for Instagram, so its own log
records, SQL on its tables and its redirects (which carry the code, as Instagram's do) are not
searched.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import threading
import traceback
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.utils import timezone
from django.views.debug import ExceptionReporter

from django_instagram import services, signed_request, tokens
from django_instagram.cache import get_cache
from django_instagram.client.legacy import LegacyClient
from django_instagram.client.redaction import (
    SECRET_PARAMETERS, RedactingFilter, install_log_filters, redact_text, strip_credentials,
)
from django_instagram.client.transport import RetryPolicy, Transport
from django_instagram.models import InstagramAccount
from django_instagram.sandbox import graph_data
from django_instagram.sandbox.models import SandboxCode, SandboxToken
from django_instagram.sensitive import take_query
from tests.conftest import recorded_body

pytestmark = pytest.mark.django_db

CLIENT_SECRET = "cs-leak-test-5f0c1e2d9b8a7f6e"
VERIFY_TOKEN = "vt-leak-test-0a1b2c3d4e5f"
ENCRYPTION_KEY = Fernet.generate_key().decode()
GRAPH_SCOPES = ["instagram_business_basic", "instagram_business_manage_comments"]
LEGACY_SCOPES = ["basic", "public_content", "comments"]

#: LogRecord attributes every record has; any other attribute came in through ``extra``.
STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class Evidence:
    """Everything the flow produced that a person or a log pipeline could read."""

    def __init__(self) -> None:
        self.records: list[logging.LogRecord] = []
        self.texts: list[tuple[str, str]] = []
        self.statuses: dict[str, int] = {}

    def add(self, label: str, value) -> None:
        self.texts.append((label, value if isinstance(value, str) else repr(value)))

    def response(self, label: str, response) -> None:
        self.statuses[label] = response.status_code
        self.add(f"{label} headers", "\n".join(f"{key}: {value}" for key, value in response.items()))
        if not getattr(response, "streaming", False):
            self.add(f"{label} body", response.content.decode("utf-8", "replace"))

    def all_texts(self):
        formatter = logging.Formatter()
        for record in self.records:
            if record.name.startswith("django_instagram.sandbox"):
                continue
            message = record.getMessage()
            if record.name.startswith("django.db.backends") and "django_instagram_sandbox" in message:
                continue
            yield f"log {record.name}", message
            if record.exc_info:
                yield f"log {record.name} exception", formatter.formatException(record.exc_info)
            if record.stack_info:
                yield f"log {record.name} stack", record.stack_info
            for name, value in vars(record).items():
                if name not in STANDARD_ATTRIBUTES:
                    yield f"log {record.name} extra {name}", repr(value)
        yield from self.texts


class _Capture(logging.Handler):
    def __init__(self, evidence: Evidence) -> None:
        super().__init__(level=logging.DEBUG)
        self.evidence = evidence

    def emit(self, record: logging.LogRecord) -> None:
        self.evidence.records.append(record)


@pytest.fixture
def evidence():
    """Set the root logger and every named logger to DEBUG and keep every record, SQL included."""
    evidence = Evidence()
    handler = _Capture(evidence)
    names = ["", "django_instagram", "requests", "urllib3", "django", "django.request", "django.server",
             "django.db.backends", "django.security", "django.template"]
    loggers = {logging.getLogger(name) for name in names}
    loggers |= {logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)}
    saved = {logger: (logger.level, logger.disabled) for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is logging.root or not logger.propagate:
            logger.addHandler(handler)
    debug_cursor = connection.force_debug_cursor
    connection.force_debug_cursor = True
    yield evidence
    connection.force_debug_cursor = debug_cursor
    for logger, (level, disabled) in saved.items():
        logger.setLevel(level)
        logger.disabled = disabled
        if handler in logger.handlers:
            logger.removeHandler(handler)


@pytest.fixture
def leak_settings(sandbox, instagram_override):
    instagram_override(API="graph", SCOPES=GRAPH_SCOPES, CLIENT_SECRET=CLIENT_SECRET,
                       WEBHOOK_VERIFY_TOKEN=VERIFY_TOKEN, TOKEN_ENCRYPTION_KEYS=[ENCRYPTION_KEY])
    get_cache().clear()
    yield
    get_cache().clear()


def assert_no_secret(evidence: Evidence, secrets: dict[str, str]) -> None:
    forms = {}
    for name, secret in secrets.items():
        assert len(secret) >= 8, f"{name} is too short to search for"
        forms[secret] = name
        forms[quote(secret, safe="")] = name
    found = [
        f"{forms[secret]} in {label}: …{text[max(0, text.find(secret) - 80):text.find(secret) + 20]}…"
        for label, text in evidence.all_texts()
        for secret in forms
        if secret in text
    ]
    assert not found, "\n".join(found)


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def _callback_path(redirect: str) -> str:
    parts = urlsplit(redirect)
    return f"{parts.path}?{parts.query}"


def _consent(client, evidence: Evidence, label: str, **params) -> str:
    """Start a login and press Allow; return the sandbox's redirect to the callback."""
    login = client.get("/instagram/login/", params)
    evidence.response(f"{label} login", login)
    authorize = login["Location"]
    evidence.response(f"{label} consent page", client.get(authorize))
    return client.post(urlsplit(authorize).path, {**_query(authorize), "allow": "1"})["Location"]


def _call(evidence: Evidence, label: str, function, *args, **kwargs):
    """Call ``function`` and keep the ``repr`` of its result, or its error as ``str``, ``repr`` and traceback."""
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # every error is evidence, whatever its class
        evidence.add(f"{label} error str", str(error))
        evidence.add(f"{label} error repr", repr(error))
        evidence.add(f"{label} error args", repr(error.args))
        evidence.add(f"{label} error traceback", "".join(traceback.format_exception(error)))
        return error
    evidence.add(f"{label} result", result)
    return result


def _command(evidence: Evidence, label: str, *args) -> None:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        evidence.add(f"{label} error", str(error))
    evidence.add(f"{label} stdout", out.getvalue())
    evidence.add(f"{label} stderr", err.getvalue())


def _webhook_signature(body: bytes) -> str:
    return "sha256=" + hmac.new(CLIENT_SECRET.encode(), body, hashlib.sha256).hexdigest()


def test_whole_flow_leaks_nothing(leak_settings, evidence, instagram_override):
    site_user = get_user_model().objects.create_user("alice", password="pw")
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    browser = Client()
    browser.force_login(site_user)
    admin_browser = Client()
    admin_browser.force_login(admin)

    # OAuth flow: login, consent, callback, then the callback's error paths.
    redirect = _consent(browser, evidence, "graph", next="/?from=login")
    evidence.response("callback", browser.get(_callback_path(redirect)))
    account = InstagramAccount.objects.get(user=site_user)
    evidence.add("account repr", account)
    evidence.add("account str", str(account))
    evidence.response("home page", browser.get("/"))

    fresh_state = _query(browser.get("/instagram/login/")["Location"])["state"]
    evidence.response("replayed code", browser.get("/instagram/callback/", {"code": _query(redirect)["code"], "state": fresh_state}))
    evidence.response("forged state", browser.get("/instagram/callback/", {"code": _query(redirect)["code"], "state": "forged"}))
    evidence.response("anonymous callback", Client().get(_callback_path(redirect)))
    cancel_state = _query(browser.get("/instagram/login/")["Location"])["state"]
    evidence.response("cancelled", browser.get("/instagram/callback/", {"state": cancel_state, "error": "access_denied",
                                                                        "error_reason": "user_denied"}))
    unknown_state = _query(browser.get("/instagram/login/")["Location"])["state"]
    evidence.response("unknown code", browser.get("/instagram/callback/", {"code": "AQBx-not-issued-code-123#_",
                                                                           "state": unknown_state}))
    bob = Client()
    bob.force_login(get_user_model().objects.create_user("bob", password="pw"))
    evidence.response("linked elsewhere", bob.get(_callback_path(_consent(bob, evidence, "bob"))))

    # API calls and their errors.
    _call(evidence, "profile", services.user, "self", token=account)
    first_page = _call(evidence, "media page", services.user_recent_media_with_pagination, "self", token=account, limit=5)
    _call(evidence, "media next page", services.user_recent_media_with_pagination, "self", token=account, limit=5,
          after=first_page.pagination.next_cursor)
    _call(evidence, "all media", lambda: list(services.iter_user_recent_media("self", token=account, limit=50)))
    _call(evidence, "carousel", services.media, "56117072557913514", token=account)
    _call(evidence, "comments", services.media_comments, graph_data.RECORDED_COMMENTS_MEDIA_ID, token=account)
    _call(evidence, "comment", services.media_comment, graph_data.RECORDED_COMMENTS_MEDIA_ID, "Nice", token=account)
    _call(evidence, "unknown media", services.media, "123", token=account)
    _call(evidence, "bare token call", services.user, "self", token=account.access_token)
    _call(evidence, "forged token call", services.user, "self", token="IGQVJforged-token-never-issued-1234")
    _call(evidence, "usage", services.last_rate_limit_usage)
    evidence.response("media page", browser.get(f"/media/{account.pk}/56117072557913514/"))
    evidence.response("unknown media page", browser.get(f"/media/{account.pk}/123/"))
    for call, values in [("user", {"user_id": "self"}), ("user_recent_media_with_pagination", {"user_id": "self"}),
                         ("media", {"media_id": "123"}), ("media_children", {"media_id": "56117072557913514"})]:
        evidence.response(f"explorer {call}", browser.post("/explorer/", {"call": call, "account": account.pk, **values}))
    evidence.add("feed tag", Template("{% load instagram %}{% instagram_feed account %}{% instagram_profile account %}")
                 .render(Context({"account": account})))

    # The REST API: lists, pages with their cursors, errors.
    api = f"/api/instagram/accounts/{account.pk}/"
    evidence.response("rest accounts", browser.get("/api/instagram/accounts/"))
    evidence.response("rest account", browser.get(api))
    rest_page = browser.get(f"{api}media/", {"page_size": 3})
    evidence.response("rest media", rest_page)
    if rest_page.status_code == 200 and rest_page.json().get("next"):
        evidence.response("rest media next", browser.get(rest_page.json()["next"]))
    evidence.response("rest profile", browser.get(f"{api}profile/"))
    evidence.response("rest media detail", browser.get("/api/instagram/media/56117072557913514/", {"account": account.pk}))
    evidence.response("rest comments", browser.get(f"/api/instagram/media/{graph_data.RECORDED_COMMENTS_MEDIA_ID}/comments/",
                                                   {"account": account.pk}))
    evidence.response("rest unknown media", browser.get("/api/instagram/media/123/", {"account": account.pk}))
    evidence.response("rest refresh too young", browser.post(f"{api}refresh/"))

    # Admin pages and actions.
    changelist = "/admin/django_instagram/instagramaccount/"
    evidence.response("admin changelist", admin_browser.get(changelist))
    evidence.response("admin change page", admin_browser.get(f"{changelist}{account.pk}/change/"))
    evidence.response("admin check action", admin_browser.post(changelist, {"action": "check_tokens",
                                                                           "_selected_action": [account.pk]}, follow=True))
    evidence.response("admin user page", admin_browser.get(f"/admin/auth/user/{site_user.pk}/change/"))

    # Refresh: refused while the token is under 24 hours old, then done, then by the command.
    _call(evidence, "refresh too young", tokens.refresh_token, account)
    day_ago = timezone.now() - timedelta(hours=25)
    SandboxToken.objects.filter(token=account.access_token).update(issued_at=day_ago)
    InstagramAccount.objects.filter(pk=account.pk).update(token_refreshed_at=day_ago)
    account.refresh_from_db()
    account = _call(evidence, "refresh", tokens.refresh_token, account)
    evidence.add("refreshed account", account)
    InstagramAccount.objects.filter(pk=account.pk).update(token_expires_at=timezone.now() + timedelta(days=1),
                                                          token_refreshed_at=day_ago)
    SandboxToken.objects.filter(token=account.access_token).update(issued_at=day_ago)
    _command(evidence, "refresh command", "instagram_refresh_tokens")
    _command(evidence, "warm cache command", "instagram_warm_cache")
    account.refresh_from_db()
    evidence.response("admin refresh action", admin_browser.post(changelist, {"action": "refresh_tokens",
                                                                             "_selected_action": [account.pk]}, follow=True))

    # Key rotation.
    instagram_override(TOKEN_ENCRYPTION_KEYS=[Fernet.generate_key().decode(), ENCRYPTION_KEY])
    _command(evidence, "rotate keys", "instagram_rotate_keys")
    account.refresh_from_db()

    # A revoked token: the account is marked and its last error is shown to the admin.
    SandboxToken.objects.filter(token=account.access_token).update(revoked=True)
    _call(evidence, "revoked token", services.user, "self", token=account)
    _call(evidence, "after revocation", services.user, "self", token=InstagramAccount.objects.get(pk=account.pk))
    account.refresh_from_db()
    evidence.add("last error", account.last_error)
    evidence.response("admin change page after revocation", admin_browser.get(f"{changelist}{account.pk}/change/"))
    evidence.response("rest media after revocation", browser.get(f"{api}media/"))
    _call(evidence, "refresh revoked", tokens.refresh_token, account)

    # Webhooks: the subscription check and signed notifications.
    webhook = Client()
    evidence.response("webhook check", webhook.get("/instagram/webhook/", {
        "hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY_TOKEN}))
    evidence.response("webhook check bad challenge", webhook.get("/instagram/webhook/", {
        "hub.mode": "subscribe", "hub.challenge": "<x>", "hub.verify_token": VERIFY_TOKEN}))
    evidence.response("webhook check wrong token", webhook.get("/instagram/webhook/", {
        "hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "wrong-verify-token"}))
    body = json.dumps({"object": "instagram", "entry": [{"id": account.instagram_user_id, "time": 1764842400,
                       "changes": [{"field": "comments", "value": {"id": "1", "text": "hi"}}]}]}).encode()
    evidence.response("webhook", webhook.post("/instagram/webhook/", body, content_type="application/json",
                                              headers={"X-Hub-Signature-256": _webhook_signature(body)}))
    evidence.response("webhook forged", webhook.post("/instagram/webhook/", body, content_type="application/json",
                                                     headers={"X-Hub-Signature-256": "sha256=" + "0" * 64}))
    evidence.response("webhook not json", webhook.post("/instagram/webhook/", b"{oops", content_type="application/json",
                                                       headers={"X-Hub-Signature-256": _webhook_signature(b"{oops")}))

    # Meta's callbacks with signed_request.
    payload = {"user_id": account.instagram_user_id, "algorithm": "HMAC-SHA256", "issued_at": 1764842400}
    signed = {
        "deletion": signed_request.sign({**payload, "expires": 1764846000}, CLIENT_SECRET),
        "deauthorize": signed_request.sign(payload, CLIENT_SECRET),
        "forged": signed_request.sign(payload, "not-the-client-secret"),
    }
    meta = Client()
    deletion = meta.post("/instagram/data-deletion/", {"signed_request": signed["deletion"]})
    evidence.response("data deletion", deletion)
    if deletion.status_code == 200:
        evidence.response("deletion status", meta.get(urlsplit(deletion.json()["url"]).path))
    evidence.response("deauthorize forged", meta.post("/instagram/deauthorize/", {"signed_request": signed["forged"]}))
    evidence.response("deauthorize", meta.post("/instagram/deauthorize/", {"signed_request": signed["deauthorize"]}))

    # A legacy v1 login, whose next_url values carry the access token.
    instagram_override(API="legacy", SCOPES=LEGACY_SCOPES)
    carol = Client()
    carol_user = get_user_model().objects.create_user("carol", password="pw")
    carol.force_login(carol_user)
    evidence.response("legacy callback", carol.get(_callback_path(_consent(carol, evidence, "legacy"))))
    legacy = InstagramAccount.objects.get(user=carol_user)
    page = _call(evidence, "legacy page", services.user_recent_media_with_pagination, "self", token=legacy, count=2)
    evidence.add("legacy next_url", page.pagination.next_url or "")
    _call(evidence, "legacy follows", lambda: list(services.iter_user_follows("self", token=legacy)))
    _call(evidence, "legacy bad token", services.user, "self", token="57451593.forged.legacy-token-0000")
    evidence.response("legacy home page", carol.get("/"))
    for call, values in [("user_recent_media_with_pagination", {"user_id": "self", "count": "2"}),
                         ("iter_user_follows", {"user_id": "self"}), ("media", {"media_id": "1_2"})]:
        evidence.response(f"legacy explorer {call}", carol.post("/explorer/", {"call": call, "account": legacy.pk, **values}))
    legacy_api = f"/api/instagram/accounts/{legacy.pk}/media/"
    legacy_rest = carol.get(legacy_api, {"page_size": 2})
    evidence.response("legacy rest media", legacy_rest)
    if legacy_rest.status_code == 200 and legacy_rest.json().get("next"):
        evidence.response("legacy rest media next", carol.get(legacy_rest.json()["next"]))
    evidence.response("disconnect", carol.post(f"/instagram/accounts/{legacy.pk}/disconnect/"))

    secrets = {f"token {number}": token for number, token in enumerate(SandboxToken.objects.values_list("token", flat=True))}
    secrets |= {f"code {number}": code for number, code in enumerate(SandboxCode.objects.values_list("code", flat=True))}
    secrets |= {f"signed_request {name}": value for name, value in signed.items()}
    secrets |= {f"signed_request {name} signature": value.split(".")[0] for name, value in signed.items()}
    secrets |= {"client secret": CLIENT_SECRET, "verify token": VERIFY_TOKEN, "encryption key": ENCRYPTION_KEY}
    assert len([name for name in secrets if name.startswith("token")]) >= 4
    assert len([name for name in secrets if name.startswith("code")]) >= 3
    expected_statuses = {
        "callback": 302, "replayed code": 502, "anonymous callback": 302, "linked elsewhere": 409,
        "rest media next": 200, "rest refresh too young": 409, "admin check action": 200,
        "admin refresh action": 200, "webhook check": 200, "webhook": 200, "deletion status": 200,
        "deauthorize": 200, "legacy callback": 302, "legacy rest media next": 200, "disconnect": 302,
        "media page": 200, "unknown media page": 404, "explorer user_recent_media_with_pagination": 200, "legacy explorer user_recent_media_with_pagination": 200,
    }
    assert {label: evidence.statuses.get(label) for label in expected_statuses} == expected_statuses
    assert len(evidence.records) > 200
    assert any(record.name.startswith("django.db.backends") for record in evidence.records)
    assert_no_secret(evidence, secrets)


# urllib3 over a real socket ---------------------------------------------------------------------

LEGACY_TOKEN = "57451593.a1b2c3d.socket-test-token-e4f5a6b7c8d9"


class _InstagramStandIn(BaseHTTPRequestHandler):
    """Return recorded v1 media, a 500, or drop the connection, depending on the path."""

    # Keep-alive, so whether urllib3 reuses a connection never depends on when the server closes it.
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        if self.path.startswith("/v1/users/self/media/recent"):
            self._json(200, recorded_body("user_recent_media_self_with_pagination"))
        elif self.path.startswith("/v1/users/self?"):
            self._json(500, {"meta": {"code": 500, "error_type": "APIError", "error_message": "Oops"}})
        else:
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(2)

    def _json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def stand_in():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _InstagramStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_urllib3_debug_lines_redacted(evidence, stand_in):
    delays = []
    transport = Transport(retry=RetryPolicy(max_retries=2, jitter=lambda delay: delay), sleep=delays.append)
    client = LegacyClient(transport, base_url=stand_in, client_secret=CLIENT_SECRET, signed_requests=True)
    auth = {"access_token": LEGACY_TOKEN}

    page = _call(evidence, "media", client.user_recent_media, "self", auth, {"count": 2})
    _call(evidence, "server error", client.user, "self", auth)
    _call(evidence, "dropped connection", client.media, "1", auth)

    request_lines = [record.getMessage() for record in evidence.records if record.name == "urllib3.connectionpool"
                     and '"GET ' in record.getMessage()]
    assert len(request_lines) == 4  # the media page, then the 500 three times
    assert all("access_token=[redacted]" in line for line in request_lines)
    assert all("sig=[redacted]" in line for line in request_lines)
    assert page.pagination.next_url
    assert delays == [0.5, 1.0, 0.5, 1.0]
    assert_no_secret(evidence, {"token": LEGACY_TOKEN, "client secret": CLIENT_SECRET})


@pytest.mark.django_db(transaction=True)
def test_send_test_webhook_leaks_nothing(live_server, evidence, instagram_override):
    instagram_override(CLIENT_SECRET=CLIENT_SECRET, WEBHOOK_VERIFY_TOKEN=VERIFY_TOKEN)
    closed_port = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    refused_url = f"http://127.0.0.1:{closed_port.server_address[1]}/instagram/webhook/"
    closed_port.server_close()

    _command(evidence, "test webhook", "instagram_send_test_webhook", "--url", f"{live_server.url}/instagram/webhook/")
    _command(evidence, "test webhook refused", "instagram_send_test_webhook", "--url", refused_url)

    outputs = dict(evidence.texts)
    assert "HTTP 200" in outputs["test webhook stdout"]
    assert "failed" in outputs["test webhook refused error"]
    assert_no_secret(evidence, {"client secret": CLIENT_SECRET, "verify token": VERIFY_TOKEN})


# Error pages ------------------------------------------------------------------------------------


FRAME_VARIABLES = re.compile(r'<table class="vars".*?</table>', re.DOTALL)


def test_error_pages_hide_code(leak_settings, evidence, settings, monkeypatch):
    """Crash inside the callback: the 500 page, the error e-mail and Django's DEBUG page.

    Django lists every frame's local variables on its DEBUG page and in the log records of that
    page's template lookups, because it turns ``SafeExceptionReporterFilter`` off when DEBUG is
    on. Those tables and records are left out. Everything else on the DEBUG page is searched,
    and the error e-mail (sent with DEBUG off) is searched whole, local variables included.
    """
    from django_instagram import adapter

    def crash(self, request, code, api):
        client_secret = CLIENT_SECRET  # noqa: F841 (a local that an error report would list)
        raise RuntimeError("the adapter failed")

    monkeypatch.setattr(adapter.DefaultAdapter, "complete_login", crash)
    site_user = get_user_model().objects.create_user("alice", password="pw")
    browser = Client(raise_request_exception=False)
    browser.force_login(site_user)
    codes = {}

    redirect = _consent(browser, evidence, "plain 500")
    codes["code behind the 500 page"] = _query(redirect)["code"]
    evidence.response("plain 500", browser.get(_callback_path(redirect)))

    redirect = _consent(browser, evidence, "technical 500")
    codes["code behind the DEBUG page"] = _query(redirect)["code"]
    settings.DEBUG = True
    first_debug_record = len(evidence.records)
    technical = browser.get(_callback_path(redirect))
    settings.DEBUG = False
    evidence.records[first_debug_record:] = [
        record for record in evidence.records[first_debug_record:] if record.name != "django.template"
    ]
    page = technical.content.decode()
    assert technical.status_code == 500
    assert 'class="vars"' in page
    assert "code=[redacted]" in page
    evidence.add("technical 500 without frame variables", FRAME_VARIABLES.sub("", page))

    errors = [record for record in evidence.records if record.name == "django.request" and record.exc_info]
    assert len(errors) == 2
    for record in errors:
        reporter = ExceptionReporter(record.request, *record.exc_info, is_email=True)
        evidence.add("error e-mail text", reporter.get_traceback_text())
        evidence.add("error e-mail html", reporter.get_traceback_html())
    assert "client_secret" in reporter.get_traceback_html()
    assert_no_secret(evidence, {**codes, "client secret": CLIENT_SECRET})


def test_meta_callback_crash_hides_signed_request(leak_settings, evidence, monkeypatch):
    from django_instagram import compliance

    def crash(*args, **kwargs):
        raise RuntimeError("the deletion failed")

    monkeypatch.setattr(compliance, "_unlink_all", crash)
    value = signed_request.sign({"user_id": "17841400000000001", "algorithm": "HMAC-SHA256",
                                 "issued_at": 1764842400}, CLIENT_SECRET)

    response = Client(raise_request_exception=False).post("/instagram/deauthorize/", {"signed_request": value})

    assert response.status_code == 500
    errors = [record for record in evidence.records if record.name == "django.request" and record.exc_info]
    assert errors
    reporter = ExceptionReporter(errors[0].request, *errors[0].exc_info, is_email=True)
    evidence.add("error e-mail text", reporter.get_traceback_text())
    evidence.add("error e-mail html", reporter.get_traceback_html())
    assert "signed_request" in reporter.get_traceback_text()
    assert_no_secret(evidence, {"signed_request": value, "signature": value.split(".")[0],
                                "client secret": CLIENT_SECRET})


# Redaction units ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("https://api.instagram.com/v1/users/self?access_token=57451593.abc.def&count=2",
     "https://api.instagram.com/v1/users/self?access_token=[redacted]&count=2"),
    ("client_id=app&client_secret=s3cr3t&code=AQBx-1_2#_&grant_type=authorization_code",
     "client_id=app&client_secret=[redacted]&code=[redacted]&grant_type=authorization_code"),
    ('{"access_token": "IGQVJ-abc", "user_id": 1}', '{"access_token": "[redacted]", "user_id": 1}'),
    ('{"access_token":"IGQVJ-abc"}', '{"access_token":"[redacted]"}'),
    ("{'client_secret': 's3cr3t', 'code': 'AQBx'}", "{'client_secret': '[redacted]', 'code': '[redacted]'}"),
    ("next=https%3A%2F%2Fapi.instagram.com%2Fv1%3Faccess_token%3DIGQVJabc%26count%3D2",
     "next=https%3A%2F%2Fapi.instagram.com%2Fv1%3Faccess_token%3D[redacted]%26count%3D2"),
    ("Authorization: Bearer IGQVJ-abcdefgh", "Authorization: Bearer [redacted]"),
    ("Authorization: OAuth IGQVJ-abcdefgh", "Authorization: OAuth [redacted]"),
    ("hub.mode=subscribe&hub.verify_token=vt-123&hub.challenge=42", "hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=42"),
    ("signed_request=c2ln.eyJ1c2VyX2lkIjoiMSJ9", "signed_request=[redacted]"),
    ("ACCESS_TOKEN=IGQVJ-abc", "ACCESS_TOKEN=[redacted]"),
    ("?sig=abc123&appsecret_proof=def456", "?sig=[redacted]&appsecret_proof=[redacted]"),
    ("grant_type=ig_refresh_token&access_token=IGQVJ-abc", "grant_type=ig_refresh_token&access_token=[redacted]"),
])
def test_redact_text_secrets(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize("text", [
    "error_code=190&country_code=SE",
    '{"meta": {"code": 400, "error_type": "OAuthException"}}',
    "{'code': 190, 'error_subcode': 463}",
    "client_id=test-client-id&count=2&max_id=123",
    "Bearer short",
    "Instagram returned HTTP 400 for /v1/media/1",
])
def test_redact_text_keeps_other_values(text):
    assert redact_text(text) == text


def test_strip_credentials_from_next_url():
    url = "https://api.instagram.com/v1/users/self/media/recent?access_token=57451593.abc&count=2&max_id=9_1&client_id=x&sig=abc"

    assert strip_credentials(url) == "https://api.instagram.com/v1/users/self/media/recent?count=2&max_id=9_1"
    assert strip_credentials(None) is None
    assert strip_credentials("") == ""


@pytest.mark.parametrize("query, expected", [
    ("access%5Ftoken=secret&max_id=1", "max_id=1"),
    ("access_token=secret&access_token=again&count=2", "count=2"),
    ("ACCESS_TOKEN=secret&max_id=1", "max_id=1"),
    ("q=a+b%26c&sig=abc", "q=a+b%26c"),
    ("count&&client_id=x&max_id=", "count&max_id="),
    ("fb_exchange_token=x&code=y&refresh_token=z", ""),
])
def test_strip_credentials_keeps_other_encoding(query, expected):
    url = strip_credentials(f"https://api.instagram.com/v1/tags/x/media/recent?{query}#top")

    assert url == f"https://api.instagram.com/v1/tags/x/media/recent{'?' + expected if expected else ''}#top"


def test_redacting_filter_rewrites_record():
    record = logging.LogRecord("urllib3.connectionpool", logging.DEBUG, __file__, 1, '%s "%s %s"', (
        "https://api.instagram.com:443", "GET", "/v1/users/self?access_token=57451593.abc"), None)

    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == 'https://api.instagram.com:443 "GET /v1/users/self?access_token=[redacted]"'


def test_redacting_filter_keeps_broken_record():
    record = logging.LogRecord("urllib3", logging.DEBUG, __file__, 1, "%s %s", ("only one",), None)

    assert RedactingFilter().filter(record) is True
    assert record.msg == "%s %s"


def test_runserver_access_log_redacted(evidence):
    install_log_filters()

    logging.getLogger("django.server").info('"%s" %s %s', "GET /instagram/callback/?code=AQBx-secret-code&state=s1 HTTP/1.1",
                                            "302", "0")

    messages = [record.getMessage() for record in evidence.records if record.name == "django.server"]
    assert messages == ['"GET /instagram/callback/?code=[redacted]&state=s1 HTTP/1.1" 302 0']


def test_take_query_redacts_request(rf):
    request = rf.get("/instagram/callback/", {"code": "AQBx-secret-code#_", "state": "s1"})

    params = take_query(request)

    assert params["code"] == "AQBx-secret-code#_"
    assert params["state"] == "s1"
    assert request.GET["code"] == "[redacted]"
    assert request.GET["state"] == "s1"
    assert "AQBx" not in request.get_full_path()
    assert "AQBx" not in repr(request)


def test_take_query_leaves_plain_query(rf):
    request = rf.get("/instagram/callback/", {"error": "access_denied", "state": "s1"})
    query = request.META["QUERY_STRING"]

    params = take_query(request)

    assert request.META["QUERY_STRING"] == query
    assert params.dict() == {"error": "access_denied", "state": "s1"}


TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    secret=st.text(alphabet=TOKEN_ALPHABET, min_size=12, max_size=200),
    key=st.sampled_from(sorted(SECRET_PARAMETERS)),
    shape=st.sampled_from(["query", "form", "json", "repr", "nested", "header"]),
)
def test_redact_text_random_secrets(secret, key, shape):
    text = _text_with(secret, key, shape)
    # "\0" is outside the token alphabet, so this finds only copies of the secret in the rest of the text.
    assume(secret not in _text_with("\0", key, shape))

    assert secret not in redact_text(text)


def _text_with(secret: str, key: str, shape: str) -> str:
    url = f"https://api.instagram.com/v1/users/self?count=2&{key}={secret}&max_id=1"
    if shape == "query":
        return url
    if shape == "form":
        return urlencode({"grant_type": "authorization_code", key: secret, "redirect_uri": "https://a.example/"})
    if shape == "json":
        return json.dumps({key: secret, "user_id": 1})
    if shape == "repr":
        return repr({key: secret, "user_id": 1})
    if shape == "nested":
        return "https://site.example/page?next=" + quote(url, safe="")
    return f"Authorization: Bearer {secret}"
