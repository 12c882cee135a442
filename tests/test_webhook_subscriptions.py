"""Per-account webhook subscriptions: the Graph calls, the services, the views' best-effort steps, the sandbox."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from responses import matchers

from django_instagram import services
from django_instagram.client.errors import (
    InstagramAPIError, NotSupportedError, OAuthAccessTokenError, OAuthPermissionsError,
)
from django_instagram.client.graph import WEBHOOK_FIELDS
from django_instagram.client.types import UnexpectedResponseError
from django_instagram.graph import graph_client
from django_instagram.models import InstagramAccount
from django_instagram.sandbox import tokens
from django_instagram.sandbox.graph_views import SUBSCRIBED_KEY
from django_instagram.sandbox.models import SandboxToken
from django_instagram.services.subscriptions import subscribe_linked_account, unsubscribe_linked_account
from tests.conftest import graph_fixture

TOKEN = "IGAAsubscriptionstoken0000"
BASE = "https://graph.instagram.com/v26.0"
URL = BASE + "/me/subscribed_apps"
BEARER = matchers.header_matcher({"Authorization": f"Bearer {TOKEN}"})
GRAPH_SCOPES = ["instagram_business_basic", "instagram_business_manage_comments"]
ALL_FIELDS = ", ".join(WEBHOOK_FIELDS)


@pytest.fixture
def graph_token(instagram_override):
    instagram_override(API="graph", SANDBOX=False, ACCESS_TOKEN=TOKEN, SCOPES=None)


@pytest.fixture
def graph_account(db, site_user, instagram_override):
    instagram_override(API="graph", SANDBOX=False)
    account = InstagramAccount(user=site_user, api="graph", instagram_user_id="17841400000000001", username="shop")
    account.access_token = TOKEN
    account.save()
    return account


@pytest.fixture
def graph_sandbox(sandbox, instagram_override):
    instagram_override(API="graph", SCOPES=GRAPH_SCOPES)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _link(client) -> InstagramAccount:
    """Run login, Allow and callback through the sandbox; return the linked account."""
    authorize = client.get("/instagram/login/")["Location"]
    query = {key: values[0] for key, values in _query(authorize).items()}
    redirect = client.post(urlsplit(authorize).path, {**query, "allow": "1"})["Location"]
    parts = urlsplit(redirect)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302
    return InstagramAccount.objects.get()


# Requests ------------------------------------------------------------------------------------------


def test_subscribe_request(mock_instagram, graph_token):
    mock_instagram.add(
        "POST", URL, json={"success": True},
        match=[matchers.query_param_matcher({"subscribed_fields": "comments,messages"}), BEARER],
    )

    assert services.subscribe_webhooks(["comments", "messages"]) is None

    request = mock_instagram.calls[0].request
    assert request.method == "POST"
    assert urlsplit(request.url).path == "/v26.0/me/subscribed_apps"
    assert _query(request.url) == {"subscribed_fields": ["comments,messages"]}
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in request.url
    assert not request.body


def test_subscribe_drops_repeats(mock_instagram, graph_token):
    mock_instagram.add("POST", URL, json={"success": True},
                       match=[matchers.query_param_matcher({"subscribed_fields": "messages,comments"}), BEARER])

    services.subscribe_webhooks(("messages", "comments", "messages"))

    assert len(mock_instagram.calls) == 1


def test_subscribe_default_fields(mock_instagram, graph_token, instagram_override):
    instagram_override(WEBHOOK_FIELDS=["live_comments", "standby"])
    mock_instagram.add("POST", URL, json={"success": True},
                       match=[matchers.query_param_matcher({"subscribed_fields": "live_comments,standby"}), BEARER])

    services.subscribe_webhooks()

    assert len(mock_instagram.calls) == 1


def test_read_request(mock_instagram, graph_token):
    body = {"data": [{"id": "1234567890", "name": "Shop app", "subscribed_fields": ["comments", "messages"]}]}
    mock_instagram.add("GET", URL, json=body, match=[matchers.query_param_matcher({}), BEARER])

    assert services.webhook_subscriptions() == ("comments", "messages")

    request = mock_instagram.calls[0].request
    assert request.method == "GET"
    assert urlsplit(request.url).path == "/v26.0/me/subscribed_apps"
    assert urlsplit(request.url).query == ""


@pytest.mark.parametrize("body, expected", [
    ({"data": []}, ()),
    ({"data": None}, ()),
    ({}, ()),
    ({"subscribed_fields": ["comments"]}, ("comments",)),
    ({"data": [{"subscribed_fields": "comments, messages"}]}, ("comments", "messages")),
    ({"data": [{"subscribed_fields": [{"name": "comments", "version": 1}]}]}, ("comments",)),
    ({"data": [{"subscribed_fields": ["comments"]}, {"subscribed_fields": ["comments", "standby"]}]},
     ("comments", "standby")),
    ({"data": ["comments", {"subscribed_fields": [None, 3, "", "messages"]}]}, ("messages",)),
])
def test_read_tolerates_shapes(mock_instagram, graph_token, body, expected):
    mock_instagram.add("GET", URL, json=body)

    assert services.webhook_subscriptions() == expected


@pytest.mark.parametrize("body", [{"data": "comments"}, ["comments"]])
def test_read_rejects_unreadable(mock_instagram, graph_token, body):
    mock_instagram.add("GET", URL, json=body)

    with pytest.raises(UnexpectedResponseError, match="GET /me/subscribed_apps"):
        services.webhook_subscriptions()


def test_unsubscribe_request(mock_instagram, graph_token):
    mock_instagram.add("DELETE", URL, json={"success": True}, match=[matchers.query_param_matcher({}), BEARER])

    assert services.unsubscribe_webhooks() is None

    request = mock_instagram.calls[0].request
    assert request.method == "DELETE"
    assert urlsplit(request.url).path == "/v26.0/me/subscribed_apps"
    assert urlsplit(request.url).query == ""
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_account_token_used(mock_instagram, graph_account):
    mock_instagram.add("DELETE", URL, json={"success": True}, match=[BEARER])

    services.unsubscribe_webhooks(token=graph_account)

    assert len(mock_instagram.calls) == 1


# Errors --------------------------------------------------------------------------------------------


def test_permission_error_body(mock_instagram, graph_token):
    body = graph_fixture("error_permission")
    mock_instagram.add("POST", URL, json=body, status=400)

    with pytest.raises(InstagramAPIError) as caught:
        services.subscribe_webhooks(["comments"])

    # The message names the permission the endpoint requires, and requesting it is the fix.
    assert type(caught.value) is OAuthPermissionsError
    assert caught.value.status_code == 400
    assert caught.value.code == 100
    assert caught.value.error_type == "OAuthException"
    assert caught.value.message == body["error"]["message"]
    assert caught.value.trace_id == "HEg_tI30vZxuA3XkfvxsEiL"


@pytest.mark.parametrize("method, call", [
    ("POST", lambda: services.subscribe_webhooks(["comments"])),
    ("DELETE", lambda: services.unsubscribe_webhooks()),
])
def test_success_false_raises(mock_instagram, graph_token, method, call):
    mock_instagram.add(method, URL, json={"success": False})

    with pytest.raises(InstagramAPIError) as caught:
        call()

    assert caught.value.status_code == 200
    assert caught.value.body == {"success": False}
    assert caught.value.message == (
        f'Instagram returned {{"success": false}} for {method} /me/subscribed_apps without an error message.'
    )


@pytest.mark.parametrize("body, shown", [
    ({}, "an object with success=None"),
    ({"success": "true"}, "an object with success='true'"),
    ([True], "list"),
])
def test_success_missing_raises(mock_instagram, graph_token, body, shown):
    mock_instagram.add("POST", URL, json=body)

    with pytest.raises(UnexpectedResponseError) as caught:
        services.subscribe_webhooks(["comments"])

    assert str(caught.value) == f'Instagram returned {shown} for POST /me/subscribed_apps where {{"success": true}} was expected.'


# Validation ----------------------------------------------------------------------------------------


def test_unknown_fields_rejected(mock_instagram, graph_token):
    with pytest.raises(ValueError) as caught:
        services.subscribe_webhooks(["comments", "mentions", "story_insights"])

    assert str(caught.value) == (
        "subscribe_webhooks() got unknown webhook field(s) 'mentions', 'story_insights' in fields; "
        f"accepted: {ALL_FIELDS}."
    )
    assert len(mock_instagram.calls) == 0


@pytest.mark.parametrize("fields, error, message", [
    ([], ValueError, "needs at least one webhook field in fields; accepted: comments, live_comments,"),
    ("comments", TypeError, "needs fields as a list of webhook field names such as [\"comments\"], not 'comments'."),
    (b"comments", TypeError, "not a bytes of 8 characters."),
    (42, TypeError, "not 42."),
    (["comments", None], TypeError, "needs fields to contain only strings, not None."),
])
def test_bad_fields_rejected(mock_instagram, graph_token, fields, error, message):
    with pytest.raises(error) as caught:
        services.subscribe_webhooks(fields)

    assert message in str(caught.value)
    assert len(mock_instagram.calls) == 0


def test_no_fields_without_setting(mock_instagram, graph_token):
    with pytest.raises(ValueError) as caught:
        services.subscribe_webhooks()

    assert str(caught.value) == (
        'subscribe_webhooks() needs webhook fields: pass fields=["comments", "messages"], '
        'or set INSTAGRAM["WEBHOOK_FIELDS"].'
    )


def test_bad_setting_named(mock_instagram, graph_token, instagram_override):
    instagram_override(WEBHOOK_FIELDS=["comments", "feed"])

    with pytest.raises(ValueError, match=r"unknown webhook field\(s\) 'feed' in INSTAGRAM\[\"WEBHOOK_FIELDS\"\]"):
        services.subscribe_webhooks()

    assert len(mock_instagram.calls) == 0


@pytest.mark.parametrize("call", [
    lambda: services.subscribe_webhooks(["comments"]),
    lambda: services.webhook_subscriptions(),
    lambda: services.unsubscribe_webhooks(),
])
def test_legacy_token_not_supported(mock_instagram, instagram_override, call):
    instagram_override(API="legacy", ACCESS_TOKEN="1.legacy.token")

    with pytest.raises(NotSupportedError, match="It exists only in the Instagram API with Instagram Login."):
        call()

    assert len(mock_instagram.calls) == 0


def test_calls_hide_locals():
    for name in ("subscribe_webhooks", "webhook_subscriptions", "unsubscribe_webhooks"):
        assert getattr(services, name).sensitive_variables == "__ALL__"


# Best-effort steps ---------------------------------------------------------------------------------


def test_best_effort_off_by_default(mock_instagram, graph_account):
    assert subscribe_linked_account(graph_account) is False
    assert unsubscribe_linked_account(graph_account) is False
    assert len(mock_instagram.calls) == 0


def test_best_effort_skips_legacy(mock_instagram, graph_account, instagram_override):
    instagram_override(WEBHOOK_FIELDS=["comments"])
    graph_account.api = "legacy"

    assert subscribe_linked_account(graph_account) is False
    assert unsubscribe_linked_account(graph_account) is False
    assert len(mock_instagram.calls) == 0


def test_rejected_token_not_marked(mock_instagram, graph_account, instagram_override, caplog):
    instagram_override(WEBHOOK_FIELDS=["comments"])
    error = {"error": {"message": "Error validating access token: Session has expired.", "type": "OAuthException",
                       "code": 190, "error_subcode": 463, "fbtrace_id": "AbC"}}
    mock_instagram.add("POST", URL, json=error, status=400)
    mock_instagram.add("DELETE", URL, json=error, status=400)

    with caplog.at_level(logging.WARNING):
        assert subscribe_linked_account(graph_account) is False
        assert unsubscribe_linked_account(graph_account) is False

    graph_account.refresh_from_db()
    assert graph_account.status == InstagramAccount.Status.ACTIVE
    assert graph_account.last_error == ""
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert warnings == [
        f"Could not subscribe Instagram account {graph_account.pk} to webhooks comments: "
        "OAuthException: Error validating access token: Session has expired.",
        f"Could not unsubscribe Instagram account {graph_account.pk} from webhooks: "
        "OAuthException: Error validating access token: Session has expired.",
    ]
    assert TOKEN not in caplog.text


def test_needs_reauth_skips_unsubscribe(mock_instagram, graph_account, instagram_override, caplog):
    instagram_override(WEBHOOK_FIELDS=["comments"])
    graph_account.status = InstagramAccount.Status.NEEDS_REAUTH

    with caplog.at_level(logging.INFO):
        assert unsubscribe_linked_account(graph_account) is False

    assert len(mock_instagram.calls) == 0
    assert f"Did not unsubscribe Instagram account {graph_account.pk} from webhooks" in caplog.text


def test_bad_setting_logged(mock_instagram, graph_account, instagram_override, caplog):
    instagram_override(WEBHOOK_FIELDS=["feed"])

    with caplog.at_level(logging.ERROR):
        assert subscribe_linked_account(graph_account) is False

    assert len(mock_instagram.calls) == 0
    assert f"Did not subscribe Instagram account {graph_account.pk} to webhooks: " in caplog.text
    assert "'feed'" in caplog.text


# Views through the sandbox ------------------------------------------------------------------------


def test_callback_subscribes(logged_in, graph_sandbox, instagram_override):
    instagram_override(WEBHOOK_FIELDS=["comments", "live_comments"])

    account = _link(logged_in)

    assert services.webhook_subscriptions(token=account) == ("comments", "live_comments")


def test_callback_without_setting(logged_in, graph_sandbox):
    account = _link(logged_in)

    assert services.webhook_subscriptions(token=account) == ()
    assert cache.get(SUBSCRIBED_KEY.format(account.instagram_user_id)) is None


def test_callback_failure_still_links(logged_in, graph_sandbox, instagram_override, caplog):
    # The login grants no instagram_business_manage_messages, so the sandbox rejects "messages".
    instagram_override(WEBHOOK_FIELDS=["messages"])

    with caplog.at_level(logging.WARNING):
        account = _link(logged_in)

    assert account.status == InstagramAccount.Status.ACTIVE
    assert services.webhook_subscriptions(token=account) == ()
    assert (
        f"Could not subscribe Instagram account {account.pk} to webhooks messages: IGApiException: (#10) "
        "Application does not have permission for this action: it needs instagram_business_manage_messages."
    ) in caplog.text
    assert account.access_token not in caplog.text


def test_disconnect_unsubscribes(logged_in, graph_sandbox, instagram_override):
    instagram_override(WEBHOOK_FIELDS=["comments"])
    account = _link(logged_in)
    token = account.access_token
    assert graph_client().webhook_subscriptions(token) == ("comments",)

    response = logged_in.post(f"/instagram/accounts/{account.pk}/disconnect/")

    assert response.status_code == 302
    assert not InstagramAccount.objects.exists()
    assert graph_client().webhook_subscriptions(token) == ()


def test_disconnect_failure_still_unlinks(logged_in, graph_sandbox, instagram_override, caplog):
    instagram_override(WEBHOOK_FIELDS=["comments"])
    account = _link(logged_in)
    SandboxToken.objects.filter(token=account.access_token).update(revoked=True)

    with caplog.at_level(logging.WARNING):
        response = logged_in.post(f"/instagram/accounts/{account.pk}/disconnect/")

    assert response.status_code == 302
    assert not InstagramAccount.objects.exists()
    assert f"Could not unsubscribe Instagram account {account.pk} from webhooks: OAuthException: " in caplog.text
    assert "needs re-authorisation" not in caplog.text
    assert account.access_token not in caplog.text


def test_rest_delete_unsubscribes(logged_in, graph_sandbox, instagram_override):
    pytest.importorskip("rest_framework")
    instagram_override(WEBHOOK_FIELDS=["comments"])
    account = _link(logged_in)
    token = account.access_token

    response = logged_in.delete(f"/api/instagram/accounts/{account.pk}/")

    assert response.status_code == 204
    assert not InstagramAccount.objects.exists()
    assert graph_client().webhook_subscriptions(token) == ()


# The sandbox ---------------------------------------------------------------------------------------


@pytest.fixture
def sandbox_token(graph_sandbox):
    return tokens.new_token(
        api="graph", kind=SandboxToken.Kind.LONG_LIVED, instagram_user_id="17841400000000001",
        scopes=["instagram_business_basic", "instagram_business_manage_comments", "instagram_business_manage_messages"],
    )


def test_sandbox_round_trip(sandbox_token):
    token = sandbox_token.token

    services.subscribe_webhooks(["comments", "messages"], token=token)
    assert services.webhook_subscriptions(token=token) == ("comments", "messages")
    assert cache.get(SUBSCRIBED_KEY.format("17841400000000001")) == ["comments", "messages"]

    services.subscribe_webhooks(["standby"], token=token)
    assert services.webhook_subscriptions(token=token) == ("standby",)

    services.unsubscribe_webhooks(token=token)
    assert services.webhook_subscriptions(token=token) == ()


def test_sandbox_rejects_unknown_field(sandbox_token):
    with pytest.raises(InstagramAPIError) as caught:
        graph_client().subscribe_webhooks(["comments", "feed"], sandbox_token.token)

    assert caught.value.status_code == 400
    assert caught.value.code == 100
    assert caught.value.message == f'(#100) Param subscribed_fields[1] must be one of {{{ALL_FIELDS}}} - got "feed".'
    assert cache.get(SUBSCRIBED_KEY.format("17841400000000001")) is None


def test_sandbox_requires_fields(sandbox_token):
    with pytest.raises(InstagramAPIError, match="The parameter subscribed_fields is required"):
        graph_client().subscribe_webhooks(",", sandbox_token.token)


@pytest.mark.parametrize("field, scope", [
    ("live_comments", "instagram_business_manage_comments"),
    ("messaging_seen", "instagram_business_manage_messages"),
])
def test_sandbox_checks_scope(graph_sandbox, field, scope):
    granted = [name for name in ("instagram_business_manage_comments", "instagram_business_manage_messages")
               if name != scope]
    token = tokens.new_token(api="graph", kind=SandboxToken.Kind.LONG_LIVED, instagram_user_id="17841400000000001",
                             scopes=["instagram_business_basic", *granted])

    with pytest.raises(OAuthPermissionsError) as caught:
        services.subscribe_webhooks([field], token=token.token)

    assert caught.value.code == 10
    assert caught.value.message.endswith(f"it needs {scope}.")


def test_sandbox_checks_token(graph_sandbox):
    with pytest.raises(OAuthAccessTokenError) as caught:
        services.webhook_subscriptions(token="IGAAunknown")

    assert caught.value.code == 190
