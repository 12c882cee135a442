"""The state of an account's token as admins and API clients see it, computed from the model.

The stored ``status`` only records whether Instagram rejected the token. Whether a token is
expired or expires soon follows from ``token_expires_at``, so it is computed here and never
stored: it changes with the clock, not with a write.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .conf import instagram_settings


class TokenState(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRING_SOON = "expiring_soon", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
    NEEDS_REAUTH = "needs_reauth", _("Needs re-authorisation")


def expiring_window() -> timedelta:
    """Return how long before its expiry a token counts as expiring soon (``REFRESH_WITHIN_DAYS``)."""
    return timedelta(days=float(instagram_settings.REFRESH_WITHIN_DAYS))


def token_state(account, now: datetime | None = None) -> TokenState:
    """Return the state of ``account``'s token. A rejected token wins over its expiry date."""
    from .models import InstagramAccount

    now = now or timezone.now()
    if account.status == InstagramAccount.Status.NEEDS_REAUTH:
        return TokenState.NEEDS_REAUTH
    if account.is_expired(now):
        return TokenState.EXPIRED
    if account.expires_soon(expiring_window(), now):
        return TokenState.EXPIRING_SOON
    return TokenState.ACTIVE


def filter_by_state(queryset: QuerySet, state: str, now: datetime | None = None) -> QuerySet:
    """Narrow ``queryset`` to accounts whose ``token_state`` is ``state``, in one SQL filter."""
    from .models import InstagramAccount

    now = now or timezone.now()
    needs_reauth = Q(status=InstagramAccount.Status.NEEDS_REAUTH)
    expired = Q(token_expires_at__lte=now)
    expiring = Q(token_expires_at__gt=now, token_expires_at__lte=now + expiring_window())
    if state == TokenState.NEEDS_REAUTH:
        return queryset.filter(needs_reauth)
    if state == TokenState.EXPIRED:
        return queryset.exclude(needs_reauth).filter(expired)
    if state == TokenState.EXPIRING_SOON:
        return queryset.exclude(needs_reauth).filter(expiring)
    if state == TokenState.ACTIVE:
        return queryset.exclude(needs_reauth).exclude(expired).exclude(expiring)
    raise ValueError(f"Invalid token state {state!r}: use one of {', '.join(TokenState.values)}.")
