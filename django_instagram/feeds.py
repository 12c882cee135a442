"""Reading an account's media for pages: target resolution and fail-soft fetching.

Template tags and views call these; they never raise because of Instagram.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from . import services
from .client.errors import InstagramError
from .client.types import Media
from .models import InstagramAccount

logger = logging.getLogger(__name__)


def resolve_account(target: Any) -> InstagramAccount | None:
    """Find the account a tag argument names: an account, a user (their first active account)
    or the Instagram username of a linked account."""
    if isinstance(target, InstagramAccount):
        return target
    if isinstance(target, AbstractBaseUser):
        return target.instagram_accounts.filter(status=InstagramAccount.Status.ACTIVE).order_by("created").first()
    if isinstance(target, str) and target:
        return InstagramAccount.objects.filter(username=target.lstrip("@")).order_by("created").first()
    return None


def recent_media(account: InstagramAccount, count: int) -> list[Media]:
    """The account's recent media, at most ``count``; an empty list when Instagram fails."""
    params = {"limit": count} if account.api == InstagramAccount.Api.GRAPH else {"count": count}
    try:
        return services.user_recent_media("self", params, token=account)[:count]
    except InstagramError as error:
        logger.warning("Could not load media of Instagram account %s: %s", account.pk, error)
        return []
