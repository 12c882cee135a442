"""One-shot OAuth ``state`` values kept in the session, several pending logins at a time."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

SESSION_KEY = "django_instagram_oauth_states"
#: Seconds a pending login stays valid; Instagram's authorisation codes live one hour.
STATE_MAX_AGE = 3600
#: Pending logins kept per session; the oldest is dropped beyond this.
MAX_PENDING = 10


@dataclass(frozen=True)
class PendingLogin:
    next_url: str
    api: str
    created: float
    scopes: tuple[str, ...] = ()


class StateError(Exception):
    """The callback's state is missing, unknown, already used or expired."""


def issue(session, *, next_url: str, api: str, scopes: tuple[str, ...] = ()) -> str:
    """Store a new pending login, with the scopes its authorize URL requests, and return its state."""
    pending = dict(session.get(SESSION_KEY, {}))
    state = secrets.token_urlsafe(32)
    pending[state] = {"next": next_url, "api": api, "created": time.time(), "scopes": list(scopes)}
    if len(pending) > MAX_PENDING:
        for old in sorted(pending, key=lambda key: pending[key]["created"])[: len(pending) - MAX_PENDING]:
            del pending[old]
    session[SESSION_KEY] = pending
    return state


def consume(session, state: str | None, *, now: float | None = None) -> PendingLogin:
    """Remove and return the pending login of ``state``; raise ``StateError`` if it cannot be used."""
    if not state:
        raise StateError("missing")
    pending = dict(session.get(SESSION_KEY, {}))
    entry = pending.pop(state, None)
    session[SESSION_KEY] = pending
    if entry is None:
        raise StateError("unknown")
    now = time.time() if now is None else now
    if now - float(entry.get("created", 0)) > STATE_MAX_AGE:
        raise StateError("expired")
    scopes = entry.get("scopes")
    scopes = tuple(scope for scope in scopes if isinstance(scope, str)) if isinstance(scopes, list) else ()
    return PendingLogin(entry.get("next", ""), entry.get("api", "graph"), float(entry.get("created", 0)), scopes)
