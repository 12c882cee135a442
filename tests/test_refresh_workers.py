"""instagram_refresh_tokens --workers: validation, bounded concurrency, result order, early stop."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

from django_instagram.management.commands import instagram_refresh_tokens as command_module
from django_instagram.tokens import Outcome, RefreshResult
from tests.test_refresh_token import REFRESH_URL, clean_cache, make_account  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db

ACCOUNT_IDS = [11, 12, 13, 14, 15]


def run(*args):
    out = StringIO()
    call_command("instagram_refresh_tokens", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def concurrent_database(monkeypatch):
    """Report a database vendor that allows concurrent writers, and list five due accounts."""
    monkeypatch.setattr(connections["default"], "vendor", "postgresql")
    monkeypatch.setattr(command_module, "accounts_due", lambda window, now: list(ACCOUNT_IDS))


def test_workers_rejected_on_sqlite(monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with pytest.raises(CommandError, match="SQLite allows one writing transaction at a time"):
        run("--workers", "2")


def test_workers_below_one_rejected():
    with pytest.raises(CommandError, match="--workers must be 1 or more, not 0"):
        run("--workers", "0")


def test_workers_run_in_parallel(concurrent_database, monkeypatch):
    # Each refresh waits until a second one is running, so a sequential run would break the barrier.
    barrier = threading.Barrier(2, timeout=10)
    threads = set()
    lock = threading.Lock()

    def refresh_if_due(account_id, *, within, now, dry_run):
        barrier.wait()
        with lock:
            threads.add(threading.current_thread().name)
        return RefreshResult(account_id, Outcome.REFRESHED, "refreshed")

    # An even number of accounts, so the last refresh also finds a partner at the barrier.
    account_ids = ACCOUNT_IDS[:4]
    monkeypatch.setattr(command_module, "accounts_due", lambda window, now: list(account_ids))
    monkeypatch.setattr(command_module, "refresh_if_due", refresh_if_due)

    output = run("--workers", "2")

    lines = output.splitlines()
    assert lines[1:5] == [f"[{n}/4] account {pk}: refreshed" for n, pk in enumerate(account_ids, start=1)]
    assert lines[-1] == "Summary: 4 refreshed, 0 skipped, 0 failed, 0 needing re-authorisation."
    assert len(threads) == 2
    assert all(name.startswith("instagram-refresh") for name in threads)


def test_workers_bound_concurrency(concurrent_database, monkeypatch):
    # Refreshes meet in groups of three, so all three workers are busy at once. The peak count of
    # refreshes inside the function shows whether a fourth ever started alongside them.
    account_ids = [21, 22, 23, 24, 25, 26]
    barrier = threading.Barrier(3, timeout=10)
    running = 0
    peak = 0
    lock = threading.Lock()

    def refresh_if_due(account_id, *, within, now, dry_run):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        barrier.wait()
        with lock:
            running -= 1
        return RefreshResult(account_id, Outcome.REFRESHED, "refreshed")

    monkeypatch.setattr(command_module, "accounts_due", lambda window, now: list(account_ids))
    monkeypatch.setattr(command_module, "refresh_if_due", refresh_if_due)

    output = run("--workers", "3")

    assert peak == 3
    assert output.splitlines()[-1] == "Summary: 6 refreshed, 0 skipped, 0 failed, 0 needing re-authorisation."


def test_workers_stop_when_budget_spent(concurrent_database, monkeypatch):
    checks = iter([None, None, "Instagram rate-limited the app; stopping."])
    monkeypatch.setattr(command_module.ratelimit, "budget_exhausted", lambda account=None: next(checks))
    monkeypatch.setattr(
        command_module, "refresh_if_due",
        lambda account_id, **kwargs: RefreshResult(account_id, Outcome.REFRESHED, "refreshed"),
    )

    output = run("--workers", "2")

    assert "Stopped early, 3 account(s) not tried: Instagram rate-limited the app; stopping." in output
    assert output.splitlines()[-1] == "Summary: 2 refreshed, 0 skipped, 0 failed, 0 needing re-authorisation."


def test_default_workers_sequential():
    assert command_module.DEFAULT_WORKERS == 1
    assert command_module.Command()._check_workers(1) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_refresh_real_accounts(mock_instagram):
    accounts = [make_account(user_id=str(number), expires_in=timedelta(days=3)) for number in range(1, 7)]
    mock_instagram.add(
        "GET", REFRESH_URL, json={"access_token": "IGAArefreshedbyworker", "token_type": "bearer", "expires_in": 5184000},
    )

    output = run("--workers", "3")

    assert output.splitlines()[-1] == "Summary: 6 refreshed, 0 skipped, 0 failed, 0 needing re-authorisation."
    assert len(mock_instagram.calls) == 6
    for account in accounts:
        account.refresh_from_db()
        assert account.access_token == "IGAArefreshedbyworker"
        assert account.token_expires_at > timezone.now() + timedelta(days=59)
