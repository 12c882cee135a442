"""Operations on one linked account that the admin and the REST API share: check and refresh.

Both run inside a web request, so the service layer sends each request once without retries
(see ``resolution.background_work``): one account costs at most the client timeout.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .client.errors import InstagramError
from .exceptions import AccountError, NeedsReauthorizationError
from .models import InstagramAccount

logger = logging.getLogger(__name__)


class RefreshNotPossibleError(AccountError):
    """The token cannot be refreshed now or ever: legacy v1, expired, or under 24 hours old."""


def check_account(account: InstagramAccount) -> InstagramAccount:
    """Read the account's profile with its token and record the result on the account.

    On success the profile fields are updated and ``last_error`` is cleared. On failure the error
    is stored in ``last_error`` and raised again. A rejected token has already marked the account
    as needing re-authorisation in the service layer.
    """
    logger.info("Checking the token of Instagram account %s.", account.pk)
    account.last_checked_at = timezone.now()
    try:
        profile = services.user("self", token=account)
    except NeedsReauthorizationError:
        InstagramAccount.objects.filter(pk=account.pk).update(last_checked_at=account.last_checked_at)
        raise
    except InstagramError as error:
        _record_error(account, error)
        raise

    account.username = profile.username or account.username
    account.full_name = profile.full_name
    account.profile_picture_url = profile.profile_picture or ""
    account.account_type = profile.account_type or account.account_type
    account.last_error = ""
    account.save(update_fields=[
        "username", "full_name", "profile_picture_url", "account_type", "last_error", "last_checked_at", "updated",
    ])
    return account


def _record_error(account: InstagramAccount, error: Exception) -> None:
    logger.warning("Token check of Instagram account %s failed: %s", account.pk, error)
    account.last_error = str(error)[:2000]
    InstagramAccount.objects.filter(pk=account.pk).update(
        last_error=account.last_error, last_checked_at=account.last_checked_at, updated=timezone.now()
    )


def refresh_account(account: InstagramAccount):
    """Refresh the account's long-lived token through ``django_instagram.tokens.refresh_token``.

    Raises ``RefreshNotPossibleError`` for legacy v1 accounts, whose tokens Instagram never
    refreshed, and when Instagram would reject the refresh (an expired token, or one under 24
    hours old).
    """
    if account.api == InstagramAccount.Api.LEGACY:
        raise RefreshNotPossibleError(
            _("Legacy v1 tokens cannot be refreshed; the owner of @%(username)s must connect Instagram again.")
            % {"username": account.username}
        )
    from .tokens import RefreshNotAllowedError, refresh_token

    logger.info("Refreshing the token of Instagram account %s.", account.pk)
    try:
        return refresh_token(account)
    except RefreshNotAllowedError as error:
        logger.info("Instagram account %s was not refreshed: %s", account.pk, error)
        raise RefreshNotPossibleError(str(error)) from error
