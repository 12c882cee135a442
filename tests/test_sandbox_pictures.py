"""Placeholder pictures: the offline demo shows images instead of broken CDN links."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import recorded_body
from tests.test_oauth_flow import _allow, _callback_path, _start_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def placeholders(instagram_override, db):
    instagram_override(SANDBOX=True, SANDBOX_PLACEHOLDER_IMAGES=True)


def test_feed_points_at_sandbox_pictures(logged_in, placeholders):
    logged_in.get(_callback_path(_allow(logged_in, _start_login(logged_in))))

    home = logged_in.get("/").content.decode()

    for item in recorded_body("user_recent_media")["data"]:
        recorded = urlsplit(item["images"]["standard_resolution"]["url"])
        local = f"https://testserver/instagram-sandbox/cdn/{recorded.netloc}{recorded.path}"
        assert local in home
        assert item["images"]["standard_resolution"]["url"] not in home


def test_placeholder_is_an_svg(client, placeholders):
    path = "/instagram-sandbox/cdn/scontent.cdninstagram.com/t51.2885-15/e35/a.jpg"

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_placeholders_differ_per_media(client, placeholders):
    first = client.get("/instagram-sandbox/cdn/scontent.cdninstagram.com/a.jpg").content
    second = client.get("/instagram-sandbox/cdn/scontent.cdninstagram.com/b.jpg").content

    assert first != second


def test_placeholder_404_while_sandbox_off(client, instagram_override, db):
    instagram_override(SANDBOX=False, SANDBOX_PLACEHOLDER_IMAGES=True)

    response = client.get("/instagram-sandbox/cdn/scontent.cdninstagram.com/a.jpg")

    assert response.status_code == 404


def test_recorded_urls_kept_when_off(logged_in, sandbox):
    logged_in.get(_callback_path(_allow(logged_in, _start_login(logged_in))))

    home = logged_in.get("/").content.decode()

    assert "/instagram-sandbox/cdn/" not in home
