"""The best-effort webhook subscription steps survive failures that are not Instagram errors.

An unreadable token or a cache outage is logged, and the login or disconnect goes on. A token
passed where the fields belong never reaches an error message.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from django_instagram import services
from django_instagram.models import InstagramAccount
from django_instagram.sandbox import graph_views

TOKEN = "IGAAsubscriptionstoken0000"
GRAPH_SCOPES = ["instagram_business_basic", "instagram_business_manage_comments"]
#: Stored ciphertexts that the disconnect must survive: one that no key decrypts, and none at all.
BROKEN_CIPHERTEXTS = ["gAAAAAundecryptable", ""]


@pytest.fixture
def graph_account(db, site_user, instagram_override):
    instagram_override(API="graph", SANDBOX=False, WEBHOOK_FIELDS=["comments"])
    account = InstagramAccount(user=site_user, api="graph", instagram_user_id="17841400000000001", username="shop")
    account.access_token = TOKEN
    account.save()
    return account


@pytest.fixture
def graph_sandbox(sandbox, instagram_override):
    instagram_override(API="graph", SCOPES=GRAPH_SCOPES, WEBHOOK_FIELDS=["comments"])


class CacheUnavailable(Exception):
    """A cache backend's connection error, as redis or memcached raise it."""


def _fail(*args, **kwargs):
    raise CacheUnavailable("cache server unavailable")


def _link(client):
    """Run login, Allow and callback through the sandbox, and return the callback's response."""
    authorize = client.get("/instagram/login/")["Location"]
    query = {key: values[0] for key, values in parse_qs(urlsplit(authorize).query).items()}
    redirect = client.post(urlsplit(authorize).path, {**query, "allow": "1"})["Location"]
    parts = urlsplit(redirect)
    return client.get(f"{parts.path}?{parts.query}")


# A token that cannot be read (no key decrypts it, or none is stored) must not block a disconnect.


@pytest.mark.parametrize("ciphertext", BROKEN_CIPHERTEXTS)
def test_disconnect_unreadable_token(logged_in, graph_account, ciphertext):
    InstagramAccount.objects.filter(pk=graph_account.pk).update(token_ciphertext=ciphertext)

    response = logged_in.post(f"/instagram/accounts/{graph_account.pk}/disconnect/")

    assert response.status_code == 302
    assert not InstagramAccount.objects.exists()


@pytest.mark.parametrize("ciphertext", BROKEN_CIPHERTEXTS)
def test_rest_delete_unreadable_token(logged_in, graph_account, ciphertext):
    pytest.importorskip("rest_framework")
    InstagramAccount.objects.filter(pk=graph_account.pk).update(token_ciphertext=ciphertext)

    response = logged_in.delete(f"/api/instagram/accounts/{graph_account.pk}/")

    assert response.status_code == 204
    assert not InstagramAccount.objects.exists()


# The sandbox adapter passes a view's exception to the caller unchanged, so a cache failure in the
# sandbox reaches the best-effort steps as an exception that is not an InstagramError.


def test_callback_sandbox_cache_failure(logged_in, graph_sandbox, monkeypatch):
    monkeypatch.setattr(graph_views.cache, "set", _fail)

    response = _link(logged_in)

    assert response.status_code == 302
    assert InstagramAccount.objects.get().status == InstagramAccount.Status.ACTIVE


def test_disconnect_sandbox_cache_failure(logged_in, graph_sandbox, monkeypatch):
    _link(logged_in)
    account = InstagramAccount.objects.get()
    monkeypatch.setattr(graph_views.cache, "delete", _fail)

    response = logged_in.post(f"/instagram/accounts/{account.pk}/disconnect/")

    assert response.status_code == 302
    assert not InstagramAccount.objects.exists()


# unsubscribe_webhooks(token) and webhook_subscriptions(token) take the token first, so
# subscribe_webhooks(token) is an easy slip. Its TypeError must not copy the token into logs.


def test_fields_error_hides_token(graph_account):
    with pytest.raises(TypeError) as caught:
        services.subscribe_webhooks(TOKEN)

    assert "needs fields as a list of webhook field names" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)
