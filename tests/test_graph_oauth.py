"""Instagram Login: authorize URL, both code-exchange shapes, the long-lived exchange and /me."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from responses import matchers

from django_instagram import services
from django_instagram.accounts import link_account
from django_instagram.client import oauth
from django_instagram.client.graph import USER_FIELDS
from django_instagram.client.transport import Transport
from django_instagram.client.types import AccessToken
from django_instagram.graph import complete_login
from tests.conftest import graph_fixture

SHORT = "IGAAshortlivedtoken000000"
LONG = "IGAAlonglivedtoken1111111"
TOKEN_URL = "https://api.instagram.com/oauth/access_token"


@pytest.fixture
def graph_app(instagram_override):
    instagram_override(
        API="graph", SANDBOX=False, CLIENT_ID="990602627938098", CLIENT_SECRET="app-secret",
        REDIRECT_URI="https://example.com/instagram/callback/",
        SCOPES=["instagram_business_basic", "instagram_business_manage_comments"],
    )


def test_authorize_url_comma_scopes(graph_app):
    url = services.authorize_url(state="s1")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.instagram.com/oauth/authorize"
    assert parse_qsl(parts.query) == [
        ("client_id", "990602627938098"),
        ("redirect_uri", "https://example.com/instagram/callback/"),
        ("response_type", "code"),
        ("scope", "instagram_business_basic,instagram_business_manage_comments"),
        ("state", "s1"),
    ]


def test_authorize_url_default_scope(instagram_override):
    instagram_override(API="graph", SANDBOX=False, SCOPES=None)

    assert dict(parse_qsl(urlsplit(services.authorize_url()).query))["scope"] == "instagram_business_basic"


@pytest.mark.parametrize("body", [
    {"access_token": SHORT, "user_id": 27640875392278831, "permissions": ["instagram_business_basic"]},
    {"data": [{"access_token": SHORT, "user_id": "27640875392278831", "permissions": "instagram_business_basic"}]},
])
def test_code_exchange_both_shapes(mock_instagram, graph_app, body):
    form = {
        "client_id": "990602627938098", "client_secret": "app-secret", "code": "AQBx-code",
        "grant_type": "authorization_code", "redirect_uri": "https://example.com/instagram/callback/",
    }
    mock_instagram.add("POST", TOKEN_URL, json=body, match=[matchers.urlencoded_params_matcher(form)])

    token = services.get_token("AQBx-code#_")

    assert token.access_token == SHORT
    assert token.user_id == "27640875392278831"
    assert token.permissions == ("instagram_business_basic",)


def test_code_exchange_recorded(mock_instagram, graph_app):
    mock_instagram.add("POST", TOKEN_URL, json=graph_fixture("token_code_exchange"))

    token = services.get_token("code")

    assert token.access_token == "<REMOVED>"
    assert token.user_id == "user_id"
    assert token.permissions == ()


def test_long_lived_exchange(mock_instagram):
    params = {"grant_type": "ig_exchange_token", "client_secret": "app-secret", "access_token": SHORT}
    mock_instagram.add(
        "GET", "https://graph.instagram.com/access_token", json=graph_fixture("token_long_lived"),
        match=[matchers.query_param_matcher(params)],
    )

    token = oauth.exchange_long_lived(Transport(), SHORT, client_secret="app-secret")

    assert token.token_type == "bearer"
    assert token.expires_in == 5184000


def test_refresh_request(mock_instagram):
    params = {"grant_type": "ig_refresh_token", "access_token": LONG}
    mock_instagram.add(
        "GET", "https://graph.instagram.com/refresh_access_token", json=graph_fixture("token_long_lived"),
        match=[matchers.query_param_matcher(params)],
    )

    token = oauth.refresh_long_lived(Transport(), LONG)

    assert token.expires_in == 5184000


def _login_mocks(mock, me_body):
    mock.add("POST", TOKEN_URL, json={"access_token": SHORT, "user_id": 5858, "permissions": ["instagram_business_basic"]})
    mock.add("GET", "https://graph.instagram.com/access_token",
             json={"access_token": LONG, "token_type": "bearer", "expires_in": 5184000})
    mock.add("GET", "https://graph.instagram.com/v26.0/me", json=me_body,
             match=[matchers.query_param_matcher({"fields": USER_FIELDS}),
                    matchers.header_matcher({"Authorization": f"Bearer {LONG}"})])


def test_complete_login_returns_long_lived(mock_instagram, graph_app):
    _login_mocks(mock_instagram, {"id": "5858", "user_id": "17841400000000009", "username": "shop", "account_type": "BUSINESS"})

    token, profile = complete_login("AQBx#_")

    assert token.access_token == LONG
    assert token.expires_in == 5184000
    assert token.permissions == ("instagram_business_basic",)
    assert profile.id == "17841400000000009"
    assert profile.app_scoped_id == "5858"
    assert SHORT not in repr(token)


@pytest.mark.django_db
def test_link_stores_long_lived_and_ids(mock_instagram, graph_app):
    _login_mocks(mock_instagram, {"id": "5858", "user_id": "17841400000000009", "username": "shop", "account_type": "BUSINESS"})
    site_user = get_user_model().objects.create_user("carol")

    token, profile = complete_login("AQBx")
    account, created = link_account(site_user, token, profile, api="graph")

    account.refresh_from_db()
    assert created is True
    assert account.access_token == LONG
    assert account.instagram_user_id == "17841400000000009"
    assert account.app_scoped_id == "5858"
    assert account.scopes == ["instagram_business_basic"]
    assert timedelta(days=59, hours=23) < account.token_expires_at - timezone.now() <= timedelta(days=60)


def test_access_token_repr_masks():
    token = AccessToken(access_token=LONG, user_id="1", expires_in=10)

    assert LONG not in repr(token)
    assert "…1111" in repr(token)
