"""Template tags and filters: ``{% load instagram %}``.

Tags: ``instagram_feed``, ``instagram_media``, ``instagram_profile`` and ``instagram_styles``.
Filters: ``instagram_image_url`` and ``instagram_caption``. Every tag takes ``template=`` to
render another template, and every template they use can be overridden by a site's own copy.
The tags never raise because of Instagram: they render the last good data or the empty state.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..client.types import Media
from ..display import MediaView, linked_caption, media_view, picture, safe_url
from ..feeds import recent_media_views, resolve_account

register = template.Library()

DEFAULT_COUNT = 12
FEED_TEMPLATE = "django_instagram/feed.html"
MEDIA_TEMPLATE = "django_instagram/media.html"
PROFILE_TEMPLATE = "django_instagram/profile.html"


def _render(context, name: str, values: dict) -> SafeString:
    return render_to_string(name, values, request=context.get("request"))


def _positive(name: str, value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1 or isinstance(value, bool):
        raise template.TemplateSyntaxError(f"{name} must be a positive whole number, not {value!r}.")
    return number


@register.simple_tag(takes_context=True)
def instagram_feed(context, target, count=DEFAULT_COUNT, template=None):
    """Render the recent media of an account, a user's first active account, or a linked username.

    ``{% instagram_feed account count=9 template="myapp/feed.html" %}``
    """
    count = _positive("instagram_feed count", count)
    account = resolve_account(target)
    items = recent_media_views(account, count) if account is not None else []
    return _render(context, template or FEED_TEMPLATE, {"account": account, "items": items, "count": count})


@register.simple_tag(takes_context=True)
def instagram_media(context, media, template=None):
    """Render one media: a picture, a video with its poster, or a carousel of its children."""
    if media is None or media == "":
        return ""
    item = media if isinstance(media, MediaView) else media_view(_require_media(media))
    return _render(context, template or MEDIA_TEMPLATE, {"item": item})


def _require_media(value) -> Media:
    if not isinstance(value, Media):
        raise template.TemplateSyntaxError(
            f"instagram_media needs a Media (from django_instagram.services), not {type(value).__name__}."
        )
    return value


@register.simple_tag(takes_context=True)
def instagram_profile(context, target, template=None):
    """Render the stored profile (picture, username, full name) of a linked account."""
    account = resolve_account(target)
    values = {
        "account": account,
        "picture_url": safe_url(account.profile_picture_url) if account else "",
    }
    return _render(context, template or PROFILE_TEMPLATE, values)


@register.simple_tag
def instagram_styles():
    """Link the stylesheet of the default templates: a responsive grid, no CSS framework."""
    return format_html('<link rel="stylesheet" href="{}">', static("django_instagram/instagram.css"))


@register.filter
def instagram_image_url(media, rendition="standard_resolution"):
    """Return the URL of a media's rendition (``thumbnail``, ``low_resolution``, ``standard_resolution``).

    Falls back to the nearest rendition, and returns ``""`` for values that are not media or have
    no picture.
    """
    if isinstance(media, MediaView):
        media = media.media
    if not isinstance(media, Media):
        return ""
    try:
        found = picture(media, rendition)
    except ValueError as error:
        raise template.TemplateSyntaxError(str(error)) from error
    return found.url if found else ""


@register.filter
def instagram_caption(value, length=None):
    """Escape a caption, link #hashtags and @mentions, and cut it to ``length`` characters.

    ``value`` is a caption string, a ``Media`` or a ``MediaView``. Cutting counts user-perceived
    characters, so an emoji with a skin tone or a ZWJ family is never split.
    """
    if isinstance(value, MediaView):
        value = value.caption
    elif isinstance(value, Media):
        value = value.caption_text
    if length is not None:
        length = _positive("instagram_caption length", length)
    return linked_caption(value if isinstance(value, str) else "", length)
