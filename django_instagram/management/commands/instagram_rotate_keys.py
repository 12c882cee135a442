"""``manage.py instagram_rotate_keys``: re-encrypt every stored access token with the newest key.

Run it after putting a new key first in ``INSTAGRAM["TOKEN_ENCRYPTION_KEYS"]`` (keeping the old
key after it), or after moving off the key derived from ``SECRET_KEY``. Remove the old key only
once the command reports no failures.
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ... import crypto
from ...exceptions import InstagramConfigurationError
from ...models import InstagramAccount

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
#: Account ids listed in the failure message; the log has every one.
MAX_LISTED_FAILURES = 20


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored Instagram access token with the newest key of "
        'INSTAGRAM["TOKEN_ENCRYPTION_KEYS"], in batches. Tokens already encrypted with that key '
        "are left as they are."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
            help=f"Accounts read and written per transaction (default {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Count the tokens that would be re-encrypted without writing anything.",
        )

    def handle(self, *args, batch_size: int, dry_run: bool, verbosity: int, **options) -> None:
        if batch_size < 1:
            raise CommandError(f"--batch-size is {batch_size}, but it must be a positive number of accounts.")
        try:
            crypto.fernet()
        except InstagramConfigurationError as error:
            raise CommandError(str(error)) from None

        accounts = InstagramAccount.objects.exclude(token_ciphertext="")
        total = accounts.count()
        logger.info("Key rotation started for %d stored Instagram tokens (dry run: %s).", total, dry_run)
        tally = _Tally()

        last_pk = 0
        while True:
            batch = list(accounts.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "token_ciphertext")[:batch_size])
            if not batch:
                break
            with transaction.atomic():
                for pk, ciphertext in batch:
                    _rotate_one(pk, ciphertext, tally, dry_run=dry_run)
            last_pk = batch[-1][0]
            if verbosity >= 1:
                self.stdout.write(f"Checked {tally.checked} of {total} tokens.")

        self._report(tally, total, dry_run=dry_run)

    def _report(self, tally: _Tally, total: int, *, dry_run: bool) -> None:
        verb = "Would re-encrypt" if dry_run else "Re-encrypted"
        summary = (
            f"{verb} {tally.rotated} of {total} tokens. {tally.current} already used the newest key, "
            f"{tally.changed} changed during the run and {len(tally.failed)} could not be decrypted."
        )
        logger.info("Key rotation finished: %s", summary)
        if tally.failed:
            listed = ", ".join(map(str, tally.failed[:MAX_LISTED_FAILURES]))
            more = f" and {len(tally.failed) - MAX_LISTED_FAILURES} more" if len(tally.failed) > MAX_LISTED_FAILURES else ""
            raise CommandError(
                f"{summary} Accounts whose token no key decrypts: {listed}{more}. Put the key those tokens "
                'were encrypted with back into INSTAGRAM["TOKEN_ENCRYPTION_KEYS"] after the newest key and '
                "run the command again, or unlink those accounts so their users connect again."
            )
        self.stdout.write(self.style.SUCCESS(summary))


class _Tally:
    """Counts of one run."""

    def __init__(self) -> None:
        self.checked = 0
        self.rotated = 0
        self.current = 0
        self.changed = 0
        self.failed: list[int] = []


def _rotate_one(pk: int, ciphertext: str, tally: _Tally, *, dry_run: bool) -> None:
    tally.checked += 1
    if crypto.is_current(ciphertext):
        tally.current += 1
        return

    try:
        rotated = crypto.rotate(ciphertext)
    except InstagramConfigurationError:
        logger.error("Could not re-encrypt the token of Instagram account %s: no configured key decrypts it.", pk)
        tally.failed.append(pk)
        return

    if dry_run:
        tally.rotated += 1
        return

    # Write only if the token is unchanged, so a refresh that stored a new token meanwhile
    # (already encrypted with the newest key) is not overwritten with the old token.
    written = InstagramAccount.objects.filter(pk=pk, token_ciphertext=ciphertext).update(token_ciphertext=rotated)
    if written:
        tally.rotated += 1
    else:
        tally.changed += 1
