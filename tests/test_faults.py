"""Faults end in a typed error or a rendered fallback, and lose nothing already received.

Instagram is played by ``responses``, except for the connection reset, which comes from a real
socket on 127.0.0.1 that closes with a TCP RST.
"""

from __future__ import annotations

import json
import logging
import socket
import struct
import threading

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template import Context, Template

from django_instagram import services
from django_instagram.cache import account_key
from django_instagram.client import pagination as pagination_module
from django_instagram.client.envelopes import v1_error
from django_instagram.client.errors import InstagramAPIError, InstagramTransportError, OAuthAccessTokenError
from django_instagram.client.transport import NO_RETRIES, Transport
from django_instagram.client.types import UnexpectedResponseError
from django_instagram.exceptions import NeedsReauthorizationError
from django_instagram.models import InstagramAccount

from .conftest import graph_fixture, recorded_body

TOKEN = "IGQVJ-faults-secret-token"
USER_URL = "https://api.instagram.com/v1/users/self"
MEDIA_URL = "https://api.instagram.com/v1/users/self/media/recent"
GRAPH_MEDIA_URL = "https://graph.instagram.com/v26.0/me/media"
PAGE = recorded_body("user_recent_media")
PAGE_IDS = [item["id"] for item in PAGE["data"]]
REVOKED = {"meta": {"code": 400, "error_type": "OAuthAccessTokenException",
                    "error_message": "The access_token provided is invalid."}}
HTML_PAGE = "<!DOCTYPE html><html><head><title>Error</title></head><body>Sorry, something went wrong.</body></html>"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def make_account(username: str = "faults_user", *, api: str = "legacy") -> InstagramAccount:
    owner = get_user_model().objects.create_user(f"site_{username}", password="pw")
    account = InstagramAccount(user=owner, api=api, instagram_user_id=f"id_{username}", username=username)
    account.access_token = TOKEN
    account.save()
    return account


# Bodies that are not what Instagram promises ----------------------------------------------------


@pytest.mark.parametrize("status, retryable", [(200, False), (404, False), (502, True), (503, True)])
def test_html_page_is_transport_error(mock_instagram, status, retryable):
    mock_instagram.add("GET", USER_URL, body=HTML_PAGE, status=status, content_type="text/html")

    with pytest.raises(InstagramTransportError) as caught:
        services.user("self", TOKEN)

    assert f"HTTP {status} with an HTML page" in str(caught.value)
    assert caught.value.status_code == status
    assert caught.value.retryable is retryable
    assert "Sorry" not in str(caught.value)


def test_empty_body_for_object_is_unexpected(mock_instagram):
    mock_instagram.add("GET", USER_URL, body="", status=200, content_type="application/json")

    with pytest.raises(UnexpectedResponseError) as caught:
        services.user("self", TOKEN)

    assert "NoneType where a" in str(caught.value)


def test_empty_body_for_list_is_empty(mock_instagram):
    mock_instagram.add("GET", "https://api.instagram.com/v1/tags/search", body="", status=200,
                       content_type="application/json")

    assert services.tag_search("nofilter", TOKEN) == []


def test_empty_body_with_500_is_api_error(mock_instagram):
    mock_instagram.add("GET", USER_URL, body="", status=500, content_type="application/json")

    with pytest.raises(InstagramAPIError) as caught:
        services.user("self", TOKEN)

    assert caught.value.status_code == 500
    assert "HTTP 500 without an error message" in str(caught.value)


def test_empty_body_for_write_is_success(mock_instagram):
    mock_instagram.add("POST", "https://api.instagram.com/v1/media/123_456/likes", body="", status=200)

    assert services.media_like("123_456", TOKEN) is None


@pytest.mark.parametrize("cut", [1, 40, -2], ids=["first-byte", "middle", "last-bytes"])
def test_truncated_body_is_transport_error(mock_instagram, cut):
    text = json.dumps(recorded_body("user"))
    mock_instagram.add("GET", USER_URL, body=text[:cut], status=200, content_type="application/json")

    with pytest.raises(InstagramTransportError) as caught:
        services.user("self", TOKEN)

    assert "a body that is not JSON" in str(caught.value)
    assert caught.value.retryable is False


@pytest.mark.parametrize("body, content_type", [
    ("OK", "text/plain"),
    ("callback({\"data\": {}})", "application/javascript"),
    ("\x00\x01\x02", "application/octet-stream"),
], ids=["plain-text", "jsonp", "binary"])
def test_200_non_json_is_transport_error(mock_instagram, body, content_type):
    mock_instagram.add("GET", USER_URL, body=body, status=200, content_type=content_type)

    with pytest.raises(InstagramTransportError) as caught:
        services.user("self", TOKEN)

    assert "HTTP 200 with a body that is not JSON" in str(caught.value)


@pytest.mark.parametrize("body", ["[]", "\"text\"", "42", "null", "{\"data\": [1, 2]}"],
                         ids=["list", "string", "number", "null", "data-list"])
def test_json_of_wrong_shape_is_typed(mock_instagram, body):
    mock_instagram.add("GET", USER_URL, body=body, status=200, content_type="application/json")

    with pytest.raises(UnexpectedResponseError):
        services.user("self", TOKEN)


# Network failures -----------------------------------------------------------------------------


def test_read_timeout_is_transport_error(mock_instagram):
    mock_instagram.add("GET", USER_URL, body=requests.ReadTimeout("HTTPSConnectionPool: Read timed out."))

    with pytest.raises(InstagramTransportError) as caught:
        services.user("self", TOKEN)

    assert "timed out: GET https://api.instagram.com/v1/users/self" in str(caught.value)
    assert caught.value.retryable is True
    assert TOKEN not in str(caught.value)


def test_connection_reset_mocked(mock_instagram):
    reset = requests.ConnectionError(ConnectionResetError(104, "Connection reset by peer"))
    mock_instagram.add("GET", USER_URL, body=reset)

    with pytest.raises(InstagramTransportError) as caught:
        services.user("self", TOKEN)

    assert "Could not reach Instagram for GET" in str(caught.value)
    assert caught.value.retryable is True


class ResettingServer:
    """A TCP server on 127.0.0.1 that reads each request and closes with RST instead of a response."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            connection.recv(65536)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def resetting_server():
    server = ResettingServer()
    yield server
    server.close()


def test_connection_reset_real_socket(resetting_server):
    url = f"http://127.0.0.1:{resetting_server.port}/v1/users/self"

    with pytest.raises(InstagramTransportError) as caught:
        Transport(retry=NO_RETRIES).request("GET", url, params={"access_token": TOKEN}, read_error=v1_error)

    assert "Could not reach Instagram for GET" in str(caught.value)
    assert caught.value.retryable is True
    assert TOKEN not in str(caught.value)
    assert resetting_server.connections == 1


# Pagination ---------------------------------------------------------------------------------


def test_repeating_cursor_stops_iterator(mock_instagram, caplog):
    caplog.set_level(logging.WARNING, logger=pagination_module.__name__)
    mock_instagram.add("GET", MEDIA_URL, json=PAGE)

    media = list(services.iter_user_recent_media("self", token=TOKEN, max_items=None, max_pages=None))

    assert [item.id for item in media] == PAGE_IDS * 2
    assert len(mock_instagram.calls) == 2
    assert "repeated the cursor of page 2" in caplog.text


def test_repeating_graph_cursor_stops(mock_instagram, instagram_override):
    instagram_override(API="graph")
    page = graph_fixture("me_media_page1")
    page["paging"] = {"cursors": {"before": "QVFA", "after": "QVFHSame"}, "next": GRAPH_MEDIA_URL + "?after=QVFHSame"}
    mock_instagram.add("GET", GRAPH_MEDIA_URL, json=page)

    media = list(services.iter_user_recent_media(token=TOKEN, max_items=None, max_pages=None))

    assert [item.id for item in media] == [item["id"] for item in page["data"]] * 2
    assert len(mock_instagram.calls) == 2


@pytest.mark.django_db
def test_token_revoked_mid_pagination(mock_instagram):
    account = make_account()
    mock_instagram.add("GET", MEDIA_URL, json=PAGE)
    mock_instagram.add("GET", MEDIA_URL, json=REVOKED, status=400)
    received = []

    with pytest.raises(OAuthAccessTokenError):
        for item in services.iter_user_recent_media("self", token=account):
            received.append(item.id)

    account.refresh_from_db()
    assert received == PAGE_IDS
    assert account.status == InstagramAccount.Status.NEEDS_REAUTH
    assert "access_token provided is invalid" in account.last_error
    assert TOKEN not in account.last_error
    assert len(mock_instagram.calls) == 2


@pytest.mark.django_db
def test_graph_token_revoked_mid_pagination(mock_instagram):
    account = make_account("faults_graph", api="graph")
    page = graph_fixture("me_media_page1")
    page["paging"] = {"cursors": {"before": "QVFA", "after": "QVFHNext"}, "next": GRAPH_MEDIA_URL + "?after=QVFHNext"}
    revoked = {"error": {"message": "Error validating access token: The user has not authorized application.",
                         "type": "OAuthException", "code": 190, "error_subcode": 458, "fbtrace_id": "AbCdEf"}}
    mock_instagram.add("GET", GRAPH_MEDIA_URL, json=page)
    mock_instagram.add("GET", GRAPH_MEDIA_URL, json=revoked, status=400)
    received = []

    with pytest.raises(OAuthAccessTokenError) as caught:
        for item in services.iter_user_recent_media(token=account):
            received.append(item.id)

    account.refresh_from_db()
    assert received == [item["id"] for item in page["data"]]
    assert caught.value.subcode == 458
    assert account.status == InstagramAccount.Status.NEEDS_REAUTH
    assert "has not authorized application" in account.last_error


@pytest.mark.django_db
def test_revoked_account_sends_nothing_more(mock_instagram):
    account = make_account()
    mock_instagram.add("GET", MEDIA_URL, json=REVOKED, status=400)

    with pytest.raises(OAuthAccessTokenError):
        services.user_recent_media("self", token=account)
    with pytest.raises(NeedsReauthorizationError):
        services.user_recent_media("self", token=InstagramAccount.objects.get(pk=account.pk))

    assert len(mock_instagram.calls) == 1


# Rendered fallbacks --------------------------------------------------------------------------


FEED = Template("{% load instagram %}{% instagram_feed account count=3 %}")


@pytest.mark.django_db
@pytest.mark.parametrize("failure", [
    {"body": HTML_PAGE, "status": 502, "content_type": "text/html"},
    {"body": "", "status": 500},
    {"body": json.dumps(PAGE)[:50], "status": 200, "content_type": "application/json"},
    {"body": requests.ReadTimeout("Read timed out.")},
    {"body": requests.ConnectionError(ConnectionResetError(104, "Connection reset by peer"))},
], ids=["html-502", "empty-500", "truncated", "read-timeout", "connection-reset"])
def test_feed_renders_fallback_on_fault(mock_instagram, failure):
    account = make_account()
    mock_instagram.add("GET", MEDIA_URL, **failure)

    html = FEED.render(Context({"account": account}))

    assert "No Instagram posts to show right now." in html
    assert "Traceback" not in html


@pytest.mark.django_db
def test_feed_keeps_last_good_on_fault(mock_instagram):
    account = make_account()
    mock_instagram.add("GET", MEDIA_URL, json=PAGE)
    mock_instagram.add("GET", MEDIA_URL, body=HTML_PAGE, status=502, content_type="text/html")

    first = FEED.render(Context({"account": account}))
    cache.delete(account_key(account.pk, "media_page", {"count": 3}))
    second = FEED.render(Context({"account": account}))

    assert len(mock_instagram.calls) == 2
    assert "No Instagram posts" not in first
    assert second == first
