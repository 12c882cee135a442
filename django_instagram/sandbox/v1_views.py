"""The sandbox's v1 API endpoints, answering from recorded responses.

Tokens are checked as Instagram did (``OAuthAccessTokenException`` for an unknown one), public
endpoints also accept ``client_id``, write calls need their scope (``OAuthPermissionsException``),
and likes, comments and relationship changes made through the sandbox show up in later reads
made with that token's account. Lists are paged with ``count`` and Instagram's cursor names.
"""

from __future__ import annotations

import functools
import itertools
import logging
from typing import Any, Callable
from urllib.parse import quote, urlencode

from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ..conf import instagram_settings
from . import data
from .models import SandboxAction, SandboxToken
from .tokens import find_token

logger = logging.getLogger(__name__)

API_ROOT = "https://api.instagram.com/v1"
RATE_LIMIT = 5000
DEFAULT_COUNT = 20
RELATIONSHIP_RESULTS = {
    "follow": "user_follow", "unfollow": "user_unfollow", "block": "user_block",
    "unblock": "user_unblock", "approve": "user_approve", "ignore": "user_ignore",
}


class V1Error(Exception):
    def __init__(self, error_type: str, message: str, status: int = 400) -> None:
        self.error_type, self.message, self.status = error_type, message, status


def _envelope(data: Any, *, pagination: dict | None = None, token: SandboxToken | None = None) -> JsonResponse:
    body: dict[str, Any] = {"meta": {"code": 200}, "data": data}
    if pagination is not None:
        body["pagination"] = pagination
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": True})
    response["X-Ratelimit-Limit"] = str(RATE_LIMIT)
    response["X-Ratelimit-Remaining"] = str(max(RATE_LIMIT - (token.calls if token else 0), 0))
    return response


def _error(error: V1Error) -> JsonResponse:
    body = {"meta": {"error_type": error.error_type, "code": error.status, "error_message": error.message}}
    return JsonResponse(body, status=error.status)


class Caller:
    """The caller of a sandbox request: a token (with its scopes and account) or an app by client id."""

    def __init__(self, token: SandboxToken | None) -> None:
        self.token = token

    @property
    def user_id(self) -> str | None:
        return self.token.instagram_user_id if self.token else None

    def require_user(self) -> str:
        if self.token is None:
            raise V1Error("OAuthParameterException", "'self' keyword requires an authenticated user")
        return self.token.instagram_user_id

    def require_scope(self, scope: str) -> None:
        self.require_user()
        if scope not in self.token.scopes:
            raise V1Error(
                "OAuthPermissionsException",
                f"This request requires scope={scope}, but this access token is not authorized with this "
                f"scope. The user must re-authorize your application with scope={scope} to be granted "
                "write permissions.",
            )


def _authenticate(request: HttpRequest) -> Caller:
    token_value = request.GET.get("access_token")
    if token_value:
        token = find_token(token_value, api="legacy")
        if token is None:
            raise V1Error("OAuthAccessTokenException", "The access_token provided is invalid.")
        SandboxToken.objects.filter(pk=token.pk).update(calls=F("calls") + 1)
        token.calls += 1
        return Caller(token)
    if request.GET.get("client_id"):
        if request.GET["client_id"] != instagram_settings.CLIENT_ID:
            raise V1Error("OAuthParameterException", "The client_id provided is invalid and does not match a valid application.")
        return Caller(None)
    raise V1Error("OAuthParameterException", "Missing client_id or access_token URL parameter.")


def endpoint(view: Callable) -> Callable:
    """Authenticate, run the view, and turn ``V1Error`` into Instagram's error envelope."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        try:
            caller = _authenticate(request)
            return view(request, caller, *args, **kwargs)
        except V1Error as error:
            logger.info("Sandbox returned an error for %s %s: %s: %s", request.method, request.path, error.error_type, error.message)
            return _error(error)

    return wrapper


# Paging ------------------------------------------------------------------------------------------------


def _count(request: HttpRequest, default: int = DEFAULT_COUNT) -> int:
    try:
        return max(1, min(int(request.GET.get("count", default)), 100))
    except ValueError:
        raise V1Error("APIInvalidParametersError", "count must be an integer.") from None


def _page(request, caller, items: list[dict], *, cursor_param: str, next_key: str, path: str, key=lambda i: i.get("id")):
    """Slice ``items`` after the one whose key equals the cursor, and build v1 pagination."""
    count = _count(request)
    cursor = request.GET.get(cursor_param)
    start = 0
    if cursor:
        keys = [str(key(item)) for item in items]
        start = keys.index(cursor) + 1 if cursor in keys else len(items)
    page = items[start:start + count]
    pagination: dict[str, Any] = {}
    if start + count < len(items) and page:
        next_cursor = str(key(page[-1]))
        auth = {"access_token": caller.token.token} if caller.token else {"client_id": request.GET.get("client_id", "")}
        query = {**auth, "count": count, cursor_param: next_cursor}
        pagination = {"next_url": f"{API_ROOT}{path}?{urlencode(query)}", next_key: next_cursor}
    return _envelope(page, pagination=pagination, token=caller.token)


# Writes remembered per account ---------------------------------------------------------------------------


def _actions(user_id: str | None, kind: str, target_id: str | None = None):
    if user_id is None:
        return SandboxAction.objects.none()
    actions = SandboxAction.objects.filter(instagram_user_id=user_id, kind=kind)
    return actions.filter(target_id=target_id) if target_id is not None else actions


def _sandbox_user() -> dict:
    user = data.v1_data("user")
    return {key: user.get(key) for key in ("id", "username", "full_name", "profile_picture")}


def _with_account_writes(media: dict, caller: Caller) -> dict:
    """Apply the caller's likes and comments to a media dict."""
    media_id = str(media.get("id"))
    liked = _actions(caller.user_id, SandboxAction.Kind.LIKE, media_id).exists()
    likes = media.get("likes") if isinstance(media.get("likes"), dict) else {"count": 0}
    if caller.token is not None:
        media["user_has_liked"] = liked or bool(media.get("user_has_liked"))
    if liked:
        likes["count"] = int(likes.get("count") or 0) + 1
    media["likes"] = likes
    added = _actions(caller.user_id, SandboxAction.Kind.COMMENT, media_id).count()
    if added and isinstance(media.get("comments"), dict):
        media["comments"]["count"] = int(media["comments"].get("count") or 0) + added
    return media


def _media_list(items, caller) -> list[dict]:
    return [_with_account_writes(item, caller) for item in items if isinstance(item, dict)]


def _media_or_404(media_id: str) -> dict:
    media = data.find_media(media_id)
    if media is None:
        raise V1Error("APINotFoundError", "invalid media id")
    return media


# Users -------------------------------------------------------------------------------------------------


def _user_id(caller: Caller, user_id: str) -> str:
    return caller.require_user() if user_id == "self" else user_id


@endpoint
def user(request, caller, user_id):
    user_id = _user_id(caller, user_id)
    if user_id != data.SANDBOX_USER_ID:
        raise V1Error("APINotFoundError", "this user does not exist")
    return _envelope(data.v1_data("user_self_auth_explicit" if request.path.endswith("/self") else "user"), token=caller.token)


def _recent_media_of(user_id: str) -> list[dict]:
    if user_id == data.SANDBOX_USER_ID:
        return data.v1_data("user_recent_media")
    recorded = data.v1_data("user_recent_media_self_with_pagination")
    if recorded and str(recorded[0]["user"]["id"]) == user_id:
        return recorded
    owned = [media for media in data.all_media() if str((media.get("user") or {}).get("id")) == user_id]
    if not owned:
        raise V1Error("APINotFoundError", "this user does not exist")
    return owned


@endpoint
def user_recent_media(request, caller, user_id):
    resolved = _user_id(caller, user_id)
    items = _media_list(_recent_media_of(resolved), caller)
    return _page(request, caller, items, cursor_param="max_id", next_key="next_max_id", path=f"/users/{quote(user_id, safe='')}/media/recent")


@endpoint
def user_media_liked(request, caller):
    user_id = caller.require_user()
    liked_ids = list(_actions(user_id, SandboxAction.Kind.LIKE).order_by("-created").values_list("target_id", flat=True))
    liked = [media for media in (data.find_media(media_id) for media_id in liked_ids) if media]
    items = _media_list(liked + data.v1_data("user_media_liked_auth_explicit"), caller)
    return _page(request, caller, items, cursor_param="max_like_id", next_key="next_max_like_id", path="/users/self/media/liked")


@endpoint
def user_search(request, caller):
    query = request.GET.get("q", "")
    if not query:
        raise V1Error("APIInvalidParametersError", "Missing q parameter.")
    needle = query.casefold()
    results = [
        user for user in data.v1_data("user_search")
        if needle in str(user.get("username", "")).casefold() or needle in str(user.get("full_name", "")).casefold()
    ]
    return _envelope(results[: _count(request, len(results))], token=caller.token)


def _relation_list(recording: str):
    @endpoint
    def view(request, caller, user_id):
        _user_id(caller, user_id)
        if caller.token is not None:
            caller.require_scope("follower_list")
        items = data.v1_data(recording)
        return _page(
            request, caller, items, cursor_param="cursor", next_key="next_cursor",
            path=request.path.split("/v1", 1)[-1], key=lambda item: item.get("id"),
        )

    return view


user_follows = _relation_list("user_following")
user_followed_by = _relation_list("user_followers")


@endpoint
def user_requested_by(request, caller):
    caller.require_scope("follower_list")
    return _envelope(data.v1_data("user_requested_by_auth_explicit"), token=caller.token)


@endpoint
def user_relationship(request, caller, user_id):
    me = caller.require_user()
    if request.method == "POST":
        caller.require_scope("relationships")
        action = request.POST.get("action", "")
        if action not in RELATIONSHIP_RESULTS:
            raise V1Error("APIInvalidParametersError", "Please supply a valid action")
        result = data.v1_data(RELATIONSHIP_RESULTS[action])
        SandboxAction.objects.update_or_create(
            instagram_user_id=me, kind=SandboxAction.Kind.RELATIONSHIP, target_id=user_id,
            defaults={"value": result.get("outgoing_status", "none")},
        )
        return _envelope(result, token=caller.token)
    relationship = data.v1_data("user_relationship_auth_explicit")
    change = _actions(me, SandboxAction.Kind.RELATIONSHIP, user_id).first()
    if change is not None:
        relationship["outgoing_status"] = change.value or "none"
    return _envelope(relationship, token=caller.token)


# Media -------------------------------------------------------------------------------------------------


@endpoint
def media(request, caller, media_id):
    return _envelope(_with_account_writes(_media_or_404(media_id), caller), token=caller.token)


@endpoint
def media_shortcode(request, caller, shortcode):
    found = data.find_media_by_shortcode(shortcode)
    if found is None:
        raise V1Error("APINotFoundError", "invalid shortcode")
    return _envelope(_with_account_writes(found, caller), token=caller.token)


@endpoint
def media_popular(request, caller):
    items = _media_list(data.v1_data("media_popular"), caller)
    return _envelope(items[: _count(request, len(items))], token=caller.token)


@endpoint
def media_search(request, caller):
    if not request.GET.get("lat") or not request.GET.get("lng"):
        raise V1Error("APIInvalidParametersError", "Missing lat and lng.")
    items = _media_list(data.v1_data("media_search"), caller)
    return _envelope(items[: _count(request, len(items))], token=caller.token)


@endpoint
def media_comments(request, caller, media_id):
    if request.method == "POST":
        caller.require_scope("comments")
        text = request.POST.get("text", "")
        if not text:
            raise V1Error("APIInvalidParametersError", "Missing text parameter.")
        _media_or_404(media_id)
        SandboxAction.objects.create(
            instagram_user_id=caller.user_id, kind=SandboxAction.Kind.COMMENT, target_id=media_id, text=text,
        )
        return _envelope(None, token=caller.token)
    return _envelope(_comments_of(media_id, caller), token=caller.token)


def _comments_of(media_id: str, caller: Caller) -> list[dict]:
    if media_id == data.recorded_id("comments"):
        recorded = data.v1_data("comments")
    else:
        recorded = (_media_or_404(media_id).get("comments") or {}).get("data") or []
    deleted = set(_actions(caller.user_id, SandboxAction.Kind.COMMENT_DELETED).values_list("target_id", flat=True))
    comments = [comment for comment in recorded if str(comment.get("id")) not in deleted]
    for action in _actions(caller.user_id, SandboxAction.Kind.COMMENT, media_id).order_by("created"):
        comments.append({
            "id": str(action.pk), "text": action.text, "from": _sandbox_user(),
            "created_time": str(int(action.created.timestamp())),
        })
    return [comment for comment in comments if str(comment.get("id")) not in deleted]


@endpoint
def media_comment_delete(request, caller, media_id, comment_id):
    if request.method != "DELETE":
        raise V1Error("APINotAllowedError", "Use DELETE to remove a comment.", 405)
    caller.require_scope("comments")
    SandboxAction.objects.filter(
        instagram_user_id=caller.user_id, kind=SandboxAction.Kind.COMMENT, target_id=media_id, pk__in=[
            int(comment_id)] if comment_id.isdigit() else []
    ).delete()
    SandboxAction.objects.create(
        instagram_user_id=caller.user_id, kind=SandboxAction.Kind.COMMENT_DELETED, target_id=comment_id,
    )
    return _envelope(None, token=caller.token)


@endpoint
def media_likes(request, caller, media_id):
    if request.method in ("POST", "DELETE"):
        caller.require_scope("likes")
        _media_or_404(media_id)
        likes = _actions(caller.user_id, SandboxAction.Kind.LIKE, media_id)
        if request.method == "POST" and not likes.exists():
            SandboxAction.objects.create(instagram_user_id=caller.user_id, kind=SandboxAction.Kind.LIKE, target_id=media_id)
        if request.method == "DELETE":
            likes.delete()
        return _envelope(None, token=caller.token)
    if media_id == data.recorded_id("media_likes"):
        users = data.v1_data("media_likes")
    else:
        users = (_media_or_404(media_id).get("likes") or {}).get("data") or []
    if _actions(caller.user_id, SandboxAction.Kind.LIKE, media_id).exists():
        users = [_sandbox_user()] + users
    return _envelope(users, token=caller.token)


# Tags and locations ------------------------------------------------------------------------------------


def _tag_index() -> dict[str, int]:
    counts = {tag["name"]: int(tag["media_count"]) for tag in data.v1_data("tag_search")}
    counts.update({data.v1_data(name)["name"]: data.v1_data(name)["media_count"] for name in ("tag",)})
    recorded = data.v1_data("access_token", 1)
    counts[recorded["name"]] = recorded["media_count"]
    return counts


@endpoint
def tag(request, caller, name):
    counts = _tag_index()
    if name in counts:
        return _envelope({"media_count": counts[name], "name": name}, token=caller.token)
    tagged = sum(1 for media in data.all_media() if name in (media.get("tags") or []))
    return _envelope({"media_count": tagged, "name": name}, token=caller.token)


@endpoint
def tag_search(request, caller):
    query = request.GET.get("q", "")
    if not query:
        raise V1Error("APIInvalidParametersError", "Missing q parameter.")
    found = [tag for tag in data.v1_data("tag_search") if query.lower() in tag["name"].lower()]
    return _envelope(found, token=caller.token)


@endpoint
def tag_recent_media(request, caller, name):
    if name == data.recorded_id("tag_recent_media"):
        items = data.v1_data("tag_recent_media")
    else:
        items = [media for media in data.all_media() if name in (media.get("tags") or [])]
    items = _media_list(items, caller)
    return _page(request, caller, items, cursor_param="max_tag_id", next_key="next_max_tag_id", path=f"/tags/{quote(name, safe='')}/media/recent")


def _known_locations() -> dict[str, dict]:
    known = {}
    for media in data.all_media():
        place = media.get("location")
        if isinstance(place, dict) and place.get("id") is not None:
            known[str(place["id"])] = {**place, "id": str(place["id"])}
    known[data.recorded_id("location")] = data.v1_data("location")
    return known


@endpoint
def location(request, caller, location_id):
    found = _known_locations().get(location_id)
    if found is None:
        raise V1Error("APINotFoundError", "invalid location id")
    return _envelope(found, token=caller.token)


@endpoint
def location_recent_media(request, caller, location_id):
    if location_id not in _known_locations():
        raise V1Error("APINotFoundError", "invalid location id")
    if location_id == data.recorded_id("location_recent_media"):
        items = data.v1_data("location_recent_media")
    else:
        items = [m for m in data.all_media() if str((m.get("location") or {}).get("id")) == location_id]
    items = _media_list(items, caller)
    return _page(request, caller, items, cursor_param="max_id", next_key="next_max_id", path=f"/locations/{quote(location_id, safe='')}/media/recent")


@endpoint
def location_search(request, caller):
    params = request.GET
    if params.get("foursquare_v2_id"):
        found = data.v1_data("location_foursquare_v2")
    elif params.get("lat") and params.get("lng"):
        found = data.v1_data("location_lat_lng")
    elif params.get("facebook_places_id") or params.get("foursquare_id"):
        found = []
    else:
        raise V1Error("APIInvalidParametersError", "Missing lat and lng, or a place id.")
    return _envelope(list(itertools.islice(found, _count(request, 100))), token=caller.token)
