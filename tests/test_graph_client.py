"""GraphClient against the recorded Graph bodies: paths, fields, where the token travels, parsing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import responses
from responses import matchers

from django_instagram.client.errors import ContainerTimeoutError, PublishingError
from django_instagram.client.graph import (
    CHILD_FIELDS, COMMENT_FIELDS, MEDIA_FIELDS, REPLY_FIELDS, USER_FIELDS, GraphClient,
)
from django_instagram.client.transport import Transport
from tests.conftest import graph_fixture

TOKEN = "IGAAgraphtoken0123456789"
BASE = "https://graph.instagram.com/v26.0"
BEARER = matchers.header_matcher({"Authorization": f"Bearer {TOKEN}"})


class FakeClock:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.naps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def client(clock):
    return GraphClient(Transport(), version="v26.0", sleep=clock.sleep, clock=clock)


def _get(mock, path, body, params, status=200, headers=None):
    return mock.add(
        "GET", BASE + path, json=body, status=status, headers=headers,
        match=[matchers.query_param_matcher(params), BEARER],
    )


def _post(mock, path, body, params):
    return mock.add("POST", BASE + path, json=body, match=[matchers.query_param_matcher(params), BEARER])


def _assert_no_token_in_urls(mock):
    for call in mock.calls:
        assert TOKEN not in call.request.url


def test_me_reads_profile(mock_instagram, client):
    _get(mock_instagram, "/me", graph_fixture("me"), {"fields": USER_FIELDS})

    user = client.me(TOKEN)

    assert user.id == "58585462482478702"
    assert user.app_scoped_id == "58585462482478702"
    assert user.username == "user_3f88f862"
    assert user.account_type == "BUSINESS"
    assert user.counts.media == 10
    _assert_no_token_in_urls(mock_instagram)


def test_me_prefers_user_id(mock_instagram, client):
    body = {"data": [{"id": "5858", "user_id": 17841400000000001, "username": "shop"}]}
    _get(mock_instagram, "/me", body, {"fields": USER_FIELDS})

    user = client.me(TOKEN)

    assert user.id == "17841400000000001"
    assert user.app_scoped_id == "5858"


def test_my_media_first_page(mock_instagram, client):
    _get(mock_instagram, "/me/media", graph_fixture("me_media_page1"), {"fields": MEDIA_FIELDS, "limit": "2"})

    page = client.my_media(TOKEN, {"limit": 2})

    first = page.data[0]
    assert [media.id for media in page] == ["21387158436090582", "69950914553596495"]
    assert first.type == "image"
    assert first.image_url.startswith("https://scontent.xx.fbcdn.net/v/t51.2885-15/57834505_")
    assert first.link == "https://www.instagram.com/p/C1bWPYoVOV-/"
    assert first.created_time == datetime(2020, 2, 13, 10, 35, 40, tzinfo=timezone.utc)
    assert first.caption_text == "Gimd.. #cute #loveyou  @user_3f88f862"
    assert first.user.username == "user_3f88f862"
    assert page.pagination.next_cursor == "after"
    assert "access_token" not in page.pagination.next_url
    _assert_no_token_in_urls(mock_instagram)


def test_my_media_last_page(mock_instagram, client):
    _get(mock_instagram, "/me/media", graph_fixture("me_media_page2"), {"fields": MEDIA_FIELDS, "after": "after"})

    page = client.my_media(TOKEN, {"after": "after"})

    assert [media.caption_text for media in page] == ["#日出 #华山 @user_a3c87ab9", "楼下突现一棵柿子树"]
    assert page.has_next is False
    assert page.pagination.next_cursor is None


def test_my_media_counts(mock_instagram, client):
    _get(mock_instagram, "/me/media", graph_fixture("user_media_page1"), {"fields": MEDIA_FIELDS, "since": "1", "until": "2"})

    page = client.my_media(TOKEN, {"since": 1, "until": 2})

    assert [(m.likes_count, m.comments_count) for m in page] == [(0, 0), (2, 6)]
    assert page.data[0].caption is None


def test_media_carousel(mock_instagram, client):
    _get(mock_instagram, "/56117072557913514", graph_fixture("media_carousel"), {"fields": MEDIA_FIELDS})

    media = client.media("56117072557913514", TOKEN)

    assert media.type == "carousel"
    assert media.caption_text == "Hsgaq Tqdqd  @user_3f88f862"
    assert media.created_time == datetime(2019, 10, 23, 2, 5, 15, tzinfo=timezone.utc)
    assert media.carousel_media == ()


def test_media_children(mock_instagram, client):
    _get(mock_instagram, "/56117072557913514/children", graph_fixture("media_children"), {"fields": CHILD_FIELDS})

    children = client.media_children("56117072557913514", TOKEN)

    assert [child.id for child in children] == ["79383663084374678", "37453922195698645"]
    assert children[1].link == "https://www.instagram.com/p/D85VipOjLQ_/"
    assert all(child.caption is None for child in children)


def test_media_video_without_media_url(mock_instagram, client):
    body = {"id": "1", "media_type": "VIDEO", "thumbnail_url": "https://cdn.example/poster.jpg", "media_product_type": "REELS"}
    _get(mock_instagram, "/1", body, {"fields": MEDIA_FIELDS})

    media = client.media("1", TOKEN)

    assert media.type == "video"
    assert media.video_url is None
    assert media.image_url == "https://cdn.example/poster.jpg"
    assert media.media_product_type == "REELS"


def test_media_only_id(mock_instagram, client):
    _get(mock_instagram, "/2", {"id": "2"}, {"fields": MEDIA_FIELDS})

    media = client.media("2", TOKEN)

    assert media.id == "2"
    assert media.image_url is None
    assert media.created_time is None


def test_comments_walk_both_pages(mock_instagram, client):
    fields = {"fields": COMMENT_FIELDS, "limit": "50"}
    _get(mock_instagram, "/21387158436090582/comments", graph_fixture("comments_page1"), fields)
    _get(mock_instagram, "/21387158436090582/comments", graph_fixture("comments_page2"), {**fields, "after": "after"})

    comments = list(client.iter_comments("21387158436090582", TOKEN))

    assert [c.id for c in comments] == ["38812624569807068", "17685330833073453", "38604840108159555", "72302818491764989"]
    assert comments[2].text == "@user_3f88f862  Fws, dxed"
    assert comments[0].created_time == datetime(2020, 6, 1, 10, 56, 52, tzinfo=timezone.utc)
    _assert_no_token_in_urls(mock_instagram)


def test_comment_replies(mock_instagram, client):
    _get(mock_instagram, "/38812624569807068/replies", graph_fixture("comment_replies"), {"fields": REPLY_FIELDS})

    replies = client.comment_replies("38812624569807068", TOKEN)

    assert [(r.id, r.text) for r in replies] == [("41195199970291863", "@user_8c0c3ed3 fmboy")]


def test_comment_writes(mock_instagram, client):
    _post(mock_instagram, "/21387158436090582/comments", {"id": "178"}, {"message": "Merci é"})
    _post(mock_instagram, "/178/replies", {"id": "179"}, {"message": "ok"})
    _post(mock_instagram, "/179", {"success": True}, {"hide": "true"})
    mock_instagram.add("DELETE", BASE + "/179", json={"success": True}, match=[BEARER])

    comment_id = client.comment("21387158436090582", "Merci é", TOKEN)
    reply_id = client.reply("178", "ok", TOKEN)
    client.hide_comment("179", True, TOKEN)
    client.delete_comment("179", TOKEN)

    assert (comment_id, reply_id) == ("178", "179")
    _assert_no_token_in_urls(mock_instagram)


def test_publish_waits_then_publishes(mock_instagram, client, clock):
    _post(mock_instagram, "/178414/media", graph_fixture("publish_create_container"), {"image_url": "https://x/a.jpg"})
    status = {"fields": "id,status_code,status"}
    _get(mock_instagram, "/40128933362905398", {"id": "40128933362905398", "status_code": "IN_PROGRESS"}, status)
    _get(mock_instagram, "/40128933362905398", graph_fixture("publish_container_status"), status)
    _post(mock_instagram, "/178414/media_publish", graph_fixture("publish_media_publish"), {"creation_id": "40128933362905398"})

    container_id = client.create_container("178414", {"image_url": "https://x/a.jpg"}, TOKEN)
    media_id = client.publish("178414", container_id, TOKEN, timeout=60, interval=10)

    assert media_id == "81832158892276729"
    assert clock.naps == [10]


def test_publish_failed_container(mock_instagram, client):
    body = {"id": "9", "status_code": "ERROR", "status": "Error: Media download has failed."}
    _get(mock_instagram, "/9", body, {"fields": "id,status_code,status"})

    with pytest.raises(PublishingError) as caught:
        client.publish("178414", "9", TOKEN, timeout=60, interval=10)

    assert caught.value.status_code == "ERROR"
    assert "Media download has failed" in str(caught.value)


def test_publish_wait_runs_out(mock_instagram, client, clock):
    for _ in range(4):
        _get(mock_instagram, "/9", {"id": "9", "status_code": "IN_PROGRESS"}, {"fields": "id,status_code,status"})

    with pytest.raises(ContainerTimeoutError) as caught:
        client.publish("178414", "9", TOKEN, timeout=25, interval=10)

    assert clock.naps == [10, 10, 5]
    assert caught.value.container_id == "9"
    assert "after 25 seconds" in str(caught.value)


def test_content_publishing_limit(mock_instagram, client):
    body = {"data": [{"quota_usage": 3, "config": {"quota_total": 100, "quota_duration": 86400}}]}
    _get(mock_instagram, "/178414/content_publishing_limit", body, {"fields": "quota_usage,config"})

    limit = client.content_publishing_limit("178414", TOKEN)

    assert (limit.quota_usage, limit.quota_total, limit.quota_duration, limit.remaining) == (3, 100, 86400, 97)


def test_usage_headers_after_call(mock_instagram, client):
    headers = {
        "X-App-Usage": '{"call_count": 28, "total_time": 25, "total_cputime": 25}',
        "X-Business-Use-Case-Usage": '{"178414": [{"type": "instagram", "call_count": 95, "total_cputime": 20, '
                                     '"total_time": 20, "estimated_time_to_regain_access": 0}]}',
    }
    _get(mock_instagram, "/me", graph_fixture("me"), {"fields": USER_FIELDS}, headers=headers)

    client.me(TOKEN)

    usage = client.transport.last_usage
    assert usage.app_usage == {"call_count": 28, "total_time": 25, "total_cputime": 25}
    assert usage.business_use_case_usage["178414"][0]["call_count"] == 95
    assert usage.max_percent == 95


def test_version_in_path(mock_instagram, clock):
    versioned = GraphClient(Transport(), version="v25.0")
    mock_instagram.add("GET", "https://graph.instagram.com/v25.0/me", json=graph_fixture("me"))

    versioned.me(TOKEN)

    assert mock_instagram.calls[0].request.url.startswith("https://graph.instagram.com/v25.0/me?fields=")


def test_empty_token_rejected(client):
    with pytest.raises(ValueError, match="needs an access token"):
        client.me("")


def test_page_data_not_a_list(mock_instagram, client):
    from django_instagram.client.types import UnexpectedResponseError

    _get(mock_instagram, "/me/media", {"data": True}, {"fields": MEDIA_FIELDS})

    with pytest.raises(UnexpectedResponseError, match="returned bool for GET /me/media"):
        client.my_media(TOKEN)
