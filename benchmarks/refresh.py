"""Token refresh: ``instagram_refresh_tokens`` over many accounts against single round trips.

With the server responding at once, the run measures the command's own work per account (row
lock, decrypt, request, encrypt, save). A second run against a server that waits before every
response shows how much of a real run is waiting for the network, which bounded concurrency
(``--workers``) can overlap.
"""

from __future__ import annotations

import io
import time
from datetime import timedelta

import requests
from django.contrib.auth import get_user_model
from django.core.management import call_command, load_command_class
from django.db import connection
from django.utils import timezone

from django_instagram import crypto
from django_instagram.models import InstagramAccount

from .redirect import instagram_at
from .results import Check, Result, Timing
from .server import ServerProcess
from .timing import Spread

COMMAND = "instagram_refresh_tokens"
ID_PREFIX = "refresh-"


def add_graph_accounts(total: int) -> None:
    """Create ``total`` Instagram Login accounts (one site user each) for the refresh runs."""
    InstagramAccount.objects.filter(instagram_user_id__startswith=ID_PREFIX).delete()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"refresh-user-{number}-{time.monotonic_ns()}") for number in range(total)
    )
    ciphertext = crypto.encrypt("IGQbenchmark-long-lived-access-token")
    InstagramAccount.objects.bulk_create(
        InstagramAccount(
            user=user, api="graph", instagram_user_id=f"{ID_PREFIX}{number}", username=f"refresh_{number}",
            token_ciphertext=ciphertext,
        )
        for number, user in enumerate(users)
    )


def make_due() -> None:
    """Make every refresh account expire in three days and be 30 days old, so each is refreshed."""
    now = timezone.now()
    InstagramAccount.objects.filter(instagram_user_id__startswith=ID_PREFIX).update(
        token_expires_at=now + timedelta(days=3), token_refreshed_at=now - timedelta(days=30), status="active",
    )


def command_supports_workers() -> bool:
    """Tell whether the command has ``--workers`` and the database allows concurrent writers."""
    if connection.vendor == "sqlite":
        return False
    parser = load_command_class("django_instagram", COMMAND).create_parser("manage.py", COMMAND)
    return any("--workers" in action.option_strings for action in parser._actions)


def run_command(workers: int | None) -> float:
    """Make the accounts due, run the command once and return its seconds."""
    make_due()
    options = {"stdout": io.StringIO(), "within": 7}
    if workers is not None:
        options["workers"] = workers
    start = time.perf_counter()
    call_command(COMMAND, **options)
    return time.perf_counter() - start


def round_trips(base_url: str, count: int) -> float:
    """Send ``count`` refresh requests with one ``requests.Session``; return the seconds."""
    session = requests.Session()
    url = f"{base_url}/refresh_access_token"
    params = {"grant_type": "ig_refresh_token", "access_token": "IGQbenchmark-long-lived-access-token"}
    start = time.perf_counter()
    for _ in range(count):
        session.get(url, params=params).json()
    seconds = time.perf_counter() - start
    session.close()
    return seconds


def run(server, *, accounts: int, rounds: int, latency_accounts: int, latency: float,
        worker_counts: tuple[int, ...]) -> Result:
    result = Result(
        key="refresh",
        title="Token refresh",
        subject=f"`manage.py {COMMAND}` over {accounts:,} Instagram Login accounts expiring in 3 days",
        baseline=f"{accounts:,} single refresh round trips (`requests`, one session)",
    )
    add_graph_accounts(accounts)
    command_times, baseline_times = [], []
    with instagram_at(server.base_url):
        for _ in range(rounds):
            command_times.append(run_command(None) / accounts)
            baseline_times.append(round_trips(server.base_url, accounts) / accounts)
    ratios = [command / baseline for command, baseline in zip(command_times, baseline_times)]
    result.timings.append(Timing(
        f"{accounts:,} accounts, server responds at once", Spread.of(command_times), Spread.of(baseline_times),
        Spread.of(ratios), unit="account",
    ))
    result.checks.append(_refreshed_check(accounts))
    _latency_runs(result, latency_accounts, latency, worker_counts, rounds)
    return result


def _refreshed_check(accounts: int) -> Check:
    """Count the accounts whose expiry the last run moved out of the 7-day window."""
    refreshed = InstagramAccount.objects.filter(
        instagram_user_id__startswith=ID_PREFIX, token_expires_at__gt=timezone.now() + timedelta(days=7),
    ).count()
    return Check("accounts refreshed by the last run", f"{refreshed:,}", f"{accounts:,}", refreshed == accounts)


def _latency_runs(result: Result, accounts: int, latency: float, worker_counts: tuple[int, ...], rounds: int) -> None:
    add_graph_accounts(accounts)
    supports_workers = command_supports_workers()
    counts = worker_counts if supports_workers else (None,)
    baseline_times: list[float] = []
    command_times: dict[int | None, list[float]] = {workers: [] for workers in counts}
    with ServerProcess(latency=latency) as slow_server, instagram_at(slow_server.base_url):
        for _ in range(rounds):
            baseline_times.append(round_trips(slow_server.base_url, accounts) / accounts)
            for workers in counts:
                command_times[workers].append(run_command(workers) / accounts)

    per_account = []
    for workers in counts:
        ratios = [command / baseline for command, baseline in zip(command_times[workers], baseline_times)]
        result.timings.append(Timing(
            f"{accounts} accounts, server waits {latency * 1e3:.0f} ms, workers={workers or 1}",
            Spread.of(command_times[workers]), Spread.of(baseline_times), Spread.of(ratios), unit="account",
        ))
        per_account.append((workers or 1, Spread.of(command_times[workers]).median * 1e3))
    result.series[f"Refresh, {latency * 1e3:.0f} ms latency: ms per account"] = ("workers", per_account)
    result.notes.append(
        f"The server's {latency * 1e3:.0f} ms wait stands in for the network round trip to Instagram, which "
        "this harness cannot measure; a longer round trip leaves more waiting for `--workers` to overlap."
    )
    if not supports_workers:
        result.notes.append(
            f"Only sequential runs were measured: `--workers` needs a database that allows concurrent writers, "
            f"and this run used {connection.vendor}. Run with `BENCHMARKS_DATABASE=postgres` to measure it."
        )
