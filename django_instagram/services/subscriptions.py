"""Webhook subscriptions of one account: the fields Meta delivers to the app's webhook for it.

Meta delivers an account's webhooks only after that account is subscribed with its own token,
even when the app's subscription in the Meta dashboard is complete. These calls exist only in the
Instagram API with Instagram Login, so with a legacy token they raise ``NotSupportedError``.

``subscribe_linked_account`` and ``unsubscribe_linked_account`` are the best-effort steps that
the login and disconnect views run when ``INSTAGRAM["WEBHOOK_FIELDS"]`` is set.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Iterable

from django.views.decorators.debug import sensitive_variables

from ..client.errors import InstagramError
from ..client.graph import WEBHOOK_FIELDS
from ..conf import instagram_settings
from ..resolution import GLOBAL
from ._dispatch import _call

logger = logging.getLogger(__name__)

SETTING = 'INSTAGRAM["WEBHOOK_FIELDS"]'


def subscribe_webhooks(fields: Iterable[str] | None = None, token: Any = GLOBAL) -> None:
    """Subscribe the account to the app's webhooks for ``fields`` (default: ``INSTAGRAM["WEBHOOK_FIELDS"]``).

    ``fields`` is checked before any request: an unknown name raises ``ValueError``. The token
    needs ``instagram_business_manage_comments`` for comment fields and
    ``instagram_business_manage_messages`` for messaging fields.
    """
    names = webhook_fields("subscribe_webhooks", fields)
    _call("subscribe_webhooks", token, graph=lambda g, cred: g.subscribe_webhooks(names, cred.token))


def webhook_subscriptions(token: Any = GLOBAL) -> tuple[str, ...]:
    """Return the webhook fields the account is subscribed to, or ``()`` when it is not subscribed."""
    return _call("webhook_subscriptions", token, graph=lambda g, cred: g.webhook_subscriptions(cred.token))


def unsubscribe_webhooks(token: Any = GLOBAL) -> None:
    """Remove the account's webhook subscription, so Meta stops delivering its changes to the app."""
    _call("unsubscribe_webhooks", token, graph=lambda g, cred: g.unsubscribe_webhooks(cred.token))


def webhook_fields(call: str, fields: Any) -> tuple[str, ...]:
    """Return ``fields`` without repeats, or raise ``TypeError`` or ``ValueError`` naming what is wrong.

    ``None`` means the fields of ``INSTAGRAM["WEBHOOK_FIELDS"]``.
    """
    source = "fields"
    if fields is None:
        fields, source = instagram_settings.WEBHOOK_FIELDS, SETTING
        if not fields:
            raise ValueError(
                f'{call}() needs webhook fields: pass fields=["comments", "messages"], or set {SETTING}.'
            )

    if isinstance(fields, (str, bytes)) or not isinstance(fields, Iterable):
        raise TypeError(
            f'{call}() needs {source} as a list of webhook field names such as ["comments"], not {_describe_value(fields)}.'
        )
    names = list(fields)
    wrong_types = [name for name in names if not isinstance(name, str)]
    if wrong_types:
        raise TypeError(f"{call}() needs {source} to contain only strings, not {_describe_value(wrong_types[0])}.")

    if not names:
        raise ValueError(f"{call}() needs at least one webhook field in {source}; accepted: {', '.join(WEBHOOK_FIELDS)}.")
    unknown = [name for name in dict.fromkeys(names) if name not in WEBHOOK_FIELDS]
    if unknown:
        raise ValueError(
            f"{call}() got unknown webhook field(s) {', '.join(map(_describe_value, unknown))} in {source}; "
            f"accepted: {', '.join(WEBHOOK_FIELDS)}."
        )
    return tuple(dict.fromkeys(names))


def _describe_value(value: Any) -> str:
    """Show a rejected value in an error message, unless it may be a token passed by mistake.

    ``subscribe_webhooks(token)`` looks as natural as ``unsubscribe_webhooks(token)``, so a value
    that is not a short lowercase name is described by its type and length instead.
    """
    if isinstance(value, str) and _FIELD_NAME.fullmatch(value):
        return repr(value)
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, (str, bytes)):
        return f"a {type(value).__name__} of {len(value)} characters"
    return f"a {type(value).__name__} object"


_FIELD_NAME = re.compile(r"[a-z_]{1,40}")


# Best-effort steps of the login and disconnect views -------------------------------------------


@sensitive_variables()
def subscribe_linked_account(account) -> bool:
    """Subscribe a just-linked Graph account to ``INSTAGRAM["WEBHOOK_FIELDS"]``; return whether it worked.

    Returns ``False`` at once when the setting is empty or the account uses the legacy API. Any
    error (from Instagram, an invalid setting, an unreadable token, a cache outage) is logged and
    not raised, so it cannot stop the login, and a rejected token does not mark the account for
    re-authorisation.
    """
    if not instagram_settings.WEBHOOK_FIELDS or account.api != "graph":
        return False
    try:
        names = webhook_fields("subscribe_webhooks", None)
    except (TypeError, ValueError) as error:
        logger.error("Did not subscribe Instagram account %s to webhooks: %s", account.pk, error)
        return False

    try:
        _call(
            "subscribe_webhooks", account, mark_reauth=False,
            graph=lambda g, cred: g.subscribe_webhooks(names, cred.token),
        )
    except Exception as error:  # noqa: BLE001 - a best-effort step must not fail the login
        _log_failure(error, "Could not subscribe Instagram account %s to webhooks %s", account.pk, ",".join(names))
        return False
    logger.info("Subscribed Instagram account %s to webhooks %s.", account.pk, ",".join(names))
    return True


@sensitive_variables()
def unsubscribe_linked_account(account) -> bool:
    """Remove the webhook subscription of a Graph account about to be unlinked; return whether it worked.

    Runs only while ``INSTAGRAM["WEBHOOK_FIELDS"]`` is set, and skips an account whose token
    Instagram already rejected. Any error is logged and not raised, so it cannot stop the unlink,
    and a rejected token does not mark the account for re-authorisation.
    """
    if not instagram_settings.WEBHOOK_FIELDS or account.api != "graph":
        return False
    if account.needs_reauth:
        logger.info("Did not unsubscribe Instagram account %s from webhooks: Instagram rejected its token.", account.pk)
        return False

    try:
        _call(
            "unsubscribe_webhooks", account, mark_reauth=False,
            graph=lambda g, cred: g.unsubscribe_webhooks(cred.token),
        )
    except Exception as error:  # noqa: BLE001 - a best-effort step must not block the unlink
        _log_failure(error, "Could not unsubscribe Instagram account %s from webhooks", account.pk)
        return False
    logger.info("Unsubscribed Instagram account %s from webhooks.", account.pk)
    return True


def _log_failure(error: Exception, message: str, *args: Any) -> None:
    """Log a failed best-effort step: an Instagram error with its message, any other with its traceback."""
    if isinstance(error, InstagramError):
        logger.warning(message + ": %s", *args, error)
    else:
        logger.warning(message + ": %s", *args, type(error).__name__, exc_info=True)
