"""The Graph sandbox end to end: login through the consent page, then every emulated endpoint."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from django_instagram import graph, services, tokens
from django_instagram.client.errors import NotFoundError, OAuthAccessTokenError, OAuthPermissionsError
from django_instagram.exceptions import NeedsReauthorizationError
from django_instagram.models import InstagramAccount
from django_instagram.sandbox import graph_data
from django_instagram.sandbox.models import SandboxToken
from django_instagram.sandbox.oauth_views import GRAPH_USER_ID
from tests.conftest import recorded_body, graph_fixture

pytestmark = pytest.mark.django_db

GRAPH_SCOPES = [
    "instagram_business_basic", "instagram_business_manage_comments", "instagram_business_content_publish",
]


@pytest.fixture
def graph_sandbox(sandbox, instagram_override):
    instagram_override(API="graph", SCOPES=GRAPH_SCOPES)


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def _link(client) -> tuple[InstagramAccount, str]:
    """Run login → Allow → callback; return the account and the redirect Instagram sent."""
    authorize = client.get("/instagram/login/")["Location"]
    redirect = client.post(urlsplit(authorize).path, {**_query(authorize), "allow": "1"})["Location"]
    parts = urlsplit(redirect)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302
    return InstagramAccount.objects.get(), redirect


@pytest.fixture
def account(logged_in, graph_sandbox):
    return _link(logged_in)[0]


def test_login_uses_comma_scopes(logged_in, graph_sandbox):
    location = logged_in.get("/instagram/login/")["Location"]

    assert _query(location)["scope"] == ",".join(GRAPH_SCOPES)


def test_demo_flow_links_graph_account(logged_in, site_user, graph_sandbox):
    account, redirect = _link(logged_in)

    assert redirect.endswith("#_")
    assert account.user == site_user
    assert account.api == "graph"
    assert account.instagram_user_id == GRAPH_USER_ID
    assert account.app_scoped_id == graph_fixture("me")["id"]
    assert account.username == graph_fixture("me")["username"]
    assert account.account_type == "BUSINESS"
    assert account.scopes == GRAPH_SCOPES


def test_demo_flow_stores_long_lived_token(logged_in, graph_sandbox):
    account, _redirect = _link(logged_in)

    stored = SandboxToken.objects.get(token=account.access_token)
    assert stored.kind == SandboxToken.Kind.LONG_LIVED
    assert SandboxToken.objects.filter(kind=SandboxToken.Kind.SHORT_LIVED).count() == 1
    remaining = account.token_expires_at - timezone.now()
    assert timedelta(days=59, hours=23) < remaining <= timedelta(days=60)


def test_demo_home_shows_profile_and_media(logged_in, graph_sandbox):
    _link(logged_in)

    home = logged_in.get("/").content.decode()

    assert "@" + graph_fixture("me")["username"] in home
    assert recorded_body("user")["data"]["profile_picture"] in home
    for item in graph_fixture("user_media_page1")["data"]:
        assert item["media_url"] in home


def test_me_returns_both_ids(account):
    profile = services.user("self", token=account)

    assert profile.id == GRAPH_USER_ID
    assert profile.app_scoped_id == graph_fixture("me")["id"]
    assert profile.account_type == "BUSINESS"


def test_media_pages_follow_cursors(account):
    first = services.user_recent_media_with_pagination("self", token=account, limit=5)
    second = services.user_recent_media_with_pagination("self", token=account, limit=5, after=first.pagination.next_cursor)

    assert [m.id for m in first] == [m["id"] for m in graph_data.all_media()[:5]]
    assert [m.id for m in second] == [m["id"] for m in graph_data.all_media()[5:10]]
    assert "access_token" not in first.pagination.next_url


def test_media_iteration_reaches_last_page(account):
    ids = [media.id for media in services.iter_user_recent_media("self", token=account, limit=50)]

    assert ids == [m["id"] for m in graph_data.all_media()]


def test_media_since_until_filter(account):
    media = services.user_recent_media("self", token=account, since=1581590000, until=1581590200)

    assert [m.id for m in media] == ["21387158436090582", "69950914553596495"]


def test_carousel_and_children(account):
    carousel = services.media("56117072557913514", token=account)
    children = services.media_children("56117072557913514", token=account)

    assert carousel.type == "carousel"
    assert [child.id for child in carousel.carousel_media] == [c["id"] for c in graph_fixture("media_children")["data"]]
    assert [child.id for child in children] == [c["id"] for c in graph_fixture("media_children")["data"]]
    assert children[0].caption is None


def test_unknown_media_is_not_found(account):
    with pytest.raises(NotFoundError) as caught:
        services.media("123", token=account)

    assert caught.value.code == 100
    assert caught.value.subcode == 33


def test_comments_replies_and_writes(account):
    media_id = graph_data.RECORDED_COMMENTS_MEDIA_ID

    recorded = services.media_comments(media_id, token=account)
    reply_id = services.comment_reply(recorded[0].id, "Thanks!", token=account)
    services.media_comment(media_id, "Nice one", token=account)
    services.comment_hide(recorded[1].id, token=account)
    services.media_comment_delete(media_id, recorded[2].id, token=account)
    after = services.media_comments(media_id, token=account)

    assert [c.text for c in recorded] == [c["text"] for c in graph_fixture("comments_page1")["data"] + graph_fixture("comments_page2")["data"]]
    assert after[0].text == "Nice one"
    assert [c.id for c in after[1:]] == [recorded[0].id, recorded[1].id, recorded[3].id]
    assert after[2].hidden is True
    replies = services.comment_replies(recorded[0].id, token=account)
    assert [r.id for r in replies][0] == reply_id
    assert replies[1].text == graph_fixture("comment_replies")["data"][0]["text"]


def test_comments_need_their_scope(logged_in, graph_sandbox, instagram_override):
    instagram_override(SCOPES=["instagram_business_basic"])
    account, _redirect = _link(logged_in)

    with pytest.raises(OAuthPermissionsError):
        services.media_comments(graph_data.RECORDED_COMMENTS_MEDIA_ID, token=account)


def test_publish_video_waits_for_container(account, monkeypatch):
    naps = []
    monkeypatch.setattr(graph, "sleep", naps.append)

    media_id = services.publish_video("https://example.com/clip.mp4", "A reel", token=account)

    assert media_id.isdigit()
    assert naps == [5.0]
    assert services.content_publishing_limit(token=account).quota_usage == 1


def test_publish_carousel_through_sandbox(account, monkeypatch):
    monkeypatch.setattr(graph, "sleep", lambda seconds: None)

    media_id = services.publish_carousel(["https://example.com/a.jpg", {"video_url": "https://example.com/b.mp4"}],
                                         "Album", token=account)

    assert media_id.isdigit()


def test_usage_headers_readable_after_call(account):
    services.user("self", token=account)

    usage = services.last_rate_limit_usage()
    assert usage.app_usage["call_count"] >= 0
    assert list(usage.business_use_case_usage) == [GRAPH_USER_ID]


def test_revoked_token_marks_account(account):
    SandboxToken.objects.filter(token=account.access_token).update(revoked=True)

    with pytest.raises(OAuthAccessTokenError) as caught:
        services.user("self", token=account)

    account.refresh_from_db()
    assert caught.value.code == 190
    assert caught.value.subcode == 460
    assert account.status == InstagramAccount.Status.NEEDS_REAUTH
    with pytest.raises(NeedsReauthorizationError):
        services.user("self", token=account)


def test_sandbox_refresh_keeps_24_hour_rule(account):
    with pytest.raises(tokens.RefreshNotAllowedError):
        tokens.refresh_token(account)

    day_ago = timezone.now() - timedelta(hours=25)
    SandboxToken.objects.filter(token=account.access_token).update(issued_at=day_ago)
    InstagramAccount.objects.filter(pk=account.pk).update(token_refreshed_at=day_ago)
    account.refresh_from_db()
    refreshed = tokens.refresh_token(account)

    assert refreshed.token_refreshed_at > day_ago
    assert refreshed.access_token == account.access_token


def test_sandbox_refuses_young_refresh(account):
    from django_instagram.client import oauth
    from django_instagram.client.errors import InstagramAPIError
    from django_instagram.resolution import transport

    with pytest.raises(InstagramAPIError, match="at least 24 hours old"):
        oauth.refresh_long_lived(transport(), account.access_token)


def test_sandbox_long_lived_exchange_checks(account):
    from django_instagram.client import oauth
    from django_instagram.client.errors import InstagramAPIError
    from django_instagram.resolution import transport

    with pytest.raises(InstagramAPIError, match="Error validating client secret"):
        oauth.exchange_long_lived(transport(), account.access_token, client_secret="wrong")
    with pytest.raises(InstagramAPIError, match="needs a short-lived token"):
        oauth.exchange_long_lived(transport(), account.access_token, client_secret="test-client-secret")


def test_sandbox_expired_token_is_190(account):
    SandboxToken.objects.filter(token=account.access_token).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(OAuthAccessTokenError) as caught:
        services.media("21387158436090582", token=account)

    assert caught.value.subcode == 463
    assert "Session has expired" in caught.value.message


def test_sandbox_fields_limit_response(account):
    from django_instagram.resolution import transport

    response = transport().session.get(
        "https://graph.instagram.com/v26.0/21387158436090582",
        params={"fields": "id,permalink"}, headers={"Authorization": f"Bearer {account.access_token}"},
    )

    assert response.json() == {"id": "21387158436090582", "permalink": "https://www.instagram.com/p/C1bWPYoVOV-/"}
    assert "call_count" in response.headers["X-App-Usage"]


def test_own_id_counts_as_self(account):
    profile = services.user(account.instagram_user_id, token=account)
    media = services.user_recent_media(account.instagram_user_id, token=account, limit=1)

    assert profile.username == account.username
    assert [m.id for m in media] == [graph_data.all_media()[0]["id"]]
