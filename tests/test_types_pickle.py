"""Result types survive pickling (the cache stores them) and copying."""

from __future__ import annotations

import copy
import pickle

import pytest

from django_instagram.client import types
from django_instagram.client.record import Record
from tests.conftest import recorded_body

RESULT_TYPES = [
    value for value in vars(types).values()
    if isinstance(value, type) and issubclass(value, Record) and value.__module__ == types.__name__
]


def recorded_media() -> list[types.Media]:
    return [types.Media.from_v1(item) for item in recorded_body("user_recent_media_self_with_pagination")["data"]]


def test_every_result_type_is_record():
    names = sorted(result_type.__name__ for result_type in RESULT_TYPES)
    assert names == [
        "AccessToken", "Comment", "ContainerStatus", "Counts", "Image", "Location", "Media", "PublishingLimit",
        "Relationship", "Tag", "User", "UserInPhoto", "UserSearchResult",
    ]


def test_media_page_round_trip():
    media = recorded_media()
    loaded = pickle.loads(pickle.dumps(media, pickle.HIGHEST_PROTOCOL))
    assert loaded == media
    assert type(loaded[0]) is types.Media
    assert loaded[0].images["standard_resolution"].url == media[0].images["standard_resolution"].url
    assert loaded[0].caption.from_user.username == "user_6a7e98de"


def test_media_page_deep_copy():
    media = recorded_media()
    copied = copy.deepcopy(media)
    assert copied == media
    assert copied[0].images is not media[0].images


@pytest.mark.parametrize("value", [
    types.AccessToken.from_graph({"access_token": "IGAAtoken0000001", "expires_in": 5184000, "permissions": "a,b"}),
    types.User.from_v1({"id": "1", "username": "u", "counts": {"media": 3}}),
    types.Relationship.from_v1({"incoming_status": "none", "outgoing_status": "follows"}),
])
def test_other_types_round_trip(value):
    loaded = pickle.loads(pickle.dumps(value))
    assert loaded == value
    assert type(loaded) is type(value)
