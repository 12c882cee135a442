"""Recorded Instagram responses that the sandbox serves, loaded once and never modified."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DATA_DIR = Path(__file__).resolve().parent / "data"

#: The v1 account a sandbox login signs in as (the owner of the recorded token exchange).
SANDBOX_USER_ID = "57451593"


@lru_cache(maxsize=None)
def _v1_interactions(name: str) -> tuple:
    with open(DATA_DIR / "v1" / f"{name}.json", encoding="utf-8") as handle:
        return tuple(json.load(handle))


def v1_body(name: str, index: int = 0) -> Any:
    """Parse and return the body of interaction ``index`` in recording ``name`` (a fresh copy)."""
    return json.loads(_v1_interactions(name)[index]["response"]["body"])


def v1_data(name: str, index: int = 0) -> Any:
    return v1_body(name, index).get("data")


def recorded_id(name: str) -> str:
    """Return the id or name in a recording's request path, as ``{id}`` in ``/v1/media/{id}/likes``."""
    path = urlsplit(_v1_interactions(name)[0]["request"]["url"]).path
    return path.split("/")[3]


@lru_cache(maxsize=None)
def _graph(name: str) -> Any:
    with open(DATA_DIR / "graph" / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


def graph_body(name: str) -> Any:
    return copy.deepcopy(_graph(name))


MEDIA_RECORDINGS = (
    "user_recent_media", "media", "media_shortcode", "media_popular", "media_search",
    "location_recent_media", "tag_recent_media", "user_media_liked_auth_explicit",
    "user_feed_auth_explicit", "user_recent_media_self_with_pagination",
)


@lru_cache(maxsize=1)
def _media_index() -> dict[str, dict]:
    index: dict[str, dict] = {}
    for name in MEDIA_RECORDINGS:
        data = v1_data(name)
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and item.get("id"):
                index.setdefault(str(item["id"]), item)
    return index


def all_media() -> list[dict]:
    return [copy.deepcopy(item) for item in _media_index().values()]


def find_media(media_id: str) -> dict | None:
    item = _media_index().get(str(media_id))
    return copy.deepcopy(item) if item else None


def shortcode_of(media: dict) -> str:
    path = urlsplit(str(media.get("link") or "")).path.strip("/").split("/")
    return path[1] if len(path) >= 2 and path[0] == "p" else ""


def _recorded_shortcode() -> str:
    """Return the shortcode the ``media_shortcode`` recording was requested with (its link names another)."""
    url = _v1_interactions("media_shortcode")[0]["request"]["url"]
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def find_media_by_shortcode(shortcode: str) -> dict | None:
    if shortcode == _recorded_shortcode():
        return v1_data("media_shortcode")
    for item in _media_index().values():
        if shortcode_of(item) == shortcode:
            return copy.deepcopy(item)
    return None
