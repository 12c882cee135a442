"""The example site's API explorer at /explorer/, driven with the Django test client."""

from __future__ import annotations

import html
import re

import pytest

from django_instagram.models import InstagramAccount
from django_instagram.sandbox import tokens
from django_instagram.sandbox.models import SandboxToken
from example_project.demo.explorer import CALLS

pytestmark = pytest.mark.django_db

ALL_SCOPES = ["basic", "public_content", "follower_list", "comments", "relationships", "likes"]

#: The calls of the legacy service table; the explorer must offer each of them.
LEGACY_CALLS = [
    "authorize_url", "get_token", "location", "location_recent_media", "location_recent_media_with_pagination",
    "location_search", "media", "media_shortcode", "media_search", "media_popular", "media_comments",
    "media_comment", "media_comment_delete", "media_likes", "media_like", "media_unlike", "tag", "tag_search",
    "tag_recent_media", "tag_recent_media_with_pagination", "user", "user_search", "user_recent_media",
    "user_recent_media_with_pagination", "user_feed", "user_media_liked", "user_follows", "user_followed_by",
    "user_requested_by", "user_relationship", "iter_location_recent_media", "iter_tag_recent_media",
    "iter_user_recent_media", "iter_user_feed", "iter_user_media_liked", "iter_user_follows",
    "iter_user_followed_by",
]

#: The calls only the Instagram API with Instagram Login has; the explorer must offer them too.
GRAPH_CALLS = [
    "media_children", "comment_replies", "comment_reply", "comment_hide", "publish_image", "publish_carousel",
    "content_publishing_limit", "subscribe_webhooks", "webhook_subscriptions", "unsubscribe_webhooks",
]
GRAPH_SCOPES = ["instagram_business_basic", "instagram_business_manage_comments", "instagram_business_content_publish"]


@pytest.fixture
def account(site_user, sandbox):
    token = tokens.new_token(api="legacy", kind=SandboxToken.Kind.LEGACY, scopes=ALL_SCOPES, instagram_user_id="57451593")
    return InstagramAccount.objects.create(
        user=site_user, api="legacy", instagram_user_id="57451593", username="user_cf840edd", access_token=token.token,
    )


@pytest.fixture
def graph_account(site_user, sandbox, instagram_override):
    instagram_override(API="graph")
    token = tokens.new_token(
        api="graph", kind=SandboxToken.Kind.LONG_LIVED, scopes=GRAPH_SCOPES, instagram_user_id="17841400000000001",
    )
    return InstagramAccount.objects.create(
        user=site_user, api="graph", instagram_user_id="17841400000000001", username="user_3f88f862",
        access_token=token.token,
    )


def run(client, call: str, **values) -> str:
    response = client.post("/explorer/", {"call": call, **values})
    assert response.status_code == 200
    return response.content.decode()


def result_of(page: str, call: str) -> str:
    section = page.split(f'id="call-{call}"', 1)[1].split("</section>", 1)[0]
    if 'class="explorer__error"' in section:
        return "ERROR " + html.unescape(section.split('class="explorer__error" role="alert">', 1)[1].split("</p>", 1)[0])
    return html.unescape(section.split('<pre class="explorer__result">', 1)[1].split("</pre>", 1)[0])


def test_explorer_needs_login(client):
    response = client.get("/explorer/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/explorer/")


def test_explorer_lists_every_call(logged_in, account):
    page = logged_in.get("/explorer/").content.decode()

    assert sorted(call.name for call in CALLS) == sorted(LEGACY_CALLS + GRAPH_CALLS)
    for name in LEGACY_CALLS + GRAPH_CALLS:
        assert f'<section class="card explorer__call" id="call-{name}">' in page
        assert f'<input type="hidden" name="call" value="{name}">' in page


def test_explorer_form_fields(logged_in, account):
    page = logged_in.get("/explorer/").content.decode()
    section = page.split('id="call-tag_recent_media"', 1)[1].split("</section>", 1)[0]

    assert 'name="name"' in section
    assert 'name="count"' in section
    assert 'name="min_tag_id"' in section
    assert 'name="max_tag_id"' in section


def test_home_links_explorer(logged_in, account):
    assert 'href="/explorer/"' in logged_in.get("/").content.decode()


def test_explorer_runs_tag(logged_in, account):
    page = run(logged_in, "tag", name="lifeisaboutdrugs")

    assert result_of(page, "tag") == "Tag(name='lifeisaboutdrugs', media_count=27)"


def test_explorer_runs_user_self(logged_in, account):
    result = result_of(run(logged_in, "user", user_id="self"), "user")

    assert result.startswith("User(id='57451593',")
    assert "username='user_cf840edd'" in result
    assert "counts=Counts(media=613, follows=4915, followed_by=3966)" in result


def test_explorer_runs_params(logged_in, account):
    result = result_of(run(logged_in, "user_search", q="user", count="2"), "user_search")

    assert result.count("UserSearchResult(") == 2


def test_explorer_runs_iterator(logged_in, account):
    result = result_of(run(logged_in, "iter_user_follows", user_id="57451593", count="4"), "iter_user_follows")

    assert result.count("UserSearchResult(") == 10


def test_explorer_runs_pagination(logged_in, account):
    result = result_of(run(logged_in, "user_follows", user_id="57451593", count="6"), "user_follows")

    assert result.startswith("CursorPage(results=[")
    assert account.access_token not in result


def test_explorer_runs_write_then_read(logged_in, account):
    media_id = "2393433640717702082_951819347"

    assert result_of(run(logged_in, "media_like", media_id=media_id), "media_like") == "None"
    result = result_of(run(logged_in, "media", media_id=media_id), "media")

    assert "likes_count=180" in result
    assert "user_has_liked=True" in result


def test_explorer_escapes_result(logged_in, account):
    media_id = "2393433640717702082_951819347"
    run(logged_in, "media_comment", media_id=media_id, text="<script>alert(1)</script>")

    page = run(logged_in, "media_comments", media_id=media_id)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "text='<script>alert(1)</script>'" in result_of(page, "media_comments")


def test_explorer_shows_api_error(logged_in, account):
    assert result_of(run(logged_in, "media", media_id="1_1"), "media") == "ERROR NotFoundError: APINotFoundError: invalid media id"


def test_explorer_shows_value_error(logged_in, account):
    result = result_of(run(logged_in, "user_relationship", user_id="1", action="frobnicate"), "user_relationship")

    assert result.startswith("ERROR ValueError: Invalid relationship action 'frobnicate'")


def test_explorer_missing_field(logged_in, account):
    assert result_of(run(logged_in, "tag"), "tag") == "ERROR name is required."


def test_explorer_bad_number(logged_in, account):
    assert result_of(run(logged_in, "media_popular", count="many"), "media_popular") == (
        "ERROR count must be a number, not 'many'."
    )


def test_explorer_refills_values(logged_in, account):
    page = run(logged_in, "tag", name="lifeisaboutdrugs")
    section = page.split('id="call-tag"', 1)[1].split("</section>", 1)[0]

    assert 'value="lifeisaboutdrugs"' in section


def test_explorer_without_account(logged_in, sandbox):
    assert result_of(run(logged_in, "tag", name="x"), "tag") == (
        "ERROR Link an Instagram account first: the calls run with its token."
    )


def test_explorer_authorize_url_without_account(logged_in, sandbox):
    result = result_of(run(logged_in, "authorize_url", scopes="basic likes", state="value"), "authorize_url")

    assert result.startswith("'/instagram-sandbox/oauth/authorize/?client_id=test-client-id&")
    assert result.endswith("&response_type=code&scope=basic+likes&state=value'")


def test_explorer_refuses_without_sandbox(logged_in, account, instagram_override, mock_instagram):
    instagram_override(SANDBOX=False)

    result = result_of(run(logged_in, "tag", name="x"), "tag")

    assert result.startswith("ERROR The explorer runs calls only against the sandbox")
    assert len(mock_instagram.calls) == 0


def test_explorer_unknown_call(logged_in, account):
    assert logged_in.post("/explorer/", {"call": "os.system"}).status_code == 400


@pytest.mark.parametrize("call", CALLS, ids=lambda call: call.name)
def test_explorer_runs_every_call(logged_in, account, call):
    values = {parameter.name: parameter.example for parameter in call.parameters if parameter.example}
    if call.name == "user_relationship":
        values["action"] = "follow"
    if call.name in ("media_comment_delete", "get_token"):
        values[call.parameters[-1].name] = "1"

    result = result_of(run(logged_in, call.name, **values), call.name)

    if call.name == "get_token":
        assert result == "ERROR InstagramAPIError: OAuthException: Matching code was not found or was already used"
    elif call.name in GRAPH_CALLS:
        assert result.startswith("ERROR NotSupportedError: "), result
    else:
        assert not result.startswith("ERROR"), result


@pytest.mark.parametrize("name", GRAPH_CALLS)
def test_explorer_runs_graph_examples(logged_in, graph_account, name):
    call = next(call for call in CALLS if call.name == name)
    values = {parameter.name: parameter.example for parameter in call.parameters if parameter.example}

    result = result_of(run(logged_in, name, **values), name)

    assert not result.startswith("ERROR"), result


def test_explorer_runs_media_children(logged_in, graph_account):
    result = result_of(run(logged_in, "media_children", media_id="56117072557913514"), "media_children")

    assert result.count("Media(") == 2
    assert result.index("id='79383663084374678'") < result.index("id='37453922195698645'")


def test_explorer_runs_comment_replies(logged_in, graph_account):
    result = result_of(run(logged_in, "comment_replies", comment_id="38812624569807068"), "comment_replies")

    assert result.startswith("[Comment(id='41195199970291863',")
    assert "text='@user_8c0c3ed3 fmboy'" in result


def test_explorer_runs_publish_image(logged_in, graph_account):
    result = result_of(
        run(logged_in, "publish_image", image_url="https://cdn.example.com/photo.jpg", caption="Hello"), "publish_image"
    )

    assert re.fullmatch(r"'\d+'", result), result


def test_explorer_runs_publish_carousel(logged_in, graph_account):
    items = "https://cdn.example.com/a.jpg https://cdn.example.com/b.jpg"

    result = result_of(run(logged_in, "publish_carousel", items=items, caption="Two"), "publish_carousel")

    assert re.fullmatch(r"'\d+'", result), result


def test_explorer_runs_publishing_limit(logged_in, graph_account):
    result = result_of(run(logged_in, "content_publishing_limit"), "content_publishing_limit")

    assert result.startswith("PublishingLimit(quota_usage=")
    assert result.endswith("quota_total=100, quota_duration=86400)")


def test_explorer_runs_webhook_subscriptions(logged_in, graph_account):
    assert result_of(run(logged_in, "subscribe_webhooks", fields="comments live_comments"), "subscribe_webhooks") == "None"
    assert result_of(run(logged_in, "webhook_subscriptions"), "webhook_subscriptions") == "('comments', 'live_comments')"
    assert result_of(run(logged_in, "unsubscribe_webhooks"), "unsubscribe_webhooks") == "None"
    assert result_of(run(logged_in, "webhook_subscriptions"), "webhook_subscriptions") == "()"


def test_explorer_rejects_unknown_field(logged_in, graph_account):
    result = result_of(run(logged_in, "subscribe_webhooks", fields="feed"), "subscribe_webhooks")

    assert result.startswith("ERROR ValueError: subscribe_webhooks() got unknown webhook field(s) 'feed' in fields;")
