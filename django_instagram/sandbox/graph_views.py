"""The sandbox's Instagram API with Instagram Login endpoints (graph.instagram.com).

Tokens come from the ``Authorization: Bearer`` header or the ``access_token`` parameter. An
unknown, expired or revoked token gets error 190, a call without its scope error 10, an unknown
object error 100 with subcode 33. Objects carry only the ``fields`` asked for, plus ``id``.
Every response carries ``X-App-Usage`` and ``X-Business-Use-Case-Usage``, computed from the
token's call count. Comments, replies, hides and deletes are stored as ``SandboxAction`` rows and
show up in later reads; publishing containers and webhook subscriptions are kept in Django's cache.
"""

from __future__ import annotations

import base64
import functools
import json
import secrets
from datetime import timedelta
from typing import Any, Callable

from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from ..client.graph import WEBHOOK_FIELD_SCOPES
from ..conf import instagram_settings
from . import graph_data, tokens
from .models import SandboxAction, SandboxToken

GRAPH_ROOT = "https://graph.instagram.com"
#: Calls per token that the usage headers count as 100 % of the budget.
CALL_BUDGET = 200
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_COMMENTS = 50
PUBLISH_QUOTA = 100
CONTAINER_KEY = "django_instagram_sandbox:container:{}"
PUBLISHED_KEY = "django_instagram_sandbox:published:{}"
SUBSCRIBED_KEY = "django_instagram_sandbox:subscribed_fields:{}"
#: Containers are kept as long as Instagram keeps them before they turn EXPIRED.
CONTAINER_LIFETIME = 24 * 60 * 60

COMMENTS_SCOPE = "instagram_business_manage_comments"
PUBLISH_SCOPE = "instagram_business_content_publish"


class GraphError(Exception):
    def __init__(self, code: int, message: str, *, error_type: str = "OAuthException", subcode: int | None = None,
                 status: int = 400) -> None:
        self.code, self.message, self.error_type, self.subcode, self.status = code, message, error_type, subcode, status

    def body(self) -> dict:
        error = {"message": self.message, "type": self.error_type, "code": self.code,
                 "fbtrace_id": "Sandbox" + secrets.token_hex(6)}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        return {"error": error}


def _not_found(object_id: str) -> GraphError:
    return GraphError(
        100,
        f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be loaded due to missing "
        "permissions, or does not support this operation.",
        error_type="GraphMethodException", subcode=33,
    )


def _usage_headers(response: JsonResponse, token: SandboxToken | None) -> JsonResponse:
    percent = min(100, (token.calls * 100) // CALL_BUDGET) if token else 0
    response["X-App-Usage"] = json.dumps({"call_count": percent, "total_time": 1, "total_cputime": 1})
    if token is not None:
        usage = {"type": "instagram", "call_count": percent, "total_time": 1, "total_cputime": 1,
                 "estimated_time_to_regain_access": 0}
        response["X-Business-Use-Case-Usage"] = json.dumps({token.instagram_user_id: [usage]})
    return response


# Authentication ---------------------------------------------------------------------------------------


def _param(request: HttpRequest, name: str, default: str | None = None) -> str | None:
    """Graph reads parameters from the query string and from a form body alike."""
    return request.GET.get(name) or request.POST.get(name) or default


def _token_value(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return _param(request, "access_token")


def authenticate(request: HttpRequest) -> SandboxToken:
    """Return the caller's token or raise error 190 as Instagram words it."""
    value = _token_value(request)
    if not value:
        raise GraphError(2500, "An active access token must be used to query information about the current user.")
    token = SandboxToken.objects.filter(token=value, api="graph").first()
    if token is None:
        raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
    if token.revoked:
        raise GraphError(190, "Error validating access token: The session has been invalidated because the user "
                              "changed their password or Facebook has changed the session for security reasons.",
                         subcode=460)
    if token.expires_at is not None and token.expires_at <= timezone.now():
        raise GraphError(190, f"Error validating access token: Session has expired on {token.expires_at:%A, %d-%b-%y %H:%M:%S} UTC.",
                         subcode=463)
    SandboxToken.objects.filter(pk=token.pk).update(calls=F("calls") + 1)
    token.calls += 1
    return token


def _require_scope(token: SandboxToken, scope: str) -> None:
    if scope not in token.scopes:
        raise GraphError(10, f"(#10) Application does not have permission for this action: it needs {scope}.",
                         error_type="IGApiException")


def graph_endpoint(view: Callable) -> Callable:
    """Authenticate, run the view, add usage headers, and turn ``GraphError`` into Graph's error body."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        token = None
        try:
            token = authenticate(request)
            response = JsonResponse(view(request, token, *args, **kwargs))
        except GraphError as error:
            response = JsonResponse(error.body(), status=error.status)
        return _usage_headers(response, token)

    return wrapper


# Field selection ----------------------------------------------------------------------------------------


def parse_fields(raw: str | None) -> dict[str, Any]:
    """Parse ``id,caption,children{id,media_url}`` into ``{"id": None, ..., "children": {...}}``."""
    fields: dict[str, Any] = {}
    name, nested, depth = "", "", 0
    for char in (raw or "") + ",":
        if depth > 0:
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0:
                fields[name.strip()] = parse_fields(nested)
                name, nested = "", ""
            else:
                nested += char
        elif char == "{":
            depth = 1
        elif char == ",":
            if name.strip():
                fields[name.strip()] = None
            name = ""
        else:
            name += char
    return fields


def select(obj: dict, raw_fields: str | None) -> dict:
    return _select(obj, parse_fields(raw_fields))


def _select(obj: dict, fields: dict[str, Any]) -> dict:
    selected = {"id": obj["id"]} if "id" in obj else {}
    for name, nested in fields.items():
        if name not in obj or obj[name] is None:
            continue
        value = obj[name]
        if nested is not None and isinstance(value, dict) and isinstance(value.get("data"), list):
            value = {"data": [_select(item, nested) for item in value["data"]]}
        selected[name] = value
    return selected


# Paging ---------------------------------------------------------------------------------------------------


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return max(int(decoded.split(":", 1)[1]), 0)
    except (ValueError, IndexError, UnicodeDecodeError):
        raise GraphError(100, "(#100) The after cursor is invalid.", error_type="IGApiException") from None


def _limit(request: HttpRequest, maximum: int) -> int:
    try:
        return max(1, min(int(_param(request, "limit", str(DEFAULT_LIMIT))), maximum))
    except ValueError:
        raise GraphError(100, "(#100) Param limit must be an integer.", error_type="IGApiException") from None


def _page(request, token, items: list[dict], path: str, maximum: int = MAX_LIMIT) -> dict:
    """Slice ``items`` by ``after`` and ``limit`` and add Graph's ``paging`` with ``next`` while more remain."""
    limit = _limit(request, maximum)
    start = _offset(_param(request, "after"))
    page = items[start:start + limit]
    fields = _param(request, "fields")
    body: dict[str, Any] = {"data": [select(item, fields) for item in page]}
    if not page:
        return body
    paging: dict[str, Any] = {"cursors": {"before": _cursor(start), "after": _cursor(start + len(page))}}
    if start + limit < len(items):
        # Instagram's next link repeats the token; clients must not log or follow it blindly.
        query = f"access_token={token.token}&fields={fields or ''}&limit={limit}&after={_cursor(start + len(page))}"
        paging["next"] = f"{GRAPH_ROOT}/{instagram_settings.GRAPH_API_VERSION}{path}?{query}"
    body["paging"] = paging
    return body


# Tokens --------------------------------------------------------------------------------------------------


@csrf_exempt
def access_token(request: HttpRequest) -> JsonResponse:
    """Trade a short-lived token for a long-lived one (``grant_type=ig_exchange_token``)."""
    try:
        if request.method != "GET":
            raise GraphError(100, f"Unsupported request - method type: {request.method.lower()}")
        if request.GET.get("grant_type") != "ig_exchange_token":
            raise GraphError(100, "(#100) grant_type must be ig_exchange_token.")
        if request.GET.get("client_secret") != instagram_settings.CLIENT_SECRET:
            raise GraphError(101, "Error validating client secret.")
        token = authenticate(request)
        if token.kind != SandboxToken.Kind.SHORT_LIVED:
            raise GraphError(100, "(#100) ig_exchange_token needs a short-lived token.", error_type="IGApiException")
        long_lived = tokens.new_token(api="graph", kind=SandboxToken.Kind.LONG_LIVED, scopes=token.scopes,
                                      instagram_user_id=token.instagram_user_id)
    except GraphError as error:
        return JsonResponse(error.body(), status=error.status)
    return JsonResponse({"access_token": long_lived.token, "token_type": "bearer",
                         "expires_in": int(tokens.LONG_LIVED.total_seconds())})


@csrf_exempt
def refresh_access_token(request: HttpRequest) -> JsonResponse:
    """Renew a long-lived token that is 24 hours old and unexpired; the token string stays the same."""
    try:
        if request.method != "GET":
            raise GraphError(100, f"Unsupported request - method type: {request.method.lower()}")
        if request.GET.get("grant_type") != "ig_refresh_token":
            raise GraphError(100, "(#100) grant_type must be ig_refresh_token.")
        token = authenticate(request)
        _check_refreshable(token)
    except GraphError as error:
        return JsonResponse(error.body(), status=error.status)
    now = timezone.now()
    SandboxToken.objects.filter(pk=token.pk).update(issued_at=now, expires_at=now + tokens.LONG_LIVED)
    return JsonResponse({"access_token": token.token, "token_type": "bearer",
                         "expires_in": int(tokens.LONG_LIVED.total_seconds())})


def _check_refreshable(token: SandboxToken) -> None:
    if token.kind != SandboxToken.Kind.LONG_LIVED:
        raise GraphError(100, "(#100) Only long-lived tokens can be refreshed.", error_type="IGApiException")
    if timezone.now() - token.issued_at < tokens.REFRESH_MIN_AGE:
        # NOTE: Meta documents the 24-hour rule but not the error Instagram returns; this one is a stand-in.
        raise GraphError(100, "(#100) The access token can be refreshed only once it is at least 24 hours old.",
                         error_type="IGApiException")


# Profile and media ---------------------------------------------------------------------------------------


def _owner(token: SandboxToken, owner: str) -> None:
    if owner not in ("me", token.instagram_user_id):
        raise _not_found(owner)


@graph_endpoint
def me(request, token):
    return select(graph_data.profile(), _param(request, "fields"))


@graph_endpoint
def user_media(request, token, owner):
    """GET lists the account's media; POST creates a publishing container."""
    _owner(token, owner)
    if request.method == "POST":
        return _create_container(request, token)
    items = _in_time_range(graph_data.all_media(), _param(request, "since"), _param(request, "until"))
    return _page(request, token, items, f"/{token.instagram_user_id}/media")


def _in_time_range(items: list[dict], since: str | None, until: str | None) -> list[dict]:
    def epoch(item):
        moment = parse_datetime((item.get("timestamp") or "").replace("+0000", "+00:00"))
        return moment.timestamp() if moment else 0

    try:
        low = float(since) if since else None
        high = float(until) if until else None
    except ValueError:
        raise GraphError(100, "(#100) since and until must be Unix timestamps.", error_type="IGApiException") from None
    return [item for item in items if (low is None or epoch(item) >= low) and (high is None or epoch(item) <= high)]


def _media_or_404(media_id: str) -> dict:
    media = graph_data.find_media(media_id)
    if media is None:
        raise _not_found(media_id)
    return media


@graph_endpoint
def children(request, token, node_id):
    media = _media_or_404(node_id)
    items = (media.get("children") or {}).get("data", [])
    return {"data": [select(item, _param(request, "fields")) for item in items]}


@graph_endpoint
def node(request, token, node_id):
    """GET reads a media, comment or container; POST hides a comment; DELETE deletes one."""
    if request.method == "DELETE":
        return _delete_comment(token, node_id)
    if request.method == "POST":
        return _hide_comment(request, token, node_id)
    container = cache.get(CONTAINER_KEY.format(node_id))
    if container is not None:
        return select(_read_container(node_id, container), _param(request, "fields"))
    comment = _find_comment(token, node_id)
    if comment is not None:
        return select(comment, _param(request, "fields"))
    return select(_media_or_404(node_id), _param(request, "fields"))


# Comments ------------------------------------------------------------------------------------------------


def _written(token: SandboxToken, kind: str, **filters):
    return SandboxAction.objects.filter(instagram_user_id=token.instagram_user_id, kind=kind, **filters)


def _deleted_ids(token) -> set[str]:
    return set(_written(token, SandboxAction.Kind.COMMENT_DELETED).values_list("target_id", flat=True))


def _hidden_state(token) -> dict[str, bool]:
    rows = _written(token, SandboxAction.Kind.HIDDEN).order_by("pk").values_list("target_id", "value")
    return {target: value == "true" for target, value in rows}


def _written_comment(action: SandboxAction, username: str) -> dict:
    comment = {"id": f"1790{action.pk:013d}", "text": action.text, "username": username,
               "timestamp": action.created.strftime("%Y-%m-%dT%H:%M:%S+0000"), "like_count": 0,
               "from": {"id": graph_data.APP_SCOPED_ID, "username": username}}
    if action.value == "reply":
        comment["parent_id"] = action.target_id
    return comment


def _comments(token, parent_id: str, *, replies: bool) -> list[dict]:
    """Recorded comments (or replies) of ``parent_id`` plus the ones written through the sandbox, newest first."""
    username = graph_data.profile()["username"]
    recorded = graph_data.recorded_replies(parent_id) if replies else graph_data.recorded_comments(parent_id)
    written = _written(token, SandboxAction.Kind.COMMENT, target_id=parent_id, value="reply" if replies else "")
    items = [_written_comment(action, username) for action in written.order_by("-pk")] + recorded
    deleted, hidden = _deleted_ids(token), _hidden_state(token)
    result = []
    for item in items:
        if item["id"] in deleted:
            continue
        item["hidden"] = hidden.get(item["id"], False)
        if not replies:
            item["replies"] = {"data": _comments(token, item["id"], replies=True)}
        result.append(item)
    return result


def _find_comment(token, comment_id: str) -> dict | None:
    if comment_id in _deleted_ids(token):
        return None
    recorded = graph_data.find_recorded_comment(comment_id)
    if recorded is not None:
        return {**recorded, "hidden": _hidden_state(token).get(comment_id, False)}
    if comment_id.startswith("1790") and comment_id[4:].isdigit():
        action = _written(token, SandboxAction.Kind.COMMENT, pk=int(comment_id[4:])).first()
        if action is not None:
            return _written_comment(action, graph_data.profile()["username"])
    return None


@graph_endpoint
def comments(request, token, node_id):
    """GET lists a media's top-level comments; POST comments on it with ``message``."""
    _require_scope(token, COMMENTS_SCOPE)
    _media_or_404(node_id)
    if request.method == "POST":
        return _write_comment(request, token, node_id, reply=False)
    items = _comments(token, node_id, replies=False)
    return _page(request, token, items, f"/{node_id}/comments", maximum=MAX_COMMENTS)


@graph_endpoint
def replies(request, token, node_id):
    """GET lists a comment's replies; POST replies to it with ``message``."""
    _require_scope(token, COMMENTS_SCOPE)
    if _find_comment(token, node_id) is None:
        raise _not_found(node_id)
    if request.method == "POST":
        return _write_comment(request, token, node_id, reply=True)
    items = _comments(token, node_id, replies=True)
    return {"data": [select(item, _param(request, "fields")) for item in items]}


def _write_comment(request, token, target_id: str, *, reply: bool) -> dict:
    message = _param(request, "message")
    if not message:
        raise GraphError(100, "(#100) The parameter message is required", error_type="IGApiException")
    action = SandboxAction.objects.create(
        instagram_user_id=token.instagram_user_id, kind=SandboxAction.Kind.COMMENT, target_id=target_id,
        text=message, value="reply" if reply else "",
    )
    return {"id": f"1790{action.pk:013d}"}


def _hide_comment(request, token, comment_id: str) -> dict:
    _require_scope(token, COMMENTS_SCOPE)
    if _find_comment(token, comment_id) is None:
        raise _not_found(comment_id)
    hide = (_param(request, "hide") or "").lower()
    if hide not in ("true", "false"):
        raise GraphError(100, "(#100) The parameter hide must be true or false.", error_type="IGApiException")
    SandboxAction.objects.create(instagram_user_id=token.instagram_user_id, kind=SandboxAction.Kind.HIDDEN,
                                 target_id=comment_id, value=hide)
    return {"success": True}


def _delete_comment(token, comment_id: str) -> dict:
    _require_scope(token, COMMENTS_SCOPE)
    if _find_comment(token, comment_id) is None:
        raise _not_found(comment_id)
    SandboxAction.objects.create(instagram_user_id=token.instagram_user_id,
                                 kind=SandboxAction.Kind.COMMENT_DELETED, target_id=comment_id)
    return {"success": True}


# Publishing ----------------------------------------------------------------------------------------------
# NOTE: containers live in Django's cache, so with the local-memory cache each process has its own;
# published media do not join the /me/media catalogue.


def _create_container(request, token) -> dict:
    _require_scope(token, PUBLISH_SCOPE)
    media_type = (_param(request, "media_type") or "IMAGE").upper()
    if media_type == "CAROUSEL":
        source = _carousel_children(token, _param(request, "children") or "")
    else:
        source = _param(request, "video_url") if media_type in ("VIDEO", "REELS", "STORIES") else _param(request, "image_url")
        if not source:
            name = "image_url" if media_type == "IMAGE" else "video_url"
            raise GraphError(100, f"(#100) The parameter {name} is required", error_type="IGApiException")
    container_id = "1799" + "".join(secrets.choice("0123456789") for _ in range(13))
    container = {"owner": token.instagram_user_id, "media_type": media_type, "source": source, "reads": 0,
                 "published": False}
    cache.set(CONTAINER_KEY.format(container_id), container, CONTAINER_LIFETIME)
    return {"id": container_id}


def _carousel_children(token, raw: str) -> str:
    child_ids = [child for child in raw.split(",") if child]
    if not 2 <= len(child_ids) <= 10:
        raise GraphError(100, "(#100) A carousel needs 2 to 10 children.", error_type="IGApiException")
    for child_id in child_ids:
        child = cache.get(CONTAINER_KEY.format(child_id))
        if child is None or child["owner"] != token.instagram_user_id:
            raise _not_found(child_id)
    return raw


def _read_container(container_id: str, container: dict) -> dict:
    """Count one status read of the container and return its status."""
    container["reads"] += 1
    cache.set(CONTAINER_KEY.format(container_id), container, CONTAINER_LIFETIME)
    return _container_state(container_id, container)


def _container_state(container_id: str, container: dict) -> dict:
    """Images finish at once, videos on the second status read; a source URL containing "error" fails."""
    if container["published"]:
        code, status = "PUBLISHED", "Published."
    elif "error" in container["source"]:
        code, status = "ERROR", "Error: Media download has failed. The media URI doesn't meet our requirements."
    elif container["media_type"] in ("VIDEO", "REELS", "STORIES") and container["reads"] < 2:
        code, status = "IN_PROGRESS", "In Progress: Media is still being processed."
    else:
        code, status = "FINISHED", "Finished: Media has been uploaded and it is ready to be published."
    return {"id": container_id, "status_code": code, "status": status}


@graph_endpoint
def media_publish(request, token, owner):
    _owner(token, owner)
    _require_scope(token, PUBLISH_SCOPE)
    container_id = _param(request, "creation_id") or ""
    container = cache.get(CONTAINER_KEY.format(container_id))
    if container is None or container["owner"] != token.instagram_user_id:
        raise _not_found(container_id)
    if _container_state(container_id, container)["status_code"] != "FINISHED":
        raise GraphError(9007, "The media is not ready for publishing, please wait for a moment",
                         error_type="IGApiException", subcode=2207027)
    container["published"] = True
    cache.set(CONTAINER_KEY.format(container_id), container, CONTAINER_LIFETIME)
    _count_published(token.instagram_user_id)
    return {"id": "1800" + "".join(secrets.choice("0123456789") for _ in range(13))}


def _count_published(user_id: str) -> None:
    key = PUBLISHED_KEY.format(user_id)
    cache.add(key, 0, int(timedelta(days=1).total_seconds()))
    cache.incr(key)


@graph_endpoint
def content_publishing_limit(request, token, owner):
    _owner(token, owner)
    _require_scope(token, PUBLISH_SCOPE)
    usage = {"quota_usage": cache.get(PUBLISHED_KEY.format(token.instagram_user_id), 0),
             "config": {"quota_total": PUBLISH_QUOTA, "quota_duration": 86400}}
    return {"data": [select(usage, _param(request, "fields") or "quota_usage,config")]}


# Webhook subscriptions -----------------------------------------------------------------------------------


@graph_endpoint
def subscribed_apps(request, token, owner):
    """POST subscribes the account to ``subscribed_fields``, GET lists them, DELETE unsubscribes.

    A POST replaces the fields of an earlier one. The fields are kept per account in Django's
    cache without expiry, so every process of a site that shares its cache reads the same fields.
    """
    _owner(token, owner)
    key = SUBSCRIBED_KEY.format(token.instagram_user_id)
    if request.method == "POST":
        fields = _subscribed_fields(request, token)
        cache.set(key, fields, None)
        return {"success": True}
    if request.method == "DELETE":
        cache.delete(key)
        return {"success": True}
    fields = cache.get(key)
    if not fields:
        return {"data": []}
    app = {"id": str(instagram_settings.CLIENT_ID or ""), "name": instagram_settings.SANDBOX_APP_NAME or "Sandbox app"}
    return {"data": [{**app, "subscribed_fields": fields}]}


def _subscribed_fields(request, token) -> list[str]:
    """Read ``subscribed_fields`` as Graph does: comma-separated, each known and allowed by the token's scopes."""
    raw = _param(request, "subscribed_fields") or ""
    fields = list(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))
    if not fields:
        raise GraphError(100, "(#100) The parameter subscribed_fields is required", error_type="IGApiException")
    for index, name in enumerate(fields):
        if name not in WEBHOOK_FIELD_SCOPES:
            raise GraphError(
                100, f"(#100) Param subscribed_fields[{index}] must be one of "
                     f"{{{', '.join(WEBHOOK_FIELD_SCOPES)}}} - got \"{name}\".",
                error_type="OAuthException",
            )
    for name in fields:
        _require_scope(token, WEBHOOK_FIELD_SCOPES[name])
    return fields
