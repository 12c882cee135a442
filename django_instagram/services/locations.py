"""Location calls of the legacy v1 API."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ..client.pagination import DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, Page
from ..client.types import Location, Media
from ..resolution import GLOBAL
from ._dispatch import LOCATION_SEARCH, MEDIA_RANGE, _call, _iterate, _params, _with


def location(location_id: Any, token: Any = GLOBAL) -> Location:
    return _call("location", token, legacy=lambda c, auth: c.location(location_id, auth))


def location_recent_media_with_pagination(
    location_id: Any, params: Any = None, token: Any = GLOBAL, **kwargs: Any
) -> Page[Media]:
    query = _params("location_recent_media_with_pagination", params, kwargs, MEDIA_RANGE)
    return _call(
        "location_recent_media_with_pagination", token,
        legacy=lambda c, auth: c.location_recent_media(location_id, query, auth),
    )


def location_recent_media(location_id: Any, params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> list[Media]:
    query = _params("location_recent_media", params, kwargs, MEDIA_RANGE)
    return _call(
        "location_recent_media", token, legacy=lambda c, auth: c.location_recent_media(location_id, query, auth).data
    )


def iter_location_recent_media(
    location_id: Any, params: Any = None, token: Any = GLOBAL, *, max_items: int | None = DEFAULT_MAX_ITEMS,
    max_pages: int | None = DEFAULT_MAX_PAGES, **kwargs: Any,
) -> Iterator[Media]:
    query = _params("iter_location_recent_media", params, kwargs, MEDIA_RANGE)
    return _iterate(
        lambda cursor: location_recent_media_with_pagination(location_id, _with(query, "max_id", cursor), token),
        lambda page: page.pagination.next_max_id, max_items, max_pages,
    )


def location_search(params: Any = None, token: Any = GLOBAL, **kwargs: Any) -> list[Location]:
    """Search locations by exactly one of: ``lat`` and ``lng``, ``facebook_places_id``,
    ``foursquare_v2_id`` or ``foursquare_id`` (plus ``distance`` and ``count``)."""
    query = _params("location_search", params, kwargs, LOCATION_SEARCH)
    _check_location_selector(query)
    return _call("location_search", token, legacy=lambda c, auth: c.location_search(query, auth))


def _check_location_selector(query: Mapping[str, Any]) -> None:
    selectors = [name for name in ("facebook_places_id", "foursquare_v2_id", "foursquare_id") if name in query]
    has_lat, has_lng = "lat" in query, "lng" in query
    if has_lat != has_lng:
        raise ValueError("location_search() needs lat and lng together.")
    if has_lat:
        selectors.append("lat+lng")
    if len(selectors) != 1:
        raise ValueError(
            "location_search() needs exactly one of lat+lng, facebook_places_id, foursquare_v2_id or "
            f"foursquare_id; got {', '.join(selectors) or 'none'}."
        )
