"""Concurrency on real components: row locks on PostgreSQL, a rate-limit budget in Redis.

Marked ``postgres``: ``tests/conftest.py`` skips these tests unless ``DJANGO_INSTAGRAM_TEST_DB``
is ``postgres``. The budget test also needs ``DJANGO_INSTAGRAM_TEST_CACHE=redis://...``, because
the local-memory cache is private to each process.

Two threads with their own database connections refresh one account at the same time. The
refresh request of the first blocks until PostgreSQL reports the second waiting for the row
lock, so the overlap is certain rather than left to timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import responses
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from django_instagram import tokens
from django_instagram.client.oauth import REFRESH_TOKEN_URL
from django_instagram.models import InstagramAccount

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OLD_TOKEN = "IGAA-concurrency-old-token"
NEW_TOKEN = "IGAA-concurrency-new-token"
ROOT = Path(__file__).resolve().parent.parent

#: Seconds to wait for the second thread to block on the row lock. A test that reaches this
#: limit fails on ``saw_waiter``, and its request count shows whether the lock held at all.
LOCK_WAIT_LIMIT = 20.0


def make_graph_account() -> InstagramAccount:
    owner = get_user_model().objects.create_user("site_concurrency", password="pw")
    account = InstagramAccount(
        user=owner, api=InstagramAccount.Api.GRAPH, instagram_user_id="17841400000000001", username="concurrency",
        token_expires_at=timezone.now() + timedelta(days=2), token_refreshed_at=timezone.now() - timedelta(days=58),
    )
    account.access_token = OLD_TOKEN
    account.save()
    return account


def lock_waiters() -> int:
    """Count the sessions on this database that are waiting for a lock.

    The caller is inside the refresh's transaction, and PostgreSQL keeps one snapshot of
    ``pg_stat_activity`` per transaction, so the snapshot is cleared before each read.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_for_lock_waiter() -> bool:
    """Poll ``pg_stat_activity`` until another session waits for a lock, or ``LOCK_WAIT_LIMIT`` passes."""
    deadline = time.monotonic() + LOCK_WAIT_LIMIT
    pause = threading.Event()
    while time.monotonic() < deadline:
        if lock_waiters():
            return True
        pause.wait(0.01)
    return False


class RefreshEndpoint:
    """The refresh endpoint: the first request is held until another session waits for the lock."""

    def __init__(self) -> None:
        self.calls = 0
        self.saw_waiter = False
        self._lock = threading.Lock()

    def __call__(self, request):
        with self._lock:
            self.calls += 1
            first = self.calls == 1
        if first:
            self.saw_waiter = wait_for_lock_waiter()
        body = {"access_token": NEW_TOKEN, "token_type": "bearer", "expires_in": 5184000}
        return 200, {}, json.dumps(body)


def run_twice_at_once(target) -> tuple[list, list]:
    """Run ``target`` in two threads that start together; return their results and exceptions."""
    results, errors = [None, None], [None, None]
    start = threading.Barrier(2)

    def worker(index: int) -> None:
        try:
            start.wait()
            results[index] = target()
        except Exception as error:  # Collected and asserted by the test.
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=LOCK_WAIT_LIMIT * 3)
    assert not any(thread.is_alive() for thread in threads), "a refresh thread did not finish"
    return results, errors


@pytest.fixture
def refresh_endpoint():
    endpoint = RefreshEndpoint()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback("GET", REFRESH_TOKEN_URL, callback=endpoint)
        yield endpoint


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


# Row locks ---------------------------------------------------------------------------------------


def test_two_due_refreshes_send_one(refresh_endpoint):
    account = make_graph_account()

    results, errors = run_twice_at_once(lambda: tokens.refresh_if_due(account.pk, within=timedelta(days=7)))

    account.refresh_from_db()
    outcomes = sorted(result.outcome.value for result in results)
    assert errors == [None, None]
    assert refresh_endpoint.saw_waiter is True
    assert refresh_endpoint.calls == 1
    assert outcomes == ["refreshed", "skipped"]
    assert "already refreshed by another run" in [result.detail for result in results]
    assert account.access_token == NEW_TOKEN
    assert account.token_expires_at > timezone.now() + timedelta(days=59)


def test_two_explicit_refreshes_send_one(refresh_endpoint):
    account = make_graph_account()

    results, errors = run_twice_at_once(lambda: tokens.refresh_token(InstagramAccount.objects.get(pk=account.pk)))

    account.refresh_from_db()
    refreshed = [result for result in results if result is not None]
    rejected = [error for error in errors if error is not None]
    assert refresh_endpoint.saw_waiter is True
    assert refresh_endpoint.calls == 1
    assert len(refreshed) == 1
    assert refreshed[0].access_token == NEW_TOKEN
    assert len(rejected) == 1
    assert isinstance(rejected[0], tokens.RefreshNotAllowedError)
    assert rejected[0].reason == "too_young"
    assert account.access_token == NEW_TOKEN


# Rate-limit budget across processes ------------------------------------------------------------

PROCESS_SCRIPT = r"""
import json, os, sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

import responses

from django_instagram import ratelimit, services
from django_instagram.client.errors import InstagramError

role, token = sys.argv[1], sys.argv[2]
outcome = {}
with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
    if role == "first":
        mock.add("GET", "https://api.instagram.com/v1/users/self", status=429, headers={"Retry-After": "600"}, json={
            "code": 429, "error_type": "OAuthRateLimitException",
            "error_message": "You have exceeded the maximum number of requests per hour.",
        })
        mock.add("GET", "https://api.instagram.com/v1/tags/nofilter",
                 headers={"X-Ratelimit-Limit": "5000", "X-Ratelimit-Remaining": "100"},
                 json={"meta": {"code": 200}, "data": {"name": "nofilter", "media_count": 1}})
        services.tag("nofilter")
    try:
        services.user("self", token)
    except InstagramError as error:
        outcome["error"] = type(error).__name__
        outcome["message"] = str(error)
    outcome["requests"] = len(mock.calls)
outcome["budget"] = ratelimit.budget_exhausted()
print(json.dumps(outcome))
"""


def run_process(role: str, token: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", PROCESS_SCRIPT, role, token],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(
    not os.environ.get("DJANGO_INSTAGRAM_TEST_CACHE", "").startswith("redis://"),
    reason="needs a cache shared between processes: set DJANGO_INSTAGRAM_TEST_CACHE=redis://...",
)
def test_processes_share_budget():
    token = "IGQVJ-shared-budget-token"

    first = run_process("first", token)
    second = run_process("second", token)

    assert first["error"] == "RateLimitError"
    assert first["requests"] == 2
    assert second["error"] == "RateLimitError"
    assert "No request sent: Instagram rate-limited" in second["message"]
    assert second["requests"] == 0
    assert "98%" in second["budget"]
    assert "the app" in second["budget"]
