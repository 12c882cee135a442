"""The sandbox's consent page and token endpoint."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..conf import instagram_settings
from . import data, tokens
from .models import SandboxCode, SandboxToken

logger = logging.getLogger(__name__)

GRAPH_SCOPES = (
    "instagram_business_basic",
    "instagram_business_manage_comments",
    "instagram_business_content_publish",
    "instagram_business_manage_messages",
    "instagram_business_manage_insights",
)
LEGACY_SCOPES = ("basic", "public_content", "follower_list", "comments", "relationships", "likes")

#: The Instagram account id (Graph ``user_id``) of the account a sandbox login signs in as.
GRAPH_USER_ID = "17841400000000001"


def _oauth_error(message: str, status: int = 400) -> JsonResponse:
    """Instagram's token-endpoint error body (top-level, v1 style, for both APIs)."""
    return JsonResponse({"error_type": "OAuthException", "code": status, "error_message": message}, status=status)


def _split_scopes(raw: str) -> list[str]:
    separator = "," if "," in raw else " "
    return [scope.strip() for scope in raw.split(separator) if scope.strip()]


def _api_of(scopes: list[str]) -> str:
    if any(scope.startswith("instagram_business_") for scope in scopes):
        return "graph"
    if scopes:
        return "legacy"
    return instagram_settings.API


def _consent_problem(params, scopes: list[str], api: str) -> str | None:
    if params.get("client_id") != instagram_settings.CLIENT_ID:
        return "Invalid platform app: the client_id is not the sandbox app's."
    if params.get("redirect_uri") != instagram_settings.REDIRECT_URI:
        return "Invalid redirect_uri: it does not match the redirect URI registered for this app."
    if params.get("response_type") != "code":
        return "Invalid response_type: use code."
    allowed = GRAPH_SCOPES if api == "graph" else LEGACY_SCOPES
    invalid = [scope for scope in scopes if scope not in allowed]
    if invalid:
        return f"Invalid scope: {invalid}"
    if api == "graph" and "instagram_business_basic" not in scopes:
        return "Invalid scope: instagram_business_basic is required."
    return None


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """Show the consent page (GET); on POST redirect back with a code or Instagram's denial."""
    params = request.GET if request.method == "GET" else request.POST
    scopes = _split_scopes(params.get("scope", ""))
    api = _api_of(scopes)
    problem = _consent_problem(params, scopes, api)
    if problem:
        return render(request, "django_instagram_sandbox/error.html", {"message": problem}, status=400)
    if request.method == "GET":
        return _consent_page(request, params, scopes, api)
    return _decision(params, scopes, api, allowed="allow" in request.POST)


def _consent_page(request, params, scopes, api) -> HttpResponse:
    # No profile picture: the recorded one is on Instagram's CDN, and loading it would send the
    # browser to Instagram from a page that promises no data leaves the site.
    if api == "graph":
        profile = {"username": data.graph_body("me").get("username")}
    else:
        profile = {"username": data.v1_data("user").get("username")}
    context = {
        "app_name": instagram_settings.SANDBOX_APP_NAME or f"App {params.get('client_id')}",
        "scopes": scopes,
        "api": api,
        "profile": profile,
        "params": {key: params.get(key, "") for key in ("client_id", "redirect_uri", "response_type", "scope", "state")},
    }
    return render(request, "django_instagram_sandbox/authorize.html", context)


def _decision(params, scopes, api, *, allowed: bool) -> HttpResponse:
    redirect_uri = params["redirect_uri"]
    query = {}
    if allowed:
        user_id = GRAPH_USER_ID if api == "graph" else data.SANDBOX_USER_ID
        query["code"] = tokens.new_code(
            api=api, client_id=params["client_id"], redirect_uri=redirect_uri, scopes=scopes,
            instagram_user_id=user_id,
        )
    else:
        query.update(error="access_denied", error_reason="user_denied", error_description="The user denied your request")
    if params.get("state"):
        query["state"] = params["state"]
    separator = "&" if "?" in redirect_uri else "?"
    suffix = "#_" if allowed and api == "graph" else ""
    return HttpResponseRedirect(redirect_uri + separator + urlencode(query) + suffix)


@csrf_exempt
@require_POST
def access_token(request: HttpRequest) -> HttpResponse:
    """Exchange a code like api.instagram.com/oauth/access_token: checks client, secret, redirect URI, code."""
    form = request.POST
    if not form.get("client_id"):
        return _oauth_error("You must provide a client_id")
    if not form.get("client_secret"):
        return _oauth_error("You must provide a client_secret")
    if form["client_id"] != instagram_settings.CLIENT_ID or form["client_secret"] != instagram_settings.CLIENT_SECRET:
        return _oauth_error("Invalid Client ID or Client Secret")
    if form.get("grant_type") != "authorization_code":
        return _oauth_error("Invalid grant_type: use authorization_code")
    with transaction.atomic():
        code = SandboxCode.objects.select_for_update().filter(code=form.get("code", "")).first()
        if code is None or code.used or timezone.now() - code.created > tokens.CODE_LIFETIME:
            return _oauth_error("Matching code was not found or was already used")
        if form.get("redirect_uri") != code.redirect_uri:
            return _oauth_error("Redirect URI does not match registered redirect URI")
        code.used = True
        code.save(update_fields=["used"])
    kind = SandboxToken.Kind.LEGACY if code.api == "legacy" else SandboxToken.Kind.SHORT_LIVED
    token = tokens.new_token(api=code.api, kind=kind, scopes=code.scopes, instagram_user_id=code.instagram_user_id)
    logger.info("Sandbox issued a %s token for Instagram user %s.", kind, code.instagram_user_id)
    if code.api == "legacy":
        body = data.v1_body("access_token")
        body["access_token"] = token.token
        return JsonResponse(body)
    # The code exchange answers with the app-scoped id, which is not the account id that /me
    # returns as user_id; the login must read /me to store the right one.
    from .graph_data import APP_SCOPED_ID

    return JsonResponse({"access_token": token.token, "user_id": APP_SCOPED_ID, "permissions": code.scopes})
