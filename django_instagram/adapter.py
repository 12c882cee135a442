"""The adapter: the parts of linking a site overrides, set with ``INSTAGRAM["ADAPTER"]``."""

from __future__ import annotations

from django.utils.module_loading import import_string

from .client.types import AccessToken, User
from .conf import instagram_settings


class DefaultAdapter:
    """Subclass and point ``INSTAGRAM["ADAPTER"]`` at the subclass to change linking."""

    def get_login_redirect_url(self, request) -> str:
        """Where the callback sends the user when the login carried no usable ``next``."""
        return instagram_settings.LOGIN_REDIRECT_URL

    def get_scopes(self, request, api: str) -> tuple[str, ...]:
        return instagram_settings.scopes

    def complete_login(self, request, code: str, api: str) -> tuple[AccessToken, User]:
        """Exchange ``code`` and return the token to store with the account's profile."""
        from . import services
        from .resolution import legacy_client

        if api == "graph":
            from .graph import complete_login

            return complete_login(code)
        token = services.get_token(code, api="legacy")
        profile = token.user or legacy_client().user("self", {"access_token": token.access_token})
        return token, profile

    def can_link(self, request, profile: User) -> bool:
        """Return False to refuse linking this Instagram account to ``request.user``."""
        return True


def get_adapter() -> DefaultAdapter:
    return import_string(instagram_settings.ADAPTER)()
