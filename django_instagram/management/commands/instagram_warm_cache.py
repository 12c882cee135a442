"""Fetch every active account's recent media into the cache, so feed pages never start cold.

Run it from cron more often than ``INSTAGRAM["CACHE_TIMEOUT"]`` (default 15 minutes), for
example every 10 minutes. It stops early, with a message, once Instagram's rate-limit budget is
above ``INSTAGRAM["RATE_LIMIT_THRESHOLD"]`` or Instagram has rate-limited the app.
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError

from ... import ratelimit
from ...client.errors import InstagramError
from ...feeds import warm_recent_media
from ...models import InstagramAccount
from ...resolution import background_work
from ...templatetags.instagram import DEFAULT_COUNT

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Fetch the recent media of every active Instagram account into the cache the feed tag reads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, default=DEFAULT_COUNT,
            help=f"Number of media per account, as the feed tag's count (default {DEFAULT_COUNT}).",
        )

    def handle(self, *args, count: int, **options):
        if count < 1:
            raise CommandError(f"--count must be a positive number of media, not {count}.")
        warmed = failed = 0
        accounts = InstagramAccount.objects.active().order_by("pk")
        total = accounts.count()
        logger.info("Cache warming started for %d accounts.", total)
        with background_work():
            for position, account in enumerate(accounts.iterator(), start=1):
                reason = ratelimit.budget_exhausted(account)
                if reason:
                    self.stderr.write(f"Stopped after {position - 1} of {total} accounts: {reason}")
                    logger.warning("Cache warming stopped early: %s", reason)
                    break
                try:
                    media = warm_recent_media(account, count)
                except InstagramError as error:
                    failed += 1
                    logger.warning("Cache warming failed for Instagram account %s: %s", account.pk, error)
                    self.stderr.write(f"[{position}/{total}] account {account.pk}: failed: {error}")
                    continue
                warmed += 1
                self.stdout.write(f"[{position}/{total}] account {account.pk} (@{account.username}): {media} media")
        self.stdout.write(f"Warmed {warmed}, failed {failed}, of {total} active accounts.")
        if failed:
            raise CommandError(f"{failed} account(s) could not be warmed; see the messages above.")
