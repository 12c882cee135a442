"""The token rule and signed requests, checked on every legacy v1 call of ``services``.

``token`` may be a token string, an ``InstagramAccount``, a site user with exactly one linked
account, or ``GLOBAL`` (the global token, else the app's ``client_id`` for calls that do not act
as a user).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth import get_user_model

from django_instagram import services
from django_instagram.client.errors import OAuthAccessTokenError
from django_instagram.client.legacy import signature
from django_instagram.exceptions import AccountError, InstagramConfigurationError, NeedsReauthorizationError
from django_instagram.models import InstagramAccount
from tests.conftest import add_recorded

TOKEN = "57451593.a1b2c3d.0123456789abcdef0123456789abcdef"
ACCOUNT_TOKEN = "57451593.9f8e7d6.fedcba9876543210fedcba9876543210"
GLOBAL_TOKEN = "11111111.0000000.11111111111111111111111111111111"
API = "https://api.instagram.com/v1"


@dataclass(frozen=True)
class Call:
    """One service call: how to run it with a token, and the recording that answers it."""

    name: str
    run: Callable[[Any], Any]
    recording: str
    url: str | None = None
    acts_as_user: bool = False

    def __str__(self) -> str:
        return self.name


CALLS = [
    Call("tag", lambda t: services.tag("lifeisaboutdrugs", t), "tag"),
    Call("tag_search", lambda t: services.tag_search("fit", t), "tag_search"),
    Call("tag_recent_media", lambda t: services.tag_recent_media("ts", {"count": 10}, t), "tag_recent_media"),
    Call("tag_recent_media_with_pagination", lambda t: services.tag_recent_media_with_pagination("ts", {}, t),
         "tag_recent_media"),
    Call("iter_tag_recent_media", lambda t: list(services.iter_tag_recent_media("ts", token=t, max_pages=1)),
         "tag_recent_media"),
    Call("location", lambda t: services.location(1, t), "location"),
    Call("location_recent_media", lambda t: services.location_recent_media(1, {"count": 1}, t),
         "location_recent_media"),
    Call("location_recent_media_with_pagination",
         lambda t: services.location_recent_media_with_pagination(1, None, t), "location_recent_media"),
    Call("iter_location_recent_media",
         lambda t: list(services.iter_location_recent_media(1, token=t, max_pages=1)), "location_recent_media"),
    Call("location_search", lambda t: services.location_search({"lat": 1.0, "lng": 2.0}, t), "location_lat_lng"),
    Call("media", lambda t: services.media("2393433640717702082_951819347", t), "media"),
    Call("media_shortcode", lambda t: services.media_shortcode("D", t), "media_shortcode"),
    Call("media_search", lambda t: services.media_search({"lat": 1.0, "lng": 2.0}, t), "media_search"),
    Call("media_popular", lambda t: services.media_popular(50, t), "media_popular"),
    Call("media_comments", lambda t: services.media_comments("5383966576704955909_57451593", t), "comments"),
    Call("media_comment", lambda t: services.media_comment("1_2", "Nice pic m8", t), "comment",
         f"{API}/media/1_2/comments", acts_as_user=True),
    Call("media_comment_delete", lambda t: services.media_comment_delete("1_2", "3", t), "comment_delete",
         f"{API}/media/1_2/comments/3", acts_as_user=True),
    Call("media_likes", lambda t: services.media_likes("2707281318823477708_8392276443", t), "media_likes"),
    Call("media_like", lambda t: services.media_like("2565666192", t), "like_media", f"{API}/media/2565666192/likes",
         acts_as_user=True),
    Call("media_unlike", lambda t: services.media_unlike("2565666192", t), "unlike_media",
         f"{API}/media/2565666192/likes", acts_as_user=True),
    Call("user", lambda t: services.user("57451593", t), "user"),
    Call("user_self", lambda t: services.user("self", t), "user_self_auth_explicit", acts_as_user=True),
    Call("user_search", lambda t: services.user_search({"q": "user", "count": 2}, t), "user_search"),
    Call("user_recent_media", lambda t: services.user_recent_media("57451593", {"count": 3}, t),
         "user_recent_media"),
    Call("user_recent_media_with_pagination",
         lambda t: services.user_recent_media_with_pagination("57451593", None, t), "user_recent_media"),
    Call("iter_user_recent_media",
         lambda t: list(services.iter_user_recent_media("57451593", token=t, max_pages=1)), "user_recent_media"),
    Call("user_recent_media_self", lambda t: services.user_recent_media("self", {"count": 64}, t),
         "user_recent_media_self_with_pagination", acts_as_user=True),
    Call("user_feed", lambda t: services.user_feed({"count": 3}, t), "user_feed_auth_explicit", acts_as_user=True),
    Call("iter_user_feed", lambda t: list(services.iter_user_feed(token=t, max_pages=1)), "user_feed_auth_explicit",
         acts_as_user=True),
    Call("user_media_liked", lambda t: services.user_media_liked({"count": 3}, t), "user_media_liked_auth_explicit",
         acts_as_user=True),
    Call("iter_user_media_liked", lambda t: list(services.iter_user_media_liked(token=t, max_pages=1)),
         "user_media_liked_auth_explicit", acts_as_user=True),
    Call("user_follows", lambda t: services.user_follows("57451593", 10, t), "user_following"),
    Call("user_follows_page", lambda t: services.user_follows("57451593", {"count": 10}, t), "user_following"),
    Call("iter_user_follows", lambda t: list(services.iter_user_follows("57451593", token=t, max_pages=1)),
         "user_following"),
    Call("user_followed_by", lambda t: services.user_followed_by("57451593", t), "user_followers"),
    Call("iter_user_followed_by", lambda t: list(services.iter_user_followed_by("57451593", t, max_pages=1)),
         "user_followers"),
    Call("user_requested_by", lambda t: services.user_requested_by(t), "user_requested_by_auth_explicit",
         acts_as_user=True),
    Call("user_relationship", lambda t: services.user_relationship("139839357", t), "user_relationship_auth_explicit",
         acts_as_user=True),
    Call("user_relationship_action", lambda t: services.user_relationship("139839357", "follow", t), "user_follow",
         f"{API}/users/139839357/relationship", acts_as_user=True),
]


def credential_of(request) -> dict[str, str]:
    query = dict(parse_qsl(urlsplit(request.url).query))
    return {key: query[key] for key in ("access_token", "client_id") if key in query}


def register(mock, call: Call) -> None:
    add_recorded(mock, call.recording, url=call.url)


@pytest.fixture
def site_user(db):
    return get_user_model().objects.create_user("alice", password="pw")


def link(user, instagram_user_id="57451593", token=ACCOUNT_TOKEN) -> InstagramAccount:
    return InstagramAccount.objects.create(
        user=user, api="legacy", instagram_user_id=instagram_user_id, username="user_cf840edd", access_token=token,
    )


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_explicit_token(mock_instagram, call):
    register(mock_instagram, call)

    call.run(TOKEN)

    assert len(mock_instagram.calls) == 1
    assert credential_of(mock_instagram.calls[0].request) == {"access_token": TOKEN}


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_account_token(mock_instagram, site_user, call):
    account = link(site_user)
    register(mock_instagram, call)

    call.run(account)

    assert credential_of(mock_instagram.calls[0].request) == {"access_token": ACCOUNT_TOKEN}


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_user_with_one_account(mock_instagram, site_user, call):
    link(site_user)
    register(mock_instagram, call)

    call.run(site_user)

    assert credential_of(mock_instagram.calls[0].request) == {"access_token": ACCOUNT_TOKEN}


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_user_without_account(mock_instagram, site_user, call):
    with pytest.raises(AccountError) as caught:
        call.run(site_user)

    assert f"User 'alice' (id {site_user.pk}) has no linked Instagram account" in str(caught.value)
    assert len(mock_instagram.calls) == 0


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_user_with_several_accounts(mock_instagram, site_user, call):
    link(site_user)
    link(site_user, instagram_user_id="3005169082", token=TOKEN)

    with pytest.raises(AccountError) as caught:
        call.run(site_user)

    assert f"User 'alice' (id {site_user.pk}) has several linked Instagram accounts" in str(caught.value)
    assert "pass the InstagramAccount" in str(caught.value)
    assert len(mock_instagram.calls) == 0


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_global_configured_token(mock_instagram, call):
    services.configure(services.GLOBAL, GLOBAL_TOKEN)
    register(mock_instagram, call)

    call.run(services.GLOBAL)

    assert credential_of(mock_instagram.calls[0].request) == {"access_token": GLOBAL_TOKEN}


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_global_setting_token(mock_instagram, instagram_override, call):
    instagram_override(ACCESS_TOKEN=GLOBAL_TOKEN)
    register(mock_instagram, call)

    call.run(services.GLOBAL)

    assert credential_of(mock_instagram.calls[0].request) == {"access_token": GLOBAL_TOKEN}


@pytest.mark.parametrize("call", [call for call in CALLS if not call.acts_as_user], ids=str)
def test_global_without_token_sends_client_id(mock_instagram, call):
    register(mock_instagram, call)

    call.run(services.GLOBAL)

    assert credential_of(mock_instagram.calls[0].request) == {"client_id": "test-client-id"}


@pytest.mark.parametrize("call", [call for call in CALLS if call.acts_as_user], ids=str)
def test_global_without_token_user_call(mock_instagram, call):
    with pytest.raises(AccountError, match="acts as a user and needs an access token"):
        call.run(services.GLOBAL)

    assert len(mock_instagram.calls) == 0


def test_global_is_the_default(mock_instagram):
    add_recorded(mock_instagram, "tag")

    services.tag("lifeisaboutdrugs")

    assert credential_of(mock_instagram.calls[0].request) == {"client_id": "test-client-id"}


def test_configure_clears_global_token(mock_instagram):
    services.configure(services.GLOBAL, GLOBAL_TOKEN)
    services.configure()
    add_recorded(mock_instagram, "tag")

    services.tag("lifeisaboutdrugs")

    assert credential_of(mock_instagram.calls[0].request) == {"client_id": "test-client-id"}


def test_configure_app_credentials(mock_instagram):
    services.configure("runtime-id", "runtime-secret", "https://example.com/cb")
    add_recorded(mock_instagram, "tag")

    services.tag("lifeisaboutdrugs")

    assert credential_of(mock_instagram.calls[0].request) == {"client_id": "runtime-id"}


@pytest.mark.parametrize("args", [("x",), (services.GLOBAL, ""), (services.GLOBAL, 5), (1, 2, 3, 4)])
def test_configure_bad_arguments(args):
    with pytest.raises(TypeError, match="configure"):
        services.configure(*args)


def test_empty_token_string(mock_instagram):
    with pytest.raises(ValueError, match="token is an empty string"):
        services.tag("x", "  ")


def test_unsupported_token_type(mock_instagram):
    with pytest.raises(TypeError, match="not int"):
        services.tag("x", 42)


def test_account_needing_reauth(mock_instagram, site_user):
    account = link(site_user)
    account.status = InstagramAccount.Status.NEEDS_REAUTH
    account.save()

    with pytest.raises(NeedsReauthorizationError, match="needs re-authorisation"):
        services.tag("x", account)

    assert len(mock_instagram.calls) == 0


def test_rejected_token_marks_account(mock_instagram, site_user):
    account = link(site_user)
    add_recorded(mock_instagram, "oauth_exception")

    with pytest.raises(OAuthAccessTokenError):
        services.tag("exceptional", account)

    account.refresh_from_db()
    assert account.status == InstagramAccount.Status.NEEDS_REAUTH
    assert account.last_error == "OAuthAccessTokenException: The access_token provided is invalid."


# Signed requests -----------------------------------------------------------------------------------------

DOC_SECRET = "2a5be2f3eadd4e4eb0f2a2682423f749"
DOC_TOKEN = "fb2e77d.47a0479900504cb3ab4a1f626d174d2d"
DOC_SIG = "a6edca74ab34074efa5921695cca6aae892a339084467a5c8d533f5690ec33c3"


def test_signature_documented_example():
    assert signature("/users/self", {"access_token": DOC_TOKEN}, DOC_SECRET) == DOC_SIG


def test_signed_user_self_documented(mock_instagram, instagram_override):
    instagram_override(SIGNED_REQUESTS=True, CLIENT_SECRET=DOC_SECRET)
    add_recorded(mock_instagram, "user_self_auth_explicit")

    services.user("self", DOC_TOKEN)

    query = dict(parse_qsl(urlsplit(mock_instagram.calls[0].request.url).query))
    assert query == {"access_token": DOC_TOKEN, "sig": DOC_SIG}


def expected_sig(request, secret: str) -> str:
    parts = urlsplit(request.url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    params.pop("sig")
    body = request.body or ""
    if isinstance(body, bytes):
        body = body.decode()
    params.update(parse_qsl(body, keep_blank_values=True))
    endpoint = parts.path.removeprefix("/v1")
    message = endpoint + "".join(f"|{key}={params[key]}" for key in sorted(params))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_signed_every_call(mock_instagram, instagram_override, call):
    instagram_override(SIGNED_REQUESTS=True, CLIENT_SECRET=DOC_SECRET)
    register(mock_instagram, call)

    call.run(TOKEN)

    request = mock_instagram.calls[0].request
    query = dict(parse_qsl(urlsplit(request.url).query))
    assert len(query["sig"]) == 64
    assert query["sig"] == expected_sig(request, DOC_SECRET)


def test_signed_covers_form_body(mock_instagram, instagram_override):
    instagram_override(SIGNED_REQUESTS=True, CLIENT_SECRET=DOC_SECRET)
    add_recorded(mock_instagram, "comment", url=f"{API}/media/1_2/comments")

    services.media_comment("1_2", "hi there", TOKEN)

    query = dict(parse_qsl(urlsplit(mock_instagram.calls[0].request.url).query))
    message = f"/media/1_2/comments|access_token={TOKEN}|text=hi there"
    assert query["sig"] == hmac.new(DOC_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_unsigned_by_default(mock_instagram):
    add_recorded(mock_instagram, "tag")

    services.tag("lifeisaboutdrugs", TOKEN)

    assert "sig=" not in mock_instagram.calls[0].request.url


def test_signed_without_secret(mock_instagram, instagram_override, monkeypatch):
    monkeypatch.delenv("INSTAGRAM_CLIENT_SECRET", raising=False)
    instagram_override(SIGNED_REQUESTS=True, CLIENT_SECRET=None)

    with pytest.raises(InstagramConfigurationError, match="CLIENT_SECRET"):
        services.tag("lifeisaboutdrugs", TOKEN)

    assert len(mock_instagram.calls) == 0


@pytest.mark.parametrize("bad", ["57451593.1a2b3c4.5d6e7f8091a2b3c4d5e6f708192a3b4c\r\n", "IGAA abc", "IGAA\x00abc"])
def test_token_with_control_characters_rejected(bad):
    with pytest.raises(ValueError, match="whitespace or control characters") as caught:
        services.user("self", bad)

    assert bad not in str(caught.value)
