"""The v1 authorize URL and code exchange, compared with the strings Elixtagram's tests expect."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from django_instagram import services
from django_instagram.client import oauth
from django_instagram.exceptions import InstagramConfigurationError
from tests.conftest import add_recorded

ELIXTAGRAM_URL = (
    "https://api.instagram.com/oauth/authorize/?client_id=XXX"
    "&redirect_uri=https%3A%2F%2Flocalhost%3A4000%2Ftest&response_type=code"
)


@pytest.fixture
def elixtagram_app(instagram_override):
    instagram_override(CLIENT_ID="XXX", REDIRECT_URI="https://localhost:4000/test", SCOPES=[], SANDBOX=False)


def test_authorize_url_no_scopes(elixtagram_app):
    assert services.authorize_url() == ELIXTAGRAM_URL


def test_authorize_url_scopes(elixtagram_app):
    assert services.authorize_url(["relationships", "comments"]) == f"{ELIXTAGRAM_URL}&scope=relationships+comments"


def test_authorize_url_scopes_and_state(elixtagram_app):
    assert (
        services.authorize_url(["relationships", "comments"], "value")
        == f"{ELIXTAGRAM_URL}&scope=relationships+comments&state=value"
    )


def test_authorize_url_configured_scopes(instagram_override):
    instagram_override(CLIENT_ID="XXX", REDIRECT_URI="https://localhost:4000/test", SCOPES=["basic", "likes"])

    assert services.authorize_url(state="s") == f"{ELIXTAGRAM_URL}&scope=basic+likes&state=s"


def test_authorize_url_encodes_state(elixtagram_app):
    url = services.authorize_url(["basic"], "a b&c=d/é")

    assert url.endswith("&scope=basic&state=a+b%26c%3Dd%2F%C3%A9")


def test_authorize_url_unknown_scope(elixtagram_app):
    with pytest.raises(ValueError, match="Unknown v1 scope\\(s\\) 'instagram_business_basic', 'likez'; use basic, "):
        services.authorize_url(["likes", "instagram_business_basic", "likez"])


def test_authorize_url_runtime_configuration(elixtagram_app):
    services.configure("runtime-id", "secret", "https://example.com/cb")

    assert services.authorize_url().startswith(
        "https://api.instagram.com/oauth/authorize/?client_id=runtime-id&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&"
    )


def test_authorize_url_missing_client_id(instagram_override, monkeypatch):
    monkeypatch.delenv("INSTAGRAM_CLIENT_ID", raising=False)
    instagram_override(CLIENT_ID=None)

    with pytest.raises(InstagramConfigurationError, match='INSTAGRAM\\["CLIENT_ID"\\] is not set'):
        services.authorize_url()


def test_build_authorize_url_order():
    url = oauth.build_authorize_url(
        oauth.LEGACY_AUTHORIZE_URL, client_id="XXX", redirect_uri="https://localhost:4000/test",
        scopes=["relationships", "comments"], state="value",
    )

    assert url == f"{ELIXTAGRAM_URL}&scope=relationships+comments&state=value"


def test_get_token_form(mock_instagram):
    add_recorded(mock_instagram, "access_token")

    token = services.get_token("code with spaces&=")

    request = mock_instagram.calls[0].request
    assert request.method == "POST"
    assert request.url == "https://api.instagram.com/oauth/access_token"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    pairs = parse_qsl(request.body)
    assert [key for key, _ in pairs] == ["client_id", "client_secret", "code", "grant_type", "redirect_uri"]
    assert dict(pairs)["code"] == "code with spaces&="
    assert dict(pairs)["grant_type"] == "authorization_code"
    assert token.user.id == "57451593"
    assert "<REMOVED>" not in repr(token)


def test_get_token_timeout(mock_instagram, monkeypatch):
    import requests

    add_recorded(mock_instagram, "access_token")
    seen = []
    original = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)

    services.get_token("abc")

    assert seen == [(3.05, 10.0)]


@pytest.mark.parametrize("code", ["", "   ", "#_", None])
def test_get_token_empty_code(mock_instagram, code):
    with pytest.raises(ValueError, match="authorisation code is missing"):
        services.get_token(code)

    assert len(mock_instagram.calls) == 0


def test_get_token_code_not_string(mock_instagram):
    with pytest.raises(TypeError, match="authorisation code must be a string, not int"):
        services.get_token(123)

    assert len(mock_instagram.calls) == 0
