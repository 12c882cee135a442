"""Django-side exceptions; the client's exception tree is in ``django_instagram.client.errors``."""

from django.core.exceptions import ImproperlyConfigured

from .client.errors import *  # noqa: F401,F403  (one import path for every error a site catches)
from .client.errors import InstagramError


class InstagramConfigurationError(ImproperlyConfigured):
    """A setting is missing or invalid; the message names the setting and the fix."""


class AccountError(InstagramError):
    """A call cannot pick an account or token: none linked, several linked, or re-authorisation needed."""


class NeedsReauthorizationError(AccountError):
    """The account's token was rejected by Instagram; the user must link the account again."""

    def __init__(self, account) -> None:
        self.account = account
        super().__init__(
            f"Instagram account {account.username or account.instagram_user_id} (account id {account.pk}) "
            "needs re-authorisation: its token was rejected. Ask the user to connect Instagram again."
        )
