"""Endpoints of the legacy Instagram v1 API (api.instagram.com/v1).

Each method builds one request, with path segments and query values URL-encoded and POST bodies
form-encoded, and parses the response into the types of ``types``. ``auth`` is the credential
parameter of the call: ``{"access_token": ...}`` or ``{"client_id": ...}``.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Mapping
from urllib.parse import quote

from .envelopes import v1_error
from .pagination import CursorPage, Page, Pagination
from .transport import ApiResponse, Transport
from .types import Comment, Location, Media, Relationship, Tag, UnexpectedResponseError, User, UserSearchResult

API_BASE_URL = "https://api.instagram.com/v1"

RELATIONSHIP_ACTIONS = ("follow", "unfollow", "block", "unblock", "approve", "ignore")


def signature(endpoint: str, params: Mapping[str, Any], secret: str) -> str:
    """Compute v1's ``sig``: hex HMAC-SHA256 of ``endpoint|k=v|...`` over sorted parameters."""
    message = endpoint + "".join(f"|{key}={params[key]}" for key in sorted(params))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _segment(value: Any) -> str:
    if value is None or isinstance(value, bool):
        raise ValueError(f"An Instagram id or name in a URL path must be a string or an integer, not {value!r}.")
    text = str(value)
    if not text:
        raise ValueError("An Instagram id or name in a URL path must not be empty.")
    # urllib3 resolves "." and ".." segments before sending, which would reach another endpoint.
    if text in (".", ".."):
        raise ValueError(f"An Instagram id or name in a URL path cannot be {text!r}, because the request would go to another endpoint.")
    return quote(text, safe="")


def _clean(params: Mapping[str, Any] | None) -> dict[str, str]:
    return {key: str(value) for key, value in (params or {}).items() if value is not None}


class LegacyClient:
    """The v1 API over one ``Transport``."""

    api = "legacy"

    def __init__(
        self,
        transport: Transport,
        *,
        base_url: str = API_BASE_URL,
        client_secret: str | None = None,
        signed_requests: bool = False,
    ) -> None:
        if signed_requests and not client_secret:
            raise ValueError("signed_requests=True needs the app's client_secret, which keys the sig HMAC.")
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.client_secret = client_secret
        self.signed_requests = signed_requests

    # Requests -------------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, auth: Mapping[str, str], params: Mapping[str, Any] | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> ApiResponse:
        query = {**_clean(auth), **_clean(params)}
        body = _clean(form) if form is not None else None
        if self.signed_requests:
            query["sig"] = signature(path, {**query, **(body or {})}, self.client_secret)
        return self.transport.request(
            method, self.base_url + path, params=query, data=body, read_error=v1_error
        )

    def _data(self, method: str, path: str, auth, params=None, form=None) -> Any:
        body = self._call(method, path, auth, params, form).body
        return body.get("data") if isinstance(body, dict) else None

    def _page(self, path: str, auth, params, parse) -> Page:
        body = self._call("GET", path, auth, params).body
        body = body if isinstance(body, dict) else {}
        return Page(_parse_list(body.get("data"), parse), Pagination.from_v1(body.get("pagination")))

    def _list(self, path: str, auth, params, parse) -> list:
        return _parse_list(self._data("GET", path, auth, params), parse)

    # Tags ---------------------------------------------------------------------------------

    def tag(self, name: str, auth) -> Tag:
        return Tag.from_v1(self._data("GET", f"/tags/{_segment(name)}", auth))

    def tag_search(self, query: str, auth) -> list[Tag]:
        return self._list("/tags/search", auth, {"q": query}, Tag.from_v1)

    def tag_recent_media(self, name: str, params, auth) -> Page[Media]:
        return self._page(f"/tags/{_segment(name)}/media/recent", auth, params, Media.from_v1)

    # Locations ------------------------------------------------------------------------------

    def location(self, location_id, auth) -> Location:
        return Location.from_v1(self._data("GET", f"/locations/{_segment(location_id)}", auth))

    def location_recent_media(self, location_id, params, auth) -> Page[Media]:
        return self._page(f"/locations/{_segment(location_id)}/media/recent", auth, params, Media.from_v1)

    def location_search(self, params, auth) -> list[Location]:
        return self._list("/locations/search", auth, params, Location.from_v1)

    # Media --------------------------------------------------------------------------------

    def media(self, media_id, auth) -> Media:
        return Media.from_v1(self._data("GET", f"/media/{_segment(media_id)}", auth))

    def media_shortcode(self, shortcode: str, auth) -> Media:
        return Media.from_v1(self._data("GET", f"/media/shortcode/{_segment(shortcode)}", auth))

    def media_search(self, params, auth) -> list[Media]:
        return self._list("/media/search", auth, params, Media.from_v1)

    def media_popular(self, params, auth) -> list[Media]:
        return self._list("/media/popular", auth, params, Media.from_v1)

    # Comments and likes ---------------------------------------------------------------------

    def media_comments(self, media_id, auth) -> list[Comment]:
        return self._list(f"/media/{_segment(media_id)}/comments", auth, None, Comment.from_v1)

    def media_comment(self, media_id, text: str, auth) -> None:
        self._call("POST", f"/media/{_segment(media_id)}/comments", auth, form={"text": text})

    def media_comment_delete(self, media_id, comment_id, auth) -> None:
        self._call("DELETE", f"/media/{_segment(media_id)}/comments/{_segment(comment_id)}", auth)

    def media_likes(self, media_id, auth) -> list[UserSearchResult]:
        return self._list(f"/media/{_segment(media_id)}/likes", auth, None, UserSearchResult.from_v1)

    def media_like(self, media_id, auth) -> None:
        self._call("POST", f"/media/{_segment(media_id)}/likes", auth, form={})

    def media_unlike(self, media_id, auth) -> None:
        self._call("DELETE", f"/media/{_segment(media_id)}/likes", auth)

    # Users ----------------------------------------------------------------------------------

    def user(self, user_id, auth) -> User:
        return User.from_v1(self._data("GET", f"/users/{_segment(user_id)}", auth))

    def user_search(self, params, auth) -> list[UserSearchResult]:
        return self._list("/users/search", auth, params, UserSearchResult.from_v1)

    def user_recent_media(self, user_id, params, auth) -> Page[Media]:
        return self._page(f"/users/{_segment(user_id)}/media/recent", auth, params, Media.from_v1)

    def user_media_liked(self, params, auth) -> Page[Media]:
        return self._page("/users/self/media/liked", auth, params, Media.from_v1)

    def user_follows(self, user_id, params, auth) -> CursorPage[UserSearchResult]:
        return self._cursor_page(f"/users/{_segment(user_id)}/follows", auth, params)

    def user_followed_by(self, user_id, params, auth) -> CursorPage[UserSearchResult]:
        return self._cursor_page(f"/users/{_segment(user_id)}/followed-by", auth, params)

    def user_requested_by(self, auth) -> list[UserSearchResult]:
        return self._list("/users/self/requested-by", auth, None, UserSearchResult.from_v1)

    def user_relationship(self, user_id, auth) -> Relationship:
        return Relationship.from_v1(self._data("GET", f"/users/{_segment(user_id)}/relationship", auth))

    def user_relationship_change(self, user_id, action: str, auth) -> Relationship:
        if action not in RELATIONSHIP_ACTIONS:
            raise ValueError(
                f"Invalid relationship action {action!r}: use one of {', '.join(RELATIONSHIP_ACTIONS)}."
            )
        data = self._data("POST", f"/users/{_segment(user_id)}/relationship", auth, form={"action": action})
        return Relationship.from_v1(data)

    def _cursor_page(self, path: str, auth, params) -> CursorPage[UserSearchResult]:
        page = self._page(path, auth, params, UserSearchResult.from_v1)
        return CursorPage(page.data, page.pagination.next_cursor)


def _parse_list(data: Any, parse) -> list:
    if data is None:
        return []
    if not isinstance(data, list):
        raise UnexpectedResponseError(
            f"Instagram returned {type(data).__name__} where a list of results was expected."
        )
    return [parse(item) for item in data]
