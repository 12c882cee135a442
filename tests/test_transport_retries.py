"""Retries of the transport: which requests, on which failures, how long it waits, what it logs.

No test waits: ``sleep`` records the delays, and the jitter function is replaced where the exact
delay matters.
"""

from __future__ import annotations

import json
import logging

import pytest
import requests

from django_instagram import services
from django_instagram.client import transport as transport_module
from django_instagram.client.envelopes import graph_error, v1_error
from django_instagram.client.errors import (
    InstagramAPIError,
    InstagramTransportError,
    OAuthAccessTokenError,
    RateLimitError,
)
from django_instagram.client.transport import NO_RETRIES, RetryPolicy, Transport, full_jitter

from .conftest import recorded_body

URL = "https://api.instagram.com/v1/users/self"
GRAPH_URL = "https://graph.instagram.com/v26.0/me"
TOKEN = "IGQVJ-retry-secret-token"
USER_BODY = json.dumps(recorded_body("user"))
SERVER_ERROR_BODY = json.dumps({"meta": {"code": 503, "error_type": "ServiceUnavailable", "error_message": "Try later"}})


def no_jitter(delay: float) -> float:
    return delay


class Sleeps(list):
    """A ``sleep`` replacement that records each delay instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


def make_transport(sleeps, **policy) -> Transport:
    options = {"max_retries": 2, "backoff_base": 0.5, "backoff_cap": 8.0, "retry_after_cap": 30.0, "jitter": no_jitter}
    options.update(policy)
    return Transport(retry=RetryPolicy(**options), sleep=sleeps)


def get_user(transport: Transport):
    return transport.request("GET", URL, params={"access_token": TOKEN}, read_error=v1_error)


def add_failures(mock, method: str, url: str, count: int, **kwargs) -> None:
    for _ in range(count):
        mock.add(method, url, **kwargs)


def test_get_retried_after_503(mock_instagram, sleeps):
    add_failures(mock_instagram, "GET", URL, 1, body=SERVER_ERROR_BODY, status=503, content_type="application/json")
    mock_instagram.add("GET", URL, body=USER_BODY, status=200, content_type="application/json")

    response = get_user(make_transport(sleeps))

    assert response.body["data"]["username"] == recorded_body("user")["data"]["username"]
    assert len(mock_instagram.calls) == 2
    assert sleeps == [0.5]


@pytest.mark.parametrize("failure", [
    requests.ConnectionError("Connection reset by peer"),
    requests.ConnectTimeout("connect timed out"),
    requests.ReadTimeout("read timed out"),
], ids=["connection-error", "connect-timeout", "read-timeout"])
def test_get_retried_after_transport_failure(mock_instagram, sleeps, failure):
    mock_instagram.add("GET", URL, body=failure)
    mock_instagram.add("GET", URL, body=USER_BODY, status=200, content_type="application/json")

    response = get_user(make_transport(sleeps))

    assert response.status_code == 200
    assert len(mock_instagram.calls) == 2
    assert sleeps == [0.5]


def test_get_retried_after_html_502(mock_instagram, sleeps):
    mock_instagram.add("GET", URL, body="<html><body>502 Bad Gateway</body></html>", status=502, content_type="text/html")
    mock_instagram.add("GET", URL, body=USER_BODY, status=200, content_type="application/json")

    response = get_user(make_transport(sleeps))

    assert response.status_code == 200
    assert len(mock_instagram.calls) == 2


def test_get_gives_up_after_max_retries(mock_instagram, sleeps):
    add_failures(mock_instagram, "GET", URL, 3, body=SERVER_ERROR_BODY, status=503, content_type="application/json")

    with pytest.raises(InstagramAPIError) as caught:
        get_user(make_transport(sleeps))

    assert caught.value.status_code == 503
    assert len(mock_instagram.calls) == 3
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_write_never_retried(mock_instagram, sleeps, method):
    mock_instagram.add(method, URL, body=SERVER_ERROR_BODY, status=503, content_type="application/json")

    with pytest.raises(InstagramAPIError):
        make_transport(sleeps).request(method, URL, data={"text": "hi"}, read_error=v1_error)

    assert len(mock_instagram.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_write_not_retried_after_timeout(mock_instagram, sleeps, method):
    mock_instagram.add(method, URL, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(InstagramTransportError) as caught:
        make_transport(sleeps).request(method, URL, read_error=v1_error)

    assert caught.value.retryable is True
    assert len(mock_instagram.calls) == 1
    assert sleeps == []


def test_client_error_not_retried(mock_instagram, sleeps):
    mock_instagram.add("GET", URL, json=recorded_body("oauth_exception"), status=400)

    with pytest.raises(OAuthAccessTokenError):
        get_user(make_transport(sleeps))

    assert len(mock_instagram.calls) == 1
    assert sleeps == []


def test_no_retries_policy_sends_once(mock_instagram, sleeps):
    mock_instagram.add("GET", URL, body=SERVER_ERROR_BODY, status=503, content_type="application/json")

    with pytest.raises(InstagramAPIError):
        get_user(Transport(retry=NO_RETRIES, sleep=sleeps))

    assert len(mock_instagram.calls) == 1
    assert sleeps == []


def test_backoff_doubles_up_to_cap(mock_instagram, sleeps):
    add_failures(mock_instagram, "GET", URL, 5, body=SERVER_ERROR_BODY, status=503, content_type="application/json")

    with pytest.raises(InstagramAPIError):
        get_user(make_transport(sleeps, max_retries=4, backoff_base=0.5, backoff_cap=1.5))

    assert sleeps == [0.5, 1.0, 1.5, 1.5]


def test_jitter_receives_capped_delay(mock_instagram, sleeps):
    seen = []

    def jitter(delay):
        seen.append(delay)
        return delay / 4

    add_failures(mock_instagram, "GET", URL, 3, body=SERVER_ERROR_BODY, status=503, content_type="application/json")

    with pytest.raises(InstagramAPIError):
        get_user(make_transport(sleeps, jitter=jitter, backoff_base=2.0, backoff_cap=3.0))

    assert seen == [2.0, 3.0]
    assert sleeps == [0.5, 0.75]


def test_full_jitter_stays_within_delay():
    values = [full_jitter(4.0) for _ in range(200)]

    assert min(values) >= 0.0
    assert max(values) <= 4.0
    assert len(set(values)) > 1


def test_retry_after_replaces_backoff(mock_instagram, sleeps):
    mock_instagram.add("GET", URL, body=SERVER_ERROR_BODY, status=503, content_type="application/json",
                       headers={"Retry-After": "7"})
    mock_instagram.add("GET", URL, body=USER_BODY, status=200, content_type="application/json")

    get_user(make_transport(sleeps, jitter=lambda delay: 0.0))

    assert sleeps == [7.0]


def test_retry_after_on_html_503(mock_instagram, sleeps):
    mock_instagram.add("GET", URL, body="<html>Service Unavailable</html>", status=503, content_type="text/html",
                       headers={"Retry-After": "3"})
    mock_instagram.add("GET", URL, body=USER_BODY, status=200, content_type="application/json")

    get_user(make_transport(sleeps))

    assert sleeps == [3.0]


def test_retry_after_over_cap_not_retried(mock_instagram, sleeps, caplog):
    mock_instagram.add("GET", URL, body=SERVER_ERROR_BODY, status=503, content_type="application/json",
                       headers={"Retry-After": "120"})
    caplog.set_level(logging.INFO, logger=transport_module.__name__)

    with pytest.raises(InstagramAPIError):
        get_user(make_transport(sleeps, retry_after_cap=30.0))

    assert len(mock_instagram.calls) == 1
    assert sleeps == []
    assert "Retry-After is 120 s, longer than the 30 s cap" in caplog.text


def test_rate_limit_with_retry_after_retried(mock_instagram, sleeps):
    rate_limited = {"meta": {"code": 429, "error_type": "OAuthRateLimitException", "error_message": "Too many requests"}}
    mock_instagram.add("GET", URL, json=rate_limited, status=429, headers={"Retry-After": "2"})
    mock_instagram.add("GET", URL, body=USER_BODY, status=200, content_type="application/json")

    get_user(make_transport(sleeps))

    assert len(mock_instagram.calls) == 2
    assert sleeps == [2.0]


def test_rate_limit_without_wait_not_retried(mock_instagram, sleeps):
    mock_instagram.add("GET", URL, status=429, json={
        "code": 429, "error_type": "OAuthRateLimitException",
        "error_message": "You have exceeded the maximum number of requests per hour.",
    })

    with pytest.raises(RateLimitError) as caught:
        get_user(make_transport(sleeps))

    assert caught.value.retry_after is None
    assert len(mock_instagram.calls) == 1
    assert sleeps == []


def test_graph_transient_error_retried(mock_instagram, sleeps):
    transient = {"error": {"message": "An unexpected error has occurred.", "type": "OAuthException",
                           "code": 2, "is_transient": True, "fbtrace_id": "AbC"}}
    mock_instagram.add("GET", GRAPH_URL, json=transient, status=400)
    mock_instagram.add("GET", GRAPH_URL, json={"id": "17841400000000000", "username": "jayposiris"}, status=200)

    response = make_transport(sleeps).request("GET", GRAPH_URL, read_error=graph_error)

    assert response.body["username"] == "jayposiris"
    assert len(mock_instagram.calls) == 2


def test_graph_permanent_error_not_retried(mock_instagram, sleeps):
    permanent = {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
    mock_instagram.add("GET", GRAPH_URL, json=permanent, status=400)

    with pytest.raises(OAuthAccessTokenError):
        make_transport(sleeps).request("GET", GRAPH_URL, read_error=graph_error)

    assert len(mock_instagram.calls) == 1


def test_each_retry_logged_once_at_info(mock_instagram, sleeps, caplog):
    add_failures(mock_instagram, "GET", URL, 2, body=SERVER_ERROR_BODY, status=503, content_type="application/json")
    mock_instagram.add("GET", URL, body=USER_BODY, status=200, content_type="application/json")
    caplog.set_level(logging.INFO, logger=transport_module.__name__)

    get_user(make_transport(sleeps))

    retries = [record for record in caplog.records if record.getMessage().startswith("Retrying")]
    assert [record.levelno for record in retries] == [logging.INFO, logging.INFO]
    assert "(attempt 2 of 3)" in retries[0].getMessage()
    assert "(attempt 3 of 3)" in retries[1].getMessage()
    assert TOKEN not in caplog.text


def test_service_retries_only_in_background(mock_instagram, sleeps, monkeypatch):
    monkeypatch.setattr(transport_module, "_sleep", sleeps)
    add_failures(mock_instagram, "GET", URL, 2, body=SERVER_ERROR_BODY, status=503, content_type="application/json")
    mock_instagram.add("GET", URL, body=USER_BODY, status=200, content_type="application/json")

    with pytest.raises(InstagramAPIError):
        services.user("self", TOKEN)
    with services.background_work():
        user = services.user("self", TOKEN)

    assert user.username == recorded_body("user")["data"]["username"]
    assert len(mock_instagram.calls) == 3
    assert len(sleeps) == 1
    assert 0.0 <= sleeps[0] <= 0.5


def test_service_write_not_retried_in_background(mock_instagram, sleeps, monkeypatch):
    monkeypatch.setattr(transport_module, "_sleep", sleeps)
    mock_instagram.add("POST", "https://api.instagram.com/v1/media/123_456/likes", body=SERVER_ERROR_BODY,
                       status=503, content_type="application/json")

    with services.background_work(), pytest.raises(InstagramAPIError):
        services.media_like("123_456", TOKEN)

    assert len(mock_instagram.calls) == 1
    assert sleeps == []

