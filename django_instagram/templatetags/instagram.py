"""Template tags: ``{% load instagram %}`` then ``{% instagram_feed target %}`` and ``{% instagram_profile target %}``."""

from __future__ import annotations

from django import template

from ..feeds import recent_media, resolve_account

register = template.Library()

DEFAULT_COUNT = 12


@register.inclusion_tag("django_instagram/feed.html")
def instagram_feed(target, count=DEFAULT_COUNT, template=None):
    """Render the recent media of an account, a user's account, or a linked username as a grid."""
    account = resolve_account(target)
    media = recent_media(account, int(count)) if account is not None else []
    return {"account": account, "media_list": media}


@register.inclusion_tag("django_instagram/profile.html")
def instagram_profile(target):
    """Render the profile (picture, username, full name) of a linked account."""
    return {"account": resolve_account(target)}
