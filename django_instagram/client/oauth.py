"""OAuth helpers: authorize URLs and the code-for-token exchange, for both APIs.

v1 authorised at ``https://api.instagram.com/oauth/authorize/`` with space-separated scopes.
Instagram Login authorises at ``https://www.instagram.com/oauth/authorize`` with comma-separated
scopes. Both exchange the code with a form-encoded POST to
``https://api.instagram.com/oauth/access_token``. Instagram Login's code gives a short-lived
token (one hour), which ``exchange_long_lived`` trades for a long-lived one (60 days) that
``refresh_long_lived`` renews.

The two Graph token endpoints take the token as the ``access_token`` query parameter, as Meta
documents them, so their URLs are logged only through ``redact_url``.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import urlencode

from .envelopes import graph_error, v1_error
from .transport import Transport
from .types import AccessToken

LEGACY_AUTHORIZE_URL = "https://api.instagram.com/oauth/authorize/"
GRAPH_AUTHORIZE_URL = "https://www.instagram.com/oauth/authorize"
TOKEN_URL = "https://api.instagram.com/oauth/access_token"
LONG_LIVED_TOKEN_URL = "https://graph.instagram.com/access_token"
REFRESH_TOKEN_URL = "https://graph.instagram.com/refresh_access_token"

LEGACY_SCOPES = ("basic", "public_content", "follower_list", "comments", "relationships", "likes")


def build_authorize_url(
    base_url: str,
    *,
    client_id: str,
    redirect_uri: str,
    scopes: Iterable[str] | None = None,
    state: str | None = None,
    scope_separator: str = " ",
) -> str:
    """Build an authorize URL: ``client_id``, ``redirect_uri``, ``response_type=code``, then
    ``scope`` and ``state`` when given, form-encoded in that order."""
    params = [("client_id", client_id), ("redirect_uri", redirect_uri), ("response_type", "code")]
    scope_list = [str(scope) for scope in (scopes or ())]
    if scope_list:
        params.append(("scope", scope_separator.join(scope_list)))
    if state is not None:
        params.append(("state", state))
    separator = "&" if "?" in base_url else "?"
    return base_url + separator + urlencode(params)


def clean_code(code: str) -> str:
    """Strip the ``#_`` Instagram appends to the redirect, which is not part of the code.

    Raises ``ValueError`` for an empty code and ``TypeError`` for one that is not a string, so
    no request is sent that Instagram can only reject. Neither message includes the code.
    """
    if code is not None and not isinstance(code, str):
        raise TypeError(f"The authorisation code must be a string, not {type(code).__name__}.")
    code = (code or "").strip()
    if code.endswith("#_"):
        code = code[:-2]
    if not code:
        raise ValueError("The authorisation code is missing: pass the code Instagram sent to the redirect URI.")
    return code


def exchange_code(
    transport: Transport,
    code: str,
    *,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    api: str,
    token_url: str = TOKEN_URL,
) -> AccessToken:
    """Exchange an authorisation code for an access token (short-lived for Instagram Login)."""
    form = {
        "client_id": client_id,
        "client_secret": client_secret,
        "code": clean_code(code),
        "grant_type": "authorization_code",
        "redirect_uri": redirect_uri,
    }
    read_error = graph_error if api == "graph" else v1_error
    response = transport.request("POST", token_url, data=form, read_error=read_error)
    if api == "graph":
        return AccessToken.from_graph(response.body)
    return AccessToken.from_v1(response.body)


def exchange_long_lived(
    transport: Transport, short_lived_token: str, *, client_secret: str, url: str = LONG_LIVED_TOKEN_URL,
) -> AccessToken:
    """Trade a short-lived Instagram Login token for a long-lived one (``grant_type=ig_exchange_token``)."""
    params = {"grant_type": "ig_exchange_token", "client_secret": client_secret, "access_token": short_lived_token}
    response = transport.request("GET", url, params=params, read_error=graph_error)
    return AccessToken.from_graph(response.body)


def refresh_long_lived(transport: Transport, token: str, *, url: str = REFRESH_TOKEN_URL) -> AccessToken:
    """Renew a long-lived token (``grant_type=ig_refresh_token``).

    Instagram allows it once the token is 24 hours old and only while it has not expired. The
    response carries a token, possibly the same string, valid for 60 days from now.
    """
    params = {"grant_type": "ig_refresh_token", "access_token": token}
    response = transport.request("GET", url, params=params, read_error=graph_error)
    return AccessToken.from_graph(response.body)
