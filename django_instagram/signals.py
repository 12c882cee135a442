"""Signals sent as linked accounts change, and as Meta's webhooks and callbacks arrive.

The account signals send ``sender=InstagramAccount`` and ``account=<the account>``. The last two
list their own arguments.
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
#: A webhook change arrived. ``sender`` is ``None``, and the kwargs are ``object`` (such as
#: "instagram"), ``entry``, ``field`` (such as "comments" or "messages") and ``change``.
#: ``entry["id"]`` is the account's Instagram user id, and ``change`` is one item of the entry's
#: ``changes``, ``messaging`` or ``standby`` list.
webhook_received = Signal()
#: Meta requested the deletion of an Instagram user's data, and that user's accounts are deleted.
#: ``sender`` is ``DataDeletionRequest``, and the kwargs are ``deletion_request`` and
#: ``instagram_user_id``. Receivers delete what else the site stored of that user.
data_deletion_requested = Signal()
