"""Signals sent as linked accounts change.

All send ``sender=InstagramAccount`` and ``account=<the account>``.
"""

from django.dispatch import Signal

#: A site user linked an Instagram account (new or updated); also ``created`` (bool).
account_linked = Signal()
#: A site user unlinked an account; sent before the row is deleted.
account_unlinked = Signal()
#: Instagram rejected the account's token (error 190 or OAuthAccessTokenException).
account_needs_reauth = Signal()
#: The account's long-lived token was refreshed; also ``expires_at``.
token_refreshed = Signal()
#: A webhook change arrived; ``sender`` is ``None`` and kwargs are ``object``, ``entry``, ``change``.
webhook_received = Signal()
