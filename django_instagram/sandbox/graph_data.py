"""The media, comments and profile the Graph sandbox serves.

The catalogue is the recorded Graph media plus every recorded v1 media converted to the Graph
shape, so the sandbox account has enough posts to page through. All of it belongs to one
account, whose two ids are fixed here:

- ``GRAPH_USER_ID``: the Instagram professional account id (``user_id`` of ``/me``, the id
  webhooks send and publishing paths use);
- ``APP_SCOPED_ID``: the app-scoped ``id`` of ``/me``, which is also the ``user_id`` the code
  exchange returns. The two differ on purpose, so a site that stores the wrong one is caught.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from . import data
from .oauth_views import GRAPH_USER_ID

APP_SCOPED_ID = str(data.graph_body("me")["id"])

#: Recorded comments and replies, attached to the media and comment they were recorded under.
RECORDED_COMMENTS_MEDIA_ID = "21387158436090582"
RECORDED_REPLIES_COMMENT_ID = "38812624569807068"

_V1_TYPES = {"image": "IMAGE", "video": "VIDEO", "carousel": "CAROUSEL_ALBUM"}


def profile() -> dict[str, Any]:
    """Return the full ``/me`` object, before field selection."""
    me = data.graph_body("me")
    return {
        "id": APP_SCOPED_ID,
        "user_id": GRAPH_USER_ID,
        "username": me.get("username"),
        "name": "Sandbox Business",
        "account_type": me.get("account_type"),
        # me.json was recorded without profile_picture_url. The recorded v1 profile picture is
        # used instead, so pages show the linked profile with a picture.
        "profile_picture_url": data.v1_data("user").get("profile_picture"),
        "followers_count": 1280,
        "follows_count": 96,
        "media_count": len(_catalogue()),
    }


def _timestamp(epoch: Any) -> str | None:
    try:
        moment = datetime.fromtimestamp(float(epoch), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _url(renditions: Any) -> str | None:
    standard = (renditions or {}).get("standard_resolution") if isinstance(renditions, dict) else None
    return standard.get("url") if isinstance(standard, dict) else None


def from_v1(item: dict, username: str) -> dict[str, Any]:
    """Convert one recorded v1 media to the object Graph returns for the same post."""
    media_type = _V1_TYPES.get(str(item.get("type")), "IMAGE")
    converted: dict[str, Any] = {
        "id": str(item["id"]),
        "media_type": media_type,
        "media_product_type": "FEED",
        "permalink": item.get("link"),
        "shortcode": data.shortcode_of(item) or None,
        "timestamp": _timestamp(item.get("created_time")),
        "username": username,
        "like_count": (item.get("likes") or {}).get("count"),
        "comments_count": (item.get("comments") or {}).get("count"),
    }
    caption = item.get("caption")
    if isinstance(caption, dict) and caption.get("text"):
        converted["caption"] = caption["text"]
    if media_type == "VIDEO":
        converted["media_url"] = _url(item.get("videos"))
        converted["thumbnail_url"] = _url(item.get("images"))
    else:
        converted["media_url"] = _url(item.get("images"))
    children = [
        _child_from_v1(child, f"{item['id']}{index}", username)
        for index, child in enumerate(item.get("carousel_media") or [], start=1)
        if isinstance(child, dict)
    ]
    if children:
        converted["children"] = {"data": children}
    return {key: value for key, value in converted.items() if value is not None}


def _child_from_v1(child: dict, child_id: str, username: str) -> dict[str, Any]:
    """Album children have no caption, and v1 recorded none of their own ids."""
    converted = from_v1({**child, "id": child_id}, username)
    converted.pop("caption", None)
    return converted


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict, ...]:
    username = data.graph_body("me").get("username")
    recorded = []
    for name in ("me_media_page1", "me_media_page2", "user_media_page1"):
        recorded.extend(data.graph_body(name)["data"])
    carousel = data.graph_body("media_carousel")
    carousel["children"] = data.graph_body("media_children")
    recorded.append(carousel)
    for item in recorded:
        item.setdefault("username", username)
        item.setdefault("media_product_type", "FEED")
    seen = {item["id"] for item in recorded}
    converted = [from_v1(item, username) for item in data.all_media() if str(item["id"]) not in seen]
    return tuple(sorted(recorded + converted, key=lambda item: item.get("timestamp") or "", reverse=True))


def all_media() -> list[dict]:
    """Return fresh copies of every media of the sandbox account, newest first."""
    return copy.deepcopy(list(_catalogue()))


def find_media(media_id: str) -> dict | None:
    """Find a media or a carousel child by id."""
    for item in _catalogue():
        if item["id"] == media_id:
            return copy.deepcopy(item)
        for child in (item.get("children") or {}).get("data", []):
            if child.get("id") == media_id:
                return copy.deepcopy(child)
    return None


def recorded_comments(media_id: str) -> list[dict]:
    if media_id != RECORDED_COMMENTS_MEDIA_ID:
        return []
    return data.graph_body("comments_page1")["data"] + data.graph_body("comments_page2")["data"]


def recorded_replies(comment_id: str) -> list[dict]:
    if comment_id != RECORDED_REPLIES_COMMENT_ID:
        return []
    return data.graph_body("comment_replies")["data"]


def find_recorded_comment(comment_id: str) -> dict | None:
    for comment in recorded_comments(RECORDED_COMMENTS_MEDIA_ID) + recorded_replies(RECORDED_REPLIES_COMMENT_ID):
        if comment["id"] == comment_id:
            return comment
    return None
