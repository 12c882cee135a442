"""tokens.refresh_token: Instagram's 24-hour and expiry rules, storing the response, error 190."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from responses import matchers

from django_instagram import services, signals, tokens
from django_instagram.cache import get_cache
from django_instagram.client.errors import OAuthAccessTokenError, RateLimitError
from django_instagram.exceptions import AccountError, NeedsReauthorizationError
from django_instagram.models import InstagramAccount

pytestmark = pytest.mark.django_db

OLD = "IGAAoldlonglivedtoken0000"
NEW = "IGAAnewlonglivedtoken9999"
REFRESH_URL = "https://graph.instagram.com/refresh_access_token"


@pytest.fixture(autouse=True)
def clean_cache():
    """Drop the rate-limit state a refresh records, so later tests start with a full budget."""
    get_cache().clear()
    yield
    get_cache().clear()


def make_account(*, api="graph", age=timedelta(days=50), expires_in=timedelta(days=5), username="shop", user_id="17841"):
    now = timezone.now()
    site_user = get_user_model().objects.create_user(f"owner-{user_id}")
    account = InstagramAccount(
        user=site_user, api=api, instagram_user_id=user_id, username=username,
        token_refreshed_at=now - age, token_expires_at=now + expires_in if expires_in is not None else None,
    )
    account.access_token = OLD
    account.save()
    return account


def add_refresh(mock, token=NEW, expires_in=5184000):
    return mock.add(
        "GET", REFRESH_URL, json={"access_token": token, "token_type": "bearer", "expires_in": expires_in},
        match=[matchers.query_param_matcher({"grant_type": "ig_refresh_token", "access_token": OLD})],
    )


@pytest.fixture
def received():
    events = []

    def record(signal_name):
        def receiver(sender, **kwargs):
            events.append((signal_name, kwargs))
        return receiver

    receivers = {name: record(name) for name in ("token_refreshed", "account_needs_reauth")}
    for name, receiver in receivers.items():
        getattr(signals, name).connect(receiver)
    yield events
    for name, receiver in receivers.items():
        getattr(signals, name).disconnect(receiver)


def test_refresh_stores_new_token(mock_instagram, received, django_capture_on_commit_callbacks):
    account = make_account()
    add_refresh(mock_instagram)

    with django_capture_on_commit_callbacks(execute=True):
        refreshed = tokens.refresh_token(account)

    refreshed.refresh_from_db()
    assert refreshed.access_token == NEW
    assert timedelta(days=59, hours=23) < refreshed.token_expires_at - timezone.now() <= timedelta(days=60)
    assert timezone.now() - refreshed.token_refreshed_at < timedelta(minutes=1)
    assert [name for name, _ in received] == ["token_refreshed"]
    assert received[0][1]["expires_at"] == refreshed.token_expires_at


def test_refresh_same_token_new_expiry(mock_instagram):
    account = make_account(expires_in=timedelta(days=2))
    add_refresh(mock_instagram, token=OLD, expires_in=5000000)
    before = account.token_expires_at

    refreshed = tokens.refresh_token(account)

    assert refreshed.access_token == OLD
    assert refreshed.token_expires_at > before + timedelta(days=55)


def test_refresh_waits_24_hours(mock_instagram):
    account = make_account(age=timedelta(hours=23))

    with pytest.raises(tokens.RefreshNotAllowedError) as caught:
        tokens.refresh_token(account)

    assert caught.value.reason == "too_young"
    assert "24 hours old" in str(caught.value)
    assert len(mock_instagram.calls) == 0


def test_refresh_after_24_hours(mock_instagram):
    account = make_account(age=timedelta(hours=24, minutes=1))
    add_refresh(mock_instagram)

    assert tokens.refresh_token(account).access_token == NEW


def test_expired_token_needs_reauth(mock_instagram, received):
    account = make_account(expires_in=-timedelta(minutes=1))

    with pytest.raises(tokens.RefreshNotAllowedError) as caught:
        tokens.refresh_token(account)

    account.refresh_from_db()
    assert caught.value.reason == "expired"
    assert account.status == InstagramAccount.Status.NEEDS_REAUTH
    assert [name for name, _ in received] == ["account_needs_reauth"]
    assert len(mock_instagram.calls) == 0


def test_error_190_marks_account(mock_instagram, received):
    account = make_account()
    body = {"error": {"message": "Error validating access token: The user has not authorized application.",
                      "type": "OAuthException", "code": 190, "error_subcode": 458, "fbtrace_id": "x"}}
    mock_instagram.add("GET", REFRESH_URL, json=body, status=400)

    with pytest.raises(OAuthAccessTokenError):
        tokens.refresh_token(account)

    account.refresh_from_db()
    assert account.status == InstagramAccount.Status.NEEDS_REAUTH
    assert "has not authorized application" in account.last_error
    assert account.access_token == OLD
    assert [name for name, _ in received] == ["account_needs_reauth"]
    with pytest.raises(NeedsReauthorizationError):
        services.user("self", token=account)


def test_other_error_keeps_account(mock_instagram):
    account = make_account()
    body = {"error": {"message": "Application request limit reached", "type": "OAuthException", "code": 4}}
    mock_instagram.add("GET", REFRESH_URL, json=body, status=400)

    with pytest.raises(RateLimitError):
        tokens.refresh_token(account)

    account.refresh_from_db()
    assert account.status == InstagramAccount.Status.ACTIVE
    assert account.last_error == "OAuthException: Application request limit reached"


def test_legacy_cannot_refresh():
    account = make_account(api="legacy", expires_in=None)

    with pytest.raises(tokens.RefreshNotAllowedError) as caught:
        tokens.refresh_token(account)

    assert caught.value.reason == "legacy"


def test_marked_account_refused():
    account = make_account()
    account.status = InstagramAccount.Status.NEEDS_REAUTH

    with pytest.raises(NeedsReauthorizationError):
        tokens.refresh_token(account)


def test_unlinked_account_refused():
    account = make_account()
    InstagramAccount.objects.filter(pk=account.pk).delete()

    with pytest.raises(AccountError, match="unlinked"):
        tokens.refresh_token(account)


def test_refresh_if_due_skips_refreshed(mock_instagram):
    account = make_account(expires_in=timedelta(days=50))

    result = tokens.refresh_if_due(account.pk, within=timedelta(days=7))

    assert result.outcome is tokens.Outcome.SKIPPED
    assert result.detail == "already refreshed by another run"
