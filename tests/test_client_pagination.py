"""Pages, cursors and the ``iter_`` generators of the legacy calls; no result shows a token."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from django_instagram import services
from django_instagram.client.pagination import DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, CursorPage, Page, Pagination, iterate
from django_instagram.client.types import AccessToken, UserSearchResult
from django_instagram.resolution import Credential
from tests.conftest import add_recorded, recorded

TOKEN = "57451593.a1b2c3d.0123456789abcdef0123456789abcdef"
API = "https://api.instagram.com/v1"


def media_body(ids, pagination=None):
    body = {"meta": {"code": 200}, "data": [{"id": media_id, "type": "image"} for media_id in ids]}
    if pagination is not None:
        body["pagination"] = pagination
    return body


def users_body(ids, next_cursor=None):
    pagination = {"next_cursor": next_cursor, "next_url": f"{API}/x?access_token={TOKEN}"} if next_cursor else {}
    return {"meta": {"code": 200}, "data": [{"id": user_id, "username": f"u{user_id}"} for user_id in ids],
            "pagination": pagination}


def queries(mock) -> list[dict[str, str]]:
    return [dict(parse_qsl(urlsplit(call.request.url).query)) for call in mock.calls]


def test_iterator_stops_on_last_page(mock_instagram):
    url = f"{API}/users/1/media/recent"
    mock_instagram.add("GET", url, json=media_body(["a", "b"], {"next_max_id": "b", "next_url": f"{url}?max_id=b"}))
    mock_instagram.add("GET", url, json=media_body(["c"], {}))

    items = list(services.iter_user_recent_media("1", {"count": 2}, TOKEN))

    assert [media.id for media in items] == ["a", "b", "c"]
    assert queries(mock_instagram) == [
        {"access_token": TOKEN, "count": "2"},
        {"access_token": TOKEN, "count": "2", "max_id": "b"},
    ]


def test_iterator_stops_without_pagination_key(mock_instagram):
    url = f"{API}/users/1/media/recent"
    mock_instagram.add("GET", url, json=media_body(["a"]))

    assert [media.id for media in services.iter_user_recent_media("1", token=TOKEN)] == ["a"]
    assert len(mock_instagram.calls) == 1


def test_iterator_stops_on_repeated_cursor(mock_instagram):
    url = f"{API}/users/1/media/recent"
    mock_instagram.add("GET", url, json=media_body(["a"], {"next_max_id": "same"}))
    mock_instagram.add("GET", url, json=media_body(["b"], {"next_max_id": "same"}))

    items = list(services.iter_user_recent_media("1", token=TOKEN))

    assert [media.id for media in items] == ["a", "b"]
    assert len(mock_instagram.calls) == 2


def test_iterator_stops_on_empty_page(mock_instagram):
    url = f"{API}/locations/1/media/recent"
    mock_instagram.add("GET", url, json=media_body(["a"], {"next_max_id": "x"}))
    mock_instagram.add("GET", url, json=media_body([], {"next_max_id": "y"}))

    items = list(services.iter_location_recent_media("1", token=TOKEN))

    assert [media.id for media in items] == ["a"]
    assert len(mock_instagram.calls) == 2


def test_iterator_max_items(mock_instagram):
    url = f"{API}/tags/ts/media/recent"
    mock_instagram.add("GET", url, json=media_body(["a", "b", "c"], {"next_max_tag_id": "t1"}))
    mock_instagram.add("GET", url, json=media_body(["d", "e", "f"], {"next_max_tag_id": "t2"}))

    items = list(services.iter_tag_recent_media("ts", token=TOKEN, max_items=4))

    assert [media.id for media in items] == ["a", "b", "c", "d"]
    assert queries(mock_instagram)[1] == {"access_token": TOKEN, "max_tag_id": "t1"}


def test_iterator_max_pages(mock_instagram):
    url = f"{API}/users/self/media/liked"
    mock_instagram.add("GET", url, json=media_body(["a"], {"next_max_like_id": "l1"}))
    mock_instagram.add("GET", url, json=media_body(["b"], {"next_max_like_id": "l2"}))

    items = list(services.iter_user_media_liked(token=TOKEN, max_pages=2))

    assert [media.id for media in items] == ["a", "b"]
    assert queries(mock_instagram)[1] == {"access_token": TOKEN, "max_like_id": "l1"}


def test_iterator_feed_cursor(mock_instagram):
    url = f"{API}/users/self/media/recent"
    mock_instagram.add("GET", url, json=media_body(["a"], {"next_max_id": "m1"}))
    mock_instagram.add("GET", url, json=media_body(["b"], {}))

    items = list(services.iter_user_feed({"count": 1}, TOKEN))

    assert [media.id for media in items] == ["a", "b"]
    assert queries(mock_instagram)[1] == {"access_token": TOKEN, "count": "1", "max_id": "m1"}


def test_iterator_follows_cursor(mock_instagram):
    url = f"{API}/users/1/follows"
    mock_instagram.add("GET", url, json=users_body(["1", "2"], next_cursor="c/1"))
    mock_instagram.add("GET", url, json=users_body(["3"]))

    items = list(services.iter_user_follows("1", {"count": 2}, TOKEN))

    assert [user.id for user in items] == ["1", "2", "3"]
    assert queries(mock_instagram)[1] == {"access_token": TOKEN, "count": "2", "cursor": "c/1"}


def test_iterator_followed_by_recorded(mock_instagram):
    add_recorded(mock_instagram, "user_followers")
    mock_instagram.add("GET", f"{API}/users/57451593/followed-by", json=users_body(["9"]))

    items = list(services.iter_user_followed_by("57451593", TOKEN))

    assert len(items) == 51
    assert items[-1] == UserSearchResult("9", "u9")
    assert queries(mock_instagram)[1] == {"access_token": TOKEN, "cursor": "8140033723978"}


def test_iterator_is_lazy(mock_instagram):
    url = f"{API}/users/1/media/recent"
    mock_instagram.add("GET", url, json=media_body(["a", "b"], {"next_max_id": "b"}))

    iterator = services.iter_user_recent_media("1", token=TOKEN)
    first = next(iterator)

    assert first.id == "a"
    assert len(mock_instagram.calls) == 1


def test_iterate_default_limits_finite():
    pages = []

    def fetch(cursor):
        pages.append(cursor)
        return Page([len(pages)], Pagination(next_cursor=f"c{len(pages)}"))

    items = list(iterate(fetch, lambda page: page.pagination.next_cursor, max_items=None))

    assert len(items) == DEFAULT_MAX_PAGES
    assert pages[:3] == [None, "c1", "c2"]
    assert DEFAULT_MAX_ITEMS == 1000


def test_iterate_no_limits_stops_on_cursor():
    def fetch(cursor):
        number = int(cursor or 0)
        return Page([number], Pagination(next_cursor=str(number + 1) if number < 120 else None))

    items = list(iterate(fetch, lambda page: page.pagination.next_cursor, max_items=None, max_pages=None))

    assert items == list(range(121))


# Pagination values -------------------------------------------------------------------------------------


def test_pagination_tags_keys():
    pagination = Pagination.from_v1(
        {"next_max_tag_id": "1", "next_max_id": "2", "next_min_id": "3", "min_tag_id": "3",
         "deprecation_warning": "x", "next_url": f"{API}/tags/ts/media/recent?access_token={TOKEN}&max_tag_id=1"}
    )

    assert pagination == Pagination(
        next_url=f"{API}/tags/ts/media/recent?max_tag_id=1", next_max_id="2", next_min_id="3", next_max_tag_id="1",
    )
    assert pagination.has_next


def test_pagination_last_page():
    assert Pagination.from_v1({}) == Pagination()
    assert not Pagination.from_v1({}).has_next
    assert not Pagination.from_v1(None).has_next


def test_pagination_integer_cursor():
    assert Pagination.from_v1({"next_max_id": 1234567890123}).next_max_id == "1234567890123"


def test_pagination_unparsable_next_url():
    assert Pagination.from_v1({"next_url": "http://[broken", "next_max_id": "1"}).next_url is None


# No token in repr or str ---------------------------------------------------------------------------------


def test_page_repr_hides_token(mock_instagram):
    url = f"{API}/users/1/media/recent"
    next_url = f"{url}?access_token={TOKEN}&client_id=app-id&sig=abcdef0123&count=3&max_id=b"
    mock_instagram.add("GET", url, json=media_body(["a"], {"next_max_id": "b", "next_url": next_url}))

    page = services.user_recent_media_with_pagination("1", token=TOKEN)

    assert page.pagination.next_url == f"{url}?count=3&max_id=b"
    for text in (repr(page), str(page), repr(page.pagination), str(page.data)):
        assert TOKEN not in text
        assert "app-id" not in text
        assert "abcdef0123" not in text


def test_recorded_pages_hide_credentials(mock_instagram):
    add_recorded(mock_instagram, "user_following_paginated")

    page = services.user_follows("57451593", {"count": 10}, TOKEN)

    assert isinstance(page, CursorPage)
    assert "client_id" not in repr(page)
    assert TOKEN not in repr(page)


def test_access_token_repr_masked():
    token = AccessToken(access_token=TOKEN, user_id="57451593")

    assert TOKEN not in repr(token)
    assert TOKEN not in str(token)
    assert "…cdef" in repr(token)


def test_credential_repr_masked():
    credential = Credential("legacy", TOKEN)

    assert TOKEN not in repr(credential)
    assert TOKEN not in str(credential)


@pytest.mark.parametrize("recording", ["user_recent_media", "tag_recent_media", "user_media_liked_auth_explicit"])
def test_recorded_page_with_real_token(mock_instagram, recording):
    interaction = recorded(recording)
    body = interaction["response"]["body"].replace("<REMOVED>", TOKEN)
    mock_instagram.add("GET", interaction["request"]["url"], body=body, content_type="application/json")

    if recording == "tag_recent_media":
        page = services.tag_recent_media_with_pagination("ts", token=TOKEN)
    elif recording == "user_recent_media":
        page = services.user_recent_media_with_pagination("57451593", token=TOKEN)
    else:
        page = services.user_media_liked(token=TOKEN)

    assert TOKEN in body
    assert TOKEN not in repr(page)
    assert TOKEN not in str(page)
