"""Issuing and checking sandbox codes and tokens with Instagram's rules."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from .models import SandboxCode, SandboxToken

#: Instagram's lifetimes: codes 1 hour, short-lived tokens 1 hour, long-lived tokens 60 days.
CODE_LIFETIME = timedelta(hours=1)
SHORT_LIVED = timedelta(hours=1)
LONG_LIVED = timedelta(days=60)
#: A long-lived token can be refreshed once it is this old.
REFRESH_MIN_AGE = timedelta(hours=24)


def new_code(*, api: str, client_id: str, redirect_uri: str, scopes: list[str], instagram_user_id: str) -> str:
    code = "AQ" + secrets.token_urlsafe(48)
    SandboxCode.objects.create(
        code=code, api=api, client_id=client_id, redirect_uri=redirect_uri, scopes=scopes,
        instagram_user_id=instagram_user_id,
    )
    return code


def new_token(*, api: str, kind: str, scopes: list[str], instagram_user_id: str) -> SandboxToken:
    now = timezone.now()
    if kind == SandboxToken.Kind.LEGACY:
        value = f"{instagram_user_id}.{secrets.token_hex(4)[:7]}.{secrets.token_hex(16)}"
        expires_at = None
    else:
        value = "IGAA" + secrets.token_urlsafe(96)
        expires_at = now + (SHORT_LIVED if kind == SandboxToken.Kind.SHORT_LIVED else LONG_LIVED)
    return SandboxToken.objects.create(
        token=value, api=api, kind=kind, scopes=scopes, instagram_user_id=instagram_user_id,
        issued_at=now, expires_at=expires_at,
    )


def find_token(value: str | None, *, api: str) -> SandboxToken | None:
    """Return the live token ``value`` of ``api``, or ``None`` if unknown, revoked or expired."""
    if not value:
        return None
    token = SandboxToken.objects.filter(token=value, api=api, revoked=False).first()
    if token is None or (token.expires_at is not None and token.expires_at <= timezone.now()):
        return None
    return token
