"""OAuth views: start a login, handle Instagram's callback, and unlink an account."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from . import oauth_state, services
from .accounts import AccountLinkedElsewhereError, link_account, unlink_account
from .adapter import get_adapter
from .client.errors import InstagramAPIError, InstagramError, InstagramTransportError
from .exceptions import InstagramConfigurationError
from .models import InstagramAccount
from .resolution import configured_api
from .sensitive import take_query
from .services.subscriptions import subscribe_linked_account, unsubscribe_linked_account

logger = logging.getLogger(__name__)

ERROR_TEMPLATE = "django_instagram/error.html"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Return ``candidate`` if it stays on this site, else the adapter's default."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return get_adapter().get_login_redirect_url(request)


def _failure(request: HttpRequest, message: str, *, status: int = 400, cancelled: bool = False) -> HttpResponse:
    context = {"message": message, "cancelled": cancelled}
    return render(request, ERROR_TEMPLATE, context, status=status)


@never_cache
@login_required
@require_GET
def login(request: HttpRequest) -> HttpResponse:
    """Send the signed-in user to Instagram (or the sandbox) to authorise the app."""
    api = configured_api()
    next_url = _safe_next(request, request.GET.get("next"))
    scopes = tuple(get_adapter().get_scopes(request, api))
    state = oauth_state.issue(request.session, next_url=next_url, api=api, scopes=scopes)
    logger.info("Instagram login started for user %s (%s API).", request.user.pk, api)
    return HttpResponseRedirect(services.authorize_url(scopes, state, api=api))


@sensitive_variables()
@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Check ``state``, tell cancel from failure, exchange the code and link the account.

    With ``INSTAGRAM["WEBHOOK_FIELDS"]`` set, a linked Graph account is then subscribed to those
    webhook fields. An Instagram error there is logged, and the login still succeeds.

    The code is redacted from the request before anything can log it. ``sensitive_variables``
    hides the local variables of this view and of every call below it from error reports: the
    code, the client secret of the token request and the token.
    """
    params = take_query(request)
    if not request.user.is_authenticated:
        # The pending login lives in the session, so it is gone once the session is. Sending the
        # user to log in with this URL as ``next`` would only put the code into another URL.
        return redirect_to_login(reverse("django_instagram:login"))

    try:
        pending = oauth_state.consume(request.session, params.get("state"))
    except oauth_state.StateError as error:
        logger.warning("Instagram callback for user %s rejected: state %s.", request.user.pk, error)
        return _failure(request, _("This Instagram login link is invalid or has expired. Please connect again."))

    if params.get("error"):
        return _error_from_instagram(request, params, pending)

    code = params.get("code", "").strip().removesuffix("#_")
    if not code:
        logger.warning("Instagram callback for user %s had neither code nor error.", request.user.pk)
        return _failure(request, _("Instagram did not send an authorisation code. Please connect again."))

    adapter = get_adapter()
    try:
        token, profile = adapter.complete_login(request, code, pending.api)
        if not adapter.can_link(request, profile):
            return _failure(request, _("This Instagram account cannot be linked to your account."), status=403)
        account, created = link_account(
            request.user, token, profile, api=pending.api, requested_scopes=pending.scopes
        )
    except AccountLinkedElsewhereError as error:
        return _failure(request, str(error), status=409)
    except InstagramAPIError as error:
        logger.warning(
            "Instagram login failed for user %s: %s: %s", request.user.pk, error.error_type, error.message
        )
        return _failure(request, _("Instagram refused the login: %(reason)s") % {"reason": error.message}, status=502)
    except (InstagramTransportError, InstagramError) as error:
        logger.warning("Instagram login failed for user %s: %s", request.user.pk, error)
        return _failure(request, _("Instagram could not be reached. Please try again in a moment."), status=502)
    except InstagramConfigurationError as error:
        logger.error("Instagram login is misconfigured: %s", error)
        return _failure(request, _("Instagram login is not configured on this site."), status=500)

    subscribe_linked_account(account)
    messages.success(
        request, _("Your Instagram account @%(username)s is connected.") % {"username": account.username},
        fail_silently=True,
    )
    return HttpResponseRedirect(pending.next_url or adapter.get_login_redirect_url(request))


def _error_from_instagram(request: HttpRequest, params, pending: oauth_state.PendingLogin) -> HttpResponse:
    error = params.get("error", "")
    reason = params.get("error_reason", "")
    if error == "access_denied":
        logger.info("User %s cancelled the Instagram login (%r).", request.user.pk, (reason or error)[:100])
        return _failure(
            request, _("You cancelled connecting your Instagram account. Nothing was changed."),
            status=200, cancelled=True,
        )
    # The query string is anyone's to write: %r keeps its line breaks from forging log lines.
    logger.warning("Instagram login failed for user %s: %r (%r).", request.user.pk, error[:100], reason[:100])
    description = params.get("error_description", "") or error
    return _failure(request, _("Instagram refused the login: %(reason)s") % {"reason": description})


@login_required
@require_POST
def disconnect(request: HttpRequest, pk: int) -> HttpResponse:
    """Unlink one of the signed-in user's accounts (POST with a CSRF token only).

    With ``INSTAGRAM["WEBHOOK_FIELDS"]`` set, a Graph account's webhook subscription is removed
    first, on a best-effort basis.
    """
    account = get_object_or_404(InstagramAccount, pk=pk, user=request.user)
    username = account.username
    unsubscribe_linked_account(account)
    unlink_account(account)
    messages.success(
        request, _("Your Instagram account @%(username)s was disconnected.") % {"username": username},
        fail_silently=True,
    )
    return HttpResponseRedirect(_safe_next(request, request.POST.get("next")))
