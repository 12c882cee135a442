"""The Django side of the Instagram API with Instagram Login: the client and the login steps.

``graph_client()`` builds the client the service module uses, with the Graph version from
``INSTAGRAM["GRAPH_API_VERSION"]``. ``complete_login(code)`` runs the three requests that turn an
authorisation code into a stored credential: the code exchange, the long-lived exchange and
``/me``.
"""

from __future__ import annotations

import logging
import time

from django.views.decorators.debug import sensitive_variables

from .client import oauth
from .client.graph import GraphClient
from .client.types import AccessToken, User
from .conf import instagram_settings
from .resolution import transport

logger = logging.getLogger(__name__)

#: The sleep function and clock of the publishing wait; tests replace both.
sleep = time.sleep
clock = time.monotonic


def graph_client() -> GraphClient:
    return GraphClient(
        transport(),
        version=str(instagram_settings.GRAPH_API_VERSION or ""),
        sleep=lambda seconds: sleep(seconds),
        clock=lambda: clock(),
    )


@sensitive_variables()
def complete_login(code: str) -> tuple[AccessToken, User]:
    """Exchange ``code`` (``#_`` stripped) and return the long-lived token with the profile.

    The short-lived token of the code exchange is used once, for the long-lived exchange, and
    never returned. The profile comes from ``/me``, which gives both ``user_id`` (the account
    id webhooks use) and the app-scoped ``id``. The code exchange's ``user_id`` is not used,
    because it may be the app-scoped id.
    """
    http = transport()
    short_lived = oauth.exchange_code(
        http,
        code,
        client_id=instagram_settings.require("CLIENT_ID"),
        client_secret=instagram_settings.require("CLIENT_SECRET"),
        redirect_uri=instagram_settings.require("REDIRECT_URI"),
        api="graph",
    )
    long_lived = oauth.exchange_long_lived(
        http, short_lived.access_token, client_secret=instagram_settings.require("CLIENT_SECRET")
    )
    profile = graph_client().me(long_lived.access_token)
    logger.info(
        "Instagram login exchanged a code for a long-lived token of Instagram account %s (expires in %s s).",
        profile.id, long_lived.expires_in,
    )
    token = AccessToken(
        access_token=long_lived.access_token,
        user=profile,
        user_id=profile.id,
        permissions=short_lived.permissions,
        token_type=long_lived.token_type,
        expires_in=long_lived.expires_in,
    )
    return token, profile
