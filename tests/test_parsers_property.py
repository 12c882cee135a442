"""Random and malformed JSON into every v1 result parser: a result or an ``InstagramError``, nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_instagram.client.envelopes import require_json, v1_error
from django_instagram.client.errors import InstagramError
from django_instagram.client.legacy import LegacyClient
from django_instagram.client.pagination import Pagination
from django_instagram.client.transport import ApiResponse
from django_instagram.client.types import (
    AccessToken,
    Comment,
    Image,
    Location,
    Media,
    Relationship,
    Tag,
    User,
    UserSearchResult,
)
from django_instagram.client.usage import RateLimitUsage

#: Keys the v1 parsers read, so generated objects reach the nested code paths, not only the guards.
KNOWN_KEYS = [
    "id", "name", "latitude", "longitude", "media_count", "username", "full_name", "profile_picture", "bio",
    "website", "counts", "media", "follows", "followed_by", "text", "created_time", "from", "type", "link",
    "caption", "user", "images", "videos", "carousel_media", "tags", "likes", "comments", "count", "data",
    "location", "users_in_photo", "position", "x", "y", "filter", "user_has_liked", "standard_resolution",
    "low_resolution", "thumbnail", "url", "width", "height", "incoming_status", "outgoing_status",
    "target_user_is_private", "access_token", "meta", "code", "error_type", "error_message", "pagination",
    "next_url", "next_max_id", "next_cursor", "next_max_tag_id", "next_max_like_id", "next_min_id",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["1443636029", "38925656.0", "nan", "1e400", "-1", "http://[broken", "https://x/?access_token=t"]),
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=8))
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=8)),
    max_leaves=20,
)
objects = st.dictionaries(keys, json_values, max_size=12)
anything = st.one_of(json_values, objects)

PARSERS = [
    Location.from_v1, Tag.from_v1, UserSearchResult.from_v1, User.from_v1, Comment.from_v1, Media.from_v1,
    Relationship.from_v1, AccessToken.from_v1, Pagination.from_v1, Image.from_v1,
]

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Fewer examples per client call: the type parsers above already get the deep random objects.
CLIENT_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_error(parse, value: Any) -> None:
    try:
        parse(value)
    except InstagramError:
        pass


@pytest.mark.parametrize("parse", PARSERS, ids=lambda parse: parse.__qualname__)
@PROPERTY_SETTINGS
@given(value=anything)
def test_type_parser_total(parse, value):
    parse_or_error(parse, value)


@PROPERTY_SETTINGS
@given(status=st.integers(min_value=100, max_value=599), body=anything, retry_after=st.one_of(st.none(), st.text(max_size=6)))
def test_v1_error_total(status, body, retry_after):
    headers = {} if retry_after is None else {"Retry-After": retry_after}

    error = v1_error(status, body, headers)

    assert error is None or isinstance(error, InstagramError)
    if error is not None:
        assert str(error).startswith(f"{error.error_type}: ")


@PROPERTY_SETTINGS
@given(status=st.integers(min_value=100, max_value=599), text=st.text(max_size=60), content_type=st.text(max_size=20))
def test_require_json_total(status, text, content_type):
    parse_or_error(lambda body: require_json(status, body, content_type), text)


@PROPERTY_SETTINGS
@given(headers=st.dictionaries(st.sampled_from(["X-Ratelimit-Limit", "x-ratelimit-remaining", "X-App-Usage",
                                                 "X-Business-Use-Case-Usage", "Other"]), st.text(max_size=30)))
def test_rate_limit_headers_total(headers):
    usage = RateLimitUsage.from_headers(headers)

    assert usage.limit is None or isinstance(usage.limit, int)


class CannedTransport:
    """A transport that returns one body for every request, checked with the client's error reader."""

    def __init__(self, body: Any, status: int = 200) -> None:
        self.body = body
        self.status = status

    def request(self, method, url, *, read_error, params=None, data=None, headers=None) -> ApiResponse:
        error = read_error(self.status, self.body, {})
        if error is not None:
            raise error
        return ApiResponse(self.status, {}, self.body)


AUTH = {"access_token": "t"}

CLIENT_CALLS = {
    "tag": lambda c: c.tag("x", AUTH),
    "tag_search": lambda c: c.tag_search("x", AUTH),
    "tag_recent_media": lambda c: c.tag_recent_media("x", {}, AUTH),
    "location": lambda c: c.location("1", AUTH),
    "location_recent_media": lambda c: c.location_recent_media("1", {}, AUTH),
    "location_search": lambda c: c.location_search({"lat": 1, "lng": 2}, AUTH),
    "media": lambda c: c.media("1", AUTH),
    "media_shortcode": lambda c: c.media_shortcode("D", AUTH),
    "media_search": lambda c: c.media_search({"lat": 1, "lng": 2}, AUTH),
    "media_popular": lambda c: c.media_popular({}, AUTH),
    "media_comments": lambda c: c.media_comments("1", AUTH),
    "media_comment": lambda c: c.media_comment("1", "hi", AUTH),
    "media_comment_delete": lambda c: c.media_comment_delete("1", "2", AUTH),
    "media_likes": lambda c: c.media_likes("1", AUTH),
    "media_like": lambda c: c.media_like("1", AUTH),
    "media_unlike": lambda c: c.media_unlike("1", AUTH),
    "user": lambda c: c.user("1", AUTH),
    "user_search": lambda c: c.user_search({"q": "x"}, AUTH),
    "user_recent_media": lambda c: c.user_recent_media("1", {}, AUTH),
    "user_media_liked": lambda c: c.user_media_liked({}, AUTH),
    "user_follows": lambda c: c.user_follows("1", {}, AUTH),
    "user_followed_by": lambda c: c.user_followed_by("1", {}, AUTH),
    "user_requested_by": lambda c: c.user_requested_by(AUTH),
    "user_relationship": lambda c: c.user_relationship("1", AUTH),
    "user_relationship_change": lambda c: c.user_relationship_change("1", "follow", AUTH),
}

envelopes = st.one_of(
    anything,
    st.fixed_dictionaries({"meta": st.fixed_dictionaries({"code": st.just(200)}), "data": anything}),
    st.fixed_dictionaries(
        {"meta": st.fixed_dictionaries({"code": st.just(200)}), "data": st.lists(objects, max_size=4),
         "pagination": anything}
    ),
)


@pytest.mark.parametrize("name", sorted(CLIENT_CALLS))
@CLIENT_SETTINGS
@given(body=envelopes, status=st.sampled_from([200, 200, 400, 429, 500]))
def test_client_call_total(name, body, status):
    client = LegacyClient(CannedTransport(body, status))

    parse_or_error(CLIENT_CALLS[name], client)
