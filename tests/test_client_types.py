"""The v1 result types built from odd but real shapes: carousels, nulls, missing keys, number quirks."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from django_instagram.client.errors import InstagramTransportError
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
from tests.conftest import graph_fixture, recorded_body

#: A carousel in the shape Instagram sent from April 2017, as Elixtagram 0.6.0 modelled it. No recording has one.
CAROUSEL = {
    "id": "1481495326399488069_1234",
    "type": "carousel",
    "created_time": 1492512024,
    "link": "https://www.instagram.com/p/BSPq2NzgmJF/",
    "caption": None,
    "user": {"id": "1234", "username": "someone"},
    "images": {},
    "carousel_media": [
        {
            "type": "image",
            "images": {"standard_resolution": {"url": "https://cdn.example/1.jpg", "width": 1080, "height": 1080}},
            "users_in_photo": [{"user": {"username": "tagged"}, "position": {"x": 0.5, "y": 0.25}}],
        },
        {
            "type": "video",
            "images": {"thumbnail": {"url": "https://cdn.example/2.jpg", "width": 150, "height": 150}},
            "videos": {"standard_resolution": {"url": "https://cdn.example/2.mp4", "width": 640, "height": 640}},
            "users_in_photo": [],
        },
    ],
}


def test_carousel_children():
    media = Media.from_v1(CAROUSEL)

    assert media.type == "carousel"
    assert [child.type for child in media.carousel_media] == ["image", "video"]
    assert media.image_url == "https://cdn.example/1.jpg"
    assert media.thumbnail_url == "https://cdn.example/1.jpg"
    assert media.video_url is None
    assert media.carousel_media[1].video_url == "https://cdn.example/2.mp4"
    assert media.carousel_media[0].users_in_photo[0].user.username == "tagged"
    assert media.carousel_media[0].users_in_photo[0].x == 0.5
    assert media.created_time == datetime(2017, 4, 18, 10, 40, 24, tzinfo=timezone.utc)


def test_caption_shares_owner_and_time():
    media = Media.from_v1(recorded_body("user_recent_media_self_with_pagination")["data"][0])

    assert media.caption.from_user is media.user
    assert media.caption.created_time is media.created_time
    assert media.caption.from_user.username == "user_6a7e98de"
    assert media.caption.created_time == datetime(2016, 7, 27, 2, 40, 58, tzinfo=timezone.utc)


def test_caption_by_other_user():
    item = dict(recorded_body("user_recent_media_self_with_pagination")["data"][0])
    item["caption"] = {
        **item["caption"],
        "from": {"id": "99", "username": "someone_else"},
        "created_time": "1469590000",
    }
    media = Media.from_v1(item)

    assert media.caption.from_user.username == "someone_else"
    assert media.caption.from_user.id == "99"
    assert media.user.username == "user_6a7e98de"
    assert media.caption.created_time == datetime(2016, 7, 27, 3, 26, 40, tzinfo=timezone.utc)
    assert media.created_time == datetime(2016, 7, 27, 2, 40, 58, tzinfo=timezone.utc)


def test_caption_without_author():
    media = Media.from_v1({"id": "1", "user": {"id": "2"}, "caption": {"text": "hi", "from": None}})

    assert media.caption.from_user is None
    assert media.user.id == "2"


def test_caption_bool_time_parsed_alone():
    # True == 1 in Python, but True is no epoch time: the caption must not take the media's.
    data = {
        "id": "1",
        "created_time": 1,
        "user": {"id": "9", "username": "bob"},
        "caption": {"id": "c", "text": "hi", "created_time": True, "from": {"id": "9", "username": "bob"}},
    }

    media = Media.from_v1(data)

    assert media.caption.created_time is None
    assert media.caption == Comment.from_v1(data["caption"])


def test_caption_bool_author_parsed_alone():
    data = {
        "id": "1",
        "user": {"id": True, "username": "bob"},
        "caption": {"id": "c", "text": "hi", "from": {"id": 1, "username": "bob"}},
    }

    media = Media.from_v1(data)

    assert media.caption.from_user.id == "1"
    assert media.user.id is None
    assert media.caption == Comment.from_v1(data["caption"])


def test_rendition_names_are_strings():
    media = Media.from_v1({"id": "1", "images": {1: {"url": "https://scontent.cdninstagram.com/a.jpg"}}})

    assert list(media.images) == ["1"]


class NotedMedia(Media):
    note: str = ""


class ShortUser(UserSearchResult):
    pass


class ThreadComment(Comment):
    pass


def test_subclass_with_field_from_v1():
    media = NotedMedia.from_v1({"id": "1", "user": {"id": "9", "username": "bob"}})

    assert type(media) is NotedMedia
    assert media.note == ""
    assert media.user.username == "bob"
    assert "note=''" in repr(media)


def test_subclass_with_field_from_graph():
    item = graph_fixture("me_media_page1")["data"][0]

    media = NotedMedia.from_graph(item)

    assert type(media) is NotedMedia
    assert media.note == ""
    assert media.id == item["id"]


def test_subclass_from_v1_keeps_type():
    assert type(ShortUser.from_v1({"id": "9", "username": "bob"})) is ShortUser
    assert type(ThreadComment.from_v1({"id": "1", "text": "hi"})) is ThreadComment
    assert ThreadComment.from_v1({"id": "1", "text": "hi"}).text == "hi"


def test_media_empty_object():
    media = Media.from_v1({})

    assert media == Media(id=None)
    assert media.type == "image"
    assert media.image_url is None
    assert media.caption_text == ""


def test_media_nulls_everywhere():
    data = {key: None for key in (
        "id", "type", "link", "created_time", "caption", "user", "images", "videos", "carousel_media", "tags",
        "likes", "comments", "location", "users_in_photo", "filter", "user_has_liked", "attribution",
    )}

    media = Media.from_v1(data)

    assert media.id is None
    assert media.caption is None
    assert media.location is None
    assert media.tags == ()
    assert media.likes_count is None


def test_media_counts_without_data():
    media = Media.from_v1(recorded_body("user_recent_media_self_with_pagination")["data"][0])

    assert media.likes_count == 55
    assert media.comments_count == 15


def test_media_location_integer_id():
    media = Media.from_v1(recorded_body("media")["data"])

    assert media.location.id == "293698942"
    assert isinstance(media.location.id, str)


def test_media_image_without_url_skipped():
    media = Media.from_v1({"images": {"thumbnail": {"width": 1}, "low_resolution": {"url": "https://cdn.example/a.jpg"}}})

    assert set(media.images) == {"low_resolution"}
    assert media.images["low_resolution"] == Image("https://cdn.example/a.jpg")


def test_media_extra_keys_ignored():
    assert Media.from_v1({"id": "1", "attribution": None, "new_key": [1, 2]}).id == "1"


def test_tag_float_count():
    assert Tag.from_v1({"name": "fit", "media_count": 38925656.0}) == Tag("fit", 38925656)
    assert type(Tag.from_v1({"name": "fit", "media_count": 38925656.0}).media_count) is int


@pytest.mark.parametrize(("value", "expected"), [(27, 27), ("42", 42), (None, None), ("many", None), (True, None)])
def test_tag_count_values(value, expected):
    assert Tag.from_v1({"name": "x", "media_count": value}).media_count == expected


def test_location_from_strings():
    assert Location.from_v1({"id": 1, "latitude": "1.5", "longitude": None, "name": None}) == Location("1", "", 1.5, None)


def test_comment_created_time_string():
    comment = Comment.from_v1({"id": 5, "text": "x", "created_time": "1442133337", "from": None})

    assert comment.id == "5"
    assert comment.created_time == datetime(2015, 9, 13, 8, 35, 37, tzinfo=timezone.utc)
    assert comment.from_user is None


def test_comment_surrogate_pairs_from_json():
    comment = Comment.from_v1(recorded_body("comments")["data"][1])

    assert comment.text == "\U0001f4f7"
    assert len(comment.text) == 1


def test_user_missing_counts():
    user = User.from_v1({"id": 57451593, "username": "user_cf840edd"})

    assert user.id == "57451593"
    assert user.counts.media is None
    assert user.bio == ""


def test_user_search_result_missing_full_name():
    assert UserSearchResult.from_v1({"id": "1", "username": "a"}) == UserSearchResult("1", "a", "", None)


def test_relationship_defaults():
    assert Relationship.from_v1(None) == Relationship("none", "none", None)
    assert Relationship.from_v1({"outgoing_status": "requested"}).outgoing_status == "requested"


def test_access_token_without_token():
    with pytest.raises(InstagramTransportError, match="no access_token"):
        AccessToken.from_v1({"user": {"id": "1"}})


@pytest.mark.parametrize("parse", [Media.from_v1, Location.from_v1, Tag.from_v1, User.from_v1, Comment.from_v1])
@pytest.mark.parametrize("value", [None, [], "text", 5])
def test_not_an_object(parse, value):
    with pytest.raises(InstagramTransportError, match="where a .* object was expected"):
        parse(value)
