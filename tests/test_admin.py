"""The InstagramAccount admin: columns, filters, search, token masking, actions, user inline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from responses import matchers

from django_instagram.models import InstagramAccount
from django_instagram.token_state import TokenState, filter_by_state, token_state
from tests.conftest import add_recorded, recorded_body

pytestmark = pytest.mark.django_db

TOKEN = "IGQVJ-secret-token-value-a1b2"
CHANGELIST = "/admin/django_instagram/instagramaccount/"


@pytest.fixture
def staff(client):
    admin_user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin_user)
    return client


def make_account(username="user_cf840edd", *, api="legacy", owner=None, token=TOKEN, **fields) -> InstagramAccount:
    owner = owner or get_user_model().objects.create_user(f"site_{username}", password="pw")
    account = InstagramAccount(user=owner, api=api, instagram_user_id=fields.pop("instagram_user_id", username),
                               username=username, scopes=["basic", "likes"], **fields)
    account.access_token = token
    account.save()
    return account


def changelist_queries(client, count: int) -> int:
    for index in range(count):
        make_account(f"user_{count}_{index}", token_expires_at=timezone.now() + timedelta(days=index))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


def test_changelist_queries_constant(staff):
    five = changelist_queries(staff, 5)
    InstagramAccount.objects.all().delete()
    fifty = changelist_queries(staff, 50)

    assert five == fifty


def test_changelist_columns(staff):
    make_account(last_error="OAuthAccessTokenException: The access_token provided is invalid.")

    page = staff.get(CHANGELIST).content.decode()

    assert "@user_cf840edd" in page
    assert "site_user_cf840edd" in page
    assert "basic, likes" in page
    assert "Legacy v1 API" in page
    assert "OAuthAccessTokenException" in page
    assert "Active" in page


def test_token_never_on_pages(staff):
    account = make_account()

    pages = [staff.get(CHANGELIST).content.decode(), staff.get(f"{CHANGELIST}{account.pk}/change/").content.decode()]

    for page in pages:
        assert TOKEN not in page
        assert account.token_ciphertext not in page
    assert "…a1b2" in pages[1]
    assert 'name="token_ciphertext"' not in pages[1]


def test_token_not_searchable(staff):
    make_account()

    response = staff.get(CHANGELIST, {"q": "a1b2"})

    assert response.context["cl"].result_count == 0


def test_search_by_username_fields(staff):
    make_account("user_cf840edd")
    make_account("user_other")

    by_instagram = staff.get(CHANGELIST, {"q": "cf840edd"}).context["cl"].result_count
    by_site_user = staff.get(CHANGELIST, {"q": "site_user_other"}).context["cl"].result_count

    assert by_instagram == 1
    assert by_site_user == 1


def test_post_cannot_set_token(staff):
    account = make_account()
    ciphertext = account.token_ciphertext

    staff.post(f"{CHANGELIST}{account.pk}/change/", {
        "user": account.user_id, "api": "legacy", "instagram_user_id": "x", "username": "user_cf840edd",
        "token_ciphertext": "forged", "access_token": "forged",
    })

    account.refresh_from_db()
    assert account.token_ciphertext == ciphertext
    assert account.access_token == TOKEN


@pytest.mark.parametrize("fields,state", [
    ({}, TokenState.ACTIVE),
    ({"token_expires_at": timedelta(days=30)}, TokenState.ACTIVE),
    ({"token_expires_at": timedelta(days=2)}, TokenState.EXPIRING_SOON),
    ({"token_expires_at": timedelta(days=-1)}, TokenState.EXPIRED),
    ({"status": "needs_reauth", "token_expires_at": timedelta(days=-1)}, TokenState.NEEDS_REAUTH),
])
def test_token_state_and_filter(fields, state):
    if "token_expires_at" in fields:
        fields["token_expires_at"] = timezone.now() + fields["token_expires_at"]
    account = make_account(**fields)

    assert token_state(account) == state
    assert list(filter_by_state(InstagramAccount.objects.all(), state)) == [account]
    for other in set(TokenState) - {state}:
        assert not filter_by_state(InstagramAccount.objects.all(), other).exists()


def test_filters_in_changelist(staff):
    make_account("soon", token_expires_at=timezone.now() + timedelta(days=2))
    make_account("gone", token_expires_at=timezone.now() - timedelta(days=2))
    make_account("graph_one", api="graph")

    def names(**query):
        return sorted(a.username for a in staff.get(CHANGELIST, query).context["cl"].result_list)

    assert names(token_state="expiring_soon") == ["soon"]
    assert names(token_state="expired") == ["gone"]
    assert names(api__exact="graph") == ["graph_one"]
    assert names(expires="7d") == ["soon"]
    assert names(expires="past") == ["gone"]
    assert names(expires="never") == ["graph_one"]


def run_action(client, action, *accounts):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [a.pk for a in accounts]}, follow=True
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_check_action_records_profile(staff, mock_instagram):
    account = make_account("old_name")
    add_recorded(mock_instagram, "user_self_auth_explicit")

    response = run_action(staff, "check_tokens", account)

    account.refresh_from_db()
    assert messages_of(response) == ["@user_cf840edd: token is valid."]
    assert account.username == recorded_body("user_self_auth_explicit")["data"]["username"]
    assert account.last_checked_at is not None
    assert account.last_error == ""
    assert mock_instagram.calls[0].request.params["access_token"] == TOKEN


def test_check_action_rejected_token(staff, mock_instagram):
    account = make_account()
    add_recorded(mock_instagram, "oauth_exception", url="https://api.instagram.com/v1/users/self")

    response = run_action(staff, "check_tokens", account)

    account.refresh_from_db()
    assert messages_of(response) == [
        "@user_cf840edd: Instagram rejected the token; the owner must connect Instagram again."
    ]
    assert account.status == InstagramAccount.Status.NEEDS_REAUTH
    assert "The access_token provided is invalid." in account.last_error
    assert account.last_checked_at is not None


def test_check_action_no_retry_per_account(staff, mock_instagram):
    slow = make_account("slow_one", token=TOKEN + "-slow")
    fine = make_account("user_cf840edd")
    mock_instagram.add(
        "GET", "https://api.instagram.com/v1/users/self", body=requests.ConnectTimeout("timed out"),
        match=[matchers.query_param_matcher({"access_token": TOKEN + "-slow"}, strict_match=False)],
    )
    add_recorded(mock_instagram, "user_self_auth_explicit",
                 match=[matchers.query_param_matcher({"access_token": TOKEN}, strict_match=False)])

    response = run_action(staff, "check_tokens", slow, fine)

    texts = messages_of(response)
    assert len(mock_instagram.calls) == 2
    assert len(texts) == 2
    assert any(text.startswith("@slow_one: the request failed:") for text in texts)
    assert "@user_cf840edd: token is valid." in texts
    slow.refresh_from_db()
    assert slow.last_error


def test_check_action_needs_reauth_skips_call(staff, mock_instagram):
    account = make_account(status=InstagramAccount.Status.NEEDS_REAUTH)

    response = run_action(staff, "check_tokens", account)

    assert messages_of(response) == [
        "@user_cf840edd: Instagram rejected the token; the owner must connect Instagram again."
    ]
    assert len(mock_instagram.calls) == 0


def test_refresh_action_legacy_explains(staff, mock_instagram):
    account = make_account()

    response = run_action(staff, "refresh_tokens", account)

    assert messages_of(response) == [
        "@user_cf840edd: Legacy v1 tokens cannot be refreshed; the owner of @user_cf840edd must connect Instagram again."
    ]


def test_refresh_action_graph(staff, mock_instagram, monkeypatch):
    tokens = pytest.importorskip("django_instagram.tokens")
    account = make_account("graph_user", api="graph")
    refreshed = []
    monkeypatch.setattr(tokens, "refresh_token", lambda acc: refreshed.append(acc.pk) or acc)

    response = run_action(staff, "refresh_tokens", account)

    assert refreshed == [account.pk]
    assert messages_of(response) == ["@graph_user: token refreshed."]


def test_unlink_action_sends_signal(staff):
    from django_instagram import signals

    first, second = make_account("one"), make_account("two")
    unlinked = []
    handler = lambda sender, account, **kwargs: unlinked.append(account.username)  # noqa: E731
    signals.account_unlinked.connect(handler)
    try:
        response = run_action(staff, "unlink_accounts", first, second)
    finally:
        signals.account_unlinked.disconnect(handler)

    assert sorted(unlinked) == ["one", "two"]
    assert sorted(messages_of(response)) == ["@one: unlinked.", "@two: unlinked."]
    assert not InstagramAccount.objects.exists()


def test_bulk_delete_action_removed(staff):
    response = staff.get(CHANGELIST)

    assert "delete_selected" not in response.context["action_form"].fields["action"].choices.__repr__()


def test_user_page_lists_accounts(staff):
    account = make_account()

    page = staff.get(f"/admin/auth/user/{account.user_id}/change/").content.decode()

    assert "Instagram accounts" in page
    assert "user_cf840edd" in page
    assert TOKEN not in page


def test_add_page_disabled(staff):
    assert staff.get(f"{CHANGELIST}add/").status_code == 403
    assert f'href="{CHANGELIST}add/"' not in staff.get(CHANGELIST).content.decode()


def test_refresh_action_too_young(staff, mock_instagram):
    account = make_account("fresh_graph", api="graph", token_refreshed_at=timezone.now(),
                           token_expires_at=timezone.now() + timedelta(days=60))

    response = run_action(staff, "refresh_tokens", account)

    texts = messages_of(response)
    assert len(texts) == 1
    assert texts[0].startswith("@fresh_graph: ")
    assert "24 hours old" in texts[0]
    assert len(mock_instagram.calls) == 0


def test_unlink_action_unsubscribes_webhooks(staff, mock_instagram, instagram_override):
    instagram_override(WEBHOOK_FIELDS=["comments"])
    account = make_account("graph_hooks", api="graph")
    mock_instagram.add("DELETE", "https://graph.instagram.com/v26.0/me/subscribed_apps", json={"success": True})

    response = run_action(staff, "unlink_accounts", account)

    assert messages_of(response) == ["@graph_hooks: unlinked."]
    assert len(mock_instagram.calls) == 1
    assert mock_instagram.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert not InstagramAccount.objects.exists()


def test_unlink_action_survives_unsubscribe_failure(staff, mock_instagram, instagram_override):
    instagram_override(WEBHOOK_FIELDS=["comments"])
    account = make_account("graph_down", api="graph")
    mock_instagram.add("DELETE", "https://graph.instagram.com/v26.0/me/subscribed_apps", status=503, body="down")

    response = run_action(staff, "unlink_accounts", account)

    assert messages_of(response) == ["@graph_down: unlinked."]
    assert not InstagramAccount.objects.exists()
