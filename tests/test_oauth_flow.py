"""The walking skeleton end to end: login, sandbox consent, callback, linked account, home page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model

from django_instagram.models import InstagramAccount
from tests.conftest import recorded_body

pytestmark = pytest.mark.django_db


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def _start_login(client, **params) -> str:
    response = client.get("/instagram/login/", params)
    assert response.status_code == 302
    return response["Location"]


def _allow(client, authorize_url: str, button: str = "allow") -> str:
    response = client.post(urlsplit(authorize_url).path, {**_query(authorize_url), button: "1"})
    assert response.status_code == 302
    return response["Location"]


def _callback_path(redirect: str) -> str:
    parts = urlsplit(redirect)
    return f"{parts.path}?{parts.query}"


def test_login_redirects_to_sandbox_authorize_url(logged_in, sandbox):
    location = _start_login(logged_in)

    query = _query(location)
    assert urlsplit(location).path == "/instagram-sandbox/oauth/authorize/"
    assert query["client_id"] == "test-client-id"
    assert query["redirect_uri"] == "https://testserver/instagram/callback/"
    assert query["response_type"] == "code"
    assert query["scope"] == "basic public_content follower_list comments relationships likes"
    assert len(query["state"]) >= 32


def test_consent_page_names_app_and_scopes(logged_in, sandbox):
    location = _start_login(logged_in)

    page = logged_in.get(location).content.decode()

    assert "Allow Test site to access your Instagram account?" in page
    assert "<code>public_content</code>" in page
    assert ">Allow</button>" in page
    assert ">Cancel</button>" in page


def test_consent_page_loads_nothing_remote(logged_in, sandbox):
    location = _start_login(logged_in)

    page = logged_in.get(location).content.decode()

    assert "Sandbox: no data leaves this site" in page
    assert "@user_cf840edd" in page
    assert 'src="http' not in page
    assert "cdninstagram.com" not in page


def test_whole_flow_links_account_and_shows_media(logged_in, site_user, sandbox):
    redirect = _allow(logged_in, _start_login(logged_in))

    response = logged_in.get(_callback_path(redirect))

    assert response.status_code == 302
    assert response["Location"] == "/"
    account = InstagramAccount.objects.get(user=site_user)
    assert account.instagram_user_id == "57451593"
    assert account.username == "user_cf840edd"
    assert account.full_name == "Sju Utpilv"
    assert account.api == "legacy"
    assert account.access_token.startswith("57451593.")

    home = logged_in.get("/").content.decode()
    media = recorded_body("user_recent_media")["data"]
    assert "@user_cf840edd" in home
    for item in media:
        assert item["images"]["standard_resolution"]["url"] in home
        assert item["caption"]["text"][:40] in home


def test_legacy_account_stores_requested_scopes(logged_in, site_user, sandbox, instagram_override):
    instagram_override(SCOPES=["likes", "comments"])
    authorize_url = _start_login(logged_in)
    assert _query(authorize_url)["scope"] == "likes comments"

    logged_in.get(_callback_path(_allow(logged_in, authorize_url)))

    account = InstagramAccount.objects.get(user=site_user)
    assert account.scopes == ["basic", "likes", "comments"]


def test_legacy_account_default_scopes(logged_in, site_user, sandbox):
    logged_in.get(_callback_path(_allow(logged_in, _start_login(logged_in))))

    account = InstagramAccount.objects.get(user=site_user)
    assert account.scopes[0] == "basic"
    assert len(account.scopes) == len(set(account.scopes))


def test_callback_honours_safe_next(logged_in, sandbox):
    redirect = _allow(logged_in, _start_login(logged_in, next="/accounts/somewhere/"))

    response = logged_in.get(_callback_path(redirect))

    assert response["Location"] == "/accounts/somewhere/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_callback_ignores_offsite_next(logged_in, sandbox, next_url):
    redirect = _allow(logged_in, _start_login(logged_in, next=next_url))

    response = logged_in.get(_callback_path(redirect))

    assert response["Location"] == "/"


def test_callback_without_state_is_refused(logged_in, sandbox):
    redirect = _allow(logged_in, _start_login(logged_in))
    query = _query(redirect)

    response = logged_in.get("/instagram/callback/", {"code": query["code"]})

    assert response.status_code == 400
    assert "invalid or has expired" in response.content.decode()
    assert not InstagramAccount.objects.exists()


@pytest.mark.parametrize("code", ["", "   ", "#_"])
def test_callback_blank_code_refused(logged_in, site_user, sandbox, code):
    state = _query(_start_login(logged_in))["state"]

    response = logged_in.get("/instagram/callback/", {"code": code, "state": state})

    assert response.status_code == 400
    assert "Instagram did not send an authorisation code" in response.content.decode()
    assert not InstagramAccount.objects.filter(user=site_user).exists()


def test_callback_with_wrong_state_is_refused(logged_in, sandbox):
    redirect = _allow(logged_in, _start_login(logged_in))
    query = _query(redirect)

    response = logged_in.get("/instagram/callback/", {"code": query["code"], "state": "forged"})

    assert response.status_code == 400
    assert not InstagramAccount.objects.exists()


def test_callback_state_is_single_use(logged_in, sandbox):
    redirect = _allow(logged_in, _start_login(logged_in))
    first = logged_in.get(_callback_path(redirect))

    second = logged_in.get(_callback_path(redirect))

    assert first.status_code == 302
    assert second.status_code == 400
    assert InstagramAccount.objects.count() == 1


def test_several_pending_logins_each_complete(logged_in, sandbox):
    first = _allow(logged_in, _start_login(logged_in))
    second = _allow(logged_in, _start_login(logged_in))

    assert logged_in.get(_callback_path(second)).status_code == 302
    assert logged_in.get(_callback_path(first)).status_code == 302


def test_cancel_is_told_apart_from_failure(logged_in, sandbox):
    redirect = _allow(logged_in, _start_login(logged_in), button="cancel")

    response = logged_in.get(_callback_path(redirect))

    assert _query(redirect)["error"] == "access_denied"
    assert response.status_code == 200
    assert "You cancelled connecting your Instagram account" in response.content.decode()
    assert not InstagramAccount.objects.exists()


def test_code_replayed_gets_token_endpoint_error(logged_in, sandbox):
    redirect = _allow(logged_in, _start_login(logged_in))
    code = _query(redirect)["code"]
    assert logged_in.get(_callback_path(redirect)).status_code == 302
    state = _query(_start_login(logged_in))["state"]

    response = logged_in.get("/instagram/callback/", {"code": code, "state": state})

    assert response.status_code == 502
    assert "Matching code was not found or was already used" in response.content.decode()


def test_login_requires_site_user(client, sandbox):
    response = client.get("/instagram/login/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_disconnect_by_get_is_refused(logged_in, site_user, sandbox):
    logged_in.get(_callback_path(_allow(logged_in, _start_login(logged_in))))
    account = InstagramAccount.objects.get()

    response = logged_in.get(f"/instagram/accounts/{account.pk}/disconnect/")

    assert response.status_code == 405
    assert InstagramAccount.objects.filter(pk=account.pk).exists()


def test_disconnect_by_another_user_is_refused(client, logged_in, sandbox):
    logged_in.get(_callback_path(_allow(logged_in, _start_login(logged_in))))
    account = InstagramAccount.objects.get()
    intruder = get_user_model().objects.create_user("mallory", password="pw")
    client.force_login(intruder)

    response = client.post(f"/instagram/accounts/{account.pk}/disconnect/")

    assert response.status_code == 404
    assert InstagramAccount.objects.filter(pk=account.pk).exists()


def test_disconnect_by_owner_unlinks(logged_in, sandbox):
    logged_in.get(_callback_path(_allow(logged_in, _start_login(logged_in))))
    account = InstagramAccount.objects.get()

    response = logged_in.post(f"/instagram/accounts/{account.pk}/disconnect/")

    assert response.status_code == 302
    assert not InstagramAccount.objects.exists()


def test_disconnect_drops_cached_feed(logged_in, sandbox):
    from django_instagram.cache import account_key, account_version

    logged_in.get(_callback_path(_allow(logged_in, _start_login(logged_in))))
    account = InstagramAccount.objects.get()
    key_before = account_key(account.pk, "recent_media", {"count": 12})
    version_before = account_version(account.pk)

    logged_in.post(f"/instagram/accounts/{account.pk}/disconnect/")

    assert account_version(account.pk) == version_before + 1
    assert account_key(account.pk, "recent_media", {"count": 12}) != key_before
