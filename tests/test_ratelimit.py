"""The shared rate-limit budget: usage recorded per app and account, blocks after rate-limit errors.

The clock of ``django_instagram.ratelimit`` is replaced, so no test waits for a block to pass.
"""

from __future__ import annotations

import json
import logging
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from django_instagram import ratelimit, services
from django_instagram.client import transport as transport_module
from django_instagram.client.errors import RateLimitError
from django_instagram.client.usage import RateLimitUsage
from django_instagram.models import InstagramAccount
from django_instagram.resolution import Credential

from .conftest import recorded_body

TOKEN = "IGQVJ-ratelimit-secret-token"
USER_URL = "https://api.instagram.com/v1/users/self"
ME_URL = "https://graph.instagram.com/v26.0/me"
USER_BODY = recorded_body("user")
V1_RATE_LIMITED = {
    "code": 429, "error_type": "OAuthRateLimitException",
    "error_message": "You have exceeded the maximum number of requests per hour.",
}
GRAPH_ME = {"id": "7590000000000000", "user_id": "17841400000000000", "username": "jayposiris"}


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    cache.clear()
    fake = Clock()
    monkeypatch.setattr(ratelimit, "_now", fake)
    monkeypatch.setattr(transport_module, "_sleep", _never_sleep)
    yield fake
    cache.clear()


def _never_sleep(seconds):
    raise AssertionError(f"slept {seconds} s")


def make_account(username: str, *, api: str = "legacy", token: str = TOKEN) -> InstagramAccount:
    owner = get_user_model().objects.create_user(f"site_{username}", password="pw")
    account = InstagramAccount(user=owner, api=api, instagram_user_id=f"id_{username}", username=username)
    account.access_token = token
    account.save()
    return account


def graph_usage_header(account_id: str, percent: int, regain_minutes: int = 0) -> str:
    return json.dumps({account_id: [{
        "type": "instagram", "call_count": percent, "total_cputime": 1, "total_time": 1,
        "estimated_time_to_regain_access": regain_minutes,
    }]})


# Usage ------------------------------------------------------------------------------------


def test_split_usage_v1_counts_account():
    usage = RateLimitUsage.from_headers({"X-Ratelimit-Limit": "5000", "X-Ratelimit-Remaining": "500"})

    percentages = ratelimit.split_usage(usage, Credential("legacy", TOKEN))

    assert percentages == {ratelimit.account_scope(Credential("legacy", TOKEN)): 90}


def test_split_usage_client_id_counts_app():
    usage = RateLimitUsage.from_headers({"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4000"})

    percentages = ratelimit.split_usage(usage, Credential("legacy", None, client_id="app-id"))

    assert percentages == {"app": 20}


def test_split_usage_graph_app_and_account():
    usage = RateLimitUsage.from_headers({
        "X-App-Usage": json.dumps({"call_count": 28, "total_time": 25, "total_cputime": 25}),
        "X-Business-Use-Case-Usage": graph_usage_header("17841400000000000", 95),
    })
    credential = Credential("graph", TOKEN)

    percentages = ratelimit.split_usage(usage, credential)

    assert percentages["app"] == 28
    assert percentages[ratelimit.account_scope(credential)] == 95


def test_token_scope_hides_token():
    scope = ratelimit.account_scope(Credential("graph", TOKEN))

    assert scope.startswith("token:")
    assert TOKEN not in scope


@pytest.mark.django_db
def test_account_scope_uses_pk():
    account = make_account("scope_user")

    assert ratelimit.account_scope(Credential("legacy", TOKEN, account=account)) == f"account:{account.pk}"


@pytest.mark.django_db
def test_v1_usage_stops_background_work(mock_instagram):
    account = make_account("busy_v1")
    mock_instagram.add("GET", USER_URL, json=USER_BODY, headers={"X-Ratelimit-Limit": "5000", "X-Ratelimit-Remaining": "400"})

    services.user("self", account)
    message = ratelimit.budget_exhausted(account)

    assert message is not None
    assert "92%" in message
    assert f"account {account.pk}" in message
    assert 'INSTAGRAM["RATE_LIMIT_THRESHOLD"] (80%)' in message
    assert ratelimit.budget_exhausted() is None


@pytest.mark.django_db
def test_usage_below_threshold_allows_work(mock_instagram):
    account = make_account("calm_v1")
    mock_instagram.add("GET", USER_URL, json=USER_BODY, headers={"X-Ratelimit-Limit": "5000", "X-Ratelimit-Remaining": "4990"})

    services.user("self", account)

    assert ratelimit.usage_percent(f"account:{account.pk}") == 0
    assert ratelimit.budget_exhausted(account) is None


@pytest.mark.django_db
def test_threshold_read_from_settings(mock_instagram, instagram_override):
    instagram_override(RATE_LIMIT_THRESHOLD=95)
    account = make_account("threshold_v1")
    mock_instagram.add("GET", USER_URL, json=USER_BODY, headers={"X-Ratelimit-Limit": "5000", "X-Ratelimit-Remaining": "400"})

    services.user("self", account)

    assert ratelimit.budget_exhausted(account) is None


def test_graph_app_usage_stops_all_work(mock_instagram, instagram_override):
    instagram_override(API="graph")
    mock_instagram.add("GET", ME_URL, json=GRAPH_ME, headers={
        "X-App-Usage": json.dumps({"call_count": 85, "total_time": 10, "total_cputime": 10}),
    })

    services.user("self", TOKEN)
    message = ratelimit.budget_exhausted()

    assert message is not None
    assert "85%" in message
    assert "the app" in message


def test_empty_usage_keeps_last_reading(mock_instagram):
    mock_instagram.add("GET", USER_URL, json=USER_BODY, headers={"X-Ratelimit-Limit": "100", "X-Ratelimit-Remaining": "10"})
    mock_instagram.add("GET", USER_URL, json=USER_BODY)
    scope = ratelimit.account_scope(Credential("legacy", TOKEN))

    services.user("self", TOKEN)
    services.user("self", TOKEN)

    assert ratelimit.usage_percent(scope) == 90


def test_steady_usage_renews_timeout(mock_instagram, clock, monkeypatch):
    if not isinstance(ratelimit.get_cache(), LocMemCache):
        pytest.skip("moves the clock of the local-memory cache")
    monkeypatch.setattr(time, "time", clock)
    headers = {"X-Ratelimit-Limit": "100", "X-Ratelimit-Remaining": "5"}
    mock_instagram.add("GET", USER_URL, json=USER_BODY, headers=headers)
    mock_instagram.add("GET", USER_URL, json=USER_BODY, headers=headers)
    scope = ratelimit.account_scope(Credential("legacy", TOKEN))

    services.user("self", TOKEN)
    clock.now += 3000
    services.user("self", TOKEN)
    clock.now += 1000  # 4,000 s after the first report, 1,000 s after the last one

    assert ratelimit.usage_percent(scope) == 95


def test_usage_of_last_response_wins(mock_instagram, monkeypatch):
    mock_instagram.add("GET", USER_URL, json=USER_BODY, headers={"X-Ratelimit-Limit": "100", "X-Ratelimit-Remaining": "5"})
    scope = ratelimit.account_scope(Credential("legacy", TOKEN))
    key = f"{ratelimit.PREFIX}:ratelimit:{scope}:usage"
    cache.set(key, 95, timeout=ratelimit.USAGE_TIMEOUT)

    # Another process stored 50 while this call was in flight; the response reports 95.
    original = ratelimit.check_budget

    def check_then_other_process_writes(credential, call=""):
        original(credential, call)
        cache.set(key, 50, timeout=ratelimit.USAGE_TIMEOUT)

    monkeypatch.setattr(ratelimit, "check_budget", check_then_other_process_writes)
    services.user("self", TOKEN)

    assert ratelimit.usage_percent(scope) == 95


# Blocks after rate-limit errors --------------------------------------------------------------


@pytest.mark.django_db
def test_rate_limit_blocks_account_locally(mock_instagram, clock):
    account = make_account("blocked_v1")
    mock_instagram.add("GET", USER_URL, json=V1_RATE_LIMITED, status=429, headers={"Retry-After": "120"})

    with pytest.raises(RateLimitError):
        services.user("self", account)
    with pytest.raises(RateLimitError) as caught:
        services.user("self", account)

    assert len(mock_instagram.calls) == 1
    assert caught.value.retry_after == 120
    assert "No request sent" in str(caught.value)
    assert f"account {account.pk}" in str(caught.value)


@pytest.mark.django_db
def test_block_lifts_after_retry_after(mock_instagram, clock):
    account = make_account("lifted_v1")
    mock_instagram.add("GET", USER_URL, json=V1_RATE_LIMITED, status=429, headers={"Retry-After": "120"})
    mock_instagram.add("GET", USER_URL, json=USER_BODY)

    with pytest.raises(RateLimitError):
        services.user("self", account)
    clock.now += 119
    with pytest.raises(RateLimitError) as caught:
        services.user("self", account)
    clock.now += 2
    user = services.user("self", account)

    assert caught.value.retry_after == pytest.approx(1.0)
    assert user.username == USER_BODY["data"]["username"]
    assert len(mock_instagram.calls) == 2


@pytest.mark.django_db
def test_block_without_retry_after_uses_default(mock_instagram, clock):
    account = make_account("default_v1")
    mock_instagram.add("GET", USER_URL, json=V1_RATE_LIMITED, status=429)

    with pytest.raises(RateLimitError):
        services.user("self", account)

    assert ratelimit.blocked_seconds(f"account:{account.pk}") == ratelimit.DEFAULT_BLOCK_SECONDS
    clock.now += ratelimit.DEFAULT_BLOCK_SECONDS
    assert ratelimit.blocked_seconds(f"account:{account.pk}") is None


@pytest.mark.django_db
def test_block_leaves_other_accounts(mock_instagram):
    blocked = make_account("first_v1", token="IGQVJ-first-token")
    other = make_account("second_v1", token="IGQVJ-second-token")
    mock_instagram.add("GET", USER_URL, json=V1_RATE_LIMITED, status=429, headers={"Retry-After": "60"})
    mock_instagram.add("GET", USER_URL, json=USER_BODY)

    with pytest.raises(RateLimitError):
        services.user("self", blocked)
    user = services.user("self", other)

    assert user.username == USER_BODY["data"]["username"]
    assert ratelimit.budget_exhausted(other) is None
    assert "rate-limited" in ratelimit.budget_exhausted(blocked)


@pytest.mark.django_db
def test_block_stops_every_call_of_account(mock_instagram):
    account = make_account("every_v1")
    mock_instagram.add("GET", USER_URL, json=V1_RATE_LIMITED, status=429, headers={"Retry-After": "60"})

    with pytest.raises(RateLimitError):
        services.user("self", account)

    for call in (lambda: services.media("123_456", account), lambda: services.media_like("123_456", account),
                 lambda: list(services.iter_user_recent_media("self", token=account))):
        with pytest.raises(RateLimitError):
            call()
    assert len(mock_instagram.calls) == 1


def test_graph_app_limit_blocks_every_token(mock_instagram, instagram_override):
    instagram_override(API="graph")
    app_limited = {"error": {"message": "Application request limit reached", "type": "OAuthException", "code": 4}}
    mock_instagram.add("GET", ME_URL, json=app_limited, status=400, headers={"Retry-After": "300"})

    with pytest.raises(RateLimitError):
        services.user("self", TOKEN)
    with pytest.raises(RateLimitError) as caught:
        services.user("self", "IGAA-another-token")

    assert "the app" in str(caught.value)
    assert len(mock_instagram.calls) == 1


def test_graph_regain_access_minutes_block(mock_instagram, instagram_override, clock):
    instagram_override(API="graph")
    throttled = {"error": {"message": "Too many calls", "type": "OAuthException", "code": 80002}}
    mock_instagram.add("GET", ME_URL, json=throttled, status=400, headers={
        "X-Business-Use-Case-Usage": graph_usage_header("17841400000000000", 100, regain_minutes=15),
    })
    scope = ratelimit.account_scope(Credential("graph", TOKEN))

    with pytest.raises(RateLimitError):
        services.user("self", TOKEN)

    assert ratelimit.blocked_seconds(scope) == 15 * 60
    assert ratelimit.usage_percent(scope) == 100


def test_client_id_rate_limit_blocks_app(mock_instagram):
    mock_instagram.add("GET", "https://api.instagram.com/v1/tags/nofilter", json=V1_RATE_LIMITED, status=429,
                       headers={"Retry-After": "30"})

    with pytest.raises(RateLimitError):
        services.tag("nofilter")

    assert ratelimit.blocked_seconds("app") == 30
    assert "the app" in ratelimit.budget_exhausted()


def test_rate_limit_logged_without_token(mock_instagram, caplog):
    caplog.set_level(logging.INFO, logger=ratelimit.__name__)
    mock_instagram.add("GET", USER_URL, json=V1_RATE_LIMITED, status=429, headers={"Retry-After": "60"})

    with pytest.raises(RateLimitError):
        services.user("self", TOKEN)
    with pytest.raises(RateLimitError):
        services.user("self", TOKEN)

    assert "no request for it for 60 s" in caplog.text
    assert "Not sending user" in caplog.text
    assert TOKEN not in caplog.text


def test_background_retry_respects_block(mock_instagram, monkeypatch):
    """In background work a 429 with a short Retry-After is retried, never sooner than asked."""
    sleeps = []
    monkeypatch.setattr(transport_module, "_sleep", sleeps.append)
    mock_instagram.add("GET", USER_URL, json=V1_RATE_LIMITED, status=429, headers={"Retry-After": "5"})
    mock_instagram.add("GET", USER_URL, json=USER_BODY)

    with services.background_work():
        services.user("self", TOKEN)

    assert sleeps == [5.0]
    assert ratelimit.blocked_seconds(ratelimit.account_scope(Credential("legacy", TOKEN))) is None


# Cache failures --------------------------------------------------------------------------------


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache server refused the connection")

        return fail


def test_cache_outage_does_not_stop_calls(mock_instagram, monkeypatch, caplog):
    monkeypatch.setattr(ratelimit, "get_cache", BrokenCache)
    monkeypatch.setattr(ratelimit, "_last_cache_warning", {"at": None, "suppressed": 0})
    mock_instagram.add("GET", USER_URL, json=USER_BODY, headers={"X-Ratelimit-Limit": "5000", "X-Ratelimit-Remaining": "400"})
    mock_instagram.add("GET", USER_URL, json=USER_BODY)

    first = services.user("self", TOKEN)
    second = services.user("self", TOKEN)

    warnings = [record for record in caplog.records if record.name == ratelimit.__name__]
    assert first.username == USER_BODY["data"]["username"]
    assert second.username == USER_BODY["data"]["username"]
    assert ratelimit.budget_exhausted() is None
    assert len(warnings) == 1
    assert "Rate-limit budget unavailable, cache failed: ConnectionError" in warnings[0].getMessage()
    assert ratelimit._last_cache_warning["suppressed"] >= 3
