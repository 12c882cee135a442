"""The service module with Graph credentials: dispatch, parameter names, new calls, unsupported calls."""

from __future__ import annotations

import pytest
from responses import matchers

from django_instagram import graph, services
from django_instagram.client.errors import ContainerTimeoutError, NotSupportedError, PublishingError
from django_instagram.client.graph import MEDIA_FIELDS
from tests.conftest import graph_fixture

TOKEN = "IGAAservicestoken000000"
BASE = "https://graph.instagram.com/v26.0"


@pytest.fixture
def graph_token(instagram_override):
    instagram_override(API="graph", SANDBOX=False, ACCESS_TOKEN=TOKEN, SCOPES=None)


@pytest.fixture
def clock(monkeypatch):
    """Replace the publishing wait's clock and sleep; the clock moves only when the wait sleeps."""
    state = {"now": 0.0, "naps": []}

    def sleep(seconds):
        state["naps"].append(seconds)
        state["now"] += seconds

    monkeypatch.setattr(graph, "sleep", sleep)
    monkeypatch.setattr(graph, "clock", lambda: state["now"])
    return state


@pytest.mark.parametrize("call, args", [
    ("tag", ("nofilter",)),
    ("tag_search", ("nofilter",)),
    ("location", ("1",)),
    ("media_popular", ()),
    ("media_shortcode", ("BbX",)),
    ("media_likes", ("1",)),
    ("media_like", ("1",)),
    ("user_search", ({"q": "x"},)),
    ("user_follows", ("self",)),
    ("user_relationship", ("1",)),
])
def test_legacy_only_calls_raise(graph_token, call, args):
    with pytest.raises(NotSupportedError) as caught:
        getattr(services, call)(*args)

    assert str(caught.value) == (
        f"{call}() is not available in the Instagram API with Instagram Login. "
        "It exists only in the legacy v1 API."
    )


def test_graph_only_calls_raise_for_legacy(instagram_override):
    instagram_override(API="legacy", ACCESS_TOKEN="1.legacy.token")

    with pytest.raises(NotSupportedError) as caught:
        services.media_children("1")

    assert str(caught.value) == (
        "media_children() is not available in the legacy v1 API. "
        "It exists only in the Instagram API with Instagram Login."
    )


def test_other_user_not_supported(graph_token):
    with pytest.raises(NotSupportedError, match="Only \"self\""):
        services.user("12345")


def test_v1_names_translated(mock_instagram, graph_token):
    params = {"fields": MEDIA_FIELDS, "limit": "2", "since": "100", "until": "200"}
    mock_instagram.add("GET", BASE + "/me/media", json=graph_fixture("me_media_page1"),
                       match=[matchers.query_param_matcher(params)])

    media = services.user_recent_media("self", count=2, min_timestamp=100, max_timestamp=200)

    assert [m.id for m in media] == ["21387158436090582", "69950914553596495"]


def test_media_id_cursors_rejected(graph_token):
    with pytest.raises(TypeError, match="max_id exist only in the legacy v1 API"):
        services.user_recent_media("self", max_id="123")


def test_iter_media_after_cursor(mock_instagram, graph_token):
    mock_instagram.add("GET", BASE + "/me/media", json=graph_fixture("me_media_page1"),
                       match=[matchers.query_param_matcher({"fields": MEDIA_FIELDS, "limit": "2"})])
    mock_instagram.add("GET", BASE + "/me/media", json=graph_fixture("me_media_page2"),
                       match=[matchers.query_param_matcher({"fields": MEDIA_FIELDS, "limit": "2", "after": "after"})])

    ids = [media.id for media in services.iter_user_recent_media("self", limit=2)]

    assert ids == ["21387158436090582", "69950914553596495", "91695110007088308", "49822511552961227"]


def test_comment_calls(mock_instagram, graph_token):
    mock_instagram.add("POST", BASE + "/178/replies", json={"id": "179"},
                       match=[matchers.query_param_matcher({"message": "Thanks"})])
    mock_instagram.add("POST", BASE + "/179", json={"success": True},
                       match=[matchers.query_param_matcher({"hide": "false"})])
    mock_instagram.add("GET", BASE + "/38812624569807068/replies", json=graph_fixture("comment_replies"))

    assert services.comment_reply("178", "Thanks") == "179"
    services.comment_hide("179", hidden=False)
    assert [r.text for r in services.comment_replies("38812624569807068")] == ["@user_8c0c3ed3 fmboy"]


def test_comment_checks_input(graph_token):
    with pytest.raises(ValueError, match="non-empty text"):
        services.comment_reply("1", "  ")
    with pytest.raises(TypeError, match="True or False"):
        services.comment_hide("1", hidden="yes")


def _container_flow(mock, create_params, statuses, container_id="40128933362905398", owner="me"):
    mock.add("POST", f"{BASE}/{owner}/media", json={"id": container_id},
             match=[matchers.query_param_matcher(create_params)])
    for status in statuses:
        mock.add("GET", f"{BASE}/{container_id}", json={"id": container_id, "status_code": status})


def test_publish_image(mock_instagram, graph_token, clock):
    _container_flow(mock_instagram, {"image_url": "https://example.com/a.jpg", "caption": "Hi", "alt_text": "A cat"},
                    ["FINISHED"])
    mock_instagram.add("POST", BASE + "/me/media_publish", json=graph_fixture("publish_media_publish"),
                       match=[matchers.query_param_matcher({"creation_id": "40128933362905398"})])

    media_id = services.publish_image("https://example.com/a.jpg", "Hi", alt_text="A cat")

    assert media_id == "81832158892276729"
    assert clock["naps"] == []


def test_publish_video_as_reel(mock_instagram, graph_token, clock, instagram_override):
    instagram_override(PUBLISH_POLL_INTERVAL=60.0)
    params = {"media_type": "REELS", "video_url": "https://example.com/v.mp4", "share_to_feed": "true"}
    _container_flow(mock_instagram, params, ["IN_PROGRESS", "IN_PROGRESS", "FINISHED"])
    mock_instagram.add("POST", BASE + "/me/media_publish", json=graph_fixture("publish_media_publish"))

    services.publish_video("https://example.com/v.mp4", share_to_feed=True)

    assert clock["naps"] == [60.0, 60.0]


def test_publish_wait_bounded(mock_instagram, graph_token, clock, instagram_override):
    instagram_override(PUBLISH_TIMEOUT=10.0, PUBLISH_POLL_INTERVAL=4.0)
    _container_flow(mock_instagram, {"image_url": "https://example.com/a.jpg"}, ["IN_PROGRESS"] * 4)

    with pytest.raises(ContainerTimeoutError, match="still IN_PROGRESS after 10 seconds"):
        services.publish_image("https://example.com/a.jpg")

    assert clock["naps"] == [4.0, 4.0, 2.0]


def test_publish_expired_container(mock_instagram, graph_token, clock):
    _container_flow(mock_instagram, {"image_url": "https://example.com/a.jpg"}, ["EXPIRED"])

    with pytest.raises(PublishingError, match="failed with status EXPIRED"):
        services.publish_image("https://example.com/a.jpg")


def test_publish_carousel(mock_instagram, graph_token, clock):
    _container_flow(mock_instagram, {"image_url": "https://e.com/1.jpg", "is_carousel_item": "true"}, ["FINISHED"], "11")
    _container_flow(mock_instagram, {"video_url": "https://e.com/2.mp4", "is_carousel_item": "true",
                                     "media_type": "VIDEO"}, ["IN_PROGRESS", "FINISHED"], "12")
    _container_flow(mock_instagram, {"media_type": "CAROUSEL", "children": "11,12", "caption": "Album"}, ["FINISHED"], "13")
    mock_instagram.add("POST", BASE + "/me/media_publish", json={"id": "900"},
                       match=[matchers.query_param_matcher({"creation_id": "13"})])

    assert services.publish_carousel(["https://e.com/1.jpg", {"video_url": "https://e.com/2.mp4"}], "Album") == "900"


@pytest.mark.parametrize("items, message", [
    (["https://e.com/1.jpg"], "needs 2 to 10 items, not 1"),
    (["https://e.com/1.jpg"] * 11, "needs 2 to 10 items, not 11"),
    (["https://e.com/1.jpg", {"image_url": "https://e.com/2.jpg", "video_url": "https://e.com/2.mp4"}], "image URLs or dicts"),
    (["https://e.com/1.jpg", "ftp://e.com/2.jpg"], "public http"),
    (["https://e.com/1.jpg", {"image_url": "https://e.com/2.jpg", "tags": []}], "unknown key"),
])
def test_carousel_items_checked(graph_token, items, message):
    with pytest.raises(ValueError, match=message):
        services.publish_carousel(items)


def test_content_publishing_limit(mock_instagram, graph_token):
    body = {"data": [{"quota_usage": 2, "config": {"quota_total": 50, "quota_duration": 86400}}]}
    mock_instagram.add("GET", BASE + "/me/content_publishing_limit", json=body)

    limit = services.content_publishing_limit()

    assert (limit.quota_usage, limit.quota_total, limit.remaining) == (2, 50, 48)


def test_version_setting_used(mock_instagram, graph_token, instagram_override):
    instagram_override(GRAPH_API_VERSION="v25.0")
    mock_instagram.add("GET", "https://graph.instagram.com/v25.0/me", json=graph_fixture("me"))

    assert services.user("self").username == "user_3f88f862"
