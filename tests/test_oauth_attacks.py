"""Attacks on the OAuth views, run through the in-process sandbox.

``test_oauth_flow.py`` covers a missing, forged and reused ``state``, a replayed code, three
off-site ``next`` values, login without a site user, and disconnect by GET or by another user.
This file adds the rest: expired state, state from another session, more ``next`` tricks, a
callback without a site user, an Instagram account that another site user already linked,
and disconnect without a CSRF token.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from django_instagram import oauth_state
from django_instagram.models import InstagramAccount

pytestmark = pytest.mark.django_db


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def _start_login(client, **params) -> str:
    response = client.get("/instagram/login/", params)
    assert response.status_code == 302
    return response["Location"]


def _allow(client, authorize_url: str) -> str:
    response = client.post(urlsplit(authorize_url).path, {**_query(authorize_url), "allow": "1"})
    assert response.status_code == 302
    return response["Location"]


def _callback_path(redirect: str) -> str:
    parts = urlsplit(redirect)
    return f"{parts.path}?{parts.query}"


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_user(username, password="pw"))
    return client


def _link(client) -> InstagramAccount:
    response = client.get(_callback_path(_allow(client, _start_login(client))))
    assert response.status_code == 302
    return InstagramAccount.objects.get(user_id=client.session["_auth_user_id"])


# State ------------------------------------------------------------------------------------------


def test_state_expires_after_max_age():
    session = {}
    state = oauth_state.issue(session, next_url="/", api="legacy")
    created = session[oauth_state.SESSION_KEY][state]["created"]

    with pytest.raises(oauth_state.StateError) as caught:
        oauth_state.consume(session, state, now=created + oauth_state.STATE_MAX_AGE + 1)

    assert str(caught.value) == "expired"
    assert state not in session[oauth_state.SESSION_KEY]


def test_state_valid_until_max_age():
    session = {}
    state = oauth_state.issue(session, next_url="/next/", api="legacy")
    created = session[oauth_state.SESSION_KEY][state]["created"]

    pending = oauth_state.consume(session, state, now=created + oauth_state.STATE_MAX_AGE)

    assert pending.next_url == "/next/"
    assert pending.api == "legacy"


def test_expired_state_rejected_by_callback(sandbox, monkeypatch):
    client = _signed_in("alice")
    redirect = _allow(client, _start_login(client))
    issued = max(entry["created"] for entry in client.session[oauth_state.SESSION_KEY].values())
    monkeypatch.setattr(oauth_state.time, "time", lambda: issued + oauth_state.STATE_MAX_AGE + 1)

    response = client.get(_callback_path(redirect))

    assert response.status_code == 400
    assert "invalid or has expired" in response.content.decode()
    assert not InstagramAccount.objects.exists()


def test_state_from_another_session_rejected(sandbox):
    attacker = _signed_in("mallory")
    victim = _signed_in("alice")
    attacker_redirect = _allow(attacker, _start_login(attacker))

    response = victim.get(_callback_path(attacker_redirect))

    assert response.status_code == 400
    assert not InstagramAccount.objects.exists()
    assert attacker.get(_callback_path(attacker_redirect)).status_code == 302
    assert InstagramAccount.objects.get().user.username == "mallory"


def test_state_lost_when_site_user_changes(sandbox):
    client = _signed_in("alice")
    redirect = _allow(client, _start_login(client))
    client.force_login(get_user_model().objects.create_user("bob", password="pw"))

    response = client.get(_callback_path(redirect))

    assert response.status_code == 400
    assert not InstagramAccount.objects.exists()


def test_too_many_pending_logins_drop_oldest():
    session = {}
    first = oauth_state.issue(session, next_url="/", api="legacy")
    for _ in range(oauth_state.MAX_PENDING):
        oauth_state.issue(session, next_url="/", api="legacy")

    with pytest.raises(oauth_state.StateError):
        oauth_state.consume(session, first)

    assert len(session[oauth_state.SESSION_KEY]) == oauth_state.MAX_PENDING


def test_state_unguessable():
    session = {}
    states = {oauth_state.issue(session, next_url="/", api="legacy") for _ in range(oauth_state.MAX_PENDING)}

    assert len(states) == oauth_state.MAX_PENDING
    assert all(len(state) >= 43 for state in states)  # 32 random bytes, url-safe base64


# next --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("next_url", [
    "https://testserver.evil.example/",
    "http://testserver@evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "///evil.example/",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
])
def test_offsite_next_ignored(sandbox, next_url):
    client = _signed_in("alice")
    redirect = _allow(client, _start_login(client, next=next_url))

    response = client.get(_callback_path(redirect))

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_http_next_on_https_site_ignored(sandbox):
    client = _signed_in("alice")
    login = client.get("/instagram/login/", {"next": "http://testserver/plain/"}, secure=True)
    redirect = _allow(client, login["Location"])

    response = client.get(_callback_path(redirect), secure=True)

    assert response["Location"] == "/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_disconnect_offsite_next_ignored(sandbox, next_url):
    client = _signed_in("alice")
    account = _link(client)

    response = client.post(f"/instagram/accounts/{account.pk}/disconnect/", {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not InstagramAccount.objects.exists()


# Callback without a site user ------------------------------------------------------------------


def test_callback_without_site_user(sandbox):
    client = _signed_in("alice")
    redirect = _allow(client, _start_login(client))
    anonymous = Client()

    response = anonymous.get(_callback_path(redirect))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/instagram/login/"
    assert _query(redirect)["code"] not in response["Location"]
    assert not InstagramAccount.objects.exists()


def test_callback_after_logout(sandbox):
    client = _signed_in("alice")
    redirect = _allow(client, _start_login(client))
    client.logout()

    response = client.get(_callback_path(redirect))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not InstagramAccount.objects.exists()


# An Instagram account linked to another site user ----------------------------------------------


def test_account_linked_elsewhere_rejected(sandbox, caplog):
    alice = _signed_in("alice")
    first_link = _link(alice)
    stored_before = InstagramAccount.objects.values().get(pk=first_link.pk)
    bob = _signed_in("bob")

    with caplog.at_level(logging.WARNING, logger="django_instagram"):
        response = bob.get(_callback_path(_allow(bob, _start_login(bob))))

    page = response.content.decode()
    assert response.status_code == 409
    assert "This Instagram account is already linked to another user of this site." in page
    assert InstagramAccount.objects.count() == 1
    assert InstagramAccount.objects.values().get(pk=first_link.pk) == stored_before
    assert InstagramAccount.objects.get().user.username == "alice"
    assert not InstagramAccount.objects.filter(user__username="bob").exists()
    assert "Refused to link Instagram account 57451593" in caplog.text


def test_account_linked_elsewhere_then_owner_relinks(sandbox):
    alice = _signed_in("alice")
    _link(alice)
    bob = _signed_in("bob")
    bob.get(_callback_path(_allow(bob, _start_login(bob))))

    account = _link(alice)

    assert account.user.username == "alice"
    assert InstagramAccount.objects.count() == 1


# Disconnect ---------------------------------------------------------------------------------------


def _csrf_client(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_disconnect_without_csrf_rejected(sandbox):
    account = _link(_signed_in("alice"))
    client = _csrf_client("alice")

    response = client.post(f"/instagram/accounts/{account.pk}/disconnect/")

    assert response.status_code == 403
    assert InstagramAccount.objects.filter(pk=account.pk).exists()


def test_disconnect_with_wrong_csrf_rejected(sandbox):
    account = _link(_signed_in("alice"))
    client = _csrf_client("alice")
    client.cookies[django_settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()

    response = client.post(f"/instagram/accounts/{account.pk}/disconnect/",
                           {"csrfmiddlewaretoken": _get_new_csrf_string()})

    assert response.status_code == 403
    assert InstagramAccount.objects.filter(pk=account.pk).exists()


def test_disconnect_with_csrf_unlinks(sandbox):
    account = _link(_signed_in("alice"))
    client = _csrf_client("alice")
    token = _get_new_csrf_string()
    client.cookies[django_settings.CSRF_COOKIE_NAME] = token

    response = client.post(f"/instagram/accounts/{account.pk}/disconnect/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert not InstagramAccount.objects.filter(pk=account.pk).exists()


def test_disconnect_by_another_user_with_csrf(sandbox):
    account = _link(_signed_in("alice"))
    _signed_in("mallory")
    client = _csrf_client("mallory")
    token = _get_new_csrf_string()
    client.cookies[django_settings.CSRF_COOKIE_NAME] = token

    response = client.post(f"/instagram/accounts/{account.pk}/disconnect/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 404
    assert InstagramAccount.objects.filter(pk=account.pk).exists()


def test_disconnect_without_site_user(sandbox):
    account = _link(_signed_in("alice"))

    response = Client().post(f"/instagram/accounts/{account.pk}/disconnect/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert InstagramAccount.objects.filter(pk=account.pk).exists()


# Log injection ----------------------------------------------------------------------------------


def test_error_params_cannot_forge_log_lines(sandbox, caplog):
    client = _signed_in("alice")
    state = _query(_start_login(client))["state"]
    forged = "server_error\nCRITICAL django_instagram: Linked Instagram account 1 to user 2."

    with caplog.at_level(logging.INFO, logger="django_instagram"):
        response = client.get("/instagram/callback/", {"state": state, "error": forged, "error_reason": forged})

    messages = [record.getMessage() for record in caplog.records if record.name == "django_instagram.views"]
    assert response.status_code == 400
    assert len(messages) == 1
    assert "\n" not in messages[0]
    assert "\\nCRITICAL" in messages[0]
