"""Two refresh runs of one account at once, with PostgreSQL's row locks: one refresh request in total."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from django_instagram import tokens
from django_instagram.models import InstagramAccount
from tests.test_refresh_token import OLD, REFRESH_URL, clean_cache, make_account  # noqa: F401 (autouse fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

#: How many times the first run checks for the second one waiting on the row lock.
MAX_LOCK_CHECKS = 500


def _wait_until_a_session_waits_on_lock() -> bool:
    """Poll PostgreSQL, on a connection of its own, until some session waits for a row lock."""
    probe = connections.create_connection("default")
    try:
        for _check in range(MAX_LOCK_CHECKS):
            with probe.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if cursor.fetchone()[0] > 0:
                    return True
        return False
    finally:
        probe.close()


def test_two_runs_send_one_request(mock_instagram):
    account = make_account(expires_in=timedelta(days=3))
    second_started = threading.Event()
    results = {}

    def refresh_answer(request):
        second_started.set()
        results["second_was_waiting"] = _wait_until_a_session_waits_on_lock()
        return 200, {}, '{"access_token": "IGAArefreshedonce", "token_type": "bearer", "expires_in": 5184000}'

    mock_instagram.add_callback("GET", REFRESH_URL, callback=refresh_answer)

    def run(name, wait_for=None):
        try:
            if wait_for is not None:
                wait_for.wait()
            results[name] = tokens.refresh_if_due(account.pk, within=timedelta(days=7))
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first",))
    second = threading.Thread(target=run, args=("second", second_started))
    first.start()
    second.start()
    first.join()
    second.join()

    account.refresh_from_db()
    assert len(mock_instagram.calls) == 1
    assert results["first"].outcome is tokens.Outcome.REFRESHED
    assert results["second"].outcome is tokens.Outcome.SKIPPED
    assert results["second"].detail == "already refreshed by another run"
    assert results["second_was_waiting"] is True
    assert account.access_token == "IGAArefreshedonce"
    assert account.access_token != OLD
    assert InstagramAccount.objects.count() == 1
