"""Fuzzing every call of ``django_instagram.services`` with random responses.

Each request gets a random status code, random headers and a random body (JSON shaped like
Instagram's envelopes, arbitrary JSON, text, bytes, or a network failure). With valid arguments
the only exception allowed out of a call is an ``InstagramError`` subclass. ``TypeError`` and
``ValueError`` are documented for bad arguments only, and ``test_bad_arguments_rejected`` checks
that they are raised before any request. Examples per call are capped so the suite stays fast.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest
import requests
import responses
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_instagram import graph as graph_module
from django_instagram import services
from django_instagram.client.errors import InstagramError
from django_instagram.conf import instagram_settings
from django_instagram.models import InstagramAccount

TOKEN = "IGQVJ-fuzz-secret-token"
IMAGE_URL = "https://cdn.example.com/photo.jpg"
VIDEO_URL = "https://cdn.example.com/reel.mp4"
ANY_URL = re.compile(r".*")
EXAMPLES_PER_CALL = 8
ACCOUNT_EXAMPLES_PER_CALL = 4

# Functions of services.__all__ that send no request to Instagram.
NOT_API_CALLS = {"authorize_url", "background_work", "configure", "last_rate_limit_usage"}


def drain(iterator) -> list:
    return list(itertools.islice(iterator, 300))


# Valid arguments for every call. Each takes the token and returns what the call returned.
CALLS = {
    "get_token": lambda token: services.get_token("AQD-fuzz-code#_"),
    "tag": lambda token: services.tag("nofilter", token),
    "tag_search": lambda token: services.tag_search("snow", token),
    "tag_recent_media": lambda token: services.tag_recent_media("nofilter", {"count": 3}, token),
    "tag_recent_media_with_pagination": lambda token: services.tag_recent_media_with_pagination("nofilter", None, token),
    "iter_tag_recent_media": lambda token: drain(services.iter_tag_recent_media("nofilter", token=token)),
    "location": lambda token: services.location("1", token),
    "location_recent_media": lambda token: services.location_recent_media("1", None, token),
    "location_recent_media_with_pagination":
        lambda token: services.location_recent_media_with_pagination("1", {"count": 2}, token),
    "iter_location_recent_media": lambda token: drain(services.iter_location_recent_media("1", token=token)),
    "location_search": lambda token: services.location_search({"lat": 48.858, "lng": 2.294}, token),
    "media": lambda token: services.media("1234_5678", token),
    "media_shortcode": lambda token: services.media_shortcode("BGdRwn6z1aV", token),
    "media_search": lambda token: services.media_search({"lat": 48.858, "lng": 2.294}, token),
    "media_popular": lambda token: services.media_popular(5, token),
    "media_comments": lambda token: services.media_comments("1234_5678", token),
    "media_comment": lambda token: services.media_comment("1234_5678", "Nice picture", token),
    "media_comment_delete": lambda token: services.media_comment_delete("1234_5678", "9012", token),
    "media_likes": lambda token: services.media_likes("1234_5678", token),
    "media_like": lambda token: services.media_like("1234_5678", token),
    "media_unlike": lambda token: services.media_unlike("1234_5678", token),
    "media_children": lambda token: services.media_children("17890000000000000", token),
    "comment_replies": lambda token: services.comment_replies("17850000000000000", token),
    "comment_reply": lambda token: services.comment_reply("17850000000000000", "Thank you", token),
    "comment_hide": lambda token: services.comment_hide("17850000000000000", True, token),
    "publish_image": lambda token: services.publish_image(IMAGE_URL, "A caption", token),
    "publish_video": lambda token: services.publish_video(VIDEO_URL, "A reel", token),
    "publish_carousel": lambda token: services.publish_carousel([IMAGE_URL, {"video_url": VIDEO_URL}], "Two", token),
    "content_publishing_limit": lambda token: services.content_publishing_limit(token),
    "subscribe_webhooks": lambda token: services.subscribe_webhooks(["comments", "messages"], token),
    "webhook_subscriptions": lambda token: services.webhook_subscriptions(token),
    "unsubscribe_webhooks": lambda token: services.unsubscribe_webhooks(token),
    "user": lambda token: services.user("self", token),
    "user_search": lambda token: services.user_search({"q": "jay", "count": 2}, token),
    "user_recent_media": lambda token: services.user_recent_media("self", None, token),
    "user_recent_media_with_pagination": lambda token: services.user_recent_media_with_pagination("self", None, token),
    "iter_user_recent_media": lambda token: drain(services.iter_user_recent_media("self", token=token)),
    "user_feed": lambda token: services.user_feed({"count": 3}, token),
    "iter_user_feed": lambda token: drain(services.iter_user_feed(token=token)),
    "user_media_liked": lambda token: services.user_media_liked(None, token),
    "iter_user_media_liked": lambda token: drain(services.iter_user_media_liked(token=token)),
    "user_follows": lambda token: services.user_follows("57451593", {"count": 10}, token),
    "iter_user_follows": lambda token: drain(services.iter_user_follows("57451593", token=token)),
    "user_followed_by": lambda token: services.user_followed_by("57451593", token),
    "iter_user_followed_by": lambda token: drain(services.iter_user_followed_by("57451593", token=token)),
    "user_requested_by": lambda token: services.user_requested_by(token),
    "user_relationship": lambda token: services.user_relationship("57451593", "follow", token),
}


# Strategies --------------------------------------------------------------------------------------

INSTAGRAM_KEYS = [
    "meta", "code", "error_type", "error_message", "data", "pagination", "next_url", "next_max_id",
    "next_max_tag_id", "next_max_like_id", "next_cursor", "error", "message", "type", "error_subcode",
    "is_transient", "fbtrace_id", "paging", "cursors", "after", "next", "id", "user_id", "username",
    "full_name", "caption", "text", "images", "standard_resolution", "url", "width", "height",
    "media_type", "media_url", "children", "user", "from", "counts", "media", "access_token",
    "expires_in", "token_type", "status_code", "status", "quota_usage", "config", "created_time",
    "timestamp", "location", "latitude", "longitude", "name", "media_count", "outgoing_status",
    "incoming_status", "hidden", "replies", "like_count", "comments_count", "permalink",
]

scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
    | st.sampled_from(["self", "IMAGE", "VIDEO", "CAROUSEL_ALBUM", "FINISHED", "ERROR", "IN_PROGRESS", "200"])
)
keys = st.sampled_from(INSTAGRAM_KEYS) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=25,
)
objects = st.dictionaries(st.sampled_from(INSTAGRAM_KEYS), json_values, max_size=8)
payloads = objects | st.lists(objects, max_size=4) | json_values
envelopes = st.one_of(
    st.fixed_dictionaries({"meta": st.fixed_dictionaries({"code": st.sampled_from([200, 200, 400, 429])}, optional={
        "error_type": st.sampled_from(["OAuthAccessTokenException", "OAuthRateLimitException", "APINotFoundError"])
        | st.text(max_size=10),
        "error_message": st.text(max_size=20) | json_values,
    }), "data": payloads}, optional={"pagination": objects}),
    st.fixed_dictionaries({"error": st.fixed_dictionaries({"code": st.sampled_from([1, 2, 4, 10, 17, 100, 190, 200, 80002])
                                                                   | json_values},
                                                          optional={"message": json_values, "is_transient": json_values,
                                                                    "error_subcode": json_values})}),
    st.fixed_dictionaries({"data": payloads}, optional={"paging": objects, "pagination": objects}),
    objects,
    json_values,
)
bodies = st.one_of(
    envelopes.map(json.dumps),
    envelopes.map(lambda value: json.dumps(value)[: len(json.dumps(value)) // 2]),
    st.text(max_size=60),
    st.binary(max_size=40),
    st.just(""),
    st.just("<html><body>Error</body></html>"),
)
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
usage_json = st.dictionaries(keys, json_values, max_size=3).map(json.dumps)
headers = st.dictionaries(
    st.sampled_from([
        "Retry-After", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-App-Usage", "X-Business-Use-Case-Usage",
        "Content-Type", "WWW-Authenticate", "X-FB-Trace-ID", "Location",
    ]),
    header_text | usage_json | st.integers(min_value=-10, max_value=10**6).map(str),
    max_size=5,
)
# 200 is weighted up, so that success bodies reach the parsers often.
statuses = st.sampled_from([200] * 12 + [201, 204, 302, 400, 401, 403, 404, 429, 500, 502, 503]) | st.integers(200, 599)
failures = st.sampled_from([
    requests.ConnectionError("Connection reset by peer"),
    requests.ReadTimeout("Read timed out."),
    requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead"),
    requests.exceptions.ContentDecodingError("Received response with content-encoding: gzip, but failed to decode it."),
    requests.exceptions.TooManyRedirects("Exceeded 30 redirects."),
])


# Harness -----------------------------------------------------------------------------------------


class FakeClock:
    """The publishing wait's clock and sleep: sleeping moves the clock, nothing waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(float(seconds), 0.001)


@pytest.fixture
def api_settings(request, settings, monkeypatch):
    """Configure the API under test; the fixture is set up once per call, not per example."""
    api = request.param
    settings.INSTAGRAM = {**settings.INSTAGRAM, "API": api, "ACCESS_TOKEN": TOKEN, "PUBLISH_TIMEOUT": 5,
                          "PUBLISH_POLL_INTERVAL": 1}
    instagram_settings.reload()
    fake = FakeClock()
    monkeypatch.setattr(graph_module, "sleep", fake.sleep)
    monkeypatch.setattr(graph_module, "clock", fake.time)
    return api


def random_response(data):
    """A ``responses`` callback that draws a new response (or failure) for each request."""

    def respond(request):
        if data.draw(st.integers(0, 19), label="failure roll") == 0:
            raise data.draw(failures, label="failure")
        status = data.draw(statuses, label="status")
        response_headers = data.draw(headers, label="headers")
        if status in (301, 302) and "Location" not in response_headers:
            response_headers["Location"] = "https://api.instagram.com/v1/users/self"
        return status, response_headers, data.draw(bodies, label="body")

    return respond


def run_with_random_responses(data, call, token) -> None:
    cache.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in ("GET", "POST", "DELETE"):
            mock.add_callback(method, ANY_URL, callback=random_response(data))
        try:
            call(token)
        except InstagramError:
            pass


@pytest.mark.parametrize("api_settings", ["legacy", "graph"], indirect=True)
@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=EXAMPLES_PER_CALL, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_call_raises_only_instagram_errors(api_settings, name, data):
    run_with_random_responses(data, CALLS[name], TOKEN)


@pytest.fixture
def linked_account(api_settings, django_user_model):
    account = InstagramAccount(
        user=django_user_model.objects.create_user("site_fuzz", password="pw"), api=api_settings,
        instagram_user_id="17841400000000002", username="fuzz",
    )
    account.access_token = TOKEN
    account.save()
    return account


@pytest.mark.django_db
@pytest.mark.parametrize("api_settings", ["legacy", "graph"], indirect=True)
@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=ACCOUNT_EXAMPLES_PER_CALL, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_account_call_raises_only_instagram_errors(linked_account, name, data):
    """Fuzz each call made with a linked account, which a rejected token marks for re-authorisation."""
    InstagramAccount.objects.filter(pk=linked_account.pk).update(status=InstagramAccount.Status.ACTIVE)

    run_with_random_responses(data, CALLS[name], InstagramAccount.objects.get(pk=linked_account.pk))


def test_every_call_fuzzed():
    public_calls = {name for name in services.__all__ if callable(getattr(services, name))} - NOT_API_CALLS

    assert public_calls - set(CALLS) == set()
    assert set(CALLS) - public_calls == set()


# Bad arguments ----------------------------------------------------------------------------------

BAD_ARGUMENTS = [
    (lambda: services.tag_recent_media("nofilter", {"unknown": 1}, TOKEN), TypeError),
    (lambda: services.tag_recent_media("nofilter", ["count"], TOKEN), TypeError),
    (lambda: services.location_search({"lat": 1.0}, TOKEN), ValueError),
    (lambda: services.media_search({"count": 3}, TOKEN), TypeError),
    (lambda: services.media_popular(0, TOKEN), ValueError),
    (lambda: services.media_comment("1234_5678", "   ", TOKEN), ValueError),
    (lambda: services.user_search({"count": 2}, TOKEN), TypeError),
    (lambda: services.user_relationship("1", action="befriend", token=TOKEN), ValueError),
    (lambda: services.user_relationship("1", "follow", TOKEN, "extra"), TypeError),
    (lambda: services.user("self", 42), TypeError),
    (lambda: services.user("self", ""), ValueError),
    (lambda: services.comment_hide("1", "yes", TOKEN), TypeError),
    (lambda: services.publish_carousel([IMAGE_URL], None, TOKEN), ValueError),
    (lambda: services.subscribe_webhooks(["comments", "feed"], TOKEN), ValueError),
    (lambda: services.subscribe_webhooks([], TOKEN), ValueError),
    (lambda: services.subscribe_webhooks("comments", TOKEN), TypeError),
]


@pytest.mark.parametrize("call, error", BAD_ARGUMENTS, ids=range(len(BAD_ARGUMENTS)))
def test_bad_arguments_rejected(mock_instagram, call, error):
    with pytest.raises(error):
        call()

    assert len(mock_instagram.calls) == 0
