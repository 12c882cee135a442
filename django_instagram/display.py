"""Media made ready for HTML: safe URLs, renditions with sizes, alt text and linked captions.

Template tags and the example site render ``MediaView`` objects, never raw API values, so an
overriding template cannot forget a check: URLs are ``http``/``https`` only (``javascript:``
and ``data:`` become empty), and captions are escaped before hashtags and mentions are linked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .client.types import Image, Media

RENDITIONS = ("thumbnail", "low_resolution", "standard_resolution")

#: The width and height to reserve when Instagram sent none (Graph media): 1080 px is the
#: largest width Instagram serves, and CSS scales the picture down.
DEFAULT_SIZE = 1080

ELLIPSIS = "…"

# A hashtag is letters, digits and underscores. A mention uses the username alphabet.
# Neither may follow a word character, so "a@b.com" and "C#" stay text.
_TOKEN = re.compile(r"(?<![\w&])#(?P<tag>\w+)|(?<![\w.@])@(?P<user>[A-Za-z0-9._]{1,30})")


# The code points of Unicode category Cc (control characters).
_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")


def safe_url(url: object) -> str:
    """Return ``url`` if it is an absolute ``http`` or ``https`` URL, otherwise ``""``."""
    if not isinstance(url, str) or _CONTROL_CHARACTER.search(url):
        return ""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return url.strip()


@dataclass(frozen=True)
class Picture:
    url: str
    width: int
    height: int


def picture(media: Media, rendition: str = "standard_resolution") -> Picture | None:
    """Return the named rendition of a photo or video poster, else the nearest one, else ``None``."""
    if rendition not in RENDITIONS:
        raise ValueError(f"Invalid rendition {rendition!r}: use one of {', '.join(RENDITIONS)}.")
    order = [rendition, *[name for name in reversed(RENDITIONS) if name != rendition]]
    for name in order:
        image = media.images.get(name)
        if image is not None and safe_url(image.url):
            return _picture(image)
    if media.carousel_media:
        return picture(media.carousel_media[0], rendition)
    return None


def srcset(media: Media) -> str:
    """Build the ``srcset`` of the renditions with a known width, smallest first (``""`` if fewer than two)."""
    candidates = {}
    for name in RENDITIONS:
        image = media.images.get(name)
        if image is not None and image.width and safe_url(image.url):
            candidates[image.width] = f"{safe_url(image.url)} {image.width}w"
    return ", ".join(candidates[width] for width in sorted(candidates)) if len(candidates) > 1 else ""


def _picture(image: Image) -> Picture:
    if image.width and image.height:
        return Picture(safe_url(image.url), image.width, image.height)
    return Picture(safe_url(image.url), DEFAULT_SIZE, DEFAULT_SIZE)


# Text ------------------------------------------------------------------------------------------------


def _extends_cluster(cluster: str, char: str) -> bool:
    """Tell whether ``char`` continues the grapheme cluster ``cluster`` instead of starting one.

    NOTE: a subset of Unicode's extended grapheme clusters (UAX #29): combining marks, variation
    selectors, skin-tone modifiers, emoji tags, keycaps, ZWJ sequences and flag pairs. Hangul
    syllable and Indic conjunct rules are not applied.
    """
    code = ord(char)
    if code < 0x300 and not cluster.endswith("\u200d"):
        # No mark, selector, modifier or flag lies below U+0300 (the first combining mark).
        return cluster == "\r" and char == "\n"
    if unicodedata.category(char) in ("Mn", "Me", "Mc") or char == "\u200d":
        return True
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True
    if cluster.endswith("\u200d"):
        return True
    if 0x1F1E6 <= code <= 0x1F1FF:
        return len(cluster) == 1 and 0x1F1E6 <= ord(cluster) <= 0x1F1FF
    return cluster == "\r" and char == "\n"


def graphemes(text: str, limit: int | None = None) -> list[str]:
    """Split ``text`` into user-perceived characters, keeping emoji sequences whole.

    With ``limit``, return at most ``limit + 1`` clusters: enough to tell that the text is longer
    than ``limit``, with the first ``limit`` clusters complete.
    """
    clusters: list[str] = []
    for char in text:
        if clusters and _extends_cluster(clusters[-1], char):
            clusters[-1] += char
            continue
        if limit is not None and len(clusters) > limit:
            break
        clusters.append(char)
    return clusters


def truncate(text: str, length: int | None) -> str:
    """Cut ``text`` to ``length`` user-perceived characters, the last one being ``…`` when cut."""
    if length is None:
        return text
    if length < 1:
        raise ValueError(f"Invalid caption length {length!r}: use a positive number of characters.")
    # Every cluster contains at least one code point, so a text this short has nothing to cut.
    if len(text) <= length:
        return text
    clusters = graphemes(text, limit=length)
    if len(clusters) <= length:
        return text
    return "".join(clusters[: length - 1]).rstrip() + ELLIPSIS


def _clean(text: str) -> str:
    """Join surrogate pairs into one code point and replace lone surrogates with U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace") if text else ""


def linked_caption(text: str, length: int | None = None) -> SafeString:
    """Escape a caption, link its #hashtags and @mentions to instagram.com, and truncate it."""
    text = truncate(_clean(text or ""), length)
    parts: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        parts.append(escape(text[position:match.start()]))
        parts.append(_link(match))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


def _link(match: re.Match) -> str:
    if match.group("tag"):
        tag = match.group("tag")
        url = f"https://www.instagram.com/explore/tags/{quote(tag)}/"
        return format_html('<a href="{}" rel="nofollow noopener">#{}</a>', url, tag)
    user = match.group("user").rstrip(".")
    trailing = match.group("user")[len(user):]
    url = f"https://www.instagram.com/{quote(user)}/"
    return format_html('<a href="{}" rel="nofollow noopener">@{}</a>{}', url, user, trailing)


def alt_text(media: Media, length: int = 125) -> str:
    """Return the caption cut to ``length`` characters, or a description when the media has none."""
    caption = " ".join(_clean(media.caption_text).split())
    if caption:
        return truncate(caption, length)
    username = media.user.username if media.user else ""
    # Translate only the one description used: each gettext call is a catalog lookup.
    if media.type == "video":
        kind = _("Instagram video")
    elif media.type == "carousel":
        kind = _("Instagram carousel")
    else:
        kind = _("Instagram photo")
    return _("%(kind)s by @%(username)s") % {"kind": kind, "username": username} if username else kind


# Views ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaView:
    """A media with every value a template prints already checked."""

    id: str
    type: str
    link: str
    alt: str
    caption: str
    picture: Picture | None
    video_url: str
    username: str
    created_time: datetime | None
    likes_count: int | None
    comments_count: int | None
    media_product_type: str
    srcset: str = ""
    children: tuple[MediaView, ...] = ()
    media: Media | None = None

    @property
    def is_video(self) -> bool:
        return self.type == "video"

    @property
    def is_carousel(self) -> bool:
        return self.type == "carousel" or bool(self.children)


def media_view(media: Media, rendition: str = "standard_resolution") -> MediaView:
    """Build the ``MediaView`` of ``media`` and of each carousel child."""
    return MediaView(
        id=media.id or "",
        type=media.type,
        link=safe_url(media.link),
        alt=alt_text(media),
        caption=_clean(media.caption_text),
        picture=picture(media, rendition),
        video_url=safe_url(media.video_url),
        username=media.user.username if media.user else "",
        created_time=media.created_time,
        likes_count=media.likes_count,
        comments_count=media.comments_count,
        media_product_type=media.media_product_type or "",
        srcset=srcset(media),
        children=tuple(media_view(child, rendition) for child in media.carousel_media),
        media=media,
    )
