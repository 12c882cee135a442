"""Turning a service call's ``token`` argument into a credential, and building the API clients.

``token`` may be ``GLOBAL``, a token string, an ``InstagramAccount`` or a site user with exactly
one linked account. The API that serves the call is the account's own; for a bare token string it is
``INSTAGRAM["API"]``.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Iterator

import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from .client.legacy import LegacyClient
from .client.session import InstagramSession
from .client.transport import NO_RETRIES, RetryPolicy, Transport
from .client.types import mask_token
from .conf import instagram_settings
from .exceptions import AccountError, InstagramConfigurationError, NeedsReauthorizationError

logger = logging.getLogger(__name__)

API_CHOICES = ("graph", "legacy")


class _GlobalToken:
    """The default ``token`` of every call, like Elixtagram's ``:global``."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "GLOBAL"

    def __reduce__(self):
        return (_GlobalToken, ())


GLOBAL = _GlobalToken()


@dataclass(frozen=True)
class Credential:
    """The credential a call authenticates with. ``token`` is ``None`` for client-id authentication."""

    api: str
    token: str | None = field(repr=False)
    account: Any = None
    client_id: str | None = None

    def __repr__(self) -> str:
        return (
            f"Credential(api={self.api!r}, token={mask_token(self.token)!r}, "
            f"account={getattr(self.account, 'pk', None)!r})"
        )

    @property
    def query(self) -> dict[str, str]:
        """The v1 credential parameter: ``access_token`` or ``client_id``."""
        if self.token:
            return {"access_token": self.token}
        return {"client_id": self.client_id or ""}


def configured_api() -> str:
    api = instagram_settings.API
    if api not in API_CHOICES:
        raise InstagramConfigurationError(
            f'INSTAGRAM["API"] is {api!r}; set it to "graph" (Instagram API with Instagram Login) '
            'or "legacy" (the v1 API).'
        )
    return api


def resolve(token: Any) -> Credential:
    """Return the credential a call made with ``token`` uses; raise ``AccountError`` if there is none."""
    from .models import InstagramAccount

    if token is GLOBAL or token is None:
        return _global_credential()
    if isinstance(token, str):
        if not token.strip():
            raise ValueError("token is an empty string; pass an access token, an account, a user or GLOBAL.")
        if " " in token or not token.isprintable():
            # Instagram's tokens are printable and have no spaces; a pasted line break would
            # otherwise fail deep in requests as an invalid header. Every whitespace character
            # other than " " is a Unicode separator or control character, so isprintable()
            # rejects it.
            raise ValueError(
                "token contains whitespace or control characters; pass the access token exactly as "
                "Instagram issued it, without quotes or line breaks."
            )
        return Credential(configured_api(), token)
    if isinstance(token, InstagramAccount):
        return _account_credential(token)
    if isinstance(token, AbstractBaseUser) or isinstance(token, get_user_model()):
        return _account_credential(_only_account_of(token))
    raise TypeError(
        f"token must be GLOBAL, an access token string, an InstagramAccount or a user, not {type(token).__name__}."
    )


def _global_credential() -> Credential:
    api = configured_api()
    token = instagram_settings.ACCESS_TOKEN
    if token:
        return Credential(api, token)
    if api == "graph":
        raise AccountError(
            'No global Instagram token: call configure(GLOBAL, token), set INSTAGRAM["ACCESS_TOKEN"], '
            "or pass token= (a token, an InstagramAccount or a user)."
        )
    return Credential(api, None, client_id=instagram_settings.require("CLIENT_ID"))


def _account_credential(account) -> Credential:
    if account.needs_reauth:
        raise NeedsReauthorizationError(account)
    return Credential(account.api, account.access_token, account=account)


def _only_account_of(user):
    accounts = list(user.instagram_accounts.all()[:2])
    label = f"{user.get_username()!r} (id {user.pk})"
    if not accounts:
        raise AccountError(f"User {label} has no linked Instagram account; link one at the login view first.")
    if len(accounts) > 1:
        raise AccountError(
            f"User {label} has several linked Instagram accounts; pass the InstagramAccount to use as token=."
        )
    return accounts[0]


# Transport and clients -----------------------------------------------------------------------

_background = contextvars.ContextVar("django_instagram_background", default=False)
_local = threading.local()


@contextlib.contextmanager
def background_work() -> Iterator[None]:
    """Allow retries with backoff sleeps inside this block (management commands, task queues).

    Outside it, requests are sent once: a web request never sleeps waiting for Instagram.
    """
    reset = _background.set(True)
    try:
        yield
    finally:
        _background.reset(reset)


def retry_policy() -> RetryPolicy:
    if not _background.get():
        return NO_RETRIES
    return RetryPolicy(
        max_retries=int(instagram_settings.MAX_RETRIES),
        backoff_cap=float(instagram_settings.RETRY_BACKOFF_CAP),
        retry_after_cap=float(instagram_settings.RETRY_AFTER_CAP),
    )


def _session() -> requests.Session:
    """Return this thread's session for the current mode, so connections are reused across calls."""
    sandbox = bool(instagram_settings.SANDBOX)
    sessions = getattr(_local, "sessions", None)
    if sessions is None:
        sessions = _local.sessions = {}
    if sandbox not in sessions:
        session = InstagramSession()
        if sandbox:
            from .sandbox.adapter import mount_sandbox

            mount_sandbox(session)
        sessions[sandbox] = session
    return sessions[sandbox]


def transport() -> Transport:
    return Transport(timeout=instagram_settings.timeout, session=_session(), retry=retry_policy())


def legacy_client() -> LegacyClient:
    signed = bool(instagram_settings.SIGNED_REQUESTS)
    # Signing keys the HMAC with the client secret, so a signed request without one cannot be built.
    secret = instagram_settings.require("CLIENT_SECRET") if signed else instagram_settings.CLIENT_SECRET
    return LegacyClient(transport(), client_secret=secret, signed_requests=signed)
