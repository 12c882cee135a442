"""The one place a site calls Instagram from.

Every call of the Elixtagram client is here under the same name, with typed results and the
errors of ``django_instagram.exceptions``. ``token`` defaults to ``GLOBAL``: the token set with
``configure(GLOBAL, token)`` or ``INSTAGRAM["ACCESS_TOKEN"]``, else (v1 only) the app's
``client_id``. It may also be a token string, an ``InstagramAccount``, or a site user with exactly
one linked account. Calls that take Elixtagram's map of parameters accept a dict or keyword
arguments; an unknown name raises ``TypeError`` that lists the accepted ones.

The API that serves a call is the account's own, or ``INSTAGRAM["API"]`` for a token string; a call
that API does not offer raises ``NotSupportedError``."""

from __future__ import annotations

import inspect

from django.views.decorators.debug import sensitive_variables

from ..resolution import GLOBAL, background_work
from ._dispatch import last_rate_limit_usage
from .configuration import authorize_url, configure, get_token
from .locations import (
    iter_location_recent_media, location, location_recent_media, location_recent_media_with_pagination,
    location_search,
)
from .media import (
    media, media_comment, media_comment_delete, media_comments, media_like, media_likes, media_popular,
    media_search, media_shortcode, media_unlike,
)
from .publishing import (
    comment_hide, comment_replies, comment_reply, content_publishing_limit, media_children, publish_carousel,
    publish_image, publish_video,
)
from .relationships import (
    iter_user_followed_by, iter_user_follows, user_followed_by, user_follows, user_relationship, user_requested_by,
)
from .subscriptions import subscribe_webhooks, unsubscribe_webhooks, webhook_subscriptions
from .tags import iter_tag_recent_media, tag, tag_recent_media, tag_recent_media_with_pagination, tag_search
from .users import (
    iter_user_feed, iter_user_media_liked, iter_user_recent_media, user, user_feed, user_media_liked,
    user_recent_media, user_recent_media_with_pagination, user_search,
)

__all__ = [
    "GLOBAL", "authorize_url", "background_work", "comment_hide", "comment_replies", "comment_reply",
    "configure", "content_publishing_limit", "get_token", "media_children", "publish_carousel",
    "publish_image", "publish_video", "iter_location_recent_media",
    "iter_tag_recent_media", "iter_user_feed", "iter_user_followed_by", "iter_user_follows",
    "iter_user_media_liked", "iter_user_recent_media", "last_rate_limit_usage", "location",
    "location_recent_media", "location_recent_media_with_pagination", "location_search", "media",
    "media_comment", "media_comment_delete", "media_comments", "media_like", "media_likes",
    "media_popular", "media_search", "media_shortcode", "media_unlike", "tag", "tag_recent_media",
    "tag_recent_media_with_pagination", "tag_search", "user", "user_feed", "user_followed_by",
    "user_follows", "user_media_liked", "user_recent_media", "user_recent_media_with_pagination",
    "user_relationship", "user_requested_by", "user_search", "subscribe_webhooks", "unsubscribe_webhooks",
    "webhook_subscriptions",
]


def _hide_locals_from_error_reports() -> None:
    """Wrap every public call in Django's ``sensitive_variables()``.

    Tokens travel as plain strings through the call and the client code below it. Django's error
    reports (the DEBUG=False e-mails to ADMINS, ``ExceptionReporter``) print local variables, and
    this marks every frame from the wrapped call down as sensitive.
    """
    for name in __all__:
        function = globals()[name]
        if inspect.isfunction(function) and function.__module__.startswith(__name__ + "."):
            globals()[name] = sensitive_variables()(function)


_hide_locals_from_error_reports()
