"""``manage.py instagram_refresh_tokens``: renew long-lived tokens before they expire.

Safe to run from cron on several hosts at once: each account is refreshed with its row locked
and skipped when another run refreshed it first.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Iterable, Iterator

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ... import ratelimit
from ...conf import instagram_settings
from ...resolution import background_work
from ...tokens import Outcome, RefreshResult, accounts_due, refresh_if_due

SUMMARY_ORDER = (
    (Outcome.REFRESHED, "refreshed"),
    (Outcome.SKIPPED, "skipped"),
    (Outcome.FAILED, "failed"),
    (Outcome.NEEDS_REAUTH, "needing re-authorisation"),
)


class Command(BaseCommand):
    help = (
        "Refresh the long-lived tokens of active Instagram Login accounts that expire within --within days. "
        "Exits with status 1 if any refresh failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--within", type=float, default=None, metavar="DAYS",
            help='Refresh tokens that expire within this many days (default: INSTAGRAM["REFRESH_WITHIN_DAYS"]).',
        )
        parser.add_argument(
            "--dry-run", action="store_true",
            help="List the accounts that would be refreshed without calling Instagram or changing anything.",
        )

    def handle(self, *args, within=None, dry_run=False, **options):
        days = float(instagram_settings.REFRESH_WITHIN_DAYS if within is None else within)
        if days < 0:
            raise CommandError(f"--within must be a number of days of 0 or more, not {days:g}.")
        window = timedelta(days=days)
        now = timezone.now()

        account_ids = accounts_due(window, now)
        self.stdout.write(f"{len(account_ids)} account(s) expire within {days:g} day(s).")

        self.stopped_early = ""
        with background_work():
            results = list(self._report(self.refresh_all(account_ids, window, now, dry_run), len(account_ids)))

        if self.stopped_early:
            left = len(account_ids) - len(results)
            self.stdout.write(self.style.WARNING(f"Stopped early, {left} account(s) not tried: {self.stopped_early}"))
        self._summarise(results, dry_run)

    def refresh_all(self, account_ids: list[int], window: timedelta, now, dry_run: bool) -> Iterable[RefreshResult]:
        """Refresh each account in turn; the results come in the order of ``account_ids``.

        Runs in this thread. A variant with a worker pool can override this method, because each
        ``refresh_if_due`` call opens its own transaction and locks only its own row. The run stops
        when the app's shared rate-limit budget is spent, and sets ``stopped_early`` to the reason.
        """
        for account_id in account_ids:
            exhausted = ratelimit.budget_exhausted()
            if exhausted and not dry_run:
                self.stopped_early = exhausted
                return
            yield refresh_if_due(account_id, within=window, now=now, dry_run=dry_run)

    def _report(self, results: Iterable[RefreshResult], total: int) -> Iterator[RefreshResult]:
        for number, result in enumerate(results, start=1):
            expiry = f", expires {result.expires_at:%Y-%m-%d %H:%M} UTC" if result.expires_at else ""
            line = f"[{number}/{total}] account {result.account_id}: {result.outcome.value}{expiry}"
            if result.outcome is not Outcome.REFRESHED and result.detail:
                line += f" ({result.detail})"
            self._write(result.outcome, line)
            yield result

    def _write(self, outcome: Outcome, line: str) -> None:
        if outcome is Outcome.FAILED:
            self.stdout.write(self.style.ERROR(line))
        elif outcome is Outcome.NEEDS_REAUTH:
            self.stdout.write(self.style.WARNING(line))
        else:
            self.stdout.write(line)

    def _summarise(self, results: list[RefreshResult], dry_run: bool) -> None:
        counts = Counter(result.outcome for result in results)
        if dry_run:
            self.stdout.write(f"Dry run: {counts[Outcome.WOULD_REFRESH]} would be refreshed, "
                              f"{counts[Outcome.SKIPPED]} skipped. Nothing was changed.")
            return

        summary = ", ".join(f"{counts[outcome]} {label}" for outcome, label in SUMMARY_ORDER)
        self.stdout.write(f"Summary: {summary}.")
        if counts[Outcome.FAILED]:
            raise CommandError(f"{counts[Outcome.FAILED]} token refresh(es) failed; see the lines above.")
