"""Runtime configuration and the OAuth steps: ``configure``, ``authorize_url`` and ``get_token``."""

from __future__ import annotations

from typing import Any, Iterable

from django.urls import reverse

from ..client import oauth
from ..client.types import AccessToken
from ..conf import instagram_settings
from ..resolution import GLOBAL, configured_api, transport


def configure(*args: Any) -> None:
    """Set runtime configuration for this process, over settings and the environment.

    ``configure()`` clears it; ``configure(client_id, client_secret, redirect_uri)`` sets the app
    credentials; ``configure(GLOBAL, token)`` sets the global token.
    """
    runtime = instagram_settings.runtime
    if not args:
        runtime.clear()
        return
    if len(args) == 2 and args[0] is GLOBAL:
        if not isinstance(args[1], str) or not args[1]:
            raise TypeError("configure(GLOBAL, token) needs a non-empty token string.")
        runtime["ACCESS_TOKEN"] = args[1]
        return
    if len(args) == 3:
        runtime.update(zip(("CLIENT_ID", "CLIENT_SECRET", "REDIRECT_URI"), args))
        return
    raise TypeError(
        "configure() takes no arguments, (client_id, client_secret, redirect_uri) or (GLOBAL, token)."
    )


def authorize_url(scopes: Iterable[str] | None = None, state: str | None = None, *, api: str | None = None) -> str:
    """Build the URL that sends a user to Instagram to authorise the app.

    With ``INSTAGRAM["SANDBOX"]`` on, the URL points at the sandbox's consent page on this site.
    """
    api = api or configured_api()
    scope_list = list(instagram_settings.scopes if scopes is None else scopes)
    if api == "legacy":
        _check_legacy_scopes(scope_list)
        base, separator = oauth.LEGACY_AUTHORIZE_URL, " "
    else:
        base, separator = oauth.GRAPH_AUTHORIZE_URL, ","
    if instagram_settings.SANDBOX:
        base = reverse("django_instagram_sandbox:authorize")
    return oauth.build_authorize_url(
        base,
        client_id=instagram_settings.require("CLIENT_ID"),
        redirect_uri=instagram_settings.require("REDIRECT_URI"),
        scopes=scope_list,
        state=state,
        scope_separator=separator,
    )


def _check_legacy_scopes(scopes: list[str]) -> None:
    unknown = [scope for scope in scopes if scope not in oauth.LEGACY_SCOPES]
    if unknown:
        raise ValueError(
            f"Unknown v1 scope(s) {', '.join(map(repr, unknown))}; use {', '.join(oauth.LEGACY_SCOPES)}."
        )


def get_token(code: str, *, api: str | None = None) -> AccessToken:
    """Exchange an authorisation code for an access token (``#_`` at the end is stripped)."""
    api = api or configured_api()
    return oauth.exchange_code(
        transport(),
        code,
        client_id=instagram_settings.require("CLIENT_ID"),
        client_secret=instagram_settings.require("CLIENT_SECRET"),
        redirect_uri=instagram_settings.require("REDIRECT_URI"),
        api=api,
    )
