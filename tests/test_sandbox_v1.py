"""Every legacy call answered by the in-process sandbox, with its token checks, scopes and writes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model

from django_instagram import services
from django_instagram.client.errors import (
    InstagramAPIError,
    NotFoundError,
    OAuthAccessTokenError,
    OAuthPermissionsError,
)
from django_instagram.client.pagination import CursorPage, Page
from django_instagram.client.types import Location, Media, Relationship, Tag, User
from django_instagram.exceptions import AccountError
from django_instagram.models import InstagramAccount
from django_instagram.resolution import legacy_client
from django_instagram.sandbox import tokens
from django_instagram.sandbox.models import SandboxToken

pytestmark = pytest.mark.django_db

ALL_SCOPES = ["basic", "public_content", "follower_list", "comments", "relationships", "likes"]
SANDBOX_USER = "57451593"
PARIS_MEDIA = "2393433640717702082_951819347"


def sandbox_token(scopes=ALL_SCOPES, user_id=SANDBOX_USER) -> str:
    return tokens.new_token(api="legacy", kind=SandboxToken.Kind.LEGACY, scopes=scopes, instagram_user_id=user_id).token


@pytest.fixture
def account(sandbox):
    user = get_user_model().objects.create_user("alice", password="pw")
    return InstagramAccount.objects.create(
        user=user, api="legacy", instagram_user_id=SANDBOX_USER, username="user_cf840edd", access_token=sandbox_token(),
    )


READS = {
    "tag": (lambda a: services.tag("lifeisaboutdrugs", a), Tag("lifeisaboutdrugs", 27)),
    "tag_search": (lambda a: services.tag_search("fitness", a)[0], Tag("fitness", 86141650)),
    "tag_recent_media": (lambda a: services.tag_recent_media("ts", {"count": 2}, a)[0].id, "5969693971990755283_2388237534"),
    "location": (lambda a: services.location(1, a), Location("1", "Dog Patch Labs", 37.782492553, -122.387785235)),
    "location_recent_media": (
        lambda a: services.location_recent_media(1, {"count": 1}, a)[0].id, "3483010073610593643_8771960694",
    ),
    "location_search": (
        lambda a: services.location_search({"lat": 1.0, "lng": 2.0}, a), [Location("9602205539", "Test 2439895", 1.0, 2.0)],
    ),
    "location_search_foursquare": (
        lambda a: services.location_search(foursquare_v2_id="x", token=a)[0].name, "Brooklyn Bridge Park",
    ),
    "media": (lambda a: services.media(PARIS_MEDIA, a).location.name, "The Effeil Tower"),
    "media_shortcode": (lambda a: services.media_shortcode("D", a).id, "3_3"),
    "media_search": (lambda a: len(services.media_search({"lat": 1.0, "lng": 2.0, "count": 3}, a)), 3),
    "media_popular": (lambda a: len(services.media_popular(5, a)), 5),
    "media_comments": (lambda a: services.media_comments("5383966576704955909_57451593", a)[1].text, "\U0001f4f7"),
    "media_likes": (lambda a: services.media_likes("2707281318823477708_8392276443", a)[0].username, "user_8c024e32"),
    "user": (lambda a: services.user(SANDBOX_USER, a).counts.media, 613),
    "user_self": (lambda a: services.user("self", a).username, "user_cf840edd"),
    "user_search": (lambda a: [found.id for found in services.user_search(q="user", count=2, token=a)], ["57451593", "1410712"]),
    "user_recent_media": (lambda a: len(services.user_recent_media("self", {"count": 2}, a)), 2),
    "user_feed": (lambda a: len(services.user_feed({"count": 2}, a)), 2),
    "user_media_liked": (lambda a: services.user_media_liked({"count": 1}, a)[0].id, "2805447819547523430_150541213"),
    "user_follows": (lambda a: len(services.user_follows(SANDBOX_USER, 3, a)), 3),
    "user_followed_by": (lambda a: services.user_followed_by(SANDBOX_USER, a)[0].username, "user_41336f58"),
    "user_requested_by": (lambda a: services.user_requested_by(a), []),
    "user_relationship": (
        lambda a: services.user_relationship("139839357", a),
        Relationship(incoming_status="followed_by", outgoing_status="follows", target_user_is_private=False),
    ),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_sandbox_read(account, name):
    run, expected = READS[name]

    assert run(account) == expected


def test_sandbox_pages(account):
    page = services.user_recent_media_with_pagination("self", {"count": 2}, account)

    assert isinstance(page, Page)
    assert [media.id for media in page.data] == ["4792180517184685086_57451593", "9425093854178615285_57451593"]
    assert page.pagination.next_max_id == "9425093854178615285_57451593"
    assert page.pagination.next_url == (
        "https://api.instagram.com/v1/users/self/media/recent?count=2&max_id=9425093854178615285_57451593"
    )
    assert account.access_token not in repr(page)


def test_sandbox_iterators(account):
    recent = list(services.iter_user_recent_media("self", {"count": 1}, account))
    follows = list(services.iter_user_follows(SANDBOX_USER, {"count": 4}, account))
    tagged = list(services.iter_tag_recent_media("ts", {"count": 3}, account))

    assert [media.id for media in recent] == [
        "4792180517184685086_57451593", "9425093854178615285_57451593", "5383966576704955909_57451593",
    ]
    assert len(follows) == 10
    assert len({user.id for user in follows}) == 10
    assert len(tagged) == 10


def test_sandbox_follows_cursor_page(account):
    first = services.user_follows(SANDBOX_USER, {"count": 6}, account)
    second = services.user_follows(SANDBOX_USER, {"count": 6, "cursor": first.next_cursor}, account)

    assert isinstance(first, CursorPage)
    assert len(first.results) == 6
    assert len(second.results) == 4
    assert second.next_cursor is None


def test_sandbox_unicode_tag(account):
    assert services.tag("\ufb01t", account) == Tag("\ufb01t", 23020)


def test_sandbox_rate_limit_headers(account):
    services.tag("lifeisaboutdrugs", account)
    services.tag("lifeisaboutdrugs", account)

    usage = services.last_rate_limit_usage()
    assert usage.limit == 5000
    assert usage.remaining == 4998


def test_sandbox_client_id(sandbox):
    assert services.tag("lifeisaboutdrugs") == Tag("lifeisaboutdrugs", 27)


def test_sandbox_wrong_client_id(sandbox):
    client = legacy_client()

    with pytest.raises(InstagramAPIError, match="^OAuthParameterException: The client_id provided is invalid"):
        client.tag("lifeisaboutdrugs", {"client_id": "not-the-app"})


def test_sandbox_no_credential(sandbox):
    with pytest.raises(InstagramAPIError, match="^OAuthParameterException: Missing client_id or access_token"):
        legacy_client().tag("lifeisaboutdrugs", {})


def test_sandbox_unknown_token(account):
    account.access_token = "57451593.0000000.00000000000000000000000000000000"
    account.save()

    with pytest.raises(OAuthAccessTokenError, match="^OAuthAccessTokenException: The access_token provided is invalid.$"):
        services.user("self", account)

    account.refresh_from_db()
    assert account.status == InstagramAccount.Status.NEEDS_REAUTH


def test_sandbox_unknown_media(account):
    with pytest.raises(NotFoundError, match="APINotFoundError: invalid media id"):
        services.media("1_1", account)


def test_sandbox_unknown_user(account):
    with pytest.raises(NotFoundError, match="this user does not exist"):
        services.user("42", account)


@pytest.mark.parametrize(
    ("scope", "call"),
    [
        ("likes", lambda token: services.media_like(PARIS_MEDIA, token)),
        ("likes", lambda token: services.media_unlike(PARIS_MEDIA, token)),
        ("comments", lambda token: services.media_comment(PARIS_MEDIA, "hi", token)),
        ("comments", lambda token: services.media_comment_delete(PARIS_MEDIA, "1", token)),
        ("relationships", lambda token: services.user_relationship("139839357", "follow", token)),
        ("follower_list", lambda token: services.user_follows(SANDBOX_USER, 3, token)),
        ("follower_list", lambda token: services.user_requested_by(token)),
    ],
)
def test_sandbox_scope_required(sandbox, scope, call):
    token = sandbox_token(scopes=["basic"])

    with pytest.raises(OAuthPermissionsError) as caught:
        call(token)

    assert str(caught.value) == (
        f"OAuthPermissionsException: This request requires scope={scope}, but this access token is not authorized "
        f"with this scope. The user must re-authorize your application with scope={scope} to be granted write "
        "permissions."
    )
    assert caught.value.status_code == 400


def test_sandbox_like_shows_in_reads(account):
    before = services.media(PARIS_MEDIA, account)

    services.media_like(PARIS_MEDIA, account)

    after = services.media(PARIS_MEDIA, account)
    assert before.likes_count == 179
    assert before.user_has_liked is False
    assert after.likes_count == 180
    assert after.user_has_liked is True
    assert services.media_likes(PARIS_MEDIA, account)[0].username == "user_cf840edd"
    assert services.user_media_liked({"count": 1}, account)[0].id == PARIS_MEDIA


def test_sandbox_unlike_reverts(account):
    services.media_like(PARIS_MEDIA, account)

    services.media_unlike(PARIS_MEDIA, account)

    after = services.media(PARIS_MEDIA, account)
    assert after.likes_count == 179
    assert after.user_has_liked is False


def test_sandbox_like_twice_counts_once(account):
    services.media_like(PARIS_MEDIA, account)
    services.media_like(PARIS_MEDIA, account)

    assert services.media(PARIS_MEDIA, account).likes_count == 180


def test_sandbox_writes_per_account(account):
    other = sandbox_token(user_id="3005169082")

    services.media_like(PARIS_MEDIA, account)
    services.media_comment(PARIS_MEDIA, "only mine", account)

    seen_by_other = services.media(PARIS_MEDIA, other)
    assert seen_by_other.likes_count == 179
    assert seen_by_other.user_has_liked is False
    assert [comment.text for comment in services.media_comments(PARIS_MEDIA, other)] == ["Как клевооооо +)) \U0001f60a\U0001f604\U0001f603"]


def test_sandbox_comment_shows_in_reads(account):
    text = "Nice pic m8 & 100% +1 \U0001f337"

    services.media_comment(PARIS_MEDIA, text, account)

    comments = services.media_comments(PARIS_MEDIA, account)
    assert [comment.text for comment in comments] == ["Как клевооооо +)) \U0001f60a\U0001f604\U0001f603", text]
    assert comments[-1].from_user.username == "user_cf840edd"
    assert comments[-1].created_time is not None
    assert services.media(PARIS_MEDIA, account).comments_count == 2


def test_sandbox_comment_delete(account):
    services.media_comment(PARIS_MEDIA, "typo", account)
    comment = services.media_comments(PARIS_MEDIA, account)[-1]

    services.media_comment_delete(PARIS_MEDIA, comment.id, account)

    texts = [found.text for found in services.media_comments(PARIS_MEDIA, account)]
    assert "typo" not in texts
    assert services.media(PARIS_MEDIA, account).comments_count == 1


@pytest.mark.parametrize(
    ("action", "outgoing"),
    [("follow", "requested"), ("unfollow", "none"), ("block", "none"), ("unblock", "none"), ("approve", "follows"),
     ("ignore", "none")],
)
def test_sandbox_relationship_change(account, action, outgoing):
    changed = services.user_relationship("139839357", action, account)

    assert changed.outgoing_status == outgoing
    assert services.user_relationship("139839357", account).outgoing_status == outgoing


def test_sandbox_user_call_needs_token(sandbox):
    with pytest.raises(AccountError, match="media_like\\(\\) acts as a user"):
        services.media_like(PARIS_MEDIA)


def test_sandbox_linked_by_oauth(client, sandbox):
    user = get_user_model().objects.create_user("bob", password="pw")
    client.force_login(user)
    authorize = client.get("/instagram/login/")["Location"]
    query = {key: values[0] for key, values in parse_qs(urlsplit(authorize).query).items()}
    redirect = client.post(urlsplit(authorize).path, {**query, "allow": "1"})["Location"]
    parts = urlsplit(redirect)
    client.get(f"{parts.path}?{parts.query}")

    result = services.user("self", user)

    assert isinstance(result, User)
    assert result.id == SANDBOX_USER
    assert isinstance(services.user_recent_media("self", {"count": 1}, user)[0], Media)


def test_user_search_filters_by_query(account):
    assert [found.username for found in services.user_search(q="E6BD", token=account)] == ["user_e6bd6041"]
    assert [found.id for found in services.user_search(q="vynfupb", token=account)] == ["1410712"]
    assert services.user_search(q="nobody-matches-this", token=account) == []
    assert len(services.user_search(q="user_", token=account)) == 4
