"""Refreshing the long-lived tokens of Instagram Login accounts.

Instagram renews a long-lived token (``GET /refresh_access_token``) only once it is 24 hours old
and only while it has not expired. An expired token cannot be renewed, so the user must log in
again. Each refresh runs with the account's row locked (``select_for_update``) and re-reads the
row after locking, so two processes refreshing the same account send one request between them.
The lock is held during the request, so other writers of that row wait for at most the client
timeout.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from . import ratelimit, signals
from .client import oauth
from .client.errors import InstagramError, OAuthAccessTokenError, RateLimitError
from .client.redaction import redact_text
from .client.types import AccessToken
from .exceptions import AccountError, NeedsReauthorizationError
from .models import InstagramAccount
from .resolution import Credential, transport

logger = logging.getLogger(__name__)

#: Instagram refuses to refresh a token younger than this.
MIN_TOKEN_AGE = timedelta(hours=24)


class RefreshNotAllowedError(InstagramError):
    """Instagram would refuse this refresh: a legacy token, a token under 24 hours old, or an expired one.

    ``reason`` is ``"legacy"``, ``"too_young"`` or ``"expired"``.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


class Outcome(str, enum.Enum):
    REFRESHED = "refreshed"
    SKIPPED = "skipped"
    FAILED = "failed"
    NEEDS_REAUTH = "needs_reauth"
    WOULD_REFRESH = "would_refresh"


@dataclass(frozen=True)
class RefreshResult:
    """The outcome of one account's refresh, with ``detail`` as a short explanation for logs and summaries."""

    account_id: int
    outcome: Outcome
    detail: str = ""
    expires_at: datetime | None = None


def refresh_blocker(account: InstagramAccount, now: datetime | None = None) -> RefreshNotAllowedError | None:
    """Return why Instagram would refuse to refresh this account's token now, or ``None``."""
    now = now or timezone.now()
    if account.api != InstagramAccount.Api.GRAPH:
        return RefreshNotAllowedError(
            f"Account {account.pk} uses the legacy v1 API, whose tokens do not expire and cannot be refreshed.",
            reason="legacy",
        )
    if account.is_expired(now):
        return RefreshNotAllowedError(
            f"The token of account {account.pk} expired at {account.token_expires_at:%Y-%m-%d %H:%M} UTC; "
            "an expired token cannot be refreshed, so the user must connect Instagram again.",
            reason="expired",
        )
    issued = account.token_refreshed_at
    if issued is not None and now - issued < MIN_TOKEN_AGE:
        return RefreshNotAllowedError(
            f"The token of account {account.pk} was issued at {issued:%Y-%m-%d %H:%M} UTC; Instagram refreshes "
            f"a token only once it is 24 hours old, so try after {issued + MIN_TOKEN_AGE:%Y-%m-%d %H:%M} UTC.",
            reason="too_young",
        )
    return None


@sensitive_variables()
def refresh_token(account: InstagramAccount, *, now: datetime | None = None) -> InstagramAccount:
    """Refresh the account's long-lived token now and return the account with the new token.

    Raises ``NeedsReauthorizationError`` for an account already marked, ``RefreshNotAllowedError``
    when Instagram would refuse (the account is marked for re-authorisation when the token has
    expired), ``OAuthAccessTokenError`` when Instagram rejects the token (the account is marked),
    and the client's other errors unchanged.
    """
    if account.needs_reauth:
        raise NeedsReauthorizationError(account)
    result, error = _refresh_locked(account.pk, now=now or timezone.now(), within=None, dry_run=False)
    if error is not None:
        raise error
    if result.outcome is Outcome.SKIPPED:
        raise AccountError(f"Account {account.pk} was not refreshed: {result.detail}.")
    account.refresh_from_db()
    return account


@sensitive_variables()
def refresh_if_due(
    account_id: int, *, within: timedelta, now: datetime | None = None, dry_run: bool = False
) -> RefreshResult:
    """Refresh the account's token if, once its row is locked, it still expires within ``within``.

    Never raises for Instagram's errors: they become a ``FAILED`` or ``NEEDS_REAUTH`` result, so
    one bad account does not stop a run over many.
    """
    result, _error = _refresh_locked(account_id, now=now or timezone.now(), within=within, dry_run=dry_run)
    return result


def accounts_due(within: timedelta, now: datetime | None = None) -> list[int]:
    """Return the ids of active Instagram Login accounts whose token expires within ``within``."""
    now = now or timezone.now()
    queryset = InstagramAccount.objects.filter(
        api=InstagramAccount.Api.GRAPH,
        status=InstagramAccount.Status.ACTIVE,
        token_expires_at__isnull=False,
        token_expires_at__lte=now + within,
    )
    return list(queryset.order_by("token_expires_at", "pk").values_list("pk", flat=True))


def _refresh_locked(account_id, *, now, within, dry_run) -> tuple[RefreshResult, Exception | None]:
    """Lock the row, re-check it, refresh it; return the result and the error a caller may raise."""
    with transaction.atomic():
        account = InstagramAccount.objects.select_for_update().filter(pk=account_id).first()
        skip = _skip_reason(account, now, within)
        if skip:
            return RefreshResult(account_id, Outcome.SKIPPED, skip), None

        blocker = refresh_blocker(account, now)
        if blocker is not None and blocker.reason != "expired":
            return RefreshResult(account_id, Outcome.SKIPPED, str(blocker)), blocker
        if dry_run:
            detail = "would be marked for re-authorisation (expired)" if blocker else "would be refreshed"
            return RefreshResult(account_id, Outcome.WOULD_REFRESH, detail, account.token_expires_at), None

        exhausted = ratelimit.budget_exhausted(account) if within is not None else None
        if exhausted:
            return RefreshResult(account_id, Outcome.SKIPPED, exhausted, account.token_expires_at), None

        if blocker is None:
            try:
                new_token = _request_refresh(account)
            except InstagramError as error:
                failure = error
            else:
                return _store(account, new_token, now), None
        else:
            failure = blocker

    return _record_failure(account, failure, now), failure


def _request_refresh(account: InstagramAccount) -> AccessToken:
    """Send the refresh request within the shared rate-limit budget, and record the usage it reports."""
    credential = Credential(account.api, account.access_token, account=account)
    ratelimit.check_budget(credential, "refresh_token")
    http = transport()
    try:
        return oauth.refresh_long_lived(http, account.access_token)
    except RateLimitError as error:
        ratelimit.record_rate_limit(credential, error)
        raise
    finally:
        ratelimit.record_usage(credential, http.last_usage)


def _skip_reason(account: InstagramAccount | None, now: datetime, within: timedelta | None) -> str:
    if account is None:
        return "the account was unlinked before its turn"
    if account.needs_reauth:
        return "the account needs re-authorisation"
    if within is None:
        return ""
    if account.token_expires_at is None or account.token_expires_at > now + within:
        return "already refreshed by another run"
    return ""


def _store(account: InstagramAccount, new_token: AccessToken, now: datetime) -> RefreshResult:
    """Save the returned token and expiry, even when Instagram returned the same token string."""
    unchanged = new_token.access_token == account.access_token
    account.access_token = new_token.access_token
    account.token_expires_at = new_token.expires_at(now)
    account.token_refreshed_at = now
    account.last_checked_at = now
    account.last_error = ""
    account.save(update_fields=[
        "token_ciphertext", "token_expires_at", "token_refreshed_at", "last_checked_at", "last_error", "updated",
    ])
    if account.token_expires_at is None:
        logger.warning("Instagram refreshed the token of account %s without expires_in; no expiry stored.", account.pk)
    logger.info(
        "Refreshed the token of Instagram account %s (%s token); it now expires at %s.",
        account.pk, "same" if unchanged else "new", account.token_expires_at,
    )
    transaction.on_commit(
        lambda: signals.token_refreshed.send(sender=InstagramAccount, account=account, expires_at=account.token_expires_at)
    )
    return RefreshResult(account.pk, Outcome.REFRESHED, "refreshed", account.token_expires_at)


def _record_failure(account: InstagramAccount, error: Exception, now: datetime) -> RefreshResult:
    """Mark the account for re-authorisation after a 190 or an expired token; else note the error."""
    message = redact_text(str(error))
    if isinstance(error, OAuthAccessTokenError) or getattr(error, "reason", "") == "expired":
        from .accounts import mark_needs_reauth

        mark_needs_reauth(account, message)
        return RefreshResult(account.pk, Outcome.NEEDS_REAUTH, message, account.token_expires_at)

    InstagramAccount.objects.filter(pk=account.pk).update(last_error=message[:2000], last_checked_at=now)
    logger.warning("Could not refresh the token of Instagram account %s: %s", account.pk, message)
    return RefreshResult(account.pk, Outcome.FAILED, message, account.token_expires_at)
