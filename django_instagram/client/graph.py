"""Endpoints of the Instagram API with Instagram Login (graph.instagram.com).

Every request names its ``fields=`` explicitly, because without them Graph returns only ids. The
token travels in the ``Authorization: Bearer`` header, so it is never part of a URL that the
transport or ``urllib3`` could log. Paths carry the Graph version given to the client (the
``INSTAGRAM["GRAPH_API_VERSION"]`` setting on the Django side). List calls page with the
``after`` cursor and never follow ``paging.next``, which repeats the token in its query string.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import quote

from . import coerce
from .envelopes import graph_error
from .errors import ContainerTimeoutError, InstagramAPIError, PublishingError
from .pagination import DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, Page, Pagination, iterate
from .transport import ApiResponse, Transport
from .types import Comment, ContainerStatus, Media, PublishingLimit, UnexpectedResponseError, User

logger = logging.getLogger(__name__)

GRAPH_HOST = "https://graph.instagram.com"
DEFAULT_VERSION = "v26.0"

USER_FIELDS = (
    "id,user_id,username,name,account_type,profile_picture_url,followers_count,follows_count,media_count"
)
CHILD_FIELDS = "id,media_type,media_url,thumbnail_url,permalink,shortcode,timestamp"
MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,shortcode,timestamp,"
    f"username,like_count,comments_count,children{{{CHILD_FIELDS}}}"
)
REPLY_FIELDS = "id,text,timestamp,username,from,like_count,hidden,parent_id"
COMMENT_FIELDS = f"{REPLY_FIELDS},replies{{{REPLY_FIELDS}}}"
CONTAINER_FIELDS = "id,status_code,status"
PUBLISHING_LIMIT_FIELDS = "quota_usage,config"

#: Graph's maximum page size for comments.
MAX_COMMENTS_PER_PAGE = 50

#: Container ``status_code`` values after which waiting longer cannot help.
CONTAINER_FAILED = frozenset({"ERROR", "EXPIRED"})
CONTAINER_READY = frozenset({"FINISHED"})

#: The webhook fields an account using Instagram Login can subscribe to, with the permission each
#: needs besides ``instagram_business_basic``.
WEBHOOK_FIELD_SCOPES = {
    "comments": "instagram_business_manage_comments",
    "live_comments": "instagram_business_manage_comments",
    "messages": "instagram_business_manage_messages",
    "message_reactions": "instagram_business_manage_messages",
    "messaging_postbacks": "instagram_business_manage_messages",
    "messaging_seen": "instagram_business_manage_messages",
    "messaging_referral": "instagram_business_manage_messages",
    "messaging_optins": "instagram_business_manage_messages",
    "messaging_handover": "instagram_business_manage_messages",
    "standby": "instagram_business_manage_messages",
}
WEBHOOK_FIELDS = tuple(WEBHOOK_FIELD_SCOPES)


def _segment(value: Any) -> str:
    if value is None or isinstance(value, bool):
        raise ValueError(f"An Instagram id in a URL path must be a string or an integer, not {value!r}.")
    text = str(value)
    if not text:
        raise ValueError("An Instagram id in a URL path must not be empty.")
    # urllib3 resolves "." and ".." segments before sending, which would reach another endpoint.
    if text in (".", ".."):
        raise ValueError(f"An Instagram id in a URL path cannot be {text!r}, because the request would go to another endpoint.")
    return quote(text, safe="")


def _clean(params: Mapping[str, Any] | None) -> dict[str, str]:
    cleaned = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        cleaned[key] = str(value)
    return cleaned


def _require_token(token: str | None) -> str:
    if not token:
        raise ValueError("The Graph API needs an access token; none was given.")
    return token


class GraphClient:
    """The Instagram API with Instagram Login over one ``Transport``.

    ``sleep`` and ``clock`` drive the wait on a publishing container; tests pass fakes so no
    test waits on the wall clock.
    """

    api = "graph"

    def __init__(
        self,
        transport: Transport,
        *,
        version: str = DEFAULT_VERSION,
        host: str = GRAPH_HOST,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = transport
        self.version = version.strip("/")
        self.host = host.rstrip("/")
        self.sleep = sleep
        self.clock = clock

    @property
    def base_url(self) -> str:
        return f"{self.host}/{self.version}" if self.version else self.host

    # Requests -------------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, token: str, params: Mapping[str, Any] | None = None,
    ) -> ApiResponse:
        headers = {"Authorization": f"Bearer {_require_token(token)}"}
        return self.transport.request(
            method, self.base_url + path, params=_clean(params), headers=headers, read_error=graph_error
        )

    def _object(self, method: str, path: str, token: str, params=None) -> dict:
        body = self._call(method, path, token, params).body
        if not isinstance(body, dict):
            raise UnexpectedResponseError(
                f"Instagram returned {type(body).__name__} for {method} {path} where an object was expected."
            )
        return body

    def _page(self, path: str, token: str, params, parse) -> Page:
        body = self._object("GET", path, token, params)
        data = body.get("data")
        if data is not None and not isinstance(data, list):
            raise UnexpectedResponseError(
                f"Instagram returned {type(data).__name__} for GET {path} where a list of results was expected."
            )
        items = [parse(item) for item in data or [] if isinstance(item, dict)]
        return Page(items, Pagination.from_graph(body.get("paging")))

    # Profile and media ----------------------------------------------------------------------

    def me(self, token: str) -> User:
        """Read the token owner's profile; ``User.id`` is ``user_id``, ``app_scoped_id`` is ``id``."""
        body = self._object("GET", "/me", token, {"fields": USER_FIELDS})
        rows = body.get("data")
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            body = rows[0]  # Meta's documentation shows /me wrapped in data[], but real responses are flat.
        return User.from_graph(body)

    def my_media(self, token: str, params: Mapping[str, Any] | None = None) -> Page[Media]:
        """Read one page of the owner's media: ``limit``, ``since``, ``until`` and ``after`` pass through."""
        query = {"fields": MEDIA_FIELDS, **dict(params or {})}
        return self._page("/me/media", token, query, Media.from_graph)

    def media(self, media_id: Any, token: str) -> Media:
        return Media.from_graph(self._object("GET", f"/{_segment(media_id)}", token, {"fields": MEDIA_FIELDS}))

    def media_children(self, media_id: Any, token: str) -> list[Media]:
        """Read the items of a carousel (at most 10); an image or video has none."""
        path = f"/{_segment(media_id)}/children"
        return self._page(path, token, {"fields": CHILD_FIELDS}, Media.from_graph).data

    # Comments -------------------------------------------------------------------------------

    def comments_page(self, media_id: Any, token: str, after: str | None = None, limit: int | None = None) -> Page[Comment]:
        params = {"fields": COMMENT_FIELDS, "after": after, "limit": limit}
        return self._page(f"/{_segment(media_id)}/comments", token, params, Comment.from_graph)

    def iter_comments(
        self, media_id: Any, token: str, *, max_items: int | None = DEFAULT_MAX_ITEMS,
        max_pages: int | None = DEFAULT_MAX_PAGES,
    ) -> Iterator[Comment]:
        """Yield the top-level comments of a media, newest first, page by page."""
        return iterate(
            lambda cursor: self.comments_page(media_id, token, cursor, MAX_COMMENTS_PER_PAGE),
            lambda page: page.pagination.next_cursor,
            max_items=max_items,
            max_pages=max_pages,
        )

    def comment_replies(self, comment_id: Any, token: str) -> list[Comment]:
        path = f"/{_segment(comment_id)}/replies"
        return self._page(path, token, {"fields": REPLY_FIELDS}, Comment.from_graph).data

    def comment(self, media_id: Any, text: str, token: str) -> str | None:
        """Comment on one of the owner's media and return the new comment's id."""
        body = self._object("POST", f"/{_segment(media_id)}/comments", token, {"message": text})
        return _id_of(body)

    def reply(self, comment_id: Any, text: str, token: str) -> str | None:
        body = self._object("POST", f"/{_segment(comment_id)}/replies", token, {"message": text})
        return _id_of(body)

    def hide_comment(self, comment_id: Any, hidden: bool, token: str) -> None:
        self._call("POST", f"/{_segment(comment_id)}", token, {"hide": bool(hidden)})

    def delete_comment(self, comment_id: Any, token: str) -> None:
        self._call("DELETE", f"/{_segment(comment_id)}", token)

    # Publishing -----------------------------------------------------------------------------

    def create_container(self, user_id: Any, params: Mapping[str, Any], token: str) -> str:
        """Create a media container (``image_url``, ``video_url``, ``media_type``, ...) and return its id."""
        body = self._object("POST", f"/{_segment(user_id)}/media", token, params)
        container_id = _id_of(body)
        if not container_id:
            raise UnexpectedResponseError("Instagram created a media container but returned no id.")
        return container_id

    def container_status(self, container_id: Any, token: str) -> ContainerStatus:
        body = self._object("GET", f"/{_segment(container_id)}", token, {"fields": CONTAINER_FIELDS})
        return ContainerStatus.from_graph(body)

    def wait_for_container(self, container_id: str, token: str, *, timeout: float, interval: float) -> ContainerStatus:
        """Poll the container's ``status_code`` until it is ``FINISHED``.

        Raises ``PublishingError`` when it becomes ``ERROR`` or ``EXPIRED``, and
        ``ContainerTimeoutError`` when ``timeout`` seconds pass first.
        """
        deadline = self.clock() + timeout
        while True:
            status = self.container_status(container_id, token)
            if status.status_code in CONTAINER_READY:
                return status
            if status.status_code in CONTAINER_FAILED:
                raise PublishingError(
                    f"Media container {container_id} failed with status {status.status_code}: "
                    f"{status.status or 'no detail'}. Create a new container to try again.",
                    container_id=container_id, status_code=status.status_code,
                )
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise ContainerTimeoutError(
                    f"Media container {container_id} was still {status.status_code or 'not ready'} after "
                    f"{timeout:g} seconds. Check it later with its id, or raise the wait.",
                    container_id=container_id, status_code=status.status_code,
                )
            logger.info("Media container %s is %s; checking again in %.1f s.", container_id, status.status_code, min(interval, remaining))
            self.sleep(min(interval, remaining))

    def publish_container(self, user_id: Any, container_id: str, token: str) -> str:
        """Publish a finished container and return the new media's id."""
        body = self._object("POST", f"/{_segment(user_id)}/media_publish", token, {"creation_id": container_id})
        media_id = _id_of(body)
        if not media_id:
            raise UnexpectedResponseError("Instagram published the container but returned no media id.")
        logger.info("Published media container %s as media %s.", container_id, media_id)
        return media_id

    def publish(self, user_id: Any, container_id: str, token: str, *, timeout: float, interval: float) -> str:
        """Wait for the container to finish, then publish it; return the new media's id."""
        self.wait_for_container(container_id, token, timeout=timeout, interval=interval)
        return self.publish_container(user_id, container_id, token)

    def content_publishing_limit(self, user_id: Any, token: str) -> PublishingLimit:
        path = f"/{_segment(user_id)}/content_publishing_limit"
        body = self._object("GET", path, token, {"fields": PUBLISHING_LIMIT_FIELDS})
        rows = body.get("data")
        return PublishingLimit.from_graph(rows[0] if isinstance(rows, list) and rows else body)

    # Webhook subscriptions ------------------------------------------------------------------

    def subscribe_webhooks(self, fields: Iterable[str] | str, token: str) -> None:
        """Subscribe the token's account to the app's webhooks for ``fields`` (names, or one comma-separated string).

        Meta delivers an account's webhooks only once the account is subscribed with its own
        token. The subscription in the app dashboard alone delivers nothing.
        """
        names = fields if isinstance(fields, str) else ",".join(fields)
        if not names:
            raise ValueError("subscribe_webhooks() needs at least one webhook field, such as comments.")
        response = self._call("POST", "/me/subscribed_apps", token, {"subscribed_fields": names})
        _require_success(response, "POST /me/subscribed_apps")

    def webhook_subscriptions(self, token: str) -> tuple[str, ...]:
        """Return the webhook fields the token's account is subscribed to, without repeats."""
        body = self._object("GET", "/me/subscribed_apps", token)
        # NOTE: Meta does not document this response for Instagram Login. It is read as the Page
        # subscribed_apps edge returns it, {"data": [{"subscribed_fields": [...], ...}]}, or flat.
        rows = body["data"] if "data" in body else [body]
        if rows is None:
            rows = []
        if not isinstance(rows, list):
            raise UnexpectedResponseError(
                f"Instagram returned {type(rows).__name__} for GET /me/subscribed_apps where a list of apps was expected."
            )
        names: dict[str, None] = {}
        for row in rows:
            for name in _field_names(coerce.as_dict(row).get("subscribed_fields")):
                names[name] = None
        return tuple(names)

    def unsubscribe_webhooks(self, token: str) -> None:
        """Remove the app's webhook subscription of the token's account (a user token, not an app token)."""
        response = self._call("DELETE", "/me/subscribed_apps", token)
        _require_success(response, "DELETE /me/subscribed_apps")


def _require_success(response: ApiResponse, request: str) -> None:
    """Raise unless the body is ``{"success": true}``, which Graph returns for a change it made."""
    body = response.body
    success = body.get("success") if isinstance(body, dict) else None
    if success is True:
        return
    if success is False:
        raise InstagramAPIError(
            f'Instagram returned {{"success": false}} for {request} without an error message.',
            status_code=response.status_code, headers=response.headers, body=body,
        )
    if isinstance(body, dict):
        description = f"an object with success={success!r}"
    elif body is None:
        description = "no body"
    else:
        description = type(body).__name__
    raise UnexpectedResponseError(f'Instagram returned {description} for {request} where {{"success": true}} was expected.')


def _field_names(value: Any) -> list[str]:
    """Read ``subscribed_fields`` as a list of names, a comma-separated string, or ``[{"name": ...}]``."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    names = []
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def _id_of(body: Any) -> str | None:
    return coerce.as_str(coerce.as_dict(body).get("id"))
