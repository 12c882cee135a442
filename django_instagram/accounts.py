"""Linking, unlinking and marking Instagram accounts; the views, admin and services share these."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from . import signals
from .cache import invalidate_account
from .client.types import AccessToken, User
from .exceptions import AccountError
from .models import InstagramAccount

logger = logging.getLogger(__name__)


class AccountLinkedElsewhereError(AccountError):
    """The Instagram account is already linked to another site user; the existing link is kept."""


@sensitive_variables()
def link_account(
    site_user, token: AccessToken, profile: User, *, api: str, requested_scopes: tuple[str, ...] = ()
) -> tuple[InstagramAccount, bool]:
    """Create or update the account for ``profile`` owned by ``site_user`` with ``token``.

    The account's scopes are the ones the token response names (Graph ``permissions``). A v1
    token response names none, so a legacy account stores ``requested_scopes``, the scopes its
    login requested, with ``basic``, which every v1 token has.

    Raises ``AccountLinkedElsewhereError`` when another site user owns that Instagram account.
    """
    if not profile.id:
        raise AccountError(_("Instagram did not return the account's id; try connecting again."))
    with transaction.atomic():
        account = (
            InstagramAccount.objects.select_for_update()
            .filter(api=api, instagram_user_id=profile.id)
            .first()
        )
        if account is not None and account.user_id != site_user.pk:
            logger.warning(
                "Refused to link Instagram account %s to user %s: it belongs to user %s.",
                profile.id, site_user.pk, account.user_id,
            )
            raise AccountLinkedElsewhereError(
                _("This Instagram account is already linked to another user of this site.")
            )
        created = account is None
        if created:
            account = InstagramAccount(user=site_user, api=api, instagram_user_id=profile.id)
        _apply(account, token, profile)
        if api == "legacy" and not token.permissions:
            account.scopes = list(dict.fromkeys(("basic", *requested_scopes)))
        account.save()
    logger.info("Linked Instagram account %s (account %s) to user %s.", profile.id, account.pk, site_user.pk)
    signals.account_linked.send(sender=InstagramAccount, account=account, created=created)
    return account, created


def _apply(account: InstagramAccount, token: AccessToken, profile: User) -> None:
    now = timezone.now()
    account.access_token = token.access_token
    account.token_expires_at = token.expires_at(now)
    account.token_refreshed_at = now
    account.app_scoped_id = profile.app_scoped_id or ""
    account.username = profile.username
    account.full_name = profile.full_name
    account.profile_picture_url = profile.profile_picture or ""
    account.account_type = profile.account_type or ""
    if token.permissions:
        account.scopes = list(token.permissions)
    account.status = InstagramAccount.Status.ACTIVE
    account.last_error = ""


def unlink_account(account: InstagramAccount) -> None:
    """Delete the account, its token and what the cache contains of it, after sending ``account_unlinked``."""
    signals.account_unlinked.send(sender=InstagramAccount, account=account)
    account_id, user_id = account.pk, account.user_id
    account.delete()
    invalidate_account(account_id)
    logger.info("Unlinked Instagram account %s of user %s.", account_id, user_id)


def mark_needs_reauth(account: InstagramAccount, message: str) -> None:
    """Record that Instagram rejected the token; further calls with it stop until the user relinks."""
    InstagramAccount.objects.filter(pk=account.pk).update(
        status=InstagramAccount.Status.NEEDS_REAUTH, last_error=message[:2000], updated=timezone.now()
    )
    account.status = InstagramAccount.Status.NEEDS_REAUTH
    account.last_error = message
    logger.warning("Instagram account %s (user %s) needs re-authorisation.", account.pk, account.user_id)
    signals.account_needs_reauth.send(sender=InstagramAccount, account=account)
