"""The API explorer: every call of ``django_instagram.services`` as a form, run with the user's account.

Each call lists its parameters. A submitted form runs the call with the chosen linked account as
``token=`` and shows the typed result (pretty-printed records) or the error. The page runs
calls only while ``INSTAGRAM["SANDBOX"]`` is on, so it never sends a request to Instagram itself.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import pprint
import types
from dataclasses import dataclass
from typing import Any, Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from django_instagram import services
from django_instagram.client.errors import InstagramError
from django_instagram.client.record import Record
from django_instagram.conf import instagram_settings
from django_instagram.models import InstagramAccount

logger = logging.getLogger(__name__)

#: Items an ``iter_`` call may yield on this page, so a long walk cannot stall it.
MAX_ITER_ITEMS = 50


@dataclass(frozen=True)
class Parameter:
    """One form field: its name, how its text is converted, and an example shown as placeholder."""

    name: str
    kind: type = str
    required: bool = False
    example: str = ""

    def convert(self, raw: str) -> Any:
        if self.kind is int:
            return int(raw)
        if self.kind is float:
            return float(raw)
        return raw


@dataclass(frozen=True)
class ExplorerCall:
    """A service call: positional parameters, parameters passed as a dict, and whether it takes ``token``."""

    name: str
    positional: tuple[Parameter, ...] = ()
    params: tuple[Parameter, ...] = ()
    takes_token: bool = True

    @property
    def function(self) -> Callable[..., Any]:
        return getattr(services, self.name)

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return self.positional + self.params


def _p(name: str, kind: type = str, example: str = "", required: bool = False) -> Parameter:
    return Parameter(name, kind, required, example)


MEDIA_ID = _p("media_id", example="2393433640717702082_951819347", required=True)
USER_ID = _p("user_id", example="self", required=True)
TAG_NAME = _p("name", example="ts", required=True)
LOCATION_ID = _p("location_id", example="1", required=True)
COUNT = _p("count", int, "3")
MEDIA_RANGE = (COUNT, _p("min_timestamp", int), _p("max_timestamp", int), _p("min_id"), _p("max_id"))
TAG_MEDIA = (COUNT, _p("min_tag_id"), _p("max_tag_id"))
LOCATION_SEARCH = (
    _p("lat", float, "1.0"), _p("lng", float, "2.0"), _p("distance", int), COUNT, _p("facebook_places_id"),
    _p("foursquare_v2_id"), _p("foursquare_id"),
)
MEDIA_SEARCH = (
    _p("lat", float, "1.0", True), _p("lng", float, "2.0", True), _p("distance", int), COUNT,
    _p("min_timestamp", int), _p("max_timestamp", int),
)
FEED = (COUNT, _p("min_id"), _p("max_id"))
LIKED = (COUNT, _p("max_like_id"))
FOLLOWS = (COUNT, _p("cursor"))
GRAPH_MEDIA_ID = _p("media_id", example="56117072557913514", required=True)
GRAPH_COMMENT_ID = _p("comment_id", example="38812624569807068", required=True)
CAPTION = _p("caption", example="Posted from the explorer")

CALLS: tuple[ExplorerCall, ...] = (
    ExplorerCall("authorize_url", (_p("scopes", example="basic likes"), _p("state", example="value")), takes_token=False),
    ExplorerCall("get_token", (_p("code", required=True),), takes_token=False),
    ExplorerCall("tag", (TAG_NAME,)),
    ExplorerCall("tag_search", (_p("query", example="fit", required=True),)),
    ExplorerCall("tag_recent_media", (TAG_NAME,), TAG_MEDIA),
    ExplorerCall("tag_recent_media_with_pagination", (TAG_NAME,), TAG_MEDIA),
    ExplorerCall("iter_tag_recent_media", (TAG_NAME,), TAG_MEDIA),
    ExplorerCall("location", (LOCATION_ID,)),
    ExplorerCall("location_recent_media", (LOCATION_ID,), MEDIA_RANGE),
    ExplorerCall("location_recent_media_with_pagination", (LOCATION_ID,), MEDIA_RANGE),
    ExplorerCall("iter_location_recent_media", (LOCATION_ID,), MEDIA_RANGE),
    ExplorerCall("location_search", (), LOCATION_SEARCH),
    ExplorerCall("media", (MEDIA_ID,)),
    ExplorerCall("media_shortcode", (_p("shortcode", example="D", required=True),)),
    ExplorerCall("media_search", (), MEDIA_SEARCH),
    ExplorerCall("media_popular", (_p("count", int, "5"),)),
    ExplorerCall("media_comments", (MEDIA_ID,)),
    ExplorerCall("media_comment", (MEDIA_ID, _p("text", example="Nice pic", required=True))),
    ExplorerCall("media_comment_delete", (MEDIA_ID, _p("comment_id", required=True))),
    ExplorerCall("media_likes", (MEDIA_ID,)),
    ExplorerCall("media_like", (MEDIA_ID,)),
    ExplorerCall("media_unlike", (MEDIA_ID,)),
    ExplorerCall("user", (USER_ID,)),
    ExplorerCall("user_search", (), (_p("q", example="user", required=True), COUNT)),
    ExplorerCall("user_recent_media", (USER_ID,), MEDIA_RANGE),
    ExplorerCall("user_recent_media_with_pagination", (USER_ID,), MEDIA_RANGE),
    ExplorerCall("iter_user_recent_media", (USER_ID,), MEDIA_RANGE),
    ExplorerCall("user_feed", (), FEED),
    ExplorerCall("iter_user_feed", (), FEED),
    ExplorerCall("user_media_liked", (), LIKED),
    ExplorerCall("iter_user_media_liked", (), LIKED),
    ExplorerCall("user_follows", (_p("user_id", example="57451593", required=True),), FOLLOWS),
    ExplorerCall("iter_user_follows", (_p("user_id", example="57451593", required=True),), FOLLOWS),
    ExplorerCall("user_followed_by", (_p("user_id", example="57451593", required=True),)),
    ExplorerCall("iter_user_followed_by", (_p("user_id", example="57451593", required=True),)),
    ExplorerCall("user_requested_by"),
    ExplorerCall(
        "user_relationship",
        (_p("user_id", example="139839357", required=True),
         _p("action", example="follow, unfollow, block, unblock, approve or ignore")),
    ),
    # The Instagram API with Instagram Login only: these need a Graph account. publish_video is left
    # out because a sandbox video finishes on the second status check, so the page would wait
    # INSTAGRAM["PUBLISH_POLL_INTERVAL"] seconds.
    ExplorerCall("media_children", (GRAPH_MEDIA_ID,)),
    ExplorerCall("comment_replies", (GRAPH_COMMENT_ID,)),
    ExplorerCall("comment_reply", (GRAPH_COMMENT_ID, _p("text", example="Thanks!", required=True))),
    ExplorerCall("comment_hide", (GRAPH_COMMENT_ID,)),
    ExplorerCall("publish_image", (_p("image_url", example="https://example.com/photo.jpg", required=True), CAPTION)),
    ExplorerCall(
        "publish_carousel",
        (_p("items", example="https://example.com/a.jpg https://example.com/b.jpg", required=True), CAPTION),
    ),
    ExplorerCall("content_publishing_limit"),
    ExplorerCall("subscribe_webhooks", (_p("fields", example="comments live_comments"),)),
    ExplorerCall("webhook_subscriptions"),
    ExplorerCall("unsubscribe_webhooks"),
)

CALLS_BY_NAME = {call.name: call for call in CALLS}


class FormError(ValueError):
    """A form value is missing or cannot be converted; the message names the field."""


def _read_values(call: ExplorerCall, data) -> tuple[list[Any], dict[str, Any]]:
    """Convert the submitted fields into positional arguments and a parameter dict."""
    positional, params = [], {}
    for parameter in call.parameters:
        raw = (data.get(parameter.name) or "").strip()
        if not raw:
            if parameter.required:
                raise FormError(_("%(field)s is required.") % {"field": parameter.name})
            value = None
        else:
            try:
                value = parameter.convert(raw)
            except ValueError:
                raise FormError(
                    _("%(field)s must be a number, not %(value)r.") % {"field": parameter.name, "value": raw}
                ) from None
        if parameter in call.positional:
            positional.append(value)
        elif value is not None:
            params[parameter.name] = value
    return positional, params


def run_call(call: ExplorerCall, data, account: InstagramAccount | None) -> Any:
    """Run ``call`` with the submitted ``data``; iterators yield at most ``MAX_ITER_ITEMS`` items."""
    positional, params = _read_values(call, data)
    if call.name == "authorize_url":
        scopes, state = positional
        return services.authorize_url(scopes.split() if scopes else None, state)
    if call.name == "get_token":
        return services.get_token(positional[0])
    if call.name == "user_relationship":
        user_id, action = positional
        return services.user_relationship(user_id, token=account, action=action)
    if call.name == "user_follows":
        return services.user_follows(positional[0], params or None, account)
    if call.name == "publish_carousel":
        items, caption = positional
        return services.publish_carousel(items.split(), caption, account)
    if call.name == "subscribe_webhooks":
        fields = positional[0]
        return services.subscribe_webhooks(fields.split() if fields else None, account)
    if call.name == "iter_user_followed_by":
        return list(services.iter_user_followed_by(positional[0], account, max_items=MAX_ITER_ITEMS))

    kwargs: dict[str, Any] = {"token": account}
    if call.params:
        kwargs["params"] = params
    if call.name.startswith("iter_"):
        return list(call.function(*positional, max_items=MAX_ITER_ITEMS, **kwargs))
    return call.function(*positional, **kwargs)


def _format_result(value: Any) -> str:
    return pprint.pformat(_printable(value), width=110, sort_dicts=False)


def _printable(value: Any) -> Any:
    """Convert records and dataclasses into namespaces, which ``pprint`` wraps field by field."""
    if isinstance(value, Record):
        visible_fields = {name: _printable(getattr(value, name)) for name in value._fields if name not in value._hidden}
        return _namespace_type(type(value).__name__)(**visible_fields)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        visible_fields = {
            field.name: _printable(getattr(value, field.name)) for field in dataclasses.fields(value) if field.repr
        }
        return _namespace_type(type(value).__name__)(**visible_fields)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_printable(item) for item in value)
    return value


@functools.lru_cache(maxsize=None)
def _namespace_type(name: str) -> type:
    """Return a ``SimpleNamespace`` subclass called ``name``, so ``pprint`` shows the result's type."""
    return type(name, (types.SimpleNamespace,), {})


def _accounts(request: HttpRequest) -> list[InstagramAccount]:
    return list(InstagramAccount.objects.filter(user=request.user).order_by("created"))


def _form(call: ExplorerCall, submitted: dict[str, Any] | None) -> dict[str, Any]:
    """Build the template context of one call's form, refilled with the values just submitted for it."""
    values = submitted["values"] if submitted and submitted["call"] == call.name else {}
    fields = [
        {
            "name": parameter.name,
            "value": values.get(parameter.name, ""),
            "example": parameter.example,
            "required": parameter.required,
            "input_type": "text" if parameter.kind is str else "number",
            "step": "any" if parameter.kind is float else "1",
        }
        for parameter in call.parameters
    ]
    outcome = submitted if submitted and submitted["call"] == call.name else None
    return {"call": call, "fields": fields, "outcome": outcome}


@login_required
def explorer(request: HttpRequest) -> HttpResponse:
    """List every call; on POST run the chosen one against the sandbox and show what it returned."""
    accounts = _accounts(request)
    submitted = None
    if request.method == "POST":
        call = CALLS_BY_NAME.get(request.POST.get("call", ""))
        if call is None:
            return HttpResponseBadRequest(_("Unknown call; choose one from the explorer's list."))
        submitted = _submit(request, call, accounts)
    context = {
        "forms": [_form(call, submitted) for call in CALLS],
        "accounts": accounts,
        "sandbox": bool(instagram_settings.SANDBOX),
    }
    return render(request, "explorer.html", context)


def _submit(request: HttpRequest, call: ExplorerCall, accounts: list[InstagramAccount]) -> dict[str, Any]:
    submitted: dict[str, Any] = {"call": call.name, "values": request.POST, "result": None, "error": None}
    if not instagram_settings.SANDBOX:
        submitted["error"] = _('The explorer runs calls only against the sandbox: set INSTAGRAM["SANDBOX"] = True.')
        return submitted

    chosen = request.POST.get("account")
    account = next((item for item in accounts if str(item.pk) == chosen), accounts[0] if accounts else None)
    if call.takes_token and account is None:
        submitted["error"] = _("Link an Instagram account first: the calls run with its token.")
        return submitted

    try:
        submitted["result"] = _format_result(run_call(call, request.POST, account))
    except FormError as error:
        submitted["error"] = str(error)
    except (InstagramError, TypeError, ValueError) as error:
        logger.info("Explorer call %s failed for account %s: %s", call.name, getattr(account, "pk", None), error)
        submitted["error"] = f"{type(error).__name__}: {error}"
    return submitted
