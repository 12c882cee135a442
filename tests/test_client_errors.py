"""How v1 error responses, odd bodies and transport failures become exceptions."""

from __future__ import annotations

import pytest
import requests

from django_instagram import services
from django_instagram.client.envelopes import v1_error
from django_instagram.client.errors import (
    InstagramAPIError,
    InstagramError,
    InstagramTransportError,
    NotAllowedError,
    NotFoundError,
    OAuthAccessTokenError,
    OAuthPermissionsError,
    RateLimitError,
)
from django_instagram.client.legacy import LegacyClient
from django_instagram.client.transport import RetryPolicy, Transport
from tests.conftest import add_recorded, recorded_body

TOKEN = "57451593.a1b2c3d.0123456789abcdef0123456789abcdef"
API = "https://api.instagram.com/v1"
AUTH = {"access_token": TOKEN}

RATE_LIMIT_MESSAGE = (
    "You have exceeded the maximum number of requests per hour. You have performed a total of 5005 requests in "
    "the last hour. Our general maximum limit is set at 5000 requests per hour."
)


@pytest.fixture
def client():
    return LegacyClient(Transport(timeout=(1.0, 2.0)))


def test_oauth_exception_recorded(mock_instagram, client):
    add_recorded(mock_instagram, "oauth_exception")

    with pytest.raises(OAuthAccessTokenError) as caught:
        client.tag("exceptional", AUTH)

    error = caught.value
    assert str(error) == "OAuthAccessTokenException: The access_token provided is invalid."
    assert error.error_type == "OAuthAccessTokenException"
    assert error.message == "The access_token provided is invalid."
    assert error.status_code == 400
    assert error.code == 400
    assert isinstance(error, InstagramAPIError)
    assert isinstance(error, InstagramError)


def test_scope_exception_recorded(mock_instagram, client):
    add_recorded(mock_instagram, "comment_scope_exception")

    with pytest.raises(OAuthPermissionsError) as caught:
        client.media_comment("5383966576704955909_57451593", "Nice pic m8", AUTH)

    assert str(caught.value).startswith("OAuthPermissionsException: This request requires scope=comments, ")
    assert caught.value.code == 400


def test_oauth_exception_through_services(mock_instagram):
    add_recorded(mock_instagram, "oauth_exception")

    with pytest.raises(OAuthAccessTokenError, match="^OAuthAccessTokenException: The access_token provided is invalid.$"):
        services.tag("exceptional", TOKEN)


def test_rate_limit_top_level(mock_instagram, client):
    mock_instagram.add(
        "GET", f"{API}/tags/x", status=429, headers={"Retry-After": "120"},
        json={"error_type": "OAuthRateLimitException", "code": 429, "error_message": RATE_LIMIT_MESSAGE},
    )

    with pytest.raises(RateLimitError) as caught:
        client.tag("x", AUTH)

    error = caught.value
    assert str(error) == f"OAuthRateLimitException: {RATE_LIMIT_MESSAGE}"
    assert error.status_code == 429
    assert error.code == 429
    assert error.retry_after == 120.0


def test_rate_limit_top_level_no_retry_after(mock_instagram, client):
    mock_instagram.add(
        "GET", f"{API}/tags/x", status=429,
        json={"error_type": "OAuthRateLimitException", "code": 429, "error_message": RATE_LIMIT_MESSAGE},
    )

    with pytest.raises(RateLimitError) as caught:
        client.tag("x", AUTH)

    assert caught.value.retry_after is None


def test_rate_limit_meta_wrapped(mock_instagram, client):
    message = "The maximum number of requests per hour has been exceeded. You have made 38 requests of the 30 allowed in the last hour."
    mock_instagram.add(
        "GET", f"{API}/tags/x", status=429,
        json={"meta": {"error_type": "OAuthRateLimitException", "code": 429, "error_message": message}},
    )

    with pytest.raises(RateLimitError, match="^OAuthRateLimitException: The maximum number"):
        client.tag("x", AUTH)


def test_rate_limit_old_code_420(mock_instagram, client):
    mock_instagram.add("GET", f"{API}/tags/x", status=420, json={"code": 420, "error_message": "Slow down"})

    with pytest.raises(RateLimitError) as caught:
        client.tag("x", AUTH)

    assert caught.value.code == 420


def test_rate_limit_non_json(mock_instagram, client):
    mock_instagram.add("GET", f"{API}/tags/x", status=429, body="Too Many Requests", content_type="text/plain")

    with pytest.raises(RateLimitError) as caught:
        client.tag("x", AUTH)

    assert caught.value.status_code == 429


@pytest.mark.parametrize(
    ("error_type", "error_class", "message"),
    [
        ("APINotFoundError", NotFoundError, "this user does not exist"),
        ("APINotAllowedError", NotAllowedError, "you cannot view this resource"),
        ("OAuthParameterException", InstagramAPIError, "Missing client_id or access_token URL parameter."),
        ("OAuthForbiddenException", InstagramAPIError, "Invalid signed-request: Missing required parameter 'sig'"),
    ],
)
def test_meta_error_types(mock_instagram, client, error_type, error_class, message):
    mock_instagram.add(
        "GET", f"{API}/users/1", status=400,
        json={"meta": {"error_type": error_type, "code": 400, "error_message": message}},
    )

    with pytest.raises(error_class) as caught:
        client.user("1", AUTH)

    assert type(caught.value) is error_class
    assert str(caught.value) == f"{error_type}: {message}"


def test_body_without_error_type(mock_instagram, client):
    mock_instagram.add("GET", f"{API}/users/1", status=400, json={"meta": {"code": 400, "error_message": "Bad thing"}})

    with pytest.raises(InstagramAPIError) as caught:
        client.user("1", AUTH)

    assert type(caught.value) is InstagramAPIError
    assert str(caught.value) == "InstagramAPIError: Bad thing"
    assert caught.value.code == 400


def test_empty_error_body(mock_instagram, client):
    mock_instagram.add("GET", f"{API}/users/1", status=400, body="")

    with pytest.raises(InstagramAPIError) as caught:
        client.user("1", AUTH)

    assert str(caught.value) == "InstagramAPIError: Instagram returned HTTP 400 without an error message."
    assert caught.value.status_code == 400


def test_error_in_meta_with_http_200(mock_instagram, client):
    mock_instagram.add(
        "GET", f"{API}/users/1", status=200,
        json={"meta": {"error_type": "APINotFoundError", "code": 400, "error_message": "this user does not exist"}},
    )

    with pytest.raises(NotFoundError):
        client.user("1", AUTH)


def test_token_endpoint_error(mock_instagram):
    mock_instagram.add(
        "POST", "https://api.instagram.com/oauth/access_token", status=400,
        json={"code": 400, "error_type": "OAuthException", "error_message": "No matching code found."},
    )

    with pytest.raises(InstagramAPIError) as caught:
        services.get_token("used-code")

    assert str(caught.value) == "OAuthException: No matching code found."


@pytest.mark.parametrize("status", [200, 404, 502])
def test_html_body(mock_instagram, client, status):
    mock_instagram.add(
        "GET", f"{API}/media/1", status=status, body="<html><body>Sorry</body></html>", content_type="text/html"
    )

    with pytest.raises(InstagramTransportError) as caught:
        client.media("1", AUTH)

    assert str(caught.value) == f"Instagram returned HTTP {status} with an HTML page (31 characters)."
    assert caught.value.retryable is (status >= 500)


def test_truncated_json(mock_instagram, client):
    mock_instagram.add("GET", f"{API}/users/1", status=200, body='{"meta": {"code": 200}, "data": {', content_type="application/json")

    with pytest.raises(InstagramTransportError, match="a body that is not JSON"):
        client.user("1", AUTH)


def test_empty_success_body(mock_instagram, client):
    mock_instagram.add("DELETE", f"{API}/media/1/likes", status=200, body="")

    assert client.media_unlike("1", AUTH) is None


def test_list_where_object_expected(mock_instagram, client):
    mock_instagram.add("GET", f"{API}/users/1", json={"meta": {"code": 200}, "data": [1, 2]})

    with pytest.raises(InstagramTransportError, match="list where a user object was expected"):
        client.user("1", AUTH)


def test_object_where_list_expected(mock_instagram, client):
    mock_instagram.add("GET", f"{API}/users/search", json={"meta": {"code": 200}, "data": {"id": "1"}})

    with pytest.raises(InstagramTransportError, match="dict where a list of results was expected"):
        client.user_search({"q": "x"}, AUTH)


def test_connect_timeout(mock_instagram, client):
    mock_instagram.add("GET", f"{API}/users/1", body=requests.ConnectTimeout("connect timed out"))

    with pytest.raises(InstagramTransportError) as caught:
        client.user("1", AUTH)

    error = caught.value
    assert error.retryable is True
    assert str(error).startswith("Request to Instagram timed out: GET https://api.instagram.com/v1/users/1 got no response within (1.0, 2.0) seconds")
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)


def test_read_timeout_through_services(mock_instagram):
    mock_instagram.add("GET", f"{API}/tags/x", body=requests.ReadTimeout("read timed out"))

    with pytest.raises(InstagramTransportError, match="timed out"):
        services.tag("x", TOKEN)


def test_connection_error(mock_instagram, client):
    mock_instagram.add("GET", f"{API}/users/1", body=requests.ConnectionError("refused"))

    with pytest.raises(InstagramTransportError, match="Could not reach Instagram for GET .*: ConnectionError"):
        client.user("1", AUTH)


def test_post_not_retried(mock_instagram):
    client = LegacyClient(Transport(retry=RetryPolicy(max_retries=3), sleep=lambda seconds: None))
    mock_instagram.add("POST", f"{API}/media/1/likes", body=requests.ConnectTimeout("connect timed out"))

    with pytest.raises(InstagramTransportError):
        client.media_like("1", AUTH)

    assert len(mock_instagram.calls) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"meta": {"code": 200}, "data": None},
        {"meta": {"code": 200}},
        None,
    ],
)
def test_v1_error_success_bodies(body):
    assert v1_error(200, body, {}) is None


def test_v1_error_recorded_bodies():
    assert type(v1_error(400, recorded_body("oauth_exception"), {})) is OAuthAccessTokenError
    assert type(v1_error(400, recorded_body("comment_scope_exception"), {})) is OAuthPermissionsError
