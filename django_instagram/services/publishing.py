"""Calls that exist only in the Instagram API with Instagram Login: carousel items, comment
replies and moderation, and content publishing.

With a legacy token they raise ``NotSupportedError``. Publishing waits for the media container,
so call it from background work when the wait (``INSTAGRAM["PUBLISH_TIMEOUT"]``) would hold up a
web request.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Mapping

from ..client.types import Comment, Media, PublishingLimit
from ..conf import instagram_settings
from ..resolution import GLOBAL, Credential
from ._dispatch import _account_id, _call

logger = logging.getLogger(__name__)


#: Instagram accepts 2 to 10 items in a carousel.
CAROUSEL_SIZE = (2, 10)


def media_children(media_id: Any, token: Any = GLOBAL) -> list[Media]:
    """Return the items of a carousel, without captions, or an empty list for an image or video."""
    return _call("media_children", token, graph=lambda g, cred: g.media_children(media_id, cred.token))


def comment_replies(comment_id: Any, token: Any = GLOBAL) -> list[Comment]:
    return _call("comment_replies", token, graph=lambda g, cred: g.comment_replies(comment_id, cred.token))


def comment_reply(comment_id: Any, text: str, token: Any = GLOBAL) -> str | None:
    """Reply to a comment on one of the account's media; return the reply's id."""
    _check_text("comment_reply", text)
    return _call("comment_reply", token, graph=lambda g, cred: g.reply(comment_id, text, cred.token))


def comment_hide(comment_id: Any, hidden: bool = True, token: Any = GLOBAL) -> None:
    """Hide a comment on one of the account's media (``hidden=False`` shows it again)."""
    if not isinstance(hidden, bool):
        raise TypeError(f"comment_hide() needs hidden as True or False, not {hidden!r}.")
    _call("comment_hide", token, graph=lambda g, cred: g.hide_comment(comment_id, hidden, cred.token))


def publish_image(image_url: str, caption: str | None = None, token: Any = GLOBAL, *, alt_text: str | None = None) -> str:
    """Publish a JPEG that Instagram downloads from ``image_url``; return the new media's id."""
    params = {"image_url": _public_url("publish_image", "image_url", image_url), "caption": caption, "alt_text": alt_text}
    return _call("publish_image", token, graph=lambda g, cred: _publish(g, cred, params))


def publish_video(
    video_url: str, caption: str | None = None, token: Any = GLOBAL, *, cover_url: str | None = None,
    share_to_feed: bool | None = None,
) -> str:
    """Publish a video as a reel (``media_type=REELS``); return the new media's id."""
    params = {
        "media_type": "REELS",
        "video_url": _public_url("publish_video", "video_url", video_url),
        "caption": caption,
        "cover_url": cover_url,
        "share_to_feed": share_to_feed,
    }
    return _call("publish_video", token, graph=lambda g, cred: _publish(g, cred, params))


def publish_carousel(items: Iterable[Any], caption: str | None = None, token: Any = GLOBAL) -> str:
    """Publish a carousel of 2 to 10 items; return the new media's id.

    Each item is an image URL, or a dict with ``image_url`` or ``video_url`` (and for images
    ``alt_text``). Every item's container must finish before the carousel's is created.
    """
    children = [_carousel_item(item) for item in items]
    low, high = CAROUSEL_SIZE
    if not low <= len(children) <= high:
        raise ValueError(f"publish_carousel() needs {low} to {high} items, not {len(children)}.")
    return _call("publish_carousel", token, graph=lambda g, cred: _publish_carousel(g, cred, children, caption))


def content_publishing_limit(token: Any = GLOBAL) -> PublishingLimit:
    """Return how many posts the account published through the API in the rolling window, and the quota."""
    return _call(
        "content_publishing_limit", token,
        graph=lambda g, cred: g.content_publishing_limit(_graph_user_id(cred), cred.token),
    )


def _check_text(call: str, text: Any) -> None:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{call}() needs a non-empty text, not {text!r}.")


def _public_url(call: str, name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise ValueError(f"{call}() needs {name} as a public http(s) URL that Instagram can download, not {value!r}.")
    return value


def _carousel_item(item: Any) -> dict[str, Any]:
    if isinstance(item, str):
        item = {"image_url": item}
    if not isinstance(item, Mapping) or len({"image_url", "video_url"} & set(item)) != 1:
        raise ValueError(
            f"publish_carousel() items are image URLs or dicts with image_url or video_url, not {item!r}."
        )
    unknown = set(item) - {"image_url", "video_url", "alt_text"}
    if unknown:
        raise ValueError(f"publish_carousel() item has unknown key(s) {', '.join(sorted(unknown))}.")
    params: dict[str, Any] = {"is_carousel_item": True, **item}
    for name in ("image_url", "video_url"):
        if name in params:
            _public_url("publish_carousel", name, params[name])
    if "video_url" in params:
        params["media_type"] = "VIDEO"
    return params


def _graph_user_id(cred: Credential) -> str:
    """Return the Instagram account id that publishing paths name; ``me`` for a bare token string."""
    # NOTE: Meta documents publishing only under /<IG user id>/; /me/media for a bare token is untested against Instagram.
    account_id = getattr(cred.account, "instagram_user_id", "")
    return account_id or "me"


def _publish_wait() -> dict[str, float]:
    return {
        "timeout": float(instagram_settings.PUBLISH_TIMEOUT),
        "interval": float(instagram_settings.PUBLISH_POLL_INTERVAL),
    }


def _publish(g, cred: Credential, params: Mapping[str, Any]) -> str:
    user_id = _graph_user_id(cred)
    container_id = g.create_container(user_id, params, cred.token)
    logger.info("Created media container %s for account %s.", container_id, _account_id(cred))
    return g.publish(user_id, container_id, cred.token, **_publish_wait())


def _publish_carousel(g, cred: Credential, children: list[dict[str, Any]], caption: str | None) -> str:
    user_id = _graph_user_id(cred)
    child_ids = []
    for child in children:
        child_id = g.create_container(user_id, child, cred.token)
        g.wait_for_container(child_id, cred.token, **_publish_wait())
        child_ids.append(child_id)
    params = {"media_type": "CAROUSEL", "children": ",".join(child_ids), "caption": caption}
    return _publish(g, cred, params)
