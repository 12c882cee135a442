"""Every legacy v1 call of ``services`` against its recorded responses.

The recordings lack query strings, so each test asserts the method, the path, every query or form
parameter and how the token travelled, then the values parsed from the recorded body.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest

from django_instagram import services
from django_instagram.client.errors import OAuthAccessTokenError, OAuthPermissionsError
from django_instagram.client.pagination import CursorPage, Page
from django_instagram.client.types import Comment, Location, Media, Relationship, Tag, User, UserSearchResult
from tests.conftest import add_recorded, recorded

TOKEN = "57451593.a1b2c3d.0123456789abcdef0123456789abcdef"
API = "https://api.instagram.com/v1"


def only_request(mock):
    assert len(mock.calls) == 1
    return mock.calls[0].request


def path_of(request) -> str:
    return urlsplit(request.url).path


def query_of(request) -> dict[str, str]:
    pairs = parse_qsl(urlsplit(request.url).query, keep_blank_values=True)
    assert len(pairs) == len(dict(pairs)), f"repeated query parameter in {pairs}"
    return dict(pairs)


def form_of(request) -> dict[str, str]:
    body = request.body or ""
    if isinstance(body, bytes):
        body = body.decode()
    return dict(parse_qsl(body, keep_blank_values=True))


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


# Tags ---------------------------------------------------------------------------------------------


def test_tag_recorded(mock_instagram):
    add_recorded(mock_instagram, "tag")

    result = services.tag("lifeisaboutdrugs", TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "GET"
    assert path_of(request) == "/v1/tags/lifeisaboutdrugs"
    assert query_of(request) == {"access_token": TOKEN}
    assert result == Tag("lifeisaboutdrugs", 27)


def test_tag_second_recording(mock_instagram):
    add_recorded(mock_instagram, "access_token", index=1)

    result = services.tag("ruaware", TOKEN)

    assert path_of(only_request(mock_instagram)) == "/v1/tags/ruaware"
    assert result.media_count == 272763
    assert isinstance(result.media_count, int)


def test_tag_name_url_encoded(mock_instagram):
    mock_instagram.add("GET", f"{API}/tags/caf%C3%A9%20%23x%26y%2Fz", json={"meta": {"code": 200}, "data": {"name": "café", "media_count": 1}})

    result = services.tag("café #x&y/z", TOKEN)

    assert urlsplit(only_request(mock_instagram).url).path == "/v1/tags/caf%C3%A9%20%23x%26y%2Fz"
    assert result.name == "café"


def test_tag_search_recorded(mock_instagram):
    add_recorded(mock_instagram, "tag_search")

    result = services.tag_search("fit & fun", TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "GET"
    assert path_of(request) == "/v1/tags/search"
    assert query_of(request) == {"access_token": TOKEN, "q": "fit & fun"}
    assert "q=fit+%26+fun" in request.url
    assert len(result) == 50
    assert result[0] == Tag("fit", 38925656)
    assert type(result[0].media_count) is int
    assert result[1] == Tag("\ufb01t", 23020)
    assert result[-1] == Tag("fitwomen", 314837)


def test_tag_recent_media_recorded(mock_instagram):
    add_recorded(mock_instagram, "tag_recent_media")

    result = services.tag_recent_media("ts", {"count": 10, "min_tag_id": "5", "max_tag_id": "9"}, TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "GET"
    assert path_of(request) == "/v1/tags/ts/media/recent"
    assert query_of(request) == {"access_token": TOKEN, "count": "10", "min_tag_id": "5", "max_tag_id": "9"}
    assert len(result) == 10
    first = result[0]
    assert first.id == "5969693971990755283_2388237534"
    assert first.user.username == "user_9c1a5cf3"
    assert first.filter == "Mayfair"
    assert first.tags == ("bjk", "ts", "metehan")
    assert first.location is None
    assert first.caption.text == "#ts #bjk #metehan btlnelcım ydhjır"
    assert result[-1].id == "9321362549093009121_4205753742"


def test_tag_recent_media_with_pagination_recorded(mock_instagram):
    add_recorded(mock_instagram, "tag_recent_media")

    page = services.tag_recent_media_with_pagination("ts", count=10, token=TOKEN)

    assert query_of(only_request(mock_instagram)) == {"access_token": TOKEN, "count": "10"}
    assert isinstance(page, Page)
    assert len(page.data) == 10
    assert all(isinstance(item, Media) for item in page.data)
    assert page.pagination.next_max_tag_id == "6682776748977792705"
    assert page.pagination.next_max_id == "6682776748977792705"
    assert page.pagination.next_min_id == "5969693971990755283"
    assert page.pagination.next_url == f"{API}/tags/ts/media/recent?count=10&max_tag_id=6682776748977792705"
    assert page.has_next


# Locations ---------------------------------------------------------------------------------------


def test_location_recorded(mock_instagram):
    add_recorded(mock_instagram, "location")

    result = services.location(1, TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "GET"
    assert path_of(request) == "/v1/locations/1"
    assert query_of(request) == {"access_token": TOKEN}
    assert result == Location("1", "Dog Patch Labs", 37.782492553, -122.387785235)


def test_location_recent_media_recorded(mock_instagram):
    add_recorded(mock_instagram, "location_recent_media")

    result = services.location_recent_media(
        "1", {"count": 1, "min_timestamp": 1438000000, "max_timestamp": 1439000000, "min_id": "a", "max_id": "b"}, TOKEN
    )

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/locations/1/media/recent"
    assert query_of(request) == {
        "access_token": TOKEN, "count": "1", "min_timestamp": "1438000000", "max_timestamp": "1439000000",
        "min_id": "a", "max_id": "b",
    }
    assert len(result) == 1
    media = result[0]
    assert media.id == "3483010073610593643_8771960694"
    assert media.user == UserSearchResult(
        "8771960694", "user_94d171a5", "Bvxbr \U0001f425",
        "https://scontent.cdninstagram.com/bgrojce-svl4/t51.2885-19/o268r732/82084396_789878893286743_8860415820_y.jpg",
    )
    assert media.location == Location("1", "Dog Patch Labs", 37.782492553, -122.387785235)
    assert media.likes_count == 3287
    assert media.comments_count == 56
    assert media.created_time == utc(1438539215)
    assert media.caption.id == "1723263838226840733"
    assert media.caption.text == "Jjrigm kmfnjz"


def test_location_recent_media_with_pagination_recorded(mock_instagram):
    add_recorded(mock_instagram, "location_recent_media")

    page = services.location_recent_media_with_pagination("1", count=1, token=TOKEN)

    assert query_of(only_request(mock_instagram)) == {"access_token": TOKEN, "count": "1"}
    assert page.pagination.next_max_id == "3483010073610593643"
    assert page.pagination.next_url == f"{API}/locations/1/media/recent?count=1&max_id=3483010073610593643"
    assert [media.id for media in page.data] == ["3483010073610593643_8771960694"]


def test_location_search_foursquare_v2(mock_instagram):
    add_recorded(mock_instagram, "location_foursquare_v2")

    result = services.location_search({"foursquare_v2_id": "4a7d8f8ef964a520cfe71fe3", "distance": 500}, TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/locations/search"
    assert query_of(request) == {"access_token": TOKEN, "foursquare_v2_id": "4a7d8f8ef964a520cfe71fe3", "distance": "500"}
    assert result == [Location("82301", "Brooklyn Bridge Park", 40.702276971, -73.996503353)]


def test_location_search_lat_lng(mock_instagram):
    add_recorded(mock_instagram, "location_lat_lng")

    result = services.location_search(lat=1.0, lng=2.0, count=5, token=TOKEN)

    request = only_request(mock_instagram)
    assert query_of(request) == {"access_token": TOKEN, "lat": "1.0", "lng": "2.0", "count": "5"}
    assert result == [Location("9602205539", "Test 2439895", 1.0, 2.0)]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lat": 1.0},
        {"lng": 2.0},
        {"lat": 1.0, "lng": 2.0, "foursquare_id": "x"},
        {"facebook_places_id": "1", "foursquare_v2_id": "2"},
        {"distance": 100},
    ],
)
def test_location_search_bad_selector(mock_instagram, params):
    with pytest.raises(ValueError, match="location_search"):
        services.location_search(params, TOKEN)

    assert len(mock_instagram.calls) == 0


# Media ---------------------------------------------------------------------------------------------


def test_media_recorded(mock_instagram):
    add_recorded(mock_instagram, "media")

    result = services.media("2393433640717702082_951819347", TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "GET"
    assert path_of(request) == "/v1/media/2393433640717702082_951819347"
    assert query_of(request) == {"access_token": TOKEN}
    assert result.id == "2393433640717702082_951819347"
    assert result.type == "image"
    assert result.link == "https://instagram.com/p/7X3gxjzAVp/"
    assert result.created_time == utc(1443636029)
    assert result.caption.text.startswith("Кто то очень любит поесть \U0001f64a...\U0001f34e\U0001f34f\U0001f357\U0001f374.")
    assert result.caption.from_user.username == "user_caf69fa7"
    assert result.tags == ("явпариже", "пикникпофранцузски", "мирдолжензнатьчтояем")
    assert result.location == Location("293698942", "The Effeil Tower", 48.8559418, 2.3027799)
    assert result.likes_count == 179
    assert result.comments_count == 1
    assert result.user_has_liked is False
    assert result.users_in_photo == ()
    assert result.image_url == (
        "https://scontent.cdninstagram.com/bgrojce-svl4/t51.2885-15/s408c339/sh0.08/e35/75751619_999250301801714_4887574757_v.jpg"
    )
    assert result.images["standard_resolution"].width == 640
    assert result.video_url is None


def test_media_shortcode_recorded(mock_instagram):
    add_recorded(mock_instagram, "media_shortcode")

    result = services.media_shortcode("D", TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/media/shortcode/D"
    assert query_of(request) == {"access_token": TOKEN}
    assert result.id == "3_3"
    assert result.caption is None
    assert result.location is None
    assert result.user_has_liked is None
    assert result.likes_count == 9568
    assert result.comments_count == 384
    assert result.user.id == "3"
    assert result.user.username == "user_375a2ab5"
    assert result.created_time == utc(1279315783)


def test_media_search_recorded(mock_instagram):
    add_recorded(mock_instagram, "media_search")

    result = services.media_search(
        {"lat": 48.858844, "lng": 2.294351, "distance": 1000, "count": 10, "min_timestamp": 1, "max_timestamp": 2}, TOKEN
    )

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/media/search"
    assert query_of(request) == {
        "access_token": TOKEN, "lat": "48.858844", "lng": "2.294351", "distance": "1000", "count": "10",
        "min_timestamp": "1", "max_timestamp": "2",
    }
    assert len(result) == 10
    assert result[0].id == "4910812823935883318_5452876448"
    assert result[0].location == Location("955412313", "THSR Yunlin Station", 1.0, 2.0)
    assert isinstance(result[0].location.id, str)
    assert result[0].tags == ("\u2665\u2665\u2665\u2665", "bigbang巡演", "bigbang", "bigbang专辑")


def test_media_search_needs_lat_lng(mock_instagram):
    with pytest.raises(TypeError, match="lat, lng"):
        services.media_search({"distance": 5}, TOKEN)

    assert len(mock_instagram.calls) == 0


def test_media_popular_recorded(mock_instagram):
    add_recorded(mock_instagram, "media_popular")

    result = services.media_popular(50, TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/media/popular"
    assert query_of(request) == {"access_token": TOKEN, "count": "50"}
    assert len(result) == 50
    assert sum(1 for media in result if media.type == "video") == 5
    assert sum(1 for media in result if media.location is None) == 40
    no_caption = [media.id for media in result if media.caption is None]
    assert no_caption == ["8266265197044418468_3582460024"]
    video = next(media for media in result if media.type == "video")
    assert video.id == "6760483438048833627_765287936"
    assert video.video_url == (
        "https://scontent.cdninstagram.com/bgrojce-svl4/t50.2886-16/32770440_7242334813151871_5283233277_c.mp4"
    )
    assert video.thumbnail_url == (
        "https://scontent.cdninstagram.com/bgrojce-svl4/t51.2885-15/o268r732/e15/93397766_805773137250239_0237814933_l.jpg"
    )
    assert set(video.videos) == {"low_bandwidth", "low_resolution", "standard_resolution"}


# Comments ----------------------------------------------------------------------------------------------


def test_media_comments_recorded(mock_instagram):
    add_recorded(mock_instagram, "comments")

    result = services.media_comments("5383966576704955909_57451593", TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "GET"
    assert path_of(request) == "/v1/media/5383966576704955909_57451593/comments"
    assert query_of(request) == {"access_token": TOKEN}
    assert len(result) == 5
    assert result[0] == Comment(
        id="3144967695078272096",
        text="Eki!  Ynoz  adob  iakrg!",
        created_time=utc(1442120355),
        from_user=UserSearchResult(
            "430123867", "user_8c5851ce", "- C O  U \u039b T N -",
            "https://scontent.cdninstagram.com/bxfvjeu-mdt5/t51.2885-19/o268r732/10484703_0660725789325041_4936491048_h.jpg",
        ),
    )
    assert result[1].text == "\U0001f4f7"
    assert result[-1].text == "\U0001f606"
    assert result[-1].from_user.full_name == "Kaxxmu T. Knebvs \U0001f309\U0001f30c"
    assert result[0].created_time.tzinfo is timezone.utc


def test_media_comment_recorded(mock_instagram):
    add_recorded(mock_instagram, "comment", url=f"{API}/media/123_456/comments")

    result = services.media_comment("123_456", "Nice pic m8 & more +1 = 100%", TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "POST"
    assert path_of(request) == "/v1/media/123_456/comments"
    assert query_of(request) == {"access_token": TOKEN}
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form_of(request) == {"text": "Nice pic m8 & more +1 = 100%"}
    assert request.body == "text=Nice+pic+m8+%26+more+%2B1+%3D+100%25"
    assert result is None


def test_media_comment_recorded_body(mock_instagram):
    add_recorded(mock_instagram, "comment", url=f"{API}/media/123_456/comments")

    services.media_comment("123_456", "Nice pic m8", TOKEN)

    assert only_request(mock_instagram).body == recorded("comment")["request"]["body"]


def test_media_comment_scope_exception(mock_instagram):
    add_recorded(mock_instagram, "comment_scope_exception")

    with pytest.raises(OAuthPermissionsError) as caught:
        services.media_comment("5383966576704955909_57451593", "Nice pic m8", TOKEN)

    assert caught.value.status_code == 400
    assert caught.value.code == 400
    assert caught.value.error_type == "OAuthPermissionsException"
    assert str(caught.value) == (
        "OAuthPermissionsException: This request requires scope=comments, but this access token is not "
        "authorized with this scope. The user must re-authorize your application with scope=comments to be "
        "granted write permissions."
    )


def test_media_comment_empty_text(mock_instagram):
    with pytest.raises(ValueError, match="text"):
        services.media_comment("1_2", "  ", TOKEN)

    assert len(mock_instagram.calls) == 0


def test_media_comment_delete_recorded(mock_instagram):
    add_recorded(mock_instagram, "comment_delete", url=f"{API}/media/123_456/comments/789")

    result = services.media_comment_delete("123_456", 789, TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "DELETE"
    assert path_of(request) == "/v1/media/123_456/comments/789"
    assert query_of(request) == {"access_token": TOKEN}
    assert not request.body
    assert result is None


# Likes -------------------------------------------------------------------------------------------------


def test_media_likes_recorded(mock_instagram):
    add_recorded(mock_instagram, "media_likes")

    result = services.media_likes("2707281318823477708_8392276443", TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/media/2707281318823477708_8392276443/likes"
    assert query_of(request) == {"access_token": TOKEN}
    assert len(result) == 24
    assert result[0].id == "3775537760"
    assert result[0].username == "user_8c024e32"
    assert result[1].full_name == "- Правильные рецепты! ПП"
    assert result[-1] == UserSearchResult(
        "4318857", "user_ef9c0a89", "Woue E'Tiez",
        "https://scontent.cdninstagram.com/bgrojce-svl4/t51.2885-19/o268r732/42626104_455769715303397_5781515426_w.jpg",
    )


def test_media_like_recorded(mock_instagram):
    add_recorded(mock_instagram, "like_media", url=f"{API}/media/2565666192/likes")

    result = services.media_like(2565666192, TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "POST"
    assert path_of(request) == "/v1/media/2565666192/likes"
    assert query_of(request) == {"access_token": TOKEN}
    assert not request.body
    assert result is None


def test_media_unlike_recorded(mock_instagram):
    add_recorded(mock_instagram, "unlike_media", url=f"{API}/media/2565666192/likes")

    result = services.media_unlike("2565666192", TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "DELETE"
    assert path_of(request) == "/v1/media/2565666192/likes"
    assert query_of(request) == {"access_token": TOKEN}
    assert result is None


# Users -------------------------------------------------------------------------------------------------


def test_user_recorded(mock_instagram):
    add_recorded(mock_instagram, "user")

    result = services.user(57451593, TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/users/57451593"
    assert query_of(request) == {"access_token": TOKEN}
    assert isinstance(result, User)
    assert result.id == "57451593"
    assert result.username == "user_cf840edd"
    assert result.full_name == "Sju Utpilv"
    assert result.website == "http://example.com/sln.jc.ux"
    assert result.bio.startswith("\U0001f337 Wkewo Oalj Joslx Txfwz Byghdjgum\n\U0001f3c2 ")
    assert "\U0001f1e6\U0001f1fa" in result.bio
    assert "\u2668\ufe0f" in result.bio
    assert result.counts.media == 613
    assert result.counts.follows == 4915
    assert result.counts.followed_by == 3966


def test_user_self_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_self_auth_explicit")

    result = services.user("self", TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/users/self"
    assert query_of(request) == {"access_token": TOKEN}
    assert result.id == "57451593"
    assert result.counts.followed_by == 3966


def test_user_search_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_search")

    result = services.user_search({"q": "user cf/840", "count": 3}, TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/users/search"
    assert query_of(request) == {"access_token": TOKEN, "q": "user cf/840", "count": "3"}
    assert "q=user+cf%2F840" in request.url
    assert [found.username for found in result] == ["user_cf840edd", "user_e6bd6041", "user_5793b20f"]
    assert result[2].full_name == "\U0001f64f Npf Qfiijbu Qobe \U0001f52e"


def test_user_search_without_count(mock_instagram):
    add_recorded(mock_instagram, "user_search")

    result = services.user_search(q="user", token=TOKEN)

    assert query_of(only_request(mock_instagram)) == {"access_token": TOKEN, "q": "user"}
    assert len(result) == 4
    assert result[-1].id == "71411483"


def test_user_search_needs_q(mock_instagram):
    with pytest.raises(TypeError, match="q"):
        services.user_search({"count": 3}, TOKEN)

    assert len(mock_instagram.calls) == 0


def test_user_recent_media_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_recent_media")

    result = services.user_recent_media(
        57451593, {"count": 3, "min_id": "1", "max_id": "2", "min_timestamp": 3, "max_timestamp": 4}, TOKEN
    )

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/users/57451593/media/recent"
    assert query_of(request) == {
        "access_token": TOKEN, "count": "3", "min_id": "1", "max_id": "2", "min_timestamp": "3", "max_timestamp": "4",
    }
    assert [media.id for media in result] == [
        "4792180517184685086_57451593", "9425093854178615285_57451593", "5383966576704955909_57451593",
    ]
    assert [media.likes_count for media in result] == [53, 74, 121]
    assert result[0].caption.text == "\U0001f44c\U0001f3fb\U0001f44c\U0001f3fb\U0001f44c\U0001f3fb LVAE HK SOAWG KL RBQJ RYTU SMSN"


def test_user_recent_media_with_pagination_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_recent_media")

    page = services.user_recent_media_with_pagination(57451593, count=3, token=TOKEN)

    assert query_of(only_request(mock_instagram)) == {"access_token": TOKEN, "count": "3"}
    assert page.pagination.next_max_id == "5383966576704955909_57451593"
    assert page.pagination.next_url == f"{API}/users/57451593/media/recent?count=3&max_id=5383966576704955909_57451593"


def test_user_recent_media_self_2016(mock_instagram):
    add_recorded(mock_instagram, "user_recent_media_self_with_pagination")

    page = services.user_recent_media_with_pagination("self", {"count": 64}, TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/users/self/media/recent"
    assert query_of(request) == {"access_token": TOKEN, "count": "64"}
    assert len(page.data) == 33
    first = page.data[0]
    assert first.id == "3280604634144948392_3005169082"
    assert first.comments_count == 15
    assert first.likes_count == 55
    assert first.link == "https://www.instagram.com/p/YVCKtUyJSdj/"
    assert first.images["standard_resolution"].height == 697
    assert [media.id for media in page.data if media.caption is None][:3] == [
        "1741694841645158352_3005169082", "8852259334442287175_3005169082", "6700643623605742306_3005169082",
    ]
    assert sum(1 for media in page.data if media.caption is None) == 11
    assert [media.id for media in page.data if media.type == "video"] == [
        "8852259334442287175_3005169082", "9372798901870711037_3005169082",
    ]
    located = next(media for media in page.data if media.location is not None)
    assert located.location == Location("2004581", "The Tides Estate", 40.965528684775, -74.193624372372)
    assert page.pagination.next_max_id == "9400227748571827860_3005169082"


def test_user_feed_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_feed_auth_explicit")

    result = services.user_feed({"count": 3, "min_id": "1", "max_id": "2"}, TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/users/self/media/recent"
    assert query_of(request) == {"access_token": TOKEN, "count": "3", "min_id": "1", "max_id": "2"}
    assert [media.id for media in result] == [
        "6721656740636025285_5144484421", "9197039472082464563_1301183560", "6707498463351250857_3524279960",
    ]
    assert result[0].tags == ("newmonth", "october", "timeflys", "freakingout", "fall")


def test_user_media_liked_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_media_liked_auth_explicit")

    result = services.user_media_liked({"count": 3, "max_like_id": "99"}, TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/users/self/media/liked"
    assert query_of(request) == {"access_token": TOKEN, "count": "3", "max_like_id": "99"}
    assert [media.id for media in result] == [
        "2805447819547523430_150541213", "6421260221193167173_243186431", "1523330577461858036_243186431",
    ]
    assert result[0].likes_count == 626762
    assert result[0].comments_count == 29022


def test_user_follows_count_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_following")

    result = services.user_follows(57451593, 10, TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/users/57451593/follows"
    assert query_of(request) == {"access_token": TOKEN, "count": "10"}
    assert isinstance(result, list)
    assert len(result) == 10
    assert result[0] == UserSearchResult(
        "3222357188", "user_9b114e77", "uisvle",
        "https://scontent.cdninstagram.com/lhknmsz-vac9/t51.2885-19/83624813_0267216749327261_501388836_u.jpg",
    )
    assert result[-1].id == "8848856127"


def test_user_follows_dict_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_following_paginated")

    page = services.user_follows(57451593, {"count": 10, "cursor": "DVAIM4-h/+="})

    request = only_request(mock_instagram)
    assert query_of(request) == {"client_id": "test-client-id", "count": "10", "cursor": "DVAIM4-h/+="}
    assert "cursor=DVAIM4-h%2F%2B%3D" in request.url
    assert isinstance(page, CursorPage)
    assert len(page.results) == 10
    assert page.results[0].username == "user_d6259036"
    assert page.next_cursor.startswith("RFEpi6Q3Wb8o6vlG3h_tI2eBbe8VccVRRf6PiSQ34bOOgvlGTHu1iu67bEwvCcVrRFepi6Q")
    assert page.next_cursor.endswith("TH0TIue7")


def test_user_follows_last_page(mock_instagram):
    mock_instagram.add(
        "GET", f"{API}/users/57451593/follows",
        json={"meta": {"code": 200}, "pagination": {}, "data": [{"id": "1", "username": "a"}]},
    )

    page = services.user_follows("57451593", {"count": 27}, TOKEN)

    assert page.next_cursor is None
    assert page.results == [UserSearchResult("1", "a")]


def test_user_followed_by_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_followers")

    result = services.user_followed_by(57451593, TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/users/57451593/followed-by"
    assert query_of(request) == {"access_token": TOKEN}
    assert len(result) == 50
    assert result[0].username == "user_41336f58"
    assert result[-1] == UserSearchResult(
        "150345378", "user_2b393945", "",
        "https://scontent.cdninstagram.com/wkhukzs-yvy0/t51.2885-19/10695512_722291090287734_4493519106_f.jpg",
    )


def test_user_requested_by_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_requested_by_auth_explicit")

    result = services.user_requested_by(TOKEN)

    request = only_request(mock_instagram)
    assert path_of(request) == "/v1/users/self/requested-by"
    assert query_of(request) == {"access_token": TOKEN}
    assert result == []


def test_user_relationship_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_relationship_auth_explicit")

    result = services.user_relationship(139839357, TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "GET"
    assert path_of(request) == "/v1/users/139839357/relationship"
    assert query_of(request) == {"access_token": TOKEN}
    assert result == Relationship(incoming_status="followed_by", outgoing_status="follows", target_user_is_private=False)


@pytest.mark.parametrize(
    ("action", "recording", "outgoing"),
    [
        ("follow", "user_follow", "requested"),
        ("unfollow", "user_unfollow", "none"),
        ("block", "user_block", "none"),
        ("unblock", "user_unblock", "none"),
        ("approve", "user_approve", "follows"),
        ("ignore", "user_ignore", "none"),
    ],
)
def test_user_relationship_action_recorded(mock_instagram, action, recording, outgoing):
    add_recorded(mock_instagram, recording, url=f"{API}/users/139839357/relationship")

    result = services.user_relationship("139839357", action, TOKEN)

    request = only_request(mock_instagram)
    assert request.method == "POST"
    assert path_of(request) == "/v1/users/139839357/relationship"
    assert query_of(request) == {"access_token": TOKEN}
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form_of(request) == {"action": action}
    assert request.body == recorded(recording)["request"]["body"]
    assert result.outgoing_status == outgoing
    assert result.incoming_status == "none"


def test_user_relationship_action_keyword(mock_instagram):
    add_recorded(mock_instagram, "user_follow", url=f"{API}/users/139839357/relationship")

    result = services.user_relationship("139839357", action="follow", token=TOKEN)

    assert form_of(only_request(mock_instagram)) == {"action": "follow"}
    assert result.outgoing_status == "requested"


@pytest.mark.parametrize("action", ["frobnicate", "FOLLOW", "", "follow "])
def test_user_relationship_bad_action(mock_instagram, action):
    with pytest.raises(ValueError, match="follow, unfollow, block, unblock, approve, ignore"):
        services.user_relationship("139839357", action, TOKEN)

    assert len(mock_instagram.calls) == 0


# OAuth ---------------------------------------------------------------------------------------------


def test_get_token_recorded(mock_instagram):
    add_recorded(mock_instagram, "access_token")

    result = services.get_token("a1b2c3#_")

    request = only_request(mock_instagram)
    assert request.method == "POST"
    assert request.url == "https://api.instagram.com/oauth/access_token"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form_of(request) == {
        "client_id": "test-client-id",
        "client_secret": "test-client-secret",
        "code": "a1b2c3",
        "grant_type": "authorization_code",
        "redirect_uri": "https://testserver/instagram/callback/",
    }
    assert result.access_token == "<REMOVED>"
    assert result.user_id == "57451593"
    assert result.user.username == "user_cf840edd"
    assert result.user.full_name == "Sju Utpilv"
    assert result.user.bio.startswith("\U0001f337 ")


# Parameters --------------------------------------------------------------------------------------------


def test_params_dict_and_keywords_merge(mock_instagram):
    add_recorded(mock_instagram, "user_recent_media")

    services.user_recent_media(57451593, {"count": 3}, TOKEN, max_id="x")

    assert query_of(only_request(mock_instagram)) == {"access_token": TOKEN, "count": "3", "max_id": "x"}


def test_params_none_values_dropped(mock_instagram):
    add_recorded(mock_instagram, "user_recent_media")

    services.user_recent_media(57451593, {"count": 3, "max_id": None}, TOKEN)

    assert query_of(only_request(mock_instagram)) == {"access_token": TOKEN, "count": "3"}


@pytest.mark.parametrize(
    ("call", "args", "accepted"),
    [
        (services.tag_recent_media, ("ts", {"cont": 1}), "count, min_tag_id, max_tag_id"),
        (services.location_recent_media, ("1", {"limit": 1}), "count, min_timestamp, max_timestamp, min_id, max_id"),
        (services.location_search, ({"latitude": 1},), "lat, lng, distance, count"),
        (services.media_search, ({"q": "x"},), "lat, lng, distance, count, min_timestamp, max_timestamp"),
        (services.user_search, ({"query": "x"},), "q, count"),
        (services.user_feed, ({"max_like_id": "1"},), "count, min_id, max_id"),
        (services.user_media_liked, ({"max_id": "1"},), "count, max_like_id"),
        (services.user_follows, ("1", {"page": 2}), "count, cursor"),
    ],
)
def test_unknown_parameter_lists_accepted(mock_instagram, call, args, accepted):
    with pytest.raises(TypeError) as caught:
        call(*args, token=TOKEN)

    assert "unknown parameter" in str(caught.value)
    assert accepted in str(caught.value)
    assert len(mock_instagram.calls) == 0


def test_unknown_keyword_lists_accepted(mock_instagram):
    with pytest.raises(TypeError, match=r"got unknown parameter\(s\) colour; accepted: q, count"):
        services.user_search(q="x", colour="red", token=TOKEN)


def test_timeout_reaches_session(mock_instagram, monkeypatch, instagram_override):
    import requests

    instagram_override(CONNECT_TIMEOUT=1.5, READ_TIMEOUT=4.0)
    add_recorded(mock_instagram, "tag")
    seen = []
    original = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)

    services.tag("lifeisaboutdrugs", TOKEN)

    assert seen == [(1.5, 4.0)]


def test_rate_limit_headers_readable(mock_instagram):
    add_recorded(mock_instagram, "tag")

    services.tag("lifeisaboutdrugs", TOKEN)

    usage = services.last_rate_limit_usage()
    assert usage.limit == 5000
    assert usage.remaining == 4997


def test_rate_limit_headers_lower_case(mock_instagram):
    add_recorded(mock_instagram, "user_recent_media_self_with_pagination")

    services.user_recent_media("self", count=64, token=TOKEN)

    usage = services.last_rate_limit_usage()
    assert usage.limit == 5000
    assert usage.remaining == 4999


def test_rate_limit_headers_after_error(mock_instagram):
    add_recorded(mock_instagram, "oauth_exception")

    with pytest.raises(OAuthAccessTokenError):
        services.tag("exceptional", TOKEN)

    assert services.last_rate_limit_usage().remaining == 4992


def test_user_relationship_token_and_action_keyword(mock_instagram):
    add_recorded(mock_instagram, "user_block", url=f"{API}/users/139839357/relationship")

    result = services.user_relationship("139839357", TOKEN, action="block")

    request = only_request(mock_instagram)
    assert query_of(request) == {"access_token": TOKEN}
    assert form_of(request) == {"action": "block"}
    assert result.outgoing_status == "none"


def test_user_relationship_action_twice(mock_instagram):
    with pytest.raises(TypeError, match="both positionally and as action="):
        services.user_relationship("139839357", "follow", TOKEN, action="block")

    assert len(mock_instagram.calls) == 0


def test_user_relationship_bad_action_keyword(mock_instagram):
    with pytest.raises(ValueError, match="Invalid relationship action 'frobnicate'"):
        services.user_relationship("139839357", TOKEN, action="frobnicate")

    assert len(mock_instagram.calls) == 0


@pytest.mark.parametrize("mistyped", ["folow", "Block", "unfollow_all"])
def test_user_relationship_mistyped_lone_action(mock_instagram, mistyped):
    with pytest.raises(ValueError, match=f"Invalid relationship action '{mistyped}'"):
        services.user_relationship("139839357", mistyped)

    assert len(mock_instagram.calls) == 0
